"""The float LIF kernel: scalar and per-neuron parameters give the same bits, its spike indices
(the active view of ``s_out``) match the spikes, and multi-dimensional LIFs equal the python model."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import Loihi1SimCfg, RunSteps
from neuroproc.proc import io
from neuroproc.proc.lif._kernels import float_step
from neuroproc.proc.lif.process import LIF


def _step(n, params, a_in, u, v):
    flag = np.zeros(-(-n // 8) * 8, np.uint8)
    s_out, idx, count = np.zeros(n), np.full(n, -1, np.int64), np.zeros(1, np.int64)
    float_step(1, u, v, *params, flag, flag.view(np.uint64), a_in, s_out, idx, count)
    return s_out, idx[:count[0]]


@pytest.mark.parametrize("n", [1, 7, 8, 13, 64, 70])
def test_scalar_and_per_neuron_parameters_agree_and_the_view_lists_the_spikes(n):
    rng = np.random.default_rng(n)
    u0, v0, a_in = rng.normal(size=n), rng.normal(0.5, 0.5, size=n), rng.normal(size=n)
    scalars = (0.9, 0.8, 0.7, 0.05)  # decay_u, decay_v, vth, bias
    results = []
    for params in (scalars, tuple(np.full(n, p) for p in scalars)):
        u, v = u0.copy(), v0.copy()
        s_out, active = _step(n, params, a_in, u, v)
        results.append((u, v, s_out))
        np.testing.assert_array_equal(active, np.flatnonzero(s_out))
    for got, want in zip(*results):
        np.testing.assert_array_equal(got.view(np.uint64), want.view(np.uint64))
    # the definition: u = u * (1 - du) + a; v = v * (1 - dv) + u + bias; spike and reset above vth
    u = u0 * 0.9 + a_in
    v = v0 * 0.8 + u + 0.05
    np.testing.assert_array_equal(results[0][2], (v > 0.7).astype(float))
    np.testing.assert_array_equal(results[0][1], np.where(v > 0.7, 0.0, v))


def test_multidimensional_lif_with_per_neuron_decays_equals_the_python_model():
    rng = np.random.default_rng(2)
    data, du = rng.normal(0.3, 0.5, (3, 5, 11)), rng.random((3, 5)) * 0.3
    out = {}
    for backend in ("python", "compiled"):
        src = io.source.RingBuffer(data=data)
        lif = LIF(shape=(3, 5), du=du, dv=0.1, vth=0.8,
                  bias_mant=np.tile(np.linspace(0, 0.2, 5), (3, 1)))
        sink = io.sink.RingBuffer(shape=(3, 5), buffer=11)
        src.s_out.connect(lif.a_in)
        lif.s_out.connect(sink.a_in)
        sink.run(condition=RunSteps(11), run_cfg=Loihi1SimCfg(select_tag="floating_pt", backend=backend))
        assert sink.runtime.backend.name == backend
        out[backend] = (sink.data.get(), lif.u.get(), lif.v.get())
        sink.stop()
    assert out["python"][0].sum() > 5, "the LIF should spike"
    for got, want in zip(out["compiled"], out["python"]):
        np.testing.assert_array_equal(got, want)
