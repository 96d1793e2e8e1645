"""``RFZero``: resonate-and-fire neurons with graded spikes at the zero-phase crossing."""
from __future__ import annotations

from neuroproc.proc.resfire.models import PyRFZeroModelFixed
from neuroproc.proc.resfire.process import RFZero

__all__ = ["PyRFZeroModelFixed", "RFZero"]
