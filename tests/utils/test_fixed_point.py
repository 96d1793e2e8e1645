"""neuroproc.utils.fixed_point against Lava 0.10's reference data and hand-computed values."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc.utils.conversion import convert_rate_to_lif_params
from neuroproc.utils.fixed_point import (
    SignMode,
    clip_weights,
    decay_toward_zero,
    determine_sign_mode,
    find_scaling_function,
    float2fixed_lif_parameter,
    lif_params_to_fixed,
    loihi_weights,
    saturate,
    scale_decay,
    shift_by_exp,
    truncate_weights,
    wrap_lava,
)

BITACC_CASES = [
    "bitacc_01_basic", "bitacc_02_bias_per_neuron", "bitacc_03_excit_wexp_pos",
    "bitacc_04_mixed_wexp_neg", "bitacc_05_inhibitory", "bitacc_06_wrap_saturate",
    "bitacc_07_init_state", "bitacc_08_signmode_clip", "bitacc_09_graded",
]
RATE_KEYS = ("shape_exc", "dr_exc", "bias_exc", "shape_inh", "dr_inh", "bias_inh",
             "g_factor", "q_factor", "weights")


def _sign_mode(name: str) -> SignMode | None:
    return None if name == "auto" else SignMode[name]


# ------------------------------------------------------------------ weights vs Lava


@pytest.mark.parametrize("case", BITACC_CASES)
def test_loihi_weights_match_lava_dense(load_ref, case):
    d = load_ref(case)
    w, _ = loihi_weights(d["weights"], _sign_mode(d["sign_mode"]), d["num_weight_bits"])
    assert w.dtype == np.int32
    np.testing.assert_array_equal(w, d["weights_after_run"])


def test_loihi_weights_match_lava_ei_critical(load_ref):
    d = load_ref("ei_bitacc_critical")
    w, mode = loihi_weights(d["weights"])
    assert mode is SignMode.MIXED
    np.testing.assert_array_equal(w, d["weights_effective"])


def test_auto_sign_mode_of_basic_case_is_mixed(load_ref):
    # README: the default Dense of bitacc_01 decides MIXED, so every weight loses its LSB.
    _, mode = loihi_weights(load_ref("bitacc_01_basic")["weights"])
    assert mode is SignMode.MIXED


# ------------------------------------------------------------------ LIF arithmetic vs Lava


@pytest.mark.parametrize("case", BITACC_CASES)
def test_arithmetic_helpers_reproduce_lava_lif_traces(load_ref, case):
    """Rebuild u, v and spikes of PyLifModelBitAcc from the recorded Dense output."""
    d = load_ref(case)
    a_buff = d["a_buff"].astype(np.int64)
    u = np.asarray(d["u0"], dtype=np.int64)
    v = np.asarray(d["v0"], dtype=np.int64)
    bias = shift_by_exp(d["bias_mant"], d["bias_exp"])
    vth = shift_by_exp(d["vth"], 6)
    for k in range(d["T"]):
        # Monitor row k is time step k+1; the LIF consumes the a_buff recorded one row earlier.
        a = a_buff[k - 1] if k >= 1 else np.zeros_like(u)
        u = wrap_lava(decay_toward_zero(u, 4096 - (d["du"] + 1)) + shift_by_exp(a, 6))
        v = saturate(decay_toward_zero(v, 4096 - d["dv"]) + u + bias)
        spiked = v > vth
        v = np.where(spiked, 0, v)
        np.testing.assert_array_equal(u, d["u"][k], err_msg=f"u at row {k}")
        np.testing.assert_array_equal(v, d["v"][k], err_msg=f"v at row {k}")
        np.testing.assert_array_equal(spiked, d["spikes"][:, k].astype(bool))


# ------------------------------------------------------------------ hand-computed values


def test_mixed_default_drops_lsb_rounding_toward_minus_infinity():
    w, mode = loihi_weights([-3, 3, -4, 4, 255, -256])
    assert mode is SignMode.MIXED
    np.testing.assert_array_equal(w, [-4, 2, -4, 4, 254, -256])


def test_loihi_weights_cast_floats_toward_zero_before_clipping():
    # -3.9 -> -3 -> -4 (truncation), 2.9 -> 2, 300.7 -> 300 -> 255 -> 254
    w, _ = loihi_weights([-3.9, 2.9, 300.7])
    np.testing.assert_array_equal(w, [-4, 2, 254])


def test_inhibitory_truncation_works_on_magnitudes():
    # 5 bits, no sign bit: k = 3, so |w| is floored to a multiple of 8.
    np.testing.assert_array_equal(
        truncate_weights([-13, -7, -8, -255, 0], SignMode.INHIBITORY, 5), [-8, 0, -8, -248, 0])
    w, mode = loihi_weights([-13, -300, 6], SignMode.INHIBITORY, 5)
    assert mode is SignMode.INHIBITORY
    np.testing.assert_array_equal(w, [-8, -248, 0])


def test_excitatory_truncation_and_clipping():
    np.testing.assert_array_equal(truncate_weights([37, 255], SignMode.EXCITATORY, 3),
                                  [32, 224])
    np.testing.assert_array_equal(clip_weights([-5, 300, 17], SignMode.EXCITATORY), [0, 255, 17])


@pytest.mark.parametrize("weights, expected", [
    ([0, 0], SignMode.EXCITATORY), ([0, 2], SignMode.EXCITATORY),
    ([-1, 0], SignMode.INHIBITORY), ([-1, 1], SignMode.MIXED),
])
def test_determine_sign_mode(weights, expected):
    assert determine_sign_mode(weights) is expected


def test_shift_by_exp_with_per_element_negative_exponents():
    np.testing.assert_array_equal(shift_by_exp([-7, -7, 7, 3, -1], [-1, -2, -1, 3, -5]),
                                  [-4, -2, 3, 24, -1])
    np.testing.assert_array_equal(shift_by_exp([[1], [-8]], [0, 1, -1]),
                                  [[1, 2, 0], [-8, -16, -4]])


def test_decay_toward_zero_rounds_negative_values_toward_zero():
    # -5 * 2048 / 4096 = -2.5 -> -2 (a floor shift would give -3); -1 * 4095/4096 -> 0.
    np.testing.assert_array_equal(decay_toward_zero([-5, 5, -1, 1], [2048, 2048, 4095, 4095]),
                                  [-2, 2, 0, 0])
    # 24-bit state times a 12-bit factor needs more than 32 bits before the shift.
    assert decay_toward_zero(2**23 - 1, 4095) == ((2**23 - 1) * 4095) >> 12


def test_wrap_lava_edges():
    x = [2**23, 2**23 + 1, -(2**23), -(2**23) + 1, -(2**23) - 5, 2**24 - 1]
    np.testing.assert_array_equal(wrap_lava(x),
                                  [2**23, -(2**23) + 1, 2**23, -(2**23) + 1, 2**23 - 5, -1])


def test_saturate_is_symmetric():
    np.testing.assert_array_equal(saturate([2**23, -(2**23), 2**30, -5, 2**23 - 1]),
                                  [2**23 - 1, -(2**23 - 1), 2**23 - 1, -5, 2**23 - 1])


def test_scale_decay():
    assert scale_decay(0.07) == 287 and scale_decay(0.01) == 41 and scale_decay(0.0) == 0
    assert isinstance(scale_decay(0.5), int)
    np.testing.assert_array_equal(scale_decay(np.array([0.25, 4095 / 4096])), [1024, 4095])


@pytest.mark.parametrize("spec, factor", [
    ({"bits": 8, "signed": "s", "shift": [0], "val": [-2.0, 1.0]}, 128 / 2),  # -128 fits
    ({"bits": 8, "signed": "s", "shift": [0], "val": [2.0, -1.0]}, 127 / 2),  # +128 does not
    ({"bits": 4, "signed": "u", "shift": [0], "val": [3.0]}, 15 / 3),
    ({"bits": 4, "signed": "s", "shift": [0, 2], "val": [1.0]}, 7 * 4 / 1),  # largest shift
])
def test_find_scaling_function_single_entry(spec, factor):
    assert find_scaling_function({"x": spec}).factor == factor


def test_find_scaling_function_later_entry_shrinks_the_factor():
    f = find_scaling_function({
        "small": {"bits": 4, "signed": "s", "shift": [0], "val": [5.0]},
        "big": {"bits": 16, "signed": "s", "shift": [0], "val": [1000.0]},
    })
    # 'big' is visited first (32767/1000), then 5 * 32.767 > 7 forces 7 / 5.
    assert f.factor == 7 / 5
    np.testing.assert_array_equal(f([1.0, -2.0]), [1.4, -2.8])


def test_float2fixed_by_hand():
    fixed = float2fixed_lif_parameter({
        "vth": {"bits": 17, "signed": "u", "shift": [6], "val": [1.0]},
        "bias": {"bits": 13, "signed": "s", "shift": [0, 1, 2], "val": [1.5]},
        "weights": {"bits": 8, "signed": "s", "shift": [6], "val": [0.25, -1.0]},
    })
    # bias first (peak 1.5): 4095 * 2**2 / 1.5 = 10920; the weights (peak |-1|, so 128 levels,
    # shift 6) cannot hold 10920 and shrink it to 8192. Scaled bias 12288:
    # bias_exp = ceil(log2(12288) - 12) = 2, bias_mant = 12288 // 4 = 3072; vth = 8192 // 64.
    assert (fixed["vth"], fixed["bias_mant"], fixed["bias_exp"]) == (128, 3072, 2)
    # The tutorial's weight_exp comes from the bias: ceil(log2(12288) - 7) - 6 = 1.
    assert fixed["weight_exp"] == 1
    np.testing.assert_array_equal(fixed["weights"], [32, -128])  # round(2048 / 64), -8192 / 64
    assert fixed["weights"].dtype == np.int32


# ------------------------------------------------------------------ E/I critical float -> fixed


def test_lif_params_to_fixed_reproduces_lava_tutorial(load_ref):
    rate = load_ref("ei_rate_critical")
    ref = load_ref("ei_bitacc_critical")
    lif = convert_rate_to_lif_params(**{k: rate[k] for k in RATE_KEYS})
    fixed = lif_params_to_fixed(lif, (ref["quantile_u_low"], ref["quantile_u_high"]),
                                (ref["quantile_v_low"], ref["quantile_v_high"]))
    for pop in ("exc", "inh"):
        assert (fixed[f"vth_{pop}"], fixed[f"bias_mant_{pop}"], fixed[f"bias_exp_{pop}"]) \
            == (162, 521, 0)
        assert (fixed[f"du_{pop}"], fixed[f"dv_{pop}"]) == (287, 41)
        for key in ("vth", "bias_mant", "bias_exp", "du", "dv"):
            assert fixed[f"{key}_{pop}"] == ref[f"{key}_{pop}"]
    assert fixed["weight_exp"] == 0 == ref["weight_exp"]
    assert fixed["weights"].dtype == np.int32
    np.testing.assert_array_equal(fixed["weights"], ref["weights"])
    assert (fixed["shape_exc"], fixed["shape_inh"]) == (320, 80)
    assert (fixed["g_factor"], fixed["q_factor"]) == (ref["g_factor"], ref["q_factor"])


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize("bits", [0, 9, 2.5, True, "8"])
def test_bad_num_weight_bits(bits):
    with pytest.raises(ValueError, match=r"num_weight_bits must be an int in 1\.\.8 \(got"):
        loihi_weights([1, 2], num_weight_bits=bits)
    with pytest.raises(ValueError, match=r"truncate_weights: num_weight_bits"):
        truncate_weights([1, 2], SignMode.MIXED, bits)


def test_bad_sign_mode():
    with pytest.raises(TypeError, match=r"loihi_weights: sign_mode must be a SignMode \(got "
                                        r"'MIXED'\)\. Use e\.g\. SignMode\.MIXED"):
        loihi_weights([1, 2], sign_mode="MIXED")
    with pytest.raises(ValueError, match=r"clip_weights: sign_mode is SignMode\.NULL"):
        clip_weights([1], SignMode.NULL)


@pytest.mark.parametrize("x", [1.0, -0.1, 0.99995, [0.5, 1.2], float("nan")])
def test_scale_decay_refuses_values_outside_12_bits(x):
    with pytest.raises(ValueError, match=r"scale_decay: decay constants must be in \[0, 1\)"):
        scale_decay(x)


def test_other_input_errors():
    with pytest.raises(ValueError, match=r"determine_sign_mode: weights is empty"):
        determine_sign_mode([])
    with pytest.raises(ValueError, match=r"loihi_weights: weights contain NaN or inf"):
        loihi_weights([1.0, np.nan])
    with pytest.raises(TypeError, match=r"shift_by_exp\(x\): expects integers \(got dtype float64"):
        shift_by_exp([1.5], 1)
    with pytest.raises(ValueError, match=r"find_scaling_function: params must be a non-empty"):
        find_scaling_function({})
    with pytest.raises(ValueError, match=r"params\['w'\] is malformed"):
        find_scaling_function({"w": {"bits": 8, "signed": "x", "shift": [0], "val": [1.0]}})
    with pytest.raises(ValueError, match=r"every entry is all zeros"):
        find_scaling_function({"w": {"bits": 8, "signed": "s", "shift": [0], "val": [0.0]}})
    with pytest.raises(ValueError, match=r"float2fixed_lif_parameter: params lacks \['bias'\]"):
        float2fixed_lif_parameter({k: {"bits": 8, "signed": "s", "shift": [0], "val": [1.0]}
                                   for k in ("vth", "weights")})


def test_lif_params_to_fixed_errors(load_ref):
    rate = load_ref("ei_rate_critical")
    lif = convert_rate_to_lif_params(**{k: rate[k] for k in RATE_KEYS})
    with pytest.raises(ValueError, match=r"u_range must be finite \(low, high\)"):
        lif_params_to_fixed(lif, (3.0, -3.0), (-1.0, 0.0))
    with pytest.raises(ValueError, match=r"bias_mant_exc != bias_mant_inh"):
        lif_params_to_fixed({**lif, "bias_mant_inh": 0.1}, (-1.0, 1.0), (-1.0, 0.0))
    with pytest.raises(ValueError, match=r"lif_params lacks \['du_exc'\]"):
        lif_params_to_fixed({k: v for k, v in lif.items() if k != "du_exc"}, (-1, 1), (-1, 0))
