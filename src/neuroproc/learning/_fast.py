"""The learning phase with per-epoch tables: the fast path of :mod:`neuroproc.learning._engine`.

The generic engine (:func:`~neuroproc.learning._engine.synapse_float` and friends) decodes every
factor of every product for every synapse. Most of that work depends on one neuron only: a
product's scale times its dependency times the leading factors of the dependency's side (``x0``,
``x1``, ``x2`` for an ``x0`` or ``u`` product; ``y0``..``y3`` for a ``y0`` product), and each trace
factor plus its constant. So once per epoch :func:`fill_tables` computes

* ``pref[p, n]``: product ``p``'s scale x dependency x leading factors for neuron ``n`` of its side
  (float: the very multiplications of the generic engine, in its order; bit-approximate: the
  32-bit wrapped product, whose value does not depend on the grouping),
* ``tab[f, n]``: factor ``f`` (trace + constant, clipped and truncated when bit-approximate) for
  a factor that depends on one neuron,
* ``cross[f, tix, n]``: a trace of the other side, read at the dependency's spike time ``tix``
  (an ``x0`` product's ``y1`` is ``y1`` at the pre neuron's spike time),

and each synapse does one multiply per remaining factor and one add per product: the same
floating-point operations in the same order as the generic engine, so results are bit-identical
(checked on random rules in tests/learning/test_fast.py). The stochastic rounding of the
bit-approximate model draws one number per epoch for all synapses, so visiting fewer or other
synapses draws nothing differently.

``plan`` (static per rule, :func:`fast_plan`) is int64 ``(P, 8)``: target, side (0: pre, 1: post),
first product of its target, first factor after the prefix, end factor, bit width, s_mantissa,
s_exp; ``kinds`` (``(F,)``) says where factor ``f`` comes from (:data:`KI`...:data:`KT`).
"""
from __future__ import annotations

import numba
import numpy as np
from numba import njit

from neuroproc.learning._engine import ACC_MAX, ACC_MIN, _stable, _wrap32, finish_fixed, saturate_float

__all__ = ["fast_plan", "fast_tables", "fill_tables", "learn_dense_events_fast", "learn_dense_fast",
           "learn_sparse_events_fast", "learn_sparse_fast"]

#: factor kinds: table by pre neuron, table by post neuron, x trace at the post spike time,
#: y trace at the pre spike time, the synapse's w, d, t
KI, KJ, KXC, KYC, KW, KD, KT = 0, 1, 2, 3, 4, 5, 6
_TGT, _SIDE, _FIRST, _LEAD, _END, _WIDTH, _MANT, _EXP = range(8)


