"""fold='linear' sums: parallel linear maps from one sender into one port become one connection with
the summed matrix (equal up to rounding, same timing); merged chains take part; the members' Vars
refuse get/set in the run; every refusal says why."""
from __future__ import annotations

import re

import numpy as np
import pytest

from neuroproc import Loihi1SimCfg, Monitor, RunSteps, RuntimeStateError, deployment_report
from neuroproc.compiler import collect, fold, select
from neuroproc.proc.dense.process import Dense, DelayDense
from neuroproc.proc.passthrough import Passthrough
from neuroproc.proc.io import sink
from tests.compiler.fold_nets import KINDS, STEPS, cfg, connection, ring, run, sink_for, source_data, tolerance


def _parallel(kind, n=2, seed=4, binary=(False, False, False), extra=None):
    """src -> c1 .. cn -> out.a_in (all at stage 0 -> 1); ``extra(src, cs, out)`` adds to it."""
    data = source_data(kind, np.random.default_rng(seed))

    def build():
        r = np.random.default_rng(seed + 1)
        src, out = ring(data), sink_for(kind, 1)
        cs = [connection(kind, 0, r, binary=binary[i], name=f"c{i + 1}") for i in range(n)]
        for c in cs:
            src.s_out.connect(c.s_in)
            c.a_out.connect(out.a_in)
        if extra is not None:
            extra(src, cs, out)
        return src, out, cs

    return data, build


@pytest.mark.parametrize("backend", ["python", "auto"])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("n", [2, 3])
def test_parallel_maps_sum_into_one_connection(kind, n, backend):
    data, build = _parallel(kind, n)
    ref, _ = run(build, False, backend)
    got, cs = run(build, "linear", backend)
    report = deployment_report(build()[0], cfg("linear")).fold
    [item] = report.folded
    name = type(cs[0]).__name__
    assert (item.kind, item.processes) == ("sum", tuple(f"c{i + 1}::{name}" for i in range(n)))
    merged = "folded[" + " + ".join(f"c{i + 1}" for i in range(n)) + "]::LinearChain"
    assert item.detail.startswith(f"replaced by {merged}: weights ")
    terms = " + ".join(f"W(c{i + 1})" for i in range(n))
    assert f" = {terms} from src::RingBuffer.s_out into out::RingBuffer.a_in" in item.detail
    assert report.kinds() == {"identity": 0, "zero": 0, "linear": 0, "sum": 1}
    assert np.abs(ref).max() > 0.5
    # stated tolerance: (W1 + W2) s and W1 s + W2 s differ by rounding only (1e-12 of the scale)
    np.testing.assert_allclose(got, ref, rtol=0, atol=tolerance(ref))
    np.testing.assert_array_equal(got[..., 0], 0)


def test_dense_sum_equals_the_analytic_sum_and_carries_the_buffers():
    data, build = _parallel("dense")
    rng = np.random.default_rng(9)
    b1, b2 = rng.normal(size=5), rng.normal(size=5)

    def with_buffers():
        src, out, cs = build()
        cs[0].a_buff.set(b1)
        cs[1].a_buff.set(b2)
        return src, out, cs

    ref, _ = run(with_buffers, False)
    got, cs = run(with_buffers, "linear")
    w = cs[0].weights.get() + cs[1].weights.get()
    np.testing.assert_array_equal(got[:, 0], b1 + b2)     # 0 + b1 + b2 at the sink, one rounding either way
    np.testing.assert_array_equal(ref[:, 0], got[:, 0])
    expected = np.stack([w @ data[:, t - 2] for t in range(2, STEPS + 1)], axis=1)
    np.testing.assert_allclose(got[:, 1:], expected, rtol=0, atol=tolerance(expected))


def test_sums_of_chains_and_chains_through_sums_become_one_connection():
    rng = np.random.default_rng(2)
    data = source_data("dense", rng)
    ws = {k: rng.normal(size=s) for k, s in [("a1", (5, 6)), ("a2", (5, 6)), ("b1", (4, 5)), ("b2", (4, 5)),
                                             ("c", (4, 4))]}

    def build():
        src, out = ring(data), sink_for("dense", 2)
        d = {k: Dense(w, num_message_bits=24, name=k) for k, w in ws.items()}
        mid = Passthrough((4,), name="mid")
        for i in "12":   # src -> a_i -> b_i -> mid (two chains in parallel), mid -> c -> out
            src.s_out.connect(d["a" + i].s_in)
            d["a" + i].a_out.connect(d["b" + i].s_in)
            d["b" + i].a_out.connect(mid.s_in)
        mid.s_out.connect(d["c"].s_in)
        d["c"].a_out.connect(out.a_in)
        return src, out, d

    # mid has fan-in, so it stays at first; the sum of the two chains then feeds it alone, so it
    # goes, and the sum chains with c through it
    ref, _ = run(build, False)
    got, _ = run(build, "linear")
    report = deployment_report(build()[0], cfg("linear")).fold
    summed = "folded[folded[a1..b1] + folded[a2..b2]]::LinearChain"
    assert [(f.kind, f.processes) for f in report.folded] == [
        ("linear", ("a1::Dense", "b1::Dense")), ("linear", ("a2::Dense", "b2::Dense")),
        ("sum", ("folded[a1..b1]::LinearChain", "folded[a2..b2]::LinearChain")),
        ("identity", ("mid::Passthrough",)), ("linear", (summed, "c::Dense"))]
    assert report.folded[3].detail == f"{summed}.a_out sends straight to c::Dense.s_in"
    assert report.folded[4].detail.endswith("delay 3 steps as before, through mid::Passthrough (folded); values "
                                            "equal up to float rounding")
    assert report.refused == []
    expected = np.zeros_like(ref)
    w = ws["b1"] @ ws["a1"] + ws["b2"] @ ws["a2"]
    for t in range(4, STEPS + 1):     # three steps of delay: a, b, c
        expected[:, t - 1] = ws["c"] @ (w @ data[:, t - 4])
    np.testing.assert_allclose(ref, expected, rtol=0, atol=tolerance(ref))
    np.testing.assert_allclose(got, ref, rtol=0, atol=tolerance(ref))


