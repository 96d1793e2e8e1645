"""Sparse equals Dense on the same weights, for both families, on seeded random networks.

Bit-accurate: exactly, always (integer sums). Float, binary spikes: exactly as well, for any
weights -- Dense's ``W[:, s].sum(axis=1)`` adds the active columns sequentially in ascending
input order, as Sparse does (Dense's extra terms are zeros) -- except with a single output row,
which numpy sums pairwise. Float, graded spikes: Dense adds four fused partial sums per output
(neuroproc.proc.dense._graded_kernels) and Sparse a sequential CSR product, so they may differ by
rounding. The random-network tests use dyadic
weights (every partial sum exact, hence equal whatever the order); the two other float cases are
bounded by the classic summation error bound,
|diff| <= 2 (k - 1) eps sum|w_j s_j| for an output with k non-zero terms (each order's error is
at most (k - 1) eps sum|w_j s_j|).
"""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from neuroproc import Monitor, RunSteps
from neuroproc.proc import io
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.lif.process import LIF
from neuroproc.proc.sparse.models import PySparseModelBitAcc, PySparseModelFloat
from neuroproc.proc.sparse.process import Sparse
from tests.proc import VARIANTS, run_chain, variant  # noqa: F401 (fixture)

FLOAT = VARIANTS["floating_pt"]


def random_weights(variant, seed: int, shape, density: float) -> sp.csr_matrix:
    """Integers (bit-accurate) or multiples of 1/16 (float: every partial sum stays exact)."""
    rng = np.random.default_rng(seed)
    values = (lambda n: rng.integers(-255, 256, n)) if variant.fixed else \
        (lambda n: rng.integers(-64, 65, n) / 16)
    return sp.random(*shape, density=density, format="csr", random_state=rng, data_rvs=values)


def lif_params(variant) -> dict:
    if variant.fixed:
        return dict(du=400, dv=300, vth=60, bias_mant=900)
    return dict(du=0.125, dv=0.0625, vth=4.0, bias_mant=0.5)


def test_variant_selects_the_expected_model(variant):
    conn = Sparse(sp.eye(2, format="csr"))
    run_chain(variant, conn, np.zeros((2, 1)), 1)
    assert conn.model_class is (PySparseModelBitAcc if variant.fixed else PySparseModelFloat)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("graded", [False, True])
def test_feedforward_sparse_equals_dense(variant, seed, graded):
    rng = np.random.default_rng(100 + seed)
    w = random_weights(variant, seed, (30, 50), 0.2)
    data = (rng.random((50, 60)) < 0.3) * (rng.integers(1, 200, (50, 60)) if graded else 1)
    kw = {"num_message_bits": 8} if graded else {}
    results = []
    for conn in (Dense(w.toarray(), **kw), Sparse(w, **kw)):
        lif = LIF(shape=(30,), **lif_params(variant))
        out = run_chain(variant, conn, data, 60, lif=lif, probes=[conn.a_buff, lif.v, lif.u])
        out = {k.rsplit(".", 1)[-1]: v for k, v in out.items()}
        out["weights"] = conn.weights_csr().toarray() if isinstance(conn, Sparse) else conn.weights.get()
        results.append(out)
    dense, sparse = results
    assert dense["spikes"].any() and dense["a_buff"].any()
    for key in ("spikes", "a_buff", "v", "u", "weights"):
        np.testing.assert_array_equal(sparse[key], dense[key], err_msg=key)


def run_recurrent(variant, conn, n: int, steps: int) -> dict:
    lif = LIF(shape=(n,), **lif_params(variant))
    lif.s_out.connect(conn.s_in)
    conn.a_out.connect(lif.a_in)
    sink = io.sink.RingBuffer(shape=(n,), buffer=steps)
    lif.s_out.connect(sink.a_in)
    mon = Monitor()
    mon.probe(lif.v, steps)
    try:
        lif.run(RunSteps(steps), variant.run_cfg())
        return {"spikes": sink.data.get(), "v": mon.get_data()[lif.name]["v"]}
    finally:
        lif.stop()


@pytest.mark.parametrize("seed", [3, 4])
def test_recurrent_sparse_network_equals_dense(variant, seed):
    w = random_weights(variant, seed, (80, 80), 0.1)
    dense = run_recurrent(variant, Dense(w.toarray()), 80, 150)
    sparse = run_recurrent(variant, Sparse(w), 80, 150)
    assert 0 < dense["spikes"].sum() < dense["spikes"].size
    np.testing.assert_array_equal(sparse["spikes"], dense["spikes"])
    np.testing.assert_array_equal(sparse["v"], dense["v"])


