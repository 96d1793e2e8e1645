"""Types of plastic neuron models (Lava's ``lava.magma.core.model.py.neuron``).

Mixins placed before a neuron model in the bases: they declare the learning ports and Vars and
keep the learning rule (``self._learning_rule``) and shape. Lava's own ``LearningLIF`` models
behave as plain LIF -- they never send on ``s_out_bap`` or ``s_out_y1..y3``; these send the
spikes and the (unchanged) ``y1..y3`` Vars. A three-factor rule needs a neuron model that
computes the traces (see the R-STDP tutorial).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from neuroproc.model import LavaPyType
from neuroproc.py_ports import PyInPort, PyOutPort

__all__ = ["LearningNeuronModel", "LearningNeuronModelFixed", "LearningNeuronModelFloat", "LearningNeuronSends"]


if TYPE_CHECKING:  # the mixin always sits before a Python LIF model in the bases
    from neuroproc.proc.lif.models import AbstractPyLifModel as _NeuronBase
else:
    _NeuronBase = object


class LearningNeuronModel(_NeuronBase):
    """Keeps ``proc_params['learning_rule']`` and ``['shape']`` as ``_learning_rule``, ``_shape``;
    ``s_out_buff`` (the last spikes, which the LIF step keeps) starts at zeros."""

    # declared (with their types) by the subclasses
    s_out_bap: Any
    s_out_y1: Any
    s_out_y2: Any
    s_out_y3: Any
    y1: np.ndarray
    y2: np.ndarray
    y3: np.ndarray

    def __init__(self, proc_params=None) -> None:
        super().__init__(proc_params)
        self._shape = self.proc_params["shape"]
        self._learning_rule = self.proc_params.get("learning_rule")
        self.s_out_buff: np.ndarray = np.zeros(self._shape, bool)


class LearningNeuronSends(LearningNeuronModel):
    """After the neuron's step, send its spikes on ``s_out_bap`` and ``y1..y3`` on
    ``s_out_y1..y3`` (used by the LearningLIF models; Lava's send nothing there, so a Lava network
    that connects them cannot run -- here ``s_out_bap`` feeds a two-factor rule directly, and a
    subclass that fills ``y1..y3`` before the step feeds a three-factor rule)."""

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
