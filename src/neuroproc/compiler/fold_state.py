"""What the fold stage decided: the report (:class:`FoldReport`) and the folded selection.

Every fold (:class:`FoldItem`) and every refusal (:class:`RefusedFold`) has a ``kind``:

``'identity'``
    an identity leaf removed (its sender sends straight to its receivers);
``'linear'``
    a chain of linear maps merged into one connection (``W_k @ ... @ W_1``, summed delays);
``'sum'``
    parallel linear maps -- same sender, same receiving port, equal delays -- merged into one
    connection with the summed matrix;
``'zero'``
    a linear map whose matrix and pending messages are all zero removed (it sends only zeros).

``FoldReport.folded`` lists the folds in the order they were made: a ``'sum'`` may take a
Process that an earlier ``'linear'`` fold made (named ``folded[...]``), a later ``'linear'``
fold may take one a ``'sum'`` made, and an ``'identity'`` may come after a ``'sum'`` that left
it one input. ``FoldReport.kinds()`` counts the folds by kind.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from neuroproc.compiler.flatten import Edge
from neuroproc.compiler.select import Selection

__all__ = ["FOLD_KINDS", "FoldItem", "FoldReport", "FoldedSelection", "RefusedFold", "rewire"]

IDENTITY = "identity"
LINEAR = "linear"
SUM = "sum"
ZERO = "zero"
#: every kind of fold, in the order the stage tries them
FOLD_KINDS = (IDENTITY, ZERO, LINEAR, SUM)


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

    def kinds(self) -> dict:
        """``{kind: number of folds}`` for every kind in :data:`FOLD_KINDS` (zeros included)."""
        return {k: sum(f.kind == k for f in self.folded) for k in FOLD_KINDS}

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
    ``rewire`` turns the channels between them into the channels of the folded network. A merged
    Process can itself be merged again (a sum of merged chains): the maps below then lead from a
    member to a merged Process that is itself removed, and are followed to the end.
    """

    report: FoldReport = field(default_factory=FoldReport)
    #: id(Process) -> (Process, in-port name, out-port name) for every folded identity
    identities: dict = field(default_factory=dict)
    #: id(Process) -> Process for every leaf that is not run (identities, merged members, dropped maps)
    removed: dict = field(default_factory=dict)
    #: id(port of a merged member) -> the port of the merged Process that replaces it
    port_map: dict = field(default_factory=dict)
    #: id(one member of a merge) -> the merged Process, which takes its place in the order
    replacements: dict = field(default_factory=dict)
    #: id(every member of a merge) -> the merged Process that runs (the runtime refuses get/set on their Vars)
    merged: dict = field(default_factory=dict)
    #: id(every dropped all-zero map) -> the Process (the runtime refuses get/set on its Vars)
    dropped: dict = field(default_factory=dict)

    @property
    def unfolded_leaves(self) -> list:
        return [p for p in super().leaves if id(p) not in self._added]

    @property
    def _added(self) -> set:
        return {id(lc) for lc in self.replacements.values()}

    @property
    def leaves(self) -> list:
        out, seen = [], set()
        for p in self.unfolded_leaves:
            while id(p) in self.removed:
                p = self.replacements.get(id(p))
                if p is None:
                    break
            if p is not None and id(p) not in seen:
                seen.add(id(p))
                out.append(p)
        return out

    @property
    def merged_processes(self) -> list:
        """The Processes the folds made that run (a chain or sum merged again is not listed); each
        holds its folded transform, e.g. ``weights`` and ``pipeline`` of a ``LinearChain``."""
        added = self._added
        return [p for p in self.leaves if id(p) in added]

    def resolve_port(self, port):
        """The port that carries ``port``'s messages after folding (itself when not merged)."""
        while id(port) in self.port_map:
            port = self.port_map[id(port)]
        return port

    def rewire(self, edges: list) -> list:
        """The channels of the folded network, in the order of ``edges`` (the unfolded ones)."""
        return rewire(edges, self.identities, self.resolve_port, self.removed)


def rewire(edges, identities, resolve, removed) -> list:
    """Reroute ``edges`` past folded identities and merged or dropped leaves, keeping their order.

    A channel between members of one merge disappears; channels that a merge makes equal (a
    sender feeding two parallel maps that became one) are kept once, at the place of the first;
    channels that were equal before (a sender reaching one port directly and through a folded
    identity) all stay.
    """
    into: dict = {}
    for e in edges:
        if id(e.dst.process) in identities:
            into.setdefault(id(e.dst.process), []).append(e)

    def back(src, path):
        """The sender behind ``src`` (past folded identities) that still runs, with the path."""
        if id(src.process) not in identities:
            return None if id(resolve(src).process) in removed else (src, path)
        ident, in_name, _ = identities[id(src.process)]
        # an identity folded after a merge may have had several channels: all but the one the
        # merge kept lead to removed Processes or to the same sender
        for up in into.get(id(ident), []):
            found = back(up.src, list(up.path) + [(getattr(ident, in_name), src)] + path)
            if found is not None:
                return found
        return None

    out: list = []
    seen: dict = {}
    for e in edges:
        if id(e.dst.process) in identities:
            continue  # the channel into a folded identity: its sender now sends past it
        dst = resolve(e.dst)
        if id(dst.process) in removed:
            continue  # inside a merge, or into a dropped map
        found = back(e.src, list(e.path))
        if found is None:
            continue
        src, path = found
        new_src = resolve(src)
        # parallel members merged into one: their channels became one; channels that were
        # already parallel (one sender reaching a port twice, through an identity) all stay
        same = seen.setdefault((id(new_src), id(dst)), set())
        if same and (id(src), id(e.dst)) not in same:
            continue
        same.add((id(src), id(e.dst)))
        # kept at the position of the edge it replaces: each receiver sums its fan-in as before
        out.append(Edge(new_src, dst, path))
    return out
