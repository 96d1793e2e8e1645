"""Folds of kind 'zero': a connection whose weights and pending messages are all zero is removed under
fold='linear' (bit-identical where every received sum keeps its bits: binary input, no -0.0, the
receiver's fan-in sum unchanged) and kept under fold='exact' (its weights may be set between runs);
its Vars refuse get/set in the run; every refusal says why."""
from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

from neuroproc import (
    CPU,
    AbstractProcess,
    LavaPyType,
    Loihi1SimCfg,
    LoihiProtocol,
    Monitor,
    OutPort,
    PyLoihiProcessModel,
    PyOutPort,
    RunSteps,
    RuntimeStateError,
    deployment_report,
    implements,
    requires,
)
from neuroproc.compiler import collect, fold, select
from neuroproc.exceptions import NeuroprocWarning
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.io import sink
from tests.compiler.fold_nets import KINDS, STEPS, cfg, connection, ring, run, sink_for, source_data, tolerance


def _net(kind, others=2, zero_binary=True, seed=5, signed_zero=False, extra=None, omit_z=False):
    """src -> z (all zero) and ``others`` non-zero binary connections -> out.a_in."""
    data = source_data(kind, np.random.default_rng(seed))

    def build():
        r = np.random.default_rng(seed + 1)
        src, out = ring(data), sink_for(kind, 1)
        z = connection(kind, 0, r, binary=zero_binary, zero=True, name="z")
        if signed_zero:
            z.weights.set(-z.weights.get())
        cs = [connection(kind, 0, r, binary=True, name=f"c{i + 1}") for i in range(others)]
        for c in [cs[0], z, *cs[1:]] if cs else [z]:   # z between the others in the fan-in order
            if omit_z and c is z:
                continue
            src.s_out.connect(c.s_in)
            c.a_out.connect(out.a_in)
        if extra is not None:
            extra(src, z, out)
        return src, out, z

    return data, build


def _name(z):
    return f"z::{type(z).__name__}"


@pytest.mark.parametrize("backend", ["python", "compiled"])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("others", [0, 2])
def test_linear_removes_a_binary_zero_connection_bit_for_bit(kind, others, backend):
    # under 'linear' the other connections (parallel paths) are summed too: the run must be that of
    # the same network built without z, bit for bit, and equal to the unfolded run
    _, build = _net(kind, others)
    _, without_z = _net(kind, others, omit_z=True)
    with warnings.catch_warnings():
        # the sum of the others is a LinearChain, which has no kernel: 'compiled' runs it on python
        warnings.simplefilter("ignore", NeuroprocWarning)
        ref, _ = run(without_z, "linear", backend)
        got, z = run(build, "linear", backend)
    assert got.tobytes() == ref.tobytes()       # the same bits, the sign of zeros included
    unfolded, _ = run(build, False, backend)
    np.testing.assert_allclose(got, unfolded, rtol=0, atol=tolerance(unfolded))
    if not others:
        assert got.tobytes() == unfolded.tobytes()
    if others:
        assert np.abs(ref).max() > 0.5
    exact = deployment_report(build()[0], cfg("exact")).fold
    assert [f for f in exact.folded if f.kind == "zero"] == []
    assert [(r.kind, r.reason) for r in exact.refused if r.kind == "zero"] == [(
        "zero", "kept under fold='exact': its weights may still be set between runs, which a removed connection's "
                "Vars cannot take; removing it would be bit-identical. Pass fold='linear' to remove it")]
    report = deployment_report(build()[0], cfg("linear")).fold
    [item] = [f for f in report.folded if f.kind == "zero"]
    assert (item.kind, item.processes) == ("zero", (_name(z),))
    name = type(z).__name__
    fed = f"out::RingBuffer.a_in keeps c1::{name}.a_out, c2::{name}.a_out" if others else \
        "out::RingBuffer.a_in receives zeros"
    assert item.detail == f"removed: its weights and pending messages are all 0; {fed}; bit-identical"
    assert report.kinds()["zero"] == 1


@pytest.mark.parametrize("kind", KINDS)
def test_linear_removes_graded_zero_connections_and_one_left_channel(kind):
    # graded z and one other channel: refused under 'exact', removed under 'linear'
    _, build = _net(kind, others=1, zero_binary=False)
    ref, _ = run(build, False)
    got, z = run(build, "linear")
    np.testing.assert_array_equal(got, ref)      # equal values (a -0.0 may now stay -0.0)
    [item] = deployment_report(build()[0], cfg("linear")).fold.folded
    assert item.kind == "zero" and item.detail.endswith(
        "values equal but for the sign of a zero sum and NaN from 0 * inf")


