"""Sparse synapses: ``Sparse`` (a scipy.sparse weight matrix) and its float and bit-accurate models."""
from __future__ import annotations

from neuroproc.proc.sparse.models import PySparseModelBitAcc, PySparseModelFloat
from neuroproc.proc.sparse.process import Sparse

__all__ = ["PySparseModelBitAcc", "PySparseModelFloat", "Sparse"]
