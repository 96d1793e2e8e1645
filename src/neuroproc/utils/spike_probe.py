"""Spike-train analysis of probed spikes, like probing ``ens.neurons`` in Nengo.

A Monitor that probes an OutPort (``mon.probe(lif.s_out, num_steps)``) records the message sent
in each step: ``get_data()[proc.name][port.name]`` has shape ``(num_steps, *shape)``, row
``t - 1`` holding step ``t``. :func:`spike_trains` wraps such a recording in a
:class:`SpikeTrains`, which answers per neuron: spike times, interspike intervals, rates, the
ISI coefficient of variation, and a low-pass filtered trace with a ``synapse`` time constant.

Everything is computed with the vectorised functions of :mod:`neuroproc.utils.analysis`, which
take ``(num_neurons, num_steps)``; this module does the transpose, so its own inputs and its
traces keep the Monitor's ``(num_steps, *shape)`` layout and its per-neuron results have the
port's ``shape`` (``isi`` lists neurons in flat, C order).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from neuroproc._validation import short_repr
from neuroproc.exceptions import ShapeError, ValidationError
from neuroproc.utils import analysis

__all__ = ["SpikeTrains", "spike_trains"]


def _check_dt(dt: Any, who: str) -> float:
    ok = isinstance(dt, (int, float, np.integer, np.floating)) and not isinstance(dt, (bool, np.bool_)) \
        and np.isfinite(dt) and dt > 0
    if not ok:
        raise ValidationError(f"{who}: dt must be a finite number > 0 (got {dt!r}). "
                              "Pass the duration of one time step, e.g. dt=0.001 for 1 ms.")
    return float(dt)


class SpikeTrains:
    """Spikes of a population over time, in Monitor layout ``(num_steps, *shape)``.

    Entries count spikes per step (0/1 for binary spikes); any non-zero entry is a spike time.

    Parameters
    ----------
    spikes : array_like, shape (num_steps, \\*shape)
        Row ``k`` is time step ``first_step + k``.
    dt : float
        Duration of one step, ``> 0``; times, intervals and rates are in this unit.
    first_step : int
        The time step of row 0 (1 for a Monitor, whose steps count from 1).

    Examples
    --------
    >>> st = SpikeTrains([[1, 0], [0, 0], [1, 1], [0, 0]])
    >>> st.rates()
    array([0.5 , 0.25])
    >>> st.isi()[0]
    array([2.])
    """

    def __init__(self, spikes: npt.ArrayLike, dt: float = 1.0, first_step: int = 1):
        arr = np.asarray(spikes)
        if arr.ndim < 1 or arr.shape[0] < 1:
            raise ShapeError(f"SpikeTrains: spikes must have shape (num_steps, *shape) with at least one "
                             f"step (got shape {arr.shape}). Pass the Monitor's recording of the port.")
        if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
            raise ValidationError(f"SpikeTrains: spikes must hold numbers (got dtype {arr.dtype}). "
                                  "Convert with np.asarray(x, dtype=float).")
        self.spikes = arr
        self.dt = _check_dt(dt, "SpikeTrains")
        self.first_step = int(first_step)

    @property
    def num_steps(self) -> int:
        return self.spikes.shape[0]

    @property
    def shape(self) -> tuple:
        """Shape of the population (the port's shape)."""
        return self.spikes.shape[1:]

    @property
    def num_neurons(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def steps(self) -> np.ndarray:
        """The time step of each row."""
        return np.arange(self.first_step, self.first_step + self.num_steps)

    @property
    def times(self) -> np.ndarray:
        """The time of each row: ``steps * dt``."""
        return self.steps * self.dt

    def _by_neuron(self) -> np.ndarray:
        # analysis uses (num_neurons, num_steps); a view, no copy
        return self.spikes.reshape(self.num_steps, self.num_neurons).T

    def _dt(self, dt) -> float:
        return self.dt if dt is None else _check_dt(dt, "SpikeTrains")

    def spike_times(self, dt: float | None = None) -> list[np.ndarray]:
        """Times (``step * dt``) at which each neuron spikes; one array per neuron, flat order."""
        dt = self._dt(dt)
        neuron, row = np.nonzero(self._by_neuron())
        times = (row + self.first_step) * dt
        return np.split(times, np.cumsum(np.bincount(neuron, minlength=self.num_neurons))[:-1])

    def isi(self, dt: float | None = None) -> list[np.ndarray]:
        """Interspike intervals of each neuron (empty with fewer than two spikes); flat order."""
        return analysis.interspike_intervals(self._by_neuron(), dt=self._dt(dt))

    def rates(self, dt: float | None = None) -> np.ndarray:
        """Spike count / (num_steps * dt) per neuron, shape ``shape``."""
        return analysis.firing_rates(self._by_neuron(), dt=self._dt(dt)).reshape(self.shape)

    def cv(self) -> np.ndarray:
        """ISI coefficient of variation per neuron, shape ``shape``; NaN below three spikes."""
        return analysis.isi_cv(self._by_neuron()).reshape(self.shape)

    def filtered(self, synapse: float | None, dt: float | None = None) -> np.ndarray:
        """Low-pass filtered spikes (Nengo's ``synapse=``), shape ``(num_steps, *shape)``.

        Spikes are impulses of area 1 (height ``1/dt``) through ``y[k] = a y[k-1] + (1-a) x[k]/dt``
        with ``a = exp(-dt/synapse)``; see :func:`neuroproc.utils.analysis.lowpass_filter`. A
        neuron firing at a steady rate ``r`` settles around ``r``. ``synapse=None`` or ``0``
        returns the unfiltered ``spikes / dt``, as a Nengo probe with ``synapse=None`` does.
        """
        tau = 0.0 if synapse is None else synapse
        y = analysis.lowpass_filter(self._by_neuron(), tau=tau, dt=self._dt(dt))
        return y.T.reshape(self.spikes.shape)

    def __repr__(self) -> str:
        return f"SpikeTrains(num_steps={self.num_steps}, shape={self.shape}, dt={self.dt})"


def spike_trains(monitor, target, dt: float = 1.0, num_steps: int | None = None) -> SpikeTrains:
    """The spikes a Monitor recorded from ``target`` (an OutPort, e.g. ``lif.s_out``).

    Parameters
    ----------
    monitor : Monitor
        Probed ``target`` with ``monitor.probe(target, n)`` and has run.
    target : OutPort
        The probed port (a probed Var holding spikes works too).
    dt : float
        Duration of one step.
    num_steps : int, optional
        Keep only the first ``num_steps`` rows. By default, while the network's runtime is alive,
        the rows of steps that have run; otherwise every row. Rows of steps that never ran are
        zeros and would lower the rates: after ``stop()`` of a run shorter than the probe, pass
        ``num_steps``.

    Returns
    -------
    SpikeTrains
    """
    proc = getattr(target, "process", None)
    name = getattr(target, "name", None)
    get_data = getattr(monitor, "get_data", None)
    if get_data is None:
        raise ValidationError(f"spike_trains: monitor must be a Monitor (got {short_repr(monitor)}). "
                              "Pass the Monitor that probed the port.")
    if proc is None or name is None:
        raise ValidationError(f"spike_trains: target must be a port of a Process (got {short_repr(target)}). "
                              "Pass the probed OutPort, e.g. lif.s_out.")
    data = get_data().get(proc.name, {})
    if name not in data:
        probed = [f"{p}.{n}" for p, d in get_data().items() for n in d]
        raise ValidationError(f"spike_trains: {monitor.name} does not probe {proc.name}.{name} (got probes "
                              f"{probed}). Call monitor.probe({proc.name}.{name}, num_steps) before the run.")
    spikes = data[name]
    if num_steps is None:
        rt = getattr(monitor, "runtime", None)
        if rt is not None and rt.time_step >= 1:
            num_steps = min(spikes.shape[0], int(rt.time_step))
    elif isinstance(num_steps, bool) or not isinstance(num_steps, (int, np.integer)) \
            or not 1 <= num_steps <= spikes.shape[0]:
        raise ValidationError(f"spike_trains: num_steps must be an int in 1..{spikes.shape[0]}, the rows "
                              f"the probe holds (got {num_steps!r}). Pass the number of steps that ran.")
    if num_steps is not None:
        spikes = spikes[:num_steps]
    return SpikeTrains(spikes, dt=dt, first_step=1)
