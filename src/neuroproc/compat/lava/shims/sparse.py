"""``lava.proc.sparse.process.Sparse`` under the Lava layer: ``weights`` reads as a ``csr_matrix``.

neuroproc's :class:`~neuroproc.proc.sparse.process.Sparse` keeps the stored weight values once,
in compressed-column order (the order a spike reads them). Lava code reads
``sparse.weights.get()`` as a ``scipy.sparse.csr_matrix`` and may ``set`` one; this subclass
converts at that boundary only, so storage, models and kernels are unchanged.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from neuroproc.exceptions import ShapeError
from neuroproc.proc.sparse.process import Sparse as _Sparse
from neuroproc.variable import Var

__all__ = ["Sparse"]


class CsrWeights(Var):
    """The ``weights`` Var of a Sparse, read and written as a ``csr_matrix``."""

    def _structure(self) -> tuple:
        owner: Any = self.process  # a Sparse: this Var class is given to Sparse.weights only
        p = owner.proc_params
        return p["shape"], p["rows"].astype(np.int64), p["col_ptr"]

    def get(self, idx=None):
        """The weights as a ``csr_matrix`` (``idx`` indexes the stored values instead)."""
        values = Var.get(self)
        if idx is not None:
            return values[idx]
        shape, rows, col_ptr = self._structure()
        return sp.csc_matrix((values, rows, col_ptr.copy()), shape=shape).tocsr()

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


class Sparse(_Sparse):
    __doc__ = _Sparse.__doc__

    def __init__(self, weights, **kwargs):
        super().__init__(weights, **kwargs)
        # the same Var object, seen through the Lava-facing get/set
        self.weights.__class__ = CsrWeights
