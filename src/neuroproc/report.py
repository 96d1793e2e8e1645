"""Which Processes would run on a host CPU or on neuro-cores, and what crosses between them.

Host <-> chip I/O, not the chip, usually bounds a Nengo-Loihi simulation. Before a run,
:func:`deployment_report` compiles the network and lists each leaf Process with its model and
location (``"neuro-core"`` if the model ``@requires`` a ``NeuroCore``, else ``"host"``) and each
channel, flagging those that cross (``"host->core"`` / ``"core->host"``). During runs, a
:class:`TrafficMeter` from :meth:`DeploymentReport.attach` or :func:`count_traffic` counts per
channel and per step: messages, non-zero entries (spikes) and bytes. Without a meter a
channel's ``counter`` stays ``None``, which costs one attribute test per message. ::

    report = deployment_report(net, run_cfg)
    print(report)
    traffic = report.attach(net)              # builds the runtime with report.run_cfg
    net.run(condition=RunSteps(4), run_cfg=run_cfg)
    net.run(condition=RunSteps(6))
    print(traffic)                            # totals, mean and max per step
    traffic.boundary_counts()["core->host"].bytes   # bytes leaving the chip, per step
    net.stop()
"""
from __future__ import annotations

from array import array
from dataclasses import asdict, dataclass

import numpy as np

from neuroproc._validation import short_repr, who
from neuroproc.compiler import compile_network
from neuroproc.exceptions import RuntimeStateError, ValidationError
from neuroproc.resources import is_neuro_core_resource

__all__ = [
    "CORE_TO_HOST",
    "HOST",
    "HOST_TO_CORE",
    "NEURO_CORE",
    "ChannelRow",
    "DeploymentReport",
    "ProcessRow",
    "StepCounts",
    "TrafficMeter",
    "TrafficRow",
    "VarAccessRow",
    "count_traffic",
    "crossing",
    "deployment_report",
    "model_location",
]

HOST = "host"
NEURO_CORE = "neuro-core"
HOST_TO_CORE = "host->core"
CORE_TO_HOST = "core->host"


def _resources(model_cls) -> list:
    # @requires accepts lists/tuples of alternatives; any NeuroCore among them places the model
    reqs = getattr(model_cls, "required_resources", None) or []
    return [x for r in reqs for x in (r if isinstance(r, (list, tuple)) else [r])]


def model_location(model_cls) -> str:
    """``"neuro-core"`` if any required resource of ``model_cls`` is a NeuroCore, else ``"host"``."""
    return NEURO_CORE if any(is_neuro_core_resource(r) for r in _resources(model_cls)) else HOST


def crossing(src_location: str, dst_location: str) -> str | None:
    """``"host->core"``, ``"core->host"``, or None for data that stays on one side."""
    if src_location == dst_location:
        return None
    return HOST_TO_CORE if dst_location == NEURO_CORE else CORE_TO_HOST


@dataclass(frozen=True)
class ProcessRow:
    """A leaf Process, its selected model and where that model would live."""

    process: str
    model: str
    location: str
    resources: tuple


@dataclass(frozen=True)
class ChannelRow:
    """A leaf-to-leaf channel; ``bytes_per_message`` is size x itemsize of the sender's dtype.

    Through a ConcatPort only the sender's own part counts (a sender joined into a larger port
    sends its size, a receiver split off a larger message gets its slice's size).
    """

    index: int
    src: str
    dst: str
    shape: tuple
    dtype: str
    bytes_per_message: int
    src_location: str
    dst_location: str
    crossing: str | None


@dataclass(frozen=True)
class VarAccessRow:
    """A RefPort reading/writing a Var; ``crossing`` is the direction of a read. Not counted."""

    ref: str
    var: str
    ref_location: str
    var_location: str
    crossing: str | None


