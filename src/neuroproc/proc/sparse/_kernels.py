"""numba kernels of the Sparse models (see neuroproc.runtime.kernels).

Binary spikes walk the column-ordered (pre-major) copy of the structure: for every active input
(in increasing order) its weights, stored contiguously, are added to their outputs, as
``np.bincount`` does in the python model, so the float sums are identical. Graded spikes repeat scipy's CSR product: each
row sums ``data * x`` over its stored entries from 0, in CSR order (int32 arithmetic wraps).
"""
from __future__ import annotations

import numpy as np
from numba import njit

from neuroproc.proc.dense._kernels import _prepare, _wrap32, active_inputs, send_buffer
from neuroproc.runtime._prefetch import prefetch_range
from neuroproc.runtime.kernels import KernelSpec

#: prefetch the weights of the input this many active inputs ahead, when the weights are
#: larger than the cache (below that the hardware prefetcher does better alone)
LOOKAHEAD = 8
PREFETCH_ABOVE_BYTES = 8 * 2**20

__all__ = ["bitacc_spec", "float_spec"]


@njit(cache=True)
def sparse_early(t, a_buff, weights, w_pre, col_rows, col_ptr, indices, indptr, idx, weight_exp, a_out):
    send_buffer(t, a_buff, a_out)


@njit(cache=True)
def _binary_sum(a_buff, w_pre, col_rows, col_ptr, idx, s_in, lookahead):
    k = active_inputs(s_in, idx)
    for p in range(a_buff.size):
        a_buff[p] = 0
    for i in range(k):
        if lookahead > 0 and i + lookahead < k:
            jn = idx[i + lookahead]
            prefetch_range(w_pre, col_ptr[jn], col_ptr[jn + 1])
            prefetch_range(col_rows, col_ptr[jn], col_ptr[jn + 1])
        j = idx[i]
        # unsigned positions: no negative-index fix-up in the loop
        for pos in range(np.uint64(col_ptr[j]), np.uint64(col_ptr[j + 1])):
            a_buff[col_rows[pos]] += w_pre[pos]


@njit(cache=True)
def float_binary_step(t, a_buff, weights, w_pre, col_rows, col_ptr, indices, indptr, idx, weight_exp, s_in):
    _binary_sum(a_buff, w_pre, col_rows, col_ptr, idx, s_in, weight_exp[1])


@njit(cache=True)
def float_graded_step(t, a_buff, weights, w_pre, col_rows, col_ptr, indices, indptr, idx, weight_exp, s_in):
    for row in range(a_buff.size):
        acc = 0.0
        for pos in range(indptr[row], indptr[row + 1]):
            acc += weights[pos] * s_in[indices[pos]]
        a_buff[row] = acc


@njit(cache=True)
def bitacc_binary_step(t, a_buff, weights, w_pre, col_rows, col_ptr, indices, indptr, idx, weight_exp, s_in):
    _binary_sum(a_buff, w_pre, col_rows, col_ptr, idx, s_in, weight_exp[1])
    e = weight_exp[0]
    for p in range(a_buff.size):
        a_buff[p] = a_buff[p] << e if e > 0 else a_buff[p] >> (-e)


@njit(cache=True)
def bitacc_graded_step(t, a_buff, weights, w_pre, col_rows, col_ptr, indices, indptr, idx, weight_exp, s_in):
    e = weight_exp[0]
    for row in range(a_buff.size):
        acc = np.int64(0)
        for pos in range(indptr[row], indptr[row + 1]):
            acc = _wrap32(acc + np.int64(weights[pos]) * np.int64(s_in[indices[pos]]))
        a_buff[row] = _wrap32(acc << e) if e > 0 else acc >> (-e)


def _spec(model, step, bitacc: bool, graded: bool) -> KernelSpec:
    n_in = model.shape[1]

    def params(m):
        big = m.weights.nbytes * 2 > PREFETCH_ABOVE_BYTES
        # [weight_exp, prefetch lookahead]
        we = np.array([getattr(m, "weight_exp", 0), LOOKAHEAD if big else 0], np.int64)
        # the weights in pre-major order, contiguous per input (rebuilt each run: set may change them)
        w_pre = np.ascontiguousarray(m.weights[m.col_order])
        # unsigned (numba then skips the negative-index check of the scatter) and as narrow as
        # the number of outputs allows: less memory traffic per synaptic event
        rows = m.col_rows.astype(np.uint16 if m.shape[0] <= 2**16 else np.uint32)
        return (w_pre, rows, m.col_ptr, m.indices, m.indptr, np.zeros(n_in, np.int64), we)

    def prepare(m):
        _prepare(m)
        if bitacc:  # the dtype run_spk leaves in a_buff: int64 sums (binary), int32 (graded)
            want = np.int32 if graded else np.int64
            if m.a_buff.dtype != want:
                m.a_buff = m.a_buff.astype(want)

    return KernelSpec(step=step, early=sparse_early, arrays=("a_buff", "weights"), in_ports=("s_in",),
                      early_ports=("a_out",), params=params, prepare=prepare,
                      in_kinds=("iub" if (bitacc and graded) else "",), label="sparse")


def _graded(model) -> bool:
    return int(np.asarray(model.num_message_bits).ravel()[0]) > 0


def float_spec(model) -> KernelSpec | None:
    if model.a_buff.dtype != np.float64 or model.weights.dtype != np.float64:
        return None
    graded = _graded(model)
    return _spec(model, float_graded_step if graded else float_binary_step, False, graded)


def bitacc_spec(model) -> KernelSpec | None:
    graded = _graded(model)
    return _spec(model, bitacc_graded_step if graded else bitacc_binary_step, True, graded)
