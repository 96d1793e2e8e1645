"""Sparse's compiled binary kernels read one-byte weight codes when the weights have at most 256
distinct values (neuroproc.proc.sparse._kernels): the same bits as the weights themselves, on one
and two threads, float and bit-accurate, and as the python backend.

The networks are recurrent E/I LIF <-> Sparse with thousands of spikes: one differing float bit
in one accumulation would change later spikes and voltages. The plain path (``COMPACT = False``)
is the second implementation every compact run is compared with, besides the python backend.
"""
from __future__ import annotations

import numba
import numpy as np
import pytest
import scipy.sparse as sp

from neuroproc import Loihi1SimCfg, Loihi2SimCfg, RunSteps
from neuroproc.learning.learning_rule import Loihi2FLearningRule
from neuroproc.proc import io
from neuroproc.proc.lif.process import LIF
from neuroproc.proc.sparse import _kernels
from neuroproc.proc.sparse.process import LearningSparse, Sparse
from tests.proc import recurrent_lif

PARALLEL = not numba.config.DISABLE_JIT and numba.config.NUMBA_NUM_THREADS >= 2
#: (backend, threads, compact)
RUNS = [("python", 1, True), ("compiled", 1, True), ("compiled", 1, False), ("compiled", 2, True),
        ("compiled", 2, False)]


def _bits(a) -> np.ndarray:
    a = np.ascontiguousarray(a)
    return a.view({1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}[a.itemsize])


@pytest.mark.parametrize("dtype", [np.float64, np.int32, np.int64, np.int16])
@pytest.mark.parametrize("distinct", [1, 2, 255, 256, 257, 1000])
def test_codes_are_the_weights_bit_for_bit_or_absent(dtype, distinct):
    rng = np.random.default_rng(distinct)
    values = np.arange(distinct, dtype=dtype) - distinct // 2
    w = rng.choice(values, 5000)
    w[:distinct] = values  # every value occurs
    got = _kernels.compact_weights(w)
    if distinct > 256:
        assert got is None
        return
    codes, table = got
    assert codes.dtype == np.uint8 and table.dtype == w.dtype
    np.testing.assert_array_equal(_bits(table[codes]), _bits(w))
    assert len(np.unique(codes)) == distinct


def test_zero_and_minus_zero_are_two_values():
    w = np.array([0.0, -0.0, 0.25, -0.0, 0.0])
    codes, table = _kernels.compact_weights(w)
    np.testing.assert_array_equal(_bits(table[codes]), _bits(w))
    assert len(set(codes.tolist())) == 3
    # 255 further values plus both zeros: 257 bit patterns, no codes
    assert _kernels.compact_weights(np.concatenate([w, np.arange(1.0, 256.0)])) is None


def test_hash_collisions_keep_values_apart():
    """Values that differ only in bits the hash folds together still get their own codes."""
    w = np.arange(200, dtype=np.uint64) << np.uint64(20)  # differ above bit 20 only
    w = np.repeat(w.view(np.float64), 3)[np.random.default_rng(1).permutation(600)]
    codes, table = _kernels.compact_weights(w)
    np.testing.assert_array_equal(_bits(table[codes]), _bits(w))


def _weights(rng, n, fixed, few: bool):
    """E/I weights, connection probability 0.1: few distinct values (two per sign), or many."""
    n_exc = n * 4 // 5
    mask = rng.random((n, n)) < 0.1
    if few:
        exc = rng.choice([3, 7] if fixed else [0.013, 0.031], (n, n))
        inh = rng.choice([-20, -41] if fixed else [-0.07, -0.137], (n, n))
    else:
        exc = rng.integers(1, 12, (n, n)) if fixed else rng.uniform(0.0, 0.05, (n, n))
        inh = -rng.integers(4, 50, (n, n)) if fixed else -rng.uniform(0.0, 0.2, (n, n))
    return np.where(np.arange(n) < n_exc, exc, inh) * mask


def _network(fixed: bool, few: bool, n: int = 400, seed: int = 3):
    rng = np.random.default_rng(seed)
    lif = recurrent_lif(rng, n, fixed)
    conn = Sparse(weights=sp.csr_matrix(_weights(rng, n, fixed, few)))
    lif.s_out.connect(conn.s_in)
    conn.a_out.connect(lif.a_in)
    return lif, conn


