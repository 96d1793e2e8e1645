"""Which Processes would run on a host CPU or on neuro-cores, and what crosses between them.

Host <-> chip I/O, not the chip, usually bounds a Nengo-Loihi simulation. Before a run,
:func:`deployment_report` compiles the network and lists each leaf Process with its model and
location, and each channel, flagging those that cross (``"host->core"`` / ``"core->host"``).
With ``target='Loihi1'`` or ``'Loihi2'`` placement is automatic (:mod:`neuroproc.placement`), the
report counts neuro-cores per Process against the chip's limits (:mod:`neuroproc.chips`), says
which Process does not fit, which host Processes are precomputable, and predicts boundary
traffic as spike events (32-bit messages plus payload) next to the dense byte counts. During
runs, a :class:`TrafficMeter` from :meth:`DeploymentReport.attach` or :func:`count_traffic`
counts per channel and per step: messages, non-zero entries (spike events) and bytes. Without a
meter a channel's ``counter`` stays ``None``, which costs one attribute test per message. ::

    report = deployment_report(net, run_cfg, target="Loihi2", max_events_per_step=50)
    print(report)
    traffic = report.attach(net)              # builds the runtime with report.run_cfg
    net.run(condition=RunSteps(10), run_cfg=run_cfg)
    print(traffic.compare())                  # predicted vs measured events and bytes per step
    traffic.boundary_events()["core->host"].events   # spike events leaving the chip, per step
    net.stop()
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from neuroproc._validation import short_repr, who
from neuroproc.chips import ChipSpec, bytes_per_event, chip_spec
from neuroproc.compiler import compile_network
from neuroproc.exceptions import ValidationError
from neuroproc.placement import (
    CORE_TO_HOST,
    HOST,
    HOST_TO_CORE,
    NEURO_CORE,
    CoreRow,
    RoundTrip,
    core_rows,
    crossing,
    model_location,
    model_resources,
    place_on_chip,
    precomputable,
    round_trips,
)

__all__ = [
    "CORE_TO_HOST",
    "HOST",
    "HOST_TO_CORE",
    "NEURO_CORE",
    "ChannelRow",
    "CoreRow",
    "DeploymentReport",
    "ProcessRow",
    "RoundTrip",
    "VarAccessRow",
    "crossing",
    "deployment_report",
    "model_location",
]


@dataclass(frozen=True)
class ProcessRow:
    """A leaf Process, its selected model, where that model would live and why."""

    process: str
    model: str
    location: str
    resources: tuple
    why: str = ""


@dataclass(frozen=True)
class ChannelRow:
    """A leaf-to-leaf channel.

    ``bytes_per_message`` is size x itemsize of the sender's dtype: the dense array a simulation
    moves. On the chip boundary spikes travel as events (:mod:`neuroproc.chips`): at most
    ``max_events`` per message (one per entry), ``bytes_per_event`` each (32 address bits plus
    ``payload_bits``). Through a ConcatPort only the sender's own part counts (a sender joined into a
    larger port sends its size, a receiver split off a larger message gets its slice's size).
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
    max_events: int = 0
    payload_bits: int = 0
    bytes_per_event: int = 4


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
    chip : ChipSpec or None
        The target of automatic placement (None: placement by ``@requires``).
    cores : list of CoreRow
        Neuro-core resources and cores of each chip Process (empty without a target chip).
    precomputable : list of str
        Host Processes that no chip output reaches: they could run ahead of the chip.
    round_trips : list of RoundTrip
        Paths from the chip through host Processes back to the chip.
    latency_steps : int
        Steps a message takes across the host <-> chip link (each round trip pays it twice).
    max_events_per_step : int or None
        The link's event cap per step and direction (None: no cap).
    """

    def __init__(self, processes, channels, var_access, run_cfg=None, locations=None, fold=None, *, chip=None,
                 cores=(), precomputable=(), round_trips=(), latency_steps=0, max_events_per_step=None, place=None):
        self.processes, self.channels, self.var_access = list(processes), list(channels), list(var_access)
        self.run_cfg = run_cfg
        self.fold = fold
        self.chip: ChipSpec | None = chip
        self.cores, self.precomputable, self.round_trips = list(cores), list(precomputable), list(round_trips)
        self.latency_steps, self.max_events_per_step = latency_steps, max_events_per_step
        self._place = place
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

    @property
    def total_cores(self) -> int:
        """Neuro-cores the chip Processes need together (0 without a target)."""
        return sum(r.cores for r in self.cores)

    def fit_problems(self) -> list:
        """One sentence per Process (group) that does not fit, and one if the chip has too few cores."""
        out = [f"{r.process} does not fit on {self.chip.name} neuro-cores: {r.problem}"
               for r in self.cores if r.problem is not None and self.chip is not None]
        if self.chip is not None and self.total_cores > self.chip.cores:
            out.append(f"the chip Processes need {self.total_cores} cores, one {self.chip.name} chip has "
                       f"{self.chip.cores}")
        return out

    def require_fit(self) -> None:
        """Raise ValidationError naming every Process that does not fit (nothing if all fit)."""
        problems = self.fit_problems()
        if problems:
            raise ValidationError("deployment_report: " + "; ".join(problems) + ". Place those Processes on "
                                  "the host (place={proc: 'host'}), or split them into smaller Processes.")

    def as_dict(self) -> dict:
        """Plain data: processes, channels, var_access, cores, round_trips, fold, chip, precomputable."""
        out: dict[str, Any] = {k: [asdict(r) for r in getattr(self, k)]
                               for k in ("processes", "channels", "var_access", "cores", "round_trips")}
        out["fold"] = None if self.fold is None else self.fold.as_dict()
        out["chip"] = None if self.chip is None else self.chip.name
        out["precomputable"] = list(self.precomputable)
        return out

    def bytes_per_step(self) -> dict:
        """Dense bytes crossing each way per step if every channel sends one message per step."""
        return {d: sum(c.bytes_per_message for c in self.channels if c.crossing == d)
                for d in (HOST_TO_CORE, CORE_TO_HOST)}

    def events_per_step(self) -> dict:
        """Predicted worst case: spike events crossing each way per step if every entry is non-zero."""
        return {d: sum(c.max_events for c in self.channels if c.crossing == d) for d in (HOST_TO_CORE, CORE_TO_HOST)}

    def event_bytes_per_step(self) -> dict:
        """Predicted worst case: bytes of those events each way per step."""
        return {d: sum(c.max_events * c.bytes_per_event for c in self.channels if c.crossing == d)
                for d in (HOST_TO_CORE, CORE_TO_HOST)}

    def summary(self) -> str:
        """One line: Processes on each side, channels crossing, bytes per step each way."""
        n_core = sum(r.location == NEURO_CORE for r in self.processes)
        per = self.bytes_per_step()
        line = (f"{len(self.processes)} processes ({len(self.processes) - n_core} host, {n_core} "
                f"neuro-core), {len(self.channels)} channels ({len(self.boundary_channels)} cross: "
                f"{HOST_TO_CORE} {per[HOST_TO_CORE]} B/step, {CORE_TO_HOST} {per[CORE_TO_HOST]} B/step "
                "at one message per channel per step)")
        if self.chip is not None:
            line += f"; {self.total_cores} of {self.chip.cores} {self.chip.name} cores"
        return line

    def _boundary_lines(self) -> list:
        ev, eb, dense = self.events_per_step(), self.event_bytes_per_step(), self.bytes_per_step()
        cap = self.max_events_per_step
        out = ["", f"Boundary per step, predicted worst case (every entry a spike), link latency "
               f"{self.latency_steps} steps, cap {cap if cap is not None else 'none'} events/step:"]
        for d in (HOST_TO_CORE, CORE_TO_HOST):
            over = " (exceeds the cap)" if cap is not None and ev[d] > cap else ""
            out.append(f"  {d}: <= {ev[d]} events, <= {eb[d]} B as events{over}; {dense[d]} B as dense arrays")
        return out

    def _chip_lines(self) -> list:
        chip = self.chip
        if chip is None:
            return []
        out = ["", f"Neuro-core resources on {chip.name} (per core: {chip.compartments_per_core} compartments, "
               f"{chip.synapse_bits_per_core // 8192} KiB synaptic memory, {chip.in_axons_per_core} input / "
               f"{chip.out_axons_per_core} output axons):"]
        out += _fmt_table(["process", "compartments", "synapses", "max fan-in", "in axons", "out axons", "cores"],
                          [(r.process, r.compartments, r.synapses, r.max_fan_in, r.in_axons, r.out_axons,
                            r.cores if r.shares_cores_with is None else f"on {r.shares_cores_with}'s")
                           for r in self.cores])
        out.append(f"Total: {self.total_cores} of {chip.cores} cores.")
        out += [f"DOES NOT FIT: {p}" for p in self.fit_problems()]
        out.append("Precomputable on the host (no chip output reaches them): "
                   + (", ".join(self.precomputable) or "none"))
        for t in self.round_trips:
            out.append(f"Host round trip: {t.src} -> {' -> '.join(t.via)} -> {t.dst} "
                       f"(+{2 * self.latency_steps} steps of link latency)")
        return out

    def table(self) -> str:
        """The report as aligned text tables."""
        cfg = "" if self.run_cfg is None else f" with {type(self.run_cfg).__name__}"
        target = "" if self.chip is None else f" on {self.chip.name}"
        out = [f"Deployment{target}{cfg}: {self.summary()}", ""]
        if self.chip is None:
            out += _fmt_table(["process", "model", "location", "resources"],
                              [(r.process, r.model, r.location, ", ".join(r.resources) or "-")
                               for r in self.processes])
        else:
            out += _fmt_table(["process", "model", "location", "why"],
                              [(r.process, r.model, r.location, r.why) for r in self.processes])
        out += self._chip_lines()
        out.append("")
        out += _fmt_table(["#", "from", "to", "shape", "dtype", "B/msg", "crosses", "max events", "B/event"],
                          [(c.index, c.src, c.dst, c.shape, c.dtype, c.bytes_per_message, c.crossing or "-",
                            c.max_events if c.crossing else "-", c.bytes_per_event if c.crossing else "-")
                           for c in self.channels])
        out += self._boundary_lines()
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
        runtime must run the network this report describes; the meter places it as this report
        does (same target chip, overrides, latency and cap).
        """
        from neuroproc.traffic import count_traffic

        meter = count_traffic(target, self.run_cfg, chip=self.chip, place=self._place,
                              latency_steps=self.latency_steps, max_events_per_step=self.max_events_per_step)
        key = sorted((c.src, c.dst, c.crossing) for c in self.channels)
        if sorted((c.src, c.dst, c.crossing) for c in meter.deployment.channels) != key:
            meter.detach()
            got = ", ".join(f"{c.src} -> {c.dst}" for c in meter.deployment.channels)
            raise ValidationError(
                "DeploymentReport.attach: the runtime runs a different network or placement than this "
                f"report describes (got channels {got}). Make the report with the same network and "
                "run_cfg, or use count_traffic(target).")
        return meter


