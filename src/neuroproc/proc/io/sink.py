"""``RingBuffer`` sink: stores what it receives at time step ``t`` in column ``(t-1) % buffer``."""
from __future__ import annotations

import numpy as np

from neuroproc._validation import as_shape, check_int
from neuroproc.decorators import implements, requires, tag
from neuroproc.model import LavaPyType, PyLoihiProcessModel
from neuroproc.ports import InPort
from neuroproc.process import AbstractProcess
from neuroproc.py_ports import PyInPort
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol
from neuroproc.variable import Var

__all__ = ["AbstractPyRead", "PyReadFixed", "PyReadFloat", "PyReceiveModelFixed", "PyReceiveModelFloat", "Read",
           "RingBuffer"]


class RingBuffer(AbstractProcess):
    """Collects ``a_in`` into ``data`` of shape ``(*shape, buffer)``; older columns are overwritten
    once more than ``buffer`` steps have run.

    Vars: ``data``. Ports: ``a_in``.
    """

    def __init__(self, shape, buffer: int, name: str | None = None, **kwargs):
        shape = as_shape(shape, f"sink RingBuffer {name or ''}".strip())
        buffer = check_int(buffer, f"sink RingBuffer {name or ''} buffer".strip(), minimum=1)
        super().__init__(shape=shape, buffer=buffer, name=name, **kwargs)
        self.data = Var(shape=shape + (buffer,), init=0)
        self.a_in = InPort(shape=shape)


class AbstractPyReceiveModel(PyLoihiProcessModel):
    """Shared behaviour; subclasses fix the types."""

    def kernel(self):
        from neuroproc.proc.io._kernels import sink_spec

        return sink_spec()

    def run_spk(self) -> None:
        data = self.data
        data[..., (self.time_step - 1) % data.shape[-1]] = self.a_in.recv()


@implements(proc=RingBuffer, protocol=LoihiProtocol)
@tag("floating_pt")
@requires(CPU)
class PyReceiveModelFloat(AbstractPyReceiveModel):
    """Float storage."""

    data: np.ndarray = LavaPyType(np.ndarray, float)
    a_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, float)


@implements(proc=RingBuffer, protocol=LoihiProtocol)
@tag("fixed_pt")
@requires(CPU)
class PyReceiveModelFixed(AbstractPyReceiveModel):
    """int32 storage (24-bit precision on hardware)."""

    data: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=24)
    a_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, np.int32, precision=24)


# Lava keeps its Var reader beside the sink RingBuffer (lava.proc.io.sink.Read).
from neuroproc.proc.io.read import AbstractPyRead, PyReadFixed, PyReadFloat, Read  # noqa: E402
