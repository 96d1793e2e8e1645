"""Every small Lava reference case, rebuilt as source -> Dense -> LIF -> sink, matches exactly.

The graph, run config and probes are those of ``cases.json`` (``lava_processes``): Monitors on
``lif.v``, ``lif.u`` and ``dense.a_buff``, a sink RingBuffer on ``lif.s_out``. Spikes, traces
and ``dense.weights.get()`` after the run are compared with ``assert_array_equal``. The python
backend runs the models themselves.
"""
from __future__ import annotations

import json

import numpy as np
import pytest

from neuroproc import Loihi1SimCfg, Monitor, RunSteps
from neuroproc.proc import io
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.lif.process import LIF
from neuroproc.utils.fixed_point import SignMode

CASES = [
    "bitacc_01_basic", "bitacc_02_bias_per_neuron", "bitacc_03_excit_wexp_pos",
    "bitacc_04_mixed_wexp_neg", "bitacc_05_inhibitory", "bitacc_06_wrap_saturate",
    "bitacc_07_init_state", "bitacc_08_signmode_clip", "bitacc_09_graded",
    "float_01_basic", "float_02_bias_no_decay", "float_03_full_reset_init", "float_04_large",
]


def _compact(x):
    """A scalar when every neuron has the same value (as the case spec gives it), else the array."""
    x = np.asarray(x)
    return x.ravel()[0].item() if x.size and np.all(x == x.ravel()[0]) else x


def run_case(ref: dict, backend: str = "python") -> dict:
    """Build the reference graph for one case, run it, return what the references hold."""
    bitacc = ref["model"] == "bitacc"
    n_out, steps = ref["n_out"], ref["T"]
    dense_kw = {}
    if bitacc:
        mode = ref["sign_mode"]
        dense_kw = dict(weight_exp=ref["weight_exp"], num_weight_bits=ref["num_weight_bits"],
                        sign_mode=None if mode == "auto" else SignMode[mode],
                        num_message_bits=ref.get("num_message_bits", 0))
    src = io.source.RingBuffer(data=ref["input"])
    dense = Dense(ref["weights"], **dense_kw)
    lif = LIF(shape=(n_out,), u=_compact(ref["u0"]), v=_compact(ref["v0"]), du=ref["du"],
              dv=ref["dv"], vth=_compact(ref["vth"]), bias_mant=_compact(ref["bias_mant"]),
              bias_exp=_compact(ref["bias_exp"]))
    sink = io.sink.RingBuffer(shape=(n_out,), buffer=steps)
    src.s_out.connect(dense.s_in)
    dense.a_out.connect(lif.a_in)
    lif.s_out.connect(sink.a_in)
    mon = Monitor()
    for var in (lif.v, lif.u, dense.a_buff):
        mon.probe(var, steps)
    try:
        lif.run(RunSteps(steps), Loihi1SimCfg(select_tag="fixed_pt" if bitacc else "floating_pt",
                                                 backend=backend))
        data = mon.get_data()
        return {"spikes": sink.data.get(), "v": data[lif.name]["v"], "u": data[lif.name]["u"],
                "a_buff": data[dense.name]["a_buff"], "weights_after_run": dense.weights.get(),
                "backend": lif.runtime.backend.name}
    finally:
        lif.stop()


def test_every_reference_case_is_covered(refdir):
    cases = json.loads((refdir / "cases.json").read_text())["cases"]
    assert sorted(cases) == sorted(CASES)


@pytest.mark.parametrize("name", CASES)
def test_reference_case_matches_lava_exactly(load_ref, name):
    ref = load_ref(name)
    got = run_case(ref)
    for key in ("spikes", "v", "u", "a_buff", "weights_after_run"):
        np.testing.assert_array_equal(got[key], ref[key], err_msg=f"{name}: {key}")


# -- timing probe -----------------------------------------------------------------------------------
# cases.json["timing_probe"] records traces, not the network; this is the smallest one that
# reproduces them: source -> Dense(w) -> LIF1 -> Dense(w) -> LIF2, one neuron each, u forgotten
# after one step (du = 1 float, 4095 bit-accurate) and a threshold one input spike exceeds.
# Float: w = 10 (u = 10); bit-accurate: w = 4 (a_buff = 4, u = 4 << 6 = 256).
PROBE_PARAMS = {
    "float": dict(tag="floating_pt", w=10.0, du=1.0, dv=0.0, vth=5.0),
    "bitacc": dict(tag="fixed_pt", w=4, du=4095, dv=0, vth=1),
}


def run_timing_probe(kind: str, source_data: np.ndarray) -> dict:
    p = PROBE_PARAMS[kind]
    steps = source_data.size
    src = io.source.RingBuffer(data=source_data.reshape(1, -1))
    d1, d2 = Dense(np.array([[p["w"]]])), Dense(np.array([[p["w"]]]))
    lifs = [LIF(shape=(1,), du=p["du"], dv=p["dv"], vth=p["vth"]) for _ in range(2)]
    src.s_out.connect(d1.s_in)
    d1.a_out.connect(lifs[0].a_in)
    lifs[0].s_out.connect(d2.s_in)
    d2.a_out.connect(lifs[1].a_in)
    mon = Monitor()
    probes = {"dense_a_buff": d1.a_buff, "lif1_u": lifs[0].u, "lif1_v": lifs[0].v,
              "lif1_spikes": lifs[0].s_out, "lif2_u": lifs[1].u, "lif2_spikes": lifs[1].s_out}
    for target in probes.values():
        mon.probe(target, steps)
    try:
        src.run(RunSteps(steps), Loihi1SimCfg(select_tag=p["tag"], backend="python"))
        data = mon.get_data()
        return {k: data[t.process.name][t.name].ravel() for k, t in probes.items()}
    finally:
        src.stop()


@pytest.mark.parametrize("kind", ["float", "bitacc"])
def test_timing_probe_traces_match_lava(load_ref, refdir, kind):
    ref = load_ref("timing_probe")
    spec = json.loads((refdir / "cases.json").read_text())["timing_probe"][kind]
    got = run_timing_probe(kind, ref[f"{kind}_source_data"])
    for key, trace in got.items():
        np.testing.assert_array_equal(trace, ref[f"{kind}_{key}"], err_msg=f"{kind}: {key}")
    first = spec["first_nonzero_index (index k == step t=k+1)"]
    for key, trace in got.items():
        nz = np.flatnonzero(trace)
        assert (int(nz[0]) if nz.size else None) == first[key], key


@pytest.mark.parametrize("kind", ["float", "bitacc"])
def test_split_run_continues_time_and_source_ring(refdir, kind):
    """run(4) + run(6) with a period-4 source equals one 10-step run (Lava's split-run check)."""
    spec = json.loads((refdir / "cases.json").read_text())["timing_probe"]
    expected = spec["split_run_4_plus_6_source_period_4"]["sink_spikes"]
    p = PROBE_PARAMS[kind]
    src = io.source.RingBuffer(data=np.array([[1, 0, 0, 0]]))
    dense = Dense(np.array([[p["w"]]]))
    lif = LIF(shape=(1,), du=p["du"], dv=p["dv"], vth=p["vth"])
    sink = io.sink.RingBuffer(shape=(1,), buffer=10)
    src.s_out.connect(dense.s_in)
    dense.a_out.connect(lif.a_in)
    lif.s_out.connect(sink.a_in)
    cfg = Loihi1SimCfg(select_tag=p["tag"], backend="python")
    try:
        lif.run(RunSteps(4), cfg)
        lif.run(RunSteps(6), cfg)
        np.testing.assert_array_equal(sink.data.get().ravel(), expected)
    finally:
        lif.stop()