def _fmt_table(headers: list, rows: list) -> list:
    """Lines of an aligned text table; columns of numbers are right-aligned."""
    cells = [[str(c) for c in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    numeric = [bool(cells) and all(r[i].replace(".", "", 1).isdigit() for r in cells)
               for i in range(len(headers))]

    def line(values):
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)).rstrip()

    return [line(headers), line(["-" * w for w in widths])] + [line(r) for r in cells]


class DeploymentReport:
    """Placement of every leaf Process and the channels between them, from a compile.

    Attributes
    ----------
    processes : list of ProcessRow
    channels : list of ChannelRow
    var_access : list of VarAccessRow
        RefPort links (a Monitor probing a Var is one); listed, not counted by meters.
    run_cfg : RunConfig or None
        The configuration the network was compiled with.
    """

    def __init__(self, processes, channels, var_access, run_cfg=None, locations=None):
        self.processes, self.channels, self.var_access = list(processes), list(channels), list(var_access)
        self.run_cfg = run_cfg
        self._locations = dict(locations or {})  # id(leaf Process) -> location

    @property
    def boundary_channels(self) -> list:
        """The channels that cross the host <-> neuro-core boundary."""
        return [c for c in self.channels if c.crossing is not None]

    def location(self, proc) -> str:
        """Where the leaf Process ``proc`` would live: ``"host"`` or ``"neuro-core"``."""
        try:
            return self._locations[id(proc)]
        except KeyError:
            raise ValidationError(f"DeploymentReport.location: {short_repr(proc)} is not a leaf Process "
                                  "of this network. Pass one of the Processes listed in the report.") from None

    def as_dict(self) -> dict:
        """Plain data: ``{"processes": [...], "channels": [...], "var_access": [...]}``."""
        return {k: [asdict(r) for r in getattr(self, k)] for k in ("processes", "channels", "var_access")}

    def bytes_per_step(self) -> dict:
        """Bytes crossing each way per step if every channel sends one message per step."""
        return {d: sum(c.bytes_per_message for c in self.channels if c.crossing == d)
                for d in (HOST_TO_CORE, CORE_TO_HOST)}

    def summary(self) -> str:
        """One line: Processes on each side, channels crossing, bytes per step each way."""
        n_core = sum(r.location == NEURO_CORE for r in self.processes)
        per = self.bytes_per_step()
        return (f"{len(self.processes)} processes ({len(self.processes) - n_core} host, {n_core} "
                f"neuro-core), {len(self.channels)} channels ({len(self.boundary_channels)} cross: "
                f"{HOST_TO_CORE} {per[HOST_TO_CORE]} B/step, {CORE_TO_HOST} {per[CORE_TO_HOST]} B/step "
                "at one message per channel per step)")

    def table(self) -> str:
        """The report as aligned text tables."""
        cfg = "" if self.run_cfg is None else f" with {type(self.run_cfg).__name__}"
        out = [f"Deployment{cfg}: {self.summary()}", ""]
        out += _fmt_table(["process", "model", "location", "resources"],
                          [(r.process, r.model, r.location, ", ".join(r.resources) or "-")
                           for r in self.processes])
        out.append("")
        out += _fmt_table(["#", "from", "to", "shape", "dtype", "B/msg", "crosses"],
                          [(c.index, c.src, c.dst, c.shape, c.dtype, c.bytes_per_message, c.crossing or "-")
                           for c in self.channels])
        if self.var_access:
            out += ["", "Var access through RefPorts (not counted by traffic meters):"]
            out += _fmt_table(["ref port", "var", "crosses (read)"],
                              [(r.ref, r.var, r.crossing or "-") for r in self.var_access])
        return "\n".join(out)

    __str__ = table

    def __repr__(self) -> str:
        return f"<DeploymentReport: {self.summary()}>"

    def attach(self, target) -> TrafficMeter:
        """Count traffic on the runtime of ``target`` (a Process or a Runtime).

        A Process without a runtime gets one, compiled with this report's ``run_cfg``. The
        runtime must run the network this report describes.
        """
        meter = count_traffic(target, self.run_cfg)
        key = sorted((c.src, c.dst, c.crossing) for c in self.channels)
        if sorted((c.src, c.dst, c.crossing) for c in meter.deployment.channels) != key:
            meter.detach()
            got = ", ".join(f"{c.src} -> {c.dst}" for c in meter.deployment.channels)
            raise ValidationError(
                "DeploymentReport.attach: the runtime runs a different network or placement than this "
                f"report describes (got channels {got}). Make the report with the same network and "
                "run_cfg, or use count_traffic(target).")
        return meter


