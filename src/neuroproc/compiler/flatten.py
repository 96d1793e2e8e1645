"""Stage 3: dissolve the hierarchy into leaf-to-leaf channels, RefPort links and Var homes."""
from __future__ import annotations

from dataclasses import dataclass, field

from neuroproc._validation import who
from neuroproc.exceptions import CompilationError
from neuroproc.ports import InPort, OutPort, RefPort, VarPort, VirtualPort

__all__ = ["Edge", "FlatGraph", "RefLink", "flatten"]


@dataclass
class Edge:
    """A channel from a leaf OutPort to a leaf InPort, through ``path`` (pairs of ports)."""

    src: OutPort
    dst: InPort
    path: list = field(default_factory=list)

    @property
    def virtual_ports(self) -> list:
        return [q for _, q in self.path if isinstance(q, VirtualPort)]

    def transform(self):
        """The message transform along the path (None when the path has no virtual port)."""
        steps = [(p, q) for p, q in self.path if isinstance(p, VirtualPort) or isinstance(q, VirtualPort)]
        if not steps:
            return None

        def apply(x, steps=tuple(steps)):
            for p, q in steps:
                if isinstance(p, VirtualPort):
                    x = p.transform_out(q, x)
                if isinstance(q, VirtualPort):
                    x = q.transform_in(p, x)
            return x

        return apply

    def __str__(self) -> str:
        via = "".join(f" -> {q.who}" for _, q in self.path[:-1])
        return f"{self.src.who}{via} -> {self.dst.who}"


@dataclass
class RefLink:
    """A leaf RefPort and the leaf Var it reads and writes, through ``views`` (virtual ports
    between them, RefPort side first: a write passes forward through them, a read backward)."""

    ref: RefPort
    var: object
    views: list = field(default_factory=list)

    def transforms(self):
        """``(write, read)`` functions over the views, or None when there are none."""
        if not self.views:
            return None
        fwd = [v.get_transform_func_fwd() for v in self.views]
        bwd = [v.get_transform_func_bwd() for v in reversed(self.views)]

        def write(x, fs=tuple(fwd)):
            for f in fs:
                x = f(x)
            return x

        def read(x, fs=tuple(bwd)):
            for f in fs:
                x = f(x)
            return x

        return write, read


@dataclass
class FlatGraph:
    """Leaves with their models, the channels between them, RefPort links and Var homes."""

    selection: object
    leaves: list
    edges: list
    ref_links: list
    #: id(Var) -> the leaf Var that holds its value (itself, or the end of its alias chain)
    var_home: dict

    def __str__(self) -> str:
        lines = ["FlatGraph:"]
        lines += [f"  {who(p)} [{self.selection.models[id(p)].__name__}]" for p in self.leaves]
        lines += [f"  channel {e}" for e in self.edges]
        lines += [f"  ref {r.ref.who} -> {r.var.who}" for r in self.ref_links]
        return "\n".join(lines)


def flatten(selection) -> FlatGraph:
    leaves = selection.leaves
    edges: list[Edge] = []
    # a FoldedSelection (compiler.fold) walks the network as built, then reroutes the channels
    # past folded leaves; rerouted channels keep their place, so fan-in sums in the same order
    for proc in getattr(selection, "unfolded_leaves", leaves):
        for port in proc.out_ports:
            _walk(selection, port, port, [], edges, set())
    rewire = getattr(selection, "rewire", None)
    if rewire is not None:
        edges = rewire(edges)
    removed = getattr(selection, "removed", {})
    var_home = {}
    for proc in selection.procs:
        for var in proc.vars:
            home = var.resolve()
            if id(home.process) in removed:
                continue  # folded away, not run: the runtime refuses get/set on a merged Dense's Vars
            if selection.is_leaf(home.process) or home is var:
                var_home[id(var)] = home
    ref_links = []
    for proc in leaves:
        for ref in proc.ref_ports:
            var, views = _ref_target(ref)
            if var is None:
                continue
            home = var.resolve()
            if not selection.is_leaf(home.process):
                raise CompilationError(
                    f"{ref.who} reaches {var.who}, but {who(var.process)} is built from sub-processes and "
                    f"{var.name} is not aliased to a child's Var. Alias it in the sub-process model.")
            ref_links.append(RefLink(ref, home, views))
    return FlatGraph(selection, leaves, edges, ref_links, var_home)


def _walk(selection, src, port, path, edges, seen):
    for nxt in port.out_connections:
        step = path + [(port, nxt)]
        if id(nxt) in seen:
            raise CompilationError(f"{src.who}: the connection path loops through {nxt.who}.")
        if isinstance(nxt, VirtualPort):
            _walk(selection, src, nxt, step, edges, seen | {id(nxt)})
        elif isinstance(nxt, InPort) and selection.is_leaf(nxt.process):
            edges.append(Edge(src, nxt, step))
        elif isinstance(nxt, (InPort, OutPort)) and not selection.is_leaf(nxt.process):
            # a port of a hierarchical Process: pass through to whatever it connects to
            _walk(selection, src, nxt, step, edges, seen | {id(nxt)})
        else:
            raise CompilationError(
                f"{src.who} reaches {nxt.who}, an {type(nxt).__name__} of a Process that runs its own "
                "model; only InPorts can receive there. Connect OutPorts to InPorts.")


def _ref_target(port, views=()):
    """The Var at the end of a RefPort's chain (through parents' RefPorts, views and children's
    VarPorts) and the views on the way; ``(None, [])`` when it reaches none."""
    for p in port.out_connections:
        if isinstance(p, VarPort) and not p.out_connections:
            return p.var, list(views)
        if isinstance(p, (RefPort, VarPort, VirtualPort)):
            found = _ref_target(p, (*views, p) if isinstance(p, VirtualPort) else views)
            if found[0] is not None:
                return found
    return None, []
