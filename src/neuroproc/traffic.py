"""Per-channel, per-step traffic counters for the python backend (see :mod:`neuroproc.report`).

A :class:`TrafficMeter` sets ``channel.counter`` on every channel of a running network and, after
runs, tells per channel and per step how many messages, non-zero entries (spikes) and bytes
moved, with totals, means and maxima, and the totals that cross the host <-> neuro-core boundary.

Two byte counts are kept: ``bytes`` are the dense arrays a simulation moves; the event model
(:meth:`TrafficMeter.boundary_events`) counts what a chip link would carry, one spike event per
non-zero entry of ``bytes_per_event`` bytes (:mod:`neuroproc.chips`). Against a per-step event cap
(Nengo-Loihi's ``snip_max_spikes_per_step``; 50 in its documentation's example) it counts the steps over the cap and
the events that would wait in a queue; with a link latency of L steps, a step's events arrive L
steps later.
"""
from __future__ import annotations

from array import array
from dataclasses import asdict, dataclass

import numpy as np

from neuroproc._validation import short_repr, who
from neuroproc.chips import chip_spec
from neuroproc.exceptions import RuntimeStateError, ValidationError
from neuroproc.report import CORE_TO_HOST, HOST_TO_CORE, _fmt_table, _report_from_executable

__all__ = ["BoundaryEvents", "StepCounts", "TrafficMeter", "TrafficRow", "count_traffic"]


# -- traffic counting ----------------------------------------------------------------------------------
class _ChannelCounter:
    """Installed as ``Channel.counter``: one entry per message, aggregated per step on read."""

    __slots__ = ("clock", "cap", "steps", "nonzero", "nbytes")

    def __init__(self, clock, cap: int):
        self.clock = clock  # the scheduler: its time_step is the step being run
        self.cap = cap  # a ConcatPort pads a member's message with zeros: padding is not traffic
        self.steps = array("q")
        self.nonzero = array("q")
        self.nbytes = array("q")

    def record(self, msg) -> None:
        self.steps.append(self.clock.time_step)
        self.nonzero.append(int(np.count_nonzero(msg)))
        n = msg.nbytes
        self.nbytes.append(n if n < self.cap else self.cap)


@dataclass(frozen=True)
class StepCounts:
    """Per-step counts; arrays are ``(num_channels, num_steps)`` or ``(num_steps,)``."""

    steps: np.ndarray
    messages: np.ndarray
    nonzero: np.ndarray
    bytes: np.ndarray


@dataclass(frozen=True)
class TrafficRow:
    """Totals over the counted steps, and the mean and max per step, for a channel or a direction."""

    channel: str
    crossing: str | None
    messages: int
    messages_mean: float
    messages_max: int
    nonzero: int
    nonzero_mean: float
    nonzero_max: int
    bytes: int
    bytes_mean: float
    bytes_max: int


@dataclass(frozen=True)
class BoundaryEvents:
    """Spike events crossing one way, per counted step, as a chip link would carry them.

    ``events`` are the non-zero entries sent, ``bytes`` their size as events, ``dense_bytes`` the
    arrays the simulation moved; ``arrival_steps`` are ``steps`` plus the link latency. Under a cap
    of ``cap`` events per step, ``backlog`` is how many events still wait after each step (sent in
    order, at most ``cap`` per step) and ``steps_over_cap`` how many steps offered more than ``cap``.
    """

    direction: str
    steps: np.ndarray
    events: np.ndarray
    bytes: np.ndarray
    dense_bytes: np.ndarray
    arrival_steps: np.ndarray
    cap: int | None
    steps_over_cap: int
    backlog: np.ndarray


def _backlog(events: np.ndarray, cap: int | None) -> np.ndarray:
    out = np.zeros(events.size, dtype=np.int64)
    if cap is None:
        return out
    waiting = 0
    for i, n in enumerate(events.tolist()):
        waiting = max(0, waiting + int(n) - cap)
        out[i] = waiting
    return out


def _row(label: str, cross, counts: StepCounts, axis_idx=None) -> TrafficRow:
    vals: list = []
    for arr in (counts.messages, counts.nonzero, counts.bytes):
        a = arr if axis_idx is None else arr[axis_idx]
        vals += [int(a.sum()), float(a.mean()) if a.size else 0.0, int(a.max()) if a.size else 0]
    return TrafficRow(label, cross, *vals)


