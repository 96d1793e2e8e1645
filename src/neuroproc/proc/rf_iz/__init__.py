"""Resonate-and-fire Izhikevich neurons: ``RF_IZ`` and its float and fixed models."""
from __future__ import annotations

from neuroproc.proc.rf_iz.models import PyRF_IZModelFixed, PyRF_IZModelFloat
from neuroproc.proc.rf_iz.process import RF_IZ

__all__ = ["PyRF_IZModelFixed", "PyRF_IZModelFloat", "RF_IZ"]
