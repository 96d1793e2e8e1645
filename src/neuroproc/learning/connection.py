"""Plastic connection models: the learning half of ``LearningDense`` / ``LearningSparse``
(Lava's ``lava.magma.core.model.py.connection``).

:class:`PyLearningConnection` is a mixin for a connection model whose step (send, receive,
accumulate) comes from the Dense/Sparse models: it adds the trace bookkeeping of every step (the
``spikes_received`` hook of the Dense step) and the learning phase (``lrn_guard``/``run_lrn``,
when ``time_step % t_epoch == 0``). :class:`LearningConnectionModelFloat` and
:class:`LearningConnectionModelBitApproximate` fix the types and the arithmetic; both run the
numba functions of :mod:`neuroproc.learning._engine`, which the compiled kernels run too.

Float model: traces decay by ``exp(-1/tau)`` per step (traces with ``tau == 0`` are not
computed: NaN, as in Lava), impulses add as given, the update is
``w + sum_k scale_k * dep_k * prod(factors)`` in rule order, then weights saturate by sign mode
(``max(0, w)`` EXCITATORY, ``min(0, w)`` INHIBITORY, none for MIXED, the default), ``tag_2 >= 0``.

Bit-approximate model: 7-bit traces with stochastic rounding after the decay and after
fractional impulses; products in 16-bit integer arithmetic (factor widths: spikes 1, traces 7,
w/d/t 9, constants 8; ``>> (width + 4 - 15)``, ``<< s_exp``), accumulated from ``var << 7`` with
saturation at ``±(2**15 - 1)``; the result is rounded stochastically to 8 bits and saturated
(weights by sign mode to ``[-256, 255]``, ``tag_2`` to ``[0, 255]``, ``tag_1`` to
``[-257, 255]``). On its first step the initial weights are truncated to ``num_weight_bits``
(MIXED drops the LSB) but not clipped. Random numbers: x streams seeded ``rng_seed``,
``rng_seed + 1``; y streams ``rng_seed + 2``, ``rng_seed + 3``; the synaptic stream always seed
2 (Lava's models ignore the rule's seed there); x and y advance twice per step (after the pre
and after the post spikes), the synaptic stream once per learning phase.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from neuroproc._validation import who as who_of
from neuroproc.chips import ChipResources, ChipSpec
from neuroproc.compiler.linear_map import LinearMap
from neuroproc.learning import _engine as eng
from neuroproc.learning.constants import W_TRACE_FRACTIONAL_PART, GradedSpikeCfg
from neuroproc.learning.learning_rule import Loihi3FLearningRule
from neuroproc.learning.random import ConnVarRandom, TraceRandom, stream_state
from neuroproc.model import LavaPyType
from neuroproc.py_ports import PyInPort
from neuroproc.utils.fixed_point import SignMode, truncate_weights

__all__ = ["LearningConnectionModelBitApproximate", "LearningConnectionModelFloat", "PyLearningConnection"]

_TRACE_VARS = ("x1", "x2", "y1", "y2", "y3")

if TYPE_CHECKING:  # the mixin always sits before a Python connection model in the bases
    from neuroproc.model import PyLoihiProcessModel as _ConnectionBase
else:
    _ConnectionBase = object


class PyLearningConnection(_ConnectionBase):
    """Trace bookkeeping and the learning phase of a plastic connection model (a mixin placed
    before the Dense/Sparse model in the bases). Subclasses set ``FIXED``."""

    # declared (with their types) by the subclasses and the connection model the mixin joins
    weights: np.ndarray
    tag_1: np.ndarray
    tag_2: np.ndarray
    x0: np.ndarray
    y0: np.ndarray
    tx: np.ndarray
    ty: np.ndarray
    x1: np.ndarray
    x2: np.ndarray
    y1: np.ndarray
    y2: np.ndarray
    y3: np.ndarray
    s_in_bap: Any
    s_in_y1: Any
    s_in_y2: Any
    s_in_y3: Any
    rows: np.ndarray
    col_ptr: np.ndarray
    num_message_bits: np.ndarray
    num_weight_bits: Any

    FIXED = False
    #: storage of weights and tags: False for (n_out, n_in) matrices, True for CSC values
    SPARSE = False

    def __init__(self, proc_params=None) -> None:
        super().__init__(proc_params)
        p = self.proc_params
        rule = p["learning_rule"]
        self._learning_rule = rule
        self._t_epoch = rule.t_epoch
        self._graded_spike_cfg = int(p.get("graded_spike_cfg", GradedSpikeCfg.USE_REGULAR_IMPULSE))
        mode = p.get("sign_mode")
        # learning connections never detect a sign mode from the weights (Lava): MIXED by default
        self.learn_sign_mode = int(SignMode.MIXED if mode is None or int(mode) == 0 else mode)
        self._three_factor = isinstance(rule, Loihi3FLearningRule)
        self.rule_tables = eng.rule_tables(rule)
        self.k_dec = -1 if rule.decimate_exponent is None else int(rule.decimate_exponent)
        n_out, n_in = p["shape"]
        hdtype = np.int64 if self.FIXED else np.float64
        self._xh = np.zeros((self._t_epoch + 1, 2, n_in), hdtype)
        self._yh = np.zeros((self._t_epoch + 1, 3, n_out), hdtype)
        if self.FIXED:
            seed = rule.rng_seed
            self.rng_state, self.rng_values = stream_state(TraceRandom(seed, seed + 1), TraceRandom(seed + 2, seed + 3),
                                                           ConnVarRandom())
        else:
            self.rng_state, self.rng_values = np.zeros((5, 6), np.uint64), np.zeros(5, np.float64)

    @classmethod
    def chip_resources(cls, proc, chip: ChipSpec) -> ChipResources | None:
        """Deployment hook (:mod:`neuroproc.chips`): on the chip if it learns on chip, and, for a
        three-factor rule, supports a third factor; then the connection's own resources."""
        rule = proc.proc_params.get("learning_rule")
        if not chip.on_chip_learning or (isinstance(rule, Loihi3FLearningRule) and not chip.three_factor_learning):
            return None
        base = getattr(super(), "chip_resources", None)
        return None if base is None else base(proc, chip)

    @classmethod
    def linear_map(cls, proc) -> LinearMap:
        """The fold stage's hook: a plastic connection is never merged into a weight product."""
        return LinearMap("s_in", "a_out", refused=f"{who_of(proc)} learns: its weights change during the run")

    @classmethod
    def check_var_value(cls, name: str, value, who: str) -> None:
        if name in _TRACE_VARS:  # float traces of taus 0 are NaN after a learning phase, as in Lava
            return
        super().check_var_value(name, value, who)

    # -- parameters read from the Vars (settable between runs) ---------------------------------
    def trace_params(self) -> tuple[np.ndarray, ...]:
        """``(decay, has_decay, impulses, impulse_int, impulse_frac)`` of x1, x2, y1, y2, y3."""
        taus = np.array([float(np.asarray(getattr(self, f"{k}_tau")).ravel()[0]) for k in _TRACE_VARS])
        imps = np.array([float(np.asarray(getattr(self, f"{k}_impulse")).ravel()[0]) for k in _TRACE_VARS])
        # exp(-1/tau) of the non-zero taus. Lava calls np.exp; numpy's float64 exp is the C
        # library's on most CPUs but its own AVX-512 loop where the CPU has AVX-512, which differs
        # in the last bit for some taus (exp(-1/8)). math.exp is the C library's everywhere, so
        # the traces -- and every learned weight -- do not depend on the CPU.
        decay = np.array([math.exp(-1 / t) if t != 0 else 0.0 for t in taus])
        imp_int = np.floor(imps)
        imp_frac = np.round((imps - imp_int) * 2 ** W_TRACE_FRACTIONAL_PART)
        return decay, taus != 0, imps, imp_int.astype(np.int64), imp_frac.astype(np.int64)

    def within_epoch_time_step(self) -> int:
        tau = self.time_step % self._t_epoch
        return self._t_epoch if tau == 0 else tau

    # -- every step ------------------------------------------------------------------------------
    def spikes_received(self, s_in: np.ndarray) -> None:
        self.recv_traces(s_in)

    def recv_traces(self, s_in: np.ndarray) -> None:
        """Pre spikes, then (after the random streams advance) post spikes and, for a
        three-factor rule, the post traces the neuron sends."""
        decay, has, imps, imp_int, imp_frac = self.trace_params()
        tau = self.within_epoch_time_step()
        binary = int(np.asarray(self.num_message_bits).ravel()[0]) == 0
        cfg = self._graded_spike_cfg
        if self.FIXED:
            eng.pre_spikes_fixed(s_in, binary, cfg, self.x1, self.x2, self.tx, tau, imp_int, imp_frac)
            eng.advance_traces(self.rng_state, self.rng_values)
        else:
            eng.pre_spikes_float(s_in, binary, cfg, self.x1, self.x2, self.tx, tau, imps[0], imps[1])
        bap = self.s_in_bap.recv()
        if self._three_factor:
            ys = (self.s_in_y1.recv(), self.s_in_y2.recv(), self.s_in_y3.recv())
        if self.FIXED:
            eng.post_spikes_fixed(bap, self.y0, self.y1, self.y2, self.y3, self.ty, tau, imp_int, imp_frac,
                                  int(self.rng_values[eng.Y_IMP]))
        else:
            eng.post_spikes_float(bap, self.y0, self.y1, self.y2, self.y3, self.ty, tau, imps[2:])
        if self._three_factor:
            for name, value in zip(("y1", "y2", "y3"), ys):
                getattr(self, name)[...] = value  # cast as Lava's assignment into its trace array
        if self.FIXED:
            eng.advance_traces(self.rng_state, self.rng_values)

    # -- learning phase --------------------------------------------------------------------------
    def lrn_guard(self) -> bool:
        return self.time_step % self._t_epoch == 0

    def run_lrn(self) -> None:
        decay, has, imps, imp_int, imp_frac = self.trace_params()
        pi, pf, fi, ff = self.rule_tables
        u, skip, targets = eng.begin_epoch(self.FIXED, self.time_step, self._three_factor, self.k_dec, self.x1,
                                           self.x2, self.y1, self.y2, self.y3, self.x0, self.y0, self.tx, self.ty,
                                           decay, has, imps, imp_int, imp_frac, self._xh, self._yh, pi,
                                           fi, self.rng_state, self.rng_values)
        out = np.zeros(3, np.int64 if self.FIXED else np.float64)  # its dtype picks the arithmetic
        seen = np.zeros(3, np.int64)
        if self.SPARSE:
            eng.learn_sparse(self.FIXED, out, seen, self.time_step, u, skip, targets, self.weights, self.tag_2, self.tag_1,
                             self.rows, self.col_ptr, self.x0, self.y0, self.tx, self.ty, self._xh, self._yh, pi,
                             pf, fi, ff, self.learn_sign_mode, self.rng_values)
        else:
            eng.learn_dense(self.FIXED, out, seen, self.time_step, u, skip, targets, self.weights, self.tag_2, self.tag_1,
                            self.x0, self.y0, self.tx, self.ty, self._xh, self._yh, pi, pf, fi, ff,
                            self.learn_sign_mode, self.rng_values)
        eng.end_epoch(self.x0, self.y0, self.tx, self.ty)


