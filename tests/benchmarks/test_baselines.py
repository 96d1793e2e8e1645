"""The hand-written baseline loops (benchmarks/baselines): exactness, agreement, networks.

Fast (small networks, few steps) and valid with NUMBA_DISABLE_JIT=1 (then the kernels run as
plain Python; only the full 1000-step reference run is skipped, it would take minutes).
"""
from __future__ import annotations

import numba
import numpy as np
import pytest
import scipy.sparse as sp

from benchmarks.baselines import networks as nets
from benchmarks.baselines.runners import numba_runner, run_numba
from benchmarks.baselines.numba_loops import (
    accumulate_csr,
    accumulate_dense,
    numpy_pairwise_sum,
    numpy_row_sum,
)
from benchmarks.baselines.numpy_loops import run_numpy

JIT = not numba.config.DISABLE_JIT


def wide_range_matrix(rng, rows, cols):
    """Mixed-sign values over ~17 decades: any change of summation order shows in the bits."""
    return rng.standard_normal((rows, cols)) * np.exp(rng.uniform(-20, 20, (rows, cols)))


def spike_sizes():
    return list(range(0, 300)) + list(range(300, 1001, 7)) + [1000]


# ---------------------------------------------------------------------------------------------
# Summation order
# ---------------------------------------------------------------------------------------------

def test_lava_dense_sum_is_sequential_over_active_columns():
    """Lava's ``W[:, s].sum(axis=1)`` == adding the active columns one by one, ascending.

    The boolean-indexed block is Fortran-ordered, so numpy reduces axis 1 column by column
    (no pairwise summation). This is why the event-driven loops are bit-identical to Lava.
    """
    rng = np.random.default_rng(7)
    n_post, n_pre = 6, 1200
    W = wide_range_matrix(rng, n_post, n_pre)
    WT = np.ascontiguousarray(W.T)
    a = np.empty(n_post)
    for k in spike_sizes():
        s = np.zeros(n_pre, dtype=bool)
        s[rng.choice(n_pre, k, replace=False)] = True
        spk = np.flatnonzero(s).astype(np.int64)
        block = W[:, s]
        if k >= 2:
            assert block.flags.f_contiguous and not block.flags.c_contiguous
        accumulate_dense(WT, spk, k, a)
        lava = block.sum(axis=1)
        assert np.array_equal(a, lava), k
        if k == 0:
            assert np.all(a == 0.0)


def test_pairwise_emulation_equals_numpy_contiguous_sum():
    """numpy's pairwise summation of a contiguous row, emulated, for m = 0..1000."""
    rng = np.random.default_rng(11)
    x = wide_range_matrix(rng, 3, 1000)
    for row in x:
        for m in spike_sizes():
            assert numpy_row_sum(row, 0, m) == np.add.reduce(row[:m]), m
    assert numpy_row_sum(x[0], 0, 0) == 0.0
    assert numpy_row_sum(x[0], 0, 1) == x[0, 0]
    # 2-D contiguous blocks reduce the same way, row by row
    block = np.ascontiguousarray(x[:, :357])
    assert np.array_equal(block.sum(axis=1),
                          [numpy_row_sum(block[i], 0, 357) for i in range(3)])


def test_pairwise_is_not_first_plus_pairwise_of_rest():
    """numpy adds the pairwise sum of *all* m elements to 0.0; it does not split off x[0]."""
    rng = np.random.default_rng(3)
    x = wide_range_matrix(rng, 1, 400)[0]
    differs = [m for m in range(3, 400)
               if x[0] + numpy_pairwise_sum(x, 1, m) != np.add.reduce(x[:m])]
    assert len(differs) > 100


def test_csr_accumulation_equals_scipy_matvec():
    rng = np.random.default_rng(5)
    n = 300
    W = sp.random(n, n, density=0.1, random_state=rng, format="csr")
    W.data = wide_range_matrix(rng, 1, W.nnz)[0]
    W.sort_indices()
    indptr, indices, data = nets.pre_major({"W": W})
    a = np.empty(n)
    for k in (0, 1, 2, 7, 40, 150, 300):
        s = np.zeros(n, dtype=bool)
        s[rng.choice(n, k, replace=False)] = True
        spk = np.flatnonzero(s).astype(np.int64)
        for lookahead in (0, 3):
            accumulate_csr(indptr, indices.astype(np.uint32), data, spk, k, a, lookahead)
            assert np.array_equal(a, W @ s.astype(float)), (k, lookahead)


