"""utils.sparse.find: stored entries of a sparse matrix, explicit zeros included on request."""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from neuroproc.utils.sparse import find


def test_find_keeps_explicit_zeros_only_when_asked():
    rows, cols = np.array([0, 0, 2, 1]), np.array([2, 0, 1, 1])
    m = sp.csr_matrix((np.array([0.0, 4.0, 5.0, 0.0]), (rows, cols)), shape=(3, 3))
    r, c, v = find(m, explicit_zeros=True)
    assert list(zip(r, c, v)) == [(0, 0, 4.0), (0, 2, 0.0), (1, 1, 0.0), (2, 1, 5.0)]
    r, c, v = find(m)
    assert sorted(zip(r, c, v)) == [(0, 0, 4.0), (2, 1, 5.0)]
    assert m.nnz == 4  # the input is not changed