def _codes_used(rt, conn) -> bool:
    """Whether the compiled Sparse kernel's parameters hold weight codes."""
    model = rt.exe.entry_of(conn).model
    return model.kernel().params(model)[4].size > 0


def _run(fixed, few, backend, threads, compact, monkeypatch, between=None, steps=(60, 60)) -> dict:
    monkeypatch.setattr(_kernels, "COMPACT", compact)
    lif, conn = _network(fixed, few)
    cfg = Loihi1SimCfg(select_tag="fixed_pt" if fixed else "floating_pt", backend=backend, threads=threads)
    out: dict = {}
    try:
        for i, s in enumerate(steps):
            if i and between is not None:
                between(conn)
            lif.run(condition=RunSteps(s), run_cfg=cfg)
            out[f"v{i}"] = lif.v.get()
        rt = lif.runtime
        assert rt.backend.name == backend, rt.backend.reason
        out.update(u=lif.u.get(), a_buff=conn.a_buff.get(), weights=conn.weights.get())
        if backend == "compiled":
            out["threads"] = rt.backend.stats["threads"]
            out["codes"] = _codes_used(rt, conn)
    finally:
        lif.stop()
    return out


def _assert_same(results: dict) -> None:
    ref = results[RUNS[0]]
    assert np.any(ref["v0"] != ref["v1"])
    for run, res in results.items():
        for key in ("v0", "v1", "u", "a_buff"):
            np.testing.assert_array_equal(res[key], ref[key], err_msg=f"{key} of {run}")
        if run[0] == "compiled":
            assert res["threads"] == (run[1] if PARALLEL else 1)


@pytest.mark.parametrize("fixed", [False, True], ids=["float", "bitacc"])
@pytest.mark.parametrize("few", [True, False], ids=["codes", "many_values"])
def test_compact_equals_plain_and_python(fixed, few, monkeypatch):
    results = {run: _run(fixed, few, *run, monkeypatch) for run in RUNS}
    _assert_same(results)
    for (backend, _, compact), res in results.items():
        if backend == "compiled":
            # more than 256 values: the weights themselves; but the bit-accurate conversion leaves
            # at most 256 (8 bits with the sign, even values in the mixed sign mode)
            assert res["codes"] == (compact and (few or fixed))


@pytest.mark.parametrize("fixed", [False, True], ids=["float", "bitacc"])
@pytest.mark.parametrize("to_few", [False, True], ids=["to_many_values", "to_codes"])
def test_weights_set_between_runs_reach_the_kernel(fixed, to_few, monkeypatch):
    """set() makes the next run rebuild the codes: from few values to many (no codes) and from
    many to a new set of few ones; every run equals the python backend's."""
    def between(conn):
        rng = np.random.default_rng(11)
        old = conn.weights.get()
        if to_few:
            exc, inh = ([5, 9], [-17, -36]) if fixed else ([0.011, 0.035], [-0.08, -0.15])
            new = np.where(old > 0, rng.choice(exc, old.size), rng.choice(inh, old.size))
        else:  # set() stores the values as given (the bit-accurate conversion ran already)
            exc, inh = ((rng.integers(1, 240, old.size), -rng.integers(4, 240, old.size)) if fixed else
                        (rng.uniform(0.0, 0.05, old.size), -rng.uniform(0.0, 0.2, old.size)))
            new = np.where(old > 0, exc, inh)
        conn.weights.set(new.astype(old.dtype))

    results = {run: _run(fixed, not to_few, *run, monkeypatch, between=between) for run in RUNS}
    _assert_same(results)
    ref = results[RUNS[0]]
    for res in results.values():
        np.testing.assert_array_equal(res["weights"], ref["weights"])
    assert results[("compiled", 1, True)]["codes"] == to_few
    same = {run: _run(fixed, not to_few, *run, monkeypatch) for run in RUNS[:2]}
    assert not np.array_equal(same[RUNS[1]]["v1"], ref["v1"])  # the set did change the run


def test_replaced_or_invalidated_weights_reach_the_kernel(monkeypatch):
    """A replaced weights array is noticed; one written in place by hand after invalidate()."""
    monkeypatch.setattr(_kernels, "COMPACT", True)
    results = {}
    for how in ("python", "rebind", "in_place"):
        lif, conn = _network(False, True)
        cfg = Loihi1SimCfg(select_tag="floating_pt", backend="python" if how == "python" else "compiled")
        try:
            lif.run(RunSteps(40), cfg)
            model = lif.runtime.exe.entry_of(conn).model
            new = np.where(model.weights > 0, 0.029, -0.11)
            if how == "rebind":
                model.weights = new
            else:
                model.weights[...] = new
                if how == "in_place":
                    lif.runtime.backend.invalidate()
            lif.run(RunSteps(40), cfg)
            results[how] = (lif.v.get(), conn.a_buff.get())
        finally:
            lif.stop()
    for how in ("rebind", "in_place"):
        for got, want in zip(results[how], results["python"]):
            np.testing.assert_array_equal(got, want, err_msg=how)


