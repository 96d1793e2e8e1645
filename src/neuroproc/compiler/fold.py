"""Stage 2b (between ``select`` and ``flatten``): remove identity leaves, merge linear chains.

Nengo-Loihi removes passthrough nodes and merges chains of linear transforms into one weight
matrix before it builds the chip model. ``fold`` decides the same for a :class:`Selection` and
records every decision in a :class:`FoldReport` (what was folded, what was refused and why).
``RunConfig(fold=...)`` chooses how far it goes:

``'exact'`` (default)
    Remove identity leaves -- leaves whose model declares ``fold_identity = (in_port, out_port)``,
    as the :class:`~neuroproc.proc.passthrough.process.Passthrough` models do -- only where
    nothing can change: exactly one channel arrives at the identity (with fan-in, its receivers
    would add the messages in another order, which changes float sums), and messages keep their
    dtype (the sender's out dtype equals the identity's out dtype and its in-port does not
    promote it, else casting would differ). Fan-out is fine. The sender then sends straight to
    every receiver of the identity, at the identity's place in each receiver's fan-in order, so
    every sum is the same. A folded identity has no model instance at run time: it has no Vars
    (an identity with Vars or other ports is refused).
``'linear'``
    Also merge chains of linear maps -- leaves whose model declares a
    :class:`~neuroproc.compiler.linear_map.LinearMap` through the ``linear_map(proc)`` hook, such
    as the float Dense, Sparse, DelayDense (uniform delays), DelaySparse and Conv models with
    graded input (``num_message_bits > 0``) -- joined directly or through folded identities,
    into one Process built by the factory the head of the chain names (a
    :class:`~neuroproc.proc.passthrough.process.LinearChain` for the standard library) with
    ``W_k @ ... @ W_1`` and the sum of the delays, so spikes arrive at the same steps; the values
    are equal up to float rounding (``(W2 W1) s`` and ``W2 (W1 s)`` round differently). The
    members of a merged chain are not run, so their Vars have no value in the run: from
    ``create_runtime``/``run`` until ``stop()`` their ``get()`` and ``set()`` raise
    :class:`~neuroproc.exceptions.RuntimeStateError` naming the merged Process
    (``FoldedSelection.merged``) instead of answering with a stale value or dropping the new
    one. ``set()`` before the run is merged into the product; after ``stop()`` ``get()`` returns
    the value from before the run (the merged members never ran). Chains whose inner values are
    needed (fan-out from an inner member, fan-in to a later one, a Monitor, RefPort or alias on
    their Vars) are refused.
``False``
    Fold nothing; the report lists what would have been considered.

Hooks, not names: this module imports no process. A model declares ``fold_identity = (in_port,
out_port)`` to be removable as an identity, and ``linear_map(proc)`` (see
:mod:`neuroproc.compiler.linear_map`) to be mergeable; a model that answers ``linear_map`` with a
reason (bit-accurate models: each truncates its weights to ``num_weight_bits`` and shifts its sum
by ``2**weight_exp``, which do not compose into one weight matrix; binary spikes) is listed as
refused with it. The graph built by the user is never changed: ``flatten`` asks the folded
selection to reroute its channels (:meth:`FoldedSelection.rewire`).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from neuroproc._validation import who
from neuroproc.compiler.flatten import Edge, flatten
from neuroproc.compiler.linear_map import LinearMap, chain_pipeline, chain_product
from neuroproc.compiler.select import Selection
from neuroproc.ports import VirtualPort
from neuroproc.run_configs import check_fold

__all__ = ["FoldItem", "FoldReport", "FoldedSelection", "RefusedFold", "fold"]

IDENTITY = "identity"
LINEAR = "linear"


@dataclass(frozen=True)
class FoldItem:
    """Processes the compiler removed, and what carries their messages now."""

    kind: str
    processes: tuple
    detail: str


@dataclass(frozen=True)
class RefusedFold:
    """Processes that were candidates for folding but stay, and why."""

    kind: str
    processes: tuple
    reason: str


@dataclass
class FoldReport:
    """What the fold stage removed (``folded``) and kept with a reason (``refused``)."""

    mode: object = "exact"
    folded: list = field(default_factory=list)
    refused: list = field(default_factory=list)

    def summary(self) -> str:
        n = sum(len(f.processes) for f in self.folded)
        return (f"fold={self.mode!r}: {n} process{'es' if n != 1 else ''} folded away "
                f"({len(self.folded)} fold{'s' if len(self.folded) != 1 else ''}), {len(self.refused)} refused")

    def as_dict(self) -> dict:
        return {"mode": self.mode, "folded": [asdict(f) for f in self.folded],
                "refused": [asdict(r) for r in self.refused]}

    def rows(self) -> list:
        """``(status, kind, processes, detail or reason)`` per item, folded first."""
        return ([("folded", f.kind, ", ".join(f.processes), f.detail) for f in self.folded]
                + [("refused", r.kind, ", ".join(r.processes), r.reason) for r in self.refused])

    def __str__(self) -> str:
        lines = [f"FoldReport({self.summary()})"]
        lines += [f"  {status} {kind}: {procs} -- {text}" for status, kind, procs, text in self.rows()]
        return "\n".join(lines)


@dataclass
class FoldedSelection(Selection):
    """A Selection whose ``leaves`` are the executable ones after folding.

    ``unfolded_leaves`` are the leaves as selected (``flatten`` walks the connections from them);
    ``rewire`` turns the channels between them into the channels of the folded network.
    """

    report: FoldReport = field(default_factory=FoldReport)
    #: id(Process) -> (Process, in-port name, out-port name) for every folded identity
    identities: dict = field(default_factory=dict)
    #: id(Process) -> Process for every leaf that is not run (identities and members of merged chains)
    removed: dict = field(default_factory=dict)
    #: id(port of a merged chain member) -> the LinearChain port that replaces it
    port_map: dict = field(default_factory=dict)
    #: id(last member of a merged chain) -> the merged Process, which takes its place in the order
    replacements: dict = field(default_factory=dict)
    #: id(every member of a merged chain) -> the merged Process (the runtime refuses get/set on their Vars)
    merged: dict = field(default_factory=dict)

    @property
    def unfolded_leaves(self) -> list:
        return [p for p in Selection.leaves.fget(self) if id(p) not in self._added]

    @property
    def _added(self) -> set:
        return {id(lc) for lc in self.replacements.values()}

    @property
    def leaves(self) -> list:
        out = []
        for p in self.unfolded_leaves:
            if id(p) in self.removed:
                if id(p) in self.replacements:
                    out.append(self.replacements[id(p)])
                continue
            out.append(p)
        return out

    def rewire(self, edges: list) -> list:
        """The channels of the folded network, in the order of ``edges`` (the unfolded ones)."""
        return _rewire(edges, self.identities, self.port_map, self.removed)


def _rewire(edges, identities, port_map, removed) -> list:
    into = {id(e.dst.process): e for e in edges if id(e.dst.process) in identities}
    out = []
    for e in edges:
        if id(e.dst.process) in identities:
            continue  # the channel into a folded identity: its sender now sends past it
        dst = port_map.get(id(e.dst), e.dst)
        if dst is e.dst and id(dst.process) in removed:
            continue  # inside a merged chain
        src, path = e.src, list(e.path)
        while id(src.process) in identities:
            ident, in_name, _ = identities[id(src.process)]
            up = into[id(ident)]
            path = list(up.path) + [(getattr(ident, in_name), src)] + path
            src = up.src
        new_src = port_map.get(id(src), src)
        if new_src is src and id(src.process) in removed:
            continue
        # kept at the position of the edge it replaces: each receiver sums its fan-in as before
        out.append(Edge(new_src, dst, path))
    return out


def _mode(run_cfg):
    return check_fold(getattr(run_cfg, "fold", "exact"), type(run_cfg).__name__)


def _lpt(model_cls, port):
    finder = getattr(model_cls, "py_type_for", None)
    lpt = finder(port.name, port) if finder is not None else None
    return lpt if lpt is not None else model_cls.lava_py_types().get(port.name)


def _dtype(selection, port):
    lpt = _lpt(selection.models[id(port.process)], port)
    return None if lpt is None else np.dtype(lpt.d_type)


def fold(selection: Selection) -> FoldedSelection:
    """Decide what to fold in ``selection`` (mode from ``selection.run_cfg.fold``).

    Returns a :class:`FoldedSelection` with the :class:`FoldReport` in ``report``; with
    ``fold=False`` nothing is removed and the report lists the candidates as refused.
    """
    mode = _mode(selection.run_cfg)
    flat = flatten(selection)
    out = FoldedSelection(procs=list(selection.procs), models=dict(selection.models), run_cfg=selection.run_cfg,
                          report=FoldReport(mode))
    _fold_identities(out, flat.edges, mode)
    _fold_linear_chains(out, flat, mode)
    return out


# -- identities ----------------------------------------------------------------------------------------
def _identity_problem(sel, proc, in_name, out_name, incoming) -> str | None:
    ports = [p.name for p in proc._all_ports()]
    if sorted(ports) != sorted([in_name, out_name]) or len(proc.vars):
        return (f"it has state or other ports (Vars {[v.name for v in proc.vars]}, ports {ports}); only a "
                f"stateless {in_name} -> {out_name} identity can be removed")
    if not incoming:
        return f"no channel arrives at {in_name}; it sends zeros of its own dtype"
    if len(incoming) > 1:
        srcs = ", ".join(e.src.who for e in incoming)
        return (f"fan-in: {len(incoming)} channels arrive at {in_name} ({srcs}); without it each receiver "
                "would add them in its own order, which can change float sums")
    src = incoming[0].src
    if src.process is proc:
        return f"it receives its own output ({src.who}), which deadlocks with or without it"
    src_dt, in_dt, out_dt = _dtype(sel, src), _dtype(sel, getattr(proc, in_name)), _dtype(sel, getattr(proc, out_name))
    if src_dt is None or in_dt is None or out_dt is None:
        return "its sender's or its own message dtype is not declared"
    if np.result_type(in_dt, src_dt) != src_dt or out_dt != src_dt:
        return (f"dtype change: {src.who} sends {src_dt}, {who(proc)} receives "
                f"{np.result_type(in_dt, src_dt)} and sends {out_dt}; removing it would change how "
                "messages are cast. Select a model whose message type matches the sender's")
    return None


def _fold_identities(sel: FoldedSelection, edges: list, mode) -> None:
    incoming: dict = {}
    for e in edges:
        incoming.setdefault(id(e.dst), []).append(e)
    candidates = {}
    for proc in sel.unfolded_leaves:
        spec = getattr(sel.models[id(proc)], "fold_identity", None)
        if spec is None:
            continue
        in_name, out_name = spec
        in_port = getattr(proc, in_name, None)
        reason = _identity_problem(sel, proc, in_name, out_name, incoming.get(id(in_port), []))
        if reason is None and mode is False:
            reason = "folding is off (fold=False)"
        if reason is not None:
            sel.report.refused.append(RefusedFold(IDENTITY, (who(proc),), reason))
        else:
            candidates[id(proc)] = (proc, in_name, out_name)
    # identities that only feed each other in a ring have no outside input: keep them
    into = {id(e.dst.process): e for e in edges if id(e.dst.process) in candidates}
    for key in list(candidates):
        ring, cur = [], key
        while cur in candidates and cur not in ring:
            ring.append(cur)
            cur = id(into[cur].src.process)
        if cur in ring:
            for k in ring[ring.index(cur):]:
                proc = candidates.pop(k)[0]
                sel.report.refused.append(RefusedFold(IDENTITY, (who(proc),), (
                    "it is in a ring of identities with no other input, which deadlocks with or without it")))
    for key, item in candidates.items():
        proc, in_name, out_name = item
        src = into[key].src
        while id(src.process) in candidates:
            src = into[id(src.process)].src
        dsts = [e.dst.who for e in edges if e.src is getattr(proc, out_name)]
        sel.identities[key] = item
        sel.removed[key] = proc
        sel.report.folded.append(FoldItem(IDENTITY, (who(proc),), (
            f"{src.who} sends straight to {', '.join(dsts) if dsts else 'nothing (no receivers)'}")))


# -- linear chains ---------------------------------------------------------------------------------------
def _linear_map(sel, proc) -> LinearMap | None:
    """The model's answer to the ``linear_map`` hook (None: not a linear map)."""
    hook = getattr(sel.models[id(proc)], "linear_map", None)
    return None if hook is None else hook(proc)


