"""numba kernels of the Sparse models (see neuroproc.runtime.kernels).

The kernels walk the pre-major (CSC) structure the Process stores: for every active input, in
increasing order, its contiguous synapses are added to their outputs -- ``weight`` for binary
spikes, ``weight * s_in`` for graded ones -- as the python models do (``np.bincount`` over the
same positions, scipy's CSC product), so the float sums are identical. The ``weights`` array is
the model's own; int32 graded arithmetic wraps as numpy's does.

Compact synapses (binary spikes). An event reads a row index and a weight, and the event loop is
bound by memory latency, so the bytes per synapse set its speed. The row index is already the
narrowest unsigned dtype (uint16 up to 65,536 outputs, see ``Sparse``). When the stored weights
hold at most :data:`MAX_CODES` distinct values (bit patterns: ``0.0`` and ``-0.0`` differ), the
binary kernels read a one-byte code per synapse and the value from a small table in the
weights' dtype: 3 bytes per synapse instead of 10 for float64 weights and uint16 rows. The table
holds the very values, so every output adds the same values in the same order: the same bits.
:func:`weight_codes` finds the codes in one pass and gives up at the first value past the
table (the kernels then read ``weights``), so building them costs little more than reading the
weights. Graded spikes read ``weights`` as before, and so do the plain binary steps
(:func:`float_binary_step`, :func:`bitacc_binary_step`) that the plastic connections' kernels
call. :data:`COMPACT` (environment variable ``NEUROPROC_SPARSE_COMPACT=0``) turns the codes off.

The codes are a copy of ``weights`` made with the kernel's parameters, at the set-up of a run:
the first run, every run after a ``Var.set`` (any Var: the backend's ``invalidate``), and every
run after ``model.weights`` was replaced by another array (``weights`` stays one of the kernel's
``arrays``, whose rebinding the backend notices). What writes the weights otherwise cannot reach
these kernels: a ref-port's write is refused by ``read_only=("weights",)`` (the network runs on
the python backend), and the plastic connections (LearningSparse) have kernels of their own
that read ``weights``. Writing into the model's array by hand (``model.weights[...] = w``)
between runs needs ``runtime.backend.invalidate()``, as for every parameter of a kernel
(:meth:`~neuroproc.runtime.compiled_backend.CompiledBackend.invalidate`); ``set`` does it.
"""
from __future__ import annotations

import os

import numba
import numpy as np
from numba import njit

from neuroproc.proc.dense._kernels import _prepare, _wrap32, active_inputs, send_buffer
from neuroproc.runtime._prefetch import prefetch_range
from neuroproc.runtime.kernels import KernelSpec, bit_patterns

#: prefetch the weights of the input this many active inputs ahead, when the weights are
#: larger than the cache (below that the hardware prefetcher does better alone)
LOOKAHEAD = 8
PREFETCH_ABOVE_BYTES = 8 * 2**20
#: binary kernels read one-byte weight codes when the weights have few distinct values (see the
#: module docstring); read at every run's set-up
COMPACT = os.environ.get("NEUROPROC_SPARSE_COMPACT", "1") != "0"
#: distinct weight values a one-byte code tells apart
MAX_CODES = 256
_SLOTS = 1024  # open-addressing hash of the distinct values: at most a quarter full

__all__ = ["bitacc_binary_part", "bitacc_compact_step", "bitacc_spec", "column_splits", "compact_early",
           "compact_weights", "float_binary_part", "float_compact_step", "float_spec", "sparse_early_part",
           "weight_codes"]


@njit(cache=True)
def sparse_early(t, a_buff, weights, rows, col_ptr, idx, weight_exp, a_out):
    # idx: scratch for the active inputs of graded spikes (binary spikes arrive as an active view)
    send_buffer(t, a_buff, a_out)


