"""numba kernels of the Dense models (see neuroproc.runtime.kernels).

Binary spikes are event-driven: the step kernels take the active view of ``s_in`` (the indices
of the inputs that spiked, see neuroproc.runtime.kernels) and read only their weights, from the
transposed (pre-major) weight matrix so each active input adds one contiguous row. The float
Dense declares its early send a plain copy of ``a_buff``, so the backend may hand ``a_buff``
itself to the readers of ``a_out``. ``active_inputs`` and ``send_buffer`` serve kernels that scan
their input or copy (Sparse).

Float Dense must equal ``W[:, s].sum(axis=1)`` bit for bit. The gathered block ``W[:, s]`` is
Fortran-ordered, so numpy adds its columns one after the other: every output is the sequential
sum of its active weights in increasing input order, which is exactly the event-driven loop.
Only a single-row matrix (C- and F-contiguous at once) is reduced along the row with numpy's
pairwise summation; ``pairwise_sum`` reproduces that order (verified against numpy in the
tests): a plain loop below 8 values, eight interleaved partial sums up to 128, and above that
the sum of the two halves split at a multiple of 8.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from neuroproc.runtime.kernels import KernelSpec, item

__all__ = ["bitacc_binary_part", "bitacc_early_part", "bitacc_spec", "float_binary_part", "float_early_part",
           "float_spec", "pairwise_sum"]


@njit(cache=True)
def _pairwise_leaf(w, idx, lo, m):
    """numpy's pairwise sum of m <= 128 values w[idx[lo]], ..."""
    if m < 8:
        res = 0.0
        for i in range(m):
            res += w[idx[lo + i]]
        return res
    r0, r1, r2, r3 = w[idx[lo]], w[idx[lo + 1]], w[idx[lo + 2]], w[idx[lo + 3]]
    r4, r5, r6, r7 = w[idx[lo + 4]], w[idx[lo + 5]], w[idx[lo + 6]], w[idx[lo + 7]]
    stop = m - (m % 8)
    i = 8
    while i < stop:
        b = lo + i
        r0 += w[idx[b]]
        r1 += w[idx[b + 1]]
        r2 += w[idx[b + 2]]
        r3 += w[idx[b + 3]]
        r4 += w[idx[b + 4]]
        r5 += w[idx[b + 5]]
        r6 += w[idx[b + 6]]
        r7 += w[idx[b + 7]]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    for i in range(stop, m):
        res += w[idx[lo + i]]
    return res


@njit(cache=True)
def pairwise_sum(w, idx, k):
    """numpy's pairwise sum of w[idx[0]], ..., w[idx[k - 1]], without recursion (numba cannot
    reload cached recursive functions): halves split at a multiple of 8 down to 128 values,
    combined as (left + right) in post-order with explicit stacks."""
    seg_lo = np.empty(128, np.int64)
    seg_m = np.empty(128, np.int64)
    seg_join = np.empty(128, np.bool_)
    vals = np.empty(128, np.float64)
    top, nvals = 0, 0
    seg_lo[0], seg_m[0], seg_join[0] = 0, k, False
    top = 1
    while top > 0:
        top -= 1
        lo, m, join = seg_lo[top], seg_m[top], seg_join[top]
        if join:
            nvals -= 1
            vals[nvals - 1] = vals[nvals - 1] + vals[nvals]
        elif m <= 128:
            vals[nvals] = _pairwise_leaf(w, idx, lo, m)
            nvals += 1
        else:
            n2 = m // 2
            n2 -= n2 % 8
            seg_lo[top], seg_m[top], seg_join[top] = lo, m, True
            seg_lo[top + 1], seg_m[top + 1], seg_join[top + 1] = lo + n2, m - n2, False
            seg_lo[top + 2], seg_m[top + 2], seg_join[top + 2] = lo, n2, False
            top += 3
    return vals[0]


@njit(cache=True)
def active_inputs(s, idx):
    """Indices of the non-zero entries of s, written to idx; returns how many."""
    k = 0
    for j in range(s.size):
        if s[j] != 0:
            idx[k] = j
            k += 1
    return k


@njit(cache=True)
def send_buffer(t, a_buff, a_out):
    """Send last step's accumulation (the one-step synaptic delay)."""
    for i in range(a_out.size):
        a_out[i] = a_buff[i]


@njit(cache=True)
def float_early(t, a_buff, wt, a_out):
    send_buffer(t, a_buff, a_out)


@njit(cache=True)
def float_binary_step(t, a_buff, wt, active):
    """a_buff = sum of the rows of W.T of the active inputs (``active``: their ascending indices)."""
    if a_buff.size == 1:
        a_buff[0] = pairwise_sum(wt[:, 0], active, active.size)
        return
    for p in range(a_buff.size):
        a_buff[p] = 0.0
    for i in range(active.size):
        row = wt[active[i]]
        for p in range(a_buff.size):
            a_buff[p] += row[p]


@njit(cache=True)
def float_early_part(t, p, lo, hi, a_buff, wt, a_out):
    """:func:`float_early` for outputs ``lo:hi``."""
    for q in range(np.uint64(lo), np.uint64(hi)):
        a_out[q] = a_buff[q]


@njit(cache=True)
def bitacc_early_part(t, p, lo, hi, a_buff, wt, weight_exp, a_out):
    """:func:`bitacc_early` for outputs ``lo:hi``."""
    for q in range(np.uint64(lo), np.uint64(hi)):
        a_out[q] = a_buff[q]