# ---------------------------------------------------------------------------------------------
# E/I network against Lava
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ei(load_ref):
    load_ref("ei_lif_float_critical")  # skips (or fails in CI) without the reference data
    net = nets.ei_network()
    assert net["info"]["source"] == "reference"
    return net


def test_ei_numpy_loop_reproduces_lava(ei, load_ref):
    ref = load_ref("ei_lif_float_critical")
    steps = 200
    raster = np.zeros((400, steps), dtype=np.uint8)
    u_tr, v_tr = np.empty((steps, 400)), np.empty((steps, 400))
    run_numpy(ei, steps, raster=raster, u_trace=u_tr, v_trace=v_tr)
    assert np.array_equal(raster[:, :50], ref["spikes"][:, :50])
    # in fact: bit-identical state and spikes for all 200 recorded steps
    assert np.array_equal(raster, ref["spikes"][:, :steps])
    assert np.array_equal(u_tr, ref["u_first200"])
    assert np.array_equal(v_tr, ref["v_first200"])


def test_ei_numba_equals_numpy_200_steps(ei, load_ref):
    steps = 200
    r_np, r_nb = (np.zeros((400, steps), dtype=np.uint8) for _ in range(2))
    s_np, s_nb = {}, {}
    c_np, per_np = run_numpy(ei, steps, raster=r_np, final_state=s_np)
    c_nb, per_nb = run_numba(ei, steps, raster=r_nb, final_state=s_nb)
    assert c_nb == c_np > 0
    assert np.array_equal(per_nb, per_np)
    assert np.array_equal(r_nb, r_np)
    assert np.array_equal(s_nb["u"], s_np["u"]) and np.array_equal(s_nb["v"], s_np["v"])
    assert np.array_equal(r_nb, load_ref("ei_lif_float_critical")["spikes"][:, :steps])


def test_ei_dense_weights_through_csr_kernel(ei):
    """A dense net on the CSR kernel (zeros stored as synapses) gives the same bits."""
    steps = 40  # the first spikes come at step 23
    s1, s2 = {}, {}
    r1, r2 = (np.zeros((400, steps), dtype=np.uint8) for _ in range(2))
    run_numba(ei, steps, variant="dense_sequential", raster=r1, final_state=s1)
    run_numba(ei, steps, variant="sparse_csr", raster=r2, final_state=s2)
    assert r1.sum() > 400
    assert np.array_equal(r1, r2) and np.array_equal(s1["u"], s2["u"])


def test_dense_pairwise_kernel_is_numpy_contiguous_order(ei):
    """The pairwise kernel computes ``np.ascontiguousarray(W[:, s]).sum(axis=1)``."""
    steps = 30
    W = ei["W"]
    u, v = np.zeros(400), np.zeros(400)
    s = np.zeros(400, dtype=bool)
    raster = np.zeros((400, steps), dtype=np.uint8)
    for t in range(steps):
        a = np.ascontiguousarray(W[:, s]).sum(axis=1)
        u = u * (1 - ei["du"]) + a
        v = v * (1 - ei["dv"]) + u + ei["bias"]
        s = v > ei["vth"]
        v[s] = 0
        raster[:, t] = s
    r_nb, state = np.zeros_like(raster), {}
    run_numba(ei, steps, variant="dense_pairwise", raster=r_nb, final_state=state)
    assert np.array_equal(r_nb, raster)
    assert np.array_equal(state["u"], u) and np.array_equal(state["v"], v)


@pytest.mark.slow
@pytest.mark.skipif(not JIT, reason="1000 steps of the pure-Python kernel take minutes")
def test_ei_numba_reproduces_all_1000_reference_steps(ei, load_ref):
    ref = load_ref("ei_lif_float_critical")["spikes"]
    raster = np.zeros((400, 1000), dtype=np.uint8)
    count, _ = run_numba(ei, 1000, raster=raster)
    assert count == 84375 == int(ref.sum())
    assert np.array_equal(raster, ref)


