"""Every small Lava reference case, rebuilt as source -> Dense -> LIF -> sink, matches exactly.

The graph, run config and probes are those of ``cases.json`` (``lava_processes``): Monitors on
``lif.v``, ``lif.u`` and ``dense.a_buff``, a sink RingBuffer on ``lif.s_out``. Spikes, traces
and ``dense.weights.get()`` after the run are compared with ``assert_array_equal``.
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


def run_case(ref: dict) -> dict:
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
        lif.run(RunSteps(steps), Loihi1SimCfg(select_tag="fixed_pt" if bitacc else "floating_pt"))
        data = mon.get_data()
        return {"spikes": sink.data.get(), "v": data[lif.name]["v"], "u": data[lif.name]["u"],
                "a_buff": data[dense.name]["a_buff"], "weights_after_run": dense.weights.get()}
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
