"""Convolutional synapses: ``Conv``, its float and fixed-point models, and the arithmetic in ``utils``."""
from __future__ import annotations

from neuroproc.proc.conv.models import PyConvModelFixed, PyConvModelFloat
from neuroproc.proc.conv.process import Conv

__all__ = ["Conv", "PyConvModelFixed", "PyConvModelFloat"]
