"""Spike-train and activity analysis in plain, vectorised numpy.

Array orientation
-----------------
Two layouts appear, each matching where the data usually comes from:

* **spike arrays** are ``(num_neurons, num_steps)``: one row per neuron, as a RingBuffer
  sink returns them (Lava's ``sink.data.get()``). Entries count spikes per step (0/1 for
  binary spikes). Every function here except :func:`auto_covariance` takes this layout.
* **activity / state arrays** handed to :func:`auto_covariance` are ``(num_steps,
  num_neurons)``: one row per time step, as a Monitor records them. Binned spikes from
  :func:`bin_spikes` therefore go in transposed: ``auto_covariance(binned.T)``.

The shape of an array rarely reveals its layout, so the functions check what they can
(number of dimensions, agreement with a weight matrix) and the error messages say when a
transpose is the likely fix.
"""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import numpy.typing as npt

from neuroproc.exceptions import ShapeError, ValidationError

__all__ = [
    "auto_covariance",
    "bin_spikes",
    "ei_activation",
    "firing_rates",
    "interspike_intervals",
    "isi_cv",
    "lowpass_filter",
    "population_rate",
]

_SPIKES = "(num_neurons, num_steps)"


def _as_2d(x: npt.ArrayLike, who: str, name: str, layout: str = _SPIKES) -> np.ndarray:
    arr = np.asarray(x)
    if arr.ndim != 2:
        raise ShapeError(f"{who}: {name} must be a 2-D array of shape {layout} (got shape "
                         f"{arr.shape}). Reshape it, e.g. x[np.newaxis, :] for one neuron.")
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise ValidationError(f"{who}: {name} must hold numbers (got dtype {arr.dtype}). "
                              f"Convert it with np.asarray(x, dtype=float).")
    return arr


def _check_int(value: object, who: str, name: str, minimum: int,
               fix: str = "Pass a whole number of time steps") -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) \
            or value < minimum:
        raise ValidationError(f"{who}: {name} must be an int >= {minimum} (got {value!r}). "
                              f"{fix}.")
    return int(value)


def _check_float(value: Any, who: str, name: str, *, allow_zero: bool) -> float:
    ok = isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)) \
        and np.isfinite(float(value)) and (float(value) >= 0 if allow_zero else float(value) > 0)
    if not ok:
        bound = ">= 0" if allow_zero else "> 0"
        raise ValidationError(f"{who}: {name} must be a finite number {bound} (got {value!r}). "
                              f"Pass it in the same time unit as dt.")
    return float(value)


def bin_spikes(spikes: npt.ArrayLike, window: int) -> np.ndarray:
    """Count spikes in a sliding box-car window that ends at each time step.

    ``out[n, t] = spikes[n, max(0, t - window + 1) : t + 1].sum()``: a causal count, so the
    first ``window - 1`` steps see fewer steps and read low. For ``window >= 2`` this equals
    the E/I tutorial's ``np.convolve(row, np.ones(window))`` per row, cut to ``num_steps``.

    Parameters
    ----------
    spikes : array_like, shape (num_neurons, num_steps)
        Spike counts per step.
    window : int
        Window length in time steps, ``>= 1``; ``window=1`` returns the spikes as floats.

    Returns
    -------
    numpy.ndarray of float, shape (num_neurons, num_steps)

    Examples
    --------
    >>> bin_spikes([[1, 0, 1, 1, 0]], window=2)
    array([[1., 1., 1., 2., 1.]])
    """
    x = _as_2d(spikes, "bin_spikes", "spikes")
    w = _check_int(window, "bin_spikes", "window", 1)
    # An FIR filter with taps ones(w) is the full convolution truncated to num_steps.
    from scipy.signal import lfilter  # imported here: scipy.signal alone takes 0.5 s to import

    return lfilter(np.ones(w), 1.0, x.astype(float), axis=1)


