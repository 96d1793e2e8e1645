"""Tests for neuroproc.utils.analysis against hand values, loop transcriptions and analytics."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc.utils.analysis import (
    auto_covariance,
    bin_spikes,
    ei_activation,
    firing_rates,
    interspike_intervals,
    isi_cv,
    lowpass_filter,
    population_rate,
)

RNG_SEED = 1234


def random_spikes(num_neurons=7, num_steps=60, p=0.2, seed=RNG_SEED):
    rng = np.random.default_rng(seed)
    return (rng.random((num_neurons, num_steps)) < p).astype(int)


def tutorial_auto_cov(acts, max_lag, offset):
    """Loop transcription of the E/I tutorial's auto_cov_fct (offset=0 keeps every step)."""
    acts_local = np.array(acts, dtype=float)[offset:acts.shape[0] - offset]
    num_neurons = acts_local.shape[1]
    acts_local -= np.mean(acts_local, axis=0)
    result = np.zeros(2 * max_lag + 1)
    lags = np.linspace(-max_lag, max_lag, 2 * max_lag + 1, dtype=int)
    for i, lag in enumerate(lags):
        shifted = np.roll(acts_local, shift=lag, axis=0)
        per_step = np.zeros(acts_local.shape[0])
        for j, act in enumerate(acts_local):
            per_step[j] = np.dot(act - np.mean(act),
                                 shifted[j] - np.mean(shifted[j])) / num_neurons
        result[i] = np.mean(per_step)
    return lags, result


def tutorial_activation(weights, spks, num_exc_neurons):
    """Transcription of the E/I tutorial's calculate_activation."""
    act_exc = np.matmul(weights[:, :num_exc_neurons], spks[:num_exc_neurons])
    act_inh = np.matmul(weights[:, num_exc_neurons:], spks[num_exc_neurons:])
    return act_exc, act_inh, act_exc + act_inh


# ---------------------------------------------------------------- bin_spikes
@pytest.mark.parametrize("window", [2, 3, 25, 80])
def test_bin_spikes_equals_tutorial_convolution(window):
    spikes = random_spikes(num_steps=60)
    expected = np.asarray([np.convolve(spikes[i], np.ones(window))
                           for i in range(spikes.shape[0])])[:, :-window + 1]
    np.testing.assert_array_equal(bin_spikes(spikes, window), expected)


def test_bin_spikes_float_input_and_window_one():
    x = np.array([[0.5, 0.25, 1.0, 0.0]])
    np.testing.assert_allclose(bin_spikes(x, 2), [[0.5, 0.75, 1.25, 1.0]], rtol=1e-15)
    np.testing.assert_array_equal(bin_spikes([[1, 0, 1]], 1), [[1.0, 0.0, 1.0]])


def test_bin_spikes_accepts_bool():
    np.testing.assert_array_equal(bin_spikes(np.array([[True, True, False]]), 3), [[1, 2, 2]])


@pytest.mark.parametrize("window", [0, -2, 2.0, True])
def test_bin_spikes_rejects_bad_window(window):
    with pytest.raises(ValueError, match=r"bin_spikes: window must be an int >= 1 \(got"):
        bin_spikes(np.zeros((2, 5)), window)


def test_rejects_1d_and_non_numeric_spikes():
    with pytest.raises(ValueError, match=r"spikes must be a 2-D array of shape \(num_neurons, "
                                         r"num_steps\) \(got shape \(5,\)\)"):
        bin_spikes(np.zeros(5), 2)
    with pytest.raises(ValueError, match="must hold numbers"):
        firing_rates(np.array([["a", "b"]]))


# ---------------------------------------------------------------- auto_covariance
@pytest.mark.parametrize("shape, max_lag, offset", [
    ((50, 4), 10, 5), ((30, 1), 29, 0), ((12, 3), 0, 2), ((40, 6), 19, 10)])
def test_auto_covariance_matches_tutorial_loop(shape, max_lag, offset):
    acts = np.random.default_rng(7).normal(size=shape)
    lags, acf = auto_covariance(acts, max_lag=max_lag, offset=offset)
    ref_lags, ref_acf = tutorial_auto_cov(acts, max_lag, offset)
    np.testing.assert_array_equal(lags, ref_lags)
    np.testing.assert_allclose(acf, ref_acf, rtol=1e-12, atol=0)


