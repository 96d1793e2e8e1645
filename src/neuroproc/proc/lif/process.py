"""LIF: leaky integrate-and-fire neurons with a current (``u``) and a voltage (``v``) state."""
from __future__ import annotations

import numbers

import numpy as np

from neuroproc._validation import as_shape, short_repr, who
from neuroproc.exceptions import ShapeError, ValidationError
from neuroproc.ports import InPort, OutPort
from neuroproc.process import AbstractProcess
from neuroproc.variable import Var

__all__ = ["AbstractLIF", "LIF", "LIFRefractory", "LIFReset", "TernaryLIF", "per_neuron", "shared_or_per_neuron"]


class AbstractLIF(AbstractProcess):
    """State and ports shared by every leaky integrator (Lava's ``AbstractLIF``).

    Vars ``u``, ``v``, ``bias_mant``, ``bias_exp`` (neuron shape), ``du``, ``dv`` (shape ``(1,)``
    for a shared value, or the neuron shape); ports ``a_in`` and ``s_out``. Subclasses add their
    thresholds (``vth``, or ``vth_hi``/``vth_lo``) and anything else they need.
    """

    def __init__(self, shape, *, u=0, v=0, du=0, dv=0, bias_mant=0, bias_exp=0,
                 name: str | None = None, **kwargs):
        shape = as_shape(shape, f"{name or type(self).__name__}::{type(self).__name__}.shape")
        super().__init__(shape=shape, u=u, v=v, du=du, dv=dv, bias_mant=bias_mant,
                         bias_exp=bias_exp, name=name, **kwargs)
        values = {k: per_neuron(self, k, val, shape)
                      for k, val in (("u", u), ("v", v), ("bias_mant", bias_mant), ("bias_exp", bias_exp))}
        shared = {k: shared_or_per_neuron(self, k, val, shape) for k, val in (("du", du), ("dv", dv))}
        self.a_in = InPort(shape=shape)
        self.s_out = OutPort(shape=shape)
        self.u = Var(shape=shape, init=values["u"])
        self.v = Var(shape=shape, init=values["v"])
        self.du = Var(shape=shared["du"][1], init=shared["du"][0])
        self.dv = Var(shape=shared["dv"][1], init=shared["dv"][0])
        self.bias_mant = Var(shape=shape, init=values["bias_mant"])
        self.bias_exp = Var(shape=shape, init=values["bias_exp"])

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of the population."""
        return self.proc_params["shape"]

    def shared_var(self, key: str, value) -> Var:
        """A parameter Var of shape ``(1,)`` (shared, as in Lava) or of the neuron shape."""
        init, shape = shared_or_per_neuron(self, key, value, self.shape)
        return Var(shape=shape, init=init)


class LIF(AbstractLIF):
    r"""Leaky integrate-and-fire neurons (Lava's ``lava.proc.lif.process.LIF``).

    Each time step ``t``, with ``a`` the sum of everything that arrives on ``a_in``:

    .. math::

        u[t] &= u[t-1] (1 - du) + a[t] \\
        v[t] &= v[t-1] (1 - dv) + u[t] + \mathrm{bias\_mant} \cdot 2^{\mathrm{bias\_exp}} \\
        s[t] &= v[t] > vth, \qquad v[t] \leftarrow 0 \text{ where } s[t]

    The current ``u`` is never reset; there is no refractory period. The float model
    (``PyLifModelFloat``) ignores ``bias_exp``; the bit-accurate model (``PyLifModelBitAcc``)
    works on Loihi's integers (12-bit decays, 24-bit ``u`` and ``v``, ``a`` and ``vth`` shifted
    left by 6); see :mod:`neuroproc.proc.lif.models` for its exact arithmetic.

    Parameters
    ----------
    shape : int or tuple of int
        Shape of the population.
    u, v : float or array_like
        Initial current and voltage (a scalar, or one value per neuron).
    du, dv : float or array_like
        Decay of current and voltage: a fraction in [0, 1] for the float model, an integer in
        [0, 4095] (fraction of 4096) for the bit-accurate one. Scalar or one per neuron.
    bias_mant, bias_exp : float or array_like
        Bias mantissa and exponent (scalar or one per neuron). ``bias_exp`` may be negative
        (an arithmetic right shift in the bit-accurate model).
    vth : float or array_like
        Threshold (scalar or one per neuron). The bit-accurate model compares ``v`` with
        ``vth * 64``, computed once on the first step.
    name : str, optional
        Name of the Process.

    Notes
    -----
    Vars: ``u``, ``v``, ``bias_mant``, ``bias_exp`` (neuron shape); ``du``, ``dv``, ``vth``
    (shape ``(1,)`` for a shared value, as in Lava, or the neuron shape when given per neuron).
    Ports: ``a_in`` (InPort), ``s_out`` (OutPort), both of the neuron shape.
    """

    def __init__(self, shape, *, u=0, v=0, du=0, dv=0, bias_mant=0, bias_exp=0, vth=10,
                 name: str | None = None, **kwargs):
        super().__init__(shape, u=u, v=v, du=du, dv=dv, bias_mant=bias_mant, bias_exp=bias_exp,
                         vth=vth, name=name, **kwargs)
        self.vth = self.shared_var("vth", vth)


class TernaryLIF(AbstractLIF):
    r"""LIF neurons with ternary output (Lava's ``TernaryLIF``): +1 above ``vth_hi``, -1 below
    ``vth_lo``, 0 in between.

    .. math::

        s[t] = [v[t] > vth\_hi] - [v[t] < vth\_lo], \qquad v[t] \leftarrow 0 \text{ where } s[t] \ne 0

    ``u`` and ``v`` follow :class:`LIF`. The bit-accurate model compares with ``vth_hi << 6``
    and ``vth_lo << 6``.

    Parameters
    ----------
    shape : int or tuple of int
        Shape of the population.
    u, v, du, dv, bias_mant, bias_exp
        As for :class:`LIF`.
    vth_hi, vth_lo : float or array_like
        Upper and lower thresholds (scalar or one per neuron); ``vth_lo`` must not exceed
        ``vth_hi``.
    name : str, optional
        Name of the Process.

    Notes
    -----
    Vars: those of :class:`AbstractLIF` and ``vth_hi``, ``vth_lo``. Ports: ``a_in``, ``s_out``.
    """

    def __init__(self, shape, *, u=0, v=0, du=0, dv=0, bias_mant=0, bias_exp=0, vth_hi=10,
                 vth_lo=-10, name: str | None = None, **kwargs):
        super().__init__(shape, u=u, v=v, du=du, dv=dv, bias_mant=bias_mant, bias_exp=bias_exp,
                         name=name, **kwargs)
        self.vth_hi = self.shared_var("vth_hi", vth_hi)
        self.vth_lo = self.shared_var("vth_lo", vth_lo)
        if np.any(np.asarray(vth_lo) > np.asarray(vth_hi)):
            raise ValidationError(
                f"{who(self, 'vth_lo')}: the lower threshold must not exceed the upper one (got "
                f"vth_lo={short_repr(vth_lo)}, vth_hi={short_repr(vth_hi)}). Swap them.")


class LIFReset(LIF):
    """LIF neurons whose ``u`` and ``v`` are cleared at regular steps (Lava's ``LIFReset``).

    At the start of every step ``t`` with ``t % reset_interval == reset_offset % reset_interval``
    both ``u`` and ``v`` are set to 0; then the step runs as for :class:`LIF`, with this step's
    input.

    Parameters
    ----------
    shape : int or tuple of int
        Shape of the population.
    u, v, du, dv, bias_mant, bias_exp, vth
        As for :class:`LIF`.
    reset_interval : int
        Steps between resets (>= 1; 1 resets every step).
    reset_offset : int
        Phase of the reset (>= 0; taken modulo ``reset_interval``).
    name : str, optional
        Name of the Process.

    Notes
    -----
    Vars and ports: those of :class:`LIF`. ``reset_interval`` and ``reset_offset`` are process
    parameters (``proc_params``), as in Lava.
    """

    def __init__(self, shape, *, u=0, v=0, du=0, dv=0, bias_mant=0, bias_exp=0, vth=10,
                 reset_interval: int = 1, reset_offset: int = 0, name: str | None = None, **kwargs):
        label = f"{name or 'LIFReset'}::LIFReset"
        if not _is_int(reset_interval) or reset_interval < 1:
            raise ValidationError(f"{label}.reset_interval must be an int >= 1 (got "
                                  f"{short_repr(reset_interval)}). Pass the steps between resets.")
        if not _is_int(reset_offset) or reset_offset < 0:
            raise ValidationError(f"{label}.reset_offset must be an int >= 0 (got "
                                  f"{short_repr(reset_offset)}). Pass the phase of the reset.")
        super().__init__(shape, u=u, v=v, du=du, dv=dv, bias_mant=bias_mant, bias_exp=bias_exp,
                         vth=vth, reset_interval=int(reset_interval), reset_offset=int(reset_offset),
                         name=name, **kwargs)


class LIFRefractory(LIF):
    """LIF neurons with a refractory period (Lava's ``LIFRefractory``).

    ``u`` always integrates. ``v`` integrates only in neurons whose ``refractory_period_end`` is
    before the current step; the threshold test ``v > vth`` runs on every neuron. A neuron that
    spikes at step ``t`` gets ``v = 0`` and ``refractory_period_end = t + refractory_period``, so
    its ``v`` stays frozen during steps ``t + 1 ... t + refractory_period``. As in Lava, a frozen
    ``v`` is still compared with ``vth``: with ``vth < 0`` a neuron spikes on every refractory
    step and keeps extending its window.

    Parameters
    ----------
    shape : int or tuple of int
        Shape of the population.
    u, v, du, dv, bias_mant, bias_exp, vth
        As for :class:`LIF`.
    refractory_period : int
        Steps during which ``v`` stays frozen after a spike (>= 1).
    name : str, optional
        Name of the Process.

    Notes
    -----
    Vars: those of :class:`LIF` and ``refractory_period_end`` (neuron shape, int, initially 0).
    Lava 0.10 has a float model only.
    """

    def __init__(self, shape, *, u=0, v=0, du=0, dv=0, bias_mant=0, bias_exp=0, vth=10,
                 refractory_period: int = 1, name: str | None = None, **kwargs):
        if not _is_int(refractory_period) or refractory_period < 1:
            raise ValidationError(f"{name or 'LIFRefractory'}::LIFRefractory.refractory_period must be "
                                  f"an int >= 1 (got {short_repr(refractory_period)}).")
        super().__init__(shape, u=u, v=v, du=du, dv=dv, bias_mant=bias_mant, bias_exp=bias_exp,
                         vth=vth, refractory_period=int(refractory_period), name=name, **kwargs)
        self.refractory_period_end = Var(shape=self.shape, init=0)


def _is_int(x) -> bool:
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


def numeric(owner, key: str, value) -> np.ndarray:
    """``value`` as a numeric array with finite entries, or a ValidationError naming ``key``."""
    if isinstance(value, (bool, np.bool_)) or (
            isinstance(value, np.ndarray) and value.dtype.kind == "b"):
        raise ValidationError(f"{who(owner, key)}: expected numbers (got {short_repr(value)}). "
                              "Pass ints or floats.")
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged lists and the like
        raise ValidationError(f"{who(owner, key)}: expected a number or an array of numbers "
                              f"(got {short_repr(value)}). Pass ints or floats.") from exc
    if arr.dtype.kind not in "iuf":
        raise ValidationError(f"{who(owner, key)}: expected a number or an array of numbers "
                              f"(got {short_repr(value)}). Pass ints or floats.")
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise ValidationError(f"{who(owner, key)}: values must be finite (got NaN or inf in "
                              f"{short_repr(value)}). Pass finite numbers.")
    return arr


def per_neuron(owner, key: str, value, shape: tuple[int, ...]):
    """``value`` if it is a scalar or one number per neuron, else a ShapeError naming ``key``."""
    arr = numeric(owner, key, value)
    if arr.ndim == 0 or arr.shape == shape or arr.shape == (1,):
        return value
    raise ShapeError(f"{who(owner, key)}: expected a scalar or one value per neuron, shape {shape} "
                     f"(got shape {arr.shape}). Pass a scalar or an array of shape {shape}.")


def shared_or_per_neuron(owner, key: str, value, shape: tuple[int, ...]):
    """(init, Var shape): ``(1,)`` for a shared value, as in Lava; the neuron shape otherwise."""
    arr = numeric(owner, key, value)
    # Models with a scalar type use this object as is, so sequences become arrays here.
    init = arr if isinstance(value, (list, tuple)) else value
    if arr.ndim == 0 or arr.shape == (1,):
        return init, (1,)
    if arr.shape == shape:
        return init, shape
    raise ShapeError(f"{who(owner, key)}: expected a scalar or one value per neuron, shape {shape} "
                     f"(got shape {arr.shape}). Pass a scalar or an array of shape {shape}.")


def is_integral(value) -> bool:
    """True when every entry of ``value`` is a whole number (ints, or floats like 3.0)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return True
    arr = np.asarray(value)
    if arr.dtype.kind in "iu":
        return True
    if arr.dtype.kind != "f":
        return False
    return bool(np.all(np.isfinite(arr)) and np.all(arr == np.trunc(arr)))


from neuroproc.proc.lif.learning_process import LearningLIF  # noqa: E402  (built on LIF)

__all__ = sorted([*__all__, "LearningLIF"])
