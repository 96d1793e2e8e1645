"""The network as folded so far, as the linear folds (chains, sums, zero drops) look at it.

Each linear fold takes a fresh :class:`Graph`: the channels rewired past what was folded before
(identities, merges, drops), the linear maps among the leaves that run now (merged Processes
included: their model answers the ``linear_map`` hook too), and what reaches their Vars from
outside (Monitors, RefPorts, aliases), which keeps a map from being folded.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neuroproc._validation import who
from neuroproc.compiler.fold_state import FoldedSelection
from neuroproc.compiler.linear_map import LinearMap

__all__ = ["Graph", "between", "current_graph", "dtype_of", "linear_map_of", "names", "register_merged"]


def _lpt(model_cls, port):
    finder = getattr(model_cls, "py_type_for", None)
    lpt = finder(port.name, port) if finder is not None else None
    return lpt if lpt is not None else model_cls.lava_py_types().get(port.name)


def dtype_of(sel, port):
    """The declared message dtype of ``port`` under its selected model (None: not declared)."""
    lpt = _lpt(sel.models[id(port.process)], port)
    return None if lpt is None else np.dtype(lpt.d_type)


def linear_map_of(sel, proc) -> LinearMap | None:
    """The model's answer to the ``linear_map`` hook (None: not a linear map)."""
    hook = getattr(sel.models[id(proc)], "linear_map", None)
    return None if hook is None else hook(proc)


@dataclass
class Graph:
    """Channels, linear maps and watched Vars of the network folded so far."""

    edges: list
    #: id(out-port) -> channels from it; id(in-port) -> channels into it
    out_edges: dict
    in_edges: dict
    #: id(Process) -> LinearMap, id(Process) -> Process, for every running leaf that declares one
    maps: dict
    linear: dict
    #: id(linear map Process) -> what reaches one of its Vars from outside
    watched: dict

    def in_port(self, proc):
        return getattr(proc, self.maps[id(proc)].in_port)

    def out_port(self, proc):
        return getattr(proc, self.maps[id(proc)].out_port)


def current_graph(sel: FoldedSelection, flat, hooks: dict) -> Graph:
    """The graph folded so far; ``hooks`` keeps each Process's answer to ``linear_map`` (a map
    does not change while the stage runs, and building one -- a Conv's matrix -- costs time)."""
    edges = sel.rewire(flat.edges)
    out_edges: dict = {}
    in_edges: dict = {}
    for e in edges:
        out_edges.setdefault(id(e.src), []).append(e)
        in_edges.setdefault(id(e.dst), []).append(e)
    maps, linear = {}, {}
    for p in sel.leaves:
        if id(p) not in hooks:
            hooks[id(p)] = linear_map_of(sel, p)
        m = hooks[id(p)]
        if m is not None:
            maps[id(p)], linear[id(p)] = m, p
    watched: dict = {}
    for r in flat.ref_links:
        watched.setdefault(id(r.var.process), r.ref.who)
    for p in sel.procs:
        for var in p.vars:
            home = var.resolve()
            if home is not var and id(home.process) in linear:
                watched.setdefault(id(home.process), f"{var.who} (an alias)")
    return Graph(edges, out_edges, in_edges, maps, linear, watched)


def between(sel, edge) -> list:
    """The folded identities a rewired channel passes, in order."""
    out = []
    for _, q in edge.path:
        p = q.process
        if p is not None and id(p) in sel.identities and p not in out:
            out.append(p)
    return out


def register_merged(sel: FoldedSelection, members: list, merged, model, in_port, out_port,
                    in_name: str, out_name: str) -> None:
    """Put ``merged`` (built by a declaring model's factory) in place of ``members``: it runs at
    the place of the last member, its ports carry the members' messages."""
    merged._model_class = model
    sel.models[id(merged)] = model
    last = max(members, key=sel.procs.index)
    sel.procs.insert(sel.procs.index(last) + 1, merged)
    for port in in_port:
        sel.port_map[id(port)] = getattr(merged, in_name)
    for port in out_port:
        sel.port_map[id(port)] = getattr(merged, out_name)
    sel.replacements[id(last)] = merged
    for p in members:
        sel.removed[id(p)] = p
        sel.merged[id(p)] = merged
    # members of an earlier merge now run inside this one: their Vars name the Process that runs
    for key, value in list(sel.merged.items()):
        if any(value is p for p in members):
            sel.merged[key] = merged


def names(procs) -> tuple:
    return tuple(who(p) for p in procs)
