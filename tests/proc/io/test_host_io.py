"""Injector / Extractor: a host loop feeds and reads a running network; the channel policies."""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from neuroproc import DeadlockError, Loihi2SimCfg, NeuroprocWarning, RunContinuous, RunSteps, RuntimeStateError
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.io import sink, source, utils
from neuroproc.proc.io.extractor import Extractor
from neuroproc.proc.io.injector import Injector
from neuroproc.proc.lif.process import LIF

STEPS = 10_000
N_IN, N_OUT = 8, 5


def _inputs(seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.random((STEPS, N_IN)) < 0.3).astype(float)


def _layer(inp_port, weights):
    dense = Dense(weights=weights)
    lif = LIF(shape=(N_OUT,), du=0.1, dv=0.05, vth=1.5)
    inp_port.connect(dense.s_in)
    dense.a_out.connect(lif.a_in)
    return lif


def _weights() -> np.ndarray:
    return np.random.default_rng(4).normal(0.6, 0.5, (N_OUT, N_IN))


def _ringbuffer_run(x: np.ndarray) -> np.ndarray:
    src = source.RingBuffer(data=x.T)
    lif = _layer(src.s_out, _weights())
    out = sink.RingBuffer(shape=(N_OUT,), buffer=STEPS)
    lif.s_out.connect(out.a_in)
    src.run(RunSteps(STEPS), Loihi2SimCfg(backend="python"))
    data = out.data.get().T
    src.stop()
    return data


@pytest.mark.parametrize("backend, block", [("python", 1), ("compiled", 1), ("compiled", 10),
                                            ("compiled", 100)])
def test_host_loop_streams_like_a_ringbuffer(backend, block):
    x = _inputs()
    inj = Injector(shape=(N_IN,), buffer_size=max(block, 10), block=block, timeout=60)
    lif = _layer(inj.out_port, _weights())
    ext = Extractor(shape=(N_OUT,), buffer_size=max(block, 10), block=block, timeout=60)
    lif.s_out.connect(ext.in_port)
    inj.run(RunSteps(STEPS, blocking=False), Loihi2SimCfg(backend=backend))
    assert inj.runtime.backend.name == backend
    got = np.empty((STEPS, N_OUT))
    for start in range(0, STEPS, block):  # the host keeps one block ahead of the network
        for t in range(start, start + block):
            inj.send(x[t])
        for t in range(start, start + block):
            got[t] = ext.receive()
    inj.wait()
    assert inj.runtime.time_step == STEPS
    inj.stop()
    expected = _ringbuffer_run(x)
    assert expected.sum() > 100  # the comparison is about spikes, not silence
    np.testing.assert_array_equal(got, expected)


def _pair(buffer_size=2, **config):
    inj = Injector(shape=(2,), buffer_size=buffer_size, channel_config=utils.ChannelConfig(**config),
                   name="inj")
    out = sink.RingBuffer(shape=(2,), buffer=4)
    inj.out_port.connect(out.a_in)
    return inj, out


def test_send_on_a_full_buffer_in_the_only_thread_raises_instead_of_hanging():
    inj, _ = _pair(buffer_size=2)
    inj.create_runtime(Loihi2SimCfg())
    inj.send(np.ones(2))
    inj.send(np.ones(2))
    with pytest.raises(DeadlockError, match=r"^inj::Injector\.send: waits to send into a full buffer "
                                            r"\(2 items\), and no other thread"):
        inj.send(np.ones(2))
    inj.stop()


def test_send_full_non_blocking_drop_warns_and_drops():
    inj, out = _pair(buffer_size=1, send_full=utils.SendFull.NON_BLOCKING_DROP,
                     receive_empty=utils.ReceiveEmpty.NON_BLOCKING_ZEROS)
    inj.create_runtime(Loihi2SimCfg())
    inj.send(np.array([1.0, 2.0]))
    with pytest.warns(NeuroprocWarning, match=r"inj::Injector\.send: the buffer is full \(1 items\); dropping"):
        inj.send(np.array([5.0, 5.0]))
    inj.run(RunSteps(2))
    np.testing.assert_array_equal(out.data.get()[:, :2], [[1.0, 0.0], [2.0, 0.0]])
    inj.stop()