def _link_problem(sel, a, b, edge, out_edges, in_edges, watched, mode, maps) -> str | None:
    for p in (a, b):
        if maps[id(p)].refused:
            return maps[id(p)].refused
    a_out, b_in = getattr(a, maps[id(a)].out_port), getattr(b, maps[id(b)].in_port)
    if len(out_edges[id(a_out)]) != 1:
        others = ", ".join(e.dst.who for e in out_edges[id(a_out)] if e is not edge)
        return f"{a_out.who} also sends to {others}, which need the value between the two"
    if len(in_edges[id(b_in)]) != 1:
        others = ", ".join(e.src.who for e in in_edges[id(b_in)] if e is not edge)
        return f"fan-in: {b_in.who} also receives from {others}"
    if any(isinstance(q, VirtualPort) for _, q in edge.path):
        return "the messages between them pass through a reshaping port"
    for p in (a, b):
        if id(p) in watched:
            return f"{watched[id(p)]} reaches a Var of {who(p)}, which would not exist after folding"
    if mode is False:
        return "folding is off (fold=False)"
    if mode != "linear":
        return ("fold='exact' keeps graded Dense chains: (W2 @ W1) @ s rounds differently from "
                "W2 @ (W1 @ s). Pass fold='linear' to merge them (equal up to rounding, same timing)")
    return None


