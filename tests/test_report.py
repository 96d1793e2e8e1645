"""Deployment report and traffic counting, against traffic counted by hand on small networks."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import (
    CPU,
    AbstractProcess,
    InPort,
    LavaPyType,
    Loihi1NeuroCore,
    Loihi1SimCfg,
    Loihi2NeuroCore,
    LoihiProtocol,
    Monitor,
    OutPort,
    PyInPort,
    PyLoihiProcessModel,
    PyOutPort,
    RunSteps,
    RuntimeStateError,
    ValidationError,
    Var,
    implements,
    requires,
)
from neuroproc.report import (
    CORE_TO_HOST,
    HOST,
    HOST_TO_CORE,
    NEURO_CORE,
    count_traffic,
    deployment_report,
    model_location,
)

# the spike pattern the host source sends at steps 1..10 (3 neurons)
PATTERN = np.array([[1, 0, 0], [0, 0, 0], [1, 1, 0], [1, 1, 1], [0, 1, 0],
                    [0, 0, 0], [1, 0, 1], [0, 0, 1], [1, 1, 1], [0, 0, 0]])
# counted by hand from PATTERN: spikes per step on src -> core
SRC_SPIKES = [1, 0, 2, 3, 1, 0, 2, 1, 3, 0]
# the core relay sends the previous step's input, so its spikes lag one step
CORE_SPIKES = [0, 1, 0, 2, 3, 1, 0, 2, 1, 3]
SRC_BYTES = 3 * 4   # shape (3,) x int32
CORE_BYTES = 3 * 2  # shape (3,) x int16


class SpikeSource(AbstractProcess):
    """Sends row ``(t-1) % len(pattern)`` of ``pattern`` at step ``t``."""

    def __init__(self, pattern, **kwargs):
        super().__init__(pattern=np.asarray(pattern), **kwargs)
        self.s_out = OutPort(shape=np.asarray(pattern).shape[1:])


@implements(proc=SpikeSource, protocol=LoihiProtocol)
@requires(CPU)
class PySpikeSourceModel(PyLoihiProcessModel):
    s_out = LavaPyType(PyOutPort.VEC_DENSE, np.int32)

    def run_spk(self):
        pattern = self.proc_params["pattern"]
        self.s_out.send(pattern[(self.time_step - 1) % len(pattern)])


class CoreRelay(AbstractProcess):
    """Sends what it received in the previous step (zeros at step 1), as a Dense layer does."""

    def __init__(self, shape=(3,), **kwargs):
        super().__init__(**kwargs)
        self.last = Var(shape=shape, init=0)
        self.a_in = InPort(shape=shape)
        self.s_out = OutPort(shape=shape)


@implements(proc=CoreRelay, protocol=LoihiProtocol)
@requires(Loihi1NeuroCore)
class LoihiCoreRelayModel(PyLoihiProcessModel):
    last = LavaPyType(np.ndarray, np.int16)
    a_in = LavaPyType(PyInPort.VEC_DENSE, np.int16)
    s_out = LavaPyType(PyOutPort.VEC_DENSE, np.int16)

    def run_spk(self):
        self.s_out.send(self.last)
        self.last[:] = self.a_in.recv()


class HostSink(AbstractProcess):
    """Receives and counts the spikes it gets."""

    def __init__(self, shape=(3,), **kwargs):
        super().__init__(**kwargs)
        self.total = Var(shape=shape, init=0)
        self.a_in = InPort(shape=shape)


@implements(proc=HostSink, protocol=LoihiProtocol)
@requires(CPU)
class PyHostSinkModel(PyLoihiProcessModel):
    total = LavaPyType(np.ndarray, float)
    a_in = LavaPyType(PyInPort.VEC_DENSE, float)

    def run_spk(self):
        self.total += self.a_in.recv()


def _net(with_monitor=True):
    """src (host) -> core (neuro-core) -> sink (host); src -> tap (host); monitor on core.s_out."""
    src = SpikeSource(PATTERN, name="src")
    core = CoreRelay(name="core")
    sink = HostSink(name="sink")
    tap = HostSink(name="tap")
    src.s_out.connect(core.a_in)
    core.s_out.connect(sink.a_in)
    src.s_out.connect(tap.a_in)
    mon = None
    if with_monitor:
        mon = Monitor(name="mon")
        mon.probe(core.s_out, 10)
        mon.probe(core.last, 10)
    return src, core, sink, tap, mon


@pytest.fixture
def net():
    parts = _net()
    yield parts
    parts[0].stop()


def _chan(report, src, dst):
    return next(c for c in report.channels if c.src == src and c.dst == dst)


def test_model_location_follows_requires():
    assert model_location(PySpikeSourceModel) == HOST
    assert model_location(LoihiCoreRelayModel) == NEURO_CORE

    class Bare(PyLoihiProcessModel):
        pass

    @requires(Loihi2NeuroCore())  # an instance counts like its class
    class Inst(PyLoihiProcessModel):
        pass

    @requires([CPU, Loihi1NeuroCore])  # alternatives: any neuro-core places it on the chip
    class Alt(PyLoihiProcessModel):
        pass

    assert model_location(Bare) == HOST
    assert model_location(Inst) == NEURO_CORE
    assert model_location(Alt) == NEURO_CORE


def test_report_places_processes_and_flags_crossings_before_any_run(net):
    src, core, sink, tap, mon = net
    report = deployment_report(src, Loihi1SimCfg())
    assert src.runtime is None  # compile only
    places = {r.process: (r.model, r.location) for r in report.processes}
    assert places == {"src::SpikeSource": ("PySpikeSourceModel", HOST),
                      "core::CoreRelay": ("LoihiCoreRelayModel", NEURO_CORE),
                      "sink::HostSink": ("PyHostSinkModel", HOST),
                      "tap::HostSink": ("PyHostSinkModel", HOST),
                      "mon::Monitor": ("PyMonitorModel", HOST)}
    assert report.location(core) == NEURO_CORE and report.location(tap) == HOST
    a = _chan(report, "src::SpikeSource.s_out", "core::CoreRelay.a_in")
    b = _chan(report, "core::CoreRelay.s_out", "sink::HostSink.a_in")
    c = _chan(report, "src::SpikeSource.s_out", "tap::HostSink.a_in")
    d = _chan(report, "core::CoreRelay.s_out", "mon::Monitor.in_port_0")
    assert (a.crossing, b.crossing, c.crossing, d.crossing) == (HOST_TO_CORE, CORE_TO_HOST, None, CORE_TO_HOST)
    assert (a.dtype, a.bytes_per_message) == ("int32", SRC_BYTES)
    assert (b.dtype, b.bytes_per_message) == ("int16", CORE_BYTES)
    assert len(report.channels) == 4 and len(report.boundary_channels) == 3
    assert [(r.var, r.crossing) for r in report.var_access] == [("core::CoreRelay.last", CORE_TO_HOST)]
    data = report.as_dict()
    assert {r["process"] for r in data["processes"]} == set(places)
    assert len(data["channels"]) == 4


def test_report_prints_aligned_tables(net):
    src, *_ = net
    text = str(deployment_report(src, Loihi1SimCfg()))
    # one message per step: host->core carries src's int32 x 3; core->host two int16 x 3 channels
    assert text.splitlines()[0] == (
        "Deployment with Loihi1SimCfg: 5 processes (4 host, 1 neuro-core), 4 channels (3 cross: "
        f"host->core {SRC_BYTES} B/step, core->host {2 * CORE_BYTES} B/step at one message per channel per step)")
    lines = text.splitlines()
    header = lines[2]
    assert header.split() == ["process", "model", "location", "resources"]
    core_line = next(line for line in lines if line.startswith("core::CoreRelay "))
    # columns line up: "location" values start where the header's "location" starts
    assert core_line.index("neuro-core") == header.index("location")
    assert "Loihi1NeuroCore" in core_line


def test_traffic_per_step_matches_hand_count_across_split_runs(net):
    src, core, sink, tap, mon = net
    cfg = Loihi1SimCfg()
    report = deployment_report(src, cfg)
    traffic = report.attach(src)
    src.run(condition=RunSteps(4), run_cfg=cfg)
    assert traffic.steps.tolist() == [1, 2, 3, 4]
    src.run(condition=RunSteps(6))
    counts = traffic.counts()
    assert counts.steps.tolist() == list(range(1, 11))
    rows = {(r.src, r.dst): i for i, r in enumerate(traffic.deployment.channels)}
    a = rows["src::SpikeSource.s_out", "core::CoreRelay.a_in"]
    b = rows["core::CoreRelay.s_out", "sink::HostSink.a_in"]
    c = rows["src::SpikeSource.s_out", "tap::HostSink.a_in"]
    d = rows["core::CoreRelay.s_out", "mon::Monitor.in_port_0"]
    assert (counts.messages == 1).all()  # one message per channel per step
    assert counts.nonzero[a].tolist() == SRC_SPIKES
    assert counts.nonzero[c].tolist() == SRC_SPIKES
    assert counts.nonzero[b].tolist() == CORE_SPIKES
    assert counts.nonzero[d].tolist() == CORE_SPIKES
    assert counts.bytes[a].tolist() == [SRC_BYTES] * 10
    assert counts.bytes[b].tolist() == [CORE_BYTES] * 10

    boundary = traffic.boundary_counts()
    assert boundary[HOST_TO_CORE].messages.tolist() == [1] * 10
    assert boundary[HOST_TO_CORE].nonzero.tolist() == SRC_SPIKES
    assert boundary[HOST_TO_CORE].bytes.tolist() == [SRC_BYTES] * 10
    assert boundary[CORE_TO_HOST].messages.tolist() == [2] * 10  # sink + monitor
    assert boundary[CORE_TO_HOST].nonzero.tolist() == [2 * n for n in CORE_SPIKES]
    assert boundary[CORE_TO_HOST].bytes.tolist() == [2 * CORE_BYTES] * 10

    row = traffic.rows()[a]
    assert (row.messages, row.messages_max) == (10, 1)
    assert (row.nonzero, row.nonzero_mean, row.nonzero_max) == (13, 1.3, 3)
    assert (row.bytes, row.bytes_mean, row.bytes_max) == (10 * SRC_BYTES, SRC_BYTES, SRC_BYTES)
    out = {r.crossing: r for r in traffic.boundary_rows()}
    assert out[CORE_TO_HOST].nonzero == 26 and out[CORE_TO_HOST].bytes == 120
    # the counted spikes are the ones that arrived
    assert sink.total.get().tolist() == PATTERN[:9].sum(axis=0).tolist()


def test_traffic_table_and_data():
    src, core, sink, tap, _ = _net(with_monitor=False)
    try:
        traffic = count_traffic(src, Loihi1SimCfg())
        src.run(condition=RunSteps(10))
        text = str(traffic)
        assert text.splitlines()[0] == "Traffic over steps 1-10 (10 steps)"
        line = next(x for x in text.splitlines() if x.startswith("total") and "core->host" in x)
        assert line.split() == ["total", "core->host", "10", "1", "13", "1.30", "3", "60", "6.0", "6"]
        data = traffic.as_dict()
        assert data["steps"] == list(range(1, 11))
        assert len(data["per_step"]["nonzero"]) == 3 and len(data["boundary"]) == 2
    finally:
        src.stop()


def test_counters_stay_none_unless_requested_and_detach_removes_them(net):
    src, *_ = net
    src.run(condition=RunSteps(2), run_cfg=Loihi1SimCfg())
    channels = src.runtime.backend.channels
    assert channels and all(ch.counter is None for ch in channels)
    traffic = count_traffic(src)  # attach mid-way: counts start at the next step
    assert all(ch.counter is not None for ch in channels)
    src.run(condition=RunSteps(3))
    traffic.detach()
    assert all(ch.counter is None for ch in channels)
    src.run(condition=RunSteps(1))
    counts = traffic.counts()
    assert counts.steps.tolist() == [3, 4, 5]
    assert (counts.messages == 1).all()
    assert counts.nonzero[0].tolist() == SRC_SPIKES[2:5]
    assert not traffic.attached


def test_counts_of_a_non_blocking_run_after_wait(net):
    src, *_ = net
    traffic = count_traffic(src, Loihi1SimCfg())
    src.run(condition=RunSteps(10, blocking=False))
    src.wait()
    row = traffic.deployment.channels.index(next(c for c in traffic.deployment.channels
                                                 if c.dst == "core::CoreRelay.a_in"))
    assert traffic.counts().nonzero[row].tolist() == SRC_SPIKES


def test_second_meter_on_same_runtime_is_refused(net):
    src, *_ = net
    count_traffic(src, Loihi1SimCfg())
    with pytest.raises(RuntimeStateError, match="already has a counter.*detach"):
        count_traffic(src)


def test_attach_checks_the_runtime_matches_the_report():
    src, *_ = _net(with_monitor=False)
    other, *_ = _net(with_monitor=False)
    try:
        report = deployment_report(other, Loihi1SimCfg())
        src.create_runtime(Loihi1SimCfg())
        # a different network with the same names matches; one with another shape does not
        report.attach(src).detach()
        lone = SpikeSource(PATTERN, name="lone")
        lone_sink = HostSink(name="lone_sink")
        lone.s_out.connect(lone_sink.a_in)
        with pytest.raises(ValidationError, match="different network"):
            report.attach(lone)
        lone.stop()
    finally:
        src.stop()


def test_count_traffic_errors_name_the_fix():
    src, *_ = _net(with_monitor=False)
    with pytest.raises(RuntimeStateError, match=r"has no runtime yet \(got run_cfg=None\)\. Pass run_cfg"):
        count_traffic(src)
    with pytest.raises(ValidationError, match="target must be a Process or a Runtime"):
        count_traffic(42)


def test_concat_padding_is_not_counted_as_traffic():
    """Two 2-neuron sources joined into a 4-neuron core, whose output is split to two sinks."""
    left = SpikeSource([[1, 1], [0, 1]], name="left")
    right = SpikeSource([[0, 0], [1, 0]], name="right")
    core = CoreRelay(shape=(4,), name="core4")
    low, high = HostSink(shape=(2,), name="low"), HostSink(shape=(2,), name="high")
    left.s_out.concat_with(right.s_out).connect(core.a_in)
    core.s_out.connect(low.a_in.concat_with(high.a_in))
    try:
        traffic = count_traffic(left, Loihi1SimCfg())
        left.run(condition=RunSteps(3))
        rows = {(r.src.split("::")[0], r.dst.split("::")[0]): (i, r)
                for i, r in enumerate(traffic.deployment.channels)}
        # each source sends its own 2 x int32, each sink gets its 2 x int16 slice
        assert {k: r.bytes_per_message for k, (i, r) in rows.items()} == {
            ("left", "core4"): 8, ("right", "core4"): 8, ("core4", "low"): 4, ("core4", "high"): 4}
        counts = traffic.counts()
        assert counts.bytes[rows["left", "core4"][0]].tolist() == [8, 8, 8]
        assert counts.bytes[rows["core4", "low"][0]].tolist() == [4, 4, 4]
        # steps 1..3 send rows 0, 1, 0; the core forwards them one step later
        assert counts.nonzero[rows["left", "core4"][0]].tolist() == [2, 1, 2]
        assert counts.nonzero[rows["right", "core4"][0]].tolist() == [0, 1, 0]
        assert counts.nonzero[rows["core4", "low"][0]].tolist() == [0, 2, 1]
        assert counts.nonzero[rows["core4", "high"][0]].tolist() == [0, 0, 1]
    finally:
        left.stop()


def test_count_traffic_builds_a_python_runtime_and_refuses_a_compiled_one():
    from neuroproc.proc.io.source import RingBuffer

    data = np.array([[1, 0, 1, 1]])
    src = RingBuffer(data, name="rb")
    mon = Monitor(name="rb_mon")
    mon.probe(src.s_out, 4)
    try:  # every model has a kernel, so 'auto' would fuse them; counting asks for python
        traffic = count_traffic(src, Loihi1SimCfg())
        assert src.runtime.backend.name == "python"
        src.run(condition=RunSteps(4))
        assert traffic.counts().nonzero.tolist() == [[1, 0, 1, 1]]
    finally:
        src.stop()
    src2 = RingBuffer(data, name="rb2")
    mon2 = Monitor(name="rb_mon2")
    mon2.probe(src2.s_out, 4)
    try:
        src2.create_runtime(Loihi1SimCfg(backend="compiled"))
        with pytest.raises(RuntimeStateError, match=r"\(got backend='compiled'\)\. Run the network with "
                                                    r"backend='python'"):
            count_traffic(src2)
    finally:
        src2.stop()
