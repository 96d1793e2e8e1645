"""LIF models: floating point (``floating_pt``) and bit-accurate with Loihi (``bit_accurate_loihi``,
``fixed_pt``), as in Lava 0.10.

Both share :class:`AbstractPyLifModel`, whose ``run_spk`` receives, calls the hooks
``subthr_dynamics``, ``spiking_activation`` and ``reset_voltage``, and sends the spikes.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from neuroproc._validation import check_finite_numbers, short_repr
from neuroproc.chips import ChipResources, ChipSpec, neuron_resources
from neuroproc.decorators import implements, requires, tag
from neuroproc.exceptions import PrecisionWarning, ValidationError
from neuroproc.model import LavaPyType, PyLoihiProcessModel
from neuroproc.proc.lif.process import LIF, LIFRefractory, LIFReset, TernaryLIF, is_integral
from neuroproc.py_ports import PyInPort, PyOutPort
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol
from neuroproc.utils.fixed_point import decay_toward_zero, saturate, shift_by_exp, wrap_lava

__all__ = [
    "AbstractPyLifModel",
    "AbstractPyLifModelFixed",
    "AbstractPyLifModelFloat",
    "PyLifModelBitAcc",
    "PyLifModelFloat",
    "PyLifRefractoryModelFloat",
    "PyLifResetModelBitAcc",
    "PyLifResetModelFloat",
    "PyTernLifModelFixed",
    "PyTernLifModelFloat",
    "ResetMixin",
    "TernaryMixin",
]


class AbstractPyLifModel(PyLoihiProcessModel):
    """One LIF time step: receive ``a_in``, update ``u`` and ``v`` (``subthr_dynamics``), decide
    the spikes (``spiking_activation``), reset (``reset_voltage``), send ``s_out``.

    Subclasses fix the types and implement the two abstract hooks.
    """

    a_in: PyInPort
    s_out: PyOutPort
    v: np.ndarray

    def subthr_dynamics(self, activation_in: np.ndarray) -> None:
        """Update ``u`` and ``v`` in place from the summed input of this step."""
        raise NotImplementedError(f"{type(self).__name__} must implement subthr_dynamics().")

    def spiking_activation(self) -> np.ndarray:
        """Boolean spike vector of this step."""
        raise NotImplementedError(f"{type(self).__name__} must implement spiking_activation().")

    def reset_voltage(self, spike_vector: np.ndarray) -> None:
        """Neurons that spiked restart from ``v = 0``; ``u`` keeps its value."""
        self.v[spike_vector] = 0

    @classmethod
    def chip_resources(cls, proc, chip: ChipSpec) -> ChipResources | None:
        """Deployment hook (:mod:`neuroproc.chips`): a LIF neuron is one compartment with one output
        axon on either Loihi, sending binary spikes; its synapses and input axons belong to the
        connections that feed it, so what reaches ``a_in`` straight from the host is a dendritic sum."""
        return neuron_resources(int(np.prod(proc.proc_params["shape"])))

    @classmethod
    def partition(cls, proc):
        """Partition hook (distributed runtime): neurons are independent, so the population
        splits into ranges of neurons; Vars with one value per neuron and both ports follow,
        shared parameters (shape ``(1,)``) are replicated."""
        from neuroproc.runtime.distributed.hooks import Part, PartitionSpec

        shape = tuple(proc.proc_params["shape"])
        part = Part(0, len(shape))
        types = cls.lava_py_types()
        # a shared parameter of a one-neuron population looks per-neuron: scalar types stay whole
        split = [v for v in proc.vars if tuple(v.shape) == shape
                 and (shape != (1,) or types[v.name].cls is np.ndarray)]
        members = {m.name: part for m in (*split, proc.a_in, proc.s_out)}
        return PartitionSpec(units=int(np.prod(shape)), members=members,
                             params=lambda start, stop: {"shape": (stop - start,)})

    def run_spk(self) -> None:
        self.subthr_dynamics(self.a_in.recv())
        # kept as s_out_buff, as Lava's LIF models do (plastic-neuron subclasses read it)
        self.s_out_buff = spikes = self.spiking_activation()
        self.reset_voltage(spikes)
        self.s_out.send(spikes)


class AbstractPyLifModelFloat(AbstractPyLifModel):
    """Float LIF: ``u = u(1-du) + a``; ``v = v(1-dv) + u + bias_mant`` (``bias_exp`` is ignored).

    The operations run in this order, in float64, so the numbers equal Lava's bit for bit.
    """

    a_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, float)
    u: np.ndarray = LavaPyType(np.ndarray, float)
    v: np.ndarray = LavaPyType(np.ndarray, float)
    bias_mant: np.ndarray = LavaPyType(np.ndarray, float)
    bias_exp: np.ndarray = LavaPyType(np.ndarray, float)
    du: float = LavaPyType(float, float)
    dv: float = LavaPyType(float, float)

    @classmethod
    def check_var_value(cls, name: str, value, who: str) -> None:
        check_finite_numbers(value, who)
        arr = np.asarray(value)
        if name in ("du", "dv") and arr.size and (arr.min() < 0 or arr.max() > 1):
            raise ValidationError(
                f"{who}: {cls.__name__} needs {name} in [0, 1], the fraction of the state lost per "
                f"step (got {short_repr(value)}). Use 0 for no decay and 1 for no memory; integer "
                "decays (0..4095) belong to the bit-accurate model.")

    #: ``(uv, duv, scratch)`` once ``u``, ``v`` are the rows of ``uv`` and ``du``, ``dv`` those of
    #: ``duv`` (see :meth:`subthr_dynamics`); False when they are not per-neuron float64 arrays
    _stacked: Any = None

    def subthr_dynamics(self, activation_in: np.ndarray) -> None:
        # In-place steps round exactly like Lava's u[:] = u * (1 - du); u[:] += a, and
        # v[:] = (v * (1 - dv) + u) + bias_mant, without temporaries. The literal 1.0 is the
        # value Lava's 1 becomes, and converts faster. With per-neuron decays, u and v (and du,
        # dv) are kept as the two rows of one array each, so that both decays take one numpy
        # call: the same operations on the same values (v's decay never reads u).
        st = self._stacked
        if st is None:
            st = self._stack_state()
        u, v = self.u, self.v
        if (st and u.base is st[0] is v.base
                and getattr(self.du, "base", None) is st[1] is getattr(self.dv, "base", None)):
            uv, duv, keep = st
            uv *= np.subtract(1.0, duv, keep)
            u += activation_in
        else:
            u *= 1.0 - self.du
            u += activation_in
            v *= 1.0 - self.dv
        v += u
        v += self.bias_mant

    def _stack_state(self):
        """Make ``u``, ``v`` rows of one array and ``du``, ``dv`` rows of another (same values;
        a later write of a Var goes into its row), when all four are float64 arrays of the
        population's shape; returns what :attr:`_stacked` keeps."""
        arrays = (self.u, self.v, self.du, self.dv)
        shape = np.shape(self.u)
        if not all(type(a) is np.ndarray and a.dtype == np.float64 and a.shape == shape for a in arrays):
            self._stacked = False
            return False
        uv, duv = np.stack(arrays[:2]), np.stack(arrays[2:])
        self.u, self.v = uv[0], uv[1]
        self.du, self.dv = duv[0], duv[1]
        self._stacked = (uv, duv, np.empty_like(duv))
        return self._stacked


