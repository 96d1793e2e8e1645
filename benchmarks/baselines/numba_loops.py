"""Hand-written numba loops of the float ``LIF <-> Dense/Sparse`` networks: the bar to beat.

One ``@njit(cache=True)`` function (``fastmath=False``) simulates a whole run. The loops are
event-driven: they keep the indices of the neurons that spiked in the previous step (ascending),
accumulate the synaptic input ``a`` by adding the *outgoing* weights of just those neurons (a row
of the pre-major weights ``W.T``: dense C-contiguous, or CSR of ``W.T``), then update the LIF
neurons and collect the new spike indices. The arithmetic is Lava 0.10's float models (see
``reference/LAVA_README.md`` and :mod:`numpy_loops`).

Summation order, and why the results are exact
----------------------------------------------
Every post neuron ``i`` gets ``a[i] = ((0.0 + W[i, j0]) + W[i, j1]) + ...`` over the active
pre neurons ``j0 < j1 < ...``: a sequential sum in ascending pre index.

* Dense: this is **exactly** what Lava's ``W[:, s].sum(axis=1)`` computes. The boolean-indexed
  block ``W[:, s]`` is Fortran-ordered (numpy 1.26 and 2.x), so numpy's reduction over axis 1
  adds whole columns one after another; numpy's pairwise summation is *not* used (it only
  applies when a contiguous row is reduced). Checked three ways: the tests compare
  ``W[:, s].sum(axis=1)`` with the sequential sum for every k = 0..1000 active columns, the E/I
  reference's ``u``/``v`` for 200 steps are reproduced with max |delta| = 0, and the 1000-step
  E/I run reproduces Lava's 84375 spikes (same raster). So the fast loop *is* the exact one.
* Sparse: the numpy loop computes ``W_csr @ s``; scipy's ``csr_matvec`` walks each row in
  ascending column order from 0.0, and the ``w * 0.0`` terms of silent pre neurons add nothing,
  so it is the same sequential sum in ascending pre order as the event-driven CSR-of-``W.T``
  loop. Both loops therefore give bit-identical ``a`` and identical spike trains. (A different
  order, e.g. a pairwise sum, would change the last bits of ``a`` and, in a chaotic network,
  eventually the spikes.)

For completeness, ``dense_pairwise`` emulates numpy's pairwise summation of a *contiguous* row
(what ``np.ascontiguousarray(W[:, s]).sum(axis=1)`` would give): it is NOT Lava's order, is
slower, and exists so that the pairwise algorithm is documented and tested
(:func:`numpy_pairwise_sum`).

Threads
-------
``sparse_csr_2t`` splits the *post* neurons into two halves, one per thread: each thread adds,
for every spike, only the synapses that land in its half (each CSR row of ``W.T`` is split once,
up front, at the half boundary), updates its half of the LIF neurons and writes its own spike
list (double-buffered). The per-post summation order is unchanged, so the result is
bit-identical to the 1-thread loop. The two threads are started once per run (one
``prange(2)`` around the whole time loop) and meet at the library's spin barrier (atomics written as numba
intrinsics) after every step; a fork/join per step (``sparse_csr_2t_forkjoin``) costs far
more than a step on this 2-core VM.

Memory
------
The sparse kernels get unsigned target indices, as narrow as ``n`` allows (uint16 up to 65,536
neurons): numba then emits no negative-index fix-up in the scatter, and the large network
streams 10 instead of 12 bytes per synapse. When the weights exceed the caches they prefetch
the rows of the spikes ``lookahead`` places ahead (``llvm.prefetch``).

Use :func:`run_numba` (or :func:`numba_runner` to prepare once and time the kernel alone).
Compile time is excluded from timings by calling the runner once with 1 step first.
"""
from __future__ import annotations

import numpy as np
from numba import njit, prange

__all__ = ["KERNELS", "numpy_pairwise_sum", "numpy_row_sum",
           "accumulate_dense", "accumulate_csr", "dense_sequential", "dense_pairwise",
           "sparse_csr", "sparse_csr_2t", "sparse_csr_2t_forkjoin", "spin_barrier", "prefetch"]


# --------------------------------------------------------------------------------------------
# Software prefetch (the sparse loops are bound by memory latency)
# --------------------------------------------------------------------------------------------

