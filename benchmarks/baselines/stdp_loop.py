"""Hand-written numba loop of a plastic recurrent LIF network: float LIF, sparse weights,
pair-based STDP applied every step (Lava's ``STDPLoihi`` with ``t_epoch = 1``).

Per step ``t``, as neuroproc's ``LIF <-> LearningSparse`` network computes it:

1. LIF update with the input ``a`` computed in step ``t - 1``; spikes ``s(t)``;
2. ``a = W s(t)`` (event-driven over the pre-major CSR of ``W.T``, i.e. the CSC of ``W``) with
   the weights as they are now;
3. traces: ``x1 = exp(-1/tau_plus) x1 + x1_impulse s``, ``y1 = exp(-1/tau_minus) y1 +
   y1_impulse s`` (the same neurons are pre and post);
4. STDP on the synapses of the neurons that spiked: ``w += s_minus * y1[post]`` for a spiking
   pre neuron, ``+ s_plus * x1[pre]`` for a spiking post neuron (both terms when both spiked, in
   that order). The synapses of a spiking pre neuron are its CSC column; those of a spiking post
   neuron come from a post-major index of CSC positions.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numba import njit

from benchmarks.baselines.numba_loops import _add_csr_rows, _lif_update

__all__ = ["plastic_runner"]


@njit(cache=True, fastmath=False)
def plastic_csr(indptr, indices, data, post_ptr, post_pos, post_pre, decay_u, decay_v, vth, bias, u, v, dx, dy,
                imp_x, imp_y, s_minus, s_plus, steps, per_step):
    n = indptr.shape[0] - 1
    a = np.zeros(n)
    spk = np.empty(n + 1, dtype=np.int64)
    flag = np.zeros(-(-n // 8) * 8, dtype=np.uint8)
    words = flag.view(np.uint64)
    x1 = np.zeros(n)
    y1 = np.zeros(n)
    total = 0
    for t in range(steps):
        nspk = _lif_update(decay_u, decay_v, vth, bias, u, v, a, 0, n, spk, flag, words)
        per_step[t] = nspk
        total += nspk
        _add_csr_rows(indptr, indices, data, indptr, -1, spk, nspk, a, 0)
        for i in range(n):
            x1[i] = dx * x1[i]
            y1[i] = dy * y1[i]
        for k in range(nspk):
            x1[spk[k]] += imp_x
            y1[spk[k]] += imp_y
        for k in range(nspk):  # spiking pre neurons: their whole column
            i = spk[k]
            xi = x1[i]
            for q in range(indptr[i], indptr[i + 1]):
                j = indices[q]
                d = s_minus * y1[j]
                if flag[j]:
                    d = d + s_plus * xi
                data[q] = data[q] + d
        for k in range(nspk):  # spiking post neurons: synapses from pre neurons that did not spike
            j = spk[k]
            yj = s_plus
            for r in range(post_ptr[j], post_ptr[j + 1]):
                i = post_pre[r]
                if not flag[i]:
                    q = post_pos[r]
                    data[q] = data[q] + yj * x1[i]
    return total


def plastic_runner(net: dict, rule: dict):
    """``run(steps) -> (spike count, final weights as CSC data)`` for ``net`` (see networks.py)
    with STDP parameters ``rule``: ``s_minus``, ``s_plus`` (the product scales), ``tau_plus``,
    ``tau_minus``, ``x1_impulse``, ``y1_impulse``."""
    csc = sp.csc_matrix(net["W"])
    csc.sort_indices()
    rows = csc.indices.astype(np.int64)
    cols = np.repeat(np.arange(csc.shape[1]), np.diff(csc.indptr))
    order = np.lexsort((cols, rows))
    post_ptr = np.zeros(csc.shape[0] + 1, np.int64)
    np.cumsum(np.bincount(rows, minlength=csc.shape[0]), out=post_ptr[1:])
    indices = csc.indices.astype(np.uint32)
    dx = float(np.exp(-1 / np.array([rule["tau_plus"]], float))[0])
    dy = float(np.exp(-1 / np.array([rule["tau_minus"]], float))[0])

    def run(steps):
        data = csc.data.astype(np.float64).copy()
        u, v = net["u0"].copy(), net["v0"].copy()
        per_step = np.zeros(steps, np.int64)
        count = plastic_csr(csc.indptr.astype(np.int64), indices, data, post_ptr, order.astype(np.int64),
                            cols[order].astype(np.int64), 1 - float(net["du"][0]), 1 - float(net["dv"][0]),
                            float(net["vth"][0]), float(net["bias"][0]), u, v, dx, dy, float(rule["x1_impulse"]),
                            float(rule["y1_impulse"]), float(rule["s_minus"]), float(rule["s_plus"]), steps, per_step)
        return int(count), data

    return run
