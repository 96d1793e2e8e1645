"""Model of PrototypeLIF."""
from __future__ import annotations

from typing import Any

import numpy as np

from neuroproc.decorators import implements, requires, tag
from neuroproc.learning.neuron import LearningNeuronModelFixed
from neuroproc.model import LavaPyType
from neuroproc.proc.clp.prototype_lif.process import PrototypeLIF
from neuroproc.proc.lif.models import PyLifModelBitAcc
from neuroproc.py_ports import PyInPort
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol

__all__ = ["PrototypeLIFBitAcc"]

#: the y1 trace an allocated prototype gets: the largest 7-bit trace, a one-shot learning rate
ALLOCATED_Y1 = 127


@implements(proc=PrototypeLIF, protocol=LoihiProtocol)
@requires(CPU)
@tag("bit_accurate_loihi", "fixed_pt")
class PrototypeLIFBitAcc(LearningNeuronModelFixed, PyLifModelBitAcc):
    """Bit-accurate PrototypeLIF (tags ``bit_accurate_loihi``, ``fixed_pt``), with a kernel.

    Per step, in Lava's order: the bit-accurate LIF update; ``u = v = 0`` where ``reset_in`` is
    set; spikes where ``v > vth << 6``; an allocation id ``k`` (first entry of the third factor)
    replaces the spikes by a one-hot spike of neuron ``k - 1``, sent on ``s_out`` and
    ``s_out_bap``, and sets ``y1 = 127`` there (0 elsewhere; ``y1`` keeps its value between
    allocations). ``s_out``, ``s_out_bap`` and ``y1..y3`` are sent; spiking neurons restart at
    ``v = 0``.
    """

    reset_in: Any = LavaPyType(PyInPort.VEC_DENSE, np.int32, precision=1)

    def kernel(self):
        from neuroproc.proc.clp._kernels import prototype_spec

        return prototype_spec(self)

    def run_spk(self) -> None:
        a_in = self.a_in.recv()
        third = self.a_third_factor_in.recv().astype(np.int32)
        reset = self.reset_in.recv() > 0
        self.subthr_dynamics(activation_in=a_in)
        self.u[reset] = 0
        self.v[reset] = 0
        bap = np.zeros(self.s_out_bap.shape, dtype=bool)
        if third.ravel()[0] != 0:
            bap.ravel()[third.ravel()[0] - 1] = True
        spikes = self.spiking_activation()
        if bap.any():
            self.y1[...] = bap * ALLOCATED_Y1
            spikes = bap.copy()
        self.s_out_buff = spikes
        self.s_out.send(spikes)
        self.s_out_bap.send(bap)
        self.s_out_y1.send(self.y1)
        self.s_out_y2.send(self.y2)
        self.s_out_y3.send(self.y3)
        self.reset_voltage(spike_vector=spikes)
