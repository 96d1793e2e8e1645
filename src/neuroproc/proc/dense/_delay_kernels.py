"""numba kernels of the DelayDense and DelaySparse models (see neuroproc.runtime.kernels).

Both send column 0 of ``a_buff`` early (before they receive), then in their step shift the
columns down by one, clear the last, and add this step's accumulation, one column per delay.

Summation order, as the python models (and Lava) do it:

* float DelayDense: every output and delay sums the row ``where(delays == k, W, 0) * s`` with
  numpy's pairwise summation, zeros included (:func:`~neuroproc.proc.dense._kernels.pairwise_sum`);
  the kernel writes each row to scratch and sums it the same way.
* float DelaySparse: every output and delay adds its active synapses one after the other in
  increasing input order, from 0.
* bit-accurate: integers. DelayDense sums in int64 (numpy's sum of int32), DelaySparse in int32
  with wrap-around (scipy's int32 product); the scaled sum is added to the int32 ``a_buff``
  with wrap-around, as numpy's in-place add does.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from neuroproc.proc.dense._kernels import _prepare, _wrap32, pairwise_sum
from neuroproc.runtime.kernels import KernelSpec

__all__ = ["delay_dense_spec", "delay_sparse_spec"]


@njit(cache=True)
def _send(a_buff, a_out):
    for i in range(a_out.size):
        a_out[i] = a_buff[i, 0]


@njit(cache=True)
def dense_early(t, a_buff, weights, delays, scratch, idx, params, a_out):
    _send(a_buff, a_out)


@njit(cache=True)
def sparse_early(t, a_buff, weights, delays, scratch, rows, col_ptr, params, a_out):
    _send(a_buff, a_out)


@njit(cache=True)
def _shift(a_buff):
    """Column k <- column k + 1, last column cleared (Lava: clear column 0, roll by -1)."""
    cols = a_buff.shape[1]
    for i in range(a_buff.shape[0]):
        for k in range(cols - 1):
            a_buff[i, k] = a_buff[i, k + 1]
        a_buff[i, cols - 1] = 0


@njit(cache=True)
def _value(s_in, j, graded):
    """What Lava multiplies the weight with: the graded value, or 1/0 for a binary spike."""
    if graded:
        return s_in[j]
    return 1 if s_in[j] != 0 else 0


@njit(cache=True)
def dense_float_step(t, a_buff, weights, delays, scratch, idx, params, s_in):
    """scratch: (cols + 1, max(n_in, cols)) float64, zero between calls (its last row flags the
    delays an output received something at); idx: arange(n_in) then the active inputs; params:
    [graded].

    Only the rows of delays that active inputs reach are summed: every other row of Lava's
    matrix is all zeros, and adding a zero sum changes nothing. A summed row is numpy's pairwise
    sum over all ``n_in`` entries, zeros included, so the grouping of the additions is Lava's."""
    graded = params[0] != 0
    n_out, n_in = weights.shape
    cols = a_buff.shape[1]
    _shift(a_buff)
    active = idx[n_in:]
    n_active = 0
    for j in range(n_in):
        if s_in[j] != 0:
            active[n_active] = j
            n_active += 1
    if n_active == 0:
        return
    touched = scratch[cols]
    for i in range(n_out):
        for q in range(n_active):
            j = active[q]
            d = delays[i, j]
            if d < cols:
                scratch[d, j] = weights[i, j] * np.float64(_value(s_in, j, graded))
                touched[d] = 1.0
        for k in range(cols):
            if touched[k] != 0.0:
                a_buff[i, k] += pairwise_sum(scratch[k], idx, n_in)
                touched[k] = 0.0
                for q in range(n_active):
                    scratch[k, active[q]] = 0.0