@pytest.mark.parametrize("fixed", [False, True], ids=["float", "bitacc"])
def test_more_than_65536_outputs_with_codes(fixed, monkeypatch):
    """uint32 rows with one-byte codes: ``a_buff`` after the last step is ``W @ s`` of that step."""
    monkeypatch.setattr(_kernels, "COMPACT", True)
    n_out, n_in, steps = 70_000, 20, 4
    rng = np.random.default_rng(3)
    rows = np.concatenate([rng.integers(0, n_out, 300), [n_out - 1, 65_536]])
    cols = rng.integers(0, n_in, rows.size)
    # non-zero; even for the bit-accurate model (its 8-bit conversion keeps them)
    vals = rng.choice(np.r_[-8:0, 1:9], rows.size) * (2 if fixed else 0.25)
    w = sp.csr_matrix((vals, (rows, cols)), shape=(n_out, n_in))
    data = (rng.random((n_in, steps)) < 0.5).astype(np.int32 if fixed else float)
    got = {}
    for backend in ("python", "compiled"):
        conn = Sparse(w)
        src = io.source.RingBuffer(data=data)
        src.s_out.connect(conn.s_in)
        try:
            src.run(RunSteps(steps), Loihi1SimCfg(select_tag="fixed_pt" if fixed else "floating_pt",
                                                  backend=backend))
            assert conn.proc_params["rows"].dtype == np.uint32
            if backend == "compiled":
                assert _codes_used(src.runtime, conn)
            got[backend] = conn.a_buff.get()
        finally:
            src.stop()
    expected = w @ data[:, -1]  # small integers or quarters: every sum exact
    np.testing.assert_array_equal(got["python"], expected)
    np.testing.assert_array_equal(got["compiled"], expected)


@pytest.mark.parametrize("fixed", [False, True], ids=["float", "bitapprox"])
def test_learning_sparse_keeps_reading_its_weights(fixed, monkeypatch):
    """LearningSparse changes its weights inside the loop: with two initial values (which the
    plain Sparse would code) the compiled run still equals the python one, step by step."""
    monkeypatch.setattr(_kernels, "COMPACT", True)
    out = {}
    for backend in ("python", "compiled"):
        rng = np.random.default_rng(5)
        n_in, n_out = 40, 30
        w = rng.choice([20, -12], (n_out, n_in)) * (rng.random((n_out, n_in)) < 0.4) * (1 if fixed else 0.05)
        rule = Loihi2FLearningRule(dw="2^-2 * x1 * y0 - 2^-2 * y1 * x0", x1_impulse=16, x1_tau=10, y1_impulse=16,
                                   y1_tau=10, t_epoch=1, rng_seed=2)
        pre = LIF(shape=(n_in,), du=0 if fixed else 0.1, dv=0 if fixed else 0.1, vth=1000 if fixed else 1.0,
                  bias_mant=rng.integers(1, 30, n_in) * (100 if fixed else 0.01))
        conn = LearningSparse(sp.csr_matrix(w), learning_rule=rule)
        post = LIF(shape=(n_out,), du=0 if fixed else 0.2, dv=0 if fixed else 0.1, vth=800 if fixed else 1.0,
                   bias_mant=rng.integers(1, 20, n_out) * (100 if fixed else 0.01))
        pre.s_out.connect(conn.s_in)
        conn.a_out.connect(post.a_in)
        post.s_out.connect(conn.s_in_bap)
        try:
            pre.run(RunSteps(80), Loihi2SimCfg(select_tag="fixed_pt" if fixed else "floating_pt", backend=backend))
            assert pre.runtime.backend.name == backend
            out[backend] = (conn.weights.get(), post.v.get(), w[w != 0])
        finally:
            pre.stop()
    assert len(np.unique(out["python"][0])) > 2  # it learned
    for got, want in zip(out["compiled"], out["python"]):
        np.testing.assert_array_equal(got, want)
