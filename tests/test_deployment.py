"""Automatic host/neuro-core placement, per-core resources, precompute, and boundary traffic as events.

Expectations are computed independently: synapse counts by looping over kernels and windows,
cores by the per-core limits, events from the spike counts a Monitor recorded.
"""
from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

import neuroproc
from neuroproc import (
    CPU,
    AbstractProcess,
    InPort,
    LavaPyType,
    Loihi2SimCfg,
    LoihiProtocol,
    Monitor,
    OutPort,
    PyInPort,
    PyLoihiProcessModel,
    PyOutPort,
    RunSteps,
    ValidationError,
    Var,
    deployment_report,
    implements,
    requires,
)
from neuroproc.chips import (
    LOIHI1,
    LOIHI2,
    ChipResources,
    bytes_per_event,
    chip_spec,
    cores_needed,
    inputs_per_block,
)
from neuroproc.proc.atrlif.process import ATRLIF
from neuroproc.proc.conv.process import Conv
from neuroproc.proc.conv_in_time.process import ConvInTime
from neuroproc.proc.dense.learning_process import LearningDense
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.io import sink, source
from neuroproc.proc.learning_rules.r_stdp_learning_rule import RewardModulatedSTDP
from neuroproc.proc.learning_rules.stdp_learning_rule import STDPLoihi
from neuroproc.proc.lif.process import LIF
from neuroproc.proc.passthrough import Passthrough
from neuroproc.proc.rf.process import RF
from neuroproc.proc.sparse.process import Sparse
from neuroproc.report import CORE_TO_HOST, HOST, HOST_TO_CORE, NEURO_CORE
from neuroproc.utils.connectivity import average_pooling_weights, convolution_weights
from tests.proc.test_compliance import FACTORIES, standard_models

H = W = 6
STEPS = 40


class SquareEncoder(AbstractProcess):
    """A non-linear host node: accumulates the square of its input, spikes (1.0) at 1 and subtracts it."""

    def __init__(self, shape, **kwargs):
        super().__init__(shape=shape, **kwargs)
        self.acc = Var(shape=shape, init=0.0)
        self.a_in = InPort(shape=shape)
        self.s_out = OutPort(shape=shape)


@implements(proc=SquareEncoder, protocol=LoihiProtocol)
@requires(CPU)
class PySquareEncoderModel(PyLoihiProcessModel):
    a_in = LavaPyType(PyInPort.VEC_DENSE, float)
    s_out = LavaPyType(PyOutPort.VEC_DENSE, float)
    acc = LavaPyType(np.ndarray, float)

    def run_spk(self):
        self.acc += self.a_in.recv() ** 2
        spikes = self.acc >= 1.0
        self.acc[spikes] -= 1.0
        self.s_out.send(spikes.astype(float))