@njit(cache=True)
def dense_bitacc_step(t, a_buff, weights, delays, scratch, idx, params, s_in):
    """scratch: (n_out, cols) int64; params: [graded, weight_exp]. int32 products wrap (graded)."""
    graded, e = params[0] != 0, params[1]
    n_out, n_in = weights.shape
    cols = a_buff.shape[1]
    for i in range(n_out):
        for k in range(cols):
            scratch[i, k] = 0
    for j in range(n_in):
        if s_in[j] == 0:
            continue
        x = np.int64(_value(s_in, j, graded))
        for i in range(n_out):
            d = delays[i, j]
            if d < cols:
                scratch[i, d] += _wrap32(np.int64(weights[i, j]) * x)
    _shift(a_buff)
    for i in range(n_out):
        for k in range(cols):
            acc = scratch[i, k] << e if e > 0 else scratch[i, k] >> (-e)
            a_buff[i, k] = _wrap32(np.int64(a_buff[i, k]) + acc)


@njit(cache=True)
def sparse_step(t, a_buff, weights, delays, scratch, rows, col_ptr, params, s_in):
    """CSC structure (rows, col_ptr); scratch: (n_out, cols), float64 or int64;
    params: [graded, weight_exp, bitacc]."""
    graded, e, bitacc = params[0] != 0, params[1], params[2] != 0
    cols = a_buff.shape[1]
    for i in range(scratch.shape[0]):
        for k in range(cols):
            scratch[i, k] = 0
    for j in range(col_ptr.size - 1):
        if s_in[j] == 0:
            continue
        x = _value(s_in, j, graded)
        for pos in range(col_ptr[j], col_ptr[j + 1]):
            d = delays[pos]
            if d < cols:
                r = rows[pos]
                if bitacc:
                    scratch[r, d] = _wrap32(np.int64(scratch[r, d]) + _wrap32(np.int64(weights[pos]) * np.int64(x)))
                else:
                    scratch[r, d] += weights[pos] * x
    _shift(a_buff)
    for i in range(scratch.shape[0]):
        for k in range(cols):
            if bitacc:
                acc = np.int64(scratch[i, k])
                acc = _wrap32(acc << e) if e > 0 else acc >> (-e)
                a_buff[i, k] = _wrap32(np.int64(a_buff[i, k]) + acc)
            else:
                a_buff[i, k] += scratch[i, k]


def _graded(model) -> int:
    return int(int(np.asarray(model.num_message_bits).ravel()[0]) > 0)


def delay_dense_spec(model, bitacc: bool) -> KernelSpec | None:
    if model.weights.ndim != 2 or model.a_buff.ndim != 2:
        return None
    graded = _graded(model)

    def params(m):
        n_out, n_in = m.weights.shape
        cols = m.a_buff.shape[1]
        scratch = np.zeros((n_out, cols), np.int64) if bitacc else np.zeros((cols + 1, max(n_in, cols)))
        idx = np.concatenate([np.arange(n_in, dtype=np.int64), np.zeros(n_in, np.int64)])
        flags = np.array([graded, getattr(m, "weight_exp", 0)], np.int64)
        return (np.ascontiguousarray(m.delays, dtype=np.int64), scratch, idx, flags)

    return KernelSpec(step=dense_bitacc_step if bitacc else dense_float_step, early=dense_early,
                      arrays=("a_buff", "weights"), in_ports=("s_in",), early_ports=("a_out",),
                      params=params, prepare=_prepare, label="delay_dense",
                      in_kinds=("iub" if bitacc and graded else "",))


def delay_sparse_spec(model, bitacc: bool) -> KernelSpec | None:
    graded = _graded(model)

    def params(m):
        cols = m.a_buff.shape[1]
        scratch = np.zeros((m.shape[0], cols), np.int64 if bitacc else np.float64)
        flags = np.array([graded, getattr(m, "weight_exp", 0), int(bitacc)], np.int64)
        return (np.ascontiguousarray(m.delays, dtype=np.int64), scratch, m.rows, m.col_ptr, flags)

    return KernelSpec(step=sparse_step, early=sparse_early, arrays=("a_buff", "weights"), in_ports=("s_in",),
                      early_ports=("a_out",), params=params, prepare=_prepare, label="delay_sparse",
                      in_kinds=("iub" if bitacc and graded else "",))
