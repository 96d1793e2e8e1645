"""SpikeTrains on known spike trains, and through a real Monitor on a small spiking Process."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import (
    CPU,
    AbstractProcess,
    LavaPyType,
    Loihi1SimCfg,
    LoihiProtocol,
    Monitor,
    OutPort,
    PyLoihiProcessModel,
    PyOutPort,
    RunSteps,
    ShapeError,
    ValidationError,
    Var,
    implements,
    requires,
)
from neuroproc.utils.spike_probe import SpikeTrains, spike_trains


class Integrator(AbstractProcess):
    """Integer integrate-and-fire: ``v += bias``; spike and reset to 0 when ``v >= 8``."""

    def __init__(self, bias, **kwargs):
        bias = np.asarray(bias)
        super().__init__(**kwargs)
        self.bias = Var(shape=bias.shape, init=bias)
        self.v = Var(shape=bias.shape, init=0)
        self.s_out = OutPort(shape=bias.shape)


@implements(proc=Integrator, protocol=LoihiProtocol)
@requires(CPU)
class PyIntegratorModel(PyLoihiProcessModel):
    bias = LavaPyType(np.ndarray, np.int32)
    v = LavaPyType(np.ndarray, np.int32)
    s_out = LavaPyType(PyOutPort.VEC_DENSE, bool)

    def run_spk(self):
        self.v += self.bias
        s = self.v >= 8
        self.v[s] = 0
        self.s_out.send(s)


def _every(period, num_steps, first=None):
    """One neuron spiking at steps first, first + period, ... (steps count from 1)."""
    first = period if first is None else first
    x = np.zeros(num_steps)
    x[first - 1::period] = 1
    return x


def test_regular_train_every_5_steps():
    st = SpikeTrains(_every(5, 100)[:, None])  # spikes at 5, 10, ..., 100
    assert st.shape == (1,) and st.num_neurons == 1
    assert st.isi()[0].tolist() == [5.0] * 19
    assert st.rates().tolist() == [0.2]
    assert st.cv().tolist() == [0.0]
    assert st.spike_times()[0].tolist() == list(range(5, 101, 5))
    # with dt: intervals in time units, rates per time unit
    assert np.allclose(st.isi(dt=0.001)[0], 0.005)
    assert np.allclose(st.rates(dt=0.001), 200.0)


def test_population_shape_is_kept_and_neurons_are_independent():
    spikes = np.zeros((12, 2, 2))
    spikes[:, 0, 0] = _every(2, 12)
    spikes[:, 0, 1] = _every(3, 12)
    spikes[[0, 1, 5], 1, 0] = 1  # intervals 1, 4
    st = SpikeTrains(spikes, dt=0.5)
    assert st.rates().tolist() == [[6 / 6, 4 / 6], [3 / 6, 0.0]]
    isi = st.isi()  # flat C order: (0,0), (0,1), (1,0), (1,1)
    assert [a.tolist() for a in isi] == [[1.0] * 5, [1.5] * 3, [0.5, 2.0], []]
    cv = st.cv()
    assert cv.shape == (2, 2)
    assert cv[0, 0] == 0 and cv[0, 1] == 0
    assert cv[1, 0] == pytest.approx(np.std([1, 4]) / np.mean([1, 4]))
    assert np.isnan(cv[1, 1])
    assert st.filtered(0.01).shape == (12, 2, 2)
    assert st.times.tolist() == [0.5 * k for k in range(1, 13)]


def test_filtered_constant_train_converges_to_its_rate():
    dt, tau = 0.001, 0.005
    st = SpikeTrains(np.ones((200, 1)), dt=dt)  # a spike every step: rate 1/dt
    y = st.filtered(tau)[:, 0]
    a = np.exp(-dt / tau)
    k = np.arange(200)
    assert np.allclose(y, (1 - a ** (k + 1)) / dt)  # closed form of the first-order filter
    assert y[-1] == pytest.approx(1 / dt, rel=1e-12)


def test_filtered_periodic_train_reaches_the_analytic_steady_state():
    dt, tau, period = 1.0, 10.0, 5
    y = SpikeTrains(_every(period, 400)[:, None], dt=dt).filtered(tau)[:, 0]
    a = np.exp(-dt / tau)
    # at steady state, right after a spike: y = (1 - a)/dt * (1 + a^P + a^2P + ...)
    peak = (1 - a) / dt / (1 - a ** period)
    assert y[399] == pytest.approx(peak, rel=1e-12)  # step 400 spikes
    # the mean over one period equals the rate 1 / (P dt)
    assert y[-period:].mean() == pytest.approx(1 / (period * dt), rel=1e-12)


def test_synapse_none_returns_unfiltered_spikes_over_dt():
    st = SpikeTrains([[1.0], [0.0], [1.0]], dt=0.5)
    assert st.filtered(None)[:, 0].tolist() == [2.0, 0.0, 2.0]


def test_spike_trains_from_a_monitor_on_a_real_network():
    lif = Integrator(bias=[2, 4, 1, 0], name="iaf")  # periods 4, 2, 8 steps; a silent neuron
    mon = Monitor(name="mon")
    mon.probe(lif.s_out, 40)
    try:
        lif.run(condition=RunSteps(16), run_cfg=Loihi1SimCfg())
        lif.run(condition=RunSteps(16))
        st = spike_trains(mon, lif.s_out, dt=0.001)  # the runtime knows 32 steps ran
        assert st.num_steps == 32 and st.shape == (4,)
        assert st.spike_times(dt=1)[0].tolist() == list(range(4, 33, 4))
        assert [a.tolist() for a in st.isi(dt=1)] == [[4.0] * 7, [2.0] * 15, [8.0] * 3, []]
        assert np.allclose(st.rates(), [250.0, 500.0, 125.0, 0.0])
        assert st.cv()[:3].tolist() == [0.0, 0.0, 0.0] and np.isnan(st.cv()[3])
        all_rows = spike_trains(mon, lif.s_out, num_steps=40)
        assert all_rows.num_steps == 40 and all_rows.spikes[32:].sum() == 0
    finally:
        lif.stop()
    # after stop every row is returned, unless num_steps says how many ran
    assert spike_trains(mon, lif.s_out).num_steps == 40
    assert spike_trains(mon, lif.s_out, num_steps=32).rates().tolist() == [1 / 4, 1 / 2, 1 / 8, 0.0]


def test_errors_name_the_fix():
    lif = Integrator(bias=[1], name="iaf2")
    mon = Monitor(name="mon2")
    mon.probe(lif.v, 5)
    with pytest.raises(ValidationError, match=r"mon2 does not probe iaf2\.s_out \(got probes \['iaf2\.v'\]\)\. "
                                              r"Call monitor\.probe"):
        spike_trains(mon, lif.s_out)
    with pytest.raises(ValidationError, match="monitor must be a Monitor"):
        spike_trains(object(), lif.s_out)
    with pytest.raises(ValidationError, match="num_steps must be an int in 1..5"):
        spike_trains(mon, lif.v, num_steps=6)
    with pytest.raises(ValidationError, match=r"dt must be a finite number > 0 \(got 0\)"):
        SpikeTrains([[1]], dt=0)
    with pytest.raises(ShapeError, match="at least one step"):
        SpikeTrains(np.zeros((0, 3)))
