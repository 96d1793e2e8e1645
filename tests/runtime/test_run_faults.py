"""Errors are never lost, a stopped network never restarts, raw errors become neuroproc ones."""
from __future__ import annotations

import time

import numpy as np
import pytest

from neuroproc import (
    CompilationError,
    DeadlockError,
    Loihi1SimCfg,
    RunContinuous,
    RunSteps,
    RuntimeStateError,
    SimulationError,
    ValidationError,
)
from neuroproc.proc.lif.models import PyLifModelFloat
from tests.nets import Relay
from tests.runtime.faultnets import BACKENDS, GreenletExit, Guarded, cfg, emitter_net, lif_net

PY = Loihi1SimCfg(backend="python")


def _assert_overflow(err, lif_mon_steps=5):
    # the Monitor of lif.v holds 5 rows: recording step 6 fails, naming Monitor, phase and step
    assert isinstance(err, SimulationError)
    assert err.time_step == lif_mon_steps + 1 and err.phase in ("run_post_mgmt", "run_spk")
    assert "Monitor" in str(err) and f"time step {lif_mon_steps + 1}" in str(err)


def _call(action, lif):
    if action == "run":
        lif.run(condition=RunSteps(1))
    elif action == "get":
        lif.v.get()
    else:
        getattr(lif, action)()


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("action", ["wait", "pause", "stop", "run", "get"])
def test_background_error_is_raised_once_by_the_next_call(backend, action):
    lif, mon = lif_net(mon_steps=5)
    lif.run(condition=RunSteps(20, blocking=False), run_cfg=cfg(backend))
    if action != "wait":  # run/get refuse while it goes on, pause/stop end it: let it fail first
        rt = lif.runtime
        while rt.running:
            time.sleep(0.005)
    with pytest.raises(SimulationError) as info:
        _call(action, lif)
    _assert_overflow(info.value)
    # once: then the network is stopped, its state readable, and run() refused
    lif.wait()
    lif.stop()
    assert lif.runtime is None
    assert lif.v.get().shape == (3,)
    assert mon.get_data()[lif.name]["v"].shape == (5, 3)
    with pytest.raises(RuntimeStateError, match="stopped"):
        lif.run(condition=RunSteps(1))


@pytest.mark.parametrize("backend", BACKENDS)
def test_non_blocking_run_then_wait_reports_the_error_every_time(backend):
    caught = 0
    for _ in range(50):
        lif, _ = lif_net(mon_steps=2)
        lif.run(condition=RunSteps(5, blocking=False), run_cfg=cfg(backend))
        try:
            lif.wait()
        except SimulationError as err:
            _assert_overflow(err, 2)
            caught += 1
    assert caught == 50


def test_background_model_error_and_deadlock_are_reported():
    em, sink = emitter_net(at=4)
    sink.run(condition=RunSteps(10, blocking=False), run_cfg=PY)
    with pytest.raises(SimulationError, match=r"em::Emitter \(PyEmitterModel\) failed in run_spk at time step 4"):
        sink.wait()
    a, b = Relay(recv_first=True, name="ra"), Relay(recv_first=True, name="rb")
    a.s_out.connect(b.a_in)
    b.s_out.connect(a.a_in)
    a.run(condition=RunSteps(3, blocking=False), run_cfg=PY)
    with pytest.raises(DeadlockError, match=r"ra::Relay\.a_in waits for rb::Relay\.s_out"):
        a.wait()
    a.wait()  # reported once