def _seed_net():
    """image (host) -> encoder (host, non-linear) -> conv -> conv_lif -> conv_out (passthrough)
    -> pool -> pool_lif -> readout (host); a Monitor probes encoder, conv_lif and pool_lif spikes."""
    yy, xx = np.mgrid[0:H, 0:W]
    intensity = np.exp(-((yy - 2.0) ** 2 + (xx - 3.0) ** 2) / 6).reshape(-1, 1)
    parts = {
        "image": source.RingBuffer(data=np.repeat(intensity, STEPS, axis=1), name="image"),
        "encoder": SquareEncoder((H * W,), name="encoder"),
        "conv": Sparse(convolution_weights((H, W), np.full((3, 3), 0.3), padding=1), name="conv"),
        "conv_lif": LIF(H * W, du=0.3, dv=0.05, vth=1.0, name="conv_lif"),
        "conv_out": Passthrough(H * W, name="conv_out"),
        "pool": Sparse(average_pooling_weights((H, W), 2) * 2, name="pool"),
        "pool_lif": LIF((H // 2) * (W // 2), du=0.3, dv=0.05, vth=1.0, name="pool_lif"),
        "readout": sink.RingBuffer(((H // 2) * (W // 2),), STEPS, name="readout"),
    }
    p = parts
    p["image"].s_out.connect(p["encoder"].a_in)
    p["encoder"].s_out.connect(p["conv"].s_in)
    p["conv"].a_out.connect(p["conv_lif"].a_in)
    p["conv_lif"].s_out.connect(p["conv_out"].s_in)
    p["conv_out"].s_out.connect(p["pool"].s_in)
    p["pool"].a_out.connect(p["pool_lif"].a_in)
    p["pool_lif"].s_out.connect(p["readout"].a_in)
    mon = Monitor(name="probe")
    for k in ("encoder", "conv_lif", "pool_lif"):
        mon.probe(p[k].s_out, STEPS)
    p["probe"] = mon
    return p


def _cfg(fold):
    return Loihi2SimCfg(select_tag="floating_pt", fold=fold, backend="python")


def _conv_synapses(h, w, k):
    """Synapses of a k x k 'same' convolution (zero padding), counted tap by tap."""
    r = k // 2
    return sum(1 for i in range(h) for j in range(w) for di in range(-r, r + 1) for dj in range(-r, r + 1)
               if 0 <= i + di < h and 0 <= j + dj < w)


def _row(report, name):
    return next(r for r in report.cores if r.process.startswith(name + "::"))


@pytest.mark.parametrize("fold", [False, "exact"])
def test_seed_network_splits_like_nengo_loihi(fold):
    p = _seed_net()
    rep = deployment_report(p["image"], _cfg(fold), target="Loihi2", latency_steps=3)
    where = {r.process.split("::")[0]: r.location for r in rep.processes}
    expected = {"image": HOST, "encoder": HOST, "conv": NEURO_CORE, "conv_lif": NEURO_CORE, "pool": NEURO_CORE,
                "pool_lif": NEURO_CORE, "readout": HOST, "probe": HOST}
    if not fold:
        expected["conv_out"] = HOST  # an unfolded passthrough is a host node, as in Nengo-Loihi
    assert where == expected
    # the non-linear node and its input depend on no chip output: they could be precomputed
    assert rep.precomputable == ["image::RingBuffer", "encoder::SquareEncoder"]
    trips = [(t.src, t.via, t.dst) for t in rep.round_trips]
    assert trips == ([] if fold else [("conv_lif::LIF", ("conv_out::Passthrough",), "pool::Sparse")])
    assert ("(+6 steps of link latency)" in str(rep)) == (not fold)


def test_per_core_resources_are_the_analytic_counts():
    p = _seed_net()
    rep = deployment_report(p["image"], _cfg("exact"), target="Loihi2")
    conv, conv_lif = _row(rep, "conv"), _row(rep, "conv_lif")
    pool, pool_lif = _row(rep, "pool"), _row(rep, "pool_lif")
    assert (conv.synapses, conv.max_fan_in, conv.in_axons) == (_conv_synapses(H, W, 3), 9, H * W)
    assert (pool.synapses, pool.max_fan_in, pool.in_axons) == (H * W, 4, H * W)  # 2x2 windows tile the image
    assert (conv_lif.compartments, conv_lif.out_axons, pool_lif.compartments) == (H * W, H * W, H * W // 4)
    # connections share the cores of the neurons they feed; each small group needs one core
    assert (conv.cores, conv.shares_cores_with, conv_lif.cores) == (0, "conv_lif::LIF", 1)
    assert rep.total_cores == 2 and rep.fit_problems() == []


def test_cores_follow_the_per_core_limits():
    def net(n, n_in, name):
        src = source.RingBuffer(data=np.zeros((n_in, 2)), name=f"{name}_src")
        dense = Dense(np.ones((n, n_in)), name=f"{name}_w")
        lif = LIF(n, name=f"{name}_lif")
        src.s_out.connect(dense.s_in)
        dense.a_out.connect(lif.a_in)
        return src

    src = net(3000, 100, "a")
    r1 = _row(deployment_report(src, _cfg("exact"), target="Loihi1"), "a_lif")
    r2 = _row(deployment_report(src, _cfg("exact"), target="Loihi2"), "a_lif")
    # 3000 compartments: ceil(3000 / 1024) = 3 Loihi 1 cores; synapses 3000 * 100 * 8 bits = 2.3 x 128 KiB
    assert r1.cores == max(-(-3000 // 1024), -(-3000 * 100 * 8 // (128 * 1024 * 8))) == 3
    assert r2.cores == -(-3000 * 100 * 8 // (128 * 1024 * 8)) == 3  # synaptic memory, not compartments
    wide = deployment_report(net(10, 5000, "b"), _cfg("exact"), target="Loihi1")
    problems = wide.fit_problems()
    assert len(problems) == 1
    assert problems[0].startswith("b_lif::LIF does not fit on Loihi1 neuro-cores: 5000 input axons")
    assert "DOES NOT FIT: b_lif::LIF" in str(wide)
    with pytest.raises(ValidationError, match=r"b_lif::LIF does not fit .* Place those Processes on the host"):
        wide.require_fit()
    big = LIF(200_000, name="big")
    src = source.RingBuffer(data=np.zeros((200_000, 1)), name="big_src")
    src.s_out.connect(big.a_in)
    rep = deployment_report(src, _cfg("exact"), target="Loihi1")
    assert rep.total_cores == -(-200_000 // 1024) == 196
    assert rep.fit_problems() == ["the chip Processes need 196 cores, one Loihi1 chip has 128"]


def test_a_convolution_too_wide_for_one_core_splits_by_receptive_fields():
    side = 72  # 5184 inputs: more than one core's 4096 input axons
    image = source.RingBuffer(data=np.zeros((side * side, 1)), name="wide_image")
    conv = Sparse(convolution_weights((side, side), np.ones((3, 3)), padding=1), name="wide_conv")
    lif = LIF(side * side, name="wide_lif")
    image.s_out.connect(conv.s_in)
    conv.a_out.connect(lif.a_in)
    # two cores of 36 image rows each see 37 rows of the image (one row of the kernel's reach)
    assert inputs_per_block(convolution_weights((side, side), np.ones((3, 3)), padding=1))(2) == 37 * side < 4096
    rep2 = deployment_report(image, _cfg("exact"), target="Loihi2")
    assert _row(rep2, "wide_lif").cores == 2 and rep2.fit_problems() == []
    # Loihi 1: ceil(5184 / 1024) = 6 cores for the compartments; 12 rows each see 14 rows: 1008 axons
    assert _row(deployment_report(image, _cfg("exact"), target="Loihi1"), "wide_lif").cores == 6


def test_cores_needed_refuses_a_fan_in_larger_than_a_core():
    res = ChipResources(compartments=1, synapses=200_000, max_fan_in=200_000, in_axons=100)
    cores, problem = cores_needed(res, LOIHI1)
    assert cores == -(-200_000 * 8 // (128 * 1024 * 8)) == 2
    assert problem.startswith("one compartment's fan-in of 200000 synapses x 8 bits exceeds")
    assert cores_needed(ChipResources(), LOIHI2) == (1, None)


def test_graded_spikes_need_loihi2_and_carry_their_payload():
    src = source.RingBuffer(data=np.array([[0.0, 2.0, 0.0], [1.0, 0.0, 3.0]]).T, name="g_src")
    dense = Dense(np.eye(3), num_message_bits=16, name="g_w")
    lif = LIF(3, name="g_lif")
    src.s_out.connect(dense.s_in)
    dense.a_out.connect(lif.a_in)
    on1 = deployment_report(src, _cfg("exact"), target="Loihi1")
    on2 = deployment_report(src, _cfg("exact"), target="Loihi2")
    assert on1.location(dense) == HOST and "not supported on Loihi1" in str(on1)
    chan = next(c for c in on2.channels if c.crossing == HOST_TO_CORE)
    assert (chan.payload_bits, chan.bytes_per_event) == (16, (32 + 16) // 8)
    # on Loihi 1 the dendritic sums cross instead, as 24-bit graded events: ceil((32 + 24) / 8) bytes
    chan1 = next(c for c in on1.channels if c.crossing == HOST_TO_CORE)
    assert chan1.dst == "g_lif::LIF.a_in" and chan1.bytes_per_event == 7 == bytes_per_event(24)


@pytest.mark.parametrize("rule, on_loihi1", [(lambda: STDPLoihi(1, 1, -1, 10, 10, rng_seed=0), True),
                                              (lambda: RewardModulatedSTDP(1, 2, -2, 10, 10, 16, 16, 0.5,
                                                                           rng_seed=0), False)])
def test_learning_goes_on_the_chip_where_the_chip_learns_the_rule(rule, on_loihi1):
    conn = LearningDense(np.ones((2, 3)), learning_rule=rule(), name="plastic")
    src = source.RingBuffer(data=np.zeros((3, 2)), name="l_src")
    lif = LIF(2, name="l_lif")
    src.s_out.connect(conn.s_in)
    conn.a_out.connect(lif.a_in)
    assert deployment_report(src, _cfg("exact"), target="Loihi2").location(conn) == NEURO_CORE
    assert deployment_report(src, _cfg("exact"), target="Loihi1").location(conn) == (NEURO_CORE if on_loihi1 else HOST)


def test_programmed_neuron_models_need_loihi2():
    """Resonate-and-fire and adaptive-threshold neurons are microcode on Loihi 2; Loihi 1's
    compartment is a fixed LIF, so there they stay on the host."""
    src = source.RingBuffer(data=np.zeros((4, 2)), name="n_src")
    w = Dense(np.eye(4), name="n_w")
    rf = RF(4, period=10, alpha=0.1, name="rf")
    atr = ATRLIF(shape=(4,), name="atr")
    src.s_out.connect(w.s_in)
    w.a_out.connect(rf.a_real_in)
    rf.s_out.connect(atr.a_in)
    on1 = deployment_report(src, _cfg("exact"), target="Loihi1")
    on2 = deployment_report(src, _cfg("exact"), target="Loihi2")
    assert (on1.location(rf), on1.location(atr)) == (HOST, HOST)
    assert (on2.location(rf), on2.location(atr)) == (NEURO_CORE, NEURO_CORE)
    assert (_row(on2, "rf").compartments, _row(on2, "atr").out_axons) == (4, 4)


def test_user_overrides_and_their_errors():
    p = _seed_net()
    rep = deployment_report(p["image"], _cfg("exact"), target="Loihi2", place={p["conv_lif"]: "host"})
    assert rep.location(p["conv_lif"]) == HOST
    row = next(r for r in rep.processes if r.process == "conv_lif::LIF")
    assert row.why == "placed on the host by the user"
    # conv now sends its dendritic sums to the host: graded 24-bit events; it keeps a core of its own
    chan = next(c for c in rep.channels if c.src == "conv::Sparse.a_out")
    assert (chan.crossing, chan.bytes_per_event) == (CORE_TO_HOST, 7)
    assert _row(rep, "conv").cores == 1
    with pytest.raises(ValidationError, match=r"encoder::SquareEncoder cannot go on a Loihi2 neuro-core: its model "
                                              r"PySquareEncoderModel declares no chip_resources"):
        deployment_report(p["image"], _cfg("exact"), target="Loihi2", place={p["encoder"]: "chip"})
    with pytest.raises(ValidationError, match=r"conv_out::Passthrough.*is not a leaf Process.*folded away"):
        deployment_report(p["image"], _cfg("exact"), target="Loihi2", place={p["conv_out"]: "host"})
    with pytest.raises(ValidationError, match=r"must be placed on 'host' or 'chip' \(got 'gpu'\)"):
        deployment_report(p["image"], _cfg("exact"), target="Loihi2", place={p["pool"]: "gpu"})
    with pytest.raises(ValidationError, match=r"place=\.\.\. needs a target chip"):
        deployment_report(p["image"], _cfg("exact"), place={p["pool"]: "host"})
    with pytest.raises(ValidationError, match=r"target must be 'Loihi1', 'Loihi2' or a ChipSpec \(got 'Loihi3'\)"):
        chip_spec("Loihi3")
    with pytest.raises(ValidationError, match=r"latency_steps must be an int >= 0 \(got -1\)"):
        deployment_report(p["image"], _cfg("exact"), target="Loihi2", latency_steps=-1)


def test_a_user_model_with_the_hook_goes_on_the_chip():
    class Doubler(AbstractProcess):
        def __init__(self, n, **kwargs):
            super().__init__(**kwargs)
            self.a_in = InPort(shape=(n,))
            self.s_out = OutPort(shape=(n,))

    @implements(proc=Doubler, protocol=LoihiProtocol)
    @requires(CPU)
    class PyDoublerModel(PyLoihiProcessModel):
        a_in = LavaPyType(PyInPort.VEC_DENSE, float)
        s_out = LavaPyType(PyOutPort.VEC_DENSE, float)

        @classmethod
        def chip_resources(cls, proc, chip):
            return ChipResources(compartments=proc.a_in.shape[0], out_axons=proc.a_in.shape[0], out_payload_bits=8)

        def run_spk(self):
            self.s_out.send(2 * self.a_in.recv())

    src = source.RingBuffer(data=np.zeros((4, 2)), name="u_src")
    dbl = Doubler(4, name="dbl")
    out = sink.RingBuffer((4,), 2, name="u_out")
    src.s_out.connect(dbl.a_in)
    dbl.s_out.connect(out.a_in)
    rep = deployment_report(src, _cfg("exact"), target="Loihi2")
    assert rep.location(dbl) == NEURO_CORE and _row(rep, "dbl").compartments == 4
    assert next(c for c in rep.channels if c.crossing == CORE_TO_HOST).bytes_per_event == 5


@pytest.mark.parametrize("proc_cls, model", [(p, m) for p, m in standard_models() if hasattr(m, "chip_resources")],
                         ids=lambda x: x.__name__)
def test_standard_hooks_count_the_process_itself(proc_cls, model):
    """Neurons: one compartment and one output axon per neuron; connections: one synapse per non-zero
    weight and one input axon per input (the dense weight matrix rebuilt from the Process's Vars)."""
    proc = FACTORIES[proc_cls]()
    for chip in (LOIHI1, LOIHI2):
        res = model.chip_resources(proc, chip)
        if res is None:
            continue
        assert isinstance(res, ChipResources)
        if res.compartments:
            n = int(np.prod(proc.s_out.shape))
            assert (res.compartments, res.out_axons, res.synapses) == (n, n, 0)
        elif proc_cls is Conv:  # counted tap by tap in test_conv_synapses_are_the_taps_inside_the_image
            assert res.in_axons == int(np.prod(proc.input_shape))
        elif proc_cls is ConvInTime:  # (taps, n_out, n_in): every tap of every delay is a synapse
            w = np.arange(-12, 12).reshape(2, 3, 4)
            assert (res.synapses, res.in_axons, res.max_fan_in) == (23, 4, 8) == (
                np.count_nonzero(w), w.shape[2], np.count_nonzero(w, axis=(0, 2)).max())
        else:  # every other connection factory of the compliance test uses this matrix
            w = np.array([[2, -4], [6, 0], [0, 8]])
            assert (res.synapses, res.in_axons, res.max_fan_in) == (4, 2, 2) == (
                np.count_nonzero(w), w.shape[1], np.count_nonzero(w, axis=1).max())


def test_conv_synapses_are_the_taps_inside_the_image():
    conv = Conv(weight=np.ones((1, 3, 3, 1)), input_shape=(5, 4, 1), padding=1)
    from neuroproc.proc.conv.models import PyConvModelFloat

    res = PyConvModelFloat.chip_resources(conv, LOIHI2)
    assert (res.synapses, res.in_axons, res.max_fan_in) == (_conv_synapses(5, 4, 3), 20, 9)


def test_report_modules_name_no_standard_process():
    """Placement is decided through hooks: report, traffic, placement and chips import nothing from proc."""
    src = Path(neuroproc.__file__).parent
    for name in ("report", "traffic", "placement", "chips"):
        for node in ast.walk(ast.parse((src / f"{name}.py").read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("neuroproc.proc"), (name, node.module)


def test_precompute_and_round_trips_follow_requires_placement_without_a_target():
    from neuroproc import Loihi1SimCfg
    from tests.test_report import _net

    src, core, sink_, tap, mon = _net()
    rep = deployment_report(src, Loihi1SimCfg())
    # the tap only hears the host source; the sink and the monitor hear the neuro-core relay
    assert rep.precomputable == ["src::SpikeSource", "tap::HostSink"]
    assert rep.round_trips == [] and rep.cores == [] and rep.chip is None


@pytest.mark.parametrize("proc_cls, model", [(p, m) for p, m in standard_models()
                                             if any(f".{k}." in m.__module__ for k in ("io", "monitor", "passthrough"))],
                         ids=lambda x: x.__name__)
def test_io_monitors_and_passthroughs_stay_on_the_host(proc_cls, model):
    """RingBuffers, Injector/Extractor, readers, Monitors and passthroughs run where the data is: the host."""
    assert getattr(model, "chip_resources", None) is None
