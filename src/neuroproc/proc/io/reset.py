"""``Reset`` (Lava's ``lava.proc.io.reset``): writes a value into a Var every ``interval`` steps.

At the steps ``t`` with ``(t - 1) % interval == offset % interval`` the post-management phase
sets every element of the connected Var (:meth:`Reset.connect_var`) to ``reset_value``.
"""
from __future__ import annotations

import numpy as np

from neuroproc.decorators import implements, requires, tag
from neuroproc.model import LavaPyType, PyLoihiProcessModel
from neuroproc.ports import RefPort
from neuroproc.process import AbstractProcess
from neuroproc.py_ports import PyRefPort
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol
from neuroproc.variable import Var

__all__ = ["PyResetFixed", "PyResetFloat", "Reset"]


class Reset(AbstractProcess):
    """Sets a Var of another Process to ``reset_value`` every ``interval`` steps, phase ``offset``.

    Vars: ``reset_value``, ``interval``, ``offset``. Ports: ``state`` (RefPort; connect it with
    :meth:`connect_var`).
    """

    def __init__(self, *, reset_value: int | float = 0, interval: int = 1, offset: int = 0,
                 **kwargs) -> None:
        super().__init__(reset_value=reset_value, interval=interval, offset=offset, **kwargs)
        self.reset_value = Var((1,), init=reset_value)
        self.interval = Var((1,), init=interval)
        self.offset = Var((1,), init=offset % interval)
        self.state = RefPort((1,))

    def connect_var(self, var: Var) -> None:
        """Reset ``var``."""
        self.state = RefPort(var.shape)
        self.state.connect_var(var)


class AbstractPyReset(PyLoihiProcessModel):
    """Writes ``reset_value`` through ``state`` when the step is due."""

    state: PyRefPort
    reset_value: np.ndarray = LavaPyType(np.ndarray, int)
    interval: np.ndarray = LavaPyType(np.ndarray, int)
    offset: np.ndarray = LavaPyType(np.ndarray, int)

    def post_guard(self) -> bool:
        return (self.time_step - 1) % int(self.interval[0]) == int(self.offset[0])

    def run_post_mgmt(self) -> None:
        self.state.write(np.full(self.state.shape, self.reset_value[0]))

    def kernel(self):
        from neuroproc.proc.io._kernels import reset_spec

        return reset_spec()


@implements(proc=Reset, protocol=LoihiProtocol)
@requires(CPU)
@tag("fixed_pt")
class PyResetFixed(AbstractPyReset):
    """Writes ints."""

    state: PyRefPort = LavaPyType(PyRefPort.VEC_DENSE, int)


@implements(proc=Reset, protocol=LoihiProtocol)
@requires(CPU)
@tag("floating_pt")
class PyResetFloat(AbstractPyReset):
    """Writes floats."""

    state: PyRefPort = LavaPyType(PyRefPort.VEC_DENSE, float)
    reset_value: np.ndarray = LavaPyType(np.ndarray, float)