@implements(proc=LIF, protocol=LoihiProtocol)
@tag("floating_pt")
@requires(CPU)
class PyLifModelFloat(AbstractPyLifModelFloat):
    """Float LIF (tag ``floating_pt``): float64 state, float spikes (0.0 / 1.0), ``v > vth``."""

    s_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, float)
    vth: float = LavaPyType(float, float)

    def spiking_activation(self) -> np.ndarray:
        return self.v > self.vth

    def kernel(self):
        from neuroproc.proc.lif._kernels import float_spec

        return float_spec(self)


class AbstractPyLifModelFixed(AbstractPyLifModel):
    """Fixed-point LIF arithmetic of Loihi, as Lava 0.10 computes it.

    Bit widths: ``u`` and ``v`` are 24-bit (held in int32), ``du``/``dv`` 12-bit fractions of
    4096, ``bias_mant`` 13-bit, the input ``a`` is shifted left by 6 to align it with the 24-bit
    state. Per step::

        bias = bias_mant << bias_exp            (>> -bias_exp when negative; every step)
        u    = wrap24(trunc0(u * (4096 - (du + 1)) / 4096) + (a << 6))
        v    = sat24(trunc0(v * (4096 - dv) / 4096) + u + bias)

    ``trunc0`` rounds toward zero (a sign-magnitude shift). ``u`` wraps once (Lava's quirk:
    ``+2**23`` stays, ``-2**23`` becomes ``+2**23``); ``v`` saturates at ``±(2**23 - 1)``. ``du``
    gets ``+1`` (Loihi's 1-bit offset register), so ``du = 0`` still decays ``u`` by 1/4096 and
    ``du = 4095`` clears it; ``dv`` has no offset, so ``dv = 0`` keeps ``v``.
    """

    a_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, np.int16, precision=16)
    u: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=24)
    v: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=24)
    du: int = LavaPyType(int, np.uint16, precision=12)
    dv: int = LavaPyType(int, np.uint16, precision=12)
    bias_mant: np.ndarray = LavaPyType(np.ndarray, np.int16, precision=13)
    bias_exp: np.ndarray = LavaPyType(np.ndarray, np.int16, precision=3)

    #: (min, max, why) of the values Loihi's registers hold, as Lava's model documents them;
    #: negative bias_exp (a right shift in Lava's arithmetic) is accepted down to -7. vth above its
    #: 17-bit register (``VTH_MAX``) is Lava-defined (the neuron can never spike, because
    #: ``vth << 6`` exceeds the saturated ``v``) and only warned about.
    VALUE_RANGES = {
        "u": (-(1 << 23), 1 << 23, "a 24-bit signed state (Lava's wrap may leave +2**23)"),
        "v": (-(1 << 23), (1 << 23) - 1, "a 24-bit signed state"),
        "vth": (0, (1 << 25) - 1, "unsigned, and vth << 6 must fit int32"),
        "bias_mant": (-(1 << 15), (1 << 15) - 1, "Lava's int16 Var"),
        "bias_exp": (-7, 7, "a 3-bit exponent (Lava shifts right for negative values)"),
    }
    VTH_MAX = (1 << 17) - 1
    #: decays are 12-bit fractions of ``DECAY_UNITY``
    DECAY_SHIFT = 12
    DECAY_UNITY = 1 << DECAY_SHIFT
    #: Loihi's 1-bit offsets added to du (current) and dv (voltage)
    DS_OFFSET = 1
    DM_OFFSET = 0
    #: input and threshold are MSB-aligned with the 24-bit state by a left shift of 6
    ACT_SHIFT = 6
    VTH_SHIFT = 6
    #: Lava's names: a subclass written for Lava keeps a scaled threshold that its
    #: ``scale_threshold`` (``vth << vth_shift``) sets once, before the first spike decision
    vth_shift = VTH_SHIFT
    isthrscaled = False

    def scale_threshold(self) -> None:
        """Lava's hook for subclasses that keep a scaled threshold (this model scales it where
        it decides spikes)."""
        self.isthrscaled = True

    def run_spk(self) -> None:
        if not self.isthrscaled:
            self.scale_threshold()
        super().run_spk()
    UV_BITS = 24

    @classmethod
    def check_var_value(cls, name: str, value, who: str) -> None:
        check_finite_numbers(value, who)
        if not is_integral(value):
            raise ValidationError(
                f"{who}: {cls.__name__} needs whole numbers (got {short_repr(value)}). Round "
                "float parameters first, e.g. np.round(x).astype(int), or use the float model.")
        arr = np.asarray(value)
        # du = -1 is allowed: with Loihi's +1 offset it means "u does not decay" (Lava's own
        # LIFReset test relies on it); dv has no offset.
        low = -cls.DS_OFFSET if name == "du" else -cls.DM_OFFSET
        if name in ("du", "dv") and arr.size and (arr.min() < low or arr.max() > _decay_max()):
            raise ValidationError(
                f"{who}: {cls.__name__} needs {name} in [{low}, {_decay_max()}], a 12-bit fraction of 4096 "
                f"(got {short_repr(value)}). Map a float decay d with round(d * 4096), e.g. "
                "neuroproc.utils.fixed_point.scale_decay(d).")
        limits = cls.VALUE_RANGES.get(name)
        if limits is not None and arr.size and (arr.min() < limits[0] or arr.max() > limits[1]):
            lo, hi, what = limits
            raise ValidationError(
                f"{who}: {cls.__name__} needs {name} in [{lo}, {hi}], {what} (got "
                f"{short_repr(value)}). Scale the parameter into range, or use the float model.")
        if name == "bias_mant" and arr.size and (arr.min() < -(1 << 12) or arr.max() > (1 << 12) - 1):
            # Lava's own tests drive neurons with bias_mant 20000-25000 (its int16 Var holds them)
            warnings.warn(
                f"{who}: {cls.__name__}: Loihi's bias mantissa has 13 bits, [-4096, 4095] (got "
                f"{short_repr(value)}); Lava's CPU model uses the int16 value as given, and so does "
                "this one. Use bias_exp for larger biases on hardware.",
                PrecisionWarning, stacklevel=2)
        if name == "vth" and arr.size and arr.max() > cls.VTH_MAX:
            warnings.warn(
                f"{who}: {cls.__name__} holds vth in 17 bits, [0, {cls.VTH_MAX}] (got "
                f"{short_repr(value)}): vth << 6 then exceeds the largest v, 2**23 - 1, so the "
                "neuron never spikes (as in Lava). Use a smaller vth if it should.",
                PrecisionWarning, stacklevel=2)

    @staticmethod
    def _int(x):
        """The user's scalar-typed parameter as integers (floats like 410.0 become int64)."""
        if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
            return x
        if isinstance(x, np.ndarray) and x.dtype.kind in "iu":
            return x
        return np.asarray(x).astype(np.int64)

    def effective_bias(self) -> np.ndarray:
        """``bias_mant * 2**bias_exp`` with shifts, in int32 as Lava computes it (every step)."""
        return shift_by_exp(self.bias_mant, self.bias_exp).astype(np.int32)

    def subthr_dynamics(self, activation_in: np.ndarray) -> None:
        decay_u = self.DECAY_UNITY - (self._int(self.du) + self.DS_OFFSET)
        u_dec = decay_toward_zero(self.u, decay_u, self.DECAY_SHIFT).astype(np.int32)
        # int32 arithmetic as in Lava: a arrives as int32 (declared int16 but not saturated).
        u_new = u_dec + np.left_shift(activation_in, self.ACT_SHIFT)
        self.u[:] = wrap_lava(u_new, self.UV_BITS)

        decay_v = self.DECAY_UNITY - (self._int(self.dv) + self.DM_OFFSET)
        v_dec = decay_toward_zero(self.v, decay_v, self.DECAY_SHIFT).astype(np.int32)
        self.v[:] = saturate(v_dec + self.u + self.effective_bias(), self.UV_BITS)