def test_auto_covariance_of_binned_spikes_matches_tutorial_loop():
    binned = bin_spikes(random_spikes(num_neurons=10, num_steps=700, p=0.1), 25)
    lags, acf = auto_covariance(binned.T)  # defaults: max_lag=100, offset=200
    ref = tutorial_auto_cov(binned.T, 100, 200)[1]
    np.testing.assert_allclose(acf, ref, rtol=1e-12, atol=0)


def test_auto_covariance_integer_input_and_analytic_value():
    # Two neurons in anti-phase with period 2: B = +-0.5, so C(l) = 0.25 * (-1)**l.
    acts = np.array([[1, 0], [0, 1]] * 4)
    lags, acf = auto_covariance(acts, max_lag=3, offset=0)
    np.testing.assert_array_equal(lags, [-3, -2, -1, 0, 1, 2, 3])
    np.testing.assert_allclose(acf, 0.25 * (-1.0) ** np.abs(lags), rtol=1e-15)


def test_auto_covariance_rejects_too_large_lag():
    acts = np.zeros((20, 3))
    with pytest.raises(ValueError, match=r"max_lag must be smaller than the 10 steps left "
                                         r"after removing offset=5 .*\(got max_lag=10\)"):
        auto_covariance(acts, max_lag=10, offset=5)
    auto_covariance(acts, max_lag=9, offset=5)


def test_auto_covariance_rejects_offset_and_hints_transpose():
    with pytest.raises(ValueError, match=r"offset removes every time step .*pass acts\.T"):
        auto_covariance(np.zeros((100, 300)))
    with pytest.raises(ValueError, match="max_lag must be an int >= 0"):
        auto_covariance(np.zeros((10, 2)), max_lag=-1, offset=0)


# ---------------------------------------------------------------- rates
def every_k(k, num_steps, first=0):
    row = np.zeros(num_steps, dtype=int)
    row[first::k] = 1
    return row


def test_regular_train_isi_cv_rate():
    spikes = np.stack([every_k(5, 100), every_k(5, 100, first=3)])
    for isi in interspike_intervals(spikes):
        np.testing.assert_array_equal(isi, np.full(19, 5.0))
    np.testing.assert_array_equal(isi_cv(spikes), [0.0, 0.0])
    np.testing.assert_allclose(firing_rates(spikes), [0.2, 0.2], rtol=1e-15)
    np.testing.assert_allclose(firing_rates(spikes, dt=0.001), [200.0, 200.0], rtol=1e-12)


def test_population_rate_hand_values():
    spikes = np.array([[1, 0, 0, 1, 1], [0, 0, 1, 1, 0], [1, 0, 0, 1, 0]])
    np.testing.assert_allclose(population_rate(spikes), [2 / 3, 0, 1 / 3, 1, 1 / 3],
                               rtol=1e-15)
    # window=2 counts: [1,1,0,1,2], [0,0,1,2,1], [1,1,0,1,1] -> sum / (3 neurons * 2 steps)
    np.testing.assert_allclose(population_rate(spikes, window=2),
                               np.array([2, 2, 1, 4, 4]) / 6, rtol=1e-15)


def test_population_rate_rejects_bad_window():
    with pytest.raises(ValueError, match="population_rate: window must be an int >= 1"):
        population_rate(np.zeros((2, 4)), window=0)


@pytest.mark.parametrize("dt", [0, -1.0, float("nan"), float("inf"), "1"])
def test_rates_reject_bad_dt(dt):
    with pytest.raises(ValueError, match=r"firing_rates: dt must be a finite number > 0"):
        firing_rates(np.zeros((2, 4)), dt=dt)


# ---------------------------------------------------------------- ISI
def test_interspike_intervals_irregular_and_silent_neurons():
    spikes = np.zeros((4, 10), dtype=int)
    spikes[0, [0, 1, 3, 7]] = 1
    spikes[1, [4]] = 1
    spikes[3, [2, 9]] = 2  # two spikes in one step still mark one spike time
    isi = interspike_intervals(spikes, dt=0.5)
    assert len(isi) == 4
    np.testing.assert_array_equal(isi[0], [0.5, 1.0, 2.0])
    assert isi[1].shape == (0,) and isi[2].shape == (0,)
    np.testing.assert_array_equal(isi[3], [3.5])
    assert all(a.dtype == np.float64 for a in isi)


