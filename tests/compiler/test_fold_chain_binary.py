"""fold='linear' chains beyond graded input: a head that takes binary spikes (the merged connection
counts non-zero inputs as it did), reordering ports between members, and the refusals that are
arithmetic necessities (binary spikes after the head; a path that is not a permutation; a merge
factory that cannot binarise)."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import (
    CPU,
    AbstractProcess,
    InPort,
    LavaPyType,
    LoihiProtocol,
    OutPort,
    PyInPort,
    PyLoihiProcessModel,
    PyOutPort,
    deployment_report,
    implements,
    requires,
)
from neuroproc.compiler import collect, flatten, fold, select
from neuroproc.compiler.fold_linear import link_permutation
from neuroproc.compiler.linear_map import LinearMap
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.passthrough import Passthrough
from tests.compiler.fold_nets import KINDS, STEPS, cfg, connection, ring, run, sink_for, source_data, tolerance


def _binary_head(kind, seed=3):
    rng = np.random.default_rng(seed)
    data = source_data(kind, rng)

    def build():
        r = np.random.default_rng(seed + 1)
        src = ring(data)
        c1 = connection(kind, 0, r, binary=True, name="c1")
        c2 = connection(kind, 1, r, name="c2")
        out = sink_for(kind)
        src.s_out.connect(c1.s_in)
        c1.a_out.connect(c2.s_in)
        c2.a_out.connect(out.a_in)
        return src, out, (c1, c2)

    return data, build


@pytest.mark.parametrize("backend", ["python", "auto"])
@pytest.mark.parametrize("kind", KINDS)
def test_a_chain_headed_by_binary_spikes_merges_and_counts_nonzero_inputs(kind, backend):
    data, build = _binary_head(kind)
    ref, _ = run(build, False, backend)
    got, (c1, c2) = run(build, "linear", backend)
    report = deployment_report(build()[0], cfg("linear")).fold
    [item] = report.folded
    assert (item.kind, item.processes) == ("linear", (f"c1::{type(c1).__name__}", f"c2::{type(c2).__name__}"))
    assert "binary input as before" in item.detail
    # the unfolded run counts non-zero inputs: a graded product would differ by far more than rounding
    assert (data != 0).any() and (np.abs(data[data != 0]) != 1).all()
    assert np.abs(ref).max() > 0.5
    np.testing.assert_allclose(got, ref, rtol=0, atol=tolerance(ref))


def test_binary_head_dense_chain_equals_the_analytic_product():
    data, build = _binary_head("dense")
    got, (c1, c2) = run(build, "linear")
    w1, w2 = c1.weights.get(), c2.weights.get()
    expected = np.zeros_like(got)
    for t in range(3, STEPS + 1):        # two steps of delay, one per Dense
        expected[:, t - 1] = w2 @ (w1 @ (data[:, t - 3] != 0))
    np.testing.assert_allclose(got, expected, rtol=0, atol=tolerance(expected))
    np.testing.assert_array_equal(got[:, :2], 0)


@pytest.mark.parametrize("kind", KINDS)
def test_binary_spikes_after_the_head_are_refused_as_a_necessity(kind):
    rng = np.random.default_rng(0)
    src = ring(source_data(kind, rng))
    c1, c2 = connection(kind, 0, rng, name="c1"), connection(kind, 1, rng, binary=True, name="c2")
    out = sink_for(kind)
    src.s_out.connect(c1.s_in)
    c1.a_out.connect(c2.s_in)
    c2.a_out.connect(out.a_in)
    report = fold(select(collect(src), cfg("linear"))).report
    assert report.folded == []
    [refused] = report.refused
    assert refused.kind == "linear"
    assert refused.reason == (
        f"c2::{type(c2).__name__} takes binary spikes (num_message_bits=0): it adds its weights where "
        f"c1::{type(c1).__name__} sends a non-zero value, whatever the value, so W2 (W1 s != 0) is not a product")


def _reordered(how):
    """src (6) -> d1 (6x6) -> [reshape (2, 3) / transpose] -> pt -> d2 (4x6 on the reordered vector) -> out."""
    rng = np.random.default_rng(8)
    data = rng.normal(size=(6, STEPS))
    w1, w2 = rng.normal(size=(6, 6)), rng.normal(size=(4, 6))

    def build():
        src, out = ring(data), sink_for("dense")
        d1, d2 = Dense(w1, num_message_bits=24, name="d1"), Dense(w2, num_message_bits=24, name="d2")
        pt = Passthrough((6,), name="pt")
        src.s_out.connect(d1.s_in)
        view = d1.a_out.reshape((2, 3))
        if how == "transpose":
            view = view.transpose([1, 0])
        view.flatten().connect(pt.s_in)
        pt.s_out.connect(d2.s_in)
        d2.a_out.connect(out.a_in)
        return src, out, None

    return data, w1, w2, build


@pytest.mark.parametrize("how", ["reshape", "transpose"])
def test_reordering_ports_between_members_become_part_of_the_product(how):
    data, w1, w2, build = _reordered(how)
    ref, _ = run(build, False)
    got, _ = run(build, "linear")
    perm = np.arange(6).reshape(2, 3)
    perm = (perm.T if how == "transpose" else perm).ravel()   # d2 sees (W1 s)[perm]
    expected = np.zeros_like(ref)
    for t in range(3, STEPS + 1):
        expected[:, t - 1] = w2 @ (w1 @ data[:, t - 3])[perm]
    np.testing.assert_allclose(ref, expected, rtol=0, atol=tolerance(ref))  # the unfolded run reorders so
    np.testing.assert_allclose(got, ref, rtol=0, atol=tolerance(ref))
    [item] = [f for f in deployment_report(build()[0], cfg("linear")).fold.folded if f.kind == "linear"]
    assert item.processes == ("d1::Dense", "d2::Dense")
    assert "through pt::Passthrough (folded), reordered as" in item.detail


def test_a_concatenation_is_not_a_permutation():
    rng = np.random.default_rng(1)
    a, b = ring(rng.normal(size=(3, 4)), name="a"), ring(rng.normal(size=(3, 4)), name="b")
    d = Dense(rng.normal(size=(2, 6)), num_message_bits=24, name="d")
    a.s_out.concat_with(b.s_out).connect(d.s_in)
    flat = flatten(select(collect(a), cfg(False)))
    reasons = {link_permutation(e) for e in flat.edges}
    assert len(reasons) == 1
    [reason] = reasons
    assert isinstance(reason, str) and reason.endswith(
        "does more than reorder the messages (a concatenation), so it is not one permutation")


# -- a user's binary-input map whose factory cannot binarise, or that names no factory ----------------------
class Counted(AbstractProcess):
    """A user's connection: ``a_out[t] = gain * (s_in[t - 1] != 0)``."""

    def __init__(self, n, gain, **kwargs):
        super().__init__(n=n, gain=gain, **kwargs)
        self.s_in = InPort(shape=(n,))
        self.a_out = OutPort(shape=(n,))


