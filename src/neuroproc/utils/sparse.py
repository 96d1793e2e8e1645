"""Sparse-matrix helpers (Lava's ``lava.utils.sparse``)."""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["find"]


def find(mat: sp.spmatrix, explicit_zeros: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row indices, column indices and values of the stored entries of ``mat``.

    Like ``scipy.sparse.find``, which drops stored zeros; with ``explicit_zeros`` they are kept
    (in Loihi's Sparse a stored zero is a synapse whose weight may change). Entries come in
    row-major order either way.

    Examples
    --------
    >>> m = sp.csr_matrix((np.array([0, 5]), (np.array([0, 1]), np.array([1, 0]))), shape=(2, 2))
    >>> find(m, explicit_zeros=True)
    (array([0, 1], dtype=int32), array([1, 0], dtype=int32), array([0, 5]))
    """
    if not explicit_zeros:
        return sp.find(mat)
    coo = sp.csr_matrix(mat, copy=True)
    coo.sum_duplicates()
    coo = coo.tocoo()
    order = np.lexsort((coo.col, coo.row))
    return coo.row[order], coo.col[order], coo.data[order]
