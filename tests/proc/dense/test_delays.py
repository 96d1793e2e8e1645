"""DelayDense and DelaySparse: arrival steps, the compiled kernels against the python models (bit
for bit, including numpy's pairwise row sums above 8 and 128 inputs), Loihi's delay limit, and
folding of uniform delays."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from neuroproc import Loihi2SimCfg, Monitor, RunSteps, SimulationError, deployment_report
from neuroproc.proc.dense.process import DelayDense, Dense
from neuroproc.proc.io import sink, source
from neuroproc.proc.sparse.process import DelaySparse
from neuroproc.utils.fixed_point import SignMode


def _run(conn, data, steps, tag, backend, probe=True):
    src = source.RingBuffer(data=data, name="src")
    snk = sink.RingBuffer(shape=conn.a_out.shape, buffer=steps, name="snk")
    src.s_out.connect(conn.s_in)
    conn.a_out.connect(snk.a_in)
    mon = Monitor(name="mon")
    if probe:
        mon.probe(conn.a_buff, steps)
    try:
        src.run(RunSteps(steps), Loihi2SimCfg(select_tag=tag, backend=backend))
        assert src.runtime.backend.name == backend
        return snk.data.get(), (mon.get_data()[conn.name]["a_buff"] if probe else None), conn.weights.get()
    finally:
        src.stop()


@pytest.mark.parametrize("cls", [DelayDense, DelaySparse])
@pytest.mark.parametrize("backend", ["python", "compiled"])
def test_a_spike_through_delay_d_arrives_at_t_plus_1_plus_d(cls, backend):
    # one input, three outputs with delays 0, 2 and 5; one spike at step 3
    weights = np.array([[1.0], [2.0], [3.0]])
    w = sp.csr_matrix(weights) if cls is DelaySparse else weights
    conn = cls(w, delays=np.array([[0], [2], [5]]), name="conn")
    data = np.zeros((1, 12))
    data[0, 2] = 1
    a_out, a_buff, _ = _run(conn, data, 12, "floating_pt", backend)
    expected = np.zeros((3, 12))
    for i, d in enumerate((0, 2, 5)):
        expected[i, 3 + 1 + d - 1] = weights[i, 0]   # column t - 1 holds step t
    np.testing.assert_array_equal(a_out, expected)
    assert a_buff.shape == (12, 3, 6)


def _random(cls, n_out, n_in, graded, fixed, seed, max_delay=6):
    rng = np.random.default_rng(seed)
    w = rng.integers(-200, 200, (n_out, n_in)) if fixed else rng.normal(size=(n_out, n_in))
    delays = rng.integers(0, max_delay + 1, (n_out, n_in))
    if cls is DelaySparse:
        mask = rng.random((n_out, n_in)) < 0.4
        w, delays = sp.csr_matrix(w * mask), sp.csr_matrix(delays * mask)
    steps = 25
    if graded:
        data = rng.integers(-40, 40, (n_in, steps)) if fixed else rng.normal(size=(n_in, steps))
    else:
        data = (rng.random((n_in, steps)) < 0.3).astype(int)
    kw = {"num_message_bits": 8} if graded else {}
    if fixed:
        kw.update(weight_exp=-2, num_weight_bits=7)
    return lambda: cls(w, delays=delays, name="conn", **kw), data, steps


@pytest.mark.parametrize("cls", [DelayDense, DelaySparse])
@pytest.mark.parametrize("graded", [False, True])
@pytest.mark.parametrize("fixed", [False, True])
@pytest.mark.parametrize("n_in", [5, 40, 150])
def test_compiled_kernel_equals_the_python_model_bit_for_bit(cls, graded, fixed, n_in):
    make, data, steps = _random(cls, 7, n_in, graded, fixed, seed=n_in)
    tag = "fixed_pt" if fixed else "floating_pt"
    ref = _run(make(), data, steps, tag, "python")
    got = _run(make(), data, steps, tag, "compiled")
    assert np.abs(ref[0]).max() > 0
    for a, b in zip(got, ref):
        np.testing.assert_array_equal(a, b)


def test_python_delay_dense_sums_rows_as_lava_does():
    """Independent expectation for graded floats over 150 inputs: Lava's own expression,
    ``sum(where(D == k, W, 0) * s, axis=1)`` per delay, evaluated step by step with numpy."""
    make, data, steps = _random(DelayDense, 4, 150, True, False, seed=9)
    conn = make()
    w, d = conn.weights.init, conn.delays.init
    a_out, _, _ = _run(conn, data, steps, "floating_pt", "python", probe=False)
    buf = np.zeros((4, d.max() + 1))
    expected = np.zeros((4, steps))
    for t in range(steps):
        expected[:, t] = buf[:, 0]
        acc = np.stack([np.sum(np.where(d == k, w, 0) * data[:, t], axis=1) for k in range(buf.shape[1])], axis=1)
        buf[:, 0] = 0
        buf = np.roll(buf, -1) + acc
    np.testing.assert_array_equal(a_out, expected)


@pytest.mark.parametrize("cls", [DelayDense, DelaySparse])
def test_bit_accurate_models_refuse_delays_above_63(cls):
    w = np.ones((1, 2))
    conn = cls(sp.csr_matrix(w) if cls is DelaySparse else w, delays=np.array([[3, 64]]), name="conn")
    with pytest.raises(SimulationError, match=r"conn::\w+ \(PyDelay\w+BitAcc\) failed in run_spk at time step 1: "
                       r"ValidationError: PyDelay\w+BitAcc: delays must be in \[0, 63\] on Loihi 2 \(got 64\)"):
        _run(conn, np.ones((2, 3), int), 3, "fixed_pt", "python")


def test_max_delay_defaults_to_the_largest_delay_and_validates():
    assert DelayDense(np.ones((2, 2)), delays=3).a_buff.shape == (2, 4)
    assert DelayDense(np.ones((2, 2)), delays=1, max_delay=4).a_buff.shape == (2, 5)
    with pytest.raises(ValueError, match=r"d::DelayDense.delays: expected ints >= 0 of shape \(2, 2\)"):
        DelayDense(np.ones((2, 2)), delays=np.array([[0, -1], [1, 1]]), name="d")
    with pytest.raises(ValueError, match="max_delay: expected an int >= 0"):
        DelayDense(np.ones((2, 2)), delays=1, max_delay=-2)


def _chain(delays_a, delays_b):
    rng = np.random.default_rng(2)
    src = source.RingBuffer(data=rng.normal(size=(3, 20)), name="src")
    a = DelayDense(rng.normal(size=(4, 3)), delays=delays_a, num_message_bits=8, name="a")
    b = Dense(rng.normal(size=(2, 4)), num_message_bits=8, name="b")
    snk = sink.RingBuffer(shape=(2,), buffer=20, name="snk")
    src.s_out.connect(a.s_in)
    a.a_out.connect(b.s_in)
    b.a_out.connect(snk.a_in)
    return src, snk


def test_uniform_delays_fold_with_their_timing_and_differing_delays_are_refused():
    runs = {}
    for mode in (False, "linear"):
        src, snk = _chain(2, 0)
        cfg = Loihi2SimCfg(select_tag="floating_pt", fold=mode)
        report = deployment_report(src, cfg)
        try:
            src.run(RunSteps(20), cfg)
            runs[mode] = snk.data.get()
        finally:
            src.stop()
    [item] = [f for f in report.fold.folded if f.kind == "linear"]
    assert item.processes == ("a::DelayDense", "b::Dense") and "delay 4 steps" in item.detail
    np.testing.assert_array_equal(runs[False][:, :4], 0)
    np.testing.assert_allclose(runs["linear"], runs[False], rtol=0, atol=1e-12)
    src, _ = _chain(np.array([[0, 1, 0]] * 4), 0)
    report = deployment_report(src, Loihi2SimCfg(select_tag="floating_pt", fold="linear"))
    [refused] = [r for r in report.fold.refused if r.kind == "linear"]
    assert refused.reason == "a::DelayDense has per-synapse delays that differ: it is not one matrix with one delay"


@pytest.mark.parametrize("cls", [DelayDense, DelaySparse])
def test_fractional_bit_accurate_weights_are_refused_natively_and_cast_toward_zero_under_lava(cls):
    """Lava's bit-accurate models hold int32 weights: 0.5 becomes 0, 300 is clipped to 255.
    neuroproc refuses fractional weights, except under its Lava layer, where Lava's behaviour wins."""
    import warnings

    from neuroproc.compat import lava as compat
    from neuroproc.exceptions import PrecisionWarning

    w = np.array([[0.5, 300.0, 40.0]]).T
    make = lambda: cls(sp.csr_matrix(w) if cls is DelaySparse else w, delays=np.array([[0, 1, 2]]).T,  # noqa: E731
                       sign_mode=SignMode.EXCITATORY, name="conn")
    data = np.ones((1, 6), int)
    with pytest.raises(ValueError, match="needs whole-number weights"):
        _run(make(), data, 6, "fixed_pt", "python")
    compat.install()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PrecisionWarning)  # 300 is clipped to 255, as Lava does
            a_out, _, _ = _run(make(), data, 6, "fixed_pt", "python")
    finally:
        compat.uninstall()
    expected = np.zeros((3, 6))
    for i, (wi, d) in enumerate(zip((0, 255, 40), (0, 1, 2))):
        expected[i, 1 + d:] = wi            # a spike every step from step 1 arrives from step 2 + d
    np.testing.assert_array_equal(a_out, expected)
