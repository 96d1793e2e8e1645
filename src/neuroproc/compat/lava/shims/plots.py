"""``lava.utils.plots.raster_plot`` with Lava's defaults, checks and messages.

neuroproc's :func:`neuroproc.utils.plots.raster_plot` draws every neuron by default and accepts
any non-zero value as a spike; a Lava program expects Lava's defaults (every 6th neuron, round
markers, Lava's axis labels) and Lava's ``ValueError`` messages, so under the layer it gets them.
The drawing is neuroproc's.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from neuroproc.exceptions import ShapeError, ValidationError
from neuroproc.utils import plots as _plots

__all__ = ["raster_plot"]


def raster_plot(spikes: np.ndarray, stride: int = 6, fig: Any = None,
                figsize: tuple[float, float] | None = None, marker: str = "o",
                markersize: float = 1.5, color: Any = "b", alpha: float = 1,
                xlabel: str = "Time Steps", ylabel: str = "Neurons") -> Any:
    """Raster plot of ``spikes`` (neurons x time steps, values 0 or 1), every ``stride``-th neuron."""
    x = np.asarray(spikes)
    if x.ndim != 2 or 0 in x.shape:
        raise ShapeError("Parameter <spikes> must have exactly two dimensions and they must be "
                         "non-empty.")
    if np.any((x != 0) & (x != 1)):
        raise ValidationError("All values in spikes must be either 0 or 1.")
    if stride > x.shape[0]:
        raise ValidationError("Stride must not be greater than the number of neurons.")
    if fig is not None and figsize is not None:
        raise ValidationError("Must use at most one of the following: fig, figsize.")
    fig = _plots.raster_plot(x, stride=stride, fig=fig, figsize=figsize, marker=marker,
                             markersize=markersize, color=color, alpha=alpha)
    ax = fig.axes[0]
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_yticks([])
    return fig
