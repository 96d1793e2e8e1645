"""The fold stage's identities: folded networks equal unfolded ones (fold=False) exactly, on both
backends, through sub-process models and reshaping ports; refusals carry their reason into the
FoldReport and the deployment report; the fold option is validated. Linear chains
(fold='linear') are tested in test_fold_linear.py."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import (
    AbstractProcess,
    AbstractSubProcessModel,
    InPort,
    Loihi1SimCfg,
    LoihiProtocol,
    Monitor,
    OutPort,
    RunSteps,
    ValidationError,
    count_traffic,
    deployment_report,
    implements,
)
from neuroproc.compiler import FoldedSelection, collect, compile_network, flatten, fold, select
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.io import sink, source
from neuroproc.proc.lif.process import LIF
from neuroproc.proc.passthrough import Passthrough, PyPassthroughModelFixed

STEPS = 40

# -- a network with identities everywhere --------------------------------------------------------------
def _ei_like(fixed: bool):
    """src -> pt_in -> {d_a, d_b}; d_b -> pt_mid -> pt_mid2 -> lif; d_a -> lif; lif -> pt_out ->
    {d_rec -> lif, sink}. lif.a_in sums three channels (d_a, pt_mid2, d_rec), whose order matters
    for floats; Monitors probe lif.v, lif.u and two Passthrough outputs."""
    rng = np.random.default_rng(7)
    dt = np.int32 if fixed else float
    src = source.RingBuffer(data=(rng.random((6, STEPS)) < 0.4).astype(dt), name="src")
    scale = 1 if fixed else 1 / 7
    w = lambda *shape: np.round(rng.normal(0, 40, size=shape)).astype(int) * scale  # noqa: E731
    pt_in, pt_mid, pt_mid2, pt_out = (Passthrough(n, name=k) for n, k in
                                      ((6, "pt_in"), (8, "pt_mid"), (8, "pt_mid2"), (8, "pt_out")))
    d_a, d_b, d_rec = Dense(w(8, 6), name="d_a"), Dense(w(8, 6), name="d_b"), Dense(np.round(w(8, 8) / 2), name="d_rec")
    lif = LIF(8, du=410 if fixed else 0.1, dv=820 if fixed else 0.2, vth=80 if fixed else 80 / 7,
              bias_mant=3 if fixed else 0.4, name="lif")
    snk = sink.RingBuffer(shape=(8,), buffer=STEPS, name="snk")
    src.s_out.connect(pt_in.s_in)
    pt_in.s_out.connect(d_a.s_in)
    pt_in.s_out.connect(d_b.s_in)
    d_b.a_out.connect(pt_mid.s_in)
    pt_mid.s_out.connect(pt_mid2.s_in)
    d_a.a_out.connect(lif.a_in)
    pt_mid2.s_out.connect(lif.a_in)
    lif.s_out.connect(pt_out.s_in)
    pt_out.s_out.connect(d_rec.s_in)
    d_rec.a_out.connect(lif.a_in)
    pt_out.s_out.connect(snk.a_in)
    mon = Monitor(name="mon")
    for target in (lif.v, lif.u, pt_in.s_out, pt_mid2.s_out):
        mon.probe(target, STEPS)
    return src, lif, snk, mon


def _run(fixed, fold_mode, backend):
    src, lif, snk, mon = _ei_like(fixed)
    cfg = Loihi1SimCfg(select_tag="fixed_pt" if fixed else "floating_pt", backend=backend, fold=fold_mode)
    try:
        lif.run(RunSteps(STEPS // 2), cfg)
        lif.run(RunSteps(STEPS - STEPS // 2))     # a split run continues where it stopped
        assert lif.runtime.backend.name == backend
        data = mon.get_data()
        return {"spikes": snk.data.get(), "v": data["lif"]["v"], "u": data["lif"]["u"],
                "pt_in": data["pt_in"]["s_out"], "pt_mid2": data["pt_mid2"]["s_out"]}
    finally:
        lif.stop()


@pytest.mark.parametrize("fixed", [False, True], ids=["floating_pt", "fixed_pt"])
def test_folded_network_equals_unfolded_on_both_backends(fixed):
    reference = _run(fixed, False, "python")
    assert reference["spikes"].sum() > 10 and reference["spikes"][:, :5].sum() < reference["spikes"].sum()
    for fold_mode, backend in (("exact", "python"), ("exact", "compiled"), (False, "compiled")):
        got = _run(fixed, fold_mode, backend)
        for key, value in reference.items():
            np.testing.assert_array_equal(got[key], value, err_msg=f"{key}, fold={fold_mode}, {backend}")


def test_report_lists_every_folded_identity_and_its_new_channels():
    src, lif, snk, mon = _ei_like(False)
    report = deployment_report(src, Loihi1SimCfg(select_tag="floating_pt"))
    assert report.fold.mode == "exact" and not report.fold.refused
    folded = {f.processes: f.detail for f in report.fold.folded}
    assert set(folded) == {(f"{n}::Passthrough",) for n in ("pt_in", "pt_mid", "pt_mid2", "pt_out")}
    assert folded[("pt_mid2::Passthrough",)] == ("d_b::Dense.a_out sends straight to lif::LIF.a_in, "
                                                 "mon::Monitor.in_port_3")
    assert all("Passthrough" not in r.process for r in report.processes)
    # 9 channels: src->d_a, src->d_b, src->mon, d_a->lif, d_b->lif, d_b->mon, d_rec->lif,
    # lif->d_rec, lif->snk (the Monitor reads lif.v and lif.u through RefPorts)
    assert len(report.channels) == 9 and not any("Passthrough" in c.src + c.dst for c in report.channels)
    assert "Folded at compile time (fold='exact': 4 processes folded away (4 folds), 0 refused)" in str(report)
    assert report.as_dict()["fold"]["folded"][0]["kind"] == "identity"


def test_rerouted_channels_keep_their_place_in_each_fan_in():
    src, lif, snk, mon = _ei_like(False)
    senders = {}
    for mode in ("exact", False):
        exe = compile_network(src, Loihi1SimCfg(select_tag="floating_pt", fold=mode))
        senders[mode] = [c.src.who for c in exe.channels if c.dst is lif.a_in]
    # lif sums its input in channel order; folding only renames the Passthrough's channel
    assert senders[False] == ["d_a::Dense.a_out", "pt_mid2::Passthrough.s_out", "d_rec::Dense.a_out"]
    assert senders["exact"] == ["d_a::Dense.a_out", "d_b::Dense.a_out", "d_rec::Dense.a_out"]


def test_fold_stage_alone_returns_a_selection_of_the_executable_leaves():
    src, lif, snk, mon = _ei_like(False)
    sel = select(collect(src), Loihi1SimCfg(select_tag="floating_pt"))
    folded = fold(sel)
    assert isinstance(folded, FoldedSelection)
    assert [p.name for p in folded.unfolded_leaves] == [p.name for p in sel.leaves]
    assert sorted(p.name for p in folded.leaves) == ["d_a", "d_b", "d_rec", "lif", "mon", "snk", "src"]
    flat = flatten(folded)
    assert not [e for e in flat.edges if isinstance(e.src.process, Passthrough)
                or isinstance(e.dst.process, Passthrough)]
    edge = next(e for e in flat.edges if e.dst is lif.a_in and e.src.process.name == "d_b")
    assert str(edge) == ("d_b::Dense.a_out -> pt_mid::Passthrough.s_in -> pt_mid::Passthrough.s_out -> "
                         "pt_mid2::Passthrough.s_in -> pt_mid2::Passthrough.s_out -> lif::LIF.a_in")
    assert "pt_mid" in str(folded.report) and "folded identity" in str(folded.report)


# -- refusals ------------------------------------------------------------------------------------------------
def _reason(report, name):
    return next(r.reason for r in report.fold.refused if any(p.startswith(f"{name}::") for p in r.processes))


def test_fan_in_into_a_passthrough_is_refused_and_results_are_unchanged():
    def net():
        a = source.RingBuffer(data=np.array([[1e16, 1.0, 0.0]]), name="a")
        b = source.RingBuffer(data=np.array([[1.0, -1e16, 3.0]]), name="b")
        pt = Passthrough(1, name="pt")
        snk = sink.RingBuffer(shape=(1,), buffer=3, name="snk")
        a.s_out.connect(pt.s_in)
        b.s_out.connect(pt.s_in)
        pt.s_out.connect(snk.a_in)
        return a, snk

    a, snk = net()
    report = deployment_report(a, Loihi1SimCfg())
    assert _reason(report, "pt").startswith("fan-in: 2 channels arrive at s_in (a::RingBuffer.s_out, "
                                            "b::RingBuffer.s_out)")
    assert "pt::Passthrough" in [r.process for r in report.processes]
    text = str(report)
    assert "refused  identity  pt::Passthrough  fan-in: 2 channels" in text
    a.run(RunSteps(3), Loihi1SimCfg())
    np.testing.assert_array_equal(snk.data.get(), [[1e16 + 1.0, 1.0 - 1e16, 3.0]])
    a.stop()


@pytest.mark.parametrize("src_fixed", [False, True])
def test_a_dtype_change_is_refused(src_fixed):
    data = np.array([[1, 0, 2]], dtype=np.int32 if src_fixed else float)
    src = source.RingBuffer(data=data, name="src")
    pt = Passthrough(1, name="pt")
    src.s_out.connect(pt.s_in)
    pt.s_out.connect(sink.RingBuffer(shape=(1,), buffer=3).a_in)
    # the source's model sends int32 (fixed) or float64; the Passthrough's the other
    cfg = Loihi1SimCfg(select_tag="fixed_pt" if src_fixed else "floating_pt",
                       exception_proc_model_map={Passthrough: _other_pt(src_fixed)})
    reason = _reason(deployment_report(src, cfg), "pt")
    sent, out = ("int32", "float64") if src_fixed else ("float64", "int32")
    assert reason.startswith(f"dtype change: src::RingBuffer.s_out sends {sent}, pt::Passthrough receives "
                             f"float64 and sends {out}")


def _other_pt(src_fixed):
    from neuroproc.proc.passthrough import PyPassthroughModelFloat

    return PyPassthroughModelFloat if src_fixed else PyPassthroughModelFixed


def test_fold_false_folds_nothing_and_says_so():
    src, lif, snk, mon = _ei_like(False)
    report = deployment_report(src, Loihi1SimCfg(select_tag="floating_pt", fold=False))
    assert not report.fold.folded
    assert {r.reason for r in report.fold.refused} == {"folding is off (fold=False)"}
    assert sum("Passthrough" in r.process for r in report.processes) == 4


def test_a_ring_of_identities_is_refused():
    src = source.RingBuffer(data=np.ones((1, 2)), name="src")
    p1, p2, p3 = Passthrough(1, name="p1"), Passthrough(1, name="p2"), Passthrough(1, name="p3")
    p1.s_out.connect(p2.s_in)
    p2.s_out.connect(p1.s_in)
    p2.s_out.connect(p3.s_in)     # p3 hangs off the ring: its one input is p2, which stays
    src.s_out.connect(sink.RingBuffer(shape=(1,), buffer=2).a_in)
    p3.s_out.connect(sink.RingBuffer(shape=(1,), buffer=2).a_in)
    report = fold(select(collect(p1), Loihi1SimCfg())).report
    assert {r.processes[0] for r in report.refused} == {"p1::Passthrough", "p2::Passthrough"}
    assert all("ring of identities" in r.reason for r in report.refused)
    assert [f.processes for f in report.folded] == [("p3::Passthrough",)]


# -- configuration ----------------------------------------------------------------------------------------
def test_fold_option_is_validated_like_backend():
    assert Loihi1SimCfg().fold == "exact" and Loihi1SimCfg(fold=True).fold == "exact"
    assert Loihi1SimCfg(fold=False).fold is False
    with pytest.raises(ValidationError, match=r"Loihi1SimCfg.fold must be one of \(False, 'exact', 'linear'\) "
                                              r"\(got 'linaer'\). Did you mean 'linear'\?"):
        Loihi1SimCfg(fold="linaer")
    with pytest.raises(ValidationError, match=r"got 1\)"):
        Loihi1SimCfg(fold=1)


def test_traffic_meter_sees_the_folded_channels():
    src, lif, snk, mon = _ei_like(False)
    meter = count_traffic(src, Loihi1SimCfg(select_tag="floating_pt"))
    src.run(RunSteps(3))
    assert len(meter.rows()) == 9 and meter.deployment.fold.folded
    src.stop()


# -- hierarchy and reshaping ports -------------------------------------------------------------------------
class Layer(AbstractProcess):
    """A hierarchical layer: s_in -> [Passthrough -> Dense] -> a_out."""

    def __init__(self, weights, **kwargs):
        super().__init__(weights=weights, **kwargs)
        self.s_in = InPort(shape=(np.shape(weights)[1],))
        self.a_out = OutPort(shape=(np.shape(weights)[0],))


@implements(proc=Layer, protocol=LoihiProtocol)
class SubLayerModel(AbstractSubProcessModel):
    def __init__(self, proc):
        super().__init__(proc)
        w = proc.proc_params["weights"]
        self.entry = Passthrough(np.shape(w)[1], name=f"{proc.name}_entry")
        self.dense = Dense(w, name=f"{proc.name}_dense")
        proc.s_in.connect(self.entry.s_in)
        self.entry.s_out.connect(self.dense.s_in)
        self.dense.a_out.connect(proc.a_out)


@pytest.mark.parametrize("backend", ["python", "compiled"])
def test_identities_inside_sub_process_models_fold_through_the_parent_ports(backend):
    def run(mode):
        rng = np.random.default_rng(2)
        src = source.RingBuffer(data=(rng.random((3, 12)) < 0.5).astype(float), name="src")
        layer = Layer(rng.normal(size=(4, 3)), name="layer")
        snk = sink.RingBuffer(shape=(4,), buffer=12)
        src.s_out.connect(layer.s_in)
        layer.a_out.connect(snk.a_in)
        cfg = Loihi1SimCfg(select_tag="floating_pt", fold=mode, backend=backend)
        report = deployment_report(src, cfg)
        src.run(RunSteps(12), cfg)
        out = snk.data.get()
        src.stop()
        return out, report

    ref, _ = run(False)
    got, report = run("exact")
    np.testing.assert_array_equal(got, ref)
    assert ref.any()
    assert [f.processes for f in report.fold.folded] == [("layer_entry::Passthrough",)]
    assert [(c.src, c.dst) for c in report.channels if c.dst.startswith("layer_dense")] == [
        ("src::RingBuffer.s_out", "layer_dense::Dense.s_in")]


def test_reshaping_ports_around_a_folded_identity_compose():
    def run(mode):
        data = np.arange(12.0).reshape(2, 3, 2)            # (2, 3) image, 2 steps
        src = source.RingBuffer(data=data, name="src")
        pt = Passthrough(6, name="pt")
        snk = sink.RingBuffer(shape=(3, 2), buffer=2)
        src.s_out.flatten().connect(pt.s_in)
        pt.s_out.reshape((3, 2)).connect(snk.a_in)
        src.run(RunSteps(2), Loihi1SimCfg(fold=mode, backend="python"))
        out = snk.data.get()
        src.stop()
        return data, out

    data, ref = run(False)
    _, got = run("exact")
    np.testing.assert_array_equal(got, ref)
    np.testing.assert_array_equal(got[..., 0], data[..., 0].reshape(3, 2))