def _check_link(latency_steps, max_events_per_step) -> None:
    if isinstance(latency_steps, bool) or not isinstance(latency_steps, (int, np.integer)) or latency_steps < 0:
        raise ValidationError(f"deployment_report: latency_steps must be an int >= 0 (got "
                              f"{short_repr(latency_steps)}). Pass the steps a message takes across the host <-> "
                              "chip link.")
    if max_events_per_step is not None and (isinstance(max_events_per_step, bool) or not isinstance(
            max_events_per_step, (int, np.integer)) or max_events_per_step < 1):
        raise ValidationError(f"deployment_report: max_events_per_step must be None or an int >= 1 (got "
                              f"{short_repr(max_events_per_step)}). Pass the link's spike capacity per step.")


def _report_from_executable(exe, run_cfg=None, chip=None, place=None, latency_steps=0,
                            max_events_per_step=None) -> DeploymentReport:
    _check_link(latency_steps, max_events_per_step)
    resources: dict = {}
    if chip is None:
        if place:
            raise ValidationError("deployment_report: place=... needs a target chip (got target=None). "
                                  "Pass target='Loihi1' or 'Loihi2'.")
        locations = {id(e.proc): model_location(e.model_cls) for e in exe.entries}
        why = {k: "" for k in locations}
    else:
        locations, resources, why = place_on_chip(exe, chip, place)
    processes = [ProcessRow(who(e.proc), e.model_cls.__name__, locations[id(e.proc)],
                            tuple(getattr(r, "__name__", type(r).__name__) for r in model_resources(e.model_cls)),
                            why[id(e.proc)])
                 for e in exe.entries]
    channels = []
    for i, spec in enumerate(exe.channels):
        src_id, dst_id = id(spec.src.process), id(spec.dst.process)
        src_loc, dst_loc = locations[src_id], locations[dst_id]
        # the part of the sender's message this receiver gets: all of it, or its ConcatPort slice
        size = min(int(np.prod(spec.src.shape, dtype=np.int64)), int(np.prod(spec.dst.shape, dtype=np.int64)))
        payload = (resources[dst_id].in_payload_bits if dst_id in resources
                   else resources[src_id].out_payload_bits if src_id in resources else 0)
        channels.append(ChannelRow(i, spec.src.who, spec.dst.who, tuple(spec.src.shape), str(spec.dtype),
                                   size * spec.dtype.itemsize, src_loc, dst_loc, crossing(src_loc, dst_loc),
                                   size, payload, bytes_per_event(payload)))
    var_access = []
    for link in exe.flat.ref_links:
        ref_loc = locations.get(id(link.ref.process), HOST)
        var_loc = locations.get(id(link.var.process), HOST)
        var_access.append(VarAccessRow(link.ref.who, link.var.who, ref_loc, var_loc, crossing(var_loc, ref_loc)))
    extra: dict[str, Any] = {"precomputable": [who(p) for p in precomputable(exe, locations)],
                             "round_trips": round_trips(exe, locations)}
    if chip is not None:
        extra["cores"] = core_rows(exe, chip, resources)
    return DeploymentReport(processes, channels, var_access, run_cfg, locations,
                            fold=getattr(exe.flat.selection, "report", None), chip=chip, latency_steps=latency_steps,
                            max_events_per_step=max_events_per_step, place=place, **extra)


