"""The ports and Vars of a plastic neuron Process (Lava's ``LearningNeuronProcess``)."""
from __future__ import annotations

from neuroproc.ports import InPort, OutPort
from neuroproc.process import AbstractProcess
from neuroproc.variable import Var

__all__ = ["LearningNeuronProcess"]


class LearningNeuronProcess(AbstractProcess):
    """Base of plastic neurons such as ``LearningLIF``: call :meth:`init_learning_neuron` after
    the neuron's own ``__init__``.

    Ports: ``a_third_factor_in`` (third factor, e.g. a reward), ``s_out_bap`` (back-propagated
    spikes), ``s_out_y1..y3`` (post traces for a three-factor rule), all of the first
    dimension of the shape. Vars: ``y1``, ``y2``, ``y3`` (the shape).
    """

    def init_learning_neuron(self, shape: tuple) -> None:
        n = (shape[0],)
        self.a_third_factor_in = InPort(shape=n)
        self.s_out_bap = OutPort(shape=n)
        self.s_out_y1 = OutPort(shape=n)
        self.s_out_y2 = OutPort(shape=n)
        self.s_out_y3 = OutPort(shape=n)
        self.y1 = Var(shape=shape, init=0)
        self.y2 = Var(shape=shape, init=0)
        self.y3 = Var(shape=shape, init=0)