@njit(cache=True)
def compact_early(t, a_buff, weights, rows, col_ptr, idx, weight_exp, codes, table, a_out):
    """:func:`sparse_early` with the compact parameters (binary spikes)."""
    send_buffer(t, a_buff, a_out)


@njit(cache=True)
def _hash(b, slots):
    x = np.uint64(b)
    return (x ^ (x >> np.uint64(10)) ^ (x >> np.uint64(27)) ^ (x >> np.uint64(44))) & np.uint64(slots.size - 1)


@njit(cache=True)
def _code_of(b, slots, table, n):
    """The table index of the bit pattern ``b``, adding it as entry ``n`` if it is new (-1: it is
    new and the table is full). Open addressing, linear probing."""
    h = _hash(b, slots)
    while True:
        s = slots[h]
        if s < 0:  # a new value
            if n == table.size:
                return -1
            table[n] = b
            slots[h] = n
            return n
        if table[s] == b:
            return s
        h = (h + np.uint64(1)) & np.uint64(slots.size - 1)


@njit(cache=True)
def weight_codes(bits, codes, table):
    """Code every value of ``bits`` (the weights' bit patterns, any unsigned dtype) by its index
    in ``table``, filling the table in order of first appearance; return the number of distinct
    values, or -1 as soon as one more than ``table.size`` appears (``codes`` is then unfinished).

    One pass, by blocks of 64 values: a block that only repeats the last value (an input's
    synapses often share a weight, a population's inputs often all) is checked and coded by
    loops without branches, which the compiler vectorizes; in other blocks each value is looked
    up in the hash, whose first slot holds it but for a new value or a collision (a branch that
    random patterns of a few values do not make unpredictable)."""
    if bits.size == 0:
        return 0
    slots = np.full(_SLOTS, -1, np.int64)
    n = 1
    last = np.uint8(_code_of(bits[0], slots, table, 0))
    last_bits = bits[0]
    for start in range(0, bits.size, 64):
        stop = min(start + 64, bits.size)
        if stop - start == 64:
            block, out = bits[start:stop], codes[start:stop]
            same = 0
            for q in range(64):
                same += block[q] == last_bits
            if same == 64:
                for q in range(64):
                    out[q] = last
                continue
        for i in range(start, stop):
            b = bits[i]
            c = slots[_hash(b, slots)]
            if c < 0 or table[c] != b:
                c = _code_of(b, slots, table, n)
                if c < 0:
                    return -1
                if c == n:
                    n += 1
            codes[i] = c
        last = codes[stop - 1]
        last_bits = bits[stop - 1]
    return n


