"""LearningSparse models: the Sparse models plus the learning mixin (see
:mod:`neuroproc.proc.dense.learning_models`); weights and tags are the stored values in CSC order."""
from __future__ import annotations

from neuroproc.decorators import implements, requires, tag
from neuroproc.learning.connection import LearningConnectionModelBitApproximate, LearningConnectionModelFloat
from neuroproc.proc.dense.models import AbstractPyDenseModelBitAcc, BitAccConnectionTypes, FloatConnectionTypes
from neuroproc.proc.sparse.learning_process import LearningSparse
from neuroproc.proc.sparse.models import AbstractPySparseModel
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol

__all__ = ["PyLearningSparseModelBitApproximate", "PyLearningSparseModelFloat"]


@implements(proc=LearningSparse, protocol=LoihiProtocol)
@tag("floating_pt")
@requires(CPU)
class PyLearningSparseModelFloat(LearningConnectionModelFloat, FloatConnectionTypes, AbstractPySparseModel):
    """Float LearningSparse."""

    SPARSE = True

    def kernel(self):
        from neuroproc.learning._kernels import learning_spec

        return learning_spec(self)


@implements(proc=LearningSparse, protocol=LoihiProtocol)
@tag("bit_approximate_loihi", "fixed_pt")
@requires(CPU)
class PyLearningSparseModelBitApproximate(LearningConnectionModelBitApproximate, BitAccConnectionTypes,
                                          AbstractPySparseModel, AbstractPyDenseModelBitAcc):
    """Bit-approximate LearningSparse (int64 sums of the int32 weights, as the bit-accurate Sparse)."""

    SPARSE = True

    def kernel(self):
        from neuroproc.learning._kernels import learning_spec

        return learning_spec(self)

    def _from_float_sum(self, acc):
        import numpy as np

        return acc.astype(np.int64)
