"""Models of Pattern (found by discovery: nothing imports this module by name)."""
from __future__ import annotations

import numpy as np

from neuroproc import LavaPyType, LoihiProtocol, PyLoihiProcessModel, PyOutPort, implements, tag
from tests.compat.lava_addon.pattern.process import Pattern


@implements(proc=Pattern, protocol=LoihiProtocol)
@tag("floating_pt")
class PyPatternModel(PyLoihiProcessModel):
    pattern = LavaPyType(np.ndarray, float)
    s_out = LavaPyType(PyOutPort.VEC_DENSE, float)

    def run_spk(self):
        self.s_out.send(self.pattern[:, (self.time_step - 1) % self.pattern.shape[1]])
