"""Run control: split runs, non-blocking runs, pause/resume, get/set, stop."""
from __future__ import annotations

import time

import numpy as np
import pytest

from neuroproc import (
    Loihi1SimCfg,
    Monitor,
    RunContinuous,
    RunSteps,
    RuntimeStateError,
    ShapeError,
    ValidationError,
)
from neuroproc.proc import io
from tests.nets import Counter, Recorder, Relay

CFG = Loihi1SimCfg(select_tag="floating_pt")


def _network():
    data = np.arange(12, dtype=float).reshape(3, 4)  # period-4 source of 3 channels
    src = io.source.RingBuffer(data=data)
    relay = Relay(shape=(3,), recv_first=False)  # one-step delay, like Dense
    sink = io.sink.RingBuffer(shape=(3,), buffer=10)
    src.s_out.connect(relay.a_in)
    relay.s_out.connect(sink.a_in)
    mon = Monitor()
    mon.probe(relay.value, 10)
    mon.probe(src.s_out, 10)
    return src, relay, sink, mon


def test_split_run_equals_single_run():
    src, relay, sink, mon = _network()
    sink.run(condition=RunSteps(4), run_cfg=CFG)
    sink.run(condition=RunSteps(6), run_cfg=CFG)
    split = (sink.data.get(), mon.get_data())
    sink.stop()
    src2, relay2, sink2, mon2 = _network()
    sink2.run(condition=RunSteps(10), run_cfg=CFG)
    whole = (sink2.data.get(), mon2.get_data())
    sink2.stop()
    np.testing.assert_array_equal(split[0], whole[0])
    for proc_a, proc_b in zip(split[1].values(), whole[1].values()):
        for arr_a, arr_b in zip(proc_a.values(), proc_b.values()):
            np.testing.assert_array_equal(arr_a, arr_b)
    # independent expectation: source column (t-1)%4 at t; relay delays by one step
    cols = [(t - 1) % 4 for t in range(1, 11)]
    expected_sink = np.zeros((3, 10))
    expected_sink[:, 1:] = np.arange(12.0).reshape(3, 4)[:, cols[:-1]]
    np.testing.assert_array_equal(whole[0], expected_sink)


def test_get_set_between_runs_changes_the_dynamics():
    src, rec = Counter(scale=1.0), Recorder(steps=6)
    src.s_out.connect(rec.a_in)
    rec.run(condition=RunSteps(3), run_cfg=CFG)
    np.testing.assert_array_equal(src.count.get(), [3.0])
    rec.log.set(np.full((6, 1), -1.0))
    rec.run(condition=RunSteps(2), run_cfg=CFG)
    np.testing.assert_array_equal(rec.log.get()[:, 0], [-1, -1, -1, 4, 5, -1])
    rec.stop()
    # after stop the last values stay readable
    np.testing.assert_array_equal(rec.log.get()[:, 0], [-1, -1, -1, 4, 5, -1])


def test_set_checks_shape_and_nan_into_integer_var():
    src = io.source.RingBuffer(data=np.ones((2, 3), dtype=int))
    sink = io.sink.RingBuffer(shape=(2,), buffer=3)
    src.s_out.connect(sink.a_in)
    sink.run(condition=RunSteps(1), run_cfg=Loihi1SimCfg(select_tag="fixed_pt"))
    with pytest.raises(ShapeError, match=r"RingBuffer.data.set: value has shape \(4,\)"):
        sink.data.set(np.zeros(4))
    with pytest.raises(ValidationError, match="NaN or inf cannot be stored in an integer"):
        sink.data.set(np.full((2, 3), np.nan))
    sink.stop()


def test_set_before_run_is_used_by_the_model():
    src, rec = Counter(scale=2.0), Recorder(steps=2)
    src.s_out.connect(rec.a_in)
    with pytest.raises(ShapeError):
        rec.log.set(np.zeros((3, 1)))
    rec.log.set(np.full((2, 1), 7.0))
    np.testing.assert_array_equal(rec.log.get(), [[7.0], [7.0]])
    rec.run(condition=RunSteps(1), run_cfg=CFG)
    np.testing.assert_array_equal(rec.log.get(), [[2.0], [7.0]])
    rec.stop()


def test_non_blocking_run_then_wait():
    src, rec = Counter(), Recorder(steps=50)
    src.s_out.connect(rec.a_in)
    rec.run(condition=RunSteps(50, blocking=False), run_cfg=CFG)
    rec.wait()
    np.testing.assert_array_equal(rec.log.get()[:, 0], np.arange(1, 51))
    rec.stop()


def test_run_continuous_pause_get_set_resume():
    src, relay = Counter(), Relay(recv_first=True)
    src.s_out.connect(relay.a_in)
    relay.run(condition=RunContinuous(), run_cfg=CFG)
    with pytest.raises(RuntimeStateError, match="non-blocking run is in progress"):
        for _ in range(1000):  # until the background thread is surely running
            relay.value.get()
            time.sleep(0.001)
    time.sleep(0.02)
    relay.pause()
    t_paused = relay.runtime.time_step
    assert t_paused > 0
    # the relay holds what the counter sent in the last completed step
    np.testing.assert_array_equal(relay.value.get(), [float(t_paused)])
    src.count.set(np.array([0.0]))
    relay.run(condition=RunSteps(3), run_cfg=CFG)
    np.testing.assert_array_equal(relay.value.get(), [float(t_paused + 3)])
    assert relay.runtime.time_step == t_paused + 3
    relay.stop()


def test_stop_then_actions_and_context_manager():
    with Counter() as src:
        rec = Recorder(steps=2)
        src.s_out.connect(rec.a_in)
        src.run(condition=RunSteps(2), run_cfg=CFG)
        rt = src.runtime
    assert src.runtime is None
    with pytest.raises(RuntimeStateError, match="stopped"):
        rt.start(RunSteps(1))
    np.testing.assert_array_equal(rec.log.get()[:, 0], [1.0, 2.0])


def test_run_condition_errors():
    with pytest.raises(ValidationError, match=r"RunSteps.num_steps must be an int >= 1 \(got 0\)"):
        RunSteps(0)
    with pytest.raises(ValidationError, match="condition must be RunSteps"):
        Counter().run(condition=5, run_cfg=CFG)
