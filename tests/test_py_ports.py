"""Model-side ports and async models in running networks: VEC_SPARSE, peek, probe, run_async."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import (
    CPU,
    AbstractProcess,
    DeadlockError,
    InPort,
    LavaPyType,
    Loihi1SimCfg,
    LoihiProtocol,
    OutPort,
    PyAsyncProcessModel,
    PyInPort,
    PyLoihiProcessModel,
    PyOutPort,
    RunSteps,
    Var,
    implements,
    requires,
)
from tests.nets import Counter, Recorder

CFG = Loihi1SimCfg()


class SparseSender(AbstractProcess):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.s_out = OutPort(shape=(5,))


@implements(proc=SparseSender, protocol=LoihiProtocol)
@requires(CPU)
class PySparseSender(PyLoihiProcessModel):
    s_out = LavaPyType(PyOutPort.VEC_SPARSE, float)

    def run_spk(self):
        t = self.time_step
        self.s_out.send(np.array([t, 10.0 * t]), np.array([t % 5, (t + 2) % 5]))


class SparseReceiver(AbstractProcess):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.log = Var(shape=(3, 5), init=0)
        self.peeked = Var(shape=(3,), init=0)
        self.probed = Var(shape=(3,), init=0)
        self.a_in = InPort(shape=(5,))


@implements(proc=SparseReceiver, protocol=LoihiProtocol)
@requires(CPU)
class PySparseReceiver(PyLoihiProcessModel):
    log = LavaPyType(np.ndarray, float)
    peeked = LavaPyType(np.ndarray, float)
    probed = LavaPyType(np.ndarray, float)
    a_in = LavaPyType(PyInPort.VEC_SPARSE, float)

    def run_spk(self):
        data_p, idx_p = self.a_in.peek()
        data, idx = self.a_in.recv()
        np.testing.assert_array_equal(data, data_p)
        self.peeked[self.time_step - 1] = data_p.sum()
        self.probed[self.time_step - 1] = self.a_in.probe()  # consumed: nothing left
        self.log[self.time_step - 1, idx] = data


def test_sparse_ports_peek_and_probe():
    snd, rcv = SparseSender(), SparseReceiver()
    snd.s_out.connect(rcv.a_in)
    rcv.run(condition=RunSteps(3), run_cfg=CFG)
    expected = np.zeros((3, 5))
    for t in (1, 2, 3):
        expected[t - 1, t % 5] = t
        expected[t - 1, (t + 2) % 5] = 10 * t
    np.testing.assert_array_equal(rcv.log.get(), expected)
    np.testing.assert_array_equal(rcv.peeked.get(), [11, 22, 33])
    np.testing.assert_array_equal(rcv.probed.get(), [0, 0, 0])
    rcv.stop()


class Doubler(AbstractProcess):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.a_in = InPort(shape=(1,))
        self.s_out = OutPort(shape=(1,))


@implements(proc=Doubler, protocol=LoihiProtocol)
@requires(CPU)
class PyAsyncDoubler(PyAsyncProcessModel):
    """Handles all of a run's steps in one call: receive, double, send."""

    a_in = LavaPyType(PyInPort.VEC_DENSE, float)
    s_out = LavaPyType(PyOutPort.VEC_DENSE, float)

    def run_async(self):
        for _ in range(self.num_steps):
            self.s_out.send(2 * self.a_in.recv())


def test_async_model_between_synchronous_ones_and_across_runs():
    src, dbl, rec = Counter(), Doubler(), Recorder(steps=5)
    src.s_out.connect(dbl.a_in)
    dbl.s_out.connect(rec.a_in)
    rec.run(condition=RunSteps(2), run_cfg=CFG)
    rec.run(condition=RunSteps(3), run_cfg=CFG)
    np.testing.assert_array_equal(rec.log.get()[:, 0], [2, 4, 6, 8, 10])
    rec.stop()


class Greedy(Doubler):
    pass


@implements(proc=Greedy, protocol=LoihiProtocol)
@requires(CPU)
class PyGreedy(PyAsyncProcessModel):
    """Wants one message more than the run provides: stuck at the end of the run."""

    a_in = LavaPyType(PyInPort.VEC_DENSE, float)
    s_out = LavaPyType(PyOutPort.VEC_DENSE, float)

    def run_async(self):
        for _ in range(self.num_steps + 1):
            self.a_in.recv()


def test_async_model_still_waiting_at_the_end_is_reported():
    src, g = Counter(), Greedy(name="greedy")
    src.s_out.connect(g.a_in)
    with pytest.raises(DeadlockError, match=r"run_async.*greedy::Greedy.a_in waits for"):
        g.run(condition=RunSteps(2), run_cfg=CFG)


# -- the ports over channels, without a runtime: the single-channel paths equal the general one -----
def _channel(dtype, transform=None):
    from types import SimpleNamespace

    from neuroproc.runtime.channels import Channel

    return Channel(SimpleNamespace(dtype=np.dtype(dtype), transform=transform, edge="e"), scheduler=None)


@pytest.mark.parametrize("declared, sent, expected", [
    (float, float, np.float64),      # nothing to convert: the message itself
    (float, np.int32, np.float64),   # zeros(float) + int32 message: float64
    (bool, float, np.float64),       # a bool port receiving float spikes (Dense's s_in)
    (np.int32, np.int16, np.int32),
])
def test_one_channel_recv_has_the_dtype_of_the_zero_plus_message_sum(declared, sent, expected):
    ch = _channel(sent)
    port = PyInPort.VEC_DENSE("a_in", (3,), declared, "p", channels=[ch])
    data = np.array([1, 0, 5], dtype=sent)
    ch.send(data)
    data[0] = 7  # sent messages are copies: later changes do not leak
    got = port.recv()
    reference = np.zeros(3, declared) + np.array([1, 0, 5], dtype=sent)  # Lava's fan-in sum of one
    assert got.dtype == reference.dtype == expected
    np.testing.assert_array_equal(got, reference)


def test_one_channel_recv_applies_the_channel_transform():
    ch = _channel(float, transform=lambda m: m.reshape(2, 2).T)
    port = PyInPort.VEC_DENSE("a_in", (2, 2), float, "p", channels=[ch])
    PyOutPort.VEC_DENSE("s_out", (4,), float, "q", channels=[ch]).send(np.arange(4.0))
    np.testing.assert_array_equal(port.recv(), [[0.0, 2.0], [1.0, 3.0]])


def test_fan_in_sums_and_fan_out_copies():
    a, b = _channel(np.int32), _channel(np.int32)
    out = PyOutPort.VEC_DENSE("s_out", (2,), np.int32, "q", channels=[a, b])
    out.send(np.array([1, 2]))
    first = PyInPort.VEC_DENSE("a_in", (2,), np.int32, "p", channels=[a]).recv()
    first += 10  # the receiver owns its message: the other copy is untouched
    np.testing.assert_array_equal(b.queue[0], [1, 2])
    a.send(np.array([3, 4]))
    both = PyInPort.VEC_DENSE("a_in", (2,), np.int32, "p", channels=[a, b])
    np.testing.assert_array_equal(both.recv(), [4, 6])
    assert not both.probe()  # both messages taken
