"""S4D neurons (diagonal state-space models): ``S4d``, ``SigmaS4dDelta``, ``SigmaS4dDeltaLayer``."""
from __future__ import annotations

from neuroproc.proc.s4d.models import PySigmaS4dDeltaModelFloat, S4dModel, SubDenseLayerModel
from neuroproc.proc.s4d.process import S4d, SigmaS4dDelta, SigmaS4dDeltaLayer

__all__ = ["PySigmaS4dDeltaModelFloat", "S4d", "S4dModel", "SigmaS4dDelta", "SigmaS4dDeltaLayer",
           "SubDenseLayerModel"]
