"""RFZero's model (fixed point, ``fixed_pt``), as in Lava 0.10."""
from __future__ import annotations

from typing import Any

import numpy as np

from neuroproc.decorators import implements, requires, tag
from neuroproc.model import LavaPyType, PyLoihiProcessModel
from neuroproc.proc.resfire.process import RFZero
from neuroproc.py_ports import PyInPort, PyOutPort
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol

__all__ = ["PyRFZeroModelFixed"]


@implements(proc=RFZero, protocol=LoihiProtocol)
@requires(CPU)
@tag("fixed_pt")
class PyRFZeroModelFixed(PyLoihiProcessModel):
    """Fixed-point RFZero (tag ``fixed_pt``): int32 arithmetic throughout, as Lava's -- the
    products ``u * lct`` wrap at 32 bits before the floor division by ``2**15``."""

    u_in: Any = LavaPyType(PyInPort.VEC_DENSE, np.int32, precision=24)
    v_in: Any = LavaPyType(PyInPort.VEC_DENSE, np.int32, precision=24)
    s_out: Any = LavaPyType(PyOutPort.VEC_DENSE, np.int32, precision=24)
    uth: Any = LavaPyType(np.ndarray, np.int32, precision=24)
    u: Any = LavaPyType(np.ndarray, np.int32, precision=24)
    v: Any = LavaPyType(np.ndarray, np.int32, precision=24)
    lst: Any = LavaPyType(np.ndarray, np.int32, precision=24)
    lct: Any = LavaPyType(np.ndarray, np.int32, precision=24)

    def run_spk(self) -> None:
        u_in, v_in = self.u_in.recv(), self.v_in.recv()
        new_u = (self.u * self.lct) // (2**15) - (self.v * self.lst) // (2**15) + u_in
        new_v = (self.v * self.lct) // (2**15) + (self.u * self.lst) // (2**15) + v_in
        s_out = new_u * (new_u > self.uth) * (new_v >= 0) * (self.v < 0)
        self.u[:] = new_u
        self.v[:] = new_v
        self.s_out.send(s_out)

    def kernel(self):
        from neuroproc.proc.resfire._kernels import rfzero_spec

        return rfzero_spec(self)