class LearningConnectionModelFloat(PyLearningConnection):
    """Float learning (tag ``floating_pt``): float64 traces, tags and trace parameters."""

    s_in_bap: PyInPort = LavaPyType(PyInPort.VEC_DENSE, bool)
    s_in_y1: PyInPort = LavaPyType(PyInPort.VEC_DENSE, float)
    s_in_y2: PyInPort = LavaPyType(PyInPort.VEC_DENSE, float)
    s_in_y3: PyInPort = LavaPyType(PyInPort.VEC_DENSE, float)
    x0: np.ndarray = LavaPyType(np.ndarray, bool)
    tx: np.ndarray = LavaPyType(np.ndarray, np.int64, precision=6)
    x1: np.ndarray = LavaPyType(np.ndarray, float)
    x2: np.ndarray = LavaPyType(np.ndarray, float)
    y0: np.ndarray = LavaPyType(np.ndarray, bool)
    ty: np.ndarray = LavaPyType(np.ndarray, np.int64, precision=6)
    y1: np.ndarray = LavaPyType(np.ndarray, float)
    y2: np.ndarray = LavaPyType(np.ndarray, float)
    y3: np.ndarray = LavaPyType(np.ndarray, float)
    tag_1: np.ndarray = LavaPyType(np.ndarray, float)
    tag_2: np.ndarray = LavaPyType(np.ndarray, float)
    x1_tau: np.ndarray = LavaPyType(np.ndarray, float)
    x1_impulse: np.ndarray = LavaPyType(np.ndarray, float)
    x2_tau: np.ndarray = LavaPyType(np.ndarray, float)
    x2_impulse: np.ndarray = LavaPyType(np.ndarray, float)
    y1_tau: np.ndarray = LavaPyType(np.ndarray, float)
    y1_impulse: np.ndarray = LavaPyType(np.ndarray, float)
    y2_tau: np.ndarray = LavaPyType(np.ndarray, float)
    y2_impulse: np.ndarray = LavaPyType(np.ndarray, float)
    y3_tau: np.ndarray = LavaPyType(np.ndarray, float)
    y3_impulse: np.ndarray = LavaPyType(np.ndarray, float)