def auto_covariance(acts: npt.ArrayLike, max_lag: int = 100,
                    offset: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """Population auto-covariance of activity, as in Lava's E/I network tutorial.

    The first and last ``offset`` steps are dropped, leaving ``T`` steps. Each neuron's
    temporal mean is subtracted, then each time step's mean across neurons, giving
    ``B[t, n]``. With circular (wrap-around) shifts, as ``np.roll`` does,

    .. math:: C(\\ell) = \\frac{1}{T N} \\sum_t \\sum_n B[t, n] \\, B[(t - \\ell) \\bmod T, n]

    for ``ell = -max_lag .. max_lag``. ``C`` is symmetric in the lag.

    Parameters
    ----------
    acts : array_like, shape (num_steps, num_neurons)
        Activity per time step, Monitor orientation; for binned spikes pass ``binned.T``.
    max_lag : int
        Largest lag, ``0 <= max_lag < T``.
    offset : int
        Steps dropped at each end (``0`` keeps all), ``2 * offset < num_steps``.

    Returns
    -------
    lags : numpy.ndarray of int, shape (2 * max_lag + 1,)
    acf : numpy.ndarray of float, shape (2 * max_lag + 1,)

    Examples
    --------
    >>> acts = np.array([[1., 0.], [0., 1.], [1., 0.], [0., 1.]])
    >>> lags, acf = auto_covariance(acts, max_lag=1, offset=0)
    >>> lags
    array([-1,  0,  1])
    >>> acf
    array([-0.25,  0.25, -0.25])
    """
    who = "auto_covariance"
    x = _as_2d(acts, who, "acts", "(num_steps, num_neurons)")
    max_lag = _check_int(max_lag, who, "max_lag", 0)
    offset = _check_int(offset, who, "offset", 0)
    num_steps, num_neurons = x.shape
    if 2 * offset >= num_steps:
        raise ValidationError(
            f"{who}: offset removes every time step (got offset={offset} for {num_steps} steps "
            f"in acts of shape {x.shape}). Use offset < {(num_steps + 1) // 2}; if acts is "
            f"(num_neurons, num_steps), pass acts.T.")
    kept = num_steps - 2 * offset
    if max_lag >= kept:
        raise ValidationError(
            f"{who}: max_lag must be smaller than the {kept} steps left after removing "
            f"offset={offset} at both ends (got max_lag={max_lag}). Lower max_lag or offset; "
            f"if acts is (num_neurons, num_steps), pass acts.T.")
    b = x[offset:num_steps - offset].astype(float)
    b -= b.mean(axis=0)
    b -= b.mean(axis=1, keepdims=True)
    flat = b.ravel()
    cov = np.empty(max_lag + 1)
    cov[0] = np.dot(flat, flat)
    width = num_neurons
    # One pass per lag, each over all steps and neurons: the straight part of the circular
    # shift, then the part that wraps around. Rows are contiguous, so slices stay views.
    for lag in range(1, max_lag + 1):
        cut = lag * width
        cov[lag] = np.dot(flat[cut:], flat[:-cut]) + np.dot(flat[:cut], flat[-cut:])
    cov /= kept * num_neurons
    lags = np.arange(-max_lag, max_lag + 1)
    return lags, np.concatenate([cov[:0:-1], cov])


def population_rate(spikes: npt.ArrayLike, window: int | None = None) -> np.ndarray:
    """Mean number of spikes per neuron per time step, at each step.

    Parameters
    ----------
    spikes : array_like, shape (num_neurons, num_steps)
    window : int, optional
        If given, box-car smooth first: the counts of :func:`bin_spikes` divided by
        ``window``. The first ``window - 1`` steps then average over fewer real steps and
        read low.

    Returns
    -------
    numpy.ndarray of float, shape (num_steps,)

    Examples
    --------
    >>> s = np.array([[1, 0, 1, 0], [1, 1, 0, 0]])
    >>> population_rate(s)
    array([1. , 0.5, 0.5, 0. ])
    >>> population_rate(s, window=2)
    array([0.5 , 0.75, 0.5 , 0.25])
    """
    x = _as_2d(spikes, "population_rate", "spikes")
    if window is not None:
        w = _check_int(window, "population_rate", "window", 1)
        return bin_spikes(x, w).mean(axis=0) / w
    return x.astype(float).mean(axis=0)


def firing_rates(spikes: npt.ArrayLike, dt: float = 1.0) -> np.ndarray:
    """Mean firing rate of each neuron: spike count / (num_steps * dt).

    Parameters
    ----------
    spikes : array_like, shape (num_neurons, num_steps)
    dt : float
        Duration of one step, ``> 0``; with ``dt=1`` rates are spikes per step.

    Returns
    -------
    numpy.ndarray of float, shape (num_neurons,)

    Examples
    --------
    >>> firing_rates([[1, 0, 0, 0, 1, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0]], dt=0.5)
    array([0.5, 0. ])
    """
    x = _as_2d(spikes, "firing_rates", "spikes")
    dt = _check_float(dt, "firing_rates", "dt", allow_zero=False)
    return x.astype(float).sum(axis=1) / (x.shape[1] * dt)


def _isi_flat(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every interval (in steps) and the neuron it belongs to, neuron-major."""
    neuron, step = np.nonzero(x)  # row-major: grouped by neuron, times ascending
    same = neuron[1:] == neuron[:-1]
    return np.diff(step)[same].astype(float), neuron[1:][same]


def interspike_intervals(spikes: npt.ArrayLike, dt: float = 1.0) -> list[np.ndarray]:
    """Intervals between consecutive spikes of each neuron.

    A neuron spikes at step ``t`` when ``spikes[n, t] != 0``; several spikes in one step
    count as one spike time.

    Parameters
    ----------
    spikes : array_like, shape (num_neurons, num_steps)
    dt : float
        Duration of one step, ``> 0``; intervals are returned in this unit.

    Returns
    -------
    list of numpy.ndarray of float
        One array per neuron, of length (number of spikes - 1), empty for neurons with fewer
        than two spikes.

    Examples
    --------
    >>> isi = interspike_intervals([[1, 0, 1, 0, 0, 1], [0, 1, 0, 0, 0, 0]], dt=2.0)
    >>> isi[0], isi[1]
    (array([4., 6.]), array([], dtype=float64))
    """
    x = _as_2d(spikes, "interspike_intervals", "spikes")
    dt = _check_float(dt, "interspike_intervals", "dt", allow_zero=False)
    intervals, owner = _isi_flat(x)
    counts = np.bincount(owner, minlength=x.shape[0])
    return np.split(intervals * dt, np.cumsum(counts)[:-1])


def isi_cv(spikes: npt.ArrayLike) -> np.ndarray:
    """Coefficient of variation of each neuron's interspike intervals.

    ``CV = std(ISI) / mean(ISI)`` with the population standard deviation (``ddof=0``). It is
    0 for a perfectly regular train and near 1 for a Poisson train. It does not depend on
    ``dt``. Neurons with fewer than two intervals (fewer than three spikes) get NaN.

    Parameters
    ----------
    spikes : array_like, shape (num_neurons, num_steps)

    Returns
    -------
    numpy.ndarray of float, shape (num_neurons,)

    Examples
    --------
    >>> isi_cv([[1, 0, 1, 0, 1, 0], [1, 1, 0, 1, 0, 0], [1, 0, 0, 1, 0, 0]])
    array([0.        , 0.33333333,        nan])
    """
    x = _as_2d(spikes, "isi_cv", "spikes")
    intervals, owner = _isi_flat(x)
    n = np.bincount(owner, minlength=x.shape[0])
    enough = n >= 2
    safe_n = np.maximum(n, 1)
    mean = np.bincount(owner, weights=intervals, minlength=x.shape[0]) / safe_n
    dev = intervals - mean[owner]
    std = np.sqrt(np.bincount(owner, weights=dev * dev, minlength=x.shape[0]) / safe_n)
    out = np.full(x.shape[0], np.nan)
    out[enough] = std[enough] / mean[enough]
    return out


def lowpass_filter(spikes: npt.ArrayLike, tau: float, dt: float = 1.0) -> np.ndarray:
    """First-order low-pass (exponential) synaptic filter along time, Nengo style.

    Spikes are treated as impulses of area 1, i.e. of height ``1/dt`` for one step, and

    .. math:: y[k] = a\\,y[k-1] + (1 - a)\\,x[k] / dt, \\quad a = e^{-dt/\\tau}, \\; y[-1] = 0.

    A neuron that spikes every step therefore approaches ``1/dt`` (its rate), as
    ``(1 - a^{k+1}) / dt``. ``tau = 0`` means no filtering and returns ``x / dt``.

    Parameters
    ----------
    spikes : array_like, shape (num_neurons, num_steps)
    tau : float
        Time constant, ``>= 0``, in the unit of ``dt``.
    dt : float
        Duration of one step, ``> 0``.

    Returns
    -------
    numpy.ndarray of float, shape (num_neurons, num_steps)

    Examples
    --------
    >>> y = lowpass_filter([[1, 0, 0, 0]], tau=1 / np.log(2))  # a = 1/2
    >>> y
    array([[0.5   , 0.25  , 0.125 , 0.0625]])
    >>> lowpass_filter([[1, 0, 1]], tau=0.0, dt=0.5)
    array([[2., 0., 2.]])
    """
    x = _as_2d(spikes, "lowpass_filter", "spikes").astype(float)
    tau = _check_float(tau, "lowpass_filter", "tau", allow_zero=True)
    dt = _check_float(dt, "lowpass_filter", "dt", allow_zero=False)
    if tau == 0.0:
        return x / dt
    a = np.exp(-dt / tau)
    from scipy.signal import lfilter

    return lfilter([(1.0 - a) / dt], [1.0, -a], x, axis=1)


def ei_activation(weights: npt.ArrayLike, spikes: npt.ArrayLike,
                  num_exc: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Excitatory, inhibitory and total synaptic input each neuron gets at each step.

    The presynaptic population is ordered excitatory first: neurons ``0 .. num_exc - 1`` are
    excitatory, the rest inhibitory. The split goes by that position, not by weight sign::

        exc   = W[:, :num_exc] @ spikes[:num_exc]
        inh   = W[:, num_exc:] @ spikes[num_exc:]
        total = exc + inh                          # == W @ spikes

    This is the same computation as ``calculate_activation`` in Lava's E/I tutorial: the
    weighted spike input delivered at once, with no synaptic delay or decay (a Lava Dense
    layer delivers it one step later).

    Parameters
    ----------
    weights : array_like, shape (num_post, num_pre)
        Weight matrix as a Dense process holds it, ``W[post, pre]``; square for a
        recurrent network.
    spikes : array_like, shape (num_pre, num_steps)
    num_exc : int
        Number of excitatory presynaptic neurons, ``0 <= num_exc <= num_pre``.

    Returns
    -------
    exc, inh, total : numpy.ndarray, each of shape (num_post, num_steps)

    Examples
    --------
    >>> w = np.array([[0., 2., -1.], [1., 0., -3.], [2., 1., 0.]])
    >>> s = np.array([[1, 0], [1, 1], [0, 1]])
    >>> exc, inh, total = ei_activation(w, s, num_exc=2)
    >>> exc
    array([[2., 2.],
           [1., 0.],
           [3., 1.]])
    >>> total
    array([[ 2.,  1.],
           [ 1., -3.],
           [ 3.,  1.]])
    """
    who = "ei_activation"
    w = _as_2d(weights, who, "weights", "(num_post, num_pre)")
    s = _as_2d(spikes, who, "spikes", "(num_pre, num_steps)")
    num_pre = w.shape[1]
    if s.shape[0] != num_pre:
        hint = (" spikes looks like (num_steps, num_neurons) Monitor data; pass spikes.T"
                if s.shape[1] == num_pre else
                " Pass spikes with one row per column of weights")
        raise ShapeError(f"{who}: spikes must have one row per presynaptic neuron, "
                         f"weights.shape[1] = {num_pre} (got spikes of shape {s.shape})."
                         f"{hint}.")
    num_exc = _check_int(num_exc, who, "num_exc", 0,
                         "Pass the size of the excitatory population")
    if num_exc > num_pre:
        raise ValidationError(f"{who}: num_exc cannot exceed the {num_pre} presynaptic "
                              f"neurons (got num_exc={num_exc}). Pass the size of the "
                              f"excitatory population.")
    s = s.astype(float)
    exc = w[:, :num_exc] @ s[:num_exc]
    inh = w[:, num_exc:] @ s[num_exc:]
    return exc, inh, exc + inh
