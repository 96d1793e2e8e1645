"""Matplotlib helpers for spike rasters, traces, rates, auto-covariance and E/I input.

Array layouts follow :mod:`neuroproc.utils.analysis`: spike arrays are ``(num_neurons,
num_steps)`` (RingBuffer sink), traces are ``(num_steps, num_neurons)`` (Monitor).

``matplotlib.pyplot`` is imported inside each function, so importing this module stays
cheap and does not pick a backend. Each function draws into a given ``ax`` (or ``fig``) or
creates a new figure, and returns what it drew into, so calls can be layered.
"""
from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

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


def _monitor_recording(data: Any) -> np.ndarray:
    """The single array in ``Monitor.get_data()`` output (or in one of its inner dicts)."""
    found: list[tuple[str, Any]] = []

    def walk(d: Mapping, path: str) -> None:
        for k, v in d.items():
            if isinstance(v, Mapping):
                walk(v, f"{path}[{k!r}]")
            else:
                found.append((f"{path}[{k!r}]", v))

    walk(data, "data")
    if len(found) != 1:
        names = ", ".join(n for n, _ in found) or "none"
        raise ValidationError(f"raster_plot: the Monitor data holds {len(found)} recordings "
                              f"(got {names}). Pass one of them, e.g. "
                              f"raster_plot(data['lif']['s_out'], time_axis=0).")
    return np.asarray(found[0][1])


def _as_neurons_by_steps(spikes: Any, time_axis: int) -> np.ndarray:
    if isinstance(time_axis, (bool, np.bool_)) or time_axis not in (0, 1):
        raise ValidationError(f"raster_plot: time_axis must be 0 (rows are time steps, as a "
                              f"Monitor records) or 1 (columns are time steps, as a RingBuffer "
                              f"sink records) (got {time_axis!r}). Pass time_axis=0 or 1.")
    if callable(getattr(spikes, "get_data", None)):  # a Monitor itself
        spikes = spikes.get_data()
    if isinstance(spikes, Mapping):
        x = _monitor_recording(spikes)
        return x.reshape(x.shape[0], -1).T  # Monitor layout: (num_steps, *shape)
    x = np.asarray(spikes)
    if x.ndim != 2:
        layout = "(num_neurons, num_steps)" if time_axis == 1 else "(num_steps, num_neurons)"
        raise ShapeError(f"raster_plot: spikes must be a 2-D array of shape {layout} (got "
                         f"shape {x.shape}). Reshape it, e.g. x.reshape(len(x), -1) for "
                         f"Monitor data of a multi-dimensional port.")
    return x if time_axis == 1 else x.T


def raster_plot(spikes: npt.ArrayLike | Mapping | Any, stride: int = 1,
                fig: Figure | None = None, ax: Axes | None = None, color: Any = "b",
                alpha: float = 1.0, marker: str = "|", markersize: float | None = None,
                figsize: tuple[float, float] | None = None, *, time_axis: int = 1) -> Figure:
    """Raster plot: one marker per spike, time step on x, neuron index on y.

    Works like ``lava.utils.plots.raster_plot``: pass the Figure it returned as ``fig`` to
    draw a second raster over the first (e.g. two runs in different colours).

    The two places spikes come from record them in opposite layouts, and the shape of an
    array cannot tell which one it has: a RingBuffer sink gives ``(num_neurons, num_steps)``
    (Lava's layout, the default here), a Monitor gives ``(num_steps, num_neurons)``. So pass
    Monitor arrays with ``time_axis=0``, or pass what ``Monitor.get_data()`` returned (or the
    Monitor itself) when it holds one recording: that layout is then known.

    Parameters
    ----------
    spikes : array_like, dict or Monitor
        An array of shape ``(num_neurons, num_steps)`` (``time_axis=1``) or ``(num_steps,
        num_neurons)`` (``time_axis=0``), or Monitor output holding exactly one recording.
        A neuron spikes at step ``t`` when its entry at ``t`` is not 0.
    stride : int
        Draw neurons ``0, stride, 2 * stride, ...`` (at their own index on y).
    fig : matplotlib.figure.Figure, optional
        Draw into the first Axes of this figure (created if it has none).
    ax : matplotlib.axes.Axes, optional
        Draw into these Axes; takes precedence over ``fig``.
    color, alpha, marker, markersize
        Passed to ``Axes.plot`` for the markers (a small ``markersize`` keeps a dense raster of
        hundreds of neurons readable; None uses matplotlib's default).
    figsize : (float, float), optional
        Width and height in inches of the new figure (not with ``fig`` or ``ax``).
    time_axis : {1, 0}
        Which axis of an array ``spikes`` counts time steps.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ShapeError
        ``spikes`` is not 2-D.
    ValidationError
        ``time_axis`` is not 0 or 1, Monitor output holds several recordings, or ``figsize``
        comes with ``fig`` or ``ax``.

    Examples
    --------
    >>> fig = raster_plot(np.array([[1, 0, 1], [0, 1, 0]]))
    >>> fig.axes[0].lines[0].get_xydata()
    array([[0., 0.],
           [2., 0.],
           [1., 1.]])
    >>> import matplotlib.pyplot as plt; plt.close(fig)

    Monitor data, ``(num_steps, num_neurons)``, draws the same raster:

    >>> fig = raster_plot({"lif": {"s_out": np.array([[1, 0], [0, 1], [1, 0]])}})
    >>> fig.axes[0].lines[0].get_xydata()
    array([[0., 0.],
           [2., 0.],
           [1., 1.]])
    >>> plt.close(fig)
    """
    x = _as_neurons_by_steps(spikes, time_axis)
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
    return cast("Figure", ax.figure)


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