class TrafficMeter:
    """Counts messages, non-zero entries and bytes on every channel of a python-backend runtime.

    Steps are counted from the step after :func:`count_traffic` was called up to the runtime's
    last completed step (or the step of :meth:`detach`), across any number of ``run`` calls.
    Messages an asynchronous model sends outside a step count toward the first counted step.
    """

    def __init__(self, runtime, chip=None, place=None, latency_steps: int = 0,
                 max_events_per_step: int | None = None):
        backend = runtime.backend
        name = getattr(backend, "name", type(backend).__name__)
        if name != "python" or not hasattr(backend, "channels") or not hasattr(backend, "scheduler"):
            raise RuntimeStateError(
                f"count_traffic: traffic counters hook into the python backend's channels, which the "
                f"{name!r} backend does not move messages through (got backend={name!r}). Run the "
                "network with backend='python' to count traffic.")
        if getattr(runtime, "_stopped", False) or getattr(runtime, "running", False):
            raise RuntimeStateError("count_traffic: the runtime is stopped or running in the background (got "
                                    f"{short_repr(runtime)}). Attach before run(), or after pause()/wait().")
        busy = [ch for ch in backend.channels if ch.counter is not None]
        if busy:
            raise RuntimeStateError(f"count_traffic: channel {busy[0].spec.edge} already has a counter "
                                    f"(got {short_repr(busy[0].counter)}). Call detach() on the other "
                                    "TrafficMeter first.")
        #: placement and channels of the runtime's own compile, in the order counts() uses
        self.deployment = _report_from_executable(runtime.exe, getattr(runtime.exe, "run_cfg", None),
                                                  None if chip is None else chip_spec(chip), place,
                                                  latency_steps, max_events_per_step)
        self._runtime = runtime
        self._start = runtime.time_step
        self._end: int | None = None
        self._channels = list(backend.channels)
        self._counters = [_ChannelCounter(backend.scheduler, row.bytes_per_message)
                          for row in self.deployment.channels]
        for ch, counter in zip(self._channels, self._counters):
            ch.counter = counter

    @property
    def attached(self) -> bool:
        """True until :meth:`detach`."""
        return self._end is None

    def detach(self) -> None:
        """Remove the counters (channels cost nothing again); the counts so far stay readable."""
        if self._end is not None:
            return
        self._end = self._runtime.time_step
        for ch, counter in zip(self._channels, self._counters):
            if ch.counter is counter:
                ch.counter = None

    @property
    def steps(self) -> np.ndarray:
        """The counted time steps (they count from 1 at the network's first run)."""
        end = self._runtime.time_step if self._end is None else self._end
        return np.arange(self._start + 1, end + 1)

    def counts(self) -> StepCounts:
        """Per channel (rows, in ``deployment.channels`` order) and per step (columns)."""
        steps = self.steps
        n = steps.size
        out = np.zeros((3, len(self._counters), n), dtype=np.int64)
        for i, c in enumerate(self._counters):
            m = len(c.nbytes)  # appended last: during a background run the others may hold one more
            at = np.asarray(c.steps[:m], dtype=np.int64) - (self._start + 1)
            keep = at < n  # a step still being run is not complete yet
            at = np.maximum(at[keep], 0)
            for k, values in enumerate((None, c.nonzero, c.nbytes)):
                w = None if values is None else np.asarray(values[:m], dtype=np.int64)[keep]
                out[k, i] = np.bincount(at, weights=w, minlength=n)[:n]
        return StepCounts(steps, out[0], out[1], out[2])

    def boundary_counts(self) -> dict:
        """``{"host->core": StepCounts, "core->host": StepCounts}``, each summed over its channels."""
        c = self.counts()
        way = np.array([r.crossing for r in self.deployment.channels], dtype=object)
        return {d: StepCounts(c.steps, *(a[way == d].sum(axis=0) for a in (c.messages, c.nonzero, c.bytes)))
                for d in (HOST_TO_CORE, CORE_TO_HOST)}

    def boundary_events(self, max_events_per_step: int | None | str = "report") -> dict:
        """``{"host->core": BoundaryEvents, "core->host": BoundaryEvents}`` over the counted steps.

        ``max_events_per_step`` defaults to the cap of the report the meter was made with.
        """
        cap: int | None = (self.deployment.max_events_per_step if isinstance(max_events_per_step, str)
                           else max_events_per_step)
        c = self.counts()
        rows = self.deployment.channels
        per_event = np.array([r.bytes_per_event for r in rows], dtype=np.int64).reshape(-1, 1)
        way = np.array([r.crossing for r in rows], dtype=object)
        out = {}
        for d in (HOST_TO_CORE, CORE_TO_HOST):
            events = c.nonzero[way == d].sum(axis=0)
            backlog = _backlog(events, cap)
            out[d] = BoundaryEvents(d, c.steps, events, (c.nonzero * per_event)[way == d].sum(axis=0),
                                    c.bytes[way == d].sum(axis=0), c.steps + self.deployment.latency_steps, cap,
                                    0 if cap is None else int((events > cap).sum()), backlog)
        return out

    def compare(self) -> str:
        """Predicted (worst case, from the report) and measured boundary traffic per step, side by side."""
        rep = self.deployment
        pe, pb, pd = rep.events_per_step(), rep.event_bytes_per_step(), rep.bytes_per_step()
        body = []
        for d, b in self.boundary_events().items():
            n = max(b.steps.size, 1)
            capped = b.cap is not None
            body.append((d, pe[d], f"{b.events.sum() / n:.2f}", int(b.events.max(initial=0)), pb[d],
                         f"{b.bytes.sum() / n:.1f}", int(b.bytes.max(initial=0)), pd[d],
                         b.steps_over_cap if capped else "-", int(b.backlog.max(initial=0)) if capped else "-"))
        cap = rep.max_events_per_step
        head = (f"Boundary traffic per step over {self.steps.size} steps: predicted worst case vs measured "
                f"(events of {', '.join(sorted({str(r.bytes_per_event) for r in rep.boundary_channels})) or '-'} B; "
                f"cap {cap if cap is not None else 'none'} events/step, latency {rep.latency_steps} steps)")
        return "\n".join([head] + _fmt_table(
            ["crosses", "events max (pred.)", "events mean", "events max", "B max (pred.)", "B mean", "B max",
             "dense B", "steps over cap", "max backlog"], body))

    def rows(self) -> list:
        """One :class:`TrafficRow` per channel."""
        c = self.counts()
        return [_row(f"{r.src} -> {r.dst}", r.crossing, c, i) for i, r in enumerate(self.deployment.channels)]

    def boundary_rows(self) -> list:
        """One :class:`TrafficRow` per crossing direction, labelled ``"total"``."""
        return [_row("total", d, counts) for d, counts in self.boundary_counts().items()]

    def as_dict(self) -> dict:
        """Plain data: the counted steps, per-channel and per-direction rows and per-step arrays."""
        c = self.counts()
        return {"steps": c.steps.tolist(), "channels": [asdict(r) for r in self.rows()],
                "boundary": [asdict(r) for r in self.boundary_rows()],
                "per_step": {k: getattr(c, k).tolist() for k in ("messages", "nonzero", "bytes")}}

    def table(self) -> str:
        """Aligned text: totals and mean/max per step, per channel, then per crossing direction."""
        steps = self.steps
        span = f"steps {steps[0]}-{steps[-1]}" if steps.size else "no steps yet"
        rows = self.rows() + self.boundary_rows()
        body = [(r.channel, r.crossing or "-", r.messages, r.messages_max, r.nonzero, f"{r.nonzero_mean:.2f}",
                 r.nonzero_max, r.bytes, f"{r.bytes_mean:.1f}", r.bytes_max) for r in rows]
        lines = _fmt_table(["channel", "crosses", "msgs", "msgs/step max", "nonzero", "nz/step mean",
                            "nz/step max", "bytes", "B/step mean", "B/step max"], body)
        return "\n".join([f"Traffic over {span} ({steps.size} steps)"] + lines)

    __str__ = table

    def __repr__(self) -> str:
        return (f"<TrafficMeter {'attached' if self.attached else 'detached'}, {len(self._channels)} "
                f"channels, {self.steps.size} steps>")