@implements(proc=LIF, protocol=LoihiProtocol)
@tag("bit_accurate_loihi", "fixed_pt")
@requires(CPU)
class PyLifModelBitAcc(AbstractPyLifModelFixed):
    """Bit-accurate LIF (tags ``bit_accurate_loihi``, ``fixed_pt``).

    Types: ``u``, ``v`` int32 (24-bit precision); ``bias_mant``, ``bias_exp`` int16 arrays;
    ``du``, ``dv`` (uint16, 12-bit), ``vth`` (int32, 17-bit) are scalar types, so the object
    given to the Process is used as is and may hold one value per neuron; ``a_in`` int16
    declared (int32 arrives); ``s_out`` int32 spikes (0 / 1).

    Spikes where ``v > vth << 6``. As in Lava, ``vth << 6`` is computed once, on the first
    step: setting ``vth`` after that has no effect on this model. Missing compared with Loihi:
    refractory period and axonal delays.
    """

    s_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, np.int32, precision=24)
    vth: int = LavaPyType(int, np.int32, precision=17)

    def __init__(self, proc_params=None):
        super().__init__(proc_params)
        self.effective_vth = None

    def prepare_threshold(self) -> None:
        """``vth << 6``, once (on the first step, as Lava does)."""
        if self.effective_vth is None:
            # int64 so that a large vth cannot wrap; equal to Lava wherever Lava does not overflow.
            self.effective_vth = np.left_shift(np.asarray(self._int(self.vth), dtype=np.int64),
                                               self.VTH_SHIFT)

    def spiking_activation(self) -> np.ndarray:
        self.prepare_threshold()
        return self.v > self.effective_vth

    def kernel(self):
        from neuroproc.proc.lif._kernels import bitacc_spec

        return bitacc_spec(self)



