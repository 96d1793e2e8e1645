"""Every neuron kernel equals its model's Python code bit for bit: the same random network runs on
the python and on the compiled backend, and every message and Var must be identical.

This covers the models and parameter combinations the Lava reference cases do not (RF_IZ and
Sigma fixed, per-neuron parameters, InvSqrt, NormVecDelay, cumulative error with UNIT, ...).
"""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import Loihi2SimCfg, RunSteps
from neuroproc.proc import io
from neuroproc.proc.atrlif.process import ATRLIF
from neuroproc.proc.graded.process import GradedReluVec, GradedVec, InvSqrt, NormVecDelay
from neuroproc.proc.lif.process import LIFRefractory, LIFReset, TernaryLIF
from neuroproc.proc.prodneuron.process import ProdNeuron
from neuroproc.proc.resfire.process import RFZero
from neuroproc.proc.rf.process import RF
from neuroproc.proc.rf_iz.process import RF_IZ
from neuroproc.proc.s4d.process import S4d, SigmaS4dDelta
from neuroproc.proc.sdn.process import ActivationMode, Delta, Sigma, SigmaDelta

N, STEPS = 7, 60

# (id, tag, factory, input scale): fixed inputs are ints in [-scale, scale], float ones normal * scale
CASES = [
    ("lifreset_float", "floating_pt", lambda: LIFReset((N,), du=0.1, dv=[0.05 * k for k in range(N)],
                                                        bias_mant=0.2, vth=1.5, reset_interval=5, reset_offset=2), 1.0),
    ("lifreset_fixed", "fixed_pt", lambda: LIFReset((N,), du=300, dv=200, bias_mant=np.arange(N) * 3,
                                                     bias_exp=[0, 1, 2, -1, 3, 0, 1], vth=60, reset_interval=9), 90),
    ("lifrefractory", "floating_pt", lambda: LIFRefractory((N,), du=0.3, dv=0.2, bias_mant=0.05,
                                                            vth=[0.5, 1, -0.1, 2, 0.3, 0.8, 1.2],
                                                            refractory_period=3), 1.0),
    ("ternary_float", "floating_pt", lambda: TernaryLIF((N,), du=0.2, dv=0.1, vth_hi=1.0, vth_lo=-0.7), 1.0),
    ("ternary_fixed", "fixed_pt", lambda: TernaryLIF((N,), du=900, dv=[100 * k for k in range(N)],
                                                      bias_mant=5, bias_exp=2, vth_hi=80, vth_lo=-60), 120),
    ("atrlif_float", "floating_pt", lambda: ATRLIF(shape=(N,), bias_mant=0.3, theta_step=1.5), 2.0),
    ("atrlif_fixed", "fixed_pt", lambda: ATRLIF(shape=(N,), bias_mant=np.arange(N), bias_exp=1,
                                                  theta_0=100, theta_step=20.5), 200),
    ("atrlif_fixed_int_decay", "fixed_pt", lambda: ATRLIF(shape=(N,), delta_i=0, delta_v=0, delta_r=0,
                                                            theta_0=150, theta_step=30), 3000),
    ("rf_float", "floating_pt", lambda: RF((N,), period=9, alpha=0.05, vth=0.5), 0.7),
    ("rf_fixed", "fixed_pt", lambda: RF((N,), period=11, alpha=0.03, decay_bits=12, state_exp=4, vth=40), 60),
    ("rf_iz_float", "floating_pt", lambda: RF_IZ((N,), period=7, alpha=0.1, vth=0.6), 0.7),
    ("rf_iz_fixed", "fixed_pt", lambda: RF_IZ((N,), period=7, alpha=0.1, decay_bits=12, state_exp=5, vth=25), 50),
    ("rfzero", "fixed_pt", lambda: RFZero((N,), freqs=np.linspace(5, 40, N), decay_tau=0.05, uth=30), 3000),
    ("s4d", "floating_pt", lambda: S4d((N,), a=0.9 * np.exp(1j * np.linspace(0, 3, N)),
                                        b=np.linspace(1, 2, N) + 0.5j, c=np.linspace(-1, 1, N) - 0.3j), 1.0),
    ("sigma_s4d_delta", "floating_pt", lambda: SigmaS4dDelta((N,), vth=0.2, a=np.linspace(0.3, 0.95, N),
                                                              b=1.5, c=-0.7, cum_error=True), 1.0),
    ("sigma_float", "floating_pt", lambda: Sigma(shape=(N,)), 1.0),
    ("sigma_fixed", "fixed_pt", lambda: Sigma(shape=(N,)), 1000),
    ("delta_float_cum", "floating_pt", lambda: Delta(shape=(N,), vth=0.8, cum_error=True), 1.0),
    ("delta_fixed", "fixed_pt", lambda: Delta(shape=(N,), vth=30, spike_exp=2, state_exp=1), 200),
    ("sigmadelta_float_unit_cum", "floating_pt", lambda: SigmaDelta(shape=(N,), vth=1.0, bias=-0.3, cum_error=True,
                                                                     act_mode=ActivationMode.UNIT), 1.0),
    ("sigmadelta_fixed_relu", "fixed_pt", lambda: SigmaDelta(shape=(N,), vth=50, bias=np.arange(N) - 3,
                                                              state_exp=2, spike_exp=1), 100),
    ("gradedvec", "fixed_pt", lambda: GradedVec((N,), vth=40), 100),
    ("gradedreluvec", "fixed_pt", lambda: GradedReluVec((N,), vth=20), 100),
    ("prodneuron", "fixed_pt", lambda: ProdNeuron((N,), vth=300, exp=3), 200),
    ("normvecdelay", "fixed_pt", lambda: NormVecDelay((N,), vth=500), 100),
    ("invsqrt_float", "floating_pt", lambda: InvSqrt((N,)), 3.0),
    ("invsqrt_fixed", "fixed_pt", lambda: InvSqrt((N,)), 1 << 25),
]


def _inputs(tag: str, scale, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if tag == "fixed_pt":
        return rng.integers(-scale, scale + 1, (N, STEPS)).astype(np.int32)
    data = rng.normal(0, scale, (N, STEPS))
    data[:, 5] = 0.0  # exact zeros too (InvSqrt: 1/sqrt(0))
    return data


def _run(tag: str, factory, scale, backend: str) -> dict:
    neuron = factory()
    for k, port in enumerate(neuron.in_ports):
        io.source.RingBuffer(data=_inputs(tag, scale, 10 + k)).s_out.connect(port)
    sinks = {}
    for port in neuron.out_ports:
        sinks[port.name] = io.sink.RingBuffer(shape=port.shape, buffer=STEPS)
        port.connect(sinks[port.name].a_in)
    try:
        neuron.run(RunSteps(STEPS // 2), Loihi2SimCfg(select_tag=tag, backend=backend))
        neuron.run(RunSteps(STEPS - STEPS // 2))  # a split run continues the same state
        assert neuron.runtime.backend.name == backend
        out = {f"sent {name}": sink.data.get() for name, sink in sinks.items()}
        out.update({f"Var {var.name}": var.get() for var in neuron.vars})
        return out
    finally:
        neuron.stop()


@pytest.mark.parametrize("tag, factory, scale", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_compiled_kernel_equals_the_python_model(tag, factory, scale):
    want = _run(tag, factory, scale, "python")
    got = _run(tag, factory, scale, "compiled")
    assert any(np.any(v != 0) for k, v in want.items() if k.startswith("sent")), "the test sends nothing"
    for key, value in want.items():
        np.testing.assert_array_equal(got[key], value, err_msg=key)
        assert np.asarray(got[key]).dtype == np.asarray(value).dtype, key