def count_traffic(target, run_cfg=None, *, chip=None, place=None, latency_steps: int = 0,
                  max_events_per_step: int | None = None) -> TrafficMeter:
    """Install traffic counters on the runtime of ``target`` and return the meter that reads them.

    Parameters
    ----------
    target : AbstractProcess or Runtime
        A Process of the network (if it has no runtime yet, one is built with ``run_cfg`` on the
        python backend, whose results equal the compiled one's) or a Runtime on the python backend.
    run_cfg : RunConfig, optional
        Needed only when the network has no runtime yet.
    chip, place, latency_steps, max_events_per_step
        Placement and link, as ``target``, ``place``, ``latency_steps`` and ``max_events_per_step``
        of :func:`~neuroproc.report.deployment_report`.

    Returns
    -------
    TrafficMeter
        Its ``deployment`` describes the runtime's own compile.
    """
    link = {"chip": chip, "place": place, "latency_steps": latency_steps, "max_events_per_step": max_events_per_step}
    if hasattr(target, "backend") and hasattr(target, "exe"):
        return TrafficMeter(target, **link)
    if not hasattr(target, "create_runtime"):
        raise ValidationError(f"count_traffic: target must be a Process or a Runtime (got "
                              f"{short_repr(target)}). Pass any Process of the network.")
    if target.runtime is None and run_cfg is None:
        raise RuntimeStateError(f"count_traffic: {who(target)} has no runtime yet (got run_cfg=None). "
                                "Pass run_cfg so one is built, or call create_runtime(run_cfg) first.")
    # counting needs the python backend; 'auto' would fuse kernel-only networks into one loop
    rt = target.runtime
    if rt is not None:  # an existing runtime is counted as it is (TrafficMeter checks its backend)
        return TrafficMeter(rt, **link)
    return TrafficMeter(target.create_runtime(run_cfg, backend="python"), **link)
