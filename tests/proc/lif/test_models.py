"""LIF behaviour: one test body for the float and the bit-accurate model, then each family's own
quirks (hand-computed numbers, not the models' helpers)."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import Loihi1SimCfg, Loihi2SimCfg, Monitor, RunSteps, ValidationError
from neuroproc.exceptions import PrecisionWarning
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.lif.models import PyLifModelBitAcc, PyLifModelFloat
from neuroproc.proc.lif.process import LIF
from neuroproc.utils.fixed_point import SignMode
from tests.proc import VARIANTS, run_chain, run_lif, variant  # noqa: F401 (fixture)

BITACC = VARIANTS["fixed_pt"]
FLOAT = VARIANTS["floating_pt"]
#: the largest threshold of Loihi's 17-bit register: no state in these tests reaches it
NEVER = 2**17 - 1


# -- shared behaviour ------------------------------------------------------------------------------

def test_variant_selects_the_expected_model(variant):
    lif = LIF(shape=(1,))
    run_lif(variant, lif, 1)
    assert lif.model_class is (PyLifModelBitAcc if variant.fixed else PyLifModelFloat)


def test_constant_bias_fires_with_the_analytic_period(variant):
    # v(t) = t * bias with dv = 0 and no input; the neuron fires first when t * bias > vth
    # (strict), i.e. with period P = floor(vth / bias) + 1, and restarts from 0 each time.
    vth, bias = 10, np.array([3, 4, 5, 11, 2])
    period = vth // bias + 1                                  # 4, 3, 3, 1, 6
    lif = LIF(shape=(5,), dv=0, vth=vth, bias_mant=bias * variant.scale)
    out = run_lif(variant, lif, 24)
    steps = np.arange(1, 25)
    expected = (steps[np.newaxis, :] % period[:, np.newaxis] == 0).astype(int)
    np.testing.assert_array_equal(out["spikes"], expected)


def test_no_input_and_no_bias_gives_no_spikes(variant):
    out = run_lif(variant, LIF(shape=(4,), du=0, dv=0, vth=0), 20)
    assert not out["spikes"].any()
    assert not out["u"].any() and not out["v"].any()


def test_threshold_is_strict(variant):
    # v = vth exactly after step 1 (no spike), 2 * vth after step 2 (spike, reset to 0)
    lif = LIF(shape=(1,), dv=0, vth=7, bias_mant=7 * variant.scale)
    out = run_lif(variant, lif, 3)
    np.testing.assert_array_equal(out["spikes"][0], [0, 1, 0])
    np.testing.assert_array_equal(out["v"][:, 0], [7 * variant.scale, 0, 7 * variant.scale])


def test_spike_resets_v_but_not_u(variant):
    lif = LIF(shape=(1,), u=20 * variant.scale, du=variant.half_decay, dv=0, vth=5)
    out = run_lif(variant, lif, 2)
    assert out["spikes"][0, 0] == 1
    assert out["v"][0, 0] == 0
    assert out["u"][0, 0] == 10 * variant.scale  # halved, not reset


@pytest.mark.parametrize("which", ["u", "v"])
def test_half_decay_halves_the_state_each_step(variant, which):
    start = 64 * variant.scale
    kw = {"u": start, "du": variant.half_decay} if which == "u" else {"v": start, "dv": variant.dv_half}
    out = run_lif(variant, LIF(shape=(1,), vth=NEVER, **kw), 4)
    expected = start / 2 ** np.arange(1, 5)
    if which == "v":
        np.testing.assert_array_equal(out["v"][:, 0], expected)
    else:  # v integrates the decayed u as well
        np.testing.assert_array_equal(out["u"][:, 0], expected)


def test_full_current_decay_forgets_u_in_one_step(variant):
    out = run_lif(variant, LIF(shape=(2,), u=[5 * variant.scale, -3 * variant.scale],
                               du=variant.full_decay, vth=NEVER), 2)
    np.testing.assert_array_equal(out["u"], np.zeros((2, 2)))


def test_input_spike_reaches_u_one_step_after_dense_receives_it(variant):
    data = np.zeros((1, 6))
    data[0, 2] = 1                                            # sent at step 3
    dense = Dense(np.array([[5], [3]]))
    lif = LIF(shape=(2,), du=variant.full_decay, vth=NEVER)
    out = run_chain(variant, dense, data, 6, lif=lif, probes=[lif.u])
    u = out[f"{lif.name}.u"]
    np.testing.assert_array_equal(u[:, 0], [0, 0, 0, 5 * variant.scale, 0, 0])  # step 4
    np.testing.assert_array_equal(u[:, 1], [0, 0, 0, 3 * variant.scale, 0, 0])


def test_two_inputs_to_one_lif_are_summed(variant):
    from neuroproc.proc import io

    lif = LIF(shape=(1,), du=variant.full_decay, vth=NEVER)
    parts = []
    for w in (2, 6):
        src = io.source.RingBuffer(data=variant.spikes([[1, 1, 1]]))
        dense = Dense(np.array([[w]]))
        src.s_out.connect(dense.s_in)
        dense.a_out.connect(lif.a_in)
        parts.append(src)
    from neuroproc import Monitor

    mon = Monitor()
    mon.probe(lif.u, 3)
    try:
        lif.run(RunSteps(3), variant.run_cfg())
        np.testing.assert_array_equal(mon.get_data()[lif.name]["u"][:, 0], [0, 8 * variant.scale,
                                                                          8 * variant.scale])
    finally:
        lif.stop()


def test_bias_set_while_paused_takes_effect(variant):
    lif = LIF(shape=(1,), dv=0, vth=10)
    try:
        lif.run(RunSteps(3), variant.run_cfg())
        assert lif.v.get()[0] == 0
        lif.bias_mant.set(np.array([4 * variant.scale]))
        lif.run(RunSteps(3), variant.run_cfg())
        assert lif.v.get()[0] == 0  # 4, 8, 12 > 10: spiked at the third step and reset
        lif.run(RunSteps(1), variant.run_cfg())
        assert lif.v.get()[0] == 4 * variant.scale
    finally:
        lif.stop()


def test_per_neuron_decays_and_thresholds(variant):
    lif = LIF(shape=(2,), u=[8 * variant.scale, 8 * variant.scale],
              du=[variant.half_decay, variant.full_decay], vth=[NEVER, 10**5])
    out = run_lif(variant, lif, 1)
    np.testing.assert_array_equal(out["u"][0], [4 * variant.scale, 0])
    np.testing.assert_array_equal(lif.vth.get(), [NEVER, 10**5])


# -- bit-accurate model: Loihi's integer quirks, by hand -------------------------------------------

def test_bitacc_du_zero_still_decays_u_by_one_4096th():
    out = run_lif(BITACC, LIF(shape=(1,), u=4096 * 3, du=0, vth=NEVER), 2)
    np.testing.assert_array_equal(out["u"][:, 0], [12285, 12282])  # 12288 * 4095 / 4096 = 12285


def test_bitacc_dv_zero_keeps_v():
    out = run_lif(BITACC, LIF(shape=(1,), v=12345, dv=0, vth=NEVER), 3)
    np.testing.assert_array_equal(out["v"][:, 0], [12345] * 3)


def test_bitacc_decay_rounds_toward_zero():
    # 4096 - (2047 + 1) = 2048: halving. -5 / 2 = -2.5 -> -2 (toward zero, not floor -3)
    out = run_lif(BITACC, LIF(shape=(4,), u=[-5, 5, -1, 7], du=2047, vth=NEVER), 1)
    np.testing.assert_array_equal(out["u"][0], [-2, 2, 0, 3])


def test_bitacc_bias_exponent_including_negative():
    # bias = mant << exp, or an arithmetic (floor) right shift for exp < 0, as Lava computes it
    lif = LIF(shape=(4,), dv=0, vth=NEVER, bias_mant=[7, -7, 7, -7], bias_exp=[2, 2, -1, -1])
    out = run_lif(BITACC, lif, 1)
    np.testing.assert_array_equal(out["v"][0], [28, -28, 3, -4])


def _drive(weights, weight_exp, steps=1):
    """u after one input of sum(weights) << weight_exp (u is cleared each step: du = 4095)."""
    n_in = len(weights)
    dense = Dense(np.array([weights]), weight_exp=weight_exp, sign_mode=SignMode.MIXED)
    lif = LIF(shape=(1,), du=4095, dv=4095, vth=NEVER)
    out = run_chain(BITACC, dense, np.ones((n_in, steps + 1)), steps + 1, lif=lif, probes=[lif.u])
    return out[f"{lif.name}.u"][1:, 0]


def test_bitacc_u_wraps_once_at_24_bits():
    # (254 + 254) << 9 << 6 = 16646144 > 2**23: wraps to 16646144 - 2**24 = -131072
    assert _drive([254, 254], 9)[0] == -131072


def test_bitacc_u_wrap_quirk_at_plus_and_minus_2_pow_23():
    # exactly +2**23 stays (the test is '>'); exactly -2**23 becomes +2**23 (the test is '<=')
    assert _drive([128, 128, 128, 128], 8)[0] == 2**23
    assert _drive([-128, -128, -128, -128], 8)[0] == 2**23


def test_bitacc_v_saturates_instead_of_wrapping():
    # a saturated v exceeds every 17-bit vth << 6: only a larger vth keeps it from spiking
    lif = LIF(shape=(2,), v=[-(2**23 - 1), 2**23 - 5], dv=0, vth=2**17, bias_mant=[-100, 100])
    with pytest.warns(PrecisionWarning, match="never spikes"):
        out = run_lif(BITACC, lif, 1)
    np.testing.assert_array_equal(out["v"][0], [-(2**23 - 1), 2**23 - 1])


def test_bitacc_vth_is_scaled_once_so_a_later_set_has_no_effect():
    lif = LIF(shape=(1,), dv=0, vth=10, bias_mant=100)       # fires when v > 640: every 7th step
    try:
        lif.run(RunSteps(1), BITACC.run_cfg())
        lif.vth.set(np.array([1]))                           # ignored by the model (Lava quirk)
        lif.run(RunSteps(6), BITACC.run_cfg())
        assert lif.v.get()[0] == 0                           # 700 > 640: spiked at step 7
        assert lif.vth.get()[0] == 1
    finally:
        lif.stop()


def test_bitacc_model_refuses_values_it_cannot_represent():
    for kwargs, match in [({"du": 4096}, r"du in \[-1, 4095\]"), ({"du": -2}, r"du in \[-1, 4095\]"),
                          ({"dv": -1}, r"dv in \[0, 4095\]"),
                          ({"du": 0.5}, "needs whole numbers"), ({"u": [0.5, 1]}, "whole numbers"),
                          ({"vth": 2**40}, r"vth in \[0, 33554431\], unsigned, and vth << 6 must "
                                           r"fit int32"), ({"vth": -1}, r"vth in \[0, "),
                          ({"bias_mant": 40000}, r"bias_mant in \[-32768, 32767\], Lava's int16 Var"),
                          ({"bias_mant": [-40000, 0]}, r"bias_mant in \[-32768, 32767\]"),
                          ({"bias_exp": 40}, r"bias_exp in \[-7, 7\]"),
                          ({"u": 2**24}, r"u in \[-8388608, 8388608\]"),
                          ({"v": [0, -(2**23) - 1]}, r"v in \[-8388608, 8388607\]")]:
        lif = LIF(shape=(2,), **kwargs)
        with pytest.raises(ValidationError, match=match):
            lif.run(RunSteps(1), BITACC.run_cfg())
        lif.stop()


def test_bitacc_bias_beyond_13_bits_warns_and_is_used_as_lava_does():
    # Lava's own STDP tests drive LIFs with bias_mant 20000-25000 (its int16 Var holds them)
    from neuroproc.exceptions import PrecisionWarning

    lif = LIF(shape=(1,), du=0, dv=0, vth=10000, bias_mant=25000)
    try:
        with pytest.warns(PrecisionWarning, match=r"13 bits, \[-4096, 4095\]"):
            lif.run(RunSteps(1), BITACC.run_cfg())
        assert lif.v.get()[0] == 25000
    finally:
        lif.stop()


def test_bitacc_set_is_checked_while_paused():
    lif = LIF(shape=(2,), name="lif")
    try:
        lif.run(RunSteps(1), BITACC.run_cfg())
        with pytest.raises(ValidationError, match=r"^lif::LIF\.du: PyLifModelBitAcc needs du in "
                                                  r"\[-1, 4095\].*\(got 5000\)\. Map a float decay"):
            lif.du.set(5000)
        with pytest.raises(ValidationError, match="whole numbers"):
            lif.bias_mant.set(np.array([0.5, 1.0]))
        lif.du.set(np.array([100.0]))                        # whole-number floats are fine
        lif.run(RunSteps(1), BITACC.run_cfg())
    finally:
        lif.stop()


def test_bitacc_types():
    lif = LIF(shape=(2,), du=3, vth=4)
    try:
        lif.run(RunSteps(1), BITACC.run_cfg())
        assert lif.u.get().dtype == np.int32 and lif.v.get().dtype == np.int32
        assert lif.bias_mant.get().dtype == np.int16 and lif.bias_exp.get().dtype == np.int16
    finally:
        lif.stop()


# -- float model ---------------------------------------------------------------------------------

def test_float_du_zero_means_no_decay_and_bias_exp_is_ignored():
    lif = LIF(shape=(1,), u=3.0, du=0.0, dv=0.0, vth=NEVER, bias_mant=0.5, bias_exp=3)
    out = run_lif(FLOAT, lif, 2)
    np.testing.assert_array_equal(out["u"][:, 0], [3.0, 3.0])
    np.testing.assert_array_equal(out["v"][:, 0], [3.5, 7.0])


def test_float_vth_set_while_paused_takes_effect():
    lif = LIF(shape=(1,), dv=0.0, vth=100.0, bias_mant=1.0)
    try:
        lif.run(RunSteps(2), FLOAT.run_cfg())
        lif.vth.set(np.array([2.5]))
        lif.run(RunSteps(1), FLOAT.run_cfg())
        assert lif.v.get()[0] == 0.0                         # 3 > 2.5: spiked
    finally:
        lif.stop()


def test_float_model_accepts_fractional_parameters():
    out = run_lif(FLOAT, LIF(shape=(1,), u=0.25, du=0.5, vth=10.0), 1)
    assert out["u"][0, 0] == 0.125


def test_float_run_cfg_without_tag_picks_the_float_model_first():
    lif = LIF(shape=(1,))
    try:
        lif.run(RunSteps(1), Loihi1SimCfg(backend="python"))
        assert lif.model_class is PyLifModelFloat
    finally:
        lif.stop()


@pytest.mark.parametrize("backend", ["python", "compiled"])
def test_bitacc_du_minus_one_keeps_u(backend):
    # du + 1 (Loihi's offset) = 0: u * 4096 / 4096, no decay at all (Lava's LIFReset test uses it)
    lif = LIF(shape=(3,), u=[5, -7, 123456], du=-1, dv=0, vth=2**17 - 1)
    try:
        lif.run(RunSteps(4), Loihi1SimCfg(select_tag="fixed_pt", backend=backend))
        np.testing.assert_array_equal(lif.u.get(), [5, -7, 123456])
    finally:
        lif.stop()


def test_bitacc_vth_beyond_17_bits_warns_that_the_neuron_never_spikes():
    lif = LIF(shape=(1,), dv=0, vth=2**17, bias_mant=4095, bias_exp=7, name="lif")
    with pytest.warns(PrecisionWarning, match=r"lif::LIF\.vth: PyLifModelBitAcc holds vth in 17 "
                                              r"bits.*never spikes"):
        out = run_lif(BITACC, lif, 20)
    # v saturates at 2**23 - 1 < vth << 6 = 2**23: as in Lava, no spike ever
    assert out["v"][-1, 0] == 2**23 - 1 and not out["spikes"].any()


@pytest.mark.parametrize("key, value", [("du", 1.5), ("dv", -0.1), ("du", [0.5, 2.0])])
def test_float_decays_outside_zero_one_are_refused(key, value):
    lif = LIF(shape=(2,), **{key: value}, name="lif")
    with pytest.raises(ValidationError, match=rf"lif::LIF\.{key}: PyLifModelFloat needs {key} in "
                                              r"\[0, 1\]"):
        lif.run(RunSteps(1), FLOAT.run_cfg())
    lif.stop()


def test_lifrefractory_has_no_fixed_point_model_and_does_not_run_lifs():
    # Lava 0.10 has no fixed-point LIFRefractory; LIF's bit-accurate model (a candidate through
    # the base class) lacks refractory_period_end, so compiling names it rather than running LIF
    from neuroproc import CompilationError
    from neuroproc.proc.lif.process import LIFRefractory

    lif = LIFRefractory(shape=(2,), bias_mant=3, vth=5, name="ref")
    with pytest.raises(CompilationError, match=r"ref::LIFRefractory\.refractory_period_end: model "
                                               r"PyLifModelBitAcc does not declare"):
        lif.run(RunSteps(1), Loihi2SimCfg(select_tag="fixed_pt"))
    lif.stop()


def _lava_float_lif(u, v, du, dv, bias, vth, steps):
    """Lava's float LIF equations, no input: per step (u, v, spikes), v reset where it spiked."""
    out = []
    for _ in range(steps):
        u = u * (1 - du)
        v = v * (1 - dv) + u + bias
        s = v > vth
        v = np.where(s, 0.0, v)
        out.append((u, v, s))
    return out


