"""``DeltaEncoder`` (Lava's ``lava.proc.io.encoder``): sends only changes of its input that
exceed a threshold, carrying the rest over as a residue.

Dynamics per step (integers; ``a_in`` is first scaled by ``2**spike_exp``)::

    delta   = a_in - act + residue
    s_out   = delta if |delta| >= vth else 0   (clipped to num_bits, if given)
    residue = delta - s_out
    act     = a_in

``s_out`` leaves one step later (the model sends the previous step's result before it
receives), as in Lava. Only ``Compression.DENSE`` messages are modelled: the sparse message
formats need sparse ports, which neuroproc does not have.
"""
from __future__ import annotations

from enum import Enum, unique

import numpy as np

from neuroproc._validation import as_shape
from neuroproc.decorators import implements, requires, tag
from neuroproc.exceptions import ValidationError
from neuroproc.model import LavaPyType, PyLoihiProcessModel
from neuroproc.ports import InPort, OutPort
from neuroproc.process import AbstractProcess
from neuroproc.py_ports import PyInPort, PyOutPort
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol
from neuroproc.variable import Var

__all__ = ["Compression", "DeltaEncoder", "PyDeltaEncoderModelDense"]


@unique
class Compression(Enum):
    """Message format of ``s_out`` (Lava's names; only ``DENSE`` runs in neuroproc)."""

    DENSE = 0
    SPARSE = 1
    PACKED_4 = 2
    DELTA_SPARSE_8 = 3


class DeltaEncoder(AbstractProcess):
    """Delta encoding with threshold ``vth`` (see the module docstring for the dynamics).

    Parameters
    ----------
    shape : tuple of int
        Shape of ``a_in`` and ``s_out``.
    vth : int or float
        Threshold (scaled by ``2**spike_exp`` like the input).
    spike_exp : int, optional
        Scaling exponent (base 2) of the input and output.
    num_bits : int, optional
        Bits of ``s_out`` before scaling (None: unbounded).
    compression : Compression, optional
        Only ``Compression.DENSE``.

    Vars: ``vth``, ``act``, ``residue``, ``spike_exp``, ``a_min``, ``a_max``. Ports: ``a_in``,
    ``s_out``.
    """

    def __init__(self, *, shape: tuple[int, ...], vth: int | float, spike_exp: int = 0,
                 num_bits: int | None = None, compression: Compression = Compression.DENSE,
                 **kwargs) -> None:
        shape = as_shape(shape, "DeltaEncoder")
        if compression != Compression.DENSE:
            raise ValidationError(
                f"DeltaEncoder: compression {compression} needs sparse message ports, which "
                f"neuroproc does not model (got compression={compression}). Use "
                "Compression.DENSE; the values sent are the same.")
        super().__init__(shape=shape, vth=vth, cum_error=False, spike_exp=spike_exp, state_exp=0,
                         **kwargs)
        self.a_in = InPort(shape=shape)
        self.s_out = OutPort(shape=shape)
        self.vth = Var(shape=(1,), init=vth * (1 << spike_exp))
        self.act = Var(shape=shape, init=0)
        self.residue = Var(shape=shape, init=0)
        self.spike_exp = Var(shape=(1,), init=spike_exp)
        if num_bits is None:
            a_min = a_max = -1  # no clipping
        else:
            a_min = -(1 << (num_bits - 1)) << spike_exp
            a_max = ((1 << (num_bits - 1)) - 1) << spike_exp
        self.a_min = Var(shape=(1,), init=a_min)
        self.a_max = Var(shape=(1,), init=a_max)
        self.proc_params["compression"] = compression

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of the input and output."""
        return self.proc_params["shape"]


@implements(proc=DeltaEncoder, protocol=LoihiProtocol)
@requires(CPU)
@tag("dense_out")
class PyDeltaEncoderModelDense(PyLoihiProcessModel):
    """int32 state and messages (24-bit precision on hardware), dense ``s_out``."""

    a_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, np.int32, precision=24)
    s_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, np.int32, precision=24)
    vth: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=24)
    act: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=24)
    residue: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=24)
    spike_exp: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=3)
    a_min: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=24)
    a_max: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=24)

    def __init__(self, proc_params=None) -> None:
        super().__init__(proc_params)
        self.s_out_buf = np.zeros(self.proc_params["shape"], np.int32)

    def encode_delta(self, act_new: np.ndarray) -> np.ndarray:
        """One step of the delta dynamics; updates ``act`` and ``residue`` in place."""
        delta = act_new - self.act + self.residue
        s_out = np.where(np.abs(delta) >= self.vth, delta, 0)
        if self.a_max[0] > 0:
            s_out = np.clip(s_out, self.a_min[0], self.a_max[0])
        self.residue[...] = delta - s_out
        self.act[...] = act_new
        return s_out

    def run_spk(self) -> None:
        self.s_out.send(self.s_out_buf)
        self.s_out_buf = self.encode_delta(np.left_shift(self.a_in.recv().astype(int),
                                                         int(self.spike_exp[0])))

    def kernel(self):
        from neuroproc.proc.io._kernels import delta_encoder_spec

        return delta_encoder_spec(self)