# -- LIFReset: both arithmetics, the reset as a hook before the update ----------------------------

class ResetMixin:
    """Clears ``u`` and ``v`` at the start of every step ``t`` with ``t % reset_interval ==
    reset_offset % reset_interval`` (Lava multiplies by 0, so a float ``-x`` becomes ``-0.0``)."""

    u: Any
    v: Any
    proc_params: Any
    time_step: int

    def __init__(self, proc_params=None):
        super().__init__(proc_params)  # type: ignore[call-arg]
        self.reset_interval = int(self.proc_params["reset_interval"])
        self.reset_offset = int(self.proc_params["reset_offset"]) % self.reset_interval

    def reset_due(self) -> bool:
        """True on the steps where ``u`` and ``v`` are cleared."""
        return self.time_step % self.reset_interval == self.reset_offset

    def subthr_dynamics(self, activation_in: np.ndarray) -> None:
        if self.reset_due():
            self.u *= 0
            self.v *= 0
        super().subthr_dynamics(activation_in)  # type: ignore[misc]


@implements(proc=LIFReset, protocol=LoihiProtocol)
@tag("floating_pt")
@requires(CPU)
class PyLifResetModelFloat(ResetMixin, PyLifModelFloat):
    """Float LIFReset (tag ``floating_pt``): :class:`PyLifModelFloat` with the periodic reset."""

    def kernel(self):
        from neuroproc.proc.lif._kernels import reset_float_spec

        return reset_float_spec(self)