def _between(sel, edge) -> list:
    """The folded identities a rewired channel passes, in order."""
    out = []
    for _, q in edge.path:
        p = q.process
        if p is not None and id(p) in sel.identities and p not in out:
            out.append(p)
    return out


def _fold_linear_chains(sel: FoldedSelection, flat, mode) -> None:
    maps: dict = {}
    linear: dict = {}
    for p in sel.unfolded_leaves:
        if id(p) in sel.removed:
            continue
        m = _linear_map(sel, p)
        if m is not None:
            maps[id(p)], linear[id(p)] = m, p
    if len(linear) < 2:
        return
    edges = _rewire(flat.edges, sel.identities, {}, {})
    out_edges: dict = {}
    in_edges: dict = {}
    for e in edges:
        out_edges.setdefault(id(e.src), []).append(e)
        in_edges.setdefault(id(e.dst), []).append(e)
    watched: dict = {}  # id(linear map) -> what reaches one of its Vars from outside
    for r in flat.ref_links:
        watched.setdefault(id(r.var.process), r.ref.who)
    for p in sel.procs:
        for var in p.vars:
            home = var.resolve()
            if home is not var and id(home.process) in linear:
                watched.setdefault(id(home.process), f"{var.who} (an alias)")
    nxt, links = {}, {}
    for a in linear.values():
        for e in out_edges.get(id(getattr(a, maps[id(a)].out_port)), []):
            b = e.dst.process
            if id(b) not in linear or e.dst is not getattr(b, maps[id(b)].in_port):
                continue
            names = (who(a),) + tuple(who(p) for p in _between(sel, e)) + (who(b),)
            reason = _link_problem(sel, a, b, e, out_edges, in_edges, watched, mode, maps)
            if reason is not None:
                sel.report.refused.append(RefusedFold(LINEAR, names, reason))
            else:
                nxt[id(a)], links[id(a)] = b, e
    heads = [k for k in nxt if k not in {id(b) for b in nxt.values()}]
    in_chain: set = set()
    for k in heads:
        chain = [linear[k]]
        while id(chain[-1]) in nxt:
            chain.append(nxt[id(chain[-1])])
        in_chain.update(id(p) for p in chain)
        _merge(sel, chain, [links[id(p)] for p in chain[:-1]], [maps[id(p)] for p in chain])
    for k in nxt:
        if k not in in_chain:  # a ring of linear maps: every member has a predecessor
            a, b = linear[k], nxt[k]
            sel.report.refused.append(RefusedFold(LINEAR, (who(a), who(b)), (
                f"the {type(a).__name__} form a loop: its delays cannot be merged into one connection")))