def _report_from_executable(exe, run_cfg=None) -> DeploymentReport:
    locations = {id(e.proc): model_location(e.model_cls) for e in exe.entries}
    processes = [ProcessRow(who(e.proc), e.model_cls.__name__, locations[id(e.proc)],
                            tuple(getattr(r, "__name__", type(r).__name__) for r in _resources(e.model_cls)))
                 for e in exe.entries]
    channels = []
    for i, spec in enumerate(exe.channels):
        src_loc, dst_loc = locations[id(spec.src.process)], locations[id(spec.dst.process)]
        # the part of the sender's message this receiver gets: all of it, or its ConcatPort slice
        size = min(int(np.prod(spec.src.shape, dtype=np.int64)), int(np.prod(spec.dst.shape, dtype=np.int64)))
        channels.append(ChannelRow(i, spec.src.who, spec.dst.who, tuple(spec.src.shape), str(spec.dtype),
                                   size * spec.dtype.itemsize, src_loc, dst_loc, crossing(src_loc, dst_loc)))
    var_access = []
    for link in exe.flat.ref_links:
        ref_loc = locations.get(id(link.ref.process), HOST)
        var_loc = locations.get(id(link.var.process), HOST)
        var_access.append(VarAccessRow(link.ref.who, link.var.who, ref_loc, var_loc, crossing(var_loc, ref_loc)))
    return DeploymentReport(processes, channels, var_access, run_cfg, locations)


def deployment_report(proc, run_cfg) -> DeploymentReport:
    """Compile the network around ``proc`` with ``run_cfg`` (no step is run) and report placement.

    Parameters
    ----------
    proc : AbstractProcess
        Any Process of the network.
    run_cfg : RunConfig
        Chooses the models, hence the placement.

    Returns
    -------
    DeploymentReport
    """
    return _report_from_executable(compile_network(proc, run_cfg), run_cfg)


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


def _row(label: str, cross, counts: StepCounts, axis_idx=None) -> TrafficRow:
    vals = []
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

    def __init__(self, runtime):
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
        self.deployment = _report_from_executable(runtime.exe, getattr(runtime.exe, "run_cfg", None))
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


def count_traffic(target, run_cfg=None) -> TrafficMeter:
    """Install traffic counters on the runtime of ``target`` and return the meter that reads them.

    Parameters
    ----------
    target : AbstractProcess or Runtime
        A Process of the network (if it has no runtime yet, one is built with ``run_cfg`` on the
        python backend, whose results equal the compiled one's) or a Runtime on the python backend.
    run_cfg : RunConfig, optional
        Needed only when the network has no runtime yet.

    Returns
    -------
    TrafficMeter
        Its ``deployment`` describes the runtime's own compile.
    """
    if hasattr(target, "backend") and hasattr(target, "exe"):
        return TrafficMeter(target)
    if not hasattr(target, "create_runtime"):
        raise ValidationError(f"count_traffic: target must be a Process or a Runtime (got "
                              f"{short_repr(target)}). Pass any Process of the network.")
    if target.runtime is None and run_cfg is None:
        raise RuntimeStateError(f"count_traffic: {who(target)} has no runtime yet (got run_cfg=None). "
                                "Pass run_cfg so one is built, or call create_runtime(run_cfg) first.")
    # counting needs the python backend; 'auto' would fuse kernel-only networks into one loop
    return TrafficMeter(target.create_runtime(run_cfg, backend="python"))