def compact_weights(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """``(codes, table)`` with ``table[codes] == weights`` bit for bit (uint8 codes, the table in
    the weights' dtype, :data:`MAX_CODES` entries), or None when the weights have more distinct
    values or are not a contiguous array of a plain numeric dtype."""
    w = np.asarray(weights)
    bits = bit_patterns(w) if w.ndim == 1 and w.flags.c_contiguous and w.dtype.kind in "iuf" else None
    if bits is None:
        return None
    codes = np.empty(w.size, np.uint8)
    table = np.zeros(MAX_CODES, bits.dtype)
    if weight_codes(bits, codes, table) < 0:
        return None
    return codes, table.view(w.dtype)


def _stored(weights, codes):
    """What a synapse's position indexes: its code when there are codes, else its weight."""
    return weights if codes is None else codes


def _value(weights, codes, table, pos):
    """Synapse ``pos``'s weight: ``weights[pos]``, or ``table[codes[pos]]`` (the same value)."""
    return weights[pos] if codes is None else table[codes[pos]]


if not numba.config.DISABLE_JIT:
    from numba.core import types
    from numba.extending import overload

    # decided when the loop is compiled (codes None or an array), not per synapse
    @overload(_stored, inline="always")
    def _stored_overload(weights, codes):
        if codes == types.none:
            return lambda weights, codes: weights
        return lambda weights, codes: codes

    @overload(_value, inline="always")
    def _value_overload(weights, codes, table, pos):
        if codes == types.none:
            return lambda weights, codes, table, pos: weights[pos]
        return lambda weights, codes, table, pos: table[codes[pos]]


@njit(cache=True)
def _add_events(a_buff, weights, codes, table, rows, s0, s1, idx, k, lookahead):
    """Add input ``j``'s synapses ``s0[j]:s1[j]`` into ``a_buff`` for the inputs ``idx[:k]``, in
    order, reading the codes (``codes``, ``table``) or, when ``codes`` is None, the weights;
    the stored values of the input ``lookahead`` places ahead are prefetched."""
    stored = _stored(weights, codes)
    for i in range(k):
        if lookahead > 0 and i + lookahead < k:
            jn = idx[i + lookahead]
            prefetch_range(stored, s0[jn], s1[jn])
            prefetch_range(rows, s0[jn], s1[jn])
        j = idx[i]
        for pos in range(np.uint64(s0[j]), np.uint64(s1[j])):
            a_buff[rows[pos]] += _value(weights, codes, table, pos)


@njit(cache=True)
def _event_part(a_buff, weights, codes, table, rows, s0, s1, idx, k, lookahead, lo, hi):
    """The binary sum for outputs ``lo:hi`` from the codes when there are any, else the weights.
    Positions are unsigned in the loops over outputs and synapses: numba then adds no fix-up for
    negative indices, and clearing the outputs becomes a memset (six times faster)."""
    for q in range(np.uint64(lo), np.uint64(hi)):
        a_buff[q] = 0
    if codes.size > 0:
        _add_events(a_buff, weights, codes, table, rows, s0, s1, idx, k, lookahead)
    else:
        _add_events(a_buff, weights, None, None, rows, s0, s1, idx, k, lookahead)


@njit(cache=True)
def _shift(a_buff, e, lo, hi):
    """``a_buff[lo:hi]`` scaled by ``2**e`` (shifts, as the bit-accurate Dense)."""
    if e > 0:
        for q in range(np.uint64(lo), np.uint64(hi)):
            a_buff[q] <<= e
    elif e < 0:
        for q in range(np.uint64(lo), np.uint64(hi)):
            a_buff[q] >>= -e


@njit(cache=True)
def float_compact_step(t, a_buff, weights, rows, col_ptr, idx, weight_exp, codes, table, active):
    """:func:`float_binary_step` from the codes when there are any (see the module docstring)."""
    _event_part(a_buff, weights, codes, table, rows, col_ptr[:-1], col_ptr[1:], active, active.size,
                weight_exp[1], 0, a_buff.size)


@njit(cache=True)
def bitacc_compact_step(t, a_buff, weights, rows, col_ptr, idx, weight_exp, codes, table, active):
    """:func:`bitacc_binary_step` from the codes when there are any."""
    _event_part(a_buff, weights, codes, table, rows, col_ptr[:-1], col_ptr[1:], active, active.size,
                weight_exp[1], 0, a_buff.size)
    _shift(a_buff, weight_exp[0], 0, a_buff.size)


@njit(cache=True)
def _binary_sum(a_buff, weights, rows, col_ptr, idx, k, lookahead):
    """Add the synapses of the inputs idx[:k] (ascending) into the cleared a_buff."""
    for p in range(np.uint64(a_buff.size)):
        a_buff[p] = 0
    _add_events(a_buff, weights, None, None, rows, col_ptr[:-1], col_ptr[1:], idx, k, lookahead)


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
def sparse_early_part(t, p, lo, hi, a_buff, weights, rows, col_ptr, idx, weight_exp, codes, table, split, a_out):
    """:func:`compact_early` for outputs ``lo:hi``."""
    for q in range(np.uint64(lo), np.uint64(hi)):
        a_out[q] = a_buff[q]


@njit(cache=True)
def float_binary_part(t, p, lo, hi, a_buff, weights, rows, col_ptr, idx, weight_exp, codes, table, split,
                      active):
    """:func:`float_compact_step` for the outputs ``lo:hi`` (same order of additions per output)."""
    _event_part(a_buff, weights, codes, table, rows, split[p], split[p + 1], active, active.size, weight_exp[1],
                lo, hi)


@njit(cache=True)
def bitacc_binary_part(t, p, lo, hi, a_buff, weights, rows, col_ptr, idx, weight_exp, codes, table, split,
                       active):
    """:func:`bitacc_compact_step` for the outputs ``lo:hi``."""
    _event_part(a_buff, weights, codes, table, rows, split[p], split[p + 1], active, active.size, weight_exp[1],
                lo, hi)
    _shift(a_buff, weight_exp[0], lo, hi)


def _spec(model, step, bitacc: bool, graded: bool) -> KernelSpec:
    n_in = model.shape[1]

    def params(m):
        coded = None if graded or not COMPACT else compact_weights(m.weights)
        read = m.weights.nbytes if coded is None else coded[0].nbytes
        big = read + m.rows.nbytes > PREFETCH_ABOVE_BYTES
        # [weight_exp, prefetch lookahead]
        we = np.array([getattr(m, "weight_exp", 0), LOOKAHEAD if big else 0], np.int64)
        plain = (m.rows, m.col_ptr, np.zeros(n_in, np.int64), we)
        if graded:
            return plain
        # no codes: empty ones of the same types (the loop keeps its signature: no recompilation)
        return (*plain, *(coded or (_NO_CODES, np.zeros(0, m.weights.dtype))))

    def prepare(m):
        _prepare(m)
        if bitacc:  # the dtype run_spk leaves in a_buff: int64 sums (binary), int32 (graded)
            want = np.int32 if graded else np.int64
            if m.a_buff.dtype != want:
                m.a_buff = m.a_buff.astype(want)

    # binary spikes arrive as the active view (indices of the spiking inputs); the float early
    # send only copies a_buff (the bit-accurate one narrows int64 to the int32 message)
    return KernelSpec(step=step, early=sparse_early if graded else compact_early, arrays=("a_buff", "weights"),
                      in_ports=("s_in",), early_ports=("a_out",), params=params, prepare=prepare,
                      in_kinds=("iub" if (bitacc and graded) else "",), label="sparse",
                      in_views=() if graded else ("s_in",),
                      early_copies=() if bitacc else (("a_out", "a_buff"),),
                      part=None if graded else (bitacc_binary_part if bitacc else float_binary_part),
                      part_of="a_buff", part_local=("a_buff", "a_out"),
                      early_part=None if graded else sparse_early_part, read_only=("weights",),
                      part_params=_splits_once())


def _splits_once():
    """``part_params``: where each input's synapses cross the part bounds. The structure never
    changes (it is no Var), so the split is made once per kernel and split, not at every run's
    set-up (kept here rather than on the model, whose attributes a saved network stores)."""
    memo: list = []

    def part_params(m, bounds):
        if not memo or memo[0] is not m.rows or memo[1] is not m.col_ptr or not np.array_equal(memo[2], bounds):
            memo[:] = [m.rows, m.col_ptr, np.array(bounds), column_splits(m.rows, m.col_ptr, bounds)]
        return (memo[3],)

    return part_params


_NO_CODES = np.zeros(0, np.uint8)


def _graded(model) -> bool:
    return int(np.asarray(model.num_message_bits).ravel()[0]) > 0


def float_spec(model) -> KernelSpec | None:
    if model.a_buff.dtype != np.float64 or model.weights.dtype != np.float64:
        return None
    graded = _graded(model)
    return _spec(model, float_graded_step if graded else float_compact_step, False, graded)


def bitacc_spec(model) -> KernelSpec | None:
    graded = _graded(model)
    return _spec(model, bitacc_graded_step if graded else bitacc_compact_step, True, graded)
