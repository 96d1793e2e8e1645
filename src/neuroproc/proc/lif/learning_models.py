"""LearningLIF models: the LIF models plus the learning ports (see
:mod:`neuroproc.learning.neuron`: they also send the spikes on ``s_out_bap``)."""
from __future__ import annotations

from neuroproc.decorators import implements, requires, tag
from neuroproc.learning.neuron import LearningNeuronModelFixed, LearningNeuronModelFloat, LearningNeuronSends
from neuroproc.proc.lif.learning_process import LearningLIF
from neuroproc.proc.lif.models import PyLifModelBitAcc, PyLifModelFloat
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol

__all__ = ["PyLearningLIFModelFixed", "PyLearningLifModelFloat"]


@implements(proc=LearningLIF, protocol=LoihiProtocol)
@tag("floating_pt")
@requires(CPU)
class PyLearningLifModelFloat(LearningNeuronSends, LearningNeuronModelFloat, PyLifModelFloat):
    """Float LearningLIF: the float LIF step, then the learning sends."""

    def kernel(self):
        from neuroproc.proc.lif._learning_kernels import learning_float_spec

        return learning_float_spec(self)


@implements(proc=LearningLIF, protocol=LoihiProtocol)
@tag("bit_accurate_loihi", "fixed_pt")
@requires(CPU)
class PyLearningLIFModelFixed(LearningNeuronSends, LearningNeuronModelFixed, PyLifModelBitAcc):
    """Bit-accurate LearningLIF: the bit-accurate LIF step, then the learning sends."""

    def kernel(self):
        from neuroproc.proc.lif._learning_kernels import learning_bitacc_spec

        return learning_bitacc_spec(self)