def test_receive_empty_blocking_in_a_blocking_run_raises_naming_the_injector():
    inj, _ = _pair()
    with pytest.raises(Exception) as info:
        inj.run(RunSteps(1), Loihi2SimCfg(backend="python"))
    assert isinstance(info.value.__cause__ or info.value, DeadlockError)
    assert "inj::Injector.send: waits for an item in an empty buffer" in str(info.value)


def test_timeout_ends_a_wait_that_another_thread_could_have_served():
    inj = Injector(shape=(2,), timeout=0.2, name="slow")
    out = sink.RingBuffer(shape=(2,), buffer=4)
    inj.out_port.connect(out.a_in)
    inj.run(RunSteps(3, blocking=False), Loihi2SimCfg(backend="python"))
    with pytest.raises(Exception, match=r"slow::Injector\.send: waits for an item in an empty buffer "
                                        r"for longer than its timeout \(got timeout=0\.2 s\)"):
        inj.wait()


@pytest.mark.parametrize("policy, expected", [
    (utils.ReceiveNotEmpty.FIFO, [[1.0, 10.0, 0.0], [2.0, 20.0, 0.0]]),
    (utils.ReceiveNotEmpty.ACCUMULATE, [[11.0, 0.0, 0.0], [22.0, 0.0, 0.0]]),
])
def test_receive_not_empty_fifo_and_accumulate(policy, expected):
    inj, out = _pair(buffer_size=5, receive_empty=utils.ReceiveEmpty.NON_BLOCKING_ZEROS,
                     receive_not_empty=policy)
    inj.create_runtime(Loihi2SimCfg(backend="python"))
    inj.send(np.array([1.0, 2.0]))
    inj.send(np.array([10.0, 20.0]))
    inj.run(RunSteps(3))
    np.testing.assert_array_equal(out.data.get()[:, :3], expected)
    inj.stop()


def test_pause_ends_the_wait_of_a_continuous_run():
    inj, out = _pair(buffer_size=5)
    inj.run(RunContinuous(), Loihi2SimCfg(backend="python"))
    for i in range(3):
        inj.send(np.array([i + 1.0, 0.0]))
    deadline = time.monotonic() + 30
    while inj.proc_params["p_to_pm"].qsize() and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)
    inj.pause()  # the run waits for a 4th item: pause() ends that wait (zeros) and the run
    assert inj.runtime.time_step >= 3
    np.testing.assert_array_equal(out.data.get()[0, :3], [1.0, 2.0, 3.0])
    inj.stop()


def test_extractor_keeps_items_after_stop_then_says_nothing_more_comes():
    src = source.RingBuffer(data=np.array([[1.0, 2.0, 3.0]]))
    ext = Extractor(shape=(1,), buffer_size=5, name="ext")
    src.s_out.connect(ext.in_port)
    with pytest.raises(RuntimeStateError, match=r"ext::Extractor\.receive: the network has no runtime"):
        ext.receive()
    src.run(RunSteps(3), Loihi2SimCfg(backend="python"))
    src.stop()
    assert [ext.receive()[0] for _ in range(3)] == [1.0, 2.0, 3.0]
    with pytest.raises(RuntimeStateError, match=r"ext::Extractor\.receive: waits for an item in an empty "
                                                r"buffer, but its network was stopped"):
        ext.receive()


def test_extractor_full_buffer_in_a_blocking_run_raises():
    src = source.RingBuffer(data=np.array([[1.0, 2.0, 3.0]]))
    ext = Extractor(shape=(1,), buffer_size=2, name="ext")
    src.s_out.connect(ext.in_port)
    with pytest.raises(Exception, match=r"ext::Extractor\.receive: waits to send into a full buffer"):
        src.run(RunSteps(3), Loihi2SimCfg(backend="python"))


@pytest.mark.parametrize("kwargs, error", [
    ({"shape": 4}, TypeError), ({"shape": (0,)}, ValueError), ({"shape": (2,), "buffer_size": 1.5}, TypeError),
    ({"shape": (2,), "buffer_size": 0}, ValueError), ({"shape": (2,), "block": 0}, ValueError),
    ({"shape": (2,), "channel_config": "fifo"}, TypeError)])
def test_arguments_are_checked(kwargs, error):
    with pytest.raises(error):
        Injector(**kwargs)
    with pytest.raises(error):
        Extractor(**kwargs)


