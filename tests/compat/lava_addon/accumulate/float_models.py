"""Accumulate's model lives in a module not called ``models`` (discovery looks at every module)."""
from __future__ import annotations

import numpy as np

from neuroproc import LavaPyType, LoihiProtocol, PyInPort, PyLoihiProcessModel, implements, tag
from tests.compat.lava_addon.accumulate.process import Accumulate


@implements(proc=Accumulate, protocol=LoihiProtocol)
@tag("floating_pt")
class PyAccumulateModel(PyLoihiProcessModel):
    total = LavaPyType(np.ndarray, float)
    a_in = LavaPyType(PyInPort.VEC_DENSE, float)

    def run_spk(self):
        self.total += self.a_in.recv()
