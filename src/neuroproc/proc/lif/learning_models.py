"""LearningLIF models: the LIF models plus the learning ports (see
:mod:`neuroproc.learning.neuron`: they also send the spikes on ``s_out_bap``)."""
from __future__ import annotations

from neuroproc.decorators import implements, requires, tag
from neuroproc.learning.neuron import LearningNeuronModelFixed, LearningNeuronModelFloat
from neuroproc.proc.lif.learning_process import LearningLIF
from neuroproc.proc.lif.models import PyLifModelBitAcc, PyLifModelFloat
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol

__all__ = ["PyLearningLIFModelFixed", "PyLearningLifModelFloat"]


@implements(proc=LearningLIF, protocol=LoihiProtocol)
@tag("floating_pt")
@requires(CPU)
class PyLearningLifModelFloat(LearningNeuronModelFloat, PyLifModelFloat):
    """Float LearningLIF: the float LIF step; runs on the python backend."""

    def kernel(self):
        return None


@implements(proc=LearningLIF, protocol=LoihiProtocol)
@tag("bit_accurate_loihi", "fixed_pt")
@requires(CPU)
class PyLearningLIFModelFixed(LearningNeuronModelFixed, PyLifModelBitAcc):
    """Bit-accurate LearningLIF: the bit-accurate LIF step; runs on the python backend."""

    def kernel(self):
        return None
