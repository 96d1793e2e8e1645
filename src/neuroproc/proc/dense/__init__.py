"""Dense synapses: ``Dense`` and its float and bit-accurate models."""
from __future__ import annotations

from neuroproc.proc.dense.models import PyDenseModelBitAcc, PyDenseModelFloat
from neuroproc.proc.dense.process import Dense

__all__ = ["Dense", "PyDenseModelBitAcc", "PyDenseModelFloat"]
