"""ProdNeuron's model (fixed point, ``fixed_pt``), as in Lava 0.10."""
from __future__ import annotations

from typing import Any

import numpy as np

from neuroproc.decorators import implements, requires, tag
from neuroproc.model import LavaPyType, PyLoihiProcessModel
from neuroproc.proc.graded.models import graded_spikes
from neuroproc.proc.prodneuron.process import ProdNeuron
from neuroproc.py_ports import PyInPort, PyOutPort
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol

__all__ = ["PyProdNeuronModelFixed"]


@implements(proc=ProdNeuron, protocol=LoihiProtocol)
@tag("fixed_pt")
@requires(CPU)
class PyProdNeuronModelFixed(PyLoihiProcessModel):
    """Fixed-point ProdNeuron (tag ``fixed_pt``): ``v = (a1 * a2) >> exp`` in int32 (the
    product wraps, the shift is arithmetic), then :func:`~neuroproc.proc.graded.models.graded_spikes`."""

    a_in1: Any = LavaPyType(PyInPort.VEC_DENSE, np.int32, precision=24)
    a_in2: Any = LavaPyType(PyInPort.VEC_DENSE, np.int32, precision=24)
    s_out: Any = LavaPyType(PyOutPort.VEC_DENSE, np.int32, precision=24)
    v: Any = LavaPyType(np.ndarray, np.int32, precision=24)
    vth: Any = LavaPyType(np.ndarray, np.int32, precision=24)
    exp: Any = LavaPyType(np.ndarray, np.int32, precision=24)

    def run_spk(self) -> None:
        v = self.a_in1.recv() * self.a_in2.recv()
        v >>= self.exp
        self.s_out.send(graded_spikes(v, self.vth))

    def kernel(self):
        from neuroproc.proc.prodneuron._kernels import prod_spec

        return prod_spec(self)
