"""Event-driven accumulation of binary spikes (Dense and Sparse python models).

The expectation is always Lava's own expression, ``W[:, s].sum(axis=1)`` evaluated by numpy,
compared bit for bit (``view(int64)``: the sign of a zero counts too), on random binary input
with all-zero and all-one steps among them.
"""
from __future__ import annotations

import sys
import types

import numpy as np
import pytest
import scipy.sparse as sp

from neuroproc.proc.dense import _active as dense_active
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.sparse import _active as sparse_active
from neuroproc.proc.sparse.process import Sparse
from neuroproc.runtime import _fastload
from tests.proc import VARIANTS, run_chain

FLOAT = VARIANTS["floating_pt"]
BITACC = VARIANTS["fixed_pt"]


@pytest.fixture(params=["jitted", "numpy"])
def path(request, monkeypatch) -> str:
    """Run the test with the jitted loop, then with numpy's gather-and-sum (both must agree)."""
    jit = request.param == "jitted"
    monkeypatch.setattr(dense_active, "use_jit", lambda additions: jit)
    monkeypatch.setattr(sparse_active, "use_jit", lambda additions: jit)
    return request.param


def bits(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a).view(np.int64)


def float_weights(rng, n_out: int, n_in: int) -> np.ndarray:
    """Weights over six orders of magnitude (so the order of the additions shows in the last
    bits), with zeros of both signs."""
    w = rng.normal(size=(n_out, n_in)) * rng.choice([1e-3, 1.0, 1e3], size=(n_out, n_in))
    w[rng.random(w.shape) < 0.3] = 0.0
    w[rng.random(w.shape) < 0.05] = -0.0
    return w


def binary_steps(rng, n_in: int, steps: int) -> np.ndarray:
    """(n_in, steps) spikes: random densities, plus an all-zero and an all-one step."""
    s = rng.random((n_in, steps)) < rng.choice([0.02, 0.2, 0.6], size=steps)
    s[:, 1] = False
    s[:, 3] = True
    return s


@pytest.mark.parametrize("n_out", [1, 2, 3, 7, 64, 400])
@pytest.mark.parametrize("n_in", [1, 9, 300])
def test_active_sum_is_lavas_expression_bit_for_bit(n_out, n_in, path):
    rng = np.random.default_rng(n_out * 1000 + n_in)
    w = float_weights(rng, n_out, n_in)
    wt = np.asfortranarray(w).T  # what the Dense model keeps in binary mode
    for s in binary_steps(rng, n_in, 8).T:
        expected = w[:, s].sum(axis=1)
        got = dense_active.active_sum(wt, s.astype(float))
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(bits(got), bits(expected))


def test_active_sum_of_int32_weights_is_exact_and_int64(path):
    rng = np.random.default_rng(1)
    w = rng.integers(-256, 256, size=(50, 80)).astype(np.int32)
    for s in binary_steps(rng, 80, 8).T:
        got = dense_active.active_sum(np.asfortranarray(w).T, s)
        expected = w[:, s].sum(axis=1)
        assert got.dtype == expected.dtype == np.int64
        np.testing.assert_array_equal(got, expected)


def test_active_sum_of_other_layouts_and_dtypes_takes_numpys_sum():
    rng = np.random.default_rng(2)
    w = float_weights(rng, 6, 40)
    s = rng.random(40) < 0.5
    c_ordered = np.ascontiguousarray(w).T  # not C-contiguous: numpy's own gather-and-sum
    np.testing.assert_array_equal(bits(dense_active.active_sum(c_ordered, s)), bits(w[:, s].sum(axis=1)))
    w32 = w.astype(np.float32)
    got = dense_active.active_sum(np.asfortranarray(w32).T, s)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, w32[:, s].sum(axis=1))


@pytest.mark.parametrize("n_out", [1, 5, 120])
def test_float_dense_trace_equals_lavas_expression_every_step(n_out, path):
    rng = np.random.default_rng(7 + n_out)
    w = float_weights(rng, n_out, 150)
    s = binary_steps(rng, 150, 10)
    dense = Dense(w)
    got = run_chain(FLOAT, dense, s.astype(float), 10, probes=[dense.a_buff])[f"{dense.name}.a_buff"]
    for k in range(10):
        np.testing.assert_array_equal(bits(got[k]), bits(w[:, s[:, k]].sum(axis=1)), err_msg=f"step {k + 1}")