@pytest.mark.parametrize("backend", BACKENDS)
def test_run_continuous_error_is_raised_by_pause(backend):
    if backend == "python":
        em, sink = emitter_net(at=30)
        sink.run(condition=RunContinuous(), run_cfg=PY)
        expect = r"em::Emitter \(PyEmitterModel\) failed in run_spk at time step 30"
    else:
        sink, _ = lif_net(mon_steps=30)
        sink.run(condition=RunContinuous(), run_cfg=cfg(backend))
        expect = "time step 31"
    time.sleep(0.2)
    with pytest.raises(SimulationError, match=expect):
        sink.pause()
    sink.pause()
    assert sink.runtime is None


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("how", ["stop", "error"])
def test_run_after_stop_or_error_is_refused_never_restarted(backend, how):
    lif, mon = lif_net(mon_steps=6)
    lif.run(condition=RunSteps(4), run_cfg=cfg(backend))
    if how == "stop":
        lif.stop()
    else:
        with pytest.raises(SimulationError):
            lif.run(condition=RunSteps(5))
    recorded = mon.get_data()[lif.name]["v"].copy()
    v = lif.v.get()
    for kwargs in ({}, {"run_cfg": cfg(backend)}):
        with pytest.raises(RuntimeStateError, match=r"was stopped .*Build a new network") as info:
            lif.run(condition=RunSteps(2), **kwargs)
        assert "needs a run_cfg" not in str(info.value)
        assert lif.name in str(info.value)
    # nothing ran again: the Monitor rows and the state are those of the first run
    np.testing.assert_array_equal(mon.get_data()[lif.name]["v"], recorded)
    np.testing.assert_array_equal(lif.v.get(), v)


def test_first_run_without_run_cfg_says_what_is_missing():
    lif, _ = lif_net()
    with pytest.raises(ValidationError, match=r"first run needs a run_cfg \(got None\)"):
        lif.run(condition=RunSteps(1))


@pytest.mark.parametrize("backend", BACKENDS)
def test_wait_after_run_continuous_raises_at_once(backend):
    lif, _ = lif_net()
    lif.run(condition=RunContinuous(), run_cfg=cfg(backend))
    t0 = time.perf_counter()
    with pytest.raises(RuntimeStateError, match=r"RunContinuous\(\), which never ends by itself.*pause\(\) or stop\(\)"):
        lif.wait()
    assert time.perf_counter() - t0 < 1.0
    lif.pause()
    assert lif.runtime.time_step > 0
    lif.stop()


@pytest.mark.parametrize("guard", ["pre_guard", "lrn_guard", "post_guard"])
def test_exception_in_a_guard_names_process_model_guard_step(guard):
    g = Guarded(guard=guard, at=3, name="gd")
    with pytest.raises(SimulationError, match=rf"gd::Guarded \(PyGuardedModel\) failed in {guard} at time step 3: "
                                              rf"LookupError: {guard} broke") as info:
        g.run(condition=RunSteps(5), run_cfg=PY)
    assert (info.value.phase, info.value.time_step) == (guard, 3)
    assert isinstance(info.value.__cause__, LookupError)
    assert g.n.get()[0] == 3.0


@pytest.mark.parametrize("bad", ["abc", 3, Loihi1SimCfg])
def test_run_cfg_that_is_not_a_run_config_is_a_validation_error(bad):
    lif, _ = lif_net()
    with pytest.raises(ValidationError, match=r"run_cfg must be a RunConfig .*\(got "):
        lif.run(condition=RunSteps(1), run_cfg=bad)


@pytest.mark.parametrize("backend", ["compiled", "auto"])
def test_kernel_that_raises_is_a_compilation_error_naming_the_model(backend, monkeypatch):
    def broken(self):
        raise TypeError("no kernel today")

    monkeypatch.setattr(PyLifModelFloat, "kernel", broken)
    lif, _ = lif_net()
    with pytest.raises(CompilationError, match=r"LIF \(PyLifModelFloat\): its kernel\(\) raised TypeError: "
                                               r"no kernel today\. Fix"):
        lif.run(condition=RunSteps(1), run_cfg=cfg(backend))


@pytest.mark.parametrize("start", ["sender", "receiver"])
def test_greenlet_exit_from_model_code_is_that_error_not_a_deadlock(start):
    em, sink = emitter_net(at=2, error=GreenletExit)
    proc = em if start == "sender" else sink
    with pytest.raises(SimulationError, match=r"em::Emitter \(PyEmitterModel\) failed in run_spk at time "
                                              r"step 2: GreenletExit: raised by model code") as info:
        proc.run(condition=RunSteps(4), run_cfg=PY)
    assert isinstance(info.value.__cause__, GreenletExit)
