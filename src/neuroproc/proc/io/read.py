"""``Read``: records another Process's Var through a RefPort every ``interval`` steps
(Lava's ``lava.proc.io.sink.Read``; importable from :mod:`neuroproc.proc.io.sink`)."""
from __future__ import annotations

from typing import Any

import numpy as np

from neuroproc._validation import check_int
from neuroproc.decorators import implements, requires, tag
from neuroproc.model import LavaPyType, PyLoihiProcessModel
from neuroproc.ports import RefPort
from neuroproc.process import AbstractProcess
from neuroproc.py_ports import PyRefPort
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol
from neuroproc.variable import Var

__all__ = ["AbstractPyRead", "PyReadFixed", "PyReadFloat", "Read"]


class Read(AbstractProcess):
    """Reads a Var after the steps ``t`` with ``(t - 1) % interval == offset % interval`` and
    stores the values in ``data[..., k % buffer]`` for the ``k``-th read.

    Connect it with ``read.connect_var(var)``: ``data`` then has the shape ``var.shape +
    (buffer,)``.

    Parameters
    ----------
    buffer : int
        Reads kept (older ones are overwritten).
    interval : int
        Steps between reads.
    offset : int
        Phase of the reads (taken modulo ``interval``).

    Notes
    -----
    Vars: ``interval``, ``offset`` (shape ``(1,)``), ``data``. Port: ``state`` (RefPort). The
    read runs in the post-management phase (on the compiled backend: a kernel reading the Var
    through the kernel hook's ``ref_ports``).
    """

    def __init__(self, *, buffer: int, interval: int = 1, offset: int = 0, name: str | None = None, **kwargs):
        buffer = check_int(buffer, f"{name or 'Read'}::Read.buffer", minimum=1)
        interval = check_int(interval, f"{name or 'Read'}::Read.interval", minimum=1)
        super().__init__(buffer=buffer, interval=interval, offset=offset, name=name, **kwargs)
        self.interval = Var((1,), interval)
        self.offset = Var((1,), offset % interval)
        self.buffer = buffer
        self.state = RefPort((1,))
        self.data = Var(shape=(1, buffer), init=np.zeros((1, buffer)))

    def connect_var(self, var: Var) -> None:
        """Record ``var``."""
        self.state = RefPort(var.shape)
        self.state.connect_var(var)
        self.data = Var(shape=var.shape + (self.buffer,), init=np.zeros(var.shape + (self.buffer,)))


class AbstractPyRead(PyLoihiProcessModel):
    """Post-management read through the RefPort, on the steps the interval and offset select."""

    interval: Any = LavaPyType(np.ndarray, int)
    offset: Any = LavaPyType(np.ndarray, int)
    state: Any
    data: Any

    def __init__(self, proc_params=None):
        super().__init__(proc_params)
        #: reads so far, in an array the compiled backend's kernel updates in place
        self.count = np.zeros(1, np.int64)

    @property
    def counter(self) -> int:
        """Reads so far (Lava's attribute)."""
        return int(self.count[0])

    @counter.setter
    def counter(self, value: int) -> None:
        self.count[0] = value

    def post_guard(self) -> bool:
        return bool((self.time_step - 1) % self.interval[0] == self.offset[0])

    def run_post_mgmt(self) -> None:
        self.data[..., self.counter % self.data.shape[-1]] = self.state.read()
        self.counter += 1

    def kernel(self):
        from neuroproc.proc.io._kernels import read_spec

        return read_spec()


@implements(proc=Read, protocol=LoihiProtocol)
@requires(CPU)
@tag("fixed_pt")
class PyReadFixed(AbstractPyRead):
    """Read into int32 ``data``."""

    state: Any = LavaPyType(PyRefPort.VEC_DENSE, np.int32)
    data: Any = LavaPyType(np.ndarray, np.int32)


@implements(proc=Read, protocol=LoihiProtocol)
@requires(CPU)
@tag("floating_pt")
class PyReadFloat(AbstractPyRead):
    """Read into float ``data``."""

    state: Any = LavaPyType(PyRefPort.VEC_DENSE, float)
    data: Any = LavaPyType(np.ndarray, float)
