"""The float graded product ``W @ s`` in one fixed order, for the python models and the kernels.

Lava's float Dense with graded spikes computes ``W.dot(s)``: BLAS's ``dgemv``, whose order of
additions depends on the BLAS build, the CPU and the matrix's shape. Lava's reference data for
every float graded connection (``sigma_float_01``, ``delta_float_01``, ``sigmadelta_float_01``,
``learn_stdp_float_graded_overwrite``: 3 or 4 outputs of 4 or 5 inputs) is reproduced bit for bit
by the order of OpenBLAS's x86-64 ``dgemv_t`` kernel on these shapes, which :func:`graded_row`
fixes for every shape and every CPU:

* four partial sums ``a_k`` (``k = j % 4``) over the first ``n - n % 4`` inputs, each updated by a
  fused multiply-add ``a_k = fma(w_j, s_j, a_k)`` (one rounding per term);
* combined as ``(a_0 + a_2) + (a_1 + a_3)``;
* the last ``n % 4`` terms added in order, again by fused multiply-adds.

A plain sequential sum (with or without fused multiply-adds), a reversed one, two or eight partial
sums: each differs from some reference row in the last bit. On other shapes OpenBLAS adds in
other orders (OpenBLAS 0.3.31 on an AVX-512 CPU differs from this one from 6 inputs on, and for
some row counts already with 2), so this order is not claimed to be any BLAS's there: it is ours,
the same in both backends and on every machine. ``fma`` is LLVM's ``llvm.fma`` intrinsic:
correctly rounded on every CPU (in software where the CPU has no FMA instruction). Every term is
computed, zeros included, as BLAS does. Cost: about 1.3 to 2 times a single-threaded ``dgemv`` on
large matrices (scalar fused multiply-adds; the four partial sums do not vectorise as BLAS's do).
"""
from __future__ import annotations

import math
from fractions import Fraction

import numba
import numpy as np
from numba import njit

from neuroproc.runtime.kernels import KernelSpec

__all__ = ["fma", "graded_matvec", "graded_matvec_into", "graded_spec"]


def _fma_python(a, b, c):
    """``a * b + c`` rounded once (the interpreted stand-in when numba's JIT is disabled)."""
    if hasattr(math, "fma"):  # Python >= 3.13
        return math.fma(a, b, c)
    a, b, c = float(a), float(b), float(c)
    if not (math.isfinite(a) and math.isfinite(b) and math.isfinite(c)):
        return a * b + c
    exact = Fraction(a) * Fraction(b) + Fraction(c)
    return float(exact) if exact != 0 else (a * b) + c


if numba.config.DISABLE_JIT:
    fma = _fma_python
else:
    from llvmlite import ir
    from numba.core import cgutils, types
    from numba.extending import intrinsic

    @intrinsic
    def fma(typingctx, a, b, c):
        """``a * b + c`` rounded once, in float64 (LLVM's ``llvm.fma``)."""
        sig = types.float64(types.float64, types.float64, types.float64)

        def codegen(context, builder, signature, args):
            f64 = ir.DoubleType()
            fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(f64, [f64, f64, f64]), "llvm.fma.f64")
            return builder.call(fn, args)

        return sig, codegen


@njit(cache=True)
def _tail(w, p, s, m, acc):
    for j in range(m, s.size):
        acc = fma(np.float64(w[p, j]), np.float64(s[j]), acc)
    return acc


