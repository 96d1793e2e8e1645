"""The ports and Vars every plastic connection Process adds (Lava's ``LearningConnectionProcess``)."""
from __future__ import annotations

import numbers

import numpy as np

from neuroproc._validation import short_repr, who
from neuroproc.exceptions import ValidationError
from neuroproc.learning.constants import GradedSpikeCfg
from neuroproc.learning.learning_rule import LoihiLearningRule
from neuroproc.ports import InPort
from neuroproc.process import AbstractProcess
from neuroproc.variable import Var

__all__ = ["LearningConnectionProcess"]

_TRACE_PARAMS = ("x1_tau", "x1_impulse", "x2_tau", "x2_impulse", "y1_tau", "y1_impulse", "y2_tau",
                 "y2_impulse", "y3_tau", "y3_impulse")


class LearningConnectionProcess(AbstractProcess):
    """Base of ``LearningDense`` and ``LearningSparse``: call :meth:`init_learning` after the
    connection's own ``__init__``.

    Ports: ``s_in_bap`` (post spikes), ``s_in_y1..y3`` (post traces of a three-factor rule),
    all ``(n_out,)``. Vars: ``x0``, ``tx``, ``x1``, ``x2`` ``(n_in,)``; ``y0``, ``ty``, ``y1``,
    ``y2``, ``y3`` ``(n_out,)``; ``tag_1``, ``tag_2`` (the weights' shape); the trace taus and
    impulses ``(1,)`` (settable between runs). Under ``neuroproc.compat.lava`` also Lava's ``dw``,
    ``dd``, ``dt``: the rule strings (shape ``(256,)`` as Lava declares them; ``get`` gives the
    string), settable between runs to change the rule.
    """

    def init_learning(self, n_out: int, n_in: int, learning_rule, graded_spike_cfg, syn_shape: tuple,
                      tag_1, tag_2) -> None:
        if not isinstance(learning_rule, LoihiLearningRule):
            raise ValidationError(f"{who(self, 'learning_rule')}: expected a LoihiLearningRule (got "
                                  f"{short_repr(learning_rule)}). Pass e.g. STDPLoihi(...) or "
                                  "Loihi2FLearningRule(dw='x0 * y1 - y0 * x1', ...).")
        if isinstance(graded_spike_cfg, bool) or not isinstance(graded_spike_cfg, numbers.Integral) \
                or int(graded_spike_cfg) not in GradedSpikeCfg._value2member_map_:
            raise ValidationError(f"{who(self, 'graded_spike_cfg')}: expected a GradedSpikeCfg (got "
                                  f"{short_repr(graded_spike_cfg)}). Use e.g. GradedSpikeCfg.OVERWRITE.")
        cfg = GradedSpikeCfg(int(graded_spike_cfg))
        self.proc_params.overwrite("graded_spike_cfg", cfg)
        self.s_in_bap = InPort(shape=(n_out,))
        self.s_in_y1 = InPort(shape=(n_out,))
        self.s_in_y2 = InPort(shape=(n_out,))
        self.s_in_y3 = InPort(shape=(n_out,))
        self.x0 = Var(shape=(n_in,), init=False)
        self.tx = Var(shape=(n_in,), init=0)
        self.x1 = Var(shape=(n_in,), init=0)
        self.x2 = Var(shape=(n_in,), init=0)
        self.y0 = Var(shape=(n_out,), init=False)
        self.ty = Var(shape=(n_out,), init=0)
        self.y1 = Var(shape=(n_out,), init=0)
        self.y2 = Var(shape=(n_out,), init=0)
        self.y3 = Var(shape=(n_out,), init=0)
        self.tag_1 = Var(shape=syn_shape, init=tag_1)
        self.tag_2 = Var(shape=syn_shape, init=tag_2)
        from neuroproc.compat.lava._behaviour import active
        if active():  # Lava's connections carry their rule strings as Vars, settable between runs
            self.dw = Var(shape=(256,), init=learning_rule.dw_str)
            self.dd = Var(shape=(256,), init=learning_rule.dd_str)
            self.dt = Var(shape=(256,), init=learning_rule.dt_str)
        for key in _TRACE_PARAMS:
            value = getattr(learning_rule, key)
            if key == "x1_impulse" and cfg is not GradedSpikeCfg.USE_REGULAR_IMPULSE:
                value = 0.0  # the payload replaces the impulse (Lava sets it to 0 on the rule)
            setattr(self, key, Var(shape=(1,), init=float(value)))

    @property
    def learning_rule(self) -> LoihiLearningRule:
        return self.proc_params["learning_rule"]


def tag_init(owner, key: str, value, shape: tuple) -> np.ndarray | float:
    """A tag's initial value: 0 when None, else a finite array of ``shape``."""
    if value is None:
        return 0.0
    arr = np.asarray(value.toarray() if hasattr(value, "toarray") else value)
    if arr.shape != tuple(shape) or arr.dtype.kind not in "iuf" or not np.all(np.isfinite(arr)):
        raise ValidationError(f"{who(owner, key)}: expected finite numbers of shape {tuple(shape)} (got "
                              f"{short_repr(value)}). Pass an array shaped like the weights, or None for 0.")
    return arr
