"""RF: resonate-and-fire neurons, a damped complex oscillator per neuron (Lava's ``RF``)."""
from __future__ import annotations

import numpy as np

from neuroproc._validation import as_shape, short_repr
from neuroproc.exceptions import ValidationError
from neuroproc.ports import InPort, OutPort
from neuroproc.process import AbstractProcess
from neuroproc.variable import Var

__all__ = ["RF"]


class RF(AbstractProcess):
    r"""Resonate-and-fire neurons (Lava's ``lava.proc.rf.process.RF``).

    With ``theta = 2 pi / period`` and the inputs ``x_re`` (``a_real_in``), ``x_im``
    (``a_imag_in``):

    .. math::

        re[t] &= (1 - \alpha)(\cos\theta\, re[t-1] - \sin\theta\, im[t-1]) + x_{re}[t] \\
        im[t] &= (1 - \alpha)(\sin\theta\, re[t-1] + \cos\theta\, im[t-1]) + x_{im}[t] \\
        s[t] &= (re[t] \ge vth) \wedge (im[t] \ge 0) \wedge (im[t-1] < 0)

    so a neuron fires once per oscillation, when the phase crosses zero with enough amplitude.
    The Process stores ``sin_decay = (1 - alpha) sin(theta)`` and ``cos_decay``; with
    ``decay_bits > 0`` they become ``int32(x * 2**decay_bits)`` and with ``state_exp > 0`` the
    threshold becomes ``int(vth * 2**state_exp)`` (for the fixed-point model).

    Parameters
    ----------
    shape : int or tuple of int
        Shape of the population.
    period : float
        Period of the resonator, in steps.
    alpha : float
        Decay of the amplitude per step.
    state_exp : int
        The fixed model shifts the inputs left by ``state_exp``.
    decay_bits : int
        Fraction bits of the fixed model's decays.
    vth : float
        Threshold on the real part.
    name : str, optional
        Name of the Process.

    Notes
    -----
    Vars: ``real``, ``imag`` (neuron shape, initially 0); ``sin_decay``, ``cos_decay``,
    ``state_exp``, ``decay_bits``, ``vth`` (shape ``(1,)``). Ports: ``a_real_in``,
    ``a_imag_in`` (InPorts), ``s_out`` (OutPort).
    """

    def __init__(self, shape, period: float, alpha: float, state_exp: int = 0, decay_bits: int = 0,
                 vth: float = 1, name: str | None = None, **kwargs):
        label = f"{name or type(self).__name__}::{type(self).__name__}"
        shape = as_shape(shape, f"{label}.shape")
        for key, value in (("period", period), ("alpha", alpha), ("vth", vth)):
            if isinstance(value, (bool, str)) or not (np.isscalar(value) and np.isfinite(value)):
                raise ValidationError(f"{label}.{key}: expected a finite number (got {short_repr(value)}). "
                                      "Pass one number for the whole population.")
        # as Lava computes them (the float model uses these values, the fixed one their scaled ints)
        sin_decay = (1 - alpha) * np.sin(np.pi * 2 * 1 / period)
        cos_decay = (1 - alpha) * np.cos(np.pi * 2 * 1 / period)
        super().__init__(shape=shape, sin_decay=sin_decay, cos_decay=cos_decay, state_exp=state_exp,
                         decay_bits=decay_bits, vth=vth, name=name, **kwargs)
        if state_exp > 0:
            vth = int(vth * (1 << state_exp))
        if decay_bits > 0:
            sin_decay = np.int32(sin_decay * (1 << decay_bits))
            cos_decay = np.int32(cos_decay * (1 << decay_bits))
        self.a_real_in = InPort(shape=shape)
        self.a_imag_in = InPort(shape=shape)
        self.s_out = OutPort(shape=shape)
        self.real = Var(shape=shape, init=0)
        self.imag = Var(shape=shape, init=0)
        self.sin_decay = Var(shape=(1,), init=sin_decay)
        self.cos_decay = Var(shape=(1,), init=cos_decay)
        self.state_exp = Var(shape=(1,), init=state_exp)
        self.decay_bits = Var(shape=(1,), init=decay_bits)
        self.vth = Var(shape=(1,), init=vth)

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of the population."""
        return self.proc_params["shape"]