def fast_plan(prod_i: np.ndarray, fac_i: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(plan, kinds)`` of the rule tables ``prod_i``, ``fac_i`` (see the module docstring)."""
    plan = np.zeros((prod_i.shape[0], 8), np.int64)
    kinds = np.zeros(fac_i.shape[0], np.int64)
    seen: set[int] = set()
    for p in range(prod_i.shape[0]):
        tgt, dep, mant, s_exp, f0, f1 = (int(v) for v in prod_i[p, :6])
        side = 1 if dep == 1 else 0
        lead, leading, width = f0, True, 4
        for f in range(f0, f1):
            code = int(fac_i[f, 0])
            width += int(fac_i[f, 2])
            if code == 10:  # a constant factor: any side's table
                kind = KJ if side else KI
            elif code == 0:
                kind = KI
            elif code == 1:
                kind = KJ
            elif code <= 3:
                kind = KXC if dep == 1 else KI
            elif code <= 6:
                kind = KYC if dep == 0 else KJ
            else:
                kind = KW + code - 7
            kinds[f] = kind
            if leading and kind == (KJ if side else KI):
                lead = f + 1
            else:
                leading = False
        plan[p] = (tgt, side, int(tgt not in seen), lead, f1, width, mant, s_exp)
        seen.add(tgt)
    return plan, kinds


def fast_tables(fixed: bool, plan: np.ndarray, kinds: np.ndarray, n_in: int, n_out: int, t_epoch: int):
    """Scratch ``(pref, tab, cross)`` for :func:`fill_tables` (int64 when bit-approximate); the
    factor tables only as large as the rule's factor kinds need."""
    n = max(n_in, n_out)
    dt = np.int64 if fixed else np.float64
    any_tab = bool(np.isin(kinds, (KI, KJ)).any())
    any_cross = bool(np.isin(kinds, (KXC, KYC)).any())
    return (np.zeros((plan.shape[0], n), dt), np.zeros((kinds.size, n if any_tab else 1), dt),
            np.zeros((kinds.size, t_epoch + 1 if any_cross else 1, n if any_cross else 1), dt))


@njit(cache=True, inline="always")
def _fixed_factor(v, bits):
    return np.int64(min(max(v, -np.float64(2 ** bits)), np.float64(2 ** bits - 1)))


@njit(cache=True)
def _row(fixed, code, has_c, c, bits, at_T, times, T, x0, y0, xh, yh, dst):
    """``dst[n]`` = factor ``code`` of neuron ``n`` read at epoch time ``times[n]`` (or ``T``), as the
    generic engine evaluates it: float ``v (+ c)``; bit-approximate ``trunc(clip(v + c))``."""
    nn = dst.size
    if code == 0:
        for n in range(nn):
            dst[n] = 1.0 if x0[n] else 0.0
    elif code == 1:
        for n in range(nn):
            dst[n] = 1.0 if y0[n] else 0.0
    elif code <= 6:
        h, k = (xh, code - 2) if code <= 3 else (yh, code - 4)
        if at_T:
            for n in range(nn):
                dst[n] = np.float64(h[T, k, n])
        else:
            for n in range(nn):
                dst[n] = np.float64(h[times[n], k, n])
    else:
        dst[:] = 0.0
    if fixed:
        for n in range(nn):
            dst[n] = np.float64(_fixed_factor(dst[n] + c, bits))
    elif has_c:
        for n in range(nn):
            dst[n] = dst[n] + c


@njit(cache=True)
def fill_tables(fixed, u, plan, kinds, pi, pf, fi, ff, x0, y0, tx, ty, xh, yh, pref, tab, cross):
    """The per-epoch tables (after ``begin_epoch``; ``u`` is the u dependency's value)."""
    T = xh.shape[0] - 1
    n_in, n_out = tx.size, ty.size
    tmp = np.empty(max(n_in, n_out))
    fixed_t = np.zeros(max(n_in, n_out), np.int64)
    for p in range(plan.shape[0]):
        dep, f0 = pi[p, 1], pi[p, 4]
        side = plan[p, _SIDE]
        nn = n_out if side else n_in
        times = ty if side else tx
        on = y0 if side else x0
        row = pref[p, :nn]
        for n in range(nn):
            if fixed:
                row[n] = np.int64(u) if dep == 2 else np.int64(1 if on[n] else 0)
            else:
                row[n] = pf[p] * (np.float64(u) if dep == 2 else (1.0 if on[n] else 0.0))
        for f in range(f0, plan[p, _LEAD]):
            dst = tmp[:nn]
            _row(fixed, fi[f, 0], fi[f, 3] != 0, ff[f], fi[f, 2], dep == 2, times, T, x0, y0, xh, yh, dst)
            if fixed:
                for n in range(nn):
                    row[n] = _wrap32(np.int64(row[n]) * np.int64(dst[n]))
            else:
                for n in range(nn):
                    row[n] = row[n] * dst[n]
        for f in range(plan[p, _LEAD], plan[p, _END]):
            kind, code, has_c, c, bits = kinds[f], fi[f, 0], fi[f, 3] != 0, ff[f], fi[f, 2]
            if kind == KI:
                _row(fixed, code, has_c, c, bits, dep != 0, tx, T, x0, y0, xh, yh, tmp[:n_in])
                tab[f, :n_in] = tmp[:n_in]
            elif kind == KJ:
                _row(fixed, code, has_c, c, bits, dep != 1, ty, T, x0, y0, xh, yh, tmp[:n_out])
                tab[f, :n_out] = tmp[:n_out]
            elif kind == KXC or kind == KYC:
                nn = n_in if kind == KXC else n_out
                for t in range(T + 1):
                    fixed_t[:] = t
                    _row(fixed, code, has_c, c, bits, False, fixed_t, T, x0, y0, xh, yh, tmp[:nn])
                    cross[f, t, :nn] = tmp[:nn]


CHUNK = 2048


@njit(cache=True, inline="always")
def _single(p, kinds, plan, ii, jj, txs, tys):
    """For a product with at most one factor beyond its prefix, and that one from a table:
    ``(kind, f, prefix index, factor neuron index, factor time index)``; kind -1 otherwise."""
    lead, end = plan[p, _LEAD], plan[p, _END]
    pidx = jj if plan[p, _SIDE] else ii
    if end == lead:
        return 0, 0, pidx, ii, txs
    kind = kinds[lead]
    if end - lead > 1 or kind >= KW:
        return -1, 0, pidx, ii, txs
    if kind == KI or kind == KJ:
        return 1, lead, pidx, ii if kind == KI else jj, txs
    return 2, lead, pidx, ii if kind == KXC else jj, tys if kind == KXC else txs


@njit(cache=True)
def _products_float(n, ii, jj, txs, tys, syn, plan, kinds, fi, ff, pref, tab, cross, acc, val):
    """``acc[t, :n]`` = the summed products of target t for the gathered synapses."""
    for p in range(plan.shape[0]):
        tgt, first = plan[p, _TGT], plan[p, _FIRST] != 0
        form, f, pidx, nidx, tidx = _single(p, kinds, plan, ii, jj, txs, tys)
        if form >= 0:  # one pass: prefix (times the factor), into the accumulator
            for k in range(n):
                v = pref[p, pidx[k]]
                if form == 1:
                    v = v * tab[f, nidx[k]]
                elif form == 2:
                    v = v * cross[f, tidx[k], nidx[k]]
                acc[tgt, k] = v if first else acc[tgt, k] + v
            continue
        for k in range(n):
            val[k] = pref[p, pidx[k]]
        for f in range(plan[p, _LEAD], plan[p, _END]):
            kind = kinds[f]
            if kind == KI:
                for k in range(n):
                    val[k] = val[k] * tab[f, ii[k]]
            elif kind == KJ:
                for k in range(n):
                    val[k] = val[k] * tab[f, jj[k]]
            elif kind == KXC:
                for k in range(n):
                    val[k] = val[k] * cross[f, tys[k], ii[k]]
            elif kind == KYC:
                for k in range(n):
                    val[k] = val[k] * cross[f, txs[k], jj[k]]
            else:
                s, hc, sg, c = kind - KW, fi[f, 3] != 0, fi[f, 1] != 0, ff[f]
                for k in range(n):
                    v = syn[s, k]
                    if hc:
                        v = v + c
                    if sg:
                        v = np.sign(v)
                    val[k] = val[k] * v
        if first:
            for k in range(n):
                acc[tgt, k] = val[k]
        else:
            for k in range(n):
                acc[tgt, k] = acc[tgt, k] + val[k]


@njit(cache=True)
def _finish_float(n, has, syn, acc, sign_mode):
    """``syn[:, :n]`` becomes the new (w, d, t)."""
    for k in range(n):
        if has[0]:
            syn[0, k] = saturate_float(0, syn[0, k] + acc[0, k], sign_mode)
        if has[1]:
            syn[1, k] = saturate_float(1, syn[1, k] + acc[1, k], sign_mode)
        if has[2]:
            syn[2, k] = syn[2, k] + acc[2, k]


@njit(cache=True)
def _products_fixed(n, ii, jj, txs, tys, syn, plan, kinds, fi, ff, pref, tab, cross, acc, val):
    """``acc[t, :n]``: the 16-bit accumulators, from ``var << 7`` plus each product."""
    for t in range(3):
        for k in range(n):
            acc[t, k] = np.int64(syn[t, k]) << 7
    for p in range(plan.shape[0]):
        tgt, mant, e = plan[p, _TGT], plan[p, _MANT], plan[p, _EXP]
        sh = max(0, plan[p, _WIDTH] - 15)
        form, f, pidx, nidx, tidx = _single(p, kinds, plan, ii, jj, txs, tys)
        if form < 0:
            for k in range(n):
                val[k] = pref[p, pidx[k]]
            for f in range(plan[p, _LEAD], plan[p, _END]):
                kind = kinds[f]
                if kind == KI:
                    for k in range(n):
                        val[k] = _wrap32(val[k] * tab[f, ii[k]])
                elif kind == KJ:
                    for k in range(n):
                        val[k] = _wrap32(val[k] * tab[f, jj[k]])
                elif kind == KXC:
                    for k in range(n):
                        val[k] = _wrap32(val[k] * cross[f, tys[k], ii[k]])
                elif kind == KYC:
                    for k in range(n):
                        val[k] = _wrap32(val[k] * cross[f, txs[k], jj[k]])
                else:
                    s, sg, c, bits = kind - KW, fi[f, 1] != 0, ff[f], fi[f, 2]
                    for k in range(n):
                        x = syn[s, k] + c
                        if sg:
                            x = np.sign(x)
                        val[k] = _wrap32(val[k] * _fixed_factor(x, bits))
        for k in range(n):
            if form < 0:
                r = val[k]
            else:
                r = pref[p, pidx[k]]
                if form == 1:
                    r = _wrap32(r * tab[f, nidx[k]])
                elif form == 2:
                    r = _wrap32(r * cross[f, tidx[k], nidx[k]])
            r = _wrap32(r * mant) >> sh
            r = min(max(_wrap32(r << e), ACC_MIN), ACC_MAX)
            acc[tgt, k] = min(max(acc[tgt, k] + r, ACC_MIN), ACC_MAX)


@njit(cache=True)
def _finish_fixed(n, has, syn, acc, sign_mode, r_syn):
    for t in range(3):
        if has[t]:
            for k in range(n):
                syn[t, k] = np.float64(finish_fixed(t, acc[t, k], sign_mode, r_syn))


def compute(n, has, ii, jj, txs, tys, syn, plan, kinds, fi, ff, pref, tab, cross, acc, val, sign_mode, r_syn):
    """New (w, d, t) of the ``n`` gathered synapses, written into ``syn``: bit-approximate when
    the tables are integer (``acc``, ``val`` then int64 too), float otherwise. Chosen when numba
    compiles the caller (an overload), so each loop holds one arithmetic only."""
    if pref.dtype.kind == "i":
        _products_fixed(n, ii, jj, txs, tys, syn, plan, kinds, fi, ff, pref, tab, cross, acc, val)
        _finish_fixed(n, has, syn, acc, sign_mode, r_syn)
    else:
        _products_float(n, ii, jj, txs, tys, syn, plan, kinds, fi, ff, pref, tab, cross, acc, val)
        _finish_float(n, has, syn, acc, sign_mode)


if not numba.config.DISABLE_JIT:
    from numba.core import types
    from numba.extending import overload

    @overload(compute)
    def _compute_overload(n, has, ii, jj, txs, tys, syn, plan, kinds, fi, ff, pref, tab, cross, acc, val,
                          sign_mode, r_syn):
        if isinstance(pref.dtype, types.Integer):
            def impl(n, has, ii, jj, txs, tys, syn, plan, kinds, fi, ff, pref, tab, cross, acc, val, sign_mode,
                     r_syn):
                _products_fixed(n, ii, jj, txs, tys, syn, plan, kinds, fi, ff, pref, tab, cross, acc, val)
                _finish_fixed(n, has, syn, acc, sign_mode, r_syn)
        else:
            def impl(n, has, ii, jj, txs, tys, syn, plan, kinds, fi, ff, pref, tab, cross, acc, val, sign_mode,
                     r_syn):
                _products_float(n, ii, jj, txs, tys, syn, plan, kinds, fi, ff, pref, tab, cross, acc, val)
                _finish_float(n, has, syn, acc, sign_mode)
        return impl


@njit(cache=True)
def _needed(has, fi):
    """Which synaptic variables (w, d, t) a phase reads: its targets and its factors."""
    need = has.copy()
    for f in range(fi.shape[0]):
        if 7 <= fi[f, 0] <= 9:
            need[fi[f, 0] - 7] = True
    return need


@njit(cache=True)
def _scratch(pref):
    """Gather buffers of one chunk: positions, pre, post, their spike times, (w, d, t), and the
    accumulators in the tables' dtype."""
    ix = np.empty((5, CHUNK), np.int64)
    return ix, np.empty((3, CHUNK)), np.empty((3, CHUNK), pref.dtype), np.empty(CHUNK, pref.dtype)


@njit(cache=True, inline="always")
def _gather(ix, syn, n, pos, i, j, ti, tj, wv, dv, tv):
    ix[0, n] = pos
    ix[1, n] = i
    ix[2, n] = j
    ix[3, n] = ti
    ix[4, n] = tj
    syn[0, n] = wv
    syn[1, n] = dv
    syn[2, n] = tv


@njit(cache=True)
def _flush(n, has, w, tag2, tag1, ix, syn, acc, val, plan, kinds, fi, ff, pref, tab, cross, sign_mode,
           r_syn):
    """Compute the gathered synapses and write back the rules' targets (``ix[0]``: positions in
    ``w``, ``tag2``, ``tag1``)."""
    compute(n, has, ix[1], ix[2], ix[3], ix[4], syn, plan, kinds, fi, ff, pref, tab, cross, acc, val, sign_mode,
            r_syn)
    if has[0]:
        for k in range(n):
            w[ix[0, k]] = syn[0, k]
    if has[1]:
        for k in range(n):
            tag2[ix[0, k]] = syn[1, k]
    if has[2]:
        for k in range(n):
            tag1[ix[0, k]] = syn[2, k]


@njit(cache=True)
def _flush_dense(n, has, w, tag2, tag1, ix, syn, acc, val, plan, kinds, fi, ff, pref, tab, cross, sign_mode,
                 r_syn):
    """:func:`_flush` for ``(n_out, n_in)`` matrices (``ix[1]``, ``ix[2]``: pre, post)."""
    compute(n, has, ix[1], ix[2], ix[3], ix[4], syn, plan, kinds, fi, ff, pref, tab, cross, acc, val, sign_mode,
            r_syn)
    for k in range(n):
        i, j = ix[1, k], ix[2, k]
        if has[0]:
            w[j, i] = syn[0, k]
        if has[1]:
            tag2[j, i] = syn[1, k]
        if has[2]:
            tag1[j, i] = syn[2, k]


@njit(cache=True)
def learn_dense_fast(fixed, skip, has, w, tag2, tag1, x0, y0, tx, ty, plan, kinds, fi, ff, pref, tab, cross,
                     sign_mode, r_syn):
    """:func:`~neuroproc.learning._engine.learn_dense` on the tables of :func:`fill_tables`."""
    ix, syn, acc, val = _scratch(pref)
    n = 0
    for j in range(ty.size):
        for i in range(tx.size):
            wv, dv, tv = w[j, i], tag2[j, i], tag1[j, i]
            if skip and not x0[i] and not y0[j] and _stable(fixed, has, wv, dv, tv, sign_mode):
                continue
            _gather(ix, syn, n, 0, i, j, tx[i], ty[j], wv, dv, tv)
            n += 1
            if n == CHUNK:
                _flush_dense(n, has, w, tag2, tag1, ix, syn, acc, val, plan, kinds, fi, ff, pref, tab, cross,
                             sign_mode, r_syn)
                n = 0
    _flush_dense(n, has, w, tag2, tag1, ix, syn, acc, val, plan, kinds, fi, ff, pref, tab, cross, sign_mode, r_syn)


@njit(cache=True)
def learn_sparse_fast(fixed, skip, has, w, tag2, tag1, rows, col_ptr, x0, y0, tx, ty, plan, kinds, fi, ff, pref, tab,
                      cross, sign_mode, r_syn):
    """:func:`~neuroproc.learning._engine.learn_sparse` on the tables of :func:`fill_tables`."""
    ix, syn, acc, val = _scratch(pref)
    n = 0
    for i in range(tx.size):
        x0i = x0[i]
        for pos in range(col_ptr[i], col_ptr[i + 1]):
            j = np.int64(rows[pos])
            wv, dv, tv = w[pos], tag2[pos], tag1[pos]
            if skip and not x0i and not y0[j] and _stable(fixed, has, wv, dv, tv, sign_mode):
                continue
            _gather(ix, syn, n, pos, i, j, tx[i], ty[j], wv, dv, tv)
            n += 1
            if n == CHUNK:
                _flush(n, has, w, tag2, tag1, ix, syn, acc, val, plan, kinds, fi, ff, pref, tab, cross,
                       sign_mode, r_syn)
                n = 0
    _flush(n, has, w, tag2, tag1, ix, syn, acc, val, plan, kinds, fi, ff, pref, tab, cross, sign_mode, r_syn)


@njit(cache=True)
def learn_dense_events_fast(has, w, tag2, tag1, x0, y0, tx, ty, plan, kinds, fi, ff, pref, tab, cross, sign_mode,
                            r_syn):
    """:func:`~neuroproc.learning._engine.learn_dense_events` on the tables."""
    ix, syn, acc, val = _scratch(pref)
    n = 0
    for j in range(ty.size):
        for i in range(tx.size):
            if x0[i] or y0[j]:
                _gather(ix, syn, n, 0, i, j, tx[i], ty[j], w[j, i], tag2[j, i], tag1[j, i])
                n += 1
                if n == CHUNK:
                    _flush_dense(n, has, w, tag2, tag1, ix, syn, acc, val, plan, kinds, fi, ff, pref, tab, cross,
                                 sign_mode, r_syn)
                    n = 0
    _flush_dense(n, has, w, tag2, tag1, ix, syn, acc, val, plan, kinds, fi, ff, pref, tab, cross, sign_mode, r_syn)


@njit(cache=True)
def learn_sparse_events_fast(has, w, tag2, tag1, rows, col_ptr, post_ptr, post_pos, post_pre, x0, y0, tx, ty, plan,
                             kinds, fi, ff, pref, tab, cross, sign_mode, r_syn):
    """:func:`~neuroproc.learning._engine.learn_sparse_events` on the tables: the synapses of
    spiking pre neurons (CSC columns), then those of spiking post neurons (post-major index)."""
    ix, syn, acc, val = _scratch(pref)
    need = _needed(has, fi)
    n = 0
    for i in range(tx.size):
        if x0[i]:
            for pos in range(col_ptr[i], col_ptr[i + 1]):
                j = np.int64(rows[pos])
                _gather(ix, syn, n, pos, i, j, tx[i], ty[j], w[pos], tag2[pos] if need[1] else 0.0,
                        tag1[pos] if need[2] else 0.0)
                n += 1
                if n == CHUNK:
                    _flush(n, has, w, tag2, tag1, ix, syn, acc, val, plan, kinds, fi, ff, pref, tab, cross,
                           sign_mode, r_syn)
                    n = 0
    for j in range(ty.size):
        if y0[j]:
            for k in range(post_ptr[j], post_ptr[j + 1]):
                i = np.int64(post_pre[k])
                if x0[i]:
                    continue
                pos = post_pos[k]
                _gather(ix, syn, n, pos, i, j, tx[i], ty[j], w[pos], tag2[pos] if need[1] else 0.0,
                        tag1[pos] if need[2] else 0.0)
                n += 1
                if n == CHUNK:
                    _flush(n, has, w, tag2, tag1, ix, syn, acc, val, plan, kinds, fi, ff, pref, tab, cross,
                           sign_mode, r_syn)
                    n = 0
    _flush(n, has, w, tag2, tag1, ix, syn, acc, val, plan, kinds, fi, ff, pref, tab, cross, sign_mode, r_syn)
