"""The learning arithmetic, as numba functions shared by the python models and the compiled
kernels (so the two backends run the very same code on the same arrays).

Per time step (``recv_traces``): pre spikes update ``x1``/``x2``/``tx``, the x and y random
streams advance, post spikes update ``y0``/``y1..y3``/``ty``, the streams advance again. Per
epoch (``learn``): the synaptic stream advances, ``x0 = tx > 0``, ``y0 = ty > 0``, the trace
histories over the epoch are built, the traces take their last entry (y only for two-factor
rules), every synapse gets ``dw``, ``dd``, ``dt`` from the values before the phase, and the
spike times reset. The float and bit-approximate variants differ in the trace decay, the
impulse addition and the product evaluation; see ``neuroproc.learning.connection`` for the
arithmetic in words.

The per-synapse update (:func:`update`, the ``learn_*`` loops) is the reference definition of a
learning phase; the models and kernels run :mod:`neuroproc.learning._fast`, which evaluates the
same operations from per-epoch tables and is checked against it bit for bit.

Rule tables (built by :func:`rule_tables`): ``prod_i`` int64 ``(P, 7)`` = target (0 weights,
1 tag_2, 2 tag_1), dependency (0 x0, 1 y0, 2 u), s_mantissa, s_exp, first factor, end factor,
padding; ``prod_f`` float64 ``(P,)`` = scale; ``fac_i`` int64 ``(F, 4)`` = variable code
(:data:`CODES`), sgn, bit width, has-constant; ``fac_f`` float64 ``(F,)`` = constant.
"""
from __future__ import annotations

import math

import numba
import numpy as np
from numba import njit

from neuroproc.learning import string_symbols as sym
from neuroproc.learning._pcg import next_double, next_int_pow2
from neuroproc.learning.constants import FACTOR_TO_WIDTH_DICT

__all__ = ["CODES", "rule_tables"]

#: factor variable codes
CODES = {sym.X0: 0, sym.Y0: 1, sym.X1: 2, sym.X2: 3, sym.Y1: 4, sym.Y2: 5, sym.Y3: 6, sym.W: 7, sym.D: 8,
         sym.T: 9, sym.C: 10}
_TARGETS = {sym.DW: 0, sym.DD: 1, sym.DT: 2}
_DEPS = {sym.X0: 0, sym.Y0: 1, sym.U: 2}
#: random stream rows (see neuroproc.learning.random.stream_state)
X_DECAY, X_IMP, Y_DECAY, Y_IMP, SYN = 0, 1, 2, 3, 4
ACC_MAX = 2 ** 15 - 1
ACC_MIN = -(2 ** 15) - 1


