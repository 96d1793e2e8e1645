"""neuroproc.utils.conversion against the E/I references of Lava 0.10's tutorial."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

from neuroproc.utils.conversion import convert_rate_to_lif_params

RATE_KEYS = ("shape_exc", "dr_exc", "bias_exc", "shape_inh", "dr_inh", "bias_inh",
             "g_factor", "q_factor", "weights")
LIF_VALUES = {"du_exc": 0.07, "dv_exc": 0.01, "vth_exc": 1, "bias_mant_exc": 0.05,
              "du_inh": 0.07, "dv_inh": 0.01, "vth_inh": 1, "bias_mant_inh": 0.05}


def _rate_params(load_ref, network: str) -> dict:
    rate = load_ref(f"ei_rate_{network}")
    return {k: rate[k] for k in RATE_KEYS}


@pytest.mark.parametrize("network", ["balanced", "critical"])
def test_lif_parameters_match_reference(load_ref, network):
    out = convert_rate_to_lif_params(**_rate_params(load_ref, network))
    ref = load_ref(f"ei_lif_float_{network}")
    for key, value in LIF_VALUES.items():
        assert out[key] == value == ref[key], key


def test_critical_weights_are_exact(load_ref):
    # The solver gives up ("not making good progress" RuntimeWarning), so the scale is 1 and
    # the LIF weights are the rate weights times du = 0.07, bit for bit.
    params = _rate_params(load_ref, "critical")
    out = convert_rate_to_lif_params(**params)
    np.testing.assert_array_equal(out["weights"], load_ref("ei_lif_float_critical")["weights"])
    np.testing.assert_array_equal(out["weights"], params["weights"] * 0.07)


def test_balanced_weights_match_to_solver_precision(load_ref):
    # fsolve does not converge to a root here: it creeps along a steep wall of the residual
    # (|F| ~ 1e74 at the end) and stops on its step-size test. Where it stops depends on the
    # MINPACK/numpy build: Lava's run gave a scale of 0.9788875585333733, this environment
    # gives 0.9788875585333728 (5 ulp). Observed max |diff| = 6.9e-18 (relative 7.9e-16).
    out = convert_rate_to_lif_params(**_rate_params(load_ref, "balanced"))
    ref = load_ref("ei_lif_float_balanced")["weights"]
    np.testing.assert_allclose(out["weights"], ref, rtol=1e-12, atol=0)
    assert np.array_equal(out["weights"] == 0, ref == 0)


def test_balanced_scale_matches_lava(load_ref):
    params = _rate_params(load_ref, "balanced")
    out = convert_rate_to_lif_params(**params)
    nz = params["weights"] != 0
    scale = out["weights"][nz] / (params["weights"][nz] * 0.07)
    np.testing.assert_allclose(scale, 0.9788875585333733, rtol=1e-12)


def test_input_is_not_modified_and_extra_keys_pass_through(load_ref):
    params = _rate_params(load_ref, "balanced")
    params["name"] = "net"
    before = params["weights"].copy()
    snapshot = dict(params)
    out = convert_rate_to_lif_params(**params)
    np.testing.assert_array_equal(params["weights"], before)
    assert set(params) == set(snapshot) and all(params[k] is snapshot[k] for k in params)
    assert out is not params and out["weights"] is not params["weights"]
    assert out["name"] == "net"
    for key in ("shape_exc", "shape_inh", "dr_exc", "bias_inh", "g_factor", "q_factor"):
        assert out[key] == params[key]


def test_solver_warnings_stay_inside(load_ref):
    # Even with every warning turned into an error outside, the critical conversion succeeds
    # and the filter is restored afterwards.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        before = list(warnings.filters)
        convert_rate_to_lif_params(**_rate_params(load_ref, "critical"))
        assert warnings.filters == before


def test_unequal_biases_use_the_ratio():
    w = np.array([[0.0, 0.1, -0.4], [0.1, 0.0, -0.4], [0.1, 0.1, 0.0]])
    base = dict(shape_exc=2, shape_inh=1, dr_exc=0.01, dr_inh=0.02, g_factor=4.0,
                q_factor=1.0, weights=w)
    out = convert_rate_to_lif_params(bias_exc=0.2, bias_inh=0.1, **base)
    # rel_exc = 2: bias_mant_exc = 5 * 1 * 0.01 * 2; inhibitory dv = dr_inh = 0.02
    assert out["bias_mant_exc"] == 5 * 0.01 * 2.0 and out["bias_mant_inh"] == 5 * 0.02
    assert (out["du_inh"], out["dv_inh"]) == (7 * 0.02, 0.02)
    out = convert_rate_to_lif_params(bias_exc=0.1, bias_inh=0.3, **base)
    assert out["bias_mant_exc"] == 5 * 0.01 and out["bias_mant_inh"] == 5 * 0.02 * (0.3 / 0.1)


@pytest.mark.parametrize("n_exc, n_inh, g", [(80, 320, 4.0), (1, 1, 1.0), (10, 10, 0.5)])
def test_refuses_networks_that_are_not_inhibition_dominated(n_exc, n_inh, g):
    n = n_exc + n_inh
    with pytest.raises(ValueError, match=r"not inhibition-dominated, gamma \* g_factor = .* <= 1"):
        convert_rate_to_lif_params(shape_exc=n_exc, shape_inh=n_inh, dr_exc=0.01, dr_inh=0.01,
                                   bias_exc=0.1, bias_inh=0.1, g_factor=g, q_factor=1,
                                   weights=np.zeros((n, n)))


def test_other_errors():
    ok = dict(shape_exc=2, shape_inh=1, dr_exc=0.01, dr_inh=0.01, bias_exc=0.1, bias_inh=0.1,
              g_factor=4.5, q_factor=1.0, weights=np.ones((3, 3)))
    with pytest.raises(ValueError, match=r"missing \['weights'\]"):
        convert_rate_to_lif_params(**{k: v for k, v in ok.items() if k != "weights"})
    with pytest.raises(ValueError, match=r"weights must have shape \(3, 3\) .* \(got \(2, 2\)\)"):
        convert_rate_to_lif_params(**{**ok, "weights": np.ones((2, 2))})
    with pytest.raises(ValueError, match=r"bias_inh must be a finite number > 0 \(got 0\)"):
        convert_rate_to_lif_params(**{**ok, "bias_inh": 0})
    with pytest.raises(ValueError, match=r"shape_exc must be an int >= 1 \(got 2\.5\)"):
        convert_rate_to_lif_params(**{**ok, "shape_exc": 2.5})
