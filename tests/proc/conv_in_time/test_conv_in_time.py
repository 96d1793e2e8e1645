"""ConvInTime: an input at step t reaches the output at t + 1 + i through weights[K-1-i]; the
compiled kernel equals the python models bit for bit (numpy's pairwise row sums included)."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import Loihi2SimCfg, RunSteps
from neuroproc.proc.conv_in_time.process import ConvInTime
from neuroproc.proc.io import sink, source


def _run(conn, data, tag, backend):
    steps = data.shape[1]
    src = source.RingBuffer(data=data, name="src")
    snk = sink.RingBuffer(shape=conn.a_out.shape, buffer=steps, name="snk")
    src.s_out.connect(conn.s_in)
    conn.a_out.connect(snk.a_in)
    try:
        src.run(RunSteps(steps), Loihi2SimCfg(select_tag=tag, backend=backend))
        assert src.runtime.backend.name == backend
        return snk.data.get(), conn.a_buff.get()
    finally:
        src.stop()


@pytest.mark.parametrize("backend", ["python", "compiled"])
def test_an_input_is_spread_over_k_steps_in_reverse_kernel_order(backend):
    weights = np.arange(1.0, 7.0).reshape(3, 2, 1)   # K = 3, n_out = 2, n_in = 1
    data = np.zeros((1, 8))
    data[0, 1] = 1                                   # one spike at step 2
    a_out, _ = _run(ConvInTime(weights=weights, name="cit"), data, "floating_pt", backend)
    expected = np.zeros((2, 8))
    for i in range(3):                               # step 2 + 1 + i gets weights[K - 1 - i]
        expected[:, 2 + i] = weights[2 - i, :, 0]
    np.testing.assert_array_equal(a_out, expected)


@pytest.mark.parametrize("n_in", [5, 40, 150])
@pytest.mark.parametrize("graded", [False, True])
@pytest.mark.parametrize("tag", ["floating_pt", "fixed_pt"])
def test_compiled_kernel_equals_the_python_model_bit_for_bit(n_in, graded, tag):
    rng = np.random.default_rng(n_in)
    weights = rng.normal(size=(4, 6, n_in))
    data = rng.integers(-9, 9, (n_in, 20)) if graded else (rng.random((n_in, 20)) < 0.3).astype(int)
    kw = {"num_message_bits": 8} if graded else {}
    ref = _run(ConvInTime(weights=weights, name="cit", **kw), data, tag, "python")
    got = _run(ConvInTime(weights=weights, name="cit", **kw), data, tag, "compiled")
    assert np.abs(ref[0]).max() > 0
    for a, b in zip(got, ref):
        np.testing.assert_array_equal(a, b)