def rule_tables(learning_rule) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(prod_i, prod_f, fac_i, fac_f)`` of a LoihiLearningRule, products grouped by target."""
    prods: list[tuple] = []
    facs: list[tuple] = []
    for target, series in learning_rule.active_product_series.items():
        for p in series.products:
            f0 = len(facs)
            for f in p.factors:
                facs.append((CODES[f.state_var], int(f.is_sgn), FACTOR_TO_WIDTH_DICT[f.state_var],
                             int(f.has_const()), float(f.const) if f.has_const() else 0.0))
            prods.append((_TARGETS[target], _DEPS[p.dependency], p.s_mantissa, p.s_exp, f0, len(facs), 0,
                          p.scale))
    prod_i = np.array([p[:7] for p in prods], np.int64).reshape(-1, 7)
    prod_f = np.array([p[7] for p in prods], np.float64)
    fac_i = np.array([f[:4] for f in facs], np.int64).reshape(-1, 4)
    fac_f = np.array([f[4] for f in facs], np.float64)
    return prod_i, prod_f, fac_i, fac_f


# -- per step ------------------------------------------------------------------------------------
@njit(cache=True)
def pre_spikes_float(s, binary, cfg, x1, x2, tx, tau, imp1, imp2):
    """Pre-spike processing of the float model (``s``: this step's input, any dtype)."""
    for i in range(s.size):
        spiked = s[i] != 0
        multi = spiked and tx[i] > 0
        if cfg == 0:
            if multi:
                x1[i] += imp1
        elif cfg == 1:
            if spiked:
                x1[i] = (0.5 if binary else np.float64(s[i]) / 2)
        else:
            x1[i] = x1[i] + ((0.5 if spiked else 0.0) if binary else np.float64(s[i]) / 2)
        if multi:
            x2[i] += imp2
        if spiked:
            tx[i] = tau


@njit(cache=True, inline="always")
def _add_impulse(v, r, imp_int, imp_frac):
    v = v + imp_int + (1 if r < imp_frac else 0)
    return min(max(v, 0), 127)


@njit(cache=True)
def _half_round(v):
    """np.round(v / 2) for an integer v: half to even."""
    q = v / 2.0
    f = math.floor(q)
    if q - f == 0.5:
        return f + (f % 2)
    return np.floor(q + 0.5)


@njit(cache=True)
def pre_spikes_fixed(s, binary, cfg, x1, x2, tx, tau, imp_int, imp_frac):
    """Pre-spike processing of the bit-approximate model (multi-spike impulses use r = 0)."""
    for i in range(s.size):
        spiked = s[i] != 0
        multi = spiked and tx[i] > 0
        update_t, update_x2 = spiked, multi
        scaled = np.int64(0) if binary else np.int64(_half_round(np.float64(s[i]))) & 255
        if cfg == 0:
            if multi:
                x1[i] = _add_impulse(x1[i], 0, imp_int[0], imp_frac[0])
        elif cfg == 1:
            if spiked:
                x1[i] = scaled
        else:
            total = (np.int64(x1[i]) + scaled) & 255
            if cfg == 2:
                x1[i] = min(total, 127)
            else:
                over = total > 127
                update_t, update_x2 = spiked and over, multi and over
                x1[i] = total - 127 if over else total
        if update_x2:
            x2[i] = _add_impulse(x2[i], 0, imp_int[1], imp_frac[1])
        if update_t:
            tx[i] = tau


@njit(cache=True)
def post_spikes_float(bap, y0, y1, y2, y3, ty, tau, imps):
    for j in range(bap.size):
        if bap[j] != 0:
            y0[j] = True
            if ty[j] > 0:
                y1[j] += imps[0]
                y2[j] += imps[1]
                y3[j] += imps[2]
            ty[j] = tau


@njit(cache=True)
def post_spikes_fixed(bap, y0, y1, y2, y3, ty, tau, imp_int, imp_frac, r):
    for j in range(bap.size):
        if bap[j] != 0:
            y0[j] = True
            if ty[j] > 0:
                y1[j] = _add_impulse(y1[j], r, imp_int[2], imp_frac[2])
                y2[j] = _add_impulse(y2[j], r, imp_int[3], imp_frac[3])
                y3[j] = _add_impulse(y3[j], r, imp_int[4], imp_frac[4])
            ty[j] = tau


@njit(cache=True)
def advance_traces(rng_state, rng_values):
    """Advance the x and y streams: a new decay and impulse number each."""
    rng_values[X_DECAY] = next_double(rng_state[X_DECAY])
    rng_values[X_IMP] = next_int_pow2(rng_state[X_IMP], 7)
    rng_values[Y_DECAY] = next_double(rng_state[Y_DECAY])
    rng_values[Y_IMP] = next_int_pow2(rng_state[Y_IMP], 7)


# -- per epoch: trace histories ------------------------------------------------------------------
@njit(cache=True)
def history_float(h, decay, has_decay, imps, tspk):
    """Fill ``h[1:]`` (``h[0]`` = current traces, shape ``(T+1, K, n)``)."""
    T = h.shape[0] - 1
    for t in range(1, T + 1):
        for k in range(h.shape[1]):
            for n in range(h.shape[2]):
                h[t, k, n] = decay[k] * h[t - 1, k, n] if has_decay[k] else np.nan
        for n in range(h.shape[2]):
            if tspk[n] == t:
                for k in range(h.shape[1]):
                    h[t, k, n] += imps[k]


@njit(cache=True)
def history_fixed(h, decay, has_decay, imp_int, imp_frac, tspk, r_decay, r_imp):
    T = h.shape[0] - 1
    for t in range(1, T + 1):
        for k in range(h.shape[1]):
            for n in range(h.shape[2]):
                if has_decay[k]:
                    v = decay[k] * np.float64(h[t - 1, k, n])
                    fl = math.floor(v)
                    h[t, k, n] = np.int64(fl) + (1 if r_decay < v - fl else 0)
                else:
                    h[t, k, n] = 0
        for n in range(h.shape[2]):
            if tspk[n] == t:
                for k in range(h.shape[1]):
                    h[t, k, n] = _add_impulse(h[t, k, n], r_imp, imp_int[k], imp_frac[k])


# -- per epoch: synaptic updates -----------------------------------------------------------------
@njit(cache=True, inline="always")
def _factor(code, tix, i, j, xh, yh, x0i, y0j, w, d, tg):
    if code == 0:
        return 1.0 if x0i else 0.0
    if code == 1:
        return 1.0 if y0j else 0.0
    if code <= 3:
        return np.float64(xh[tix, code - 2, i])
    if code <= 6:
        return np.float64(yh[tix, code - 4, j])
    if code == 7:
        return np.float64(w)
    if code == 8:
        return np.float64(d)
    if code == 9:
        return np.float64(tg)
    return 0.0


@njit(cache=True, inline="always")
def _wrap32(v):
    return ((v + 2147483648) & 4294967295) - 2147483648


@njit(cache=True, inline="always")
def synapse_float(out, seen, i, j, w, d, tg, x0i, y0j, u, txi, tyj, T, xh, yh, prod_i, prod_f, fac_i, fac_f):
    """``out[k]`` = the summed products of target k for synapse (post j, pre i), in rule order
    (``seen``: scratch of 3 bools)."""
    seen[0] = seen[1] = seen[2] = 0
    for p in range(prod_i.shape[0]):
        tgt, dep = prod_i[p, 0], prod_i[p, 1]
        if dep == 0:
            dv, tix = (1.0 if x0i else 0.0), txi
        elif dep == 1:
            dv, tix = (1.0 if y0j else 0.0), tyj
        else:
            dv, tix = np.float64(u), T
        val = prod_f[p] * dv
        for f in range(prod_i[p, 4], prod_i[p, 5]):
            v = _factor(fac_i[f, 0], tix, i, j, xh, yh, x0i, y0j, w, d, tg)
            if fac_i[f, 3]:
                v = v + fac_f[f]
            if fac_i[f, 1]:
                v = np.sign(v)
            val = val * v
        out[tgt] = out[tgt] + val if seen[tgt] != 0 else val
        seen[tgt] = 1


@njit(cache=True, inline="always")
def saturate_float(tgt, v, sign_mode):
    if tgt == 0:
        if sign_mode == 2 and v < 0:
            return 0.0
        if sign_mode == 3 and v > 0:
            return 0.0
        return v
    if tgt == 1 and v < 0:
        return 0.0
    return v


@njit(cache=True, inline="always")
def synapse_fixed(out, i, j, w, d, tg, x0i, y0j, u, txi, tyj, T, xh, yh, prod_i, prod_f, fac_i, fac_f):
    """``out[k]`` += the 16-bit accumulator contributions of target k (``out`` starts at var << 7)."""
    for p in range(prod_i.shape[0]):
        tgt, dep = prod_i[p, 0], prod_i[p, 1]
        if dep == 0:
            r, tix = np.int64(1 if x0i else 0), txi
        elif dep == 1:
            r, tix = np.int64(1 if y0j else 0), tyj
        else:
            r, tix = np.int64(u), T
        width = 0
        for f in range(prod_i[p, 4], prod_i[p, 5]):
            bits = fac_i[f, 2]
            width += bits
            v = _factor(fac_i[f, 0], tix, i, j, xh, yh, x0i, y0j, w, d, tg) + fac_f[f]
            if fac_i[f, 1]:
                v = np.sign(v)
            v = min(max(v, -np.float64(2 ** bits)), np.float64(2 ** bits - 1))
            r = _wrap32(r * np.int64(v))
        width += 4
        r = _wrap32(r * prod_i[p, 2])
        r = r >> max(0, width - 15)
        r = _wrap32(r << prod_i[p, 3])
        r = min(max(r, ACC_MIN), ACC_MAX)
        out[tgt] = min(max(out[tgt] + r, ACC_MIN), ACC_MAX)


@njit(cache=True, inline="always")
def finish_fixed(tgt, acc, sign_mode, r_syn):
    """Saturate the accumulator, round it stochastically to 8 bits, shift back, saturate."""
    if tgt == 0:
        if sign_mode == 2:
            acc = max(acc, 0)
        elif sign_mode == 3:
            acc = min(acc, 0)
    elif tgt == 1:
        acc = max(acc, 0)
    q = acc / 128.0
    fl = math.floor(q)
    v = (np.int64(fl) + (1 if r_syn < q - fl else 0)) * 128
    v = v >> 7
    if tgt == 0:
        lo = 0 if sign_mode == 2 else (-255 if sign_mode == 3 else -256)
        hi = 0 if sign_mode == 3 else 255
    elif tgt == 1:
        lo, hi = 0, 255
    else:
        lo, hi = -257, 255
    return min(max(v, lo), hi)


@njit(cache=True, inline="always")
def _stable(fixed, has, w, d, tg, sign_mode):
    """True when a synapse whose products are all 0 keeps its values exactly (so it may be
    skipped): its values already lie where saturation and rounding leave them."""
    if has[0]:
        lo = -256.0 if fixed else -np.inf
        hi = 255.0 if fixed else np.inf
        if sign_mode == 2:
            lo = 0.0
        elif sign_mode == 3:
            hi = 0.0
        if not lo <= w <= hi:
            return False
    if has[1] and not (0 <= d <= (255 if fixed else np.inf)):
        return False
    if has[2] and fixed and not -256 <= tg <= 255:
        return False
    return True


@njit(cache=True, inline="always")
def _update_fixed(out, seen, has, i, j, w, d, tg, x0i, y0j, u, txi, tyj, T, xh, yh, pi, pf, fi, ff, sign_mode, r_syn):
    """New (w, d, t) of one synapse, bit-approximate (``out``: int64 scratch of 3)."""
    nw, nd, nt = np.float64(w), np.float64(d), np.float64(tg)
    out[0] = np.int64(w) << 7
    out[1] = np.int64(d) << 7
    out[2] = np.int64(tg) << 7
    synapse_fixed(out, i, j, w, d, tg, x0i, y0j, u, txi, tyj, T, xh, yh, pi, pf, fi, ff)
    if has[0]:
        nw = np.float64(finish_fixed(0, out[0], sign_mode, r_syn))
    if has[1]:
        nd = np.float64(finish_fixed(1, out[1], sign_mode, r_syn))
    if has[2]:
        nt = np.float64(finish_fixed(2, out[2], sign_mode, r_syn))
    return nw, nd, nt


@njit(cache=True, inline="always")
def _update_float(out, seen, has, i, j, w, d, tg, x0i, y0j, u, txi, tyj, T, xh, yh, pi, pf, fi, ff, sign_mode, r_syn):
    """New (w, d, t) of one synapse, float (``out``: float64 scratch of 3)."""
    nw, nd, nt = np.float64(w), np.float64(d), np.float64(tg)
    synapse_float(out, seen, i, j, w, d, tg, x0i, y0j, u, txi, tyj, T, xh, yh, pi, pf, fi, ff)
    if has[0]:
        nw = saturate_float(0, w + out[0], sign_mode)
    if has[1]:
        nd = saturate_float(1, d + out[1], sign_mode)
    if has[2]:
        nt = tg + out[2]
    return nw, nd, nt


def update(out, seen, has, i, j, w, d, tg, x0i, y0j, u, txi, tyj, T, xh, yh, pi, pf, fi, ff, sign_mode, r_syn):
    """New (w, d, t) of one synapse from the values before the phase: bit-approximate when the
    scratch ``out`` is an integer array, float otherwise. Chosen when numba compiles the caller
    (an overload), so each loop holds one arithmetic only."""
    fn = _update_fixed if out.dtype.kind == "i" else _update_float
    return fn(out, seen, has, i, j, w, d, tg, x0i, y0j, u, txi, tyj, T, xh, yh, pi, pf, fi, ff, sign_mode, r_syn)


if not numba.config.DISABLE_JIT:
    from numba.core import types
    from numba.extending import overload

    @overload(update, inline="always")
    def _update_overload(out, seen, has, i, j, w, d, tg, x0i, y0j, u, txi, tyj, T, xh, yh, pi, pf, fi, ff,
                         sign_mode, r_syn):
        fn = _update_fixed if isinstance(out.dtype, types.Integer) else _update_float

        def impl(out, seen, has, i, j, w, d, tg, x0i, y0j, u, txi, tyj, T, xh, yh, pi, pf, fi, ff, sign_mode,
                 r_syn):
            return fn(out, seen, has, i, j, w, d, tg, x0i, y0j, u, txi, tyj, T, xh, yh, pi, pf, fi, ff, sign_mode,
                      r_syn)

        return impl


@njit(cache=True)
def begin_epoch(fixed, t, three_factor, k_dec, x1, x2, y1, y2, y3, x0, y0, tx, ty, decay, has_decay, imps,
                imp_int, imp_frac, xh, yh, pi, fi, rng_state, rng_values):
    """First half of a learning phase (``t % t_epoch == 0``): random stream, dependencies, trace
    histories, traces. Returns ``(u, skip, has)``: the u dependency's value, whether synapses
    without an active dependency may be skipped, and which targets the rules have."""
    T = xh.shape[0] - 1
    if fixed:
        rng_values[SYN] = next_double(rng_state[SYN])
    for i in range(tx.size):
        x0[i] = tx[i] > 0
        xh[0, 0, i] = x1[i]
        xh[0, 1, i] = x2[i]
    for j in range(ty.size):
        y0[j] = ty[j] > 0
        yh[0, 0, j] = y1[j]
        yh[0, 1, j] = y2[j]
        yh[0, 2, j] = y3[j]
    if fixed:
        history_fixed(xh, decay[:2], has_decay[:2], imp_int[:2], imp_frac[:2], tx, rng_values[X_DECAY],
                      rng_values[X_IMP])
        history_fixed(yh, decay[2:], has_decay[2:], imp_int[2:], imp_frac[2:], ty, rng_values[Y_DECAY],
                      rng_values[Y_IMP])
    else:
        history_float(xh, decay[:2], has_decay[:2], imps[:2], tx)
        history_float(yh, decay[2:], has_decay[2:], imps[2:], ty)
    for i in range(tx.size):
        x1[i] = xh[T, 0, i]
        x2[i] = xh[T, 1, i]
    if not three_factor:
        for j in range(ty.size):
            y1[j] = yh[T, 0, j]
            y2[j] = yh[T, 1, j]
            y3[j] = yh[T, 2, j]
    u = 0
    if k_dec >= 0 and (t // T) % (2 ** k_dec) == 0:
        u = 1
    has = np.zeros(3, np.bool_)
    any_u = False
    for p in range(pi.shape[0]):
        has[pi[p, 0]] = True
        if pi[p, 1] == 2 and u != 0:
            any_u = True
    # a synapse without an active dependency keeps its values (if they are stable), unless a float
    # trace the rules use holds NaN (0 * NaN is NaN; traces of tau 0 are NaN but mostly unused)
    skip = not any_u
    if not fixed and skip:
        used = np.zeros(5, np.bool_)  # x1, x2, y1, y2, y3 read by a factor
        for f in range(fi.shape[0]):
            if 2 <= fi[f, 0] <= 6:
                used[fi[f, 0] - 2] = True
        for k in range(5):
            if used[k] and skip:
                skip = not _has_nan(xh, k) if k < 2 else not _has_nan(yh, k - 2)
    return u, skip, has


@njit(cache=True)
def _has_nan(h, k):
    """Whether trace ``k`` of the history ``h`` holds a NaN anywhere (no temporary array)."""
    for t in range(h.shape[0]):
        for n in range(h.shape[2]):
            if np.isnan(h[t, k, n]):
                return True
    return False


@njit(cache=True)
def end_epoch(x0, y0, tx, ty):
    for i in range(tx.size):
        x0[i] = False
        tx[i] = 0
    for j in range(ty.size):
        y0[j] = False
        ty[j] = 0


@njit(cache=True)
def learn_dense(fixed, out, seen, t, u, skip, has, w, tag2, tag1, x0, y0, tx, ty, xh, yh, pi, pf, fi, ff, sign_mode,
                rng_values):
    """Apply the rules to every synapse of ``(n_out, n_in)`` matrices (``out``: the scratch
    whose dtype picks the arithmetic, see :func:`update`; ``seen``: int64 scratch of 3)."""
    T = xh.shape[0] - 1
    r_syn = rng_values[SYN]
    for i in range(tx.size):
        x0i = x0[i]
        for j in range(ty.size):
            wv, dv, tv = w[j, i], tag2[j, i], tag1[j, i]
            if skip and not x0i and not y0[j] and _stable(fixed, has, wv, dv, tv, sign_mode):
                continue
            nw, nd, nt = update(out, seen, has, i, j, wv, dv, tv, x0i, y0[j], u, tx[i], ty[j], T, xh, yh, pi, pf, fi,
                                 ff, sign_mode, r_syn)
            w[j, i] = nw
            tag2[j, i] = nd
            tag1[j, i] = nt


@njit(cache=True)
def learn_sparse(fixed, out, seen, t, u, skip, has, w, tag2, tag1, rows, col_ptr, x0, y0, tx, ty, xh, yh, pi, pf,
                 fi, ff, sign_mode, rng_values):
    """Apply the rules to the stored synapses (values in CSC order)."""
    T = xh.shape[0] - 1
    r_syn = rng_values[SYN]
    for i in range(tx.size):
        x0i = x0[i]
        for pos in range(col_ptr[i], col_ptr[i + 1]):
            j = np.int64(rows[pos])
            wv, dv, tv = w[pos], tag2[pos], tag1[pos]
            if skip and not x0i and not y0[j] and _stable(fixed, has, wv, dv, tv, sign_mode):
                continue
            nw, nd, nt = update(out, seen, has, i, j, wv, dv, tv, x0i, y0[j], u, tx[i], ty[j], T, xh, yh, pi, pf, fi,
                                 ff, sign_mode, r_syn)
            w[pos] = nw
            tag2[pos] = nd
            tag1[pos] = nt


@njit(cache=True)
def learn_dense_events(out, seen, t, u, has, w, tag2, tag1, x0, y0, tx, ty, xh, yh, pi, pf, fi, ff, sign_mode,
                       rng_values):
    """:func:`learn_dense` touching only the synapses of neurons that spiked in the epoch; exact
    when ``begin_epoch`` allows skipping and every synapse is stable (see :func:`_stable`)."""
    T = xh.shape[0] - 1
    r_syn = rng_values[SYN]
    for i in range(tx.size):
        for j in range(ty.size):
            if x0[i] or y0[j]:
                nw, nd, nt = update(out, seen, has, i, j, w[j, i], tag2[j, i], tag1[j, i], x0[i], y0[j], u, tx[i], ty[j],
                                     T, xh, yh, pi, pf, fi, ff, sign_mode, r_syn)
                w[j, i] = nw
                tag2[j, i] = nd
                tag1[j, i] = nt


@njit(cache=True)
def learn_sparse_events(out, seen, t, u, has, w, tag2, tag1, rows, col_ptr, post_ptr, post_pos, post_pre, x0, y0, tx,
                        ty, xh, yh, pi, pf, fi, ff, sign_mode, rng_values):
    """:func:`learn_sparse` touching only the synapses of spiking pre neurons (their CSC columns)
    and of spiking post neurons (through the post-major index: ``post_pos[post_ptr[j]:post_ptr[j+1]]``
    are the CSC positions of post neuron j's synapses, ``post_pre`` their pre neurons)."""
    T = xh.shape[0] - 1
    r_syn = rng_values[SYN]
    need = _needed(has, fi)
    for i in range(tx.size):
        if x0[i]:
            for pos in range(col_ptr[i], col_ptr[i + 1]):
                j = np.int64(rows[pos])
                dv = tag2[pos] if need[1] else tag2[0]
                tv = tag1[pos] if need[2] else tag1[0]
                nw, nd, nt = update(out, seen, has, i, j, w[pos], dv, tv, True, y0[j], u, tx[i], ty[j], T, xh, yh, pi,
                                    pf, fi, ff, sign_mode, r_syn)
                _store(has, w, tag2, tag1, pos, nw, nd, nt)
    for j in range(ty.size):
        if y0[j]:
            for k in range(post_ptr[j], post_ptr[j + 1]):
                pos = post_pos[k]
                i = np.int64(post_pre[k])
                if x0[i]:
                    continue
                dv = tag2[pos] if need[1] else tag2[0]
                tv = tag1[pos] if need[2] else tag1[0]
                nw, nd, nt = update(out, seen, has, i, j, w[pos], dv, tv, False, True, u, tx[i], ty[j], T, xh, yh, pi,
                                    pf, fi, ff, sign_mode, r_syn)
                _store(has, w, tag2, tag1, pos, nw, nd, nt)


@njit(cache=True)
def _needed(has, fi):
    """Which synaptic variables (w, d, t) a phase reads: its targets and its factors."""
    need = has.copy()
    for f in range(fi.shape[0]):
        if 7 <= fi[f, 0] <= 9:
            need[fi[f, 0] - 7] = True
    return need


@njit(cache=True, inline="always")
def _store(has, w, tag2, tag1, pos, nw, nd, nt):
    """Write back only the targets of the rules (the other values did not change)."""
    if has[0]:
        w[pos] = nw
    if has[1]:
        tag2[pos] = nd
    if has[2]:
        tag1[pos] = nt


@njit(cache=True)
def all_stable(fixed, has, w, tag2, tag1, sign_mode):
    """True when every synapse is stable (see :func:`_stable`), i.e. skipping is exact."""
    wf, df, tf = w.ravel(), tag2.ravel(), tag1.ravel()
    for k in range(wf.size):
        if not _stable(fixed, has, wf[k], df[k], tf[k], sign_mode):
            return False
    return True