@njit(cache=True)
def graded_row(w, p, s):
    """``W[p] . s`` for the weights ``w`` (n_out, n_in) and the inputs ``s`` (n_in,), in the order of
    the module docstring."""
    m = s.size - s.size % 4
    a0 = 0.0
    a1 = 0.0
    a2 = 0.0
    a3 = 0.0
    for b in range(m // 4):
        j = 4 * b
        a0 = fma(np.float64(w[p, j]), np.float64(s[j]), a0)
        a1 = fma(np.float64(w[p, j + 1]), np.float64(s[j + 1]), a1)
        a2 = fma(np.float64(w[p, j + 2]), np.float64(s[j + 2]), a2)
        a3 = fma(np.float64(w[p, j + 3]), np.float64(s[j + 3]), a3)
    return _tail(w, p, s, m, (a0 + a2) + (a1 + a3))


@njit(cache=True)
def graded_matvec_into(out, w, s):
    """``out[p] = W[p] . s`` for every row p of ``w`` (n_out, n_in); ``s`` and ``out`` flat.

    Two rows at a time (eight independent sums keep the FMA units busy); each row's arithmetic is
    that of :func:`graded_row`."""
    n_out = w.shape[0]
    m = s.size - s.size % 4
    for q in range(n_out // 2):
        p = 2 * q
        a0 = 0.0
        a1 = 0.0
        a2 = 0.0
        a3 = 0.0
        b0 = 0.0
        b1 = 0.0
        b2 = 0.0
        b3 = 0.0
        for blk in range(m // 4):
            j = 4 * blk
            s0, s1, s2, s3 = np.float64(s[j]), np.float64(s[j + 1]), np.float64(s[j + 2]), np.float64(s[j + 3])
            a0 = fma(np.float64(w[p, j]), s0, a0)
            a1 = fma(np.float64(w[p, j + 1]), s1, a1)
            a2 = fma(np.float64(w[p, j + 2]), s2, a2)
            a3 = fma(np.float64(w[p, j + 3]), s3, a3)
            b0 = fma(np.float64(w[p + 1, j]), s0, b0)
            b1 = fma(np.float64(w[p + 1, j + 1]), s1, b1)
            b2 = fma(np.float64(w[p + 1, j + 2]), s2, b2)
            b3 = fma(np.float64(w[p + 1, j + 3]), s3, b3)
        out[p] = _tail(w, p, s, m, (a0 + a2) + (a1 + a3))
        out[p + 1] = _tail(w, p + 1, s, m, (b0 + b2) + (b1 + b3))
    if n_out % 2:
        out[n_out - 1] = graded_row(w, n_out - 1, s)


@njit(cache=True)
def _matvec(w, s):
    out = np.empty(w.shape[0], np.float64)
    graded_matvec_into(out, w, s)
    return out


def graded_matvec(weights: np.ndarray, s) -> np.ndarray:
    """``weights @ s`` (float64) in the fixed order of the module docstring, as a new array; ``s`` is
    flattened and taken as float64 (bool spikes count 1)."""
    if not (isinstance(s, np.ndarray) and s.dtype == np.float64 and s.ndim == 1):
        s = np.asarray(s, dtype=np.float64).reshape(-1)
    return _matvec(weights, s)


@njit(cache=True)
def _dense_early(t, a_buff, w, a_out):
    """Send last step's accumulation (the one-step synaptic delay)."""
    for i in range(a_out.size):
        a_out[i] = a_buff[i]


@njit(cache=True)
def _dense_step(t, a_buff, w, s_in):
    graded_matvec_into(a_buff, w, s_in.reshape(s_in.size))


def graded_spec(model) -> KernelSpec | None:
    """The kernel of a float Dense with graded spikes (None unless its weights are a float 2-D matrix
    and ``a_buff`` a float64 vector, as :meth:`run_spk` leaves them)."""
    w, a_buff = model.weights, model.a_buff
    graded = int(np.asarray(model.num_message_bits).ravel()[0]) > 0
    if not graded or w.ndim != 2 or w.dtype.kind != "f" or a_buff.dtype != np.float64 or a_buff.shape != w.shape[:1]:
        return None

    def params(m):
        return (np.ascontiguousarray(m.weights, dtype=np.float64),)

    # the early send only copies a_buff: the backend may let a_out's readers read a_buff itself
    return KernelSpec(step=_dense_step, early=_dense_early, arrays=("a_buff",), in_ports=("s_in",),
                      early_ports=("a_out",), params=params, in_kinds=("biuf",),
                      early_copies=(("a_out", "a_buff"),), label="dense_float_graded")
