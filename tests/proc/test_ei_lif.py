"""The tutorial's LIF E/I network (hierarchical EINetwork -> LIF + Dense) against Lava.

Float networks use the stored, converted LIF parameters and weights (``convert=False``); one test
also lets the sub-process model convert the rate parameters itself. The critical networks are
chaotic, so exact agreement over all 1000 steps needs the same float summation order as Lava;
the README asks for at least the first 50 steps and spike totals within 1 %, and we check both
that and the full, exact agreement we reach.
"""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import Monitor, RunSteps
from neuroproc.proc import io
from neuroproc.proc.dense.models import PyDenseModelBitAcc, PyDenseModelFloat
from neuroproc.proc.lif.models import PyLifModelBitAcc, PyLifModelFloat
from tests.ei_network import (
    CustomRunConfigFixed,
    CustomRunConfigFloat,
    EINetwork,
    SubEINetworkModel,
    lif_params_from_reference,
)

STEPS = 1000
N = 400
RATE_KEYS = ("shape_exc", "dr_exc", "bias_exc", "shape_inh", "dr_inh", "bias_inh", "g_factor",
             "q_factor")


def run_network(params: dict, run_cfg_cls, monitors: bool = True, backend: str = "python") -> dict:
    net = EINetwork(**params)
    sink = io.sink.RingBuffer(shape=(N,), buffer=STEPS)
    net.outport.connect(sink.a_in)
    mon_v, mon_u = Monitor(), Monitor()
    if monitors:
        mon_v.probe(net.state, STEPS)
        mon_u.probe(net.state_alt, STEPS)
    try:
        net.run(RunSteps(STEPS), run_cfg_cls(select_tag="lif_neurons", select_sub_proc_model=True,
                                           backend=backend))
        out = {"spikes": sink.data.get(), "weights": net.procs.dense.weights.get(), "net": net,
               "backend": net.runtime.backend.name}
        if monitors:
            out.update(v=mon_v.get_data()[net.name]["state"],
                       u=mon_u.get_data()[net.name]["state_alt"])
        return out
    finally:
        net.stop()


def first_mismatch(a: np.ndarray, b: np.ndarray) -> int:
    """Number of leading time steps (columns) on which two spike rasters agree."""
    bad = np.flatnonzero(np.any(a != b, axis=0))
    return int(bad[0]) if bad.size else a.shape[1]


@pytest.fixture(scope="module", params=[("balanced", "python"), ("critical", "python"),
                                        ("balanced", "compiled"), ("critical", "compiled")],
                ids=lambda p: "-".join(p))
def float_run(request, load_ref):
    regime, backend = request.param
    ref = load_ref(f"ei_lif_float_{regime}")
    got = run_network(lif_params_from_reference(ref), CustomRunConfigFloat, backend=backend)
    assert got["backend"] == backend
    return regime, ref, got


def test_float_models_were_selected(float_run):
    _, _, got = float_run
    assert got["net"].procs.lif.model_class is PyLifModelFloat
    assert got["net"].procs.dense.model_class is PyDenseModelFloat
    assert got["net"].model_class is SubEINetworkModel


def test_float_spikes_match_lava_for_at_least_50_steps(float_run):
    _, ref, got = float_run
    assert first_mismatch(got["spikes"], ref["spikes"]) >= 50


def test_float_spike_totals_within_one_percent(float_run):
    name, ref, got = float_run
    expected = {"balanced": 14813, "critical": 84375}[name]
    assert int(ref["spikes"].sum()) == expected
    assert abs(got["spikes"].sum() - expected) <= 0.01 * expected


def test_float_spikes_match_lava_exactly_for_all_1000_steps(float_run):
    # Holds because Dense sums with W[:, s].sum(axis=1), as Lava does.
    _, ref, got = float_run
    assert first_mismatch(got["spikes"], ref["spikes"]) == STEPS
    np.testing.assert_array_equal(got["spikes"], ref["spikes"])


def test_float_v_and_u_first_200_steps_match_lava(float_run):
    _, ref, got = float_run
    np.testing.assert_array_equal(got["v"][:200], ref["v_first200"])
    np.testing.assert_array_equal(got["u"][:200], ref["u_first200"])


@pytest.mark.parametrize("name", ["balanced", "critical"])
def test_float_network_converting_rate_parameters_itself(load_ref, name):
    """convert=True: the sub-process model maps the rate parameters (tutorial cell 15)."""
    rate = load_ref(f"ei_rate_{name}")
    ref = load_ref(f"ei_lif_float_{name}")
    params = {k: rate[k] for k in RATE_KEYS}
    params.update(weights=np.array(rate["weights"]), convert=True)
    got = run_network(params, CustomRunConfigFloat, monitors=False)
    np.testing.assert_allclose(got["weights"], ref["weights"], rtol=1e-12, atol=0)
    assert first_mismatch(got["spikes"], ref["spikes"]) >= 50
    total = ref["spikes"].sum()
    assert abs(got["spikes"].sum() - total) <= 0.01 * total


@pytest.fixture(scope="module", params=["python", "compiled"])
def bitacc_run(request, load_ref):
    ref = load_ref("ei_bitacc_critical")
    got = run_network(lif_params_from_reference(ref), CustomRunConfigFixed, backend=request.param)
    assert got["backend"] == request.param
    return ref, got


def test_bitacc_models_were_selected(bitacc_run):
    _, got = bitacc_run
    assert got["net"].procs.lif.model_class is PyLifModelBitAcc
    assert got["net"].procs.dense.model_class is PyDenseModelBitAcc


def test_bitacc_spikes_v_u_match_lava_for_all_1000_steps(bitacc_run):
    ref, got = bitacc_run
    assert int(ref["spikes"].sum()) == 61598
    np.testing.assert_array_equal(got["spikes"], ref["spikes"])
    np.testing.assert_array_equal(got["v"], ref["v"])
    np.testing.assert_array_equal(got["u"], ref["u"])


def test_bitacc_dense_weights_after_run_are_lavas_effective_weights(bitacc_run):
    ref, got = bitacc_run
    np.testing.assert_array_equal(got["weights"], ref["weights_effective"])
    assert not np.array_equal(ref["weights"], ref["weights_effective"])  # the truncation happened


def test_sub_process_model_passes_the_compliance_check():
    """check_process_model also drives hierarchical models (aliased Vars, ports through the parent)."""
    from neuroproc.utils.testing import check_process_model

    rng = np.random.default_rng(0)
    w = rng.normal(0, 0.05, (5, 5))
    params = dict(shape_exc=4, shape_inh=1, du_exc=0.1, dv_exc=0.1, vth_exc=1.0,
                  bias_mant_exc=0.2, du_inh=0.1, dv_inh=0.1, vth_inh=1.0, bias_mant_inh=0.2,
                  weights=w)
    check_process_model(lambda: EINetwork(**params), SubEINetworkModel)
