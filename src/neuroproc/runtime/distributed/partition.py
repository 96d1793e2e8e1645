"""Partition stage: which ranges of which Processes each rank holds.

Input: the flat graph of the compiler (every rank builds the same one from the same script) and
the number of ranks. Each leaf's model is asked for its partition hook
(:mod:`neuroproc.runtime.distributed.hooks`):

* split Processes get ``cuts``: ``P + 1`` increasing boundaries, rank ``r`` holding units
  ``cuts[r] .. cuts[r+1]-1``. A population's cuts balance the sum of its units' costs (one per
  neuron plus the incoming synapses of the connections aligned to it); a connection that is
  aligned (``align='a_out'``) takes the cuts of the population its output feeds, so it keeps the
  rows of the neurons each rank owns and its output stays on the rank. No range holds exactly one
  unit of a Process with more (a one-row slice of a float Dense would sum its row pairwise, not in
  the sequential order of the whole matrix).
* followers (recorders) take, port by port, the split of what they are connected to;
* every other leaf is whole, replicated on every rank.

``run_cfg.partition`` (optional) pins cuts: ``{process name: cuts}`` with ``P + 1`` boundaries,
or ``{process name: rank}`` to hold all of a split Process on one rank.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from neuroproc._validation import short_repr, who
from neuroproc.exceptions import CompilationError
from neuroproc.runtime.distributed.hooks import FollowSpec, Part, PartitionSpec

__all__ = ["Layout", "balanced_cuts", "partition"]


@dataclass
class Layout:
    """The result of :func:`partition`, the same on every rank."""

    ranks: int
    #: id(leaf) -> PartitionSpec / FollowSpec / None
    specs: dict = field(default_factory=dict)
    #: id(leaf) -> cuts (split leaves, and followers after their first link)
    cuts: dict = field(default_factory=dict)
    #: (id(leaf), member name) -> (Part, cuts) for every split member, followers included
    members: dict = field(default_factory=dict)

    def split(self, proc, name: str):
        """``(Part, cuts)`` of a member, or None when it is whole."""
        return self.members.get((id(proc), name))

    def range_of(self, proc, rank: int) -> tuple[int, int] | None:
        cuts = self.cuts.get(id(proc))
        if cuts is None:
            return None
        return int(cuts[rank]), int(cuts[rank + 1])


def _hook(model_cls, proc):
    hook = getattr(model_cls, "partition", None)
    if hook is None:
        return None
    spec = hook(proc)
    if spec is not None and not isinstance(spec, (PartitionSpec, FollowSpec)):
        raise CompilationError(f"{who(proc)}: {model_cls.__name__}.partition() returned "
                               f"{short_repr(spec)}. Return a PartitionSpec, a FollowSpec or None.")
    return spec


def balanced_cuts(costs: np.ndarray, ranks: int) -> list[int]:
    """Contiguous ranges of about equal summed cost (no range of exactly one unit of several)."""
    n = len(costs)
    cum = np.concatenate([[0.0], np.cumsum(costs, dtype=np.float64)])
    total = cum[-1]
    cuts = [0] + [int(np.searchsorted(cum, total * k / ranks, side="left")) for k in range(1, ranks)] + [n]
    for k in range(1, ranks + 1):
        cuts[k] = max(cuts[k], cuts[k - 1])
    return _no_single(cuts, n)


def _no_single(cuts: list[int], n: int) -> list[int]:
    if n <= 1:
        return cuts
    ranks = len(cuts) - 1
    for k in range(ranks - 1):  # a single unit moves on to the next range
        if cuts[k + 1] - cuts[k] == 1:
            cuts[k + 1] = cuts[k]
    if cuts[ranks] - cuts[ranks - 1] == 1:  # the last one joins the nearest range before it
        b = cuts[ranks - 1]
        for m in range(ranks - 1, 0, -1):
            if cuts[m] != b:
                break
            cuts[m] = n
    return cuts


def _pinned(proc, spec, option, ranks: int) -> list[int] | None:
    if option is None or proc.name not in option:
        return None
    value = option[proc.name]
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        if not 0 <= value < ranks:
            raise CompilationError(f"run_cfg.partition[{proc.name!r}]: rank {value} does not exist "
                                   f"(got {ranks} ranks). Pass a rank in 0..{ranks - 1}.")
        return [0] * (value + 1) + [spec.units] * (ranks - value)
    cuts = [int(c) for c in value]
    if len(cuts) != ranks + 1 or cuts[0] != 0 or cuts[-1] != spec.units or any(
            b < a for a, b in zip(cuts, cuts[1:])):
        raise CompilationError(f"run_cfg.partition[{proc.name!r}]: expected {ranks + 1} increasing "
                               f"boundaries from 0 to {spec.units} (got {short_repr(value)}). "
                               "Pass e.g. [0, n // 2, n] for 2 ranks.")
    return cuts


def partition(flat, ranks: int, option: dict | None = None) -> Layout:
    """Decide the split of every leaf of ``flat`` over ``ranks`` ranks."""
    models = flat.selection.models
    layout = Layout(ranks)
    for proc in flat.leaves:
        layout.specs[id(proc)] = _hook(models[id(proc)], proc)
    readers: dict[int, list] = {}
    for e in flat.edges:
        readers.setdefault(id(e.src), []).append(e.dst)
    specs = layout.specs
    # a connection aligns to the first split population its output feeds
    target = {}
    for proc in flat.leaves:
        spec = specs[id(proc)]
        if isinstance(spec, PartitionSpec) and spec.align:
            for dst in readers.get(id(getattr(proc, spec.align)), []):
                other = specs[id(dst.process)]
                if (isinstance(other, PartitionSpec) and not other.align and other.units == spec.units
                        and dst.name in other.members):
                    target[id(proc)] = dst.process
                    break
    costs = {id(p): specs[id(p)].unit_costs() for p in flat.leaves
             if isinstance(specs[id(p)], PartitionSpec) and id(p) not in target}
    for conn_id, pop in target.items():
        costs[id(pop)] = costs[id(pop)] + specs[conn_id].unit_costs()
    for proc in flat.leaves:
        if id(proc) in costs:
            spec = specs[id(proc)]
            layout.cuts[id(proc)] = _pinned(proc, spec, option, ranks) or balanced_cuts(costs[id(proc)], ranks)
    for proc in flat.leaves:
        if id(proc) in target:
            pinned = _pinned(proc, specs[id(proc)], option, ranks)
            layout.cuts[id(proc)] = pinned or layout.cuts[id(target[id(proc)])]
    for proc in flat.leaves:
        spec = specs[id(proc)]
        if isinstance(spec, PartitionSpec):
            for name, part in spec.members.items():
                layout.members[(id(proc), name)] = (part, layout.cuts[id(proc)])
    _follow(flat, layout)
    return layout


def _follow(flat, layout: Layout) -> None:
    ref_vars = {id(r.ref): r.var for r in flat.ref_links}
    sources: dict[int, list] = {}
    for e in flat.edges:
        sources.setdefault(id(e.dst), []).append(e)
    for proc in flat.leaves:
        spec = layout.specs[id(proc)]
        if not isinstance(spec, FollowSpec):
            continue
        for port_name, var_axes in spec.links.items():
            port = getattr(proc, port_name)
            if id(port) in ref_vars:
                var = ref_vars[id(port)]
                peer = layout.split(var.process, var.name)
            else:
                edges = sources.get(id(port), [])
                peer = None
                if len(edges) == 1 and edges[0].transform() is None:
                    peer = layout.split(edges[0].src.process, edges[0].src.name)
            if peer is None:
                continue
            part, cuts = peer
            layout.members[(id(proc), port_name)] = (part, cuts)
            for var_name, offset in var_axes.items():
                layout.members[(id(proc), var_name)] = (part.shift(offset), cuts)
            layout.cuts.setdefault(id(proc), cuts)


def local_shape(shape: tuple[int, ...], part: Part, start: int, stop: int) -> tuple[int, ...]:
    """Shape of a member of global ``shape`` holding units ``start:stop`` (Python slice)."""
    idx = part.index(start, stop)
    n = stop - start if isinstance(idx, slice) else len(idx)
    return tuple(shape[:part.axis]) + (n,) + tuple(shape[part.axis + part.ndim:])


def take(value: np.ndarray, part: Part, start: int, stop: int) -> np.ndarray:
    """The local piece of a global array (a copy)."""
    shape = value.shape
    flat = value.reshape(shape[:part.axis] + (-1,) + shape[part.axis + part.ndim:])
    idx = part.index(start, stop)
    return np.ascontiguousarray(np.take(flat, np.arange(idx.start, idx.stop) if isinstance(idx, slice) else idx,
                                        axis=part.axis))


def place(pieces: list, part: Part, cuts, shape: tuple[int, ...], dtype) -> np.ndarray:
    """The global array from every rank's piece (the inverse of :func:`take`)."""
    flat_shape = shape[:part.axis] + (int(np.prod(shape[part.axis:part.axis + part.ndim], dtype=np.int64)),) \
        + shape[part.axis + part.ndim:]
    out = np.zeros(flat_shape, dtype)
    lead = (slice(None),) * part.axis
    for r, piece in enumerate(pieces):
        idx = part.index(int(cuts[r]), int(cuts[r + 1]))
        out[lead + (idx,)] = piece
    return out.reshape(shape)
