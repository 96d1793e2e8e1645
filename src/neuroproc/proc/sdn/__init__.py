"""Sigma-delta neurons (``Sigma``, ``Delta``, ``SigmaDelta``) and their float and fixed models."""
from __future__ import annotations

from neuroproc.proc.sdn.models import (
    PyDeltaModelFixed,
    PyDeltaModelFloat,
    PySigmaDeltaModelFixed,
    PySigmaDeltaModelFloat,
    PySigmaModelFixed,
    PySigmaModelFloat,
)
from neuroproc.proc.sdn.process import ActivationMode, Delta, Sigma, SigmaDelta

__all__ = [
    "ActivationMode",
    "Delta",
    "PyDeltaModelFixed",
    "PyDeltaModelFloat",
    "PySigmaDeltaModelFixed",
    "PySigmaDeltaModelFloat",
    "PySigmaModelFixed",
    "PySigmaModelFloat",
    "Sigma",
    "SigmaDelta",
]
