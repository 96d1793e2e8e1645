"""Host or neuro-core: where each leaf Process of a compiled network would run, and what follows.

Two rules decide placement:

* Without a target chip, a model that ``@requires`` a ``NeuroCore`` is on the neuro-cores and
  every other model on the host (:func:`model_location`).
* With a target (``'Loihi1'``, ``'Loihi2'``), placement is automatic, as Nengo-Loihi's splitter
  does it: a Process goes on the chip if its model's ``chip_resources(proc, chip)`` hook returns
  :class:`~neuroproc.chips.ChipResources` (the standard LIF-like neuron models and the Dense,
  Sparse, Conv and delay connections declare it; learning connections only where the chip learns
  their rule; graded input only where the chip has graded spikes); any other model (user Python
  models, non-linear nodes, RingBuffers, Injector/Extractor, Monitors) stays on the host. A
  per-Process override (``place={proc: 'host'}`` or ``'chip'``) wins, as Nengo-Loihi's
  ``on_chip`` config does.

Then :func:`core_rows` counts cores per Process (a connection whose output only feeds one chip
neuron Process shares that Process's cores, as synapses live with their post-synaptic neurons),
:func:`precomputable` finds the host Processes that no chip output reaches (Nengo-Loihi's
``precompute``: they could run ahead of the chip), and :func:`round_trips` the paths that leave
the chip and come back through host Processes (each pays the link latency twice).
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from neuroproc._validation import short_repr, who
from neuroproc.chips import ChipResources, ChipSpec, cores_needed
from neuroproc.exceptions import ValidationError
from neuroproc.resources import is_neuro_core_resource

__all__ = [
    "CORE_TO_HOST",
    "HOST",
    "HOST_TO_CORE",
    "NEURO_CORE",
    "CoreRow",
    "RoundTrip",
    "core_rows",
    "crossing",
    "model_location",
    "model_resources",
    "place_on_chip",
    "precomputable",
    "round_trips",
]

HOST = "host"
NEURO_CORE = "neuro-core"
HOST_TO_CORE = "host->core"
CORE_TO_HOST = "core->host"
_OVERRIDES = {"host": HOST, "chip": NEURO_CORE, "neuro-core": NEURO_CORE}


def model_resources(model_cls) -> list:
    """The resources ``model_cls`` ``@requires``, alternatives (lists/tuples) flattened."""
    reqs = getattr(model_cls, "required_resources", None) or []
    return [x for r in reqs for x in (r if isinstance(r, (list, tuple)) else [r])]


def model_location(model_cls) -> str:
    """``"neuro-core"`` if any required resource of ``model_cls`` is a NeuroCore, else ``"host"``."""
    return NEURO_CORE if any(is_neuro_core_resource(r) for r in model_resources(model_cls)) else HOST


def crossing(src_location: str, dst_location: str) -> str | None:
    """``"host->core"``, ``"core->host"``, or None for data that stays on one side."""
    if src_location == dst_location:
        return None
    return HOST_TO_CORE if dst_location == NEURO_CORE else CORE_TO_HOST


def _chip_resources(model_cls, proc, chip: ChipSpec) -> ChipResources | None:
    hook = getattr(model_cls, "chip_resources", None)
    if hook is None:
        return None
    res = hook(proc, chip)
    if res is not None and not isinstance(res, ChipResources):
        raise ValidationError(f"{who(proc)}: {model_cls.__name__}.chip_resources() must return ChipResources or None "
                              f"(got {short_repr(res)}). Return None for a host-only Process.")
    return res


def place_on_chip(exe, chip: ChipSpec, place=None) -> tuple[dict, dict, dict]:
    """Automatic placement of the leaves of ``exe`` on ``chip``.

    Returns ``(locations, resources, why)``, each keyed by ``id(leaf Process)``; ``resources``
    holds the :class:`ChipResources` of the Processes on the chip.
    """
    leaves = {id(e.proc): e for e in exe.entries}
    overrides: dict[int, str] = {}
    for proc, where in dict(place or {}).items():
        if id(proc) not in leaves:
            label = who(proc) if hasattr(proc, "proc_params") else short_repr(proc)
            raise ValidationError(f"deployment_report(place=...): {label} is not a leaf Process of this "
                                  "network (folded away, a parent, or another network's). Key place by a Process "
                                  "listed in the report.")
        if where not in _OVERRIDES:
            raise ValidationError(f"deployment_report(place=...): {who(proc)} must be placed on 'host' or 'chip' "
                                  f"(got {short_repr(where)}). Use one of those two.")
        overrides[id(proc)] = _OVERRIDES[where]
    locations, resources, why = {}, {}, {}
    for key, e in leaves.items():
        res = _chip_resources(e.model_cls, e.proc, chip)
        forced = overrides.get(key)
        if forced == NEURO_CORE and res is None:
            raise ValidationError(
                f"deployment_report(place=...): {who(e.proc)} cannot go on a {chip.name} neuro-core: its model "
                f"{e.model_cls.__name__} declares no chip_resources(proc, chip) hook, or the hook returns None for "
                f"{chip.name}. Leave it on the host, or give the model the hook.")
        if forced == HOST:
            locations[key], why[key] = HOST, "placed on the host by the user"
        elif res is not None:
            locations[key], resources[key] = NEURO_CORE, res
            why[key] = "placed on the chip by the user" if forced else "model declares chip resources"
        else:
            locations[key] = HOST
            why[key] = ("no chip_resources hook: host only" if getattr(e.model_cls, "chip_resources", None) is None
                        else f"not supported on {chip.name}")
    return locations, resources, why


@dataclass(frozen=True)
class CoreRow:
    """Neuro-core resources of one chip Process and the cores it needs.

    ``cores`` counts the cores of its group (the Process and the connections that only feed it);
    a connection in another Process's group has ``cores == 0`` and names it in ``shares_cores_with``.
    ``problem`` says why the group cannot fit (None if it fits).
    """

    process: str
    compartments: int
    synapses: int
    max_fan_in: int
    in_axons: int
    out_axons: int
    cores: int
    shares_cores_with: str | None
    problem: str | None


def _groups(exe, resources: dict) -> dict:
    """id(connection) -> id(neuron Process) whose cores it shares: a chip Process without
    compartments whose every outgoing channel ends at the same chip Process with compartments."""
    targets: dict[int, set] = {}
    for spec in exe.channels:
        targets.setdefault(id(spec.src.process), set()).add(id(spec.dst.process))
    out = {}
    for key, res in resources.items():
        dst = targets.get(key, set())
        if res.compartments == 0 and len(dst) == 1:
            (q,) = dst
            if q in resources and resources[q].compartments > 0:
                out[key] = q
    return out


def core_rows(exe, chip: ChipSpec, resources: dict) -> list:
    """One :class:`CoreRow` per chip Process, in the order of ``exe.entries``."""
    host_of = _groups(exe, resources)
    names = {id(e.proc): who(e.proc) for e in exe.entries}
    group: dict[int, ChipResources] = {}
    for key, res in resources.items():
        home = host_of.get(key, key)
        group[home] = group[home] + res if home in group else res
    rows = []
    for e in exe.entries:
        key = id(e.proc)
        if key not in resources:
            continue
        res = resources[key]
        if key in host_of:
            cores, problem, shares = 0, None, names[host_of[key]]
        else:
            (cores, problem), shares = cores_needed(group[key], chip), None
        rows.append(CoreRow(names[key], res.compartments, res.synapses, res.max_fan_in, res.in_axons, res.out_axons,
                            cores, shares, problem))
    return rows


def _reached_from_chip(exe, locations: dict) -> set:
    """id of every Process some chip output reaches (through channels or Var reads)."""
    succ: dict[int, list] = {}
    for spec in exe.channels:
        succ.setdefault(id(spec.src.process), []).append(id(spec.dst.process))
    for link in exe.flat.ref_links:  # a RefPort reading a Var depends on the Var's Process
        succ.setdefault(id(link.var.process), []).append(id(link.ref.process))
    seen = set()
    todo = deque(k for k, loc in locations.items() if loc == NEURO_CORE)
    while todo:
        k = todo.popleft()
        for n in succ.get(k, ()):
            if n not in seen:
                seen.add(n)
                todo.append(n)
    return seen


def precomputable(exe, locations: dict) -> list:
    """Host Processes whose input depends on no chip output, in ``exe.entries`` order: they could
    run ahead of the chip, all steps at once (Nengo-Loihi's ``precompute=True``)."""
    reached = _reached_from_chip(exe, locations)
    return [e.proc for e in exe.entries if locations[id(e.proc)] == HOST and id(e.proc) not in reached]


@dataclass(frozen=True)
class RoundTrip:
    """A path that leaves the chip at ``src`` and comes back at ``dst`` through host Processes ``via``."""

    src: str
    via: tuple
    dst: str


def round_trips(exe, locations: dict) -> list:
    """Every chip -> host ... host -> chip path, with the host Processes on it (shortest per pair)."""
    succ: dict[int, list] = {}
    procs = {id(e.proc): e.proc for e in exe.entries}
    for spec in exe.channels:
        succ.setdefault(id(spec.src.process), []).append(id(spec.dst.process))
    out, seen_pairs = [], set()
    for start, loc in locations.items():
        if loc != NEURO_CORE:
            continue
        parent: dict[int, int] = {}
        todo = deque(n for n in succ.get(start, ()) if locations.get(n) == HOST)
        for n in todo:
            parent[n] = start
        while todo:
            k = todo.popleft()
            for n in succ.get(k, ()):
                if locations.get(n) == NEURO_CORE and (start, n) not in seen_pairs:
                    seen_pairs.add((start, n))
                    path, p = [], k
                    while p != start:
                        path.append(who(procs[p]))
                        p = parent[p]
                    out.append(RoundTrip(who(procs[start]), tuple(reversed(path)), who(procs[n])))
                elif locations.get(n) == HOST and n not in parent:
                    parent[n] = k
                    todo.append(n)
    return out
