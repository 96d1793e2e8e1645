"""``DeltaEncoder`` (Lava's ``lava.proc.io.encoder``): sends only changes of its input that
exceed a threshold, carrying the rest over as a residue.

Dynamics per step (integers; ``a_in`` is first scaled by ``2**spike_exp``)::

    delta   = a_in - act + residue
    s_out   = delta if |delta| >= vth else 0   (clipped to num_bits, if given)
    residue = delta - s_out
    act     = a_in

``s_out`` leaves one step later (the model sends the previous step's result before it
receives), as in Lava. ``Compression.DENSE`` runs on ``PyDeltaEncoderModelDense`` (tag
``dense_out``); ``SPARSE``, ``PACKED_4`` and ``DELTA_SPARSE_8`` on ``PyDeltaEncoderModelSparse``
(tag ``sparse_out``), which keeps each step's packed message in ``data`` and ``idx`` as Lava's
model does (formats: :mod:`neuroproc.proc.io._compression`) and sends what a receiver unpacks
from it: ``s_out`` itself for ``SPARSE``; for the two 8-bit formats ``s_out`` wrapped to signed
bytes, which is ``s_out`` whenever ``num_bits <= 8``.
"""
from __future__ import annotations

from enum import Enum, unique

import numpy as np

from neuroproc._validation import as_shape
from neuroproc.decorators import implements, requires, tag
from neuroproc.exceptions import ValidationError
from neuroproc.model import LavaPyType, PyLoihiProcessModel
from neuroproc.ports import InPort, OutPort
from neuroproc.proc.io import _compression
from neuroproc.process import AbstractProcess
from neuroproc.py_ports import PyInPort, PyOutPort, PyOutPortVectorSparse
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol
from neuroproc.variable import Var

__all__ = ["AbstractPyDeltaEncoderModel", "Compression", "DeltaEncoder", "PyDeltaEncoderModelDense",
           "PyDeltaEncoderModelSparse"]


@unique
class Compression(Enum):
    """Message format of ``s_out``: ``DENSE`` (no compression), ``SPARSE`` (values and indices),
    ``PACKED_4`` (four 8-bit values to a word), ``DELTA_SPARSE_8`` (8-bit values and index gaps)."""

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
        Message format; any but ``DENSE`` needs ``select_tag='sparse_out'``.

    Vars: ``vth``, ``act``, ``residue``, ``spike_exp``, ``a_min``, ``a_max``. Ports: ``a_in``,
    ``s_out``.
    """

    def __init__(self, *, shape: tuple[int, ...], vth: int | float, spike_exp: int = 0,
                 num_bits: int | None = None, compression: Compression = Compression.DENSE,
                 **kwargs) -> None:
        shape = as_shape(shape, "DeltaEncoder")
        if not isinstance(compression, Compression):
            raise ValidationError(f"DeltaEncoder: compression must be a Compression (got "
                                  f"{compression!r}). Use e.g. Compression.SPARSE.")
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


class AbstractPyDeltaEncoderModel(PyLoihiProcessModel):
    """int32 state (24-bit precision on hardware) and the delta dynamics."""

    a_in: PyInPort

    vth: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=24)
    act: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=24)
    residue: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=24)
    spike_exp: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=3)
    a_min: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=24)
    a_max: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=24)

    def encode_delta(self, act_new: np.ndarray) -> np.ndarray:
        """One step of the delta dynamics; updates ``act`` and ``residue`` in place."""
        delta = act_new - self.act + self.residue
        s_out = np.where(np.abs(delta) >= self.vth, delta, 0)
        if self.a_max[0] > 0:
            s_out = np.clip(s_out, self.a_min[0], self.a_max[0])
        self.residue[...] = delta - s_out
        self.act[...] = act_new
        return s_out

    def _next(self) -> np.ndarray:
        return self.encode_delta(np.left_shift(self.a_in.recv().astype(int), int(self.spike_exp[0])))

    def _check_compression(self, wanted: tuple[Compression, ...], tag_name: str) -> Compression:
        compression = self.proc_params["compression"]
        if compression not in wanted:
            other = "sparse_out" if tag_name == "dense_out" else "dense_out"
            raise ValidationError(
                f"DeltaEncoder: {type(self).__name__} (tag '{tag_name}') sends "
                f"{' or '.join(c.name for c in wanted)} messages (got compression={compression}). "
                f"Select the other model with select_tag='{other}'.")
        return compression


@implements(proc=DeltaEncoder, protocol=LoihiProtocol)
@requires(CPU)
@tag("dense_out")
class PyDeltaEncoderModelDense(AbstractPyDeltaEncoderModel):
    """Dense ``s_out`` (int32, 24-bit precision on hardware); ``Compression.DENSE`` only."""

    a_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, np.int32, precision=24)
    s_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, np.int32, precision=24)

    def __init__(self, proc_params=None) -> None:
        super().__init__(proc_params)
        self._check_compression((Compression.DENSE,), "dense_out")
        self.s_out_buf = np.zeros(self.proc_params["shape"], np.int32)

    def run_spk(self) -> None:
        self.s_out.send(self.s_out_buf)
        self.s_out_buf = self._next()

    def kernel(self):
        from neuroproc.proc.io._kernels import delta_encoder_spec

        return delta_encoder_spec(self)


_SPARSE_MODES = (Compression.SPARSE, Compression.PACKED_4, Compression.DELTA_SPARSE_8)


@implements(proc=DeltaEncoder, protocol=LoihiProtocol)
@requires(CPU)
@tag("sparse_out")
class PyDeltaEncoderModelSparse(AbstractPyDeltaEncoderModel):
    """Sparse ``s_out`` in the ``SPARSE``, ``PACKED_4`` or ``DELTA_SPARSE_8`` format.

    ``data`` and ``idx`` hold the packed message of the last step (int32 words, as in Lava's
    model); ``s_out`` carries what a receiver unpacks from them, one step later.
    """

    a_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, np.int32, precision=24)
    s_out: PyOutPortVectorSparse = LavaPyType(PyOutPort.VEC_SPARSE, np.int32, precision=24)

    def __init__(self, proc_params=None) -> None:
        super().__init__(proc_params)
        self.compression = self._check_compression(_SPARSE_MODES, "sparse_out")
        self.data = np.zeros(1, np.int32)
        self.idx = np.zeros(1, np.int32)
        self._size = int(np.prod(self.proc_params["shape"]))

    def unpacked(self) -> tuple[np.ndarray, np.ndarray]:
        """The values and flat indices a receiver reads from ``data`` and ``idx``."""
        if self.compression == Compression.SPARSE:
            return self.data, self.idx
        if self.compression == Compression.PACKED_4:
            return _compression.decode_packed_4(self.data, self.idx, self._size)
        return _compression.decode_delta_sparse_8(self.data, self.idx)

    def run_spk(self) -> None:
        self.s_out.send(*self.unpacked())
        s_out = self._next()
        if self.compression == Compression.SPARSE:
            self.data, self.idx = _compression.encode_sparse(s_out)
        elif self.compression == Compression.PACKED_4:
            self.data, self.idx = _compression.encode_packed_4(s_out)
        else:
            self.data, self.idx = _compression.encode_delta_sparse_8(s_out)