def _merge(sel: FoldedSelection, chain: list, links: list, maps: list) -> None:
    weights = chain_product(maps)
    delay = sum(m.delay for m in maps)
    in_port = getattr(chain[0], maps[0].in_port)
    out_port = getattr(chain[-1], maps[-1].out_port)
    merged, model = maps[0].merge(weights, delay, chain_pipeline(maps), f"folded[{chain[0].name}..{chain[-1].name}]",
                                  tuple(in_port.shape), tuple(out_port.shape))
    merged._model_class = model
    sel.models[id(merged)] = model
    sel.procs.insert(sel.procs.index(chain[-1]) + 1, merged)
    sel.port_map[id(in_port)] = getattr(merged, maps[0].in_port)
    sel.port_map[id(out_port)] = getattr(merged, maps[-1].out_port)
    sel.replacements[id(chain[-1])] = merged
    for p in chain:
        sel.removed[id(p)] = p
        sel.merged[id(p)] = merged
    via = [who(p) for e in links for p in _between(sel, e)]
    through = f", through {', '.join(via)} (folded)" if via else ""
    sel.report.folded.append(FoldItem(LINEAR, tuple(who(p) for p in chain), (
        f"replaced by {who(merged)}: weights {weights.shape} = {' @ '.join(f'W({p.name})' for p in reversed(chain))}, "
        f"delay {delay} steps as before{through}; values equal up to float rounding")))
