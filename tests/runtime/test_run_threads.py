"""Ctrl-C, other threads, another RunConfig, bounded channels, interpreter exit."""
from __future__ import annotations

import _thread
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from neuroproc import DeadlockError, Loihi1SimCfg, RunContinuous, RunSteps, RuntimeStateError
from tests.runtime.faultnets import BACKENDS, Deaf, cfg, emitter_net, lif_net

PY = Loihi1SimCfg(backend="python")
LONG = 10**8  # never reached: every test ends these runs early


def _later(delay, fn):
    timer = threading.Timer(delay, fn)
    timer.start()
    return timer


def _wait_running(rt):
    """Return once ``rt`` has been executing steps for a moment."""
    deadline = time.monotonic() + 20
    while not rt.running and time.monotonic() < deadline:
        time.sleep(0.002)
    time.sleep(0.1)


@pytest.mark.parametrize("backend", BACKENDS)
def test_ctrl_c_in_a_blocking_run_pauses_at_a_step_boundary(backend):
    lif, _ = lif_net()
    lif.create_runtime(cfg(backend))
    _later(0.3, _thread.interrupt_main)  # what Ctrl-C does: SIGINT to the main thread
    with pytest.raises(KeyboardInterrupt):
        lif.run(condition=RunSteps(LONG))
    rt = lif.runtime
    assert rt is not None and 0 < rt.time_step < LONG  # paused, not torn down
    v = lif.v.get()
    # it continues from there exactly as an uninterrupted run to the same step would
    lif.run(condition=RunSteps(5))
    t, v_split = rt.time_step, lif.v.get()
    lif.stop()
    ref, _ = lif_net()
    ref.run(condition=RunSteps(t - 5), run_cfg=cfg(backend))
    np.testing.assert_array_equal(ref.v.get(), v)
    ref.run(condition=RunSteps(5))
    np.testing.assert_array_equal(ref.v.get(), v_split)
    ref.stop()


def test_keyboard_interrupt_raised_in_model_code_propagates_and_state_stays_readable():
    em, sink = emitter_net(at=4, error=KeyboardInterrupt)
    with pytest.raises(KeyboardInterrupt):
        sink.run(condition=RunSteps(10), run_cfg=PY)
    assert sink.total.get()[0] == 1 + 2 + 3  # steps 1-3 were received; step 4 never sent
    assert em.x.get()[0] == 3
    with pytest.raises(RuntimeStateError, match="Build a new network"):
        sink.run(condition=RunSteps(1))


@pytest.mark.parametrize("backend", BACKENDS)
def test_second_run_from_another_thread_is_refused(backend):
    lif, _ = lif_net()
    lif.create_runtime(cfg(backend))
    errors = []

    def other():
        _wait_running(lif.runtime)
        try:
            lif.run(condition=RunSteps(3))
        except RuntimeStateError as err:
            errors.append(err)
        lif.pause()

    thread = threading.Thread(target=other)
    thread.start()
    lif.run(condition=RunSteps(LONG))  # ended early by the other thread's pause()
    thread.join()
    assert len(errors) == 1
    assert "a blocking run is in progress (in another thread)" in str(errors[0])
    assert lif.name in str(errors[0])
    t = lif.runtime.time_step
    assert 0 < t < LONG
    lif.run(condition=RunSteps(4))
    assert lif.runtime.time_step == t + 4
    lif.stop()


@pytest.mark.parametrize("backend", BACKENDS)
def test_stop_from_another_thread_ends_a_blocking_run_cleanly(backend):
    lif, _ = lif_net()
    lif.create_runtime(cfg(backend))
    rt = lif.runtime
    done = []
    thread = threading.Thread(target=lambda: (_wait_running(rt), lif.stop(), done.append(True)))
    thread.start()
    lif.run(condition=RunSteps(LONG))  # returns when the other thread stops the network
    thread.join()
    assert done == [True]
    assert lif.runtime is None and 0 < rt.time_step < LONG
    assert lif.v.get().shape == (3,)
    with pytest.raises(RuntimeStateError, match="stopped"):
        lif.run(condition=RunSteps(1))


