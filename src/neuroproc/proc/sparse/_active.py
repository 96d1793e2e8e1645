"""Event-driven sum of the stored synapses of active (binary) inputs, for the Sparse python models.

The weights are kept pre-major (CSC): input ``i`` owns the stored values ``col_ptr[i]`` to
``col_ptr[i + 1] - 1``, each with its output in ``rows``. :func:`sum_active_synapses` starts from
zeros and adds, for every active input in ascending order, its synapses one after the other, in
float64 -- the additions ``np.bincount(rows[pos], weights[pos])`` makes over the positions
``pos`` of those synapses, in the same order, so the floats are identical -- without building
the position, output and weight arrays first. When the jitted loop is used is decided as for
Dense (:mod:`neuroproc.proc.dense._active`).
"""
from __future__ import annotations

import numpy as np
from numba import njit

from neuroproc.proc.dense._active import active_indices, use_jit
from neuroproc.runtime._fastload import use_fast_load

__all__ = ["active_sum", "sum_active_synapses"]


@njit(cache=True)
def sum_active_synapses(weights, rows, col_ptr, idx, out):
    """``out = 0; out[rows[p]] += weights[p]`` over the synapses ``p`` of each input in ``idx``."""
    for j in range(out.size):
        out[j] = 0.0
    for k in range(idx.size):
        i = idx[k]
        for p in range(col_ptr[i], col_ptr[i + 1]):
            out[rows[p]] += weights[p]
    return out


use_fast_load(sum_active_synapses)


def active_sum(weights: np.ndarray, rows: np.ndarray, col_ptr: np.ndarray, n_out: int,
               s_in: np.ndarray) -> np.ndarray:
    """The float64 sum, per output, of the stored weights of the non-zero inputs of ``s_in``,
    added as ``np.bincount`` adds them. numpy's own gather-and-bincount serves weights that are
    not float64 or int32, and runs until the jitted loop pays (``dense._active.use_jit``)."""
    active = active_indices(s_in.ravel())
    # the additions, estimated from the mean number of synapses per input
    additions = active.size * weights.size // max(col_ptr.size - 1, 1)
    if weights.dtype in _JITTED and use_jit(additions):
        return sum_active_synapses(weights, rows, col_ptr, active, np.empty(n_out, np.float64))
    starts = col_ptr[active]
    counts = col_ptr[active + 1] - starts
    # positions starts[k] .. starts[k] + counts[k] - 1 for every active input k, in order
    pos = np.arange(int(counts.sum())) + np.repeat(starts - (np.cumsum(counts) - counts), counts)
    # float64 also without any active input (bincount then counts, in int64)
    return np.bincount(rows[pos], weights=weights[pos], minlength=n_out).astype(np.float64, copy=False)


#: weight dtypes the jitted loop is compiled for (one specialisation each)
_JITTED = (np.dtype(np.float64), np.dtype(np.int32))