def test_bitacc_dense_trace_is_the_exact_integer_sum(path):
    rng = np.random.default_rng(11)
    w = 2 * rng.integers(-60, 60, size=(30, 70))  # even: unchanged by the weight conversion
    s = binary_steps(rng, 70, 10)
    dense = Dense(w)
    got = run_chain(BITACC, dense, s.astype(int), 10, probes=[dense.a_buff])[f"{dense.name}.a_buff"]
    np.testing.assert_array_equal(got, (w @ s).T)


def test_sparse_active_sum_equals_bincount_and_dense_sum(path):
    rng = np.random.default_rng(13)
    w = float_weights(rng, 90, 120)
    w[rng.random(w.shape) < 0.7] = 0.0
    csc = sp.csc_matrix(w)
    for s in binary_steps(rng, 120, 8).T:
        got = sparse_active.active_sum(csc.data, csc.indices, csc.indptr, 90, s)
        # the same additions as bincount over the positions of the active inputs' synapses
        pos = np.concatenate([np.arange(csc.indptr[i], csc.indptr[i + 1]) for i in np.flatnonzero(s)] or [[]])
        pos = pos.astype(np.int64)
        expected = np.bincount(csc.indices[pos], weights=csc.data[pos], minlength=90)
        np.testing.assert_array_equal(bits(got), bits(expected))
        np.testing.assert_array_equal(got, w[:, s].sum(axis=1))  # equal to Dense (zeros' sign aside)


def test_sparse_active_sum_without_active_input_is_float_zeros(path):
    csc = sp.csc_matrix(float_weights(np.random.default_rng(5), 7, 9))
    got = sparse_active.active_sum(csc.data, csc.indices, csc.indptr, 7, np.zeros(9))
    assert got.dtype == np.float64  # as with active inputs (numpy's bincount alone would count)
    np.testing.assert_array_equal(got, np.zeros(7))


def test_float_sparse_trace_equals_dense_trace(path):
    rng = np.random.default_rng(17)
    w = float_weights(rng, 40, 60)
    w[rng.random(w.shape) < 0.6] = 0.0
    s = binary_steps(rng, 60, 10).astype(float)
    dense, sparse = Dense(w), Sparse(sp.csr_matrix(w))
    a = run_chain(FLOAT, dense, s, 10, probes=[dense.a_buff])[f"{dense.name}.a_buff"]
    b = run_chain(FLOAT, sparse, s, 10, probes=[sparse.a_buff])[f"{sparse.name}.a_buff"]
    np.testing.assert_array_equal(a, b)


def test_jitted_loop_takes_over_once_numba_runs_or_numpy_has_done_enough(monkeypatch):
    name = "numba.np.arraymath"  # what numba imports on its first compile or cache load
    loaded = sys.modules.get(name) or types.ModuleType(name)
    monkeypatch.setattr(dense_active, "_state", {"numpy_additions": 0, "jit": False})
    monkeypatch.delitem(sys.modules, name, raising=False)  # as if numba had not run yet
    monkeypatch.setattr(_fastload, "_state", {"loaded": False})  # nor loaded any machine code
    half = dense_active.JIT_AFTER // 2
    assert not dense_active.use_jit(half)
    assert not dense_active.use_jit(half)  # the budget is now spent ...
    assert dense_active.use_jit(1)          # ... so the jitted loop pays from here on
    assert dense_active.use_jit(1)
    monkeypatch.setattr(dense_active, "_state", {"numpy_additions": 0, "jit": False})
    monkeypatch.setitem(sys.modules, name, loaded)  # numba has run: no numpy budget first
    assert dense_active.use_jit(1)
    monkeypatch.setattr(dense_active, "_state", {"numpy_additions": 0, "jit": False})
    monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.setattr(_fastload, "_state", {"loaded": True})  # a fused loop was loaded: the same
    assert dense_active.use_jit(1)


@pytest.mark.parametrize("dtype", [bool, np.int32, np.int64, np.float64])
def test_active_indices_are_numpys_flatnonzero(dtype):
    rng = np.random.default_rng(19)
    for density in (0.0, 0.2, 1.0):
        s = (rng.random(300) < density).astype(dtype)
        if s.dtype.kind == "f":
            s[rng.random(300) < 0.1] = -0.0  # a zero, whatever its sign
            s[rng.random(300) < 0.1] = np.nan  # not a zero
            s[rng.random(300) < 0.1] = -2.5
        got = dense_active.active_indices(s)
        np.testing.assert_array_equal(got, np.flatnonzero(s))
        assert got.dtype == np.intp