def deployment_report(proc, run_cfg, target=None, *, place=None, latency_steps: int = 0,
                      max_events_per_step: int | None = None) -> DeploymentReport:
    """Compile the network around ``proc`` with ``run_cfg`` (no step is run) and report placement.

    Parameters
    ----------
    proc : AbstractProcess
        Any Process of the network.
    run_cfg : RunConfig
        Chooses the models.
    target : {'Loihi1', 'Loihi2'} or ChipSpec, optional
        Place automatically on this chip (see :mod:`neuroproc.placement`) and count its cores.
        Without it, a model that ``@requires`` a NeuroCore is on the chip, any other on the host.
    place : dict, optional
        ``{process: 'host' or 'chip'}``: overrides for leaf Processes (needs ``target``).
    latency_steps : int
        Steps a message takes across the host <-> chip link; reported per host round trip.
    max_events_per_step : int, optional
        The link's spike-event capacity per step and direction (Nengo-Loihi's
        ``snip_max_spikes_per_step``); the report and meters say when traffic exceeds it.

    Returns
    -------
    DeploymentReport
    """
    chip = None if target is None else chip_spec(target)
    return _report_from_executable(compile_network(proc, run_cfg), run_cfg, chip, place, latency_steps,
                                   max_events_per_step)


def __getattr__(name):
    # the traffic meter lives in neuroproc.traffic; keep the names reachable from here
    if name in ("BoundaryEvents", "StepCounts", "TrafficMeter", "TrafficRow", "count_traffic"):
        from neuroproc import traffic

        return getattr(traffic, name)
    raise AttributeError(name)
