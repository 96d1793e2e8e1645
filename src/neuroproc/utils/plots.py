"""Matplotlib helpers for spike rasters, traces, rates, auto-covariance and E/I input.

Array layouts follow :mod:`neuroproc.utils.analysis`: spike arrays are ``(num_neurons,
num_steps)`` (RingBuffer sink), traces are ``(num_steps, num_neurons)`` (Monitor).

``matplotlib.pyplot`` is imported inside each function, so importing this module stays
cheap and does not pick a backend. Each function draws into a given ``ax`` (or ``fig``) or
creates a new figure, and returns what it drew into, so calls can be layered.
"""
from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from neuroproc.exceptions import ShapeError, ValidationError
from neuroproc.utils.analysis import population_rate

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "plot_activation_hist",
    "plot_auto_covariance",
    "plot_rates",
    "plot_traces",
    "raster_plot",
]


def _new_axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.figure().add_subplot()


def _check_stride(stride: object) -> int:
    if isinstance(stride, (bool, np.bool_)) or not isinstance(stride, numbers.Integral) \
            or stride < 1:
        raise ValidationError(f"raster_plot: stride must be an int >= 1 (got {stride!r}). "
                              f"Pass 1 to draw every neuron, k to draw every k-th.")
    return int(stride)


def raster_plot(spikes: npt.ArrayLike, stride: int = 1, fig: Figure | None = None,
                ax: Axes | None = None, color: Any = "b", alpha: float = 1.0,
                marker: str = "|", markersize: float | None = None,
                figsize: tuple[float, float] | None = None) -> Figure:
    """Raster plot: one marker per spike, time step on x, neuron index on y.

    Works like ``lava.utils.plots.raster_plot``: pass the Figure it returned as ``fig`` to
    draw a second raster over the first (e.g. two runs in different colours).

    Parameters
    ----------
    spikes : array_like, shape (num_neurons, num_steps)
        A neuron spikes at step ``t`` when ``spikes[n, t] != 0``.
    stride : int
        Draw neurons ``0, stride, 2 * stride, ...`` (at their own index on y).
    fig : matplotlib.figure.Figure, optional
        Draw into the first Axes of this figure (created if it has none).
    ax : matplotlib.axes.Axes, optional
        Draw into these Axes; takes precedence over ``fig``.
    figsize : (float, float), optional
        Width and height in inches of the new figure (not with ``fig`` or ``ax``).
    color, alpha, marker, markersize
        Passed to ``Axes.plot`` for the markers (a small ``markersize`` keeps a dense raster of
        hundreds of neurons readable; None uses matplotlib's default).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = raster_plot(np.array([[1, 0, 1], [0, 1, 0]]))
    >>> fig.axes[0].lines[0].get_xydata()
    array([[0., 0.],
           [2., 0.],
           [1., 1.]])
    >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    x = np.asarray(spikes)
    if x.ndim != 2:
        raise ShapeError(f"raster_plot: spikes must be a 2-D array of shape (num_neurons, "
                         f"num_steps) (got shape {x.shape}). Reshape it, e.g. "
                         f"x[np.newaxis, :] for one neuron.")
    stride = _check_stride(stride)
    if figsize is not None and (fig is not None or ax is not None):
        raise ValidationError("raster_plot: figsize sizes a new figure (got figsize and "
                              f"{'fig' if fig is not None else 'ax'}). Pass one of them.")
    if ax is None:
        if fig is None:
            import matplotlib.pyplot as plt

            fig = plt.figure(figsize=(10, 5) if figsize is None else figsize)
        ax = fig.axes[0] if fig.axes else fig.add_subplot()
    neuron, step = np.nonzero(x[::stride])
    ax.plot(step, neuron * stride, linestyle="none", marker=marker, color=color, alpha=alpha,
            markersize=markersize)
    ax.set_xlim(-1, x.shape[1])
    ax.set_xlabel("Time step")
    ax.set_ylabel("Neuron")
    return ax.figure


def plot_traces(data: npt.ArrayLike, ax: Axes | None = None,
                neurons: Sequence[int] | None = None, xlabel: str = "Time step",
                ylabel: str = "Value", title: str | None = None) -> Axes:
    """Line plot of Monitor-style data, one line per selected neuron.

    Parameters
    ----------
    data : array_like, shape (num_steps, num_neurons) or (num_steps,)
        A 1-D array is one neuron's trace.
    ax : matplotlib.axes.Axes, optional
    neurons : sequence of int, optional
        Column indices to draw; all by default. Lines are labelled ``neuron <i>`` and a
        legend is added when at most ten are drawn.
    xlabel, ylabel, title : str

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_traces(np.array([[0., 1.], [1., 3.], [2., 5.]]), neurons=[1])
    >>> [line.get_label() for line in ax.lines], ax.lines[0].get_ydata()
    (['neuron 1'], array([1., 3., 5.]))
    >>> import matplotlib.pyplot as plt; plt.close(ax.figure)
    """
    y = np.asarray(data)
    if y.ndim == 1:
        y = y[:, np.newaxis]
    if y.ndim != 2:
        raise ShapeError(f"plot_traces: data must be of shape (num_steps, num_neurons) (got "
                         f"shape {y.shape}). Pass one Monitor recording at a time.")
    cols = list(range(y.shape[1])) if neurons is None else [int(n) for n in neurons]
    bad = [n for n in cols if not -y.shape[1] <= n < y.shape[1]]
    if bad:
        raise ValidationError(f"plot_traces: neurons must index the {y.shape[1]} columns of "
                              f"data (got {bad}). If data is (num_neurons, num_steps), pass "
                              f"data.T.")
    ax = _new_axes(ax)
    steps = np.arange(y.shape[0])
    for n in cols:
        ax.plot(steps, y[:, n], label=f"neuron {n}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    if 0 < len(cols) <= 10:
        ax.legend()
    return ax


def plot_rates(spikes: npt.ArrayLike, window: int | None = None, ax: Axes | None = None,
               offset: int = 0, subtract_mean: bool = False, label: str | None = None,
               title: str | None = None) -> Axes:
    """Plot the population rate over time (the E/I tutorial's "mean rate" figure).

    Draws :func:`~neuroproc.utils.analysis.population_rate` ``(spikes, window)``, i.e. mean
    spikes per neuron per step, box-car smoothed if ``window`` is given.

    Parameters
    ----------
    spikes : array_like, shape (num_neurons, num_steps)
    window : int, optional
        Box-car length in steps.
    ax : matplotlib.axes.Axes, optional
    offset : int
        Leave out the first and last ``offset`` steps (where the box-car is still filling).
    subtract_mean : bool
        Subtract the temporal mean (taken over all steps) to show fluctuations only.
    label, title : str, optional
        Line label (adds a legend) and Axes title.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_rates(np.array([[1, 0, 1, 0], [1, 1, 0, 0]]), offset=1)
    >>> ax.lines[0].get_xydata()
    array([[1. , 0.5],
           [2. , 0.5]])
    >>> import matplotlib.pyplot as plt; plt.close(ax.figure)
    """
    rate = population_rate(spikes, window)
    if isinstance(offset, (bool, np.bool_)) or not isinstance(offset, numbers.Integral) \
            or offset < 0 or 2 * offset >= rate.size:
        raise ValidationError(f"plot_rates: offset must be an int >= 0 that leaves some of "
                              f"the {rate.size} steps (got {offset!r}). Use offset < "
                              f"{(rate.size + 1) // 2}.")
    if subtract_mean:
        rate = rate - rate.mean()
    steps = np.arange(rate.size)[offset:rate.size - offset]
    ax = _new_axes(ax)
    ax.plot(steps, rate[offset:rate.size - offset], label=label)
    ax.set_xlabel("Time step")
    ax.set_ylabel("Mean rate")
    if title is not None:
        ax.set_title(title)
    if label is not None:
        ax.legend()
    return ax


def plot_auto_covariance(lags: npt.ArrayLike, acf: npt.ArrayLike, ax: Axes | None = None,
                         label: str | None = None) -> Axes:
    """Plot an auto-covariance function against the lag.

    Parameters
    ----------
    lags, acf : array_like, shape (num_lags,)
        As returned by :func:`~neuroproc.utils.analysis.auto_covariance`.
    ax : matplotlib.axes.Axes, optional
        Pass the same Axes again to compare several curves.
    label : str, optional
        Line label; adds a legend.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_auto_covariance([-1, 0, 1], [0.1, 0.5, 0.1], label="LIF")
    >>> ax.lines[0].get_ydata(), ax.get_legend().get_texts()[0].get_text()
    (array([0.1, 0.5, 0.1]), 'LIF')
    >>> import matplotlib.pyplot as plt; plt.close(ax.figure)
    """
    x, y = np.asarray(lags), np.asarray(acf)
    if x.ndim != 1 or x.shape != y.shape:
        raise ShapeError(f"plot_auto_covariance: lags and acf must be 1-D of equal length "
                         f"(got shapes {x.shape} and {y.shape}). Pass the pair returned by "
                         f"auto_covariance().")
    ax = _new_axes(ax)
    ax.plot(x, y, label=label)
    ax.set_xlabel("Lag")
    ax.set_ylabel("Covariance")
    if label is not None:
        ax.legend()
    return ax


def plot_activation_hist(exc: npt.ArrayLike, inh: npt.ArrayLike, total: npt.ArrayLike,
                         ax: Axes | None = None, bins: int = 10) -> Axes:
    """Overlaid density histograms of excitatory, inhibitory and total input.

    Draws the three distributions labelled ``E``, ``I`` and ``Total`` (``density=True``,
    half transparent) with a legend, as in the E/I tutorial. Arrays are flattened: pass one
    neuron's row of :func:`~neuroproc.utils.analysis.ei_activation` output, its temporal
    mean ``exc.mean(axis=0)``, or a whole array to pool everything.

    Parameters
    ----------
    exc, inh, total : array_like
    ax : matplotlib.axes.Axes, optional
    bins : int
        Number of bins of each histogram.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_activation_hist([1., 2.], [-1., -1.], [0., 1.], bins=2)
    >>> len(ax.patches), [t.get_text() for t in ax.get_legend().get_texts()]
    (6, ['E', 'I', 'Total'])
    >>> import matplotlib.pyplot as plt; plt.close(ax.figure)
    """
    if isinstance(bins, (bool, np.bool_)) or not isinstance(bins, numbers.Integral) \
            or bins < 1:
        raise ValidationError(f"plot_activation_hist: bins must be an int >= 1 (got "
                              f"{bins!r}). Pass the number of histogram bins.")
    ax = _new_axes(ax)
    for data, label in ((exc, "E"), (inh, "I"), (total, "Total")):
        ax.hist(np.ravel(data), bins=int(bins), alpha=0.5, density=True, label=label)
    ax.set_xlabel("Activation")
    ax.set_ylabel("Density")
    ax.legend()
    return ax