def test_float_per_neuron_state_and_decays_bit_for_bit_and_set_while_paused():
    rng = np.random.default_rng(23)
    n = 50
    u0, v0 = rng.normal(size=n) * 5, rng.normal(size=n)
    du, dv = rng.random(n) * 0.3, rng.random(n) * 0.3
    bias, vth = rng.normal(size=n), 1 + rng.random(n) * 3
    lif = LIF(shape=(n,), u=u0, v=v0, du=du, dv=dv, bias_mant=bias, vth=vth)
    mon = Monitor()
    mon.probe(lif.u, 12)
    mon.probe(lif.v, 12)
    du2, v_set = rng.random(n) * 0.5, rng.normal(size=n)
    try:
        lif.run(RunSteps(6), FLOAT.run_cfg())
        lif.du.set(du2)  # written into the model's per-neuron state while paused
        lif.v.set(v_set)
        lif.run(RunSteps(6), FLOAT.run_cfg())
        got = mon.get_data()[lif.name]
        np.testing.assert_array_equal(lif.du.get(), du2)
    finally:
        lif.stop()
    first = _lava_float_lif(u0, v0, du, dv, bias, vth, 6)
    second = _lava_float_lif(first[-1][0], v_set, du2, dv, bias, vth, 6)
    for k, (u, v, _) in enumerate(first + second):
        np.testing.assert_array_equal(got["u"][k].view(np.int64), u.view(np.int64), err_msg=f"u, step {k + 1}")
        np.testing.assert_array_equal(got["v"][k].view(np.int64), v.view(np.int64), err_msg=f"v, step {k + 1}")