def test_isi_cv_hand_values_and_nan():
    spikes = np.zeros((4, 10), dtype=int)
    spikes[0, [0, 1, 3, 7]] = 1  # ISIs 1, 2, 4: mean 7/3, var (16 + 1 + 25) / 27 = 14/9
    spikes[1, [4]] = 1           # no interval
    spikes[2, [2, 9]] = 1        # one interval
    spikes[3, [0, 2, 4, 6]] = 1  # regular
    cv = isi_cv(spikes)
    np.testing.assert_allclose(cv[[0, 3]], [np.sqrt(14 / 9) / (7 / 3), 0.0], rtol=1e-14)
    assert np.isnan(cv[1]) and np.isnan(cv[2])


# ---------------------------------------------------------------- low-pass filter
def test_lowpass_matches_hand_loop():
    x = random_spikes(num_neurons=3, num_steps=50, p=0.3)
    tau, dt = 5.0, 0.5
    a = np.exp(-dt / tau)
    y = np.zeros(x.shape)
    prev = np.zeros(x.shape[0])
    for k in range(x.shape[1]):
        prev = a * prev + (1 - a) * x[:, k] / dt
        y[:, k] = prev
    np.testing.assert_allclose(lowpass_filter(x, tau, dt), y, rtol=1e-12)


@pytest.mark.parametrize("tau, dt", [(10.0, 1.0), (0.005, 0.001)])
def test_lowpass_step_response_is_analytic(tau, dt):
    num_steps = 2000
    y = lowpass_filter(np.ones((2, num_steps)), tau, dt)
    k = np.arange(num_steps)
    expected = (1 - np.exp(-dt / tau) ** (k + 1)) / dt
    np.testing.assert_allclose(y, np.broadcast_to(expected, y.shape), rtol=1e-12)
    np.testing.assert_allclose(y[:, -1], 1 / dt, rtol=1e-12)


def test_lowpass_tau_zero_is_identity_over_dt():
    x = np.array([[1, 0, 1], [0, 0, 1]])
    np.testing.assert_array_equal(lowpass_filter(x, 0.0, dt=0.25), x * 4.0)


@pytest.mark.parametrize("tau", [-1.0, float("nan"), None])
def test_lowpass_rejects_bad_tau(tau):
    with pytest.raises(ValueError, match=r"lowpass_filter: tau must be a finite number >= 0"):
        lowpass_filter(np.zeros((1, 3)), tau)


# ---------------------------------------------------------------- E/I activation
def test_ei_activation_matches_tutorial():
    rng = np.random.default_rng(3)
    n, n_exc = 9, 6
    w = rng.normal(size=(n, n))
    w[:, :n_exc] = np.abs(w[:, :n_exc])
    w[:, n_exc:] = -np.abs(w[:, n_exc:])
    s = random_spikes(num_neurons=n, num_steps=40, p=0.3)
    got = ei_activation(w, s, n_exc)
    for g, r in zip(got, tutorial_activation(w, s, n_exc)):
        assert g.shape == (n, 40)
        np.testing.assert_allclose(g, r, rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(got[2], w @ s, rtol=1e-12, atol=1e-12)


def test_ei_activation_hand_values_and_edges():
    w = np.array([[0.0, 2.0, -1.0], [1.0, 0.0, -3.0]])  # 2 post, 3 pre
    s = np.array([[1, 1], [0, 1], [1, 1]])
    exc, inh, total = ei_activation(w, s, 2)
    np.testing.assert_array_equal(exc, [[0, 2], [1, 1]])
    np.testing.assert_array_equal(inh, [[-1, -1], [-3, -3]])
    np.testing.assert_array_equal(total, [[-1, 1], [-2, -2]])
    exc0, inh0, _ = ei_activation(w, s, 0)
    np.testing.assert_array_equal(exc0, np.zeros((2, 2)))
    np.testing.assert_array_equal(inh0, [[-1, 1], [-2, -2]])


def test_ei_activation_errors():
    w = np.ones((3, 3))
    with pytest.raises(ValueError, match=r"one row per presynaptic neuron.*\(got spikes of "
                                         r"shape \(10, 3\)\).*pass spikes\.T"):
        ei_activation(w, np.zeros((10, 3)), 2)
    with pytest.raises(ValueError, match=r"num_exc cannot exceed the 3 presynaptic"):
        ei_activation(w, np.zeros((3, 10)), 4)
    with pytest.raises(ValueError, match=r"weights must be a 2-D array"):
        ei_activation(np.ones(3), np.zeros((3, 10)), 1)