EXACT = ("kept under fold='exact': its weights may still be set between runs, which a removed connection's "
         "Vars cannot take; ")


def _monitor(src, z, out):
    Monitor(name="mon").probe(z.a_buff, STEPS)


@pytest.mark.parametrize("kwargs, mode, reason", [
    ({}, False, "folding is off (fold=False)"),
    ({"zero_binary": False}, "exact",
     EXACT + "z::Dense takes graded input: it sends 0 * s, which is -0.0 for negative s and NaN for infinite s, so "
     "removing it is not exact. Pass fold='linear' to remove it"),
    ({"signed_zero": True}, "exact",
     EXACT + "z::Dense holds -0.0 weights or pending messages: it sends a pending -0.0 as it is, and whether a sum of "
     "-0.0 weights is +0.0 depends on how its model adds them. Pass fold='linear' to remove it"),
    ({"others": 1}, "exact",
     EXACT + "out::RingBuffer.a_in would receive c1::Dense.a_out alone, passed on as it is, where it is now added "
     "to zeros: a -0.0 would stay -0.0 instead of becoming +0.0 (fold='linear' removes it)"),
    ({"extra": _monitor}, "linear",
     "mon::Monitor.ref_port_0 reaches a Var of z::Dense, which would not exist after folding"),
])
def test_zero_connections_that_must_stay_are_refused_with_the_reason(kwargs, mode, reason):
    _, build = _net("dense", **kwargs)
    report = fold(select(collect(build()[0]), cfg(mode))).report
    assert [f for f in report.folded if f.kind == "zero"] == []
    assert [(r.kind, r.processes, r.reason) for r in report.refused if r.kind == "zero"] == [
        ("zero", ("z::Dense",), reason)]


def test_a_pending_negative_zero_is_really_sent_as_negative_zero():
    # why -0.0 is refused under 'exact': the sink would receive +0.0 zeros instead
    _, build = _net("dense", others=0)

    def signed():
        src, out, z = build()
        z.a_buff.set(-np.zeros(z.a_buff.shape))
        return src, out, z

    assert [r.kind for r in fold(select(collect(signed()[0]), cfg("exact"))).report.refused] == ["zero"]
    ref, _ = run(signed, False)
    got, _ = run(signed, "linear")
    assert np.signbit(ref[:, 0]).all() and not np.signbit(got[:, 0]).any()
    np.testing.assert_array_equal(got, ref)


