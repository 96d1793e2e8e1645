"""Hooks, not names: a user's model that declares ``linear_map`` folds through the same path as
Dense (with the merged Process its own factory names), Sparse chains fold, and a user's model
that declares ``recordings()`` records inside the compiled backend's fused loop."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from neuroproc import (
    CPU,
    AbstractProcess,
    InPort,
    LavaPyType,
    Loihi1SimCfg,
    LoihiProtocol,
    OutPort,
    PyInPort,
    PyLoihiProcessModel,
    PyOutPort,
    RunSteps,
    Var,
    deployment_report,
    implements,
    requires,
)
from neuroproc.compiler.linear_map import LinearMap
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.io import sink, source
from neuroproc.proc.passthrough.models import merge_linear_chain
from neuroproc.proc.sparse.process import Sparse
from neuroproc.runtime.kernels import Recording

STEPS = 12


class Gain(AbstractProcess):
    """A user's connection: ``a_out[t] = gain * s_in[t - 1]``."""

    def __init__(self, n, gain, **kwargs):
        super().__init__(n=n, gain=gain, **kwargs)
        self.s_in = InPort(shape=(n,))
        self.a_out = OutPort(shape=(n,))
        self.buf = Var(shape=(n,), init=0.0)


MERGES = []


def _merge(*args):
    MERGES.append(args[1])
    return merge_linear_chain(*args)


@implements(proc=Gain, protocol=LoihiProtocol)
@requires(CPU)
class PyGainModel(PyLoihiProcessModel):
    s_in = LavaPyType(PyInPort.VEC_DENSE, float)
    a_out = LavaPyType(PyOutPort.VEC_DENSE, float)
    buf = LavaPyType(np.ndarray, float)

    @classmethod
    def linear_map(cls, proc):
        n, g = proc.proc_params["n"], proc.proc_params["gain"]
        return LinearMap("s_in", "a_out", g * np.eye(n), _merge, delay=1,
                         pending=proc.buf._host_value().reshape(1, -1))

    def run_spk(self):
        self.a_out.send(self.buf)
        self.buf = self.proc_params["gain"] * self.s_in.recv()


def _net(first):
    rng = np.random.default_rng(3)
    data = rng.normal(size=(4, STEPS))
    src = source.RingBuffer(data=data, name="src")
    w = rng.normal(size=(3, 4))
    a = Gain(4, 0.5, name="gain") if first == "gain" else Sparse(sp.csr_matrix(np.eye(4) * 2.0), num_message_bits=8,
                                                                 name="sparse")
    b = Dense(w, num_message_bits=8, name="dense")
    snk = sink.RingBuffer(shape=(3,), buffer=STEPS, name="snk")
    src.s_out.connect(a.s_in)
    a.a_out.connect(b.s_in)
    b.a_out.connect(snk.a_in)
    gain = 0.5 if first == "gain" else 2.0
    return src, snk, data, gain * w


@pytest.mark.parametrize("first", ["gain", "sparse"])
def test_declared_linear_maps_merge_through_the_hook(first):
    MERGES.clear()
    src, snk, data, w = _net(first)
    cfg = Loihi1SimCfg(select_tag="floating_pt", fold="linear")
    report = deployment_report(src, cfg)
    [item] = [f for f in report.fold.folded if f.kind == "linear"]
    assert item.processes[-1] == "dense::Dense" and "delay 2 steps" in item.detail
    assert MERGES == ([2] if first == "gain" else [])  # the head's factory built the merged Process
    try:
        src.run(RunSteps(STEPS), cfg)
        got = snk.data.get()
    finally:
        src.stop()
    expected = np.zeros((3, STEPS))
    expected[:, 2:] = w @ data[:, :-2]  # two steps of delay, one per connection
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


class Tap(AbstractProcess):
    """A user's recorder: keeps what arrives at ``a_in`` in ``data`` (steps, n)."""

    def __init__(self, n, steps, **kwargs):
        super().__init__(n=n, steps=steps, **kwargs)
        self.a_in = InPort(shape=(n,))
        self.data = Var(shape=(steps, n), init=0.0)


@implements(proc=Tap, protocol=LoihiProtocol)
@requires(CPU)
class PyTapModel(PyLoihiProcessModel):
    a_in = LavaPyType(PyInPort.VEC_DENSE, float)
    data = LavaPyType(np.ndarray, float)

    def recordings(self):
        return [Recording("port", "a_in", "data", self.proc_params["steps"], "tap.a_in")]

    def run_spk(self):
        self.data[self.time_step - 1] = self.a_in.recv()


@pytest.mark.parametrize("backend", ["python", "compiled"])
def test_a_user_recorder_is_fused_through_the_recording_hook(backend):
    data = np.arange(12.0).reshape(3, 4)
    src = source.RingBuffer(data=data, name="src")
    tap = Tap(3, 6, name="tap")
    src.s_out.connect(tap.a_in)
    try:
        src.run(RunSteps(6), Loihi1SimCfg(select_tag="floating_pt", backend=backend))
        assert src.runtime.backend.name == backend
        np.testing.assert_array_equal(tap.data.get(), data[:, [0, 1, 2, 3, 0, 1]].T)
    finally:
        src.stop()
