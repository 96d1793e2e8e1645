"""Compiled-backend kernels of the plastic connections (see neuroproc.runtime.kernels).

One step kernel per storage and arithmetic (dense/sparse x float/bit-approximate) fuses what the
python model does in a time step: the Dense or Sparse accumulation (the very kernels of those
models), the trace bookkeeping and, when ``t % t_epoch == 0``, the learning phase -- the same
numba functions the python models call (:mod:`neuroproc.learning._engine` and its fast path
:mod:`neuroproc.learning._fast`), on the same arrays,
with the same random streams, so both backends agree bit for bit. Learning within the step is
equivalent to the separate ``lrn`` phase: it touches only the connection's own state, and what
the connection sends this step was computed before it (the early send).
"""
from __future__ import annotations

import numpy as np
from numba import njit

from neuroproc.learning import _engine as eng
from neuroproc.learning import _fast as fst
from neuroproc.proc.dense import _graded_kernels as gk
from neuroproc.proc.dense import _kernels as dk
from neuroproc.proc.sparse import _kernels as sk
from neuroproc.runtime.kernels import KernelSpec

__all__ = ["learning_spec"]

_ARRAYS = ("a_buff", "weights", "tag_2", "tag_1", "x1", "x2", "y1", "y2", "y3", "x0", "y0", "tx", "ty",
           "rng_state", "rng_values", "_xh", "_yh")
_IN = ("s_in", "s_in_bap", "s_in_y1", "s_in_y2", "s_in_y3")
# ip: binary, graded-spike cfg, t_epoch, three-factor, decimate exponent (-1: none), sign mode,
# event-driven learning allowed (every synapse stable at the start of the run; see _engine._stable)


@njit(cache=True)
def _traces(fixed, t, ip, s_in, bap, ys1, ys2, ys3, x1, x2, y1, y2, y3, y0, tx, ty, rng_state, rng_values, imps,
            imp_int, imp_frac):
    T = ip[2]
    tau = t % T
    if tau == 0:
        tau = T
    binary = ip[0] != 0
    if fixed:
        eng.pre_spikes_fixed(s_in, binary, ip[1], x1, x2, tx, tau, imp_int, imp_frac)
        eng.advance_traces(rng_state, rng_values)
        eng.post_spikes_fixed(bap, y0, y1, y2, y3, ty, tau, imp_int, imp_frac, np.int64(rng_values[eng.Y_IMP]))
    else:
        eng.pre_spikes_float(s_in, binary, ip[1], x1, x2, tx, tau, imps[0], imps[1])
        eng.post_spikes_float(bap, y0, y1, y2, y3, ty, tau, imps[2:])
    if ip[3] != 0:
        for j in range(y1.size):
            y1[j] = ys1[j]
            y2[j] = ys2[j]
            y3[j] = ys3[j]
    if fixed:
        eng.advance_traces(rng_state, rng_values)


@njit(cache=True)
def _epoch(fixed, t, ip, x1, x2, y1, y2, y3, x0, y0, tx, ty, xh, yh, rng_state, rng_values, pi, pf, fi, ff, plan,
           kinds, pref, tab, cross, decay, has_decay, imps, imp_int, imp_frac):
    """The first half of a learning phase and the fast path's tables: ``(skip, has, events)``."""
    u, skip, has = eng.begin_epoch(fixed, t, ip[3] != 0, ip[4], x1, x2, y1, y2, y3, x0, y0, tx, ty, decay,
                                   has_decay, imps, imp_int, imp_frac, xh, yh, pi, fi, rng_state, rng_values)
    fst.fill_tables(fixed, u, plan, kinds, pi, pf, fi, ff, x0, y0, tx, ty, xh, yh, pref, tab, cross)
    return skip, has, skip and ip[6] != 0


