"""Leaky integrate-and-fire neurons: ``LIF``, ``LIFReset``, ``LIFRefractory``, ``TernaryLIF`` and
their float and bit-accurate models."""
from __future__ import annotations

from neuroproc.proc.lif.models import (
    PyLifModelBitAcc,
    PyLifModelFloat,
    PyLifRefractoryModelFloat,
    PyLifResetModelBitAcc,
    PyLifResetModelFloat,
    PyTernLifModelFixed,
    PyTernLifModelFloat,
)
from neuroproc.proc.lif.process import LIF, AbstractLIF, LIFRefractory, LIFReset, TernaryLIF

__all__ = [
    "AbstractLIF",
    "LIF",
    "LIFRefractory",
    "LIFReset",
    "PyLifModelBitAcc",
    "PyLifModelFloat",
    "PyLifRefractoryModelFloat",
    "PyLifResetModelBitAcc",
    "PyLifResetModelFloat",
    "PyTernLifModelFixed",
    "PyTernLifModelFloat",
    "TernaryLIF",
]
