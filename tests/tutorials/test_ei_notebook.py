"""The E/I tutorial notebook computes Lava's numbers: its arrays are checked against the references.

The notebook asserts the same in its own "Check against Lava" cells; this test keeps the
comparison in the suite even if those cells change, and names what differs.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from tests.tutorials.figure_labels import unlabelled_axes

TUTORIALS = Path(__file__).resolve().parents[2] / "tutorials"
NOTEBOOK = TUTORIALS / "ei_network.ipynb"
FIXED_KEYS = ("vth_exc", "vth_inh", "bias_mant_exc", "bias_mant_inh", "bias_exp_exc",
              "bias_exp_inh", "du_exc", "dv_exc", "du_inh", "dv_inh", "weight_exp")

pytestmark = pytest.mark.slow


def _runner():
    spec = importlib.util.spec_from_file_location("run_notebook", TUTORIALS / "run_notebook.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def ns(refdir, tmp_path_factory):
    """The namespace of one headless run of the notebook (only when the references exist)."""
    with unlabelled_axes() as unlabelled:
        namespace = _runner().run_notebook(NOTEBOOK,
                                           figures_dir=tmp_path_factory.mktemp("figures"))
    namespace["__unlabelled__"] = unlabelled
    assert namespace["REFERENCE"] is not None, "the notebook did not find the reference folder"
    return namespace



@pytest.mark.parametrize("regime", ["balanced", "critical"])
def test_weights_are_the_seeded_draws(ns, load_ref, regime):
    np.testing.assert_array_equal(ns[f"params_{regime}"]["weights"],
                                  load_ref(f"ei_rate_{regime}")["weights"])


@pytest.mark.parametrize("regime", ["balanced", "critical"])
def test_rate_states_equal_lava(ns, load_ref, regime):
    states = ns[f"states_{regime}"]
    assert states.shape == (1000, 400)
    np.testing.assert_array_equal(states, load_ref(f"ei_rate_{regime}")["state"])


@pytest.mark.parametrize("regime", ["balanced", "critical"])
def test_float_lif_spikes_equal_lava_for_all_steps(ns, load_ref, regime):
    ref = load_ref(f"ei_lif_float_{regime}")
    spikes = ns[f"spikes_{regime}"]
    assert spikes.shape == (400, 1000)
    np.testing.assert_array_equal(spikes, ref["spikes"])
    run = ns[f"lif_run_{regime}"]
    np.testing.assert_allclose(run["weights"], ref["weights"], rtol=1e-12, atol=0)
    np.testing.assert_allclose(run["v"][:200], ref["v_first200"], rtol=1e-9, atol=1e-12)


def test_float_to_fixed_mapping_equals_lava(ns, load_ref):
    ref = load_ref("ei_bitacc_critical")
    assert (ns["u_low"], ns["u_high"]) == (ref["quantile_u_low"], ref["quantile_u_high"])
    assert (ns["v_low"], ns["v_high"]) == (ref["quantile_v_low"], ref["quantile_v_high"])
    fixed = ns["fixed_params"]
    assert {k: fixed[k] for k in FIXED_KEYS} == {k: ref[k] for k in FIXED_KEYS}
    np.testing.assert_array_equal(fixed["weights"], ref["weights"])


def test_bit_accurate_spikes_equal_lava(ns, load_ref):
    ref = load_ref("ei_bitacc_critical")
    assert int(ref["spikes"].sum()) == 61598
    np.testing.assert_array_equal(ns["spikes_fixed"], ref["spikes"])
    np.testing.assert_array_equal(ns["fixed_run"]["v"], ref["v"])
    np.testing.assert_array_equal(ns["fixed_run"]["u"], ref["u"])
    np.testing.assert_array_equal(ns["fixed_run"]["weights"], ref["weights_effective"])


def test_models_selected_by_the_custom_run_configs(ns):
    from neuroproc.proc.dense.models import PyDenseModelBitAcc, PyDenseModelFloat
    from neuroproc.proc.lif.models import PyLifModelBitAcc, PyLifModelFloat

    float_net, fixed_net = ns["lif_run_critical"]["net"], ns["fixed_run"]["net"]
    assert float_net.model_class is ns["SubEINetworkModel"]
    assert (float_net.procs.lif.model_class, float_net.procs.dense.model_class) == \
        (PyLifModelFloat, PyDenseModelFloat)
    assert (fixed_net.procs.lif.model_class, fixed_net.procs.dense.model_class) == \
        (PyLifModelBitAcc, PyDenseModelBitAcc)


def test_every_figure_was_drawn_with_labelled_axes(ns):
    figures = ns["__figures__"]
    assert len(figures) == 10
    assert all(p.stat().st_size > 10_000 for p in figures)
    assert ns["__unlabelled__"] == []


def test_the_float_and_fixed_comparison_measures_where_the_runs_part(ns):
    float_spk, fixed_spk = ns["spikes_critical"] != 0, ns["spikes_fixed"] != 0
    # recomputed here from the two spike arrays, step by step
    any_spike = [t for t in range(float_spk.shape[1]) if float_spk[:, t].any() or fixed_spk[:, t].any()]
    differ = [t for t in range(float_spk.shape[1]) if (float_spk[:, t] != fixed_spk[:, t]).any()]
    assert ns["first_spike"] == any_spike[0] and ns["first"] == differ[0]
    assert ns["first"] > ns["first_spike"]  # the first volley is the same in both runs
    per_neuron = [next((t for t in range(float_spk.shape[1])
                        if float_spk[n, t] != fixed_spk[n, t]), float_spk.shape[1])
                  for n in range(float_spk.shape[0])]
    np.testing.assert_array_equal(ns["first_div"], per_neuron)
