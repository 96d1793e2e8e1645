"""S4D against the state-space equations, computed here with numpy."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import Loihi2SimCfg, RunSteps
from neuroproc.proc import io
from neuroproc.proc.s4d.process import S4d, SigmaS4dDelta, SigmaS4dDeltaLayer
from neuroproc.proc.sdn.process import ActivationMode, SigmaDelta

STEPS = 30


def _coefficients(n, complex_: bool, seed=0):
    rng = np.random.default_rng(seed)
    radius, angle = rng.uniform(0.5, 0.95, n), rng.uniform(0, np.pi, n) if complex_ else np.zeros(n)
    a = radius * np.exp(1j * angle)
    b = rng.normal(size=n) + (1j * rng.normal(size=n) if complex_ else 0)
    c = rng.normal(size=n) + (1j * rng.normal(size=n) if complex_ else 0)
    return (a, b, c) if complex_ else (a.real, b.real, c.real)


def _equations(u, a, b, c):
    """x[t] = a x[t-1] + b u[t]; y[t] = Re(2 c x[t]), per neuron."""
    x = np.zeros(u.shape[0], dtype=np.result_type(a, b, c))
    out = np.zeros(u.shape)
    for t in range(u.shape[1]):
        x = x * a + u[:, t] * b
        out[:, t] = np.real(c * x * 2)
    return out


@pytest.mark.parametrize("backend", ["python", "compiled"])
@pytest.mark.parametrize("complex_", [True, False])
def test_s4d_follows_the_state_space_equations(backend, complex_):
    n = 4
    a, b, c = _coefficients(n, complex_)
    u = np.random.default_rng(1).normal(size=(n, STEPS))
    s4d = S4d((n,), a=a.astype(complex), b=b.astype(complex), c=c.astype(complex))
    io.source.RingBuffer(data=u).s_out.connect(s4d.a_in)
    out = io.sink.RingBuffer(shape=(n,), buffer=STEPS)
    s4d.s_out.connect(out.a_in)
    try:
        s4d.run(RunSteps(STEPS), Loihi2SimCfg(select_tag="floating_pt", backend=backend))
        got = out.data.get()
    finally:
        s4d.stop()
    np.testing.assert_array_equal(got, _equations(u, a.astype(complex), b.astype(complex), c.astype(complex)))


def _sigma_s4d(u, a, b, c, layer: bool, d_states: int = 1):
    n = u.shape[0]
    deltas = np.diff(u, axis=1, prepend=0)      # the sigma of the neuron rebuilds u
    src = io.source.RingBuffer(data=deltas)
    out = io.sink.RingBuffer(shape=(n,), buffer=STEPS)
    if layer:
        net = SigmaS4dDeltaLayer((n,), vth=0, a=a, b=b, c=c, d_states=d_states)
        decoder = SigmaDelta(shape=(n,), vth=0, cum_error=True, act_mode=ActivationMode.UNIT)
        src.s_out.connect(net.s_in)
        net.a_out.connect(decoder.a_in)
        decoder.s_out.connect(out.a_in)
    else:
        net = SigmaS4dDelta((n,), vth=0, a=a, b=b, c=c)
        src.s_out.connect(net.a_in)
        net.s_out.connect(out.a_in)
    try:
        src.run(RunSteps(STEPS), Loihi2SimCfg(select_tag="floating_pt", backend="python"))
        return np.cumsum(out.data.get(), axis=1)
    finally:
        src.stop()


def test_sigma_s4d_delta_with_vth_0_sends_every_change_of_the_model_output():
    n = 3
    a, b, c = _coefficients(n, False, seed=2)
    u = np.random.default_rng(3).uniform(0, 64, (n, STEPS))
    np.testing.assert_allclose(_sigma_s4d(u, a, b, c, layer=False), _equations(u, a, b, c), rtol=1e-12, atol=1e-9)


def test_layer_sums_its_hidden_states_per_channel_two_steps_later():
    n, d = 2, 3
    a, b, c = _coefficients(n * d, False, seed=4)
    u = np.random.default_rng(5).uniform(0, 64, (n, STEPS))
    hidden = _equations(np.repeat(u, d, axis=0), a, b, c)
    expected = hidden.reshape(n, d, STEPS).sum(axis=1)
    got = _sigma_s4d(u, a, b, c, layer=True, d_states=d)
    # Sparse -> neuron -> Sparse: two connection delays; sums in another order: float tolerance
    np.testing.assert_allclose(got[:, 2:], expected[:, :-2], rtol=1e-12, atol=1e-9)