@njit(cache=True)
def float_binary_part(t, p, lo, hi, a_buff, wt, active):
    """:func:`float_binary_step` for outputs ``lo:hi`` (same order of additions per output)."""
    for q in range(np.uint64(lo), np.uint64(hi)):
        a_buff[q] = 0.0
    for i in range(active.size):
        row = wt[active[i]]
        for q in range(np.uint64(lo), np.uint64(hi)):
            a_buff[q] += row[q]


@njit(cache=True)
def bitacc_binary_part(t, p, lo, hi, a_buff, wt, weight_exp, active):
    """:func:`bitacc_binary_step` for outputs ``lo:hi``."""
    for q in range(np.uint64(lo), np.uint64(hi)):
        a_buff[q] = 0
    for i in range(active.size):
        row = wt[active[i]]
        for q in range(np.uint64(lo), np.uint64(hi)):
            a_buff[q] += row[q]
    e = np.int64(item(weight_exp, 0))
    for q in range(np.uint64(lo), np.uint64(hi)):
        a_buff[q] = a_buff[q] << e if e > 0 else a_buff[q] >> (-e)


@njit(cache=True)
def _wrap32(x):
    return ((x + 2147483648) & 4294967295) - 2147483648


@njit(cache=True)
def bitacc_early(t, a_buff, wt, weight_exp, a_out):
    send_buffer(t, a_buff, a_out)


@njit(cache=True)
def bitacc_binary_step(t, a_buff, wt, weight_exp, active):
    """int64 sum of the rows of W.T of the active inputs, then scaled by 2**weight_exp (floor
    shift). ``weight_exp``: an int64 scalar (or a one-entry array): the shift's direction is
    chosen once per step."""
    n = a_buff.size
    if active.size == 0:
        for p in range(n):
            a_buff[p] = 0
        return
    row = wt[active[0]]
    for p in range(n):  # the first row assigns: no separate clearing pass
        a_buff[p] = row[p]
    for i in range(1, active.size):
        row = wt[active[i]]
        for p in range(n):
            a_buff[p] += row[p]
    e = np.int64(item(weight_exp, 0))
    if e > 0:
        for p in range(n):
            a_buff[p] <<= e
    elif e < 0:
        for p in range(n):
            a_buff[p] >>= -e


@njit(cache=True)
def bitacc_graded_step(t, a_buff, wt, weight_exp, s_in):
    """W @ s in int32 arithmetic (wrapping, as numpy's int32 dot), then the int32 shift."""
    e = np.int64(item(weight_exp, 0))
    for p in range(a_buff.size):
        a_buff[p] = 0
    for j in range(s_in.size):
        sj = np.int64(s_in[j])
        if sj != 0:
            row = wt[j]
            for p in range(a_buff.size):
                a_buff[p] = _wrap32(np.int64(a_buff[p]) + np.int64(row[p]) * sj)
    for p in range(a_buff.size):
        acc = np.int64(a_buff[p])
        a_buff[p] = _wrap32(acc << e) if e > 0 else acc >> (-e)


def _prepare(model) -> None:
    """What run_spk does before its first accumulation."""
    if not model.weights_set:
        model.prepare_weights()
        model.weights_set = True


def _binary(model) -> bool:
    return int(np.asarray(model.num_message_bits).ravel()[0]) == 0


def float_spec(model) -> KernelSpec | None:
    """Binary float Dense only (graded spikes: neuroproc.proc.dense._graded_kernels)."""
    if not _binary(model) or model.weights.ndim != 2 or model.a_buff.dtype != np.float64:
        return None

    def params(m):
        # W.T without a copy: _prepare keeps the weights column-major
        return (np.ascontiguousarray(m.weights.T, dtype=np.float64),)

    # float weights only change their layout on the first step: done once, when the backend is
    # built. The early send only copies a_buff: the backend may let a_out's readers read a_buff.
    return KernelSpec(step=float_binary_step, early=float_early, arrays=("a_buff",), in_ports=("s_in",),
                      out_ports=(), early_ports=("a_out",), params=params, prepare=_prepare, setup=_prepare,
                      in_views=("s_in",), early_copies=(("a_out", "a_buff"),), label="dense_float",
                      part=float_binary_part, part_of="a_buff", part_local=("a_buff", "a_out"),
                      early_part=float_early_part)


def bitacc_spec(model) -> KernelSpec | None:
    if model.weights.ndim != 2:
        return None
    binary = _binary(model)

    def prepare(m):
        _prepare(m)
        # run_spk rebinds a_buff to the accumulation's dtype: int64 sums (binary), int32 (graded)
        want = np.int64 if binary else np.int32
        if m.a_buff.dtype != want:
            m.a_buff = m.a_buff.astype(want)

    def params(m):
        wt = np.ascontiguousarray(m.weights.T, dtype=m.weights.dtype)
        return (wt, np.int64(np.ravel(m.weight_exp)[0]))

    # no early_copies: the int64 a_buff is narrowed to the int32 a_out by the copy
    return KernelSpec(step=bitacc_binary_step if binary else bitacc_graded_step, early=bitacc_early,
                      arrays=("a_buff",), in_ports=("s_in",), early_ports=("a_out",), params=params,
                      prepare=prepare, in_kinds=("" if binary else "iub",),
                      in_views=("s_in",) if binary else (), label="dense_bitacc",
                      part=bitacc_binary_part if binary else None, part_of="a_buff",
                      part_local=("a_buff", "a_out"), early_part=bitacc_early_part)
