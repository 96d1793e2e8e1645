"""LearningDense models: floating point (``floating_pt``) and bit-approximate
(``bit_approximate_loihi``, ``fixed_pt``).

Each is the Dense model of the same arithmetic plus the learning mixin of
:mod:`neuroproc.learning.connection`: the Dense step calls the mixin's ``spikes_received`` hook
(traces), the learning phase applies the rule. Neither subclasses a registered Dense model, so
nothing that recognises a plain Dense (such as folding linear chains) takes them for one.
"""
from __future__ import annotations

from neuroproc.decorators import implements, requires, tag
from neuroproc.learning.connection import LearningConnectionModelBitApproximate, LearningConnectionModelFloat
from neuroproc.proc.dense.learning_process import LearningDense
from neuroproc.proc.dense.models import (
    AbstractPyDenseModel,
    AbstractPyDenseModelBitAcc,
    BitAccConnectionTypes,
    FloatConnectionTypes,
)
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol

__all__ = ["PyLearningDenseModelBitApproximate", "PyLearningDenseModelFloat"]


@implements(proc=LearningDense, protocol=LoihiProtocol)
@tag("floating_pt")
@requires(CPU)
class PyLearningDenseModelFloat(LearningConnectionModelFloat, FloatConnectionTypes, AbstractPyDenseModel):
    """Float LearningDense: float64 weights, traces and tags."""

    def kernel(self):
        from neuroproc.learning._kernels import learning_spec

        return learning_spec(self)


@implements(proc=LearningDense, protocol=LoihiProtocol)
@tag("bit_approximate_loihi", "fixed_pt")
@requires(CPU)
class PyLearningDenseModelBitApproximate(LearningConnectionModelBitApproximate, BitAccConnectionTypes,
                                         AbstractPyDenseModelBitAcc):
    """Bit-approximate LearningDense: int32 weights (8 bits + sign), int64 traces and tags."""

    def kernel(self):
        from neuroproc.learning._kernels import learning_spec

        return learning_spec(self)
