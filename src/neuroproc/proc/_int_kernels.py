"""Integer helpers shared by the fixed-point kernels of the neuron library.

numba computes integer expressions in int64; these give the results numpy gets in int32 and
Loihi's sign-magnitude shifts.
"""
from __future__ import annotations

from numba import njit

__all__ = ["abs32", "trunc_shift", "wrap32"]

_INT32_MIN = -2147483648


@njit(cache=True)
def wrap32(x):
    """``x`` wrapped to int32, as numpy's int32 arithmetic does."""
    return ((x + 2147483648) & 4294967295) - 2147483648


@njit(cache=True)
def trunc_shift(p, shift):
    """``sign(p) * (|p| >> shift)``: a division by ``2**shift`` rounding toward zero."""
    if p < 0:
        return -((-p) >> shift)
    return p >> shift


@njit(cache=True)
def abs32(x):
    """numpy's ``abs`` of an int32: ``-2**31`` stays ``-2**31``."""
    return x if x == _INT32_MIN else abs(x)
