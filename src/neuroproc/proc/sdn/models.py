"""Sigma-delta models: floating point (``floating_pt``) and fixed point (``fixed_pt``), as in
Lava 0.10.

As in Lava, :class:`AbstractSigmaModel` and :class:`AbstractDeltaModel` hold the dynamics and
:class:`AbstractSigmaDeltaModel` combines them; the fixed models add the scaling hooks of
:class:`FixedScaling` (``scale_input``: Delta's ``a << (spike_exp + state_exp)``;
``scale_output``: ``s >> state_exp``). State is updated in place.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from neuroproc.decorators import implements, requires, tag
from neuroproc.model import LavaPyType, PyLoihiProcessModel
from neuroproc.proc.sdn.process import ActivationMode, Delta, Sigma, SigmaDelta
from neuroproc.py_ports import PyInPort, PyOutPort
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol

__all__ = [
    "AbstractDeltaModel",
    "AbstractSigmaDeltaModel",
    "AbstractSigmaModel",
    "FixedScaling",
    "PyDeltaModelFixed",
    "PyDeltaModelFloat",
    "PySigmaDeltaModelFixed",
    "PySigmaDeltaModelFloat",
    "PySigmaModelFixed",
    "PySigmaModelFloat",
]


class AbstractSigmaModel(PyLoihiProcessModel):
    """``sigma += a``; sends ``sigma``."""

    a_in: Any
    s_out: Any
    sigma: Any

    def sigma_dynamics(self, a_in_data: np.ndarray) -> np.ndarray:
        """Accumulate the input into ``sigma`` and return it."""
        self.sigma[:] = a_in_data + self.sigma
        return self.sigma

    def run_spk(self) -> None:
        self.s_out.send(self.sigma_dynamics(self.a_in.recv()))

    def kernel(self):
        from neuroproc.proc.sdn._kernels import sigma_spec

        return sigma_spec(self)


class AbstractDeltaModel(PyLoihiProcessModel):
    """Delta encoding of the input; the hooks ``scale_input`` and ``scale_output`` are the
    identity here."""

    a_in: Any
    s_out: Any
    vth: Any
    act: Any
    residue: Any
    error: Any
    cum_error: Any

    def scale_input(self, data: np.ndarray) -> np.ndarray:
        """The value the encoder tracks for an input."""
        return data

    def scale_output(self, spikes: np.ndarray) -> np.ndarray:
        """The message sent for an encoded change."""
        return spikes

    def delta_dynamics(self, act_data: np.ndarray) -> np.ndarray:
        """Spikes for the change to ``act_data``; updates ``error`` and ``residue``."""
        delta = act_data - self.act + self.residue
        if self.cum_error:
            self.error += delta
            s_out = np.where(np.abs(self.error) >= self.vth, delta, 0)
            self.error *= 1 - (np.abs(s_out) > 0)
        else:
            s_out = np.where(np.abs(delta) >= self.vth, delta, 0)
        self.residue[:] = delta - s_out
        return s_out

    def run_spk(self) -> None:
        a_in_data = self.scale_input(self.a_in.recv())
        s_out = self.delta_dynamics(a_in_data)
        self.act[:] = a_in_data
        self.s_out.send(self.scale_output(s_out))

    def kernel(self):
        from neuroproc.proc.sdn._kernels import delta_spec

        return delta_spec(self)


class AbstractSigmaDeltaModel(AbstractSigmaModel, AbstractDeltaModel):
    """Sigma, then the activation (``UNIT``: ``sigma + bias``; ``RELU``: ``max(sigma + bias,
    0)``), then delta encoding; ``act`` takes the new activation."""

    bias: Any

    def __init__(self, proc_params=None):
        super().__init__(proc_params)
        self.act_mode = ActivationMode(self.proc_params["act_mode"])

    def activation_dynamics(self, sigma_data: np.ndarray) -> np.ndarray:
        """The activation of ``sigma_data``."""
        act = sigma_data + self.bias
        return np.maximum(act, 0) if self.act_mode == ActivationMode.RELU else act

    def dynamics(self, a_in_data: np.ndarray) -> np.ndarray:
        """One sigma-delta step; returns the (unscaled) spikes."""
        act = self.activation_dynamics(self.sigma_dynamics(a_in_data))
        s_out = self.delta_dynamics(act)
        self.act[:] = act
        return s_out

    def run_spk(self) -> None:
        self.s_out.send(self.scale_output(self.dynamics(self.a_in.recv())))

    def kernel(self):
        from neuroproc.proc.sdn._kernels import delta_spec

        return delta_spec(self)


class FixedScaling:
    """Fixed-point scaling: sends ``s >> state_exp`` (arithmetic shift); Delta also tracks
    ``a << (spike_exp + state_exp)`` (SHIFT_INPUT; Lava's SigmaDelta does not shift its input)."""

    SHIFT_INPUT = False
    spike_exp: Any
    state_exp: Any

    def scale_input(self, data: np.ndarray) -> np.ndarray:
        return np.left_shift(data, self.spike_exp + self.state_exp) if self.SHIFT_INPUT else data

    def scale_output(self, spikes: np.ndarray) -> np.ndarray:
        return np.right_shift(spikes, self.state_exp)


class _FloatEncoderTypes:
    a_in: Any = LavaPyType(PyInPort.VEC_DENSE, float)
    s_out: Any = LavaPyType(PyOutPort.VEC_DENSE, float)
    vth: Any = LavaPyType(np.ndarray, float)
    sigma: Any = LavaPyType(np.ndarray, float)
    act: Any = LavaPyType(np.ndarray, float)
    residue: Any = LavaPyType(np.ndarray, float)
    error: Any = LavaPyType(np.ndarray, float)
    spike_exp: Any = LavaPyType(np.ndarray, np.int32, precision=3)
    state_exp: Any = LavaPyType(np.ndarray, np.int32, precision=3)
    cum_error: Any = LavaPyType(np.ndarray, bool, precision=1)


class _FixedEncoderTypes:
    a_in: Any = LavaPyType(PyInPort.VEC_DENSE, np.int32, precision=24)
    s_out: Any = LavaPyType(PyOutPort.VEC_DENSE, np.int32, precision=24)
    vth: Any = LavaPyType(np.ndarray, np.int32, precision=24)
    sigma: Any = LavaPyType(np.ndarray, np.int32, precision=24)
    act: Any = LavaPyType(np.ndarray, np.int32, precision=24)
    residue: Any = LavaPyType(np.ndarray, np.int32, precision=24)
    error: Any = LavaPyType(np.ndarray, np.int32, precision=24)
    spike_exp: Any = LavaPyType(np.ndarray, np.int32, precision=3)
    state_exp: Any = LavaPyType(np.ndarray, np.int32, precision=3)
    cum_error: Any = LavaPyType(np.ndarray, bool, precision=1)


@implements(proc=Sigma, protocol=LoihiProtocol)
@tag("floating_pt")
@requires(CPU)
class PySigmaModelFloat(AbstractSigmaModel):
    """Float Sigma (tag ``floating_pt``)."""

    a_in: Any = LavaPyType(PyInPort.VEC_DENSE, float)
    s_out: Any = LavaPyType(PyOutPort.VEC_DENSE, float)
    sigma: Any = LavaPyType(np.ndarray, float)


@implements(proc=Sigma, protocol=LoihiProtocol)
@tag("fixed_pt")
@requires(CPU)
class PySigmaModelFixed(AbstractSigmaModel):
    """Fixed-point Sigma (tag ``fixed_pt``): int32 (24-bit) sum, wrapping as int32 does."""

    a_in: Any = LavaPyType(PyInPort.VEC_DENSE, np.int32, precision=24)
    s_out: Any = LavaPyType(PyOutPort.VEC_DENSE, np.int32, precision=24)
    sigma: Any = LavaPyType(np.ndarray, np.int32, precision=24)


@implements(proc=Delta, protocol=LoihiProtocol)
@tag("floating_pt")
@requires(CPU)
class PyDeltaModelFloat(_FloatEncoderTypes, AbstractDeltaModel):
    """Float Delta (tag ``floating_pt``)."""


@implements(proc=Delta, protocol=LoihiProtocol)
@tag("fixed_pt")
@requires(CPU)
class PyDeltaModelFixed(FixedScaling, _FixedEncoderTypes, AbstractDeltaModel):
    """Fixed-point Delta (tag ``fixed_pt``): int32 state; tracks ``a << (spike_exp + state_exp)``,
    sends ``s >> state_exp``."""

    SHIFT_INPUT = True


@implements(proc=SigmaDelta, protocol=LoihiProtocol)
@tag("floating_pt")
@requires(CPU)
class PySigmaDeltaModelFloat(_FloatEncoderTypes, AbstractSigmaDeltaModel):
    """Float SigmaDelta (tag ``floating_pt``)."""

    bias: Any = LavaPyType(np.ndarray, float)


@implements(proc=SigmaDelta, protocol=LoihiProtocol)
@tag("fixed_pt")
@requires(CPU)
class PySigmaDeltaModelFixed(FixedScaling, _FixedEncoderTypes, AbstractSigmaDeltaModel):
    """Fixed-point SigmaDelta (tag ``fixed_pt``): int32 state and 16-bit bias; sends
    ``s >> state_exp``; the input is not shifted (as in Lava)."""

    bias: Any = LavaPyType(np.ndarray, np.int32, precision=16)