# ---------------------------------------------------------------------------------------------
# Sparse networks: numba == numpy
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("n,p,seed", [(400, 0.2, 1), (301, 0.25, 2)])
def test_sparse_numba_equals_numpy(n, p, seed):
    net = nets.cuba_network(n=n, p=p, seed=seed)
    steps = 200
    r_mv = np.zeros((n, steps), dtype=np.uint8)
    s_mv = {}
    c_mv, per_mv = run_numpy(net, steps, raster=r_mv, final_state=s_mv)
    assert c_mv > 10 * steps  # active network
    r_ev = np.zeros_like(r_mv)
    assert run_numpy(net, steps, raster=r_ev, event_driven=True)[0] == c_mv
    assert np.array_equal(r_ev, r_mv)
    for variant, lookahead in (("sparse_csr", 0), ("sparse_csr", 3), ("sparse_csr_2t", 0),
                               ("sparse_csr_2t", 2), ("sparse_csr_2t_forkjoin", 2)):
        r_nb, s_nb = np.zeros_like(r_mv), {}
        c_nb, per_nb = run_numba(net, steps, variant=variant, lookahead=lookahead, raster=r_nb,
                                 final_state=s_nb)
        assert c_nb == c_mv, variant
        assert np.array_equal(per_nb, per_mv), variant
        assert np.array_equal(r_nb, r_mv), variant
        assert np.array_equal(s_nb["u"], s_mv["u"]) and np.array_equal(s_nb["v"], s_mv["v"])


def test_two_thread_kernel_falls_back_without_two_jit_threads():
    run = numba_runner(nets.cuba_network(n=200, p=0.4, seed=9), "sparse_csr_2t")
    expected = "sparse_csr_2t" if JIT and numba.config.NUMBA_NUM_THREADS >= 2 \
        else "sparse_csr_2t_forkjoin"
    assert run.variant == expected
    before = numba.get_num_threads() if JIT else None
    run(20)
    if JIT:
        assert numba.get_num_threads() == before  # restored


def test_runner_reuses_prepared_weights_and_restarts_from_initial_state():
    net = nets.cuba_network(n=200, p=0.4, seed=9)
    run = numba_runner(net)
    assert run.variant == "sparse_csr" and run.lookahead == 0
    first = run(50)
    again = run(50)
    assert first[0] == again[0] and np.array_equal(first[1], again[1])
    with pytest.raises(ValueError, match="unknown variant"):
        numba_runner(net, "nope")


# ---------------------------------------------------------------------------------------------
# Networks
# ---------------------------------------------------------------------------------------------

def test_sparse_network_is_deterministic_and_well_formed():
    a = nets.cuba_network(n=500, p=0.1, seed=1)
    b = nets.cuba_network(n=500, p=0.1, seed=1)
    c = nets.cuba_network(n=500, p=0.1, seed=2)
    assert (a["W"] != b["W"]).nnz == 0 and np.array_equal(a["v0"], b["v0"])
    assert (a["W"] != c["W"]).nnz > 0
    W = a["W"]
    assert sp.isspmatrix_csr(W) and W.has_sorted_indices and W.shape == (500, 500)
    assert W.diagonal().sum() == 0  # no self-connections
    assert 0.95 * 0.1 * 500**2 < W.nnz <= 0.1 * 500**2 * 1.05
    coo = W.tocoo()
    scale = nets.CUBA_IN_DEGREE / (0.1 * 500)
    exc = coo.col < a["n_exc"]
    assert np.all(coo.data[exc] == nets.CUBA_PARAMS["w_exc"] * scale)
    assert np.all(coo.data[~exc] == nets.CUBA_PARAMS["w_inh"] * scale)
    indptr, indices, data = nets.pre_major(a)
    assert np.array_equal(sp.csr_matrix((data, indices, indptr), shape=W.shape).T.toarray(),
                          W.toarray())
    assert np.array_equal(nets.dense_pre_major(a), W.toarray().T)


def test_ei_generated_fallback_matches_reference_up_to_a_scale(ei):
    gen = nets.ei_network(use_reference=False)
    assert gen["info"]["source"] == "generated"
    ref = ei["W"]
    assert np.array_equal(gen["W"] != 0, ref != 0)
    ratio = gen["W"][ref != 0] / ref[ref != 0]
    np.testing.assert_allclose(ratio, ratio[0], rtol=1e-12)


def test_cuba_activity_is_sustained_at_about_220_spikes_per_step():
    net = nets.cuba_network()
    _, per_step = run_numpy(net, 300, event_driven=True)
    assert 180 < per_step[100:].mean() < 270
    assert per_step[100:].min() > 100


def test_overhead_network_is_quiet_but_not_silent():
    net = nets.overhead_network()
    count, per_step = run_numpy(net, 3000)
    assert net["W"].shape == (100, 100)
    assert 0.05 < count / 3000 < 2