@implements(proc=LIFReset, protocol=LoihiProtocol)
@tag("bit_accurate_loihi", "fixed_pt")
@requires(CPU)
class PyLifResetModelBitAcc(ResetMixin, PyLifModelBitAcc):
    """Bit-accurate LIFReset (tags ``bit_accurate_loihi``, ``fixed_pt``): the arithmetic of
    :class:`PyLifModelBitAcc` with the periodic reset."""

    def kernel(self):
        from neuroproc.proc.lif._kernels import bitacc_spec

        return bitacc_spec(self, reset=True)


# -- LIFRefractory (float only, as in Lava) -------------------------------------------------------

@implements(proc=LIFRefractory, protocol=LoihiProtocol)
@tag("floating_pt")
@requires(CPU)
class PyLifRefractoryModelFloat(PyLifModelFloat):
    """Float LIFRefractory (tag ``floating_pt``).

    ``u`` integrates as in LIF; ``v = v(1-dv) + (u + bias_mant)`` (Lava adds ``u + bias`` first
    here, unlike LIF) only where ``refractory_period_end < t``. Spiking neurons get
    ``refractory_period_end = t + refractory_period`` and ``v = 0``. ``refractory_period_end``
    is int64.
    """

    refractory_period_end: Any = LavaPyType(np.ndarray, int)

    def __init__(self, proc_params=None):
        super().__init__(proc_params)
        self.refractory_period = int(self.proc_params["refractory_period"])

    def subthr_dynamics(self, activation_in: np.ndarray) -> None:
        u, v = self.u, self.v
        u *= 1 - self.du
        u += activation_in
        free = self.refractory_period_end < self.time_step
        dv = np.asarray(self.dv)[free] if np.size(self.dv) > 1 else self.dv
        v[free] = v[free] * (1 - dv) + (u[free] + self.bias_mant[free])

    def reset_voltage(self, spike_vector: np.ndarray) -> None:
        self.refractory_period_end[spike_vector] = self.time_step + self.refractory_period
        super().reset_voltage(spike_vector)

    def kernel(self):
        from neuroproc.proc.lif._kernels import refractory_spec

        return refractory_spec(self)


