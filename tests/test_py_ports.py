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