@njit(cache=True)
def _dense(fixed, t, a_buff, weights, tag2, tag1, x1, x2, y1, y2, y3, x0, y0, tx, ty, rng_state, rng_values, xh, yh,
           rows, col_ptr, post_ptr, post_pos, post_pre, idx, we, ip, pi, pf, fi, ff, plan, kinds, pref, tab, cross,
           decay, has_decay, imps, imp_int, imp_frac, s_in, bap, ys1, ys2, ys3):
    _traces(fixed, t, ip, s_in, bap, ys1, ys2, ys3, x1, x2, y1, y2, y3, y0, tx, ty, rng_state, rng_values, imps,
            imp_int, imp_frac)
    if t % ip[2] == 0:
        skip, has, events = _epoch(fixed, t, ip, x1, x2, y1, y2, y3, x0, y0, tx, ty, xh, yh, rng_state, rng_values,
                                   pi, pf, fi, ff, plan, kinds, pref, tab, cross, decay, has_decay, imps, imp_int,
                                   imp_frac)
        if events:
            fst.learn_dense_events_fast(has, weights, tag2, tag1, x0, y0, tx, ty, plan, kinds, fi, ff, pref, tab,
                                        cross, ip[5], rng_values[eng.SYN])
        else:
            fst.learn_dense_fast(fixed, skip, has, weights, tag2, tag1, x0, y0, tx, ty, plan, kinds, fi, ff, pref,
                                 tab, cross, ip[5], rng_values[eng.SYN])
        eng.end_epoch(x0, y0, tx, ty)


@njit(cache=True)
def _sparse(fixed, t, a_buff, weights, tag2, tag1, x1, x2, y1, y2, y3, x0, y0, tx, ty, rng_state, rng_values, xh, yh,
            rows, col_ptr, post_ptr, post_pos, post_pre, idx, we, ip, pi, pf, fi, ff, plan, kinds, pref, tab, cross,
            decay, has_decay, imps, imp_int, imp_frac, s_in, bap, ys1, ys2, ys3):
    _traces(fixed, t, ip, s_in, bap, ys1, ys2, ys3, x1, x2, y1, y2, y3, y0, tx, ty, rng_state, rng_values, imps,
            imp_int, imp_frac)
    if t % ip[2] == 0:
        skip, has, events = _epoch(fixed, t, ip, x1, x2, y1, y2, y3, x0, y0, tx, ty, xh, yh, rng_state, rng_values,
                                   pi, pf, fi, ff, plan, kinds, pref, tab, cross, decay, has_decay, imps, imp_int,
                                   imp_frac)
        if events:
            fst.learn_sparse_events_fast(has, weights, tag2, tag1, rows, col_ptr, post_ptr, post_pos, post_pre, x0,
                                         y0, tx, ty, plan, kinds, fi, ff, pref, tab, cross, ip[5],
                                         rng_values[eng.SYN])
        else:
            fst.learn_sparse_fast(fixed, skip, has, weights, tag2, tag1, rows, col_ptr, x0, y0, tx, ty, plan, kinds,
                                  fi, ff, pref, tab, cross, ip[5], rng_values[eng.SYN])
        eng.end_epoch(x0, y0, tx, ty)


@njit(cache=True)
def learning_early(t, a_buff, *rest):
    """Send last step's accumulation (the one-step synaptic delay); ``rest[-1]`` is ``a_out``."""
    a_out = rest[-1]
    for p in range(a_out.size):
        a_out[p] = a_buff[p]


@njit(cache=True)
def dense_float_step(t, a_buff, weights, tag2, tag1, x1, x2, y1, y2, y3, x0, y0, tx, ty, rng_state, rng_values, xh,
                     yh, rows, col_ptr, post_ptr, post_pos, post_pre, idx, we, ip, pi, pf, fi, ff, plan, kinds,
                     pref, tab, cross, decay, has_decay, imps, imp_int, imp_frac, s_in, bap, ys1, ys2, ys3):
    if ip[0] != 0:
        k = dk.active_inputs(s_in, idx)
        dk.float_binary_step(t, a_buff, weights.T, idx[:k])
    else:
        gk.graded_matvec_into(a_buff, weights, s_in.reshape(s_in.size))
    _dense(False, t, a_buff, weights, tag2, tag1, x1, x2, y1, y2, y3, x0, y0, tx, ty, rng_state, rng_values,
           xh, yh, rows, col_ptr, post_ptr, post_pos, post_pre, idx, we, ip, pi, pf, fi, ff, plan, kinds, pref, tab,
           cross, decay, has_decay, imps, imp_int, imp_frac, s_in, bap, ys1, ys2, ys3)


