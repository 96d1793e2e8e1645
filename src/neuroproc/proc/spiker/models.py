"""SpikerModel: the CPU model of :class:`~neuroproc.proc.spiker.process.Spiker` (untagged, as in Lava)."""
from __future__ import annotations

import numpy as np
from numba import njit

from neuroproc.decorators import implements, requires
from neuroproc.model import LavaPyType, PyLoihiProcessModel
from neuroproc.proc.spiker.process import Spiker
from neuroproc.py_ports import PyOutPort
from neuroproc.resources import CPU
from neuroproc.runtime.kernels import KernelSpec
from neuroproc.sync import LoihiProtocol

__all__ = ["SpikerModel"]


@njit(cache=True)
def spiker_step(t, rate, counter, payload, s_out):
    r, c, p, out = rate.reshape(-1), counter.reshape(-1), payload.reshape(-1), s_out.reshape(-1)
    for i in range(out.size):
        if c[i] == r[i]:
            out[i] = p[i]
            c[i] = 1
        else:
            out[i] = 0
            c[i] += 1


@implements(proc=Spiker, protocol=LoihiProtocol)
@requires(CPU)
class SpikerModel(PyLoihiProcessModel):
    """int64 ``rate``, ``counter``, ``payload`` and messages."""

    s_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, int)
    rate: np.ndarray = LavaPyType(np.ndarray, int, 32)
    counter: np.ndarray = LavaPyType(np.ndarray, int, 32)
    payload: np.ndarray = LavaPyType(np.ndarray, int, 32)

    def run_spk(self) -> None:
        fire = self.counter == self.rate
        self.s_out.send(np.where(fire, self.payload, 0))
        self.counter = np.where(fire, 1, self.counter + 1)

    def kernel(self) -> KernelSpec:
        return KernelSpec(step=spiker_step, arrays=("rate", "counter", "payload"), out_ports=("s_out",),
                          label="spiker")
