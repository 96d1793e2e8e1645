"""numba kernels of the Sparse models (see neuroproc.runtime.kernels).

The kernels walk the pre-major (CSC) structure the Process stores: for every active input, in
increasing order, its contiguous synapses are added to their outputs -- ``weight`` for binary
spikes, ``weight * s_in`` for graded ones -- as the python models do (``np.bincount`` over the
same positions, scipy's CSC product), so the float sums are identical. The ``weights`` array is
the model's own (no copy is made for the kernel); int32 graded arithmetic wraps as numpy's does.
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

__all__ = ["bitacc_binary_part", "bitacc_spec", "column_splits", "float_binary_part", "float_spec",
           "sparse_early_part"]


@njit(cache=True)
def sparse_early(t, a_buff, weights, rows, col_ptr, idx, weight_exp, a_out):
    # idx: scratch for the active inputs of graded spikes (binary spikes arrive as an active view)
    send_buffer(t, a_buff, a_out)


@njit(cache=True)
def _binary_sum(a_buff, weights, rows, col_ptr, idx, k, lookahead):
    """Add the synapses of the inputs idx[:k] (ascending) into the cleared a_buff."""
    for p in range(a_buff.size):
        a_buff[p] = 0
    for i in range(k):
        if lookahead > 0 and i + lookahead < k:
            jn = idx[i + lookahead]
            prefetch_range(weights, col_ptr[jn], col_ptr[jn + 1])
            prefetch_range(rows, col_ptr[jn], col_ptr[jn + 1])
        j = idx[i]
        # unsigned positions: no negative-index fix-up in the loop
        for pos in range(np.uint64(col_ptr[j]), np.uint64(col_ptr[j + 1])):
            a_buff[rows[pos]] += weights[pos]


@njit(cache=True)
def float_binary_step(t, a_buff, weights, rows, col_ptr, idx, weight_exp, active):
    _binary_sum(a_buff, weights, rows, col_ptr, active, active.size, weight_exp[1])


@njit(cache=True)
def float_graded_step(t, a_buff, weights, rows, col_ptr, idx, weight_exp, s_in):
    """Zero inputs are skipped: ``w * 0`` added to a sum that starts at +0 changes nothing."""
    k = active_inputs(s_in, idx)
    for p in range(a_buff.size):
        a_buff[p] = 0.0
    for i in range(k):
        j = idx[i]
        x = s_in[j]
        for pos in range(np.uint64(col_ptr[j]), np.uint64(col_ptr[j + 1])):
            a_buff[rows[pos]] += weights[pos] * x


@njit(cache=True)
def bitacc_binary_step(t, a_buff, weights, rows, col_ptr, idx, weight_exp, active):
    _binary_sum(a_buff, weights, rows, col_ptr, active, active.size, weight_exp[1])
    e = weight_exp[0]
    for p in range(a_buff.size):
        a_buff[p] = a_buff[p] << e if e > 0 else a_buff[p] >> (-e)


@njit(cache=True)
def bitacc_graded_step(t, a_buff, weights, rows, col_ptr, idx, weight_exp, s_in):
    """``W @ s`` in int32 arithmetic (wrapping: the order of the additions does not matter),
    then the int32 shift."""
    k = active_inputs(s_in, idx)
    for p in range(a_buff.size):
        a_buff[p] = 0
    for i in range(k):
        j = idx[i]
        x = np.int64(s_in[j])
        for pos in range(np.uint64(col_ptr[j]), np.uint64(col_ptr[j + 1])):
            r = rows[pos]
            a_buff[r] = _wrap32(np.int64(a_buff[r]) + np.int64(weights[pos]) * x)
    e = weight_exp[0]
    for p in range(a_buff.size):
        acc = np.int64(a_buff[p])
        a_buff[p] = _wrap32(acc << e) if e > 0 else acc >> (-e)


@njit(cache=True)
def column_splits(rows, col_ptr, bounds):
    """``split[q, j]``: the first position of input ``j``'s synapses whose output is
    ``>= bounds[q]`` (rows ascend within each input), so part ``q`` of input ``j`` is
    ``split[q, j]:split[q + 1, j]``. A binary search per input and bound: the plan is made
    at the start of every run, and a walk over all synapses would cost milliseconds."""
    n_in = col_ptr.size - 1
    split = np.empty((bounds.size, n_in), np.int64)
    for j in range(n_in):
        pos, end = col_ptr[j], col_ptr[j + 1]
        for q in range(bounds.size - 1):  # the last part ends with the input's synapses
            lo, hi = pos, end  # the first position in [pos, end) with rows >= bounds[q]
            if bounds[q] <= 0:
                hi = lo  # every output is >= 0: no search (the first bound is 0)
            while lo < hi:
                mid = (lo + hi) // 2
                if rows[mid] < bounds[q]:
                    lo = mid + 1
                else:
                    hi = mid
            pos = lo
            split[q, j] = pos
        split[bounds.size - 1, j] = end
    return split


@njit(cache=True)
def sparse_early_part(t, p, lo, hi, a_buff, weights, rows, col_ptr, idx, weight_exp, split, a_out):
    """:func:`sparse_early` for outputs ``lo:hi``."""
    for q in range(lo, hi):
        a_out[q] = a_buff[q]


@njit(cache=True)
def _binary_part(a_buff, weights, rows, s0, s1, idx, k, lookahead, lo, hi):
    """:func:`_binary_sum` for the outputs ``lo:hi``: input ``j``'s synapses ``s0[j]:s1[j]``."""
    for q in range(lo, hi):
        a_buff[q] = 0
    for i in range(k):
        if lookahead > 0 and i + lookahead < k:
            jn = idx[i + lookahead]
            prefetch_range(weights, s0[jn], s1[jn])
            prefetch_range(rows, s0[jn], s1[jn])
        j = idx[i]
        for pos in range(np.uint64(s0[j]), np.uint64(s1[j])):
            a_buff[rows[pos]] += weights[pos]