def _old_factory(weights, delay, pipeline, name, in_shape, out_shape):
    raise AssertionError("not to be called: it cannot binarise")


@implements(proc=Counted, protocol=LoihiProtocol)
@requires(CPU)
class PyCountedModel(PyLoihiProcessModel):
    s_in = LavaPyType(PyInPort.VEC_DENSE, float)
    a_out = LavaPyType(PyOutPort.VEC_DENSE, float)
    factory = staticmethod(_old_factory)

    @classmethod
    def linear_map(cls, proc):
        n = proc.proc_params["n"]
        return LinearMap("s_in", "a_out", proc.proc_params["gain"] * np.eye(n), cls.factory, binary_input=True)

    def run_spk(self):
        self.a_out.send(self.proc_params["gain"] * (self.s_in.recv() != 0))


@pytest.mark.parametrize("factory, reason", [
    (_old_factory, "head::Counted takes binary spikes and its merge factory _old_factory takes no binary_input "
                   "argument, so the merged Process could not binarise its input"),
    (None, "head::Counted declares a linear map without a merge factory, so nothing can replace the merge"),
])
def test_a_head_whose_factory_cannot_build_the_merge_is_refused(factory, reason, monkeypatch):
    monkeypatch.setattr(PyCountedModel, "factory", staticmethod(factory) if factory else None)
    src = ring(np.ones((3, 4)))
    head, d = Counted(3, 2.0, name="head"), Dense(np.eye(3), num_message_bits=24, name="d")
    src.s_out.connect(head.s_in)
    head.a_out.connect(d.s_in)
    report = fold(select(collect(src), cfg("linear"))).report
    assert report.folded == []
    assert [(r.kind, r.processes, r.reason) for r in report.refused] == [
        ("linear", ("head::Counted", "d::Dense"), reason)]