def test_a_sum_of_chains_carries_every_buffer_exactly():
    rng = np.random.default_rng(12)
    data = source_data("dense", rng)
    ws = {k: rng.normal(size=s) for k, s in [("a1", (5, 6)), ("a2", (5, 6)), ("b1", (4, 5)), ("b2", (4, 5))]}
    bufs = {k: rng.normal(size=w.shape[0]) for k, w in ws.items()}

    def build():
        src, out = ring(data), sink_for("dense", 2)
        d = {k: Dense(w, num_message_bits=24, name=k) for k, w in ws.items()}
        for k, b in bufs.items():
            d[k].a_buff.set(b)
        for i in "12":
            src.s_out.connect(d["a" + i].s_in)
            d["a" + i].a_out.connect(d["b" + i].s_in)
            d["b" + i].a_out.connect(out.a_in)
        return src, out, d

    ref, _ = run(build, False)
    got, _ = run(build, "linear")
    assert [f.kind for f in deployment_report(build()[0], cfg("linear")).fold.folded] == ["linear", "linear", "sum"]
    # step 1: b1's and b2's buffers; step 2: W_b a_buff carried through each chain, then summed from zeros
    np.testing.assert_array_equal(got[:, 0], bufs["b1"] + bufs["b2"])
    np.testing.assert_array_equal(got[:, 1], ws["b1"].dot(bufs["a1"]) + ws["b2"].dot(bufs["a2"]))
    np.testing.assert_array_equal(got[:, :2], ref[:, :2])
    np.testing.assert_allclose(got, ref, rtol=0, atol=tolerance(ref))


def test_a_sum_then_heads_a_chain():
    rng = np.random.default_rng(6)
    data = source_data("dense", rng)
    w1, w2, w3 = rng.normal(size=(5, 6)), rng.normal(size=(5, 6)), rng.normal(size=(4, 5))

    def build():
        src, out = ring(data), sink_for("dense", 2)
        d1, d2, d3 = (Dense(w, num_message_bits=24, name=n) for w, n in [(w1, "d1"), (w2, "d2"), (w3, "d3")])
        for d in (d1, d2):
            src.s_out.connect(d.s_in)
            d.a_out.connect(d3.s_in)
        d3.a_out.connect(out.a_in)
        return src, out, None

    ref, _ = run(build, False)
    got, _ = run(build, "linear")
    report = deployment_report(build()[0], cfg("linear")).fold
    assert [(f.kind, f.processes) for f in report.folded] == [
        ("sum", ("d1::Dense", "d2::Dense")), ("linear", ("folded[d1 + d2]::LinearChain", "d3::Dense"))]
    assert report.refused == []   # the first pass refused d1 -> d3 (fan-in); the sum lifted it
    folded = fold(select(collect(build()[0]), cfg("linear")))
    [merged] = folded.merged_processes   # the sum was merged again: only the chain's Process runs
    assert merged.name == "folded[folded[d1 + d2]..d3]"
    np.testing.assert_allclose(merged.weights.get(), w3 @ (w1 + w2), rtol=0, atol=1e-12)
    assert {id(p): p.name for p in folded.merged.values()} == {id(merged): merged.name}
    np.testing.assert_allclose(got, ref, rtol=0, atol=tolerance(ref))


def test_vars_of_summed_members_refuse_get_and_set_until_stop():
    data, build = _parallel("dense")
    src, out, cs = build()
    before = [c.weights.get() for c in cs]
    src.run(RunSteps(3), cfg("linear"))
    try:
        for c in cs:
            for action, call in [("get", lambda v: v.get()), ("set", lambda v: v.set(np.zeros(v.shape)))]:
                with pytest.raises(RuntimeStateError, match=re.escape(
                        f"{c.name}::Dense.weights: {action}() is not possible while its network has a runtime") +
                        ".*" + re.escape("merged c") + ".*" + re.escape("into folded[c1 + c2]::LinearChain")):
                    call(c.weights)
    finally:
        src.stop()
    for c, w in zip(cs, before):
        np.testing.assert_array_equal(c.weights.get(), w)


