"""Event-driven sum of the weight columns of active (binary) inputs, for the Dense python models.

Lava computes ``W[:, s].sum(axis=1)``. For more than one output row numpy starts that reduction
from zeros and adds the active columns one after the other, in ascending input order, each
output on its own (a sequential sum; only a single output row is contiguous and summed
pairwise). :func:`sum_active_rows` performs the very same additions, in the same order, on the
rows of ``W.T`` -- bit-identical floats -- but reads only the active rows once, without
gathering them into a temporary first (numpy's ``W.T.take(idx).sum(axis=0)`` copies every
active row, then sums the copy): about three times faster at the E/I network's activity.

The loop's machine code comes from numba's disk cache without numba's full start-up
(:mod:`neuroproc.runtime._fastload`): its first call in a process costs about 25 ms of CPU
(numba's runtime and the link), or almost nothing once a fused loop or other jitted code has
run. A short python-backend run would not earn even that back. So the jitted loop serves a model
once jitted code has already run in this process, or once numpy has made :data:`JIT_AFTER`
additions in this process -- about what the start costs -- so that a run never pays much more
than the cheaper of the two (the ski-rental rule). Both paths give the same bits, so which one
runs changes the speed only.
"""
from __future__ import annotations

import sys

import numpy as np
from numba import njit

from neuroproc.runtime._fastload import fast_loaded, use_fast_load

__all__ = ["JIT_AFTER", "active_indices", "active_sum", "numpy_active_sum", "sum_active_rows", "use_jit"]

#: additions numpy's gather-and-sum makes (about 0.5 ns each) before the jitted loop takes over
#: even though no jitted code has run yet in this process (its first call: about 25 ms of CPU)
JIT_AFTER = 50_000_000

#: weight dtypes summed by the jitted loop, with the dtype numpy's ``sum`` gives them
_SUM_DTYPE = {np.dtype(np.float64): np.dtype(np.float64), np.dtype(np.int32): np.dtype(np.int64),
              np.dtype(np.int64): np.dtype(np.int64)}

_state = {"numpy_additions": 0, "jit": False}


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


use_fast_load(sum_active_rows)


def use_jit(additions: int) -> bool:
    """Whether an event-driven sum of ``additions`` additions should take the jitted loop: once
    numba has started in this process or numpy has made :data:`JIT_AFTER` additions (counted here
    when the answer is no)."""
    if _state["jit"]:
        return True
    # numba imports its array-math typing the first time it compiles or loads a function the
    # usual way; a fused loop loaded without it has started numba's runtime
    if "numba.np.arraymath" in sys.modules or fast_loaded() or _state["numpy_additions"] >= JIT_AFTER:
        _state["jit"] = True
        return True
    _state["numpy_additions"] += additions
    return False


def numpy_active_sum(wt: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """``W[:, idx].sum(axis=1)`` from ``wt = W.T`` with numpy: gather the rows, sum the copy.

    ``np.add.reduce`` is what ``ndarray.sum`` calls (same loop, same order, same result dtype),
    without ``sum``'s Python-level wrapper."""
    return _add_reduce(wt.take(idx, 0), 0)


def active_indices(s_in: np.ndarray) -> np.ndarray:
    """The indices of the non-zero entries of the 1-D ``s_in``, ascending. Non-boolean input is
    compared with zero first: ``nonzero`` of a boolean vector counts and gathers with vector
    instructions, of a float one it tests element by element (about three times slower for
    400 entries, comparison included)."""
    return (s_in if s_in.dtype is _BOOL else s_in != 0).nonzero()[0]


def active_sum(wt: np.ndarray, s_in: np.ndarray) -> np.ndarray:
    """``W[:, s_in != 0].sum(axis=1)`` from ``wt = W.T``, bit for bit as numpy computes it.

    The jitted loop serves C-ordered ``wt`` of float64 or int32/int64 weights with more than one
    output (when :func:`use_jit` says so); anything else (a single output row, which numpy sums
    pairwise; another dtype or layout) takes numpy's gather-and-sum (:func:`numpy_active_sum`,
    inlined here: this runs every step).
    """
    idx = (s_in if s_in.dtype is _BOOL else s_in != 0).nonzero()[0]  # active_indices, inlined
    # use_jit first: until numba runs, the layout checks would only cost time
    if use_jit(idx.size * wt.shape[1]) and wt.shape[1] > 1 and wt.flags.c_contiguous:
        dtype = _SUM_DTYPE.get(wt.dtype)
        if dtype is not None:
            return sum_active_rows(wt, idx, np.empty(wt.shape[1], dtype))
    return _add_reduce(wt.take(idx, 0), 0)


_BOOL = np.dtype(bool)
_add_reduce = np.add.reduce
