"""LIF: leaky integrate-and-fire neurons with a current (``u``) and a voltage (``v``) state."""
from __future__ import annotations

import numbers

import numpy as np

from neuroproc._validation import as_shape, short_repr, who
from neuroproc.exceptions import ShapeError, ValidationError
from neuroproc.ports import InPort, OutPort
from neuroproc.process import AbstractProcess
from neuroproc.variable import Var

__all__ = ["LIF"]


class LIF(AbstractProcess):
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
        shape = as_shape(shape, f"{name or 'LIF'}::LIF.shape")
        super().__init__(shape=shape, u=u, v=v, du=du, dv=dv, bias_mant=bias_mant,
                         bias_exp=bias_exp, vth=vth, name=name, **kwargs)
        per_neuron = {k: _per_neuron(self, k, val, shape)
                      for k, val in (("u", u), ("v", v), ("bias_mant", bias_mant), ("bias_exp", bias_exp))}
        shared = {k: _shared_or_per_neuron(self, k, val, shape)
                  for k, val in (("du", du), ("dv", dv), ("vth", vth))}
        self.a_in = InPort(shape=shape)
        self.s_out = OutPort(shape=shape)
        self.u = Var(shape=shape, init=per_neuron["u"])
        self.v = Var(shape=shape, init=per_neuron["v"])
        self.du = Var(shape=shared["du"][1], init=shared["du"][0])
        self.dv = Var(shape=shared["dv"][1], init=shared["dv"][0])
        self.bias_mant = Var(shape=shape, init=per_neuron["bias_mant"])
        self.bias_exp = Var(shape=shape, init=per_neuron["bias_exp"])
        self.vth = Var(shape=shared["vth"][1], init=shared["vth"][0])

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of the population."""
        return self.proc_params["shape"]


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


def _per_neuron(owner, key: str, value, shape: tuple[int, ...]):
    arr = numeric(owner, key, value)
    if arr.ndim == 0 or arr.shape == shape or arr.shape == (1,):
        return value
    raise ShapeError(f"{who(owner, key)}: expected a scalar or one value per neuron, shape {shape} "
                     f"(got shape {arr.shape}). Pass a scalar or an array of shape {shape}.")


def _shared_or_per_neuron(owner, key: str, value, shape: tuple[int, ...]):
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
