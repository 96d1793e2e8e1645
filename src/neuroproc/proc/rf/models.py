"""RF models: floating point (``floating_pt``) and fixed point (``fixed_pt``), as in Lava 0.10.

:class:`AbstractPyRFModel` runs the step through hooks: ``scale_input`` (fixed: ``<< state_exp``),
``resonator_dynamics`` (with ``scale_volt``: fixed ``sign(x) (|x| >> decay_bits)`` on each
product), ``limit`` (fixed: saturate at 24 bits) and ``fire``, the spike rule and state update
that :class:`RFFire` gives RF and ``neuroproc.proc.rf_iz.models.IZFire`` gives RF_IZ.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from neuroproc.chips import ChipResources, ChipSpec, neuron_resources
from neuroproc.decorators import implements, requires, tag
from neuroproc.model import LavaPyType, PyLoihiProcessModel
from neuroproc.proc.rf.process import RF
from neuroproc.py_ports import PyInPort, PyOutPort
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol

__all__ = ["AbstractPyRFModel", "AbstractPyRFModelFixed", "AbstractPyRFModelFloat", "PyRFModelFixed",
           "PyRFModelFloat", "RFFire"]


class AbstractPyRFModel(PyLoihiProcessModel):
    """One resonate-and-fire step; subclasses give the arithmetic and the firing rule."""

    a_real_in: Any
    a_imag_in: Any
    s_out: Any
    real: Any
    imag: Any
    sin_decay: Any
    cos_decay: Any
    decay_bits: Any
    state_exp: Any
    vth: Any

    @classmethod
    def chip_resources(cls, proc, chip: ChipSpec) -> ChipResources | None:
        """Deployment hook (:mod:`neuroproc.chips`): a programmed neuron model, so on Loihi 2's
        cores (one compartment and one output axon per neuron, binary spikes), not on Loihi 1's."""
        return neuron_resources(int(np.prod(proc.s_out.shape))) if chip.programmable_neurons else None

    def scale_input(self, data: np.ndarray) -> np.ndarray:
        """What the oscillator adds of an input (float: the input itself)."""
        return data

    def state(self) -> tuple[Any, Any]:
        """``(real, imag)`` in the type the products are computed in."""
        return self.real, self.imag

    def scale_volt(self, voltage: np.ndarray) -> np.ndarray:
        """Scaling of one decay product (float: none)."""
        return voltage

    def limit(self, voltage: np.ndarray) -> np.ndarray:
        """Bounds of the new state (float: none)."""
        return voltage

    def resonator_dynamics(self, a_real, a_imag, real, imag):
        """The rotated and damped state plus the inputs, in Lava's order."""
        new_real = self.scale_volt(self.cos_decay * real) - self.scale_volt(self.sin_decay * imag) + a_real
        new_imag = self.scale_volt(self.sin_decay * real) + self.scale_volt(self.cos_decay * imag) + a_imag
        return new_real, new_imag

    def fire(self, new_real: np.ndarray, new_imag: np.ndarray) -> np.ndarray:
        """Spikes of this step; stores the new state."""
        raise NotImplementedError(f"{type(self).__name__} must implement fire().")

    def run_spk(self) -> None:
        a_real = self.scale_input(self.a_real_in.recv())
        a_imag = self.scale_input(self.a_imag_in.recv())
        new_real, new_imag = self.resonator_dynamics(a_real, a_imag, *self.state())
        self.s_out.send(self.fire(self.limit(new_real), self.limit(new_imag)))


class AbstractPyRFModelFloat(AbstractPyRFModel):
    """Float types: float64 state and decays, bool spikes."""

    a_real_in: Any = LavaPyType(PyInPort.VEC_DENSE, float)
    a_imag_in: Any = LavaPyType(PyInPort.VEC_DENSE, float)
    s_out: Any = LavaPyType(PyOutPort.VEC_DENSE, bool, precision=1)
    real: Any = LavaPyType(np.ndarray, float)
    imag: Any = LavaPyType(np.ndarray, float)
    sin_decay: Any = LavaPyType(float, float)
    cos_decay: Any = LavaPyType(float, float)
    state_exp: Any = LavaPyType(np.ndarray, np.int32, precision=3)
    decay_bits: Any = LavaPyType(np.ndarray, np.int32, precision=3)
    vth: Any = LavaPyType(float, float)

    def kernel(self):
        from neuroproc.proc.rf._kernels import float_spec

        return float_spec(self)


class AbstractPyRFModelFixed(AbstractPyRFModelFloat):
    """Fixed-point arithmetic: int32 state (24-bit), decays ``int32(d * 2**decay_bits)``
    (``decay_bits > 0`` is required), products in int64 scaled by ``sign(x) (|x| >> decay_bits)``
    (toward zero), inputs ``<< state_exp`` (int32), new state saturated at ``±(2**23 - 1)``."""

    a_real_in: Any = LavaPyType(PyInPort.VEC_DENSE, np.int16, precision=24)
    a_imag_in: Any = LavaPyType(PyInPort.VEC_DENSE, np.int16, precision=24)
    s_out: Any = LavaPyType(PyOutPort.VEC_DENSE, np.int32, precision=24)
    real: Any = LavaPyType(np.ndarray, np.int32, precision=24)
    imag: Any = LavaPyType(np.ndarray, np.int32, precision=24)
    sin_decay: Any = LavaPyType(int, np.uint16, precision=12)
    cos_decay: Any = LavaPyType(int, np.uint16, precision=12)
    vth: Any = LavaPyType(np.ndarray, np.int32, precision=24)

    #: the state is twice as wide as the 12-bit decays
    STATE_LIMIT = (1 << 23) - 1

    def scale_input(self, data: np.ndarray) -> np.ndarray:
        return np.left_shift(data, self.state_exp)

    def state(self) -> tuple[Any, Any]:
        return np.int64(self.real), np.int64(self.imag)

    def scale_volt(self, voltage: np.ndarray) -> np.ndarray:
        return np.sign(voltage) * np.right_shift(np.abs(voltage), self.decay_bits)

    def limit(self, voltage: np.ndarray) -> np.ndarray:
        return np.clip(voltage, -self.STATE_LIMIT, self.STATE_LIMIT)

    def kernel(self):
        from neuroproc.proc.rf._kernels import fixed_spec

        return fixed_spec(self)


class RFFire:
    """RF's rule: fire where ``re >= vth``, ``im >= 0`` and the old ``im < 0``; no reset."""

    #: RF_IZ's reset margin; None: RF has no reset
    RESET_MARGIN = None
    real: Any
    imag: Any
    vth: Any

    def fire(self, new_real: np.ndarray, new_imag: np.ndarray) -> np.ndarray:
        spikes = (new_real >= self.vth) * (new_imag >= 0) * (self.imag < 0)
        self.real[:], self.imag[:] = new_real, new_imag
        return spikes


@implements(proc=RF, protocol=LoihiProtocol)
@tag("floating_pt")
@requires(CPU)
class PyRFModelFloat(RFFire, AbstractPyRFModelFloat):
    """Float RF (tag ``floating_pt``)."""


@implements(proc=RF, protocol=LoihiProtocol)
@tag("fixed_pt")
@requires(CPU)
class PyRFModelFixed(RFFire, AbstractPyRFModelFixed):
    """Fixed-point RF (tag ``fixed_pt``); see :class:`AbstractPyRFModelFixed`."""
