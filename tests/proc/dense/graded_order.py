"""A second, interpreted implementation of the float graded product's fixed order (see
neuroproc.proc.dense._graded_kernels), with exact rational arithmetic for every fused multiply-add:
the tests' independent expectation."""
from __future__ import annotations

from fractions import Fraction

import numpy as np


def fma(a: float, b: float, c: float) -> float:
    """``a * b + c`` with one rounding (finite values; a zero result takes IEEE's sign rule)."""
    exact = Fraction(a) * Fraction(b) + Fraction(c)
    return float(exact) if exact != 0 else (a * b) + c


def fixed_order_dot(weights, v) -> np.ndarray:
    """``weights @ v``: per row, four fused partial sums over the first ``n - n % 4`` terms
    (``k = j % 4``), combined ``(a0 + a2) + (a1 + a3)``, then the rest fused in order."""
    w = np.asarray(weights, dtype=np.float64)
    x = np.asarray(v, dtype=np.float64).reshape(-1)
    n = x.size
    m = n - n % 4
    out = np.empty(w.shape[0])
    for p in range(w.shape[0]):
        a = [0.0, 0.0, 0.0, 0.0]
        for j in range(m):
            a[j % 4] = fma(float(w[p, j]), float(x[j]), a[j % 4])
        acc = (a[0] + a[2]) + (a[1] + a[3])
        for j in range(m, n):
            acc = fma(float(w[p, j]), float(x[j]), acc)
        out[p] = acc
    return out
