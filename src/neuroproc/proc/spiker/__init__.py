"""Spiker: a periodic test source."""
from __future__ import annotations

from neuroproc.proc.spiker.models import SpikerModel
from neuroproc.proc.spiker.process import Spiker

__all__ = ["Spiker", "SpikerModel"]