# the llvm.prefetch intrinsic is the library's own (the compiled backend's sparse kernel uses it)
from neuroproc.runtime._prefetch import prefetch  # noqa: E402
from neuroproc.runtime.kernels import item  # noqa: E402

# the spin barrier of the persistent 2-thread kernel is the library's own (the parallel fused
# loop meets at it too); its ``sync`` is int64[3]: arrivals, generation, abort flag (never set here)
from neuroproc.runtime._barrier import spin_barrier  # noqa: E402


@njit(cache=True)
def _prefetch_row(indptr, indices, data, q0, q1):
    """Prefetch ``data[q0:q1]`` and ``indices[q0:q1]`` (one hint per 64-byte line).

    ``q0``, ``q1``: uint64 (see :func:`_add_csr_rows`)."""
    if q1 > q0:
        q = q0
        while q < q1:
            prefetch(data, q)
            q += np.uint64(8)
        prefetch(data, q1 - np.uint64(1))
        q = q0
        while q < q1:
            prefetch(indices, q)
            q += np.uint64(32)
        prefetch(indices, q1 - np.uint64(1))


# --------------------------------------------------------------------------------------------
# numpy's pairwise summation (contiguous reductions), emulated
# --------------------------------------------------------------------------------------------

@njit(cache=True)
def _pairwise_leaf(x, lo, hi):
    """numpy's pairwise sum of ``x[lo:hi]`` for ``hi - lo <= 128`` (no further split)."""
    m = hi - lo
    if m < 8:
        res = -0.0
        for i in range(lo, hi):
            res += x[i]
        return res
    r0 = x[lo]
    r1 = x[lo + 1]
    r2 = x[lo + 2]
    r3 = x[lo + 3]
    r4 = x[lo + 4]
    r5 = x[lo + 5]
    r6 = x[lo + 6]
    r7 = x[lo + 7]
    stop = lo + m - m % 8
    i = lo + 8
    while i < stop:
        r0 += x[i]
        r1 += x[i + 1]
        r2 += x[i + 2]
        r3 += x[i + 3]
        r4 += x[i + 4]
        r5 += x[i + 5]
        r6 += x[i + 6]
        r7 += x[i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < hi:
        res += x[i]
        i += 1
    return res


@njit(cache=True)
def numpy_pairwise_sum(x, lo, hi):
    """numpy's ``pairwise_sum`` of ``x[lo:hi]`` (``loops_utils.h.src``, numpy 1.26 and 2.x).

    ``m = hi - lo``; ``m < 8``: sequential sum from -0.0; ``m <= 128``: eight partial sums
    ``r[j]`` start at ``x[j]``, then add ``x[i + j]`` for ``i = 8, 16, ...`` below
    ``m - m % 8``; ``((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))``; then the remaining ``m % 8``
    elements sequentially. ``m > 128``: split at ``n2 = m//2 - (m//2) % 8`` and add the two
    halves' pairwise sums, ``left + right``.

    numpy recurses; this evaluates the same tree with an explicit stack (a recursive numba
    function loaded from numba's cache crashed, numba 0.68).
    """
    if hi - lo <= 128:
        return _pairwise_leaf(x, lo, hi)
    # task stack: (lo, hi, phase); phase 0 = expand, 1 = combine the two values on top
    tlo = np.empty(192, dtype=np.int64)
    thi = np.empty(192, dtype=np.int64)
    tph = np.empty(192, dtype=np.int64)
    vals = np.empty(64)
    nt = 1
    nv = 0
    tlo[0] = lo
    thi[0] = hi
    tph[0] = 0
    while nt > 0:
        nt -= 1
        a, b, ph = tlo[nt], thi[nt], tph[nt]
        m = b - a
        if ph == 1:
            nv -= 1
            vals[nv - 1] = vals[nv - 1] + vals[nv]  # left + right
        elif m <= 128:
            vals[nv] = _pairwise_leaf(x, a, b)
            nv += 1
        else:
            n2 = m // 2
            n2 -= n2 % 8
            # pushed in reverse: left is evaluated first, then right, then combined
            tlo[nt], thi[nt], tph[nt] = a, b, 1
            tlo[nt + 1], thi[nt + 1], tph[nt + 1] = a + n2, b, 0
            tlo[nt + 2], thi[nt + 2], tph[nt + 2] = a, a + n2, 0
            nt += 3
    return vals[0]


@njit(cache=True)
def numpy_row_sum(x, lo, hi):
    """``np.add.reduce`` of the contiguous float64 slice ``x[lo:hi]`` as numpy computes it.

    numpy starts the reduction from the identity and adds the pairwise sum of *all* elements:
    ``0.0 + pairwise(x[lo:hi])`` (checked against numpy 1.26.4 and 2.4; an empty slice gives
    0.0). NB: not ``x[0] + pairwise(x[1:])``, which differs from numpy for 3 <= m.
    """
    return 0.0 + numpy_pairwise_sum(x, lo, hi)


# --------------------------------------------------------------------------------------------
# Kernels. Common arguments:
#   decay_u = 1 - du, decay_v = 1 - dv, vth, bias: float64 (n,), or float if uniform
#   u, v: float64 (n,) initial state, updated in place
#   steps: int; per_step: int64 (steps,) out; raster: uint8 (n, steps) out, or (0, 0) = off
# Each returns the total spike count.
# --------------------------------------------------------------------------------------------

# _at(x, i): ``x[i]`` for a per-neuron parameter array, ``x`` itself for a scalar (uniform) one:
# the library's helper (a numba overload), not a second copy of it
_at = item


@njit(cache=True, fastmath=False)
def _lif_neuron(decay_u, decay_v, vth, bias, u, v, a, flag, i):
    """Neuron ``i``'s update (the first pass of :func:`_lif_update`)."""
    ui = u[i] * _at(decay_u, i) + a[i]
    a[i] = 0.0  # consumed: the next step accumulates into zeros
    u[i] = ui
    vi = v[i] * _at(decay_v, i) + ui + _at(bias, i)
    fired = vi > _at(vth, i)
    flag[i] = fired
    v[i] = 0.0 if fired else vi


@njit(cache=True, fastmath=False)
def _lif_update(decay_u, decay_v, vth, bias, u, v, a, lo, hi, spk, flag, words):
    """LIF of neurons ``lo:hi`` with input ``a``; writes their spike indices to ``spk``.

    Returns the number of spikes. ``decay_u`` (``1 - du``), ``decay_v``, ``vth`` and ``bias``
    are per-neuron arrays or, when uniform, scalars (numba compiles a version for each; the
    scalars spare the loads and most of the loop's runtime alias checks).

    Two passes. The first is branch-free and vectorises: new ``u`` (and ``a[i] = 0`` for the
    next step's accumulation), new ``v``, threshold, reset, and a 0/1 byte per neuron in
    ``flag`` (uint8, length a multiple of 8; ``words`` is the same memory as uint64). The
    second compacts the indices, skipping 8 neurons at a time while their flags are all zero:
    spikes are rare, so most words are skipped.
    """
    if lo == 0:  # from 0 the compiler sees that no index is negative
        for i in range(hi):
            _lif_neuron(decay_u, decay_v, vth, bias, u, v, a, flag, i)
    else:  # unsigned, so that no negative-index fix-up keeps the loop from vectorising
        for i in range(np.uint64(lo), np.uint64(hi)):
            _lif_neuron(decay_u, decay_v, vth, bias, u, v, a, flag, i)
    nspk = 0
    i = lo
    # NB np.int64(...): in pure Python (NUMBA_DISABLE_JIT) int + uint8 would stay uint8 and wrap
    while i < hi and i % 8 != 0:  # head, up to the first full word
        spk[nspk] = i
        nspk += np.int64(flag[i])
        i += 1
    w1 = hi // 8
    for w in range(i // 8, w1):
        if words[w] != 0:
            for k in range(8 * w, 8 * w + 8):
                spk[nspk] = k  # always written, counted only on a spike (no branch)
                nspk += np.int64(flag[k])
    for k in range(max(i, 8 * w1), hi):  # tail
        spk[nspk] = k
        nspk += np.int64(flag[k])
    return nspk


@njit(cache=True, fastmath=False)
def _record(raster, per_step, t, spk, lo, hi):
    per_step[t] += hi - lo
    if raster.shape[0] > 0:
        for k in range(lo, hi):
            raster[spk[k], t] = 1


@njit(cache=True, fastmath=False)
def accumulate_dense(WT, spk, nspk, a):
    """``a[:] = 0.0``, then add row ``spk[k]`` of ``WT`` (= column of ``W``) for k < nspk.

    With ascending ``spk`` this equals Lava's ``W[:, s].sum(axis=1)`` bit for bit.
    """
    for i in range(a.shape[0]):
        a[i] = 0.0
    _add_dense_rows(WT, spk, nspk, a)


@njit(cache=True, fastmath=False)
def _add_dense_rows(WT, spk, nspk, a):
    """``a += WT[spk[k]]`` for k = 0, 1, ..., nspk - 1, in that order (vectorised over ``a``)."""
    n = a.shape[0]
    for k in range(nspk):
        j = spk[k]
        for i in range(n):
            a[i] += WT[j, i]


@njit(cache=True, fastmath=False)
def _add_csr_rows(indptr, indices, data, bound, p, spk, nspk, a, lookahead):
    """Add the CSR rows (of ``W.T``) ``spk[:nspk]`` to ``a``; ``p`` selects a part of each row.

    ``p = -1``: whole rows; ``p = 0``: ``indptr[j]:bound[j]``; ``p = 1``:
    ``bound[j]:indptr[j+1]`` (``bound`` splits every row at a post-neuron boundary). The row
    positions are uint64, so numba emits no negative-index fix-up for ``indices[q]`` and
    ``data[q]`` (13.2 instead of 15.2 us per CUBA step, measured). Prefetches the rows of the
    spike ``lookahead`` places ahead (0 = off).
    """
    for k in range(min(lookahead, nspk)):
        jn = spk[k]
        q0 = np.uint64(indptr[jn] if p < 1 else bound[jn])
        q1 = np.uint64(indptr[jn + 1] if p != 0 else bound[jn])
        _prefetch_row(indptr, indices, data, q0, q1)
    for k in range(nspk):
        if lookahead > 0 and k + lookahead < nspk:
            jn = spk[k + lookahead]
            q0 = np.uint64(indptr[jn] if p < 1 else bound[jn])
            q1 = np.uint64(indptr[jn + 1] if p != 0 else bound[jn])
            _prefetch_row(indptr, indices, data, q0, q1)
        j = spk[k]
        q0 = np.uint64(indptr[j] if p < 1 else bound[j])
        q1 = np.uint64(indptr[j + 1] if p != 0 else bound[j])
        for q in range(q0, q1):
            a[indices[q]] += data[q]


@njit(cache=True, fastmath=False)
def accumulate_csr(indptr, indices, data, spk, nspk, a, lookahead):
    """``a[:] = 0.0``, then ``a[indices[q]] += data[q]`` over the CSR rows ``spk[:nspk]``.

    The CSR is that of ``W.T`` (pre-major); ``indices`` should be unsigned. With ascending
    ``spk`` every ``a[i]`` is the sequential sum in ascending pre order, as scipy's
    ``W_csr @ s``. Prefetches the row of the spike ``lookahead`` places ahead (0 = off).
    """
    for i in range(a.shape[0]):
        a[i] = 0.0
    _add_csr_rows(indptr, indices, data, indptr, -1, spk, nspk, a, lookahead)


@njit(cache=True, fastmath=False)
def dense_sequential(WT, decay_u, decay_v, vth, bias, u, v, steps, per_step, raster):
    """Dense weights, event-driven, **bit-identical to Lava's** ``W[:, s].sum(axis=1)``.

    ``WT`` is ``W.T`` C-contiguous (row ``j`` = outgoing weights of neuron ``j``). Each step
    adds the rows of the previous step's spikes, in ascending ``j``, to ``a`` (all zeros:
    the LIF update resets it after use), then runs the LIF update (:func:`_add_dense_rows`,
    :func:`_lif_update`; :func:`accumulate_dense` is the accumulation on its own).
    """
    n = WT.shape[0]
    a = np.zeros(n)
    spk = np.empty(n + 1, dtype=np.int64)
    flag = np.zeros(-(-n // 8) * 8, dtype=np.uint8)
    words = flag.view(np.uint64)
    nspk = 0
    total = 0
    for t in range(steps):
        _add_dense_rows(WT, spk, nspk, a)  # a is zero: initially, then reset by _lif_update
        nspk = _lif_update(decay_u, decay_v, vth, bias, u, v, a, 0, n, spk, flag, words)
        _record(raster, per_step, t, spk, 0, nspk)
        total += nspk
    return total


@njit(cache=True, fastmath=False)
def dense_pairwise(W, decay_u, decay_v, vth, bias, u, v, steps, per_step, raster):
    """Dense weights, ``a[i] = numpy_row_sum(W[i, spikes])``: numpy's pairwise order.

    Equals ``np.ascontiguousarray(W[:, s]).sum(axis=1)``, which is **not** what Lava computes
    (see the module docstring); spike trains usually still agree with Lava's for a while, but
    ``u`` and ``v`` differ in the last bits. ``W`` is post-major (the original, not ``W.T``):
    row ``i`` is gathered at the spike indices. Slower than :func:`dense_sequential`.
    """
    n = W.shape[0]
    a = np.zeros(n)
    spk = np.empty(n + 1, dtype=np.int64)
    flag = np.zeros(-(-n // 8) * 8, dtype=np.uint8)
    words = flag.view(np.uint64)
    buf = np.empty(n)
    nspk = 0
    total = 0
    for t in range(steps):
        for i in range(n):
            for k in range(nspk):
                buf[k] = W[i, spk[k]]
            a[i] = numpy_row_sum(buf, 0, nspk)
        nspk = _lif_update(decay_u, decay_v, vth, bias, u, v, a, 0, n, spk, flag, words)
        _record(raster, per_step, t, spk, 0, nspk)
        total += nspk
    return total


@njit(cache=True, fastmath=False)
def sparse_csr(indptr, indices, data, decay_u, decay_v, vth, bias, u, v, steps, per_step,
               raster, lookahead=8):
    """Sparse weights, event-driven over the CSR of ``W.T`` (pre-major, targets ascending).

    For every neuron ``j`` that spiked in the previous step (ascending ``j``) it adds
    ``data[q]`` to ``a[indices[q]]`` for ``q`` in ``indptr[j]:indptr[j+1]``: per post neuron a
    sequential sum in ascending pre order, like scipy's ``W_csr @ s`` in :mod:`numpy_loops`
    (:func:`accumulate_csr`). While it adds spike ``k``'s synapses it prefetches the row of
    spike ``k + lookahead`` (0 = no prefetch): in the large network the rows are scattered
    over a weight array larger than the caches.
    """
    n = indptr.shape[0] - 1
    a = np.zeros(n)
    spk = np.empty(n + 1, dtype=np.int64)
    flag = np.zeros(-(-n // 8) * 8, dtype=np.uint8)
    words = flag.view(np.uint64)
    nspk = 0
    total = 0
    for t in range(steps):
        # a is zero: initially, then reset by _lif_update
        _add_csr_rows(indptr, indices, data, indptr, -1, spk, nspk, a, lookahead)
        nspk = _lif_update(decay_u, decay_v, vth, bias, u, v, a, 0, n, spk, flag, words)
        _record(raster, per_step, t, spk, 0, nspk)
        total += nspk
    return total


@njit(cache=True, fastmath=False)
def _csr_half_step(indptr, indices, data, split, decay_u, decay_v, vth, bias, u, v, a, p,
                   spk_prev, cnt_prev, spk_out, flag, words, lookahead):
    """One step of half ``p`` (0: neurons ``[0, n//2)``, 1: ``[n//2, n)``); returns its count.

    For the previous step's spikes -- ``spk_prev[0, :cnt_prev[0]]`` then
    ``spk_prev[1, :cnt_prev[1]]``, together ascending -- adds to ``a`` (zero in this half, left
    so by the LIF update) the part of each CSR row of ``W.T`` that lands in the half
    (``split[j]`` divides row ``j``), prefetching ``lookahead`` spikes ahead within each list;
    then the LIF update of the half, spikes to ``spk_out``.
    """
    n = indptr.shape[0] - 1
    lo = 0 if p == 0 else n // 2
    hi = n // 2 if p == 0 else n
    for src in range(2):
        _add_csr_rows(indptr, indices, data, split, p, spk_prev[src], cnt_prev[src], a,
                      lookahead)
    return _lif_update(decay_u, decay_v, vth, bias, u, v, a, lo, hi, spk_out, flag, words)


@njit(cache=True, fastmath=False, parallel=True)
def sparse_csr_2t(indptr, indices, data, split, decay_u, decay_v, vth, bias, u, v, steps,
                  per_step, raster, lookahead=8):
    """:func:`sparse_csr` on two threads, split by post neuron (bit-identical results).

    ``split[j]`` is the first ``q`` in row ``j`` of the CSR of ``W.T`` whose target is in the
    upper half (``>= n // 2``). ONE ``prange(2)`` for the whole run: each thread loops over all
    steps for its half of the neurons (:func:`_csr_half_step`) and the two meet at a
    :func:`spin_barrier` after every step. Spike lists are double-buffered (step ``t`` writes
    ``spk[t % 2, p]`` and reads both parts' ``spk[(t-1) % 2]``), so one barrier per step
    suffices. The per-post summation order is that of 1 thread, hence the same bits.

    Needs two threads that really run at the same time: numba's JIT and
    ``numba.get_num_threads() >= 2`` (:func:`numba_runner` checks; with one thread or
    NUMBA_DISABLE_JIT it would wait forever, so it falls back to
    :func:`sparse_csr_2t_forkjoin`). A fork/join per step instead (that kernel) costs more
    than it saves on this 2-core VM: thread wake-ups take hundreds of microseconds.
    """
    n = indptr.shape[0] - 1
    a = np.zeros(n)
    m = n - n // 2 + 1
    spk = np.empty((2, 2, m), dtype=np.int64)
    cnt = np.zeros((2, 2), dtype=np.int64)
    counts = np.zeros((2, steps), dtype=np.int64)
    flag = np.zeros(-(-n // 8) * 8, dtype=np.uint8)
    words = flag.view(np.uint64)
    sync = np.zeros(3, dtype=np.int64)
    for p in prange(2):
        for t in range(steps):
            cur = t % 2
            c = _csr_half_step(indptr, indices, data, split, decay_u, decay_v, vth, bias, u, v,
                               a, p, spk[1 - cur], cnt[1 - cur], spk[cur, p], flag, words,
                               lookahead)
            cnt[cur, p] = c
            counts[p, t] = c
            if raster.shape[0] > 0:
                for k in range(c):
                    raster[spk[cur, p, k], t] = 1
            spin_barrier(sync, 2)
    total = 0
    for t in range(steps):
        per_step[t] += counts[0, t] + counts[1, t]
        total += counts[0, t] + counts[1, t]
    return total


@njit(cache=True, fastmath=False, parallel=True)
def sparse_csr_2t_forkjoin(indptr, indices, data, split, decay_u, decay_v, vth, bias, u, v,
                           steps, per_step, raster, lookahead=8):
    """:func:`sparse_csr_2t` with a ``prange(2)`` per step (fork/join) instead of a barrier.

    Same work and the same bits; portable (also runs with one thread and without the JIT),
    but every step pays a thread wake-up, which on this 2-core VM is far slower than the
    step itself (measured: CUBA 240 us, large 4.5 ms per step).
    """
    n = indptr.shape[0] - 1
    a = np.zeros(n)
    m = n - n // 2 + 1
    spk = np.empty((2, 2, m), dtype=np.int64)
    cnt = np.zeros((2, 2), dtype=np.int64)
    flag = np.zeros(-(-n // 8) * 8, dtype=np.uint8)
    words = flag.view(np.uint64)
    total = 0
    for t in range(steps):
        cur = t % 2
        for p in prange(2):
            cnt[cur, p] = _csr_half_step(indptr, indices, data, split, decay_u, decay_v, vth,
                                         bias, u, v, a, p, spk[1 - cur], cnt[1 - cur],
                                         spk[cur, p], flag, words, lookahead)
        for p in range(2):
            _record(raster, per_step, t, spk[cur, p], 0, cnt[cur, p])
            total += cnt[cur, p]
    return total


#: Weights larger than this (bytes) make the sparse kernels prefetch by default.
PREFETCH_ABOVE_BYTES = 16 * 2**20

KERNELS = {"dense_sequential": dense_sequential, "dense_pairwise": dense_pairwise,
           "sparse_csr": sparse_csr, "sparse_csr_2t": sparse_csr_2t,
           "sparse_csr_2t_forkjoin": sparse_csr_2t_forkjoin}
