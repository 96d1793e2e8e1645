"""Leaky integrate-and-fire neurons: ``LIF`` and its float and bit-accurate models."""
from __future__ import annotations

from neuroproc.proc.lif.models import PyLifModelBitAcc, PyLifModelFloat
from neuroproc.proc.lif.process import LIF

__all__ = ["LIF", "PyLifModelBitAcc", "PyLifModelFloat"]
