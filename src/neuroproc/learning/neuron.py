"""Types of plastic neuron models (Lava's ``lava.magma.core.model.py.neuron``).

Mixins placed before a neuron model in the bases: they declare the learning ports and Vars and
keep the learning rule (``self._learning_rule``) and shape. Lava's own ``LearningLIF`` models
behave as plain LIF -- they never send on ``s_out_bap`` or ``s_out_y1..y3``; these send the
spikes and the (unchanged) ``y1..y3`` Vars. A three-factor rule needs a neuron model that
computes the traces (see the R-STDP tutorial).
"""
from __future__ import annotations

import numpy as np

from neuroproc.model import LavaPyType
from neuroproc.py_ports import PyInPort, PyOutPort

__all__ = ["LearningNeuronModel", "LearningNeuronModelFixed", "LearningNeuronModelFloat"]


class LearningNeuronModel:
    """Keeps ``proc_params['learning_rule']`` and ``['shape']`` as ``_learning_rule``, ``_shape``;
    after the neuron's step sends its spikes on ``s_out_bap`` and ``y1..y3`` on ``s_out_y1..y3``
    (Lava's models send nothing there, so a Lava network that connects them cannot run; here
    ``s_out_bap`` feeds a two-factor rule directly)."""

    def __init__(self, proc_params=None) -> None:
        super().__init__(proc_params)
        self._shape = self.proc_params["shape"]
        self._learning_rule = self.proc_params.get("learning_rule")
        self.s_out_buff = None

    def spiking_activation(self):
        self.s_out_buff = super().spiking_activation()
        return self.s_out_buff

    def run_spk(self) -> None:
        super().run_spk()
        self.s_out_bap.send(self.s_out_buff)
        self.s_out_y1.send(self.y1)
        self.s_out_y2.send(self.y2)
        self.s_out_y3.send(self.y3)


class LearningNeuronModelFloat(LearningNeuronModel):
    """Float types: float third factor and traces, bool back-propagated spikes."""

    a_third_factor_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, float)
    s_out_bap: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, bool)
    s_out_y1: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, float)
    s_out_y2: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, float)
    s_out_y3: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, float)
    y1: np.ndarray = LavaPyType(np.ndarray, float)
    y2: np.ndarray = LavaPyType(np.ndarray, float)
    y3: np.ndarray = LavaPyType(np.ndarray, float)


class LearningNeuronModelFixed(LearningNeuronModel):
    """Fixed-point types: int32 third factor and traces (7 bits used)."""

    a_third_factor_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, np.int32, precision=7)
    s_out_bap: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, bool, precision=1)
    s_out_y1: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, np.int32, precision=7)
    s_out_y2: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, np.int32, precision=7)
    s_out_y3: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, np.int32, precision=7)
    y1: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=7)
    y2: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=7)
    y3: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=7)
