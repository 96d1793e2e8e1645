"""``lava.proc.sparse.process.Sparse`` under the Lava layer: ``weights`` (its ``get()`` and, for
Lava code, its ``init``) reads as a ``csr_matrix``.

neuroproc's :class:`~neuroproc.proc.sparse.process.Sparse` keeps the stored weight values once,
in compressed-column order (the order a spike reads them). Lava code reads
``sparse.weights.get()`` as a ``scipy.sparse.csr_matrix`` and may ``set`` one; this subclass
converts at that boundary only, so storage, models and kernels are unchanged. Subclasses of
Sparse added to ``neuroproc.proc.sparse.process`` get the same view without an edit here.
"""
from __future__ import annotations

import sys
from typing import Any

import numpy as np
import scipy.sparse as sp

from neuroproc.exceptions import ShapeError
from neuroproc.proc.sparse.process import Sparse as _Sparse
from neuroproc.variable import Var

__all__ = ["CsrWeights"]


class CsrWeights(Var):
    """A per-synapse Var of a Sparse (``weights``, ``delays``), read and written as a ``csr_matrix``."""

    def _structure(self) -> tuple:
        owner: Any = self.process  # a Sparse: this Var class is given to Sparse.weights only
        p = owner.proc_params
        return p["shape"], p["rows"].astype(np.int64), p["col_ptr"]

    def __getattribute__(self, name: str) -> Any:
        # Lava code reads ``weights.init`` as the csr_matrix it passed; neuroproc's own modules
        # (compiler, runtime) keep reading the stored values
        value = object.__getattribute__(self, name)
        if name == "init" and not sys._getframe(1).f_globals.get("__name__", "").startswith("neuroproc."):
            return self._csr(value)
        return value

    def _csr(self, values) -> sp.csr_matrix:
        shape, rows, col_ptr = self._structure()
        return sp.csc_matrix((np.array(np.broadcast_to(values, rows.shape)), rows, col_ptr.copy()),
                             shape=shape).tocsr()

    def get(self, idx=None):
        """The weights as a ``csr_matrix`` (``idx`` indexes the stored values instead)."""
        values = Var.get(self)
        if idx is not None:
            return values[idx]
        return self._csr(values)

    def set(self, value, idx=None) -> None:
        """Set from a sparse matrix with the same stored entries, or from stored values."""
        if idx is None and sp.issparse(value):
            shape, rows, col_ptr = self._structure()
            csc = sp.csc_matrix(value, copy=True)
            csc.sum_duplicates()
            if csc.shape != shape or csc.nnz != rows.size or not (
                    np.array_equal(csc.indices, rows) and np.array_equal(csc.indptr, col_ptr)):
                raise ShapeError(f"{self.who}.set: the matrix has other stored entries than the "
                                 f"Sparse's (got shape {csc.shape}, {csc.nnz} entries). Build a new "
                                 "Sparse to change the connectivity.")
            value = csc.data
        Var.set(self, value, idx)


def _lava_view(cls: type) -> type:
    """A subclass of a neuroproc Sparse class whose ``weights`` speak ``csr_matrix``."""

    def __init__(self, *args, **kwargs) -> None:
        base_init: Any = getattr(cls, "__init__")
        base_init(self, *args, **kwargs)
        # the same Var objects, seen through the Lava-facing get/set (DelaySparse's delays and
        # LearningSparse's tags too: they hold one value per stored synapse in the same order)
        for name in _PER_SYNAPSE:
            var = getattr(self, name, None)
            if isinstance(var, Var) and var.shape == self.weights.shape:
                var.__class__ = CsrWeights

    # the class lives where its base lives, so model discovery looks beside the real Process
    view: type = type(cls.__name__, (cls,), {"__init__": __init__, "__doc__": cls.__doc__,
                                       "__module__": cls.__module__, "__qualname__": cls.__qualname__})
    return view


_VIEWS: dict[type, type] = {}
#: Vars of a Sparse class that hold one value per stored synapse (LearningSparse's tags too)
_PER_SYNAPSE = ("weights", "delays", "tag_1", "tag_2")


def __getattr__(name: str):
    """``Sparse`` and every Sparse subclass of ``neuroproc.proc.sparse.process`` (LearningSparse,
    DelaySparse, ... when they exist) as their Lava-facing view; AttributeError otherwise."""
    import neuroproc.proc.sparse.process as native

    cls = getattr(native, name, None)
    if isinstance(cls, type) and issubclass(cls, _Sparse):
        if cls not in _VIEWS:
            _VIEWS[cls] = _lava_view(cls)
        return _VIEWS[cls]
    raise AttributeError(name)
