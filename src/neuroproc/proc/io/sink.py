"""Sinks: ``RingBuffer`` stores what it receives at time step ``t`` in column ``(t-1) % buffer``;
``Read`` logs a Var of another Process every ``interval`` steps."""
from __future__ import annotations

import numpy as np

from neuroproc._validation import as_shape, check_int
from neuroproc.decorators import implements, requires, tag
from neuroproc.model import LavaPyType, PyLoihiProcessModel
from neuroproc.ports import InPort, RefPort
from neuroproc.process import AbstractProcess
from neuroproc.py_ports import PyInPort, PyRefPort
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol
from neuroproc.variable import Var

__all__ = ["PyReadFixed", "PyReadFloat", "PyReceiveModelFixed", "PyReceiveModelFloat", "Read", "RingBuffer"]


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


class Read(AbstractProcess):
    """Logs the value of a Var (:meth:`connect_var`) every ``interval`` steps, phase ``offset``.

    At the steps ``t`` with ``(t - 1) % interval == offset % interval`` (post-management) the
    Var's value goes to column ``k % buffer`` of ``data`` (shape ``(*var.shape, buffer)``), ``k``
    counting the reads from 0.

    Vars: ``data``, ``interval``, ``offset``. Ports: ``state`` (RefPort).
    """

    def __init__(self, *, buffer: int, interval: int = 1, offset: int = 0, **kwargs) -> None:
        buffer = check_int(buffer, "Read buffer", minimum=1)
        super().__init__(buffer=buffer, interval=interval, offset=offset, **kwargs)
        self.buffer = buffer
        self.interval = Var((1,), interval)
        self.offset = Var((1,), offset % interval)
        self.state = RefPort((1,))
        self.data = Var(shape=(1, buffer), init=np.zeros((1, buffer)))

    def connect_var(self, var: Var) -> None:
        """Log ``var``; ``data`` becomes ``(*var.shape, buffer)``."""
        self.state = RefPort(var.shape)
        self.state.connect_var(var)
        self.data = Var(shape=var.shape + (self.buffer,), init=np.zeros(var.shape + (self.buffer,)))


class AbstractPyRead(PyLoihiProcessModel):
    """Reads ``state`` into the next column of ``data`` when the step is due."""

    state: PyRefPort
    data: np.ndarray
    interval: np.ndarray = LavaPyType(np.ndarray, int)
    offset: np.ndarray = LavaPyType(np.ndarray, int)

    def __init__(self, proc_params=None) -> None:
        super().__init__(proc_params)
        self.counter = 0

    def post_guard(self) -> bool:
        return (self.time_step - 1) % int(self.interval[0]) == int(self.offset[0])

    def run_post_mgmt(self) -> None:
        self.data[..., self.counter % self.data.shape[-1]] = self.state.read()
        self.counter += 1


@implements(proc=Read, protocol=LoihiProtocol)
@requires(CPU)
@tag("fixed_pt")
class PyReadFixed(AbstractPyRead):
    """int32 values."""

    state: PyRefPort = LavaPyType(PyRefPort.VEC_DENSE, np.int32)
    data: np.ndarray = LavaPyType(np.ndarray, np.int32)


@implements(proc=Read, protocol=LoihiProtocol)
@requires(CPU)
@tag("floating_pt")
class PyReadFloat(AbstractPyRead):
    """float values."""

    state: PyRefPort = LavaPyType(PyRefPort.VEC_DENSE, float)
    data: np.ndarray = LavaPyType(np.ndarray, float)