@njit(cache=True)
def float_binary_part(t, p, lo, hi, a_buff, weights, rows, col_ptr, idx, weight_exp, split, active):
    """:func:`float_binary_step` for the outputs ``lo:hi`` (same order of additions per output)."""
    _binary_part(a_buff, weights, rows, split[p], split[p + 1], active, active.size, weight_exp[1], lo, hi)


@njit(cache=True)
def bitacc_binary_part(t, p, lo, hi, a_buff, weights, rows, col_ptr, idx, weight_exp, split, active):
    """:func:`bitacc_binary_step` for the outputs ``lo:hi``."""
    _binary_part(a_buff, weights, rows, split[p], split[p + 1], active, active.size, weight_exp[1], lo, hi)
    e = weight_exp[0]
    for q in range(lo, hi):
        a_buff[q] = a_buff[q] << e if e > 0 else a_buff[q] >> (-e)


def _spec(model, step, bitacc: bool, graded: bool) -> KernelSpec:
    n_in = model.shape[1]

    def params(m):
        big = m.weights.nbytes + m.rows.nbytes > PREFETCH_ABOVE_BYTES
        # [weight_exp, prefetch lookahead]
        we = np.array([getattr(m, "weight_exp", 0), LOOKAHEAD if big else 0], np.int64)
        return (m.rows, m.col_ptr, np.zeros(n_in, np.int64), we)

    def prepare(m):
        _prepare(m)
        if bitacc:  # the dtype run_spk leaves in a_buff: int64 sums (binary), int32 (graded)
            want = np.int32 if graded else np.int64
            if m.a_buff.dtype != want:
                m.a_buff = m.a_buff.astype(want)

    # binary spikes arrive as the active view (indices of the spiking inputs); the float early
    # send only copies a_buff (the bit-accurate one narrows int64 to the int32 message)
    return KernelSpec(step=step, early=sparse_early, arrays=("a_buff", "weights"), in_ports=("s_in",),
                      early_ports=("a_out",), params=params, prepare=prepare,
                      in_kinds=("iub" if (bitacc and graded) else "",), label="sparse",
                      in_views=() if graded else ("s_in",),
                      early_copies=() if bitacc else (("a_out", "a_buff"),),
                      part=None if graded else (bitacc_binary_part if bitacc else float_binary_part),
                      part_of="a_buff", part_local=("a_buff", "a_out"), early_part=sparse_early_part, read_only=("weights",),
                      part_params=lambda m, bounds: (column_splits(m.rows, m.col_ptr, bounds),))


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
