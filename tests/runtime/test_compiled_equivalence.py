"""The compiled backend gives bit-identical results to the python backend (and to Lava)."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from neuroproc import Loihi1SimCfg, Monitor, RunSteps
from neuroproc.proc import io
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.lif.process import LIF
from neuroproc.proc.sparse.process import Sparse
from tests.proc.test_reference_cases import CASES, run_case

BACKENDS = ("python", "compiled")


@pytest.mark.parametrize("name", CASES)
def test_reference_cases_on_both_backends(load_ref, name):
    ref = load_ref(name)
    results = {backend: run_case(ref, backend=backend) for backend in BACKENDS}
    assert results["compiled"]["backend"] == "compiled" and results["python"]["backend"] == "python"
    for key in ("spikes", "v", "u", "a_buff", "weights_after_run"):
        np.testing.assert_array_equal(results["compiled"][key], results["python"][key], err_msg=key)
        np.testing.assert_array_equal(results["compiled"][key], ref[key], err_msg=key)


def _random_net(seed, fixed, kind, graded, recurrent):
    rng = np.random.default_rng(seed)
    n_in, n = 12, 9
    if fixed:
        w = rng.integers(-120, 120, (n, n_in)) * (rng.random((n, n_in)) < 0.5)
        data = rng.integers(0, 4 if graded else 2, (n_in, 17)).astype(np.int32)
        lif_kw = dict(du=rng.integers(0, 4096), dv=rng.integers(0, 4096), vth=rng.integers(5, 40),
                      bias_mant=rng.integers(-5, 30, n), bias_exp=rng.integers(-1, 3, n))
        conn_kw = dict(weight_exp=int(rng.integers(-2, 3)), num_message_bits=8 if graded else 0)
        w_rec = rng.integers(-60, 60, (n, n)) * (rng.random((n, n)) < 0.3)
    else:
        w = rng.normal(0, 2, (n, n_in)) * (rng.random((n, n_in)) < 0.5)
        data = (rng.integers(0, 4, (n_in, 17)) if graded else rng.random((n_in, 17)) < 0.4).astype(float)
        lif_kw = dict(du=rng.random() * 0.5, dv=rng.random() * 0.5, vth=1.0 + rng.random(),
                      bias_mant=rng.normal(0.1, 0.1, n))
        conn_kw = dict(num_message_bits=8 if graded else 0)
        w_rec = rng.normal(0, 0.5, (n, n)) * (rng.random((n, n)) < 0.3)

    def conn(weights, **kw):
        return Sparse(sp.csr_matrix(weights), **kw) if kind == "sparse" else Dense(weights, **kw)

    src = io.source.RingBuffer(data=data)
    c = conn(w, **conn_kw)
    lif = LIF(shape=(n,), **lif_kw)
    sink = io.sink.RingBuffer(shape=(n,), buffer=30)
    src.s_out.connect(c.s_in)
    c.a_out.connect(lif.a_in)
    lif.s_out.connect(sink.a_in)
    if recurrent:
        rec = conn(w_rec, **{k: v for k, v in conn_kw.items() if k != "num_message_bits"})
        lif.s_out.connect(rec.s_in)
        rec.a_out.connect(lif.a_in)  # fan-in: summed with the feed-forward input
    mon = Monitor()
    mon.probe(lif.v, 30)
    mon.probe(lif.u, 30)
    mon.probe(c.a_buff, 30)
    return src, c, lif, sink, mon


@pytest.mark.parametrize("fixed", [False, True], ids=["float", "fixed"])
@pytest.mark.parametrize("kind", ["dense", "sparse"])
@pytest.mark.parametrize("graded, recurrent", [(False, False), (False, True), (True, False)])
def test_random_networks_and_split_runs_are_identical(fixed, kind, graded, recurrent):
    out = {}
    for backend in BACKENDS:
        src, c, lif, sink, mon = _random_net(11, fixed, kind, graded, recurrent)
        cfg = Loihi1SimCfg(select_tag="fixed_pt" if fixed else "floating_pt", backend=backend)
        lif.run(condition=RunSteps(7), run_cfg=cfg)
        assert lif.runtime.backend.name == backend
        lif.v.set(lif.v.get() // 2 if fixed else lif.v.get() / 2)  # set while paused
        lif.run(condition=RunSteps(1), run_cfg=cfg)
        lif.run(condition=RunSteps(22), run_cfg=cfg)
        out[backend] = (sink.data.get(), mon.get_data(), c.weights.get(), lif.u.get())
        lif.stop()
    np.testing.assert_array_equal(out["compiled"][0], out["python"][0])
    assert out["python"][0].sum() > 0, "the network should spike"
    for per_c, per_p in zip(out["compiled"][1].values(), out["python"][1].values()):
        for a, b in zip(per_c.values(), per_p.values()):
            np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(out["compiled"][2], out["python"][2])
    np.testing.assert_array_equal(out["compiled"][3], out["python"][3])
