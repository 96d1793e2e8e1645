"""Sigma-delta processes (Lava's ``lava.proc.sdn``): a sigma decoder, a delta encoder, and the
sigma-delta neuron that chains them through an activation."""
from __future__ import annotations

from enum import IntEnum, unique

import numpy as np

from neuroproc._validation import as_shape, short_repr
from neuroproc.exceptions import ValidationError
from neuroproc.ports import InPort, OutPort
from neuroproc.process import AbstractProcess
from neuroproc.variable import Var

__all__ = ["ActivationMode", "Delta", "Sigma", "SigmaDelta"]


@unique
class ActivationMode(IntEnum):
    """Activation of a SigmaDelta neuron: ``UNIT`` (identity) or ``RELU``."""

    UNIT = 0
    RELU = 1


class _SDNProcess(AbstractProcess):
    def __init__(self, shape, **kwargs):
        shape = as_shape(shape, f"{kwargs.get('name') or type(self).__name__}::{type(self).__name__}.shape")
        super().__init__(shape=shape, **kwargs)
        self.a_in = InPort(shape=shape)
        self.s_out = OutPort(shape=shape)
        self.sigma = Var(shape=shape, init=0)

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of the population."""
        return self.proc_params["shape"]

    def _encoder_vars(self, vth, cum_error: bool, spike_exp: int, state_exp: int) -> None:
        for key, value in (("spike_exp", spike_exp), ("state_exp", state_exp)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValidationError(f"{self.who}.{key} must be an int >= 0 (got {short_repr(value)}).")
        shape = self.shape
        self.vth = Var(shape=(1,), init=_scaled(vth, spike_exp + state_exp))
        self.act = Var(shape=shape, init=0)
        self.residue = Var(shape=shape, init=0)
        self.error = Var(shape=shape, init=0)
        self.spike_exp = Var(shape=(1,), init=spike_exp)
        self.state_exp = Var(shape=(1,), init=state_exp)
        self.cum_error = Var(shape=(1,), init=cum_error)


class Sigma(_SDNProcess):
    """Sigma decoder: accumulates its input and sends the sum every step.

    ``sigma += a_in``; ``s_out = sigma``.

    Parameters
    ----------
    shape : int or tuple of int
        Shape of the population.

    Notes
    -----
    Vars: ``sigma``. Ports: ``a_in``, ``s_out``.
    """

    def __init__(self, *, shape, **kwargs):
        super().__init__(shape, **kwargs)


class Delta(_SDNProcess):
    """Delta encoder: sends the change of its input once it is large enough.

    ``delta = a - act + residue``; ``s = delta`` where ``|delta| >= vth`` else 0 (with
    ``cum_error``: ``error += delta``, ``s = delta`` where ``|error| >= vth``, and ``error = 0``
    where ``s != 0``); ``residue = delta - s``; ``act = a``. Lava 0.10 compares with ``>=``
    although its docstring says ``>``. The fixed model works on ``a << (spike_exp + state_exp)``
    and sends ``s >> state_exp``.

    Parameters
    ----------
    shape : int or tuple of int
        Shape of the population.
    vth : float
        Threshold; the Var holds ``vth * 2**(spike_exp + state_exp)``.
    cum_error : bool
        Accumulate the error between spikes.
    spike_exp, state_exp : int
        Fixed-point scaling of the spikes and of the state (ignored by the float model, which
        still sees the scaled ``vth``).

    Notes
    -----
    Vars: ``vth``, ``sigma`` (unused), ``act``, ``residue``, ``error``, ``spike_exp``,
    ``state_exp``, ``cum_error``. Ports: ``a_in``, ``s_out``.
    """

    def __init__(self, *, shape, vth, cum_error: bool = False, spike_exp: int = 0, state_exp: int = 0,
                 **kwargs):
        super().__init__(shape, vth=vth, cum_error=cum_error, spike_exp=spike_exp, state_exp=state_exp, **kwargs)
        self._encoder_vars(vth, cum_error, spike_exp, state_exp)


class SigmaDelta(_SDNProcess):
    """Sigma-delta neuron: a sigma decoder, an activation and a delta encoder in one.

    ``sigma += a_in``; ``act_new = f(sigma + bias)`` (``f`` the identity for
    ``ActivationMode.UNIT``, ``max(., 0)`` for ``RELU``); then the delta encoding of
    :class:`Delta` on ``act_new`` (``act = act_new``). The fixed model sends ``s >> state_exp``
    (its input is *not* shifted, unlike Delta's).

    Parameters
    ----------
    shape : int or tuple of int
        Shape of the population.
    vth : float
        Threshold; the Var holds ``vth * 2**(spike_exp + state_exp)``.
    bias : float
        Bias of the activation; the Var holds ``bias * 2**(spike_exp + state_exp)``.
    act_mode : ActivationMode
        ``RELU`` (default) or ``UNIT``.
    cum_error : bool
        Accumulate the error between spikes.
    spike_exp, state_exp : int
        Fixed-point scaling, as for :class:`Delta`.

    Notes
    -----
    Vars: those of :class:`Delta` and ``bias``. Ports: ``a_in``, ``s_out``.
    """

    def __init__(self, *, shape, vth, bias=0, act_mode: ActivationMode = ActivationMode.RELU,
                 cum_error: bool = False, spike_exp: int = 0, state_exp: int = 0, **kwargs):
        if not isinstance(act_mode, int) or isinstance(act_mode, bool) or act_mode not in tuple(ActivationMode):
            raise ValidationError(f"{kwargs.get('name') or 'SigmaDelta'}::SigmaDelta.act_mode must be an "
                                  f"ActivationMode (got {short_repr(act_mode)}). Use ActivationMode.RELU "
                                  "or ActivationMode.UNIT.")
        super().__init__(shape, vth=vth, bias=bias, act_mode=ActivationMode(act_mode), cum_error=cum_error,
                         spike_exp=spike_exp, state_exp=state_exp, **kwargs)
        self._encoder_vars(vth, cum_error, spike_exp, state_exp)
        self.bias = Var(shape=self.shape, init=_scaled(bias, spike_exp + state_exp))


def _scaled(value, exp: int):
    """``value * 2**exp`` as Lava computes it; a list becomes an array first (Lava would repeat it)."""
    if isinstance(value, (list, tuple)):
        value = np.asarray(value)
    return value * (1 << exp)
