"""LearningLIF on the compiled backend: its kernel is the LIF's step plus the learning sends.
Expectations: the python backend bit for bit, and a plain LIF feeding the rule through ``s_out``
(a second implementation of the same network) -- same spikes, same learned weights."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import Loihi2SimCfg, RunSteps
from neuroproc.proc import io
from neuroproc.proc.dense.process import LearningDense
from neuroproc.proc.learning_rules import STDPLoihi
from neuroproc.proc.lif.learning_process import LearningLIF
from neuroproc.proc.lif.process import LIF


def _run(backend: str, fixed: bool, learning: bool) -> dict:
    rng = np.random.default_rng(8)
    n_in, n_out, steps = 16, 6, 60
    scale = 100 if fixed else 1.0
    w = rng.integers(-40, 80, (n_out, n_in)) * (rng.random((n_out, n_in)) < 0.5)
    spikes = (rng.random((n_in, steps)) < 0.3).astype(np.int32 if fixed else float)
    src = io.source.RingBuffer(data=spikes)
    conn = LearningDense(w if fixed else w / 20.0, learning_rule=STDPLoihi(1, 2, -2, 10, 12, t_epoch=1, rng_seed=1))
    kw = dict(du=300 if fixed else 0.2, dv=200 if fixed else 0.1, vth=6 * scale if fixed else 1.0,
              bias_mant=rng.integers(0, 10, n_out) * (scale / 10 if fixed else 0.01))
    post = LearningLIF((n_out,), **kw) if learning else LIF((n_out,), **kw)
    src.s_out.connect(conn.s_in)
    conn.a_out.connect(post.a_in)
    (post.s_out_bap if learning else post.s_out).connect(conn.s_in_bap)
    snk = io.sink.RingBuffer(shape=(n_out,), buffer=steps)
    post.s_out.connect(snk.a_in)
    cfg = Loihi2SimCfg(select_tag="fixed_pt" if fixed else "floating_pt", backend=backend)
    try:
        src.run(RunSteps(25), cfg)
        assert src.runtime.backend.name == backend
        w25 = conn.weights.get()
        src.run(RunSteps(steps - 25), cfg)
        return {"spikes": snk.data.get(), "w25": w25, "weights": conn.weights.get(), "v": post.v.get(),
                "u": post.u.get()}
    finally:
        src.stop()


@pytest.mark.parametrize("fixed", [False, True], ids=["float", "fixed"])
def test_learning_lif_kernel_equals_python_and_a_plain_lif(fixed):
    got = _run("compiled", fixed, learning=True)
    for other in (_run("python", fixed, learning=True), _run("compiled", fixed, learning=False)):
        for key, value in other.items():
            np.testing.assert_array_equal(got[key], value, err_msg=key)
    assert got["spikes"].any() and not np.array_equal(got["w25"], got["weights"])  # it learned
