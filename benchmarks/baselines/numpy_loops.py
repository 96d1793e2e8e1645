"""The plain numpy loop of Lava 0.10's float ``LIF <-> Dense`` network, one step at a time.

Exactly the README equations (``reference/LAVA_README.md``), in Lava's order:

* dense ``W``: ``a = W[:, s].sum(axis=1)`` -- literally Lava's ``PyDenseModelFloat``. Note what
  numpy computes here: the boolean-indexed block ``W[:, s]`` comes out **Fortran-ordered**
  (numpy 1.26 and 2.x), so ``sum(axis=1)`` adds the active columns one after the other,
  ``((0.0 + W[:, j0]) + W[:, j1]) + ...`` in ascending ``j``: a *sequential* sum, not numpy's
  pairwise summation (which applies to contiguous rows only). This is what makes the
  event-driven loops in :mod:`numba_loops` bit-identical to Lava. ``tests/benchmarks`` checks it.
* sparse ``W`` (scipy CSR, post x pre): ``a = W @ s`` with ``s`` as 0.0/1.0 floats. scipy's
  ``csr_matvec`` adds, for each post neuron, ``w * s_j`` over the row's entries in ascending
  ``j``, starting from 0.0; ``w * 0.0`` terms add nothing (``x + (+-0.0) == x``), so the result
  is the sequential sum over the *active* pre neurons in ascending order -- the same order as the
  event-driven CSR loops, hence identical spike trains. (Such float sums may differ in rounding
  from a pairwise sum or from ``W.toarray()[:, s].sum(axis=1)`` only through ordering; here
  they agree with the dense sequential sum.)
* LIF: ``u = u*(1-du) + a``; ``v = v*(1-dv) + u + bias``; ``s = v > vth``; ``v[s] = 0``.

The step-``t`` input ``a`` is ``W`` times the spikes of step ``t-1`` (Dense's one-step delay;
zero at the first step).
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["run_numpy"]


def run_numpy(net: dict, steps: int, raster: np.ndarray | None = None,
              event_driven: bool = False, u_trace: np.ndarray | None = None,
              v_trace: np.ndarray | None = None,
              final_state: dict | None = None) -> tuple[int, np.ndarray]:
    """Simulate ``net`` (see :mod:`networks`) for ``steps`` steps from ``u0, v0``.

    Returns ``(spike_count, spikes_per_step)`` (int, int64 array of length ``steps``). If
    ``raster`` (uint8 or bool, shape ``(n, steps)``, Lava's sink orientation) is given it is
    filled with the spikes: column ``k`` = step ``k+1``. ``u_trace`` / ``v_trace`` (shape
    ``(T, n)``, Monitor orientation, ``T <= steps``) receive ``u`` and ``v`` at the end of each of
    the first ``T`` steps (after reset, as a Lava Monitor); ``final_state`` (a dict) receives the
    final ``u`` and ``v``.

    ``event_driven=True`` (sparse only) replaces the matvec by a gather of the spiking columns
    of the CSC matrix and ``np.bincount``, which adds in the same order (bit-identical result,
    faster when few neurons spike).
    """
    n = net["n"]
    W = net["W"]
    sparse = sp.issparse(W)
    if sparse:
        W = sp.csr_matrix(W)
        W.sort_indices()
        if event_driven:
            Wc = W.tocsc()
            Wc.sort_indices()
            cptr, cidx, cdat = Wc.indptr.astype(np.int64), Wc.indices, Wc.data
    decay_u = 1 - net["du"]
    decay_v = 1 - net["dv"]
    vth, bias = net["vth"], net["bias"]
    u = np.array(net["u0"], dtype=np.float64)
    v = np.array(net["v0"], dtype=np.float64)
    s = np.zeros(n, dtype=bool)
    per_step = np.zeros(steps, dtype=np.int64)
    for t in range(steps):
        # Dense: the accumulation of the previous step's spikes (0 at the first step).
        if not sparse:
            a = W[:, s].sum(axis=1)
        elif event_driven:
            j = np.flatnonzero(s)
            lo, hi = cptr[j], cptr[j + 1]
            lens = hi - lo
            total = int(lens.sum())
            take = np.repeat(lo - np.cumsum(lens) + lens, lens) + np.arange(total)
            a = np.bincount(cidx[take], weights=cdat[take], minlength=n)
        else:
            a = W @ s.astype(np.float64)
        # LIF (PyLifModelFloat): new u first, then v uses the new u.
        u = u * decay_u + a
        v = v * decay_v + u + bias
        s = v > vth
        v[s] = 0
        per_step[t] = np.count_nonzero(s)
        if raster is not None:
            raster[:, t] = s
        if u_trace is not None and t < len(u_trace):
            u_trace[t] = u
        if v_trace is not None and t < len(v_trace):
            v_trace[t] = v
    if final_state is not None:
        final_state.update(u=u, v=v)
    return int(per_step.sum()), per_step