# -- an integer receiver: removing a float zero would change the type of its fan-in sum ----------------------
class IntSource(AbstractProcess):
    """Sends 1, 2, 3, ... as int32 on ``s_out`` (shape (5,))."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.s_out = OutPort(shape=(5,))


@implements(proc=IntSource, protocol=LoihiProtocol)
@requires(CPU)
class PyIntSourceModel(PyLoihiProcessModel):
    s_out = LavaPyType(PyOutPort.VEC_DENSE, np.int32)

    def run_spk(self):
        self.s_out.send(np.full(5, self.time_step, np.int32))


def _int_receiver():
    rng = np.random.default_rng(0)
    src = ring((rng.random((6, STEPS)) < 0.5).astype(float))
    z = Dense(np.zeros((5, 6)), name="z")
    ints, out = IntSource(name="ints"), sink.RingBuffer((5,), buffer=STEPS, name="out")
    src.s_out.connect(z.s_in)
    z.a_out.connect(out.a_in)
    ints.s_out.connect(out.a_in)
    return src, out, z


def _int_cfg(mode):
    from neuroproc.proc.dense.models import PyDenseModelFloat

    return Loihi1SimCfg(select_tag="fixed_pt", fold=mode, exception_proc_model_map={Dense: PyDenseModelFloat})


def test_a_zero_connection_into_an_integer_fan_in_is_kept_under_exact():
    report = fold(select(collect(_int_receiver()[0]), _int_cfg("exact"))).report
    assert [(r.kind, r.reason) for r in report.refused if r.kind == "zero"] == [(
        "zero", EXACT + "out::RingBuffer.a_in would sum its fan-in as int32 instead of float64 without it "
                "(fold='linear' removes it)")]
    runs = {}
    for mode in (False, "linear"):
        src, out, z = _int_receiver()
        try:
            src.run(RunSteps(STEPS), _int_cfg(mode))
            runs[mode] = out.data.get()
            if mode == "linear":
                assert out.runtime.exe.flat.selection.dropped == {id(z): z}
        finally:
            src.stop()
    np.testing.assert_array_equal(runs["linear"], runs[False])
    np.testing.assert_array_equal(runs[False][0], np.arange(1, STEPS + 1))


# -- the Vars of a removed connection ---------------------------------------------------------------------------
def test_vars_of_a_removed_zero_connection_refuse_get_and_set_until_stop():
    _, build = _net("dense")
    src, out, z = build()
    before = {v.name: v.get() for v in z.vars}
    src.run(RunSteps(3), cfg("linear"))
    try:
        for v in z.vars:
            for action, call in [("get", lambda v: v.get()), ("set", lambda v: v.set(np.ones(v.shape)))]:
                with pytest.raises(RuntimeStateError, match="^" + re.escape(
                        f"z::Dense.{v.name}: {action}() is not possible while its network has a runtime (from run() "
                        "or create_runtime() until stop()): fold='linear' removed z::Dense, whose weights and "
                        "pending messages are all zero, so z::Dense does not run and its Vars have no value in the "
                        "run. Run with fold=False to keep z::Dense (for instance to set() its weights during the "
                        "run), ")):
                    call(v)
    finally:
        src.stop()
    for v in z.vars:
        np.testing.assert_array_equal(v.get(), before[v.name])


def test_weights_set_before_the_run_keep_the_connection():
    data, build = _net("dense", others=0)
    src, out, z = build()
    w = np.random.default_rng(1).normal(size=z.weights.shape)
    z.weights.set(w)
    assert fold(select(collect(src), cfg("exact"))).report.folded == []
    try:
        src.run(RunSteps(STEPS), cfg("exact"))
        got = out.data.get()
    finally:
        src.stop()
    np.testing.assert_allclose(got[:, 1:], w @ (data[:, :-1] != 0), rtol=0, atol=tolerance(w))


def test_a_removed_zero_connection_lets_a_chain_merge():
    # d1 -> d2 -> out, with d1 also feeding z -> out: z's removal ends d1's fan-out, so the chain merges
    rng = np.random.default_rng(3)
    data = source_data("dense", rng)
    w1, w2 = rng.normal(size=(5, 6)), rng.normal(size=(4, 5))

    def build():
        src, out = ring(data), sink_for("dense", 2)
        d1, d2 = Dense(w1, num_message_bits=24, name="d1"), Dense(w2, num_message_bits=24, name="d2")
        z = Dense(np.zeros((4, 5)), num_message_bits=24, name="z")
        src.s_out.connect(d1.s_in)
        d1.a_out.connect(d2.s_in)
        d1.a_out.connect(z.s_in)
        d2.a_out.connect(out.a_in)
        z.a_out.connect(out.a_in)
        return src, out, None

    ref, _ = run(build, False)
    got, _ = run(build, "linear")
    report = deployment_report(build()[0], cfg("linear")).fold
    assert [(f.kind, f.processes) for f in report.folded] == [
        ("zero", ("z::Dense",)), ("linear", ("d1::Dense", "d2::Dense"))]
    np.testing.assert_allclose(got, ref, rtol=0, atol=tolerance(ref))


@pytest.mark.parametrize("cls", ["dense", "sparse"])
@pytest.mark.parametrize("mode", ["exact", "linear"])
def test_plastic_connections_with_zero_weights_are_never_candidates(cls, mode):
    # their weights change in the run: zero at the start says nothing about what they send
    import scipy.sparse as sp

    from neuroproc.proc.dense.process import LearningDense
    from neuroproc.proc.learning_rules import STDPLoihi
    from neuroproc.proc.sparse.process import LearningSparse

    rule = STDPLoihi(1, 1, -1, 10, 10, rng_seed=0)
    w = np.zeros((5, 6))
    conn = LearningDense(w, learning_rule=rule, name="z") if cls == "dense" else LearningSparse(
        sp.csr_matrix(np.eye(5, 6) * 0.0), learning_rule=rule, name="z")
    src, out = ring(np.ones((6, 4))), sink.RingBuffer((5,), buffer=4, name="out")
    src.s_out.connect(conn.s_in)
    conn.a_out.connect(out.a_in)
    report = fold(select(collect(src), cfg(mode))).report
    assert report.folded == [] and report.refused == []
