"""The compiled backend's learning kernels equal the python models bit for bit on a larger
random plastic network (LIF -> LearningDense/LearningSparse -> LIF with STDP and a custom rule),
float and bit-approximate, over several runs with a set() in between."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from neuroproc import Loihi2SimCfg, Monitor, RunSteps
from neuroproc.learning.learning_rule import Loihi2FLearningRule
from neuroproc.proc.dense.process import LearningDense
from neuroproc.proc.learning_rules import STDPLoihi
from neuroproc.proc.lif.process import LIF
from neuroproc.proc.sparse.process import LearningSparse


def _run(backend, fixed, sparse, custom):
    rng = np.random.default_rng(3)
    n_in, n_out = 30, 20
    scale = 100 if fixed else 1.0
    w = rng.integers(-60, 60, (n_out, n_in)) * (rng.random((n_out, n_in)) < 0.3)
    if not fixed:
        w = w / 20.0
    if custom:
        rule = Loihi2FLearningRule(dw="x0 * (-1) * 2^-1 * y1 + y0 * 2 * x1 + u1 * x2 * y1 * 2^-3 - u1 * sgn(w)",
                                   dt="x0 * y1 - y0 * (x1 - 4)", dd="y0 * x2 * 2^-2", x1_impulse=16, x1_tau=12,
                                   x2_impulse=7.75, x2_tau=30, y1_impulse=20.5, y1_tau=8, t_epoch=2, rng_seed=4)
    else:
        rule = STDPLoihi(1, 2, -2, 10, 12, t_epoch=1, rng_seed=1)
    pre = LIF(shape=(n_in,), du=0 if fixed else 0.1, dv=0 if fixed else 0.1, vth=10 * scale if fixed else 1.0,
              bias_mant=rng.integers(1, 30, n_in) * (scale if fixed else 0.01))
    conn = (LearningSparse(sp.csr_matrix(w), learning_rule=rule) if sparse
            else LearningDense(w, learning_rule=rule))
    post = LIF(shape=(n_out,), du=0 if fixed else 0.2, dv=0 if fixed else 0.1, vth=8 * scale if fixed else 1.0,
               bias_mant=rng.integers(1, 20, n_out) * (scale if fixed else 0.01))
    pre.s_out.connect(conn.s_in)
    conn.a_out.connect(post.a_in)
    post.s_out.connect(conn.s_in_bap)
    mon = Monitor()
    for name in ("x1", "y1", "tx"):
        mon.probe(getattr(conn, name), 120)
    cfg = Loihi2SimCfg(select_tag="fixed_pt" if fixed else "floating_pt", backend=backend)
    try:
        pre.run(RunSteps(50), cfg)
        first = conn.weights.get()
        conn.x1_tau.set(np.array([6.0]))
        pre.run(RunSteps(70), cfg)
        out = {"first": first, "weights": conn.weights.get(), "tag_1": conn.tag_1.get(),
               "tag_2": conn.tag_2.get(), **mon.get_data()[conn.name], "backend": pre.runtime.backend.name}
    finally:
        pre.stop()
    return out


@pytest.mark.parametrize("fixed", [False, True], ids=["float", "bitapprox"])
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
@pytest.mark.parametrize("custom", [False, True], ids=["stdp", "custom"])
def test_compiled_equals_python(fixed, sparse, custom):
    py = _run("python", fixed, sparse, custom)
    co = _run("compiled", fixed, sparse, custom)
    assert co["backend"] == "compiled"
    assert not np.array_equal(py["first"], py["weights"])  # it learned
    for key in ("first", "weights", "tag_1", "tag_2", "x1", "y1", "tx"):
        np.testing.assert_array_equal(co[key], py[key], err_msg=key)