class LearningConnectionModelBitApproximate(PyLearningConnection):
    """Bit-approximate learning (tags ``bit_approximate_loihi``, ``fixed_pt``): int64 traces (7
    bits used), tags (8 bits + sign), spike times (6 bits); trace parameters as float (their
    fractional impulses matter)."""

    FIXED = True

    s_in_bap: PyInPort = LavaPyType(PyInPort.VEC_DENSE, bool, precision=1)
    s_in_y1: PyInPort = LavaPyType(PyInPort.VEC_DENSE, np.int32, precision=7)
    s_in_y2: PyInPort = LavaPyType(PyInPort.VEC_DENSE, np.int32, precision=7)
    s_in_y3: PyInPort = LavaPyType(PyInPort.VEC_DENSE, np.int32, precision=7)
    x0: np.ndarray = LavaPyType(np.ndarray, bool)
    tx: np.ndarray = LavaPyType(np.ndarray, np.int64, precision=6)
    x1: np.ndarray = LavaPyType(np.ndarray, np.int64, precision=7)
    x2: np.ndarray = LavaPyType(np.ndarray, np.int64, precision=7)
    y0: np.ndarray = LavaPyType(np.ndarray, bool)
    ty: np.ndarray = LavaPyType(np.ndarray, np.int64, precision=6)
    y1: np.ndarray = LavaPyType(np.ndarray, np.int64, precision=7)
    y2: np.ndarray = LavaPyType(np.ndarray, np.int64, precision=7)
    y3: np.ndarray = LavaPyType(np.ndarray, np.int64, precision=7)
    tag_1: np.ndarray = LavaPyType(np.ndarray, np.int64, precision=8)
    tag_2: np.ndarray = LavaPyType(np.ndarray, np.int64, precision=6)
    x1_tau: np.ndarray = LavaPyType(np.ndarray, float)
    x1_impulse: np.ndarray = LavaPyType(np.ndarray, float)
    x2_tau: np.ndarray = LavaPyType(np.ndarray, float)
    x2_impulse: np.ndarray = LavaPyType(np.ndarray, float)
    y1_tau: np.ndarray = LavaPyType(np.ndarray, float)
    y1_impulse: np.ndarray = LavaPyType(np.ndarray, float)
    y2_tau: np.ndarray = LavaPyType(np.ndarray, float)
    y2_impulse: np.ndarray = LavaPyType(np.ndarray, float)
    y3_tau: np.ndarray = LavaPyType(np.ndarray, float)
    y3_impulse: np.ndarray = LavaPyType(np.ndarray, float)

    def convert_weights(self) -> np.ndarray:
        """Truncate only (no clip, no sign detection): Lava's learning connections."""
        return truncate_weights(self.weights, SignMode(self.learn_sign_mode), self.num_weight_bits)
