"""ATRLIF models: floating point (``floating_pt``) and fixed point (``bit_accurate_loihi``,
``fixed_pt``), as in Lava 0.10.

Both share :class:`AbstractPyATRLIFModel`: receive, ``prepare`` (the fixed model's one-time
threshold scaling), ``subthr_dynamics``, spike where ``v - r >= theta``, ``post_spike``, send.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from neuroproc._validation import check_finite_numbers
from neuroproc.chips import ChipResources, ChipSpec, neuron_resources
from neuroproc.decorators import implements, requires, tag
from neuroproc.model import LavaPyType, PyLoihiProcessModel
from neuroproc.proc.atrlif.process import ATRLIF
from neuroproc.py_ports import PyInPort, PyOutPort
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol
from neuroproc.utils.fixed_point import saturate, shift_by_exp, wrap_lava

__all__ = ["AbstractPyATRLIFModel", "PyATRLIFModelFixed", "PyATRLIFModelFloat"]


class AbstractPyATRLIFModel(PyLoihiProcessModel):
    """One ATRLIF step; subclasses fix the types and implement ``subthr_dynamics``."""

    s: Any = LavaPyType(np.ndarray, bool)
    a_in: Any
    s_out: Any
    v: Any
    r: Any
    theta: Any
    theta_step: Any

    @classmethod
    def chip_resources(cls, proc, chip: ChipSpec) -> ChipResources | None:
        """Deployment hook (:mod:`neuroproc.chips`): a programmed neuron model, so on Loihi 2's
        cores (one compartment and one output axon per neuron, binary spikes), not on Loihi 1's."""
        return neuron_resources(int(np.prod(proc.s_out.shape))) if chip.programmable_neurons else None

    @classmethod
    def check_var_value(cls, name: str, value, who: str) -> None:
        if name != "s":
            check_finite_numbers(value, who)

    def prepare(self) -> None:
        """Hook run at the start of every step, before the update (nothing to do in float)."""

    def subthr_dynamics(self, activation_in: np.ndarray) -> None:
        """Update ``i``, ``v``, ``theta`` and ``r`` in place."""
        raise NotImplementedError(f"{type(self).__name__} must implement subthr_dynamics().")

    def post_spike(self, spikes: np.ndarray) -> None:
        """Spiking neurons: ``r += 2 theta``, then ``theta += theta_step``."""
        theta = self.theta[spikes]
        self.r[spikes] = self.r[spikes] + 2 * theta
        self.theta[spikes] = theta + self.theta_step

    def run_spk(self) -> None:
        a_in = self.a_in.recv()
        self.prepare()
        self.subthr_dynamics(a_in)
        self.s[:] = (self.v - self.r) >= self.theta
        self.post_spike(self.s)
        self.s_out.send(self.s)


@implements(proc=ATRLIF, protocol=LoihiProtocol)
@tag("floating_pt")
@requires(CPU)
class PyATRLIFModelFloat(AbstractPyATRLIFModel):
    """Float ATRLIF (tag ``floating_pt``): float64 state, float spikes; ``bias_exp`` is ignored.

    In Lava's order: ``i = (1-di) i + a``; ``v = ((1-dv) v + i) + bias_mant``;
    ``theta = (1-dtheta)(theta - theta_0) + theta_0``; ``r = (1-dr) r``.
    """

    a_in: Any = LavaPyType(PyInPort.VEC_DENSE, float)
    s_out: Any = LavaPyType(PyOutPort.VEC_DENSE, float)
    i: Any = LavaPyType(np.ndarray, float)
    v: Any = LavaPyType(np.ndarray, float)
    theta: Any = LavaPyType(np.ndarray, float)
    r: Any = LavaPyType(np.ndarray, float)
    bias_mant: Any = LavaPyType(np.ndarray, float)
    bias_exp: Any = LavaPyType(np.ndarray, float)
    delta_i: Any = LavaPyType(float, float)
    delta_v: Any = LavaPyType(float, float)
    delta_theta: Any = LavaPyType(float, float)
    delta_r: Any = LavaPyType(float, float)
    theta_0: Any = LavaPyType(float, float)
    theta_step: Any = LavaPyType(float, float)

    def subthr_dynamics(self, activation_in: np.ndarray) -> None:
        self.i[:] = (1 - self.delta_i) * self.i + activation_in
        self.v[:] = (1 - self.delta_v) * self.v + self.i + self.bias_mant
        self.theta[:] = (1 - self.delta_theta) * (self.theta - self.theta_0) + self.theta_0
        self.r[:] = (1 - self.delta_r) * self.r

    def kernel(self):
        from neuroproc.proc.atrlif._kernels import float_spec

        return float_spec(self)