@pytest.mark.parametrize("backend", BACKENDS)
def test_run_with_another_run_config_names_what_differs(backend):
    lif, _ = lif_net()
    lif.run(condition=RunSteps(2), run_cfg=cfg(backend))
    lif.run(condition=RunSteps(2), run_cfg=cfg(backend))  # an equal RunConfig continues
    lif.run(condition=RunSteps(2))
    lif.run(condition=RunSteps(2), run_cfg=cfg("auto"))  # 'auto' fits whichever backend runs
    with pytest.raises(RuntimeStateError, match=r"select_tag='fixed_pt' \(compiled with 'floating_pt'\).*"
                                                r"build a new network"):
        lif.run(condition=RunSteps(2), run_cfg=cfg(backend, tag="fixed_pt"))
    other = "compiled" if backend == "python" else "python"
    with pytest.raises(RuntimeStateError, match=rf"backend='{other}' \(running on '{backend}'\)"):
        lif.run(condition=RunSteps(2), run_cfg=cfg(other))
    with pytest.raises(RuntimeStateError, match="class Loihi2SimCfg"):
        from neuroproc import Loihi2SimCfg
        lif.run(condition=RunSteps(2), run_cfg=Loihi2SimCfg(select_tag="floating_pt", backend=backend))
    assert lif.runtime.time_step == 8
    lif.stop()


def test_a_receiver_that_never_receives_is_a_deadlock_naming_the_full_port():
    em, sink = emitter_net(recv=False)
    with pytest.raises(DeadlockError, match=r"em::Emitter\.s_out waits for room in its full channel to "
                                            r"sk::Sink\.a_in \(64 messages not received\)") as info:
        sink.run(condition=RunSteps(1000), run_cfg=PY)
    assert "time step 65" in str(info.value)  # 64 messages fit, as in Lava
    assert [(p.name, port) for p, port in info.value.waiting] == [("em", "s_out")]


def test_a_full_channel_lets_the_receiver_catch_up():
    # the bound changes nothing for a receiver that takes each step's message: 200 steps run
    em, sink = emitter_net()
    sink.run(condition=RunSteps(200), run_cfg=PY)
    assert sink.total.get()[0] == sum(range(1, 201))
    ch = sink.runtime.backend.channels[0]
    assert len(ch.queue) == 0 and ch.capacity == 64
    sink.stop()


@pytest.mark.parametrize("backend", ["python", "auto"])
def test_a_kernel_that_ignores_a_connected_port_runs_where_the_channel_bound_holds(backend):
    # the fused loop has no channels: it must not run on where the python backend stops
    lif, _ = lif_net()
    deaf = Deaf(name="deaf")
    lif.s_out.connect(deaf.a_in)
    with pytest.raises(DeadlockError, match=r"LIF\.s_out waits for room in its full channel to deaf::Deaf\.a_in") as info:
        lif.run(condition=RunSteps(100), run_cfg=cfg(backend))
    assert "time step 65" in str(info.value)
    assert deaf.n.get()[0] == 65  # deaf itself never waits: it finished step 65


_EXIT_SCRIPT = """
import time
from neuroproc import Loihi1SimCfg, RunContinuous
from tests.runtime.faultnets import emitter_net
em, sink = emitter_net()
sink.run(condition=RunContinuous(), run_cfg=Loihi1SimCfg(backend="python"))
time.sleep(0.05)
print("exiting", flush=True)
"""


def test_interpreter_exits_cleanly_while_a_python_run_continuous_runs():
    codes = []
    for _ in range(10):
        proc = subprocess.run([sys.executable, "-c", _EXIT_SCRIPT], capture_output=True, text=True, timeout=60)
        codes.append((proc.returncode, proc.stdout.strip(), proc.stderr.strip()[-300:]))
    assert all(c == (0, "exiting", "") for c in codes), codes