@njit(cache=True)
def dense_fixed_step(t, a_buff, weights, tag2, tag1, x1, x2, y1, y2, y3, x0, y0, tx, ty, rng_state, rng_values, xh,
                     yh, rows, col_ptr, post_ptr, post_pos, post_pre, idx, we, ip, pi, pf, fi, ff, plan, kinds,
                     pref, tab, cross, decay, has_decay, imps, imp_int, imp_frac, s_in, bap, ys1, ys2, ys3):
    if ip[0] != 0:
        k = dk.active_inputs(s_in, idx)
        dk.bitacc_binary_step(t, a_buff, weights.T, we, idx[:k])
    else:
        dk.bitacc_graded_step(t, a_buff, weights.T, we, s_in)
    _dense(True, t, a_buff, weights, tag2, tag1, x1, x2, y1, y2, y3, x0, y0, tx, ty, rng_state, rng_values,
           xh, yh, rows, col_ptr, post_ptr, post_pos, post_pre, idx, we, ip, pi, pf, fi, ff, plan, kinds, pref, tab,
           cross, decay, has_decay, imps, imp_int, imp_frac, s_in, bap, ys1, ys2, ys3)


@njit(cache=True)
def sparse_float_step(t, a_buff, weights, tag2, tag1, x1, x2, y1, y2, y3, x0, y0, tx, ty, rng_state, rng_values, xh,
                      yh, rows, col_ptr, post_ptr, post_pos, post_pre, idx, we, ip, pi, pf, fi, ff, plan, kinds,
                      pref, tab, cross, decay, has_decay, imps, imp_int, imp_frac, s_in, bap, ys1, ys2, ys3):
    if ip[0] != 0:
        k = dk.active_inputs(s_in, idx)
        sk.float_binary_step(t, a_buff, weights, rows, col_ptr, idx, we, idx[:k])
    else:
        sk.float_graded_step(t, a_buff, weights, rows, col_ptr, idx, we, s_in)
    _sparse(False, t, a_buff, weights, tag2, tag1, x1, x2, y1, y2, y3, x0, y0, tx, ty, rng_state, rng_values,
           xh, yh, rows, col_ptr, post_ptr, post_pos, post_pre, idx, we, ip, pi, pf, fi, ff, plan, kinds, pref, tab,
           cross, decay, has_decay, imps, imp_int, imp_frac, s_in, bap, ys1, ys2, ys3)


@njit(cache=True)
def sparse_fixed_step(t, a_buff, weights, tag2, tag1, x1, x2, y1, y2, y3, x0, y0, tx, ty, rng_state, rng_values, xh,
                      yh, rows, col_ptr, post_ptr, post_pos, post_pre, idx, we, ip, pi, pf, fi, ff, plan, kinds,
                      pref, tab, cross, decay, has_decay, imps, imp_int, imp_frac, s_in, bap, ys1, ys2, ys3):
    if ip[0] != 0:
        k = dk.active_inputs(s_in, idx)
        sk.bitacc_binary_step(t, a_buff, weights, rows, col_ptr, idx, we, idx[:k])
    else:
        sk.bitacc_graded_step(t, a_buff, weights, rows, col_ptr, idx, we, s_in)
    _sparse(True, t, a_buff, weights, tag2, tag1, x1, x2, y1, y2, y3, x0, y0, tx, ty, rng_state, rng_values,
           xh, yh, rows, col_ptr, post_ptr, post_pos, post_pre, idx, we, ip, pi, pf, fi, ff, plan, kinds, pref, tab,
           cross, decay, has_decay, imps, imp_int, imp_frac, s_in, bap, ys1, ys2, ys3)