# -- TernaryLIF ------------------------------------------------------------------------------------

class TernaryMixin:
    """Ternary spikes ``[v > hi] - [v < lo]`` and the voltage reset where they are non-zero; the
    thresholds come from ``thresholds()``."""

    v: Any
    vth_hi: Any
    vth_lo: Any

    def thresholds(self):
        """``(hi, lo)`` as the comparison uses them."""
        return self.vth_hi, self.vth_lo

    def spiking_activation(self) -> np.ndarray:
        hi, lo = self.thresholds()
        return (-1) * (self.v < lo) + (self.v > hi)

    def reset_voltage(self, spike_vector: np.ndarray) -> None:
        self.v[spike_vector != 0] = 0


@implements(proc=TernaryLIF, protocol=LoihiProtocol)
@tag("floating_pt")
@requires(CPU)
class PyTernLifModelFloat(TernaryMixin, AbstractPyLifModelFloat):
    """Float TernaryLIF (tag ``floating_pt``): spikes -1.0 / 0.0 / +1.0 (float, 2-bit)."""

    s_out: Any = LavaPyType(PyOutPort.VEC_DENSE, float, precision=2)
    vth_hi: Any = LavaPyType(float, float)
    vth_lo: Any = LavaPyType(float, float)

    def kernel(self):
        from neuroproc.proc.lif._kernels import ternary_float_spec

        return ternary_float_spec(self)


@implements(proc=TernaryLIF, protocol=LoihiProtocol)
@tag("fixed_pt")
@requires(CPU)
class PyTernLifModelFixed(TernaryMixin, AbstractPyLifModelFixed):
    """Fixed-point TernaryLIF (tag ``fixed_pt``): the arithmetic of :class:`PyLifModelBitAcc`,
    thresholds ``vth_hi << 6`` and ``vth_lo << 6`` (int32 arrays, shifted once on the first step,
    as in Lava), spikes -1 / 0 / +1 (int64)."""

    s_out: Any = LavaPyType(PyOutPort.VEC_DENSE, int, precision=2)
    vth_hi: Any = LavaPyType(np.ndarray, np.int32, precision=24)
    vth_lo: Any = LavaPyType(np.ndarray, np.int32, precision=24)

    def __init__(self, proc_params=None):
        super().__init__(proc_params)
        self.effective_vth = None

    def thresholds(self):
        if self.effective_vth is None:
            self.effective_vth = (np.left_shift(self.vth_hi, self.VTH_SHIFT),
                                  np.left_shift(self.vth_lo, self.VTH_SHIFT))
        return self.effective_vth

    def kernel(self):
        from neuroproc.proc.lif._kernels import ternary_fixed_spec

        return ternary_fixed_spec(self)


from neuroproc.proc.lif.learning_models import (  # noqa: E402  (built on the models above)
    PyLearningLIFModelFixed,
    PyLearningLifModelFloat,
)

__all__ = sorted([*__all__, "PyLearningLIFModelFixed", "PyLearningLifModelFloat"])


def _decay_max() -> int:
    """The largest du/dv accepted: 4095 (12 bits); under the Lava layer 4096 as well, which Lava's
    uint16 Var holds and its arithmetic takes (dv = 4096 clears v, du = 4096 flips u's sign
    before the input is added; Lava's own tests use it for "no memory")."""
    from neuroproc.compat.lava._behaviour import active

    return 4096 if active() else 4095
