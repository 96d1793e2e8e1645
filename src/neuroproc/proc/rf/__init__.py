"""Resonate-and-fire neurons: ``RF`` and its float and fixed models."""
from __future__ import annotations

from neuroproc.proc.rf.models import PyRFModelFixed, PyRFModelFloat
from neuroproc.proc.rf.process import RF

__all__ = ["PyRFModelFixed", "PyRFModelFloat", "RF"]