@pytest.mark.parametrize("backend, block", [("python", 1), ("compiled", 10)])
def test_pause_during_a_wait_runs_only_the_steps_that_have_data(backend, block):
    # blocks of 10: 25 items fill two blocks and half of the third; pause() runs that half only,
    # and the next run continues with the next items
    inj = Injector(shape=(1,), buffer_size=50, block=block, name="inj")
    out = sink.RingBuffer(shape=(1,), buffer=40)
    inj.out_port.connect(out.a_in)
    inj.run(RunContinuous(), Loihi2SimCfg(backend=backend))
    for i in range(25):
        inj.send(np.array([i + 1.0]))
    deadline = time.monotonic() + 30
    while inj.proc_params["p_to_pm"].qsize() and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)
    inj.pause()
    if backend == "compiled":
        assert inj.runtime.time_step == 25
    steps = inj.runtime.time_step
    inj.run(RunSteps(40 - steps, blocking=False))
    for i in range(25, 40):
        inj.send(np.array([i + 1.0]))
    inj.wait()
    got = out.data.get()[0]
    inj.stop()
    if backend == "compiled":
        np.testing.assert_array_equal(got, np.arange(1.0, 41.0))
    else:  # the step the pause interrupted got zeros
        np.testing.assert_array_equal(np.delete(got, steps - 1), np.arange(1.0, 40.0))


@pytest.mark.parametrize("backend", ["python", "compiled"])
def test_var_wire_hands_the_var_after_every_step_to_the_host(backend):
    """A VarWire taps a LIF's v (bit-accurate, int32): the host receives v after each step,
    as floats, equal to a Monitor's record of v on the python backend."""
    from neuroproc import Monitor
    from neuroproc.proc.io.extractor import VarWire
    from neuroproc.proc.lif.process import LIF

    steps = 6
    lif = LIF(shape=(2,), du=200, dv=300, vth=10 ** 4, bias_mant=np.array([3, 8]), bias_exp=3)
    wire = VarWire(buffer_size=steps)
    wire.connect_var(lif.v)
    ref = LIF(shape=(2,), du=200, dv=300, vth=10 ** 4, bias_mant=np.array([3, 8]), bias_exp=3)
    mon = Monitor()
    mon.probe(ref.v, steps)
    ref.run(RunSteps(steps), Loihi2SimCfg(select_tag="fixed_pt", backend="python"))
    want = mon.get_data()[ref.name]["v"]
    ref.stop()
    lif.run(RunSteps(2), Loihi2SimCfg(select_tag="fixed_pt", backend=backend))
    lif.run(RunSteps(steps - 2), Loihi2SimCfg(select_tag="fixed_pt", backend=backend))
    assert lif.runtime.backend.name == backend
    got = np.array([wire.receive() for _ in range(steps)])
    lif.stop()
    assert got.dtype == np.float64 and want.any()
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("backend, block", [("python", 1), ("compiled", 5)])
def test_stop_lets_a_receiving_thread_take_what_the_run_left(backend, block):
    # the run ends with a full buffer (the thread is slower than the network); stop() returns
    # only once the thread has taken and stored every item
    data = np.arange(1.0, 41.0)[None, :]
    src = source.RingBuffer(data=data)
    ext = Extractor(shape=(1,), buffer_size=10, block=block, timeout=60)
    src.s_out.connect(ext.in_port)
    cfg = Loihi2SimCfg(backend=backend)
    ext.create_runtime(run_cfg=cfg)
    got: list[float] = []

    def drain() -> None:
        for _ in range(40):
            got.append(float(ext.receive()[0]))
            time.sleep(0.002)

    thread = threading.Thread(target=drain, daemon=True)
    thread.start()
    ext.run(RunSteps(40), cfg)
    ext.stop()
    assert got == list(data[0])


def test_stop_does_not_wait_long_for_a_thread_that_stopped_receiving():
    src = source.RingBuffer(data=np.arange(1.0, 6.0)[None, :])
    ext = Extractor(shape=(1,), buffer_size=10)
    src.s_out.connect(ext.in_port)
    release = threading.Event()

    def take_one_then_idle() -> None:
        ext.receive()
        release.wait(30)

    src.run(RunSteps(5, blocking=False), Loihi2SimCfg(backend="python"))
    thread = threading.Thread(target=take_one_then_idle, daemon=True)
    thread.start()
    src.wait()
    start = time.monotonic()
    src.stop()
    waited = time.monotonic() - start
    release.set()
    assert waited < 5  # the hand-over gives up after half a second without progress
    assert [ext.receive()[0] for _ in range(4)] == [2.0, 3.0, 4.0, 5.0]
