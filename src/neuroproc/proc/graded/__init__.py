"""Graded-spike neurons: ``GradedVec``, ``GradedReluVec``, ``NormVecDelay``, ``InvSqrt``."""
from __future__ import annotations

from neuroproc.proc.graded.models import (
    InvSqrtModelFloat,
    InvSqrtModelFP,
    NormVecDelayModel,
    PyGradedReluVecModelFixed,
    PyGradedVecModelFixed,
)
from neuroproc.proc.graded.process import GradedReluVec, GradedVec, InvSqrt, NormVecDelay

__all__ = [
    "GradedReluVec",
    "GradedVec",
    "InvSqrt",
    "InvSqrtModelFP",
    "InvSqrtModelFloat",
    "NormVecDelay",
    "NormVecDelayModel",
    "PyGradedReluVecModelFixed",
    "PyGradedVecModelFixed",
]
