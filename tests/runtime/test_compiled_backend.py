"""The compiled backend: same results as the python backend, fallbacks that say why."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import Loihi1SimCfg, Monitor, NeuroprocWarning, RunSteps, SimulationError
from neuroproc.proc import io
from tests.nets import Counter, Recorder

RNG = np.random.default_rng(7)


def _io_net(tag, data):
    src = io.source.RingBuffer(data=data)
    sink = io.sink.RingBuffer(shape=data.shape[:-1], buffer=12)
    src.s_out.connect(sink.a_in)
    mon = Monitor()
    mon.probe(src.s_out, 12)
    mon.probe(sink.data, 12)
    return src, sink, mon


@pytest.mark.parametrize("tag, dtype", [("floating_pt", float), ("fixed_pt", np.int32)])
@pytest.mark.parametrize("splits", [(12,), (5, 7), (1, 1, 10)])
def test_compiled_equals_python_on_io_networks(tag, dtype, splits):
    data = RNG.integers(-50, 50, (2, 3, 5)).astype(dtype)
    results = {}
    for backend in ("python", "compiled"):
        src, sink, mon = _io_net(tag, data)
        cfg = Loihi1SimCfg(select_tag=tag, backend=backend)
        for n in splits:
            sink.run(condition=RunSteps(n), run_cfg=cfg)
        assert sink.runtime.backend.name == backend
        assert sink.runtime.time_step == 12
        results[backend] = (sink.data.get(), mon.get_data())
        sink.stop()
    np.testing.assert_array_equal(results["python"][0], results["compiled"][0])
    py_mon, c_mon = results["python"][1], results["compiled"][1]
    for per_py, per_c in zip(py_mon.values(), c_mon.values()):  # same order, other process names
        for (key, arr), (key_c, arr_c) in zip(per_py.items(), per_c.items()):
            assert key == key_c
            np.testing.assert_array_equal(arr, arr_c)
    # and against the definition: column (t-1) % 5 at step t, the sink storing at (t-1) % 12
    expected = data[..., [(t - 1) % 5 for t in range(1, 13)]]
    np.testing.assert_array_equal(results["compiled"][0], expected)


def test_get_set_between_compiled_runs():
    data = np.arange(6.0).reshape(2, 3)
    src, sink, _ = _io_net("floating_pt", data)
    cfg = Loihi1SimCfg(select_tag="floating_pt", backend="compiled")
    sink.run(condition=RunSteps(2), run_cfg=cfg)
    src.data.set(data * 10)
    sink.run(condition=RunSteps(2), run_cfg=cfg)
    np.testing.assert_array_equal(sink.data.get()[:, :4], [[0, 1, 20, 0], [3, 4, 50, 30]])
    sink.stop()


def test_auto_uses_compiled_when_every_model_has_a_kernel_and_says_why_not():
    src, sink, _ = _io_net("floating_pt", np.ones((1, 2)))
    sink.run(condition=RunSteps(1), run_cfg=Loihi1SimCfg(select_tag="floating_pt", backend="compiled"))
    sink.stop()
    # the same structure again: its fused loop is compiled now, so even a 1-step run fuses
    src, sink, _ = _io_net("floating_pt", np.ones((1, 2)))
    sink.run(condition=RunSteps(1), run_cfg=Loihi1SimCfg(select_tag="floating_pt"))
    assert sink.runtime.backend.name == "compiled"
    assert sink.runtime.backend.stats["source"] == "memory"
    sink.stop()
    c, r = Counter(name="cnt"), Recorder(steps=1)
    c.s_out.connect(r.a_in)
    r.run(condition=RunSteps(1), run_cfg=Loihi1SimCfg())
    assert r.runtime.backend.name == "python"
    assert "cnt::Counter (PyCounterModel)" in r.runtime.backend.reason
    assert r.runtime.backend.reason.endswith("provide no kernel")
    r.stop()


def test_explicit_compiled_falls_back_with_a_warning():
    c, r = Counter(name="cnt2"), Recorder(steps=2)
    c.s_out.connect(r.a_in)
    with pytest.warns(NeuroprocWarning, match=r"fell back to the python backend: .*cnt2::Counter"):
        r.run(condition=RunSteps(2), run_cfg=Loihi1SimCfg(backend="compiled"))
    np.testing.assert_array_equal(r.log.get()[:, 0], [1, 2])
    r.stop()


def test_monitor_overflow_is_reported_like_the_python_backend():
    src, sink, mon = _io_net("floating_pt", np.ones((1, 2)))
    with pytest.raises(SimulationError, match=r"holds 12 steps; time step 13 does not fit"):
        sink.run(condition=RunSteps(13), run_cfg=Loihi1SimCfg(select_tag="floating_pt", backend="compiled"))