def _float_a_buff(w, data, **kw) -> dict:
    got = {}
    for conn in (Dense(w.toarray(), **kw), Sparse(w, **kw)):
        got[type(conn).__name__] = run_chain(FLOAT, conn, data, data.shape[1],
                                             probes=[conn.a_buff])[f"{conn.name}.a_buff"]
    return got


def test_float_binary_sparse_equals_dense_for_any_weights():
    rng = np.random.default_rng(7)
    w = sp.random(40, 200, density=0.5, format="csr", random_state=rng, data_rvs=rng.standard_normal)
    got = _float_a_buff(w, (rng.random((200, 30)) < 0.5).astype(float))
    np.testing.assert_array_equal(got["Sparse"], got["Dense"])


def _summation_bound(w: sp.csr_matrix, data: np.ndarray) -> np.ndarray:
    terms = np.abs(w.toarray()) @ np.abs(data)                  # sum |w_j s_j| per output, step
    k = (w.toarray() != 0).astype(float) @ (data != 0)         # non-zero terms per output, step
    return (2 * np.maximum(k - 1, 0) * np.finfo(float).eps * terms).T


def test_float_single_output_differs_from_dense_only_by_summation_rounding():
    rng = np.random.default_rng(9)
    w = sp.csr_matrix(rng.standard_normal((1, 300)))
    data = (rng.random((300, 20)) < 0.6).astype(float)
    got = _float_a_buff(w, data)
    assert np.all(np.abs(got["Sparse"] - got["Dense"]) <= _summation_bound(w, data))


def test_float_graded_sparse_differs_from_dense_only_by_summation_rounding():
    rng = np.random.default_rng(8)
    w = sp.random(40, 200, density=0.5, format="csr", random_state=rng, data_rvs=rng.standard_normal)
    data = (rng.random((200, 30)) < 0.5) * rng.random((200, 30)) * 100
    got = _float_a_buff(w, data, num_message_bits=16)
    assert np.all(np.abs(got["Sparse"] - got["Dense"]) <= _summation_bound(w, data))


def test_no_active_input_gives_zeros_of_the_family_type(variant):
    conn = Sparse(random_weights(variant, 9, (4, 6), 0.5))
    out = run_chain(variant, conn, np.zeros((6, 3)), 3, probes=[conn.a_buff])
    assert not out[f"{conn.name}.a_buff"].any()
    assert conn.a_buff.get().dtype == (np.int64 if variant.fixed else np.float64)


def test_huge_sparse_matrix_is_never_densified(variant):
    # 100 000 x 100 000 dense float64 would need 80 GB
    n = 100_000
    rows, cols = np.array([0, 5, 99_999, 42]), np.array([3, 3, 7, 99_998])
    w = sp.csr_matrix((np.array([2, 4, 6, 8]), (rows, cols)), shape=(n, n))
    data = np.zeros((n, 2))
    data[[3, 7], 0] = 1
    data[99_998, 1] = 1
    conn = Sparse(w)
    run_chain(variant, conn, data, 2)
    a = conn.a_buff.get()                                     # accumulation of step 2 (column 1)
    assert a[42] == 8 and np.count_nonzero(a) == 1


@pytest.mark.parametrize("bounds", [[0, 64, 200], [0, 128, 192, 200], [0, 200]])
def test_column_splits_match_a_search_per_input(bounds):
    """The part boundaries within each input's synapses (the parallel loop's split) agree with
    numpy's searchsorted over that input's ascending output indices."""
    from neuroproc.proc.sparse._kernels import column_splits
    from neuroproc.proc.sparse.process import _row_dtype

    w = sp.random(200, 150, density=0.1, format="csc", random_state=3)
    rows, col_ptr = w.indices.astype(_row_dtype(200)), w.indptr.astype(np.int64)
    b = np.array(bounds, np.int64)
    got = column_splits(rows, col_ptr, b)
    want = np.array([[col_ptr[j] + np.searchsorted(rows[col_ptr[j]:col_ptr[j + 1]], q) for j in range(150)]
                     for q in b[:-1]] + [col_ptr[1:]])
    np.testing.assert_array_equal(got, want)
