"""``RSTDPLIF``: the post neuron of Lava's own R-STDP test (``tests/lava/proc/dense/test_stdp_sim.py``),
rebuilt on neuroproc's LearningLIF models (Lava ships no CPU model of LearningLIF that sends
post traces).

Per step: ``y1 = y1 * exp(-1/post_trace_decay_tau) + post_trace_kernel_magnitude * s_prev``
(``s_prev``: the previous step's spikes; fixed point: ``floor`` of that), the LIF step,
``y2 = a_third_factor_in``; then it sends this step's spikes on ``s_out_bap`` and ``y1``,
``y2``, ``y3``.
"""
from __future__ import annotations

import numpy as np

from neuroproc.decorators import implements, requires, tag
from neuroproc.learning.neuron import LearningNeuronModelFixed, LearningNeuronModelFloat
from neuroproc.model import LavaPyType
from neuroproc.proc.lif.models import AbstractPyLifModelFixed, AbstractPyLifModelFloat, PyLifModelBitAcc
from neuroproc.proc.lif.process import LearningLIF
from neuroproc.py_ports import PyOutPort
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol


class RSTDPLIF(LearningLIF):
    """A LearningLIF whose models send the post trace and the reward."""


class _RSTDPStep:
    FLOOR = False

    def __init__(self, proc_params=None):
        super().__init__(proc_params)
        self.s_prev = np.zeros(self.proc_params["shape"])

    def run_spk(self) -> None:
        rule = self._learning_rule
        y1 = self.y1 * np.exp(-1 / rule.post_trace_decay_tau) + rule.post_trace_kernel_magnitude * self.s_prev
        self.y1 = np.floor(y1) if self.FLOOR else y1
        self.subthr_dynamics(self.a_in.recv())
        spikes = self.spiking_activation()
        self.reset_voltage(spikes)
        self.s_out.send(spikes)
        self.s_prev = spikes
        self.y2 = self.a_third_factor_in.recv()
        self.s_out_bap.send(spikes)
        self.s_out_y1.send(self.y1)
        self.s_out_y2.send(self.y2)
        self.s_out_y3.send(self.y3)


@implements(proc=RSTDPLIF, protocol=LoihiProtocol)
@tag("floating_pt")
@requires(CPU)
class RSTDPLIFModelFloat(_RSTDPStep, LearningNeuronModelFloat, AbstractPyLifModelFloat):
    s_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, float)
    vth: float = LavaPyType(float, float)

    def spiking_activation(self):
        return self.v > self.vth


@implements(proc=RSTDPLIF, protocol=LoihiProtocol)
@tag("bit_accurate_loihi", "fixed_pt")
@requires(CPU)
class RSTDPLIFBitAcc(_RSTDPStep, LearningNeuronModelFixed, PyLifModelBitAcc):
    FLOOR = True

    def kernel(self):
        return None