# -- refusals ---------------------------------------------------------------------------------------------
def _refusal(build, mode="linear"):
    return fold(select(collect(build()[0]), cfg(mode))).report


@pytest.mark.parametrize("mode, reason", [
    ("exact", "fold='exact' keeps parallel connections: (W1 + W2) @ s rounds differently from W1 @ s + W2 @ s, "
              "and the receiver would add one message fewer. Pass fold='linear' to merge them (equal up to "
              "rounding, same timing)"),
    (False, "folding is off (fold=False)"),
])
@pytest.mark.parametrize("kind", KINDS)
def test_sums_are_refused_outside_linear(kind, mode, reason):
    _, build = _parallel(kind)
    report = _refusal(build, mode)
    assert report.folded == []
    name = type(build()[2][0]).__name__
    assert [(r.kind, r.processes, r.reason) for r in report.refused] == [
        ("sum", (f"c1::{name}", f"c2::{name}"), reason)]


def _delay_dense(src, cs, out):
    rng = np.random.default_rng(0)
    d = DelayDense(rng.normal(size=(5, 6)), delays=2, max_delay=2, num_message_bits=24, name="dd")
    src.s_out.connect(d.s_in)
    d.a_out.connect(out.a_in)


def _monitor(src, cs, out):
    mon = Monitor(name="mon")
    mon.probe(cs[1].a_buff, STEPS)


@pytest.mark.parametrize("extra, binary, procs, reason", [
    (_delay_dense, (False, False), ("c1::Dense", "c2::Dense", "dd::DelayDense"),
     "their delays differ (1, 3 steps): their messages arrive at different steps, which one connection cannot send"),
    (None, (False, True), ("c1::Dense", "c2::Dense"),
     "c2::Dense take(s) binary spikes and the others graded values: W1 (s != 0) + W2 s is not one matrix "
     "times the input"),
    (_monitor, (False, False), ("c1::Dense", "c2::Dense"),
     "mon::Monitor.ref_port_0 reaches a Var of c2::Dense, which would not exist after folding"),
])
def test_sums_that_cannot_be_one_connection_are_refused(extra, binary, procs, reason):
    _, build = _parallel("dense", binary=binary + (False,), extra=extra)
    report = _refusal(build)
    assert report.folded == []
    assert [(r.kind, r.processes, r.reason) for r in report.refused] == [("sum", procs, reason)]


@pytest.mark.parametrize("first", ["plain", "transposed_in", "transposed_out"])
def test_reordering_ports_on_members_channels_become_part_of_the_sum(first):
    # src (6) -> d_plain -> out; src -> [transpose] -> d_in -> out; src -> d_out -> [transpose] -> out
    rng = np.random.default_rng(17)
    data = rng.normal(size=(6, STEPS))
    ws = {k: rng.normal(size=(6, 6)) for k in ("plain", "transposed_in", "transposed_out")}
    bufs = {k: rng.normal(size=6) for k in ws}
    order = [first] + [k for k in ws if k != first]   # the first connected is the channel rewire keeps

    def transposed(port):
        return port.reshape((2, 3)).transpose([1, 0]).flatten()

    def build():
        src, out = ring(data), sink.RingBuffer((6,), buffer=STEPS, name="out")
        d = {k: Dense(ws[k], num_message_bits=24, name=k) for k in order}
        for k in order:
            d[k].a_buff.set(bufs[k])
            (transposed(src.s_out) if k == "transposed_in" else src.s_out).connect(d[k].s_in)
            (transposed(d[k].a_out) if k == "transposed_out" else d[k].a_out).connect(out.a_in)
        return src, out, d

    ref, _ = run(build, False)
    got, _ = run(build, "linear")
    [item] = deployment_report(build()[0], cfg("linear")).fold.folded
    assert item.kind == "sum" and len(item.processes) == 3
    perm = np.arange(6).reshape(2, 3).T.ravel()        # what a transposed view of a (6,) port reorders
    expected = np.zeros_like(ref)
    expected[:, 0] = bufs["plain"] + bufs["transposed_in"] + bufs["transposed_out"][perm]
    for t in range(2, STEPS + 1):
        x = data[:, t - 2]
        expected[:, t - 1] = ws["plain"] @ x + ws["transposed_in"] @ x[perm] + (ws["transposed_out"] @ x)[perm]
    np.testing.assert_allclose(ref, expected, rtol=0, atol=tolerance(ref))
    np.testing.assert_allclose(got, ref, rtol=0, atol=tolerance(ref))


def test_bit_accurate_parallel_connections_are_refused_with_the_models_reason():
    rng = np.random.default_rng(0)
    src, out = ring(rng.integers(0, 2, size=(6, 4))), sink_for("dense", 1)
    for i in (1, 2):
        d = Dense(rng.integers(-5, 5, size=(5, 6)), name=f"d{i}")
        src.s_out.connect(d.s_in)
        d.a_out.connect(out.a_in)
    report = fold(select(collect(src), Loihi1SimCfg(select_tag="fixed_pt", fold="linear"))).report
    [refused] = [r for r in report.refused if r.kind == "sum"]
    assert refused.reason.startswith("bit-accurate Dense never fold: each truncates its weights")
