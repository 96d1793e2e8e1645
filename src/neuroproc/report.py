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

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from neuroproc._validation import short_repr, who
from neuroproc.compiler import compile_network
from neuroproc.exceptions import ValidationError
from neuroproc.resources import is_neuro_core_resource

__all__ = [
    "CORE_TO_HOST",
    "HOST",
    "HOST_TO_CORE",
    "NEURO_CORE",
    "ChannelRow",
    "DeploymentReport",
    "ProcessRow",
    "VarAccessRow",
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
    fold : FoldReport or None
        What the compiler's fold stage removed (``fold.folded``) and kept with a reason
        (``fold.refused``); folded Processes are not listed among ``processes`` (see
        :mod:`neuroproc.compiler.fold`).
    """

    def __init__(self, processes, channels, var_access, run_cfg=None, locations=None, fold=None):
        self.processes, self.channels, self.var_access = list(processes), list(channels), list(var_access)
        self.run_cfg = run_cfg
        self.fold = fold
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
        """Plain data: ``{"processes": [...], "channels": [...], "var_access": [...], "fold": {...}}``."""
        out: dict[str, Any] = {k: [asdict(r) for r in getattr(self, k)] for k in ("processes", "channels", "var_access")}
        out["fold"] = None if self.fold is None else self.fold.as_dict()
        return out

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
        if self.fold is not None and (self.fold.folded or self.fold.refused):
            out += ["", f"Folded at compile time ({self.fold.summary()}):"]
            out += _fmt_table(["status", "kind", "processes", "what replaces them / why not"], self.fold.rows())
        return "\n".join(out)

    __str__ = table

    def __repr__(self) -> str:
        return f"<DeploymentReport: {self.summary()}>"

    def attach(self, target):
        """Count traffic on the runtime of ``target`` (a Process or a Runtime).

        A Process without a runtime gets one, compiled with this report's ``run_cfg``. The
        runtime must run the network this report describes.
        """
        from neuroproc.traffic import count_traffic

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
    return DeploymentReport(processes, channels, var_access, run_cfg, locations,
                            fold=getattr(exe.flat.selection, "report", None))


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


def __getattr__(name):
    # the traffic meter lives in neuroproc.traffic; keep the names reachable from here
    if name in ("StepCounts", "TrafficMeter", "TrafficRow", "count_traffic"):
        from neuroproc import traffic

        return getattr(traffic, name)
    raise AttributeError(name)
