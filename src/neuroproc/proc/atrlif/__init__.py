"""Adaptive threshold and refractoriness LIF neurons: ``ATRLIF`` and its float and fixed models."""
from __future__ import annotations

from neuroproc.proc.atrlif.models import PyATRLIFModelFixed, PyATRLIFModelFloat
from neuroproc.proc.atrlif.process import ATRLIF

__all__ = ["ATRLIF", "PyATRLIFModelFixed", "PyATRLIFModelFloat"]
