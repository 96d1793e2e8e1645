"""LearningLIF: LIF neurons with the ports and Vars of plastic neurons."""
from __future__ import annotations

from neuroproc.learning.neuron_process import LearningNeuronProcess
from neuroproc.proc.lif.process import LIF

__all__ = ["LearningLIF"]


class LearningLIF(LearningNeuronProcess, LIF):
    """LIF with learning ports (Lava's ``lava.proc.lif.process.LearningLIF``).

    Same dynamics and parameters as :class:`~neuroproc.proc.lif.process.LIF`, plus
    ``learning_rule`` (kept for models that compute post traces), the in-port
    ``a_third_factor_in``, the out-ports ``s_out_bap``, ``s_out_y1..y3`` and the Vars ``y1..y3``.
    Its standard models are plain LIF models, as in Lava: connect ``s_out`` to a plastic
    connection's ``s_in_bap`` for a two-factor rule; a three-factor rule needs a model that
    sends the traces.
    """

    def __init__(self, shape, *, learning_rule=None, **kwargs):
        LIF.__init__(self, shape, learning_rule=learning_rule, **kwargs)
        self.init_learning_neuron(self.shape)