def _post_index(m) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(post_ptr, post_pos, post_pre)``: each post neuron's synapses as CSC positions and pre
    neurons (made once per model; the structure never changes)."""
    if getattr(m, "_post_index", None) is None:
        rows = m.rows.astype(np.int64)
        cols = np.repeat(np.arange(m.col_ptr.size - 1), np.diff(m.col_ptr))
        order = np.lexsort((cols, rows))
        ptr = np.zeros(m.shape[0] + 1, np.int64)
        np.cumsum(np.bincount(rows, minlength=m.shape[0]), out=ptr[1:])
        m._post_index = (ptr, order.astype(np.int64), cols[order].astype(np.int32))
    return m._post_index


_STEPS = {(False, False): dense_float_step, (False, True): dense_fixed_step, (True, False): sparse_float_step,
          (True, True): sparse_fixed_step}


def learning_spec(model) -> KernelSpec | None:
    """The kernel of a LearningDense/LearningSparse model (float graded LearningDense adds ``W @ s``
    in the fixed order of :mod:`neuroproc.proc.dense._graded_kernels`, as its python model)."""
    sparse, fixed = bool(model.SPARSE), bool(model.FIXED)
    binary = int(np.asarray(model.num_message_bits).ravel()[0]) == 0
    n_in = model.proc_params["shape"][1]

    def params(m):
        m.sync_rule()  # a rule string set between runs (under the Lava layer) takes effect here
        decay, has, imps, imp_int, imp_frac = m.trace_params()
        pi = m.rule_tables[0]
        targets = np.zeros(3, np.bool_)
        targets[pi[:, 0]] = True
        # skipping synapses is exact while every value is stable; learning keeps them so, except
        # the bit-approximate tag_1, whose saturation value -257 is not (its next sum clips it)
        stable = eng.all_stable(fixed, targets, m.weights.ravel(order="K"), m.tag_2.ravel(order="K"),
                                m.tag_1.ravel(order="K"), m.learn_sign_mode)
        events = stable and not (fixed and targets[2])
        ip = np.array([int(binary), m._graded_spike_cfg, m._t_epoch, int(m._three_factor), m.k_dec,
                       m.learn_sign_mode, int(events)], np.int64)
        if sparse:
            big = m.weights.nbytes + m.rows.nbytes > sk.PREFETCH_ABOVE_BYTES
            rows, col_ptr = m.rows, m.col_ptr
            we = np.array([getattr(m, "weight_exp", 0), sk.LOOKAHEAD if big else 0], np.int64)
            post = _post_index(m)
        else:
            rows, col_ptr = np.zeros(1, np.uint16), np.zeros(1, np.int64)
            we = np.array([getattr(m, "weight_exp", 0)], np.int64)
            post = (np.zeros(1, np.int64), np.zeros(1, np.int64), np.zeros(1, np.int64))
        return (rows, col_ptr, *post, np.zeros(n_in, np.int64), we, ip, *m.rule_tables, *m.fast_tables, decay, has,
                imps, imp_int, imp_frac)

    def prepare(m):
        dk._prepare(m)
        if fixed:  # the dtype run_spk leaves in a_buff: int64 sums (binary), int32 (graded)
            want = np.int64 if binary else np.int32
            if m.a_buff.dtype != want:
                m.a_buff = m.a_buff.astype(want)

    return KernelSpec(step=_STEPS[(sparse, fixed)], early=learning_early, arrays=_ARRAYS, in_ports=_IN,
                      early_ports=("a_out",), params=params, prepare=prepare,
                      in_kinds=("" if binary else "iub" if fixed or sparse else "biuf", "", "", "", ""),
                      early_copies=() if fixed else (("a_out", "a_buff"),), label="learning")
