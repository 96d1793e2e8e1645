"""ConvInTime models: ``PyConvInTimeFloat`` (``floating_pt``) and ``PyConvInTimeFixed`` (``fixed_pt``).

Both are float in Lava 0.10 (the "fixed" model declares float types and never clamps); they share
:class:`AbstractPyConvInTimeModel`, the delay connections' ring-buffer step
(:class:`~neuroproc.proc.dense.models.AbstractPyDelayModel`) with one weight matrix per column.
Each column's sum is ``sum(W[K-1-i] * s, axis=-1)``: numpy's pairwise row sum, zeros included,
which the kernel reproduces.
"""
from __future__ import annotations

import numpy as np

from neuroproc._validation import who
from neuroproc.compiler.linear_map import LinearMap
from neuroproc.decorators import implements, requires, tag
from neuroproc.proc.conv_in_time.process import ConvInTime
from neuroproc.proc.dense.models import AbstractPyDelayModel, FloatConnectionTypes
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol

__all__ = ["AbstractPyConvInTimeModel", "PyConvInTimeFixed", "PyConvInTimeFloat"]


class AbstractPyConvInTimeModel(FloatConnectionTypes, AbstractPyDelayModel):
    """Column ``i`` of the accumulation is ``W[K-1-i] @ s`` (summed along rows, as Lava does)."""

    def accumulate(self, s_in: np.ndarray) -> np.ndarray:
        s = self._spikes(s_in)
        k = self.weights.shape[0]
        return np.stack([np.sum(self.weights[k - 1 - i] * s, axis=-1) for i in range(k)], axis=1)

    @classmethod
    def linear_map(cls, proc) -> LinearMap | None:
        return LinearMap("s_in", "a_out", refused=(
            f"{who(proc)} spreads every input over {proc.weights.shape[0]} steps: it is not one matrix with "
            "one delay"))

    def kernel(self):
        from neuroproc.proc.conv_in_time._kernels import conv_in_time_spec

        return conv_in_time_spec(self)


@implements(proc=ConvInTime, protocol=LoihiProtocol)
@requires(CPU)
@tag("floating_pt")
class PyConvInTimeFloat(AbstractPyConvInTimeModel):
    """Float ConvInTime (tag ``floating_pt``): float64 weights, ``a_buff`` and ``a_out``."""


@implements(proc=ConvInTime, protocol=LoihiProtocol)
@requires(CPU)
@tag("fixed_pt")
class PyConvInTimeFixed(AbstractPyConvInTimeModel):
    """ConvInTime for fixed-point networks (tag ``fixed_pt``): float64 like the float model, as in
    Lava 0.10, whose fixed model declares float types and never clamps (a quirk kept here)."""
