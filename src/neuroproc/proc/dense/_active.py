"""Event-driven sum of the weight columns of active (binary) inputs, for the Dense python models.

Lava computes ``W[:, s].sum(axis=1)``. For more than one output row numpy starts that reduction
from zeros and adds the active columns one after the other, in ascending input order, each
output on its own (a sequential sum; only a single output row is contiguous and summed
pairwise). :func:`sum_active_rows` performs the very same additions, in the same order, on the
rows of ``W.T`` -- bit-identical floats -- but reads only the active rows once, without
gathering them into a temporary first (``W.T.take(idx).sum(axis=0)`` copies every active row,
then sums the copy).
"""
from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["active_sum", "sum_active_rows"]

#: weight dtypes summed by the jitted loop, with the dtype numpy's ``sum`` gives them
_SUM_DTYPE = {np.dtype(np.float64): np.dtype(np.float64), np.dtype(np.int32): np.dtype(np.int64),
              np.dtype(np.int64): np.dtype(np.int64)}


@njit(cache=True)
def sum_active_rows(wt, idx, out):
    """``out = 0; out += wt[i]`` for every ``i`` of ``idx`` in order (``wt`` is ``W.T``)."""
    n = wt.shape[1]
    for j in range(n):
        out[j] = 0
    for k in range(idx.size):
        row = wt[idx[k]]
        for j in range(n):
            out[j] += row[j]
    return out


def active_sum(wt: np.ndarray, s_in: np.ndarray) -> np.ndarray:
    """``W[:, s_in != 0].sum(axis=1)`` from ``wt = W.T``, bit for bit as numpy computes it.

    The jitted loop serves C-ordered ``wt`` of float64 or int32/int64 weights with more than one
    output; anything else (a single output row, which numpy sums pairwise; another dtype or
    layout) takes numpy's own gather-and-sum.
    """
    idx = s_in.nonzero()[0]
    dtype = _SUM_DTYPE.get(wt.dtype)
    if dtype is None or wt.shape[1] < 2 or not wt.flags.c_contiguous:
        return wt.take(idx, axis=0).sum(axis=0)
    return sum_active_rows(wt, idx, np.empty(wt.shape[1], dtype))
