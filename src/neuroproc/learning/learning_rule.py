"""Learning rules: rule strings plus trace parameters (Lava's ``learning_rule``).

A :class:`LoihiLearningRule` holds up to three rules -- ``dw`` (weights), ``dd`` (``tag_2``,
the "delay") and ``dt`` (``tag_1``, the "tag") -- parsed into
:class:`~neuroproc.learning.product_series.ProductSeries`, the impulse and decay time constant
of each trace (``x1``, ``x2`` pre-synaptic; ``y1``, ``y2``, ``y3`` post-synaptic; a ``tau`` of 0
means the trace does not decay -- it is never computed), the epoch length ``t_epoch`` (the rules
are applied every ``t_epoch`` steps) and the seed of the bit-approximate model's random numbers.

:class:`Loihi2FLearningRule` is the two-factor rule: the connection computes the post traces
from the spikes on ``s_in_bap``. :class:`Loihi3FLearningRule` takes ``y1..y3`` from the
post-synaptic neuron (ports ``s_in_y1..y3``) and fixes their impulses to 0 and taus to 65535.
"""
from __future__ import annotations

import numbers

import numpy as np

from neuroproc._validation import short_repr
from neuroproc.exceptions import ValidationError
from neuroproc.learning import string_symbols as sym
from neuroproc.learning.product_series import ProductSeries
from neuroproc.learning.symbolic_equation import SymbolicEquation

__all__ = ["Loihi2FLearningRule", "Loihi3FLearningRule", "LoihiLearningRule"]

_TRACE_PARAMS = ("x1_impulse", "x1_tau", "x2_impulse", "x2_tau", "y1_impulse", "y1_tau", "y2_impulse",
                 "y2_tau", "y3_impulse", "y3_tau")


def _number(cls_name: str, key: str, value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.number)) or not np.isfinite(value):
        raise ValidationError(f"{cls_name}.{key}: expected a finite number (got {short_repr(value)}). "
                              f"Pass a {what}.")
    if value < 0:
        raise ValidationError(f"{cls_name}.{key}: must not be negative (got {value}). Pass a {what} >= 0.")
    return value