@implements(proc=ATRLIF, protocol=LoihiProtocol)
@tag("bit_accurate_loihi", "fixed_pt")
@requires(CPU)
class PyATRLIFModelFixed(AbstractPyATRLIFModel):
    """Fixed-point ATRLIF of Loihi 2 (tags ``bit_accurate_loihi``, ``fixed_pt``), as Lava 0.10
    computes it.

    ``i``, ``v``, ``theta``, ``r`` are int32 (24-bit on chip); the decays are **fractions**
    scaled by 4096 here. On the first step ``theta_0`` and ``theta_step`` become
    ``int32(x * 64)`` (the model's values, so ``get()`` then shows them scaled, as in Lava) and
    ``theta`` is overwritten with ``theta_0`` -- the initial ``theta`` is ignored. Per step::

        bias    = bias_mant << bias_exp                                (every step)
        i       = wrap24(int32(trunc0(int64(i * (4096 - (di*4096 + 1))) / 4096) + a*64))
        v       = sat24(int32(trunc0(int64(v) * int64(4096 - dv*4096) / 4096) + i + bias))
        theta   = int32(trunc0(int64(theta - theta_0) * int64(4096 - dtheta*4096) / 4096)) + theta_0
        r       = int32(trunc0(int64(r) * int64(4096 - dr*4096) / 4096))

    Quirks kept from Lava: only ``i`` has the +1 offset; ``i``'s factor multiplies before it is
    truncated (a float product for fractional decays, an int32 one that can wrap for integer
    decays) while the others are truncated to an integer first; ``theta`` and ``r`` are neither
    wrapped nor saturated; ``v - r``, ``2 theta`` and the spike updates are int32 arithmetic.
    """

    a_in: Any = LavaPyType(PyInPort.VEC_DENSE, np.int16, precision=16)
    s_out: Any = LavaPyType(PyOutPort.VEC_DENSE, np.int32, precision=24)
    i: Any = LavaPyType(np.ndarray, np.int32, precision=24)
    v: Any = LavaPyType(np.ndarray, np.int32, precision=24)
    theta: Any = LavaPyType(np.ndarray, np.int32, precision=24)
    r: Any = LavaPyType(np.ndarray, np.int32, precision=24)
    bias_mant: Any = LavaPyType(np.ndarray, np.int16, precision=13)
    bias_exp: Any = LavaPyType(np.ndarray, np.int16, precision=3)
    delta_i: Any = LavaPyType(int, np.uint16, precision=12)
    delta_v: Any = LavaPyType(int, np.uint16, precision=12)
    delta_theta: Any = LavaPyType(int, np.uint16, precision=12)
    delta_r: Any = LavaPyType(int, np.uint16, precision=12)
    theta_0: Any = LavaPyType(int, np.uint16, precision=12)
    theta_step: Any = LavaPyType(int, np.uint16, precision=12)

    DECAY_SHIFT = 12
    DECAY_UNITY = 1 << DECAY_SHIFT
    #: Loihi's 1-bit offset, added to the current's decay only
    DS_OFFSET = 1
    #: threshold and input are MSB-aligned with the 24-bit state: times 64
    THETA_UNITY = 1 << 6
    ACT_UNITY = 1 << 6
    STATE_BITS = 24

    def __init__(self, proc_params=None):
        super().__init__(proc_params)
        self.isthrscaled = False

    def prepare(self) -> None:
        if not self.isthrscaled:
            self.theta_0 = np.int32(self.theta_0 * self.THETA_UNITY)
            self.theta[...] = self.theta_0
            self.theta_step = np.int32(self.theta_step * self.THETA_UNITY)
            self.isthrscaled = True

    def decay_factors(self):
        """``(f_i, f_v, f_theta, f_r)``: what each state is multiplied by before ``>> 12``."""
        unity = self.DECAY_UNITY
        f_i = unity - (self.delta_i * unity + self.DS_OFFSET)
        return (f_i,) + tuple(np.int64(unity - d * unity)
                              for d in (self.delta_v, self.delta_theta, self.delta_r))

    def subthr_dynamics(self, activation_in: np.ndarray) -> None:
        f_i, f_v, f_theta, f_r = self.decay_factors()
        bias = shift_by_exp(self.bias_mant.astype(np.int32), self.bias_exp)
        i_dec = _trunc_shift(np.int64(self.i * f_i), self.DECAY_SHIFT)
        self.i[:] = wrap_lava(np.int32(i_dec + activation_in * self.ACT_UNITY), self.STATE_BITS)
        v_dec = _trunc_shift(np.int64(self.v) * f_v, self.DECAY_SHIFT)
        self.v[:] = saturate(np.int32(v_dec + self.i + bias), self.STATE_BITS)
        theta_dec = _trunc_shift(np.int64(self.theta - self.theta_0) * f_theta, self.DECAY_SHIFT)
        self.theta[:] = np.int32(theta_dec) + self.theta_0
        self.r[:] = np.int32(_trunc_shift(np.int64(self.r) * f_r, self.DECAY_SHIFT))

    def kernel(self):
        from neuroproc.proc.atrlif._kernels import fixed_spec

        return fixed_spec(self)


def _trunc_shift(p: Any, shift: int) -> Any:
    """``sign(p) * (|p| >> shift)``: a division by ``2**shift`` rounding toward zero."""
    return np.sign(p) * np.right_shift(np.abs(p), shift)