def _fan_in():
    rng = np.random.default_rng(0)
    a, b = ring(rng.normal(size=(6, 4)), name="a"), ring(rng.normal(size=(5, 4)), name="b")
    d1, d2 = connection("dense", 0, rng, name="d1"), connection("dense", 1, rng, name="d2")
    a.s_out.connect(d1.s_in)
    d1.a_out.connect(d2.s_in)
    b.s_out.connect(d2.s_in)
    return a


def _ring():
    rng = np.random.default_rng(0)
    d1, d2 = Dense(rng.normal(size=(3, 3)), num_message_bits=24, name="d1"), Dense(
        rng.normal(size=(3, 3)), num_message_bits=24, name="d2")
    d1.a_out.connect(d2.s_in)
    d2.a_out.connect(d1.s_in)
    return d1


@pytest.mark.parametrize("build, mode, expected", [
    (_fan_in, "linear", [("d1::Dense", "d2::Dense"), (
        "fan-in: d2::Dense.s_in also receives from b::RingBuffer.s_out; d2::Dense would have to run for them "
        "anyway, with its state shared between both")]),
    (lambda: _binary_head("dense")[1]()[0], False, [("c1::Dense", "c2::Dense"), "folding is off (fold=False)"]),
    (_ring, "linear", [("d1::Dense", "d2::Dense"), "the Dense form a loop: its delays cannot be merged into one "
                                                    "connection"]),
])
def test_more_chain_refusals_name_their_reason(build, mode, expected):
    report = fold(select(collect(build()), cfg(mode))).report
    assert report.folded == []
    assert [(r.processes, r.reason) for r in report.refused if r.kind == "linear"][0] == tuple(expected)


def test_a_chain_merges_up_to_a_connection_that_takes_binary_spikes():
    # src -> d1 -> d2 (graded) -> d3 (binary) -> out: d1..d2 merge, d3 stays and counts non-zero values
    rng = np.random.default_rng(21)
    data = source_data("dense", rng)
    w1, w2, w3 = rng.normal(size=(5, 6)), rng.normal(size=(5, 5)), rng.normal(size=(4, 5))

    def build():
        src, out = ring(data), sink_for("dense")
        d1, d2 = Dense(w1, num_message_bits=24, name="d1"), Dense(w2, num_message_bits=24, name="d2")
        d3 = Dense(w3, name="d3")
        src.s_out.connect(d1.s_in)
        d1.a_out.connect(d2.s_in)
        d2.a_out.connect(d3.s_in)
        d3.a_out.connect(out.a_in)
        return src, out, None

    report = deployment_report(build()[0], cfg("linear")).fold
    assert [(f.kind, f.processes) for f in report.folded] == [("linear", ("d1::Dense", "d2::Dense"))]
    assert [(r.processes, r.reason[:50]) for r in report.refused] == [
        (("folded[d1..d2]::LinearChain", "d3::Dense"), "d3::Dense takes binary spikes (num_message_bits=0)")]
    ref, _ = run(build, False)
    got, _ = run(build, "linear")
    expected = np.zeros_like(ref)
    for t in range(4, STEPS + 1):
        expected[:, t - 1] = w3 @ ((w2 @ (w1 @ data[:, t - 4])) != 0)
    # every graded value is non-zero: all columns of W3 add (in d3's order, so up to rounding)
    np.testing.assert_allclose(ref, expected, rtol=0, atol=tolerance(ref))
    np.testing.assert_allclose(got, ref, rtol=0, atol=tolerance(ref))