class LoihiLearningRule:
    """Rule strings and trace parameters of a plastic connection.

    Parameters
    ----------
    dw, dd, dt : str, optional
        Right-hand sides for the weights, ``tag_2`` and ``tag_1``; at least one is needed.
    x1_impulse, x1_tau, x2_impulse, x2_tau, y1_impulse, y1_tau, y2_impulse, y2_tau, y3_impulse, y3_tau : float
        Impulse added to a trace on a spike, and its decay time constant (``exp(-1/tau)`` per
        step; 0 = not computed).
    t_epoch : int
        Epoch length: the rules are applied when ``time_step % t_epoch == 0``.
    rng_seed : int, optional
        Seed of the bit-approximate model's random numbers; drawn at random when None.
    """

    def __init__(self, dw: str | None = None, dd: str | None = None, dt: str | None = None,
                 x1_impulse: float = 0.0, x1_tau: float = 0.0, x2_impulse: float = 0.0, x2_tau: float = 0.0,
                 y1_impulse: float = 0.0, y1_tau: float = 0.0, y2_impulse: float = 0.0, y2_tau: float = 0.0,
                 y3_impulse: float = 0.0, y3_tau: float = 0.0, t_epoch: int = 1,
                 rng_seed: int | None = None) -> None:
        self._dw_str, self._dd_str, self._dt_str = dw, dd, dt
        values = dict(zip(_TRACE_PARAMS, (x1_impulse, x1_tau, x2_impulse, x2_tau, y1_impulse, y1_tau,
                                          y2_impulse, y2_tau, y3_impulse, y3_tau)))
        for key, value in values.items():
            setattr(self, key, value)
        self.t_epoch = t_epoch
        if rng_seed is None:
            rng_seed = int(np.random.randint(1, np.iinfo(np.int32).max))
        elif isinstance(rng_seed, bool) or not isinstance(rng_seed, (numbers.Integral, np.integer)) or rng_seed < 0:
            raise ValidationError(f"{type(self).__name__}.rng_seed: expected an int >= 0 or None "
                                  f"(got {short_repr(rng_seed)}). Pass e.g. rng_seed=0.")
        self._rng_seed = int(rng_seed)
        self._create_product_series()

    # -- rules ---------------------------------------------------------------------------------
    def _create_product_series(self) -> None:
        rules = {sym.DW: self._dw_str, sym.DD: self._dd_str, sym.DT: self._dt_str}
        active = {k: v for k, v in rules.items() if v is not None}
        if not active:
            raise ValidationError(f"{type(self).__name__}: no learning rule was given (got dw=None, dd=None, "
                                  "dt=None). Pass at least one of dw, dd, dt, e.g. dw='x0 * y1 - y0 * x1'.")
        series = {k: ProductSeries(SymbolicEquation(k, v)) for k, v in active.items()}
        exps = {k: s.decimate_exponent for k, s in series.items() if s.decimate_exponent is not None}
        if len(set(exps.values())) > 1:
            raise ValidationError(f"{type(self).__name__}: the rules use u<k> with different k (got "
                                  f"{ {k: f'u{e}' for k, e in exps.items()} }). Use the same k in dw, dd and dt.")
        self._decimate_exponent = next(iter(exps.values()), None)
        self._active_product_series = series
        self._dw = series.get(sym.DW)
        self._dd = series.get(sym.DD)
        self._dt = series.get(sym.DT)
        per_dep: dict[str, set[str]] = {}
        for s in series.values():
            for dep, traces in s.active_traces_per_dependency.items():
                per_dep.setdefault(dep, set()).update(traces)
        self._active_traces_per_dependency = per_dep
        self._active_traces = set().union(*per_dep.values()) if per_dep else set()

    @property
    def dw_str(self) -> str | None:
        return self._dw_str

    @dw_str.setter
    def dw_str(self, value: str | None) -> None:
        self._dw_str = value
        self._create_product_series()

    @property
    def dd_str(self) -> str | None:
        return self._dd_str

    @dd_str.setter
    def dd_str(self, value: str | None) -> None:
        self._dd_str = value
        self._create_product_series()

    @property
    def dt_str(self) -> str | None:
        return self._dt_str

    @dt_str.setter
    def dt_str(self, value: str | None) -> None:
        self._dt_str = value
        self._create_product_series()

    @property
    def dw(self) -> ProductSeries | None:
        return self._dw

    @property
    def dd(self) -> ProductSeries | None:
        return self._dd

    @property
    def dt(self) -> ProductSeries | None:
        return self._dt

    @property
    def decimate_exponent(self) -> int | None:
        """The k of the ``u<k>`` dependency the rules use (None when they use none)."""
        return self._decimate_exponent

    @property
    def active_product_series(self) -> dict[str, ProductSeries]:
        """The parsed rules by target (``'dw'``, ``'dd'``, ``'dt'``), in that order."""
        return self._active_product_series

    @property
    def active_traces_per_dependency(self) -> dict[str, set[str]]:
        return self._active_traces_per_dependency

    @property
    def active_traces(self) -> set[str]:
        return self._active_traces

    # -- parameters ----------------------------------------------------------------------------
    @property
    def t_epoch(self) -> int:
        return self._t_epoch

    @t_epoch.setter
    def t_epoch(self, value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, (numbers.Integral, np.integer)) or value < 1:
            raise ValidationError(f"{type(self).__name__}.t_epoch: expected an int >= 1 (got "
                                  f"{short_repr(value)}). Pass the epoch length in time steps, e.g. t_epoch=1.")
        self._t_epoch = int(value)

    @property
    def rng_seed(self) -> int:
        return self._rng_seed

    @rng_seed.setter
    def rng_seed(self, value: int) -> None:
        self._rng_seed = int(value)

    def __repr__(self) -> str:
        rules = ", ".join(f"{k}={v!r}" for k, v in (("dw", self._dw_str), ("dd", self._dd_str),
                                                     ("dt", self._dt_str)) if v is not None)
        return f"{type(self).__name__}({rules}, t_epoch={self._t_epoch})"


def _trace_property(key: str) -> property:
    what = "time constant" if key.endswith("tau") else "impulse"

    def getter(self):
        return getattr(self, "_" + key)

    def setter(self, value):
        setattr(self, "_" + key, _number(type(self).__name__, key, value, what))

    return property(getter, setter, doc=f"The trace {what} ``{key}``.")


for _key in _TRACE_PARAMS:
    setattr(LoihiLearningRule, _key, _trace_property(_key))


class Loihi2FLearningRule(LoihiLearningRule):
    """Two-factor rule: post traces come from the back-propagated spikes on ``s_in_bap``."""


class Loihi3FLearningRule(LoihiLearningRule):
    """Three-factor rule: ``y1..y3`` come from the post-synaptic neuron (``s_in_y1..y3``).

    The connection's own y impulses are 0 and their taus 65535 (so the values it uses decay
    by ``exp(-1/65535)`` per step within an epoch), as in Lava.
    """

    def __init__(self, dw: str | None = None, dd: str | None = None, dt: str | None = None,
                 x1_impulse: float = 0.0, x1_tau: float = 0.0, x2_impulse: float = 0.0, x2_tau: float = 0.0,
                 t_epoch: int = 1, rng_seed: int | None = None) -> None:
        top = int(np.iinfo(np.uint16).max)
        super().__init__(dw=dw, dd=dd, dt=dt, x1_impulse=x1_impulse, x1_tau=x1_tau, x2_impulse=x2_impulse,
                         x2_tau=x2_tau, y1_impulse=0, y1_tau=top, y2_impulse=0, y2_tau=top, y3_impulse=0,
                         y3_tau=top, t_epoch=t_epoch, rng_seed=rng_seed)
