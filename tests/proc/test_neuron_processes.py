"""The neuron library's Processes: Lava's interface (defaults, Vars, ports, proc_params) and
construction-time checks with the house error template."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import InPort, OutPort, ValidationError
from neuroproc.proc.atrlif.process import ATRLIF
from neuroproc.proc.graded.process import GradedReluVec, GradedVec, InvSqrt, NormVecDelay, loihi2round
from neuroproc.proc.lif.process import LIF, AbstractLIF, LIFRefractory, LIFReset, TernaryLIF
from neuroproc.proc.prodneuron.process import ProdNeuron
from neuroproc.proc.resfire.process import RFZero
from neuroproc.proc.rf.process import RF
from neuroproc.proc.rf_iz.process import RF_IZ
from neuroproc.proc.sdn.process import ActivationMode, Delta, Sigma, SigmaDelta

# Process -> (instance, {Var: default value}, in-ports, out-ports)
INTERFACES = {
    "LIFReset": (lambda: LIFReset(4), {"u": 0, "v": 0, "du": 0, "dv": 0, "bias_mant": 0, "bias_exp": 0, "vth": 10},
                 ["a_in"], ["s_out"]),
    "LIFRefractory": (lambda: LIFRefractory(4), {"vth": 10, "refractory_period_end": 0}, ["a_in"], ["s_out"]),
    "TernaryLIF": (lambda: TernaryLIF(4), {"vth_hi": 10, "vth_lo": -10}, ["a_in"], ["s_out"]),
    "ATRLIF": (lambda: ATRLIF(shape=(4,)), {"i": 0, "v": 0, "theta": 5, "r": 0, "s": 0, "delta_i": 0.4,
                                            "delta_v": 0.4, "delta_theta": 0.2, "delta_r": 0.2, "theta_0": 5,
                                            "theta_step": 3.75, "bias_mant": 0, "bias_exp": 0}, ["a_in"], ["s_out"]),
    "RF": (lambda: RF(4, period=10, alpha=0.1), {"real": 0, "imag": 0, "state_exp": 0, "decay_bits": 0, "vth": 1},
           ["a_real_in", "a_imag_in"], ["s_out"]),
    "RFZero": (lambda: RFZero(4, freqs=10, decay_tau=0.1), {"u": 0, "v": 0, "uth": 1}, ["u_in", "v_in"], ["s_out"]),
    "Sigma": (lambda: Sigma(shape=(4,)), {"sigma": 0}, ["a_in"], ["s_out"]),
    "Delta": (lambda: Delta(shape=(4,), vth=3), {"vth": 3, "act": 0, "residue": 0, "error": 0, "spike_exp": 0,
                                                  "state_exp": 0, "cum_error": False}, ["a_in"], ["s_out"]),
    "SigmaDelta": (lambda: SigmaDelta(shape=(4,), vth=3), {"vth": 3, "sigma": 0, "bias": 0}, ["a_in"], ["s_out"]),
    "GradedVec": (lambda: GradedVec(4), {"v": 0, "vth": 1, "exp": 0}, ["a_in"], ["s_out"]),
    "GradedReluVec": (lambda: GradedReluVec(4), {"v": 0, "vth": 1, "exp": 0}, ["a_in"], ["s_out"]),
    "NormVecDelay": (lambda: NormVecDelay(4), {"v": 0, "v2": 0, "vth": 1, "exp": 0}, ["a_in1", "a_in2"],
                     ["s_out", "s2_out"]),
    "InvSqrt": (lambda: InvSqrt(4), {"fp_base": 12}, ["a_in"], ["s_out"]),
    "ProdNeuron": (lambda: ProdNeuron(4), {"v": 0, "vth": 1, "exp": 0}, ["a_in1", "a_in2"], ["s_out"]),
}


@pytest.mark.parametrize("name", INTERFACES)
def test_defaults_vars_and_ports_as_in_lava(name):
    factory, defaults, ins, outs = INTERFACES[name]
    proc = factory()
    assert proc.shape == (4,)
    for var, value in defaults.items():
        np.testing.assert_array_equal(getattr(proc, var).get(), value, err_msg=var)
    assert [p.name for p in proc.in_ports] == ins and all(isinstance(p, InPort) for p in proc.in_ports)
    assert [p.name for p in proc.out_ports] == outs and all(isinstance(p, OutPort) for p in proc.out_ports)
    assert all(p.shape == (4,) for p in list(proc.in_ports) + list(proc.out_ports))


def test_lif_variants_share_lavas_bases():
    assert issubclass(LIFReset, LIF) and issubclass(LIFRefractory, LIF)
    assert issubclass(TernaryLIF, AbstractLIF) and not issubclass(TernaryLIF, LIF)
    assert issubclass(RF_IZ, RF)
    assert not issubclass(GradedReluVec, GradedVec)  # siblings, as in Lava


def test_scaled_parameters_as_lava_stores_them():
    # RF: the decays from period and alpha; fixed scaling when decay_bits / state_exp are given
    rf = RF(2, period=8, alpha=0.25)
    assert rf.sin_decay.get()[0] == 0.75 * np.sin(np.pi / 4)
    rf = RF(2, period=8, alpha=0.25, decay_bits=12, state_exp=6, vth=2.5)
    assert rf.cos_decay.get()[0] == int(0.75 * np.cos(np.pi / 4) * 4096) and rf.vth.get()[0] == 160
    # sigma-delta: vth and bias times 2**(spike_exp + state_exp)
    sd = SigmaDelta(shape=(3,), vth=5, bias=[1, 2, 3], spike_exp=1, state_exp=2)
    assert sd.vth.get()[0] == 40
    np.testing.assert_array_equal(sd.bias.get(), [8, 16, 24])
    assert sd.proc_params["act_mode"] is ActivationMode.RELU
    # LIFReset / LIFRefractory keep their periods as process parameters
    assert LIFReset(2, reset_interval=7, reset_offset=9).proc_params["reset_offset"] == 9
    assert LIFRefractory(2, refractory_period=3).proc_params["refractory_period"] == 3


def test_loihi2round_rounds_half_away_from_zero():
    np.testing.assert_array_equal(loihi2round(np.array([-2.5, -1.4, -0.5, 0.0, 0.5, 1.49, 2.5])),
                                  [-3, -1, -1, 0, 1, 1, 3])


@pytest.mark.parametrize("build, match", [
    (lambda: LIFReset(2, name="r", reset_interval=0), r"^r::LIFReset\.reset_interval must be an int >= 1 \(got 0\)"),
    (lambda: LIFReset(2, name="r", reset_offset=-1), r"^r::LIFReset\.reset_offset must be an int >= 0 \(got -1\)"),
    (lambda: LIFReset(2, name="r", reset_interval=2.5), r"reset_interval must be an int >= 1 \(got 2\.5\)"),
    (lambda: LIFRefractory(2, name="f", refractory_period=0), r"^f::LIFRefractory\.refractory_period must be"),
    (lambda: TernaryLIF(2, name="t", vth_lo=5, vth_hi=1), r"^t::TernaryLIF\.vth_lo: the lower threshold must not"),
    (lambda: RF(2, period="10", alpha=0.1, name="rf"), r"^rf::RF\.period: expected a finite number \(got '10'\)"),
    (lambda: RF(2, period=10, alpha=np.nan), r"RF\.alpha: expected a finite number"),
    (lambda: Delta(shape=(2,), vth=1, spike_exp=-1), r"spike_exp must be an int >= 0 \(got -1\)"),
    (lambda: SigmaDelta(shape=(2,), vth=1, act_mode="RELU"), r"act_mode must be an ActivationMode \(got 'RELU'\)"),
    (lambda: ATRLIF(shape=(3,), i=[1, 2], name="a"), r"^a::ATRLIF\.i: expected a scalar or one value per neuron"),
])
def test_bad_parameters_are_refused_with_the_template(build, match):
    with pytest.raises(ValidationError, match=match):
        build()


def test_lava_raises_value_error_and_so_do_we():
    with pytest.raises(ValueError):
        TernaryLIF(2, vth_lo=15.0, vth_hi=5.0)
    with pytest.raises(ValueError):
        LIFReset(2, reset_interval=0)
