"""Each rank's local network: the leaves cut to this rank's ranges, plus the exchange helpers.

Every rank builds the same list of local leaves in the same order (a split Process with an
empty range is still there, with empty arrays), so every rank steps the same schedule and the
collectives of the Gather helpers line up without any coordination. The local leaves are shallow
copies of the original leaves (same class, name and attributes, the model chosen by the
compiler) whose split Vars and ports hold only this rank's units; ``params(start, stop)`` of the
partition hook replaces ``proc_params`` entries (a Sparse's structure).

Channels are laid out in the order of the single-process executable, so every in-port sums its
fan-in in the same order. A channel from a split OutPort to a reader that needs more than this
rank's units goes through one ``Gather`` per OutPort; a whole message into a split reader through
a ``Slice``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neuroproc._validation import who
from neuroproc.compiler.flatten import Edge, FlatGraph, RefLink
from neuroproc.compiler.plan import plan
from neuroproc.compiler.select import Selection
from neuroproc.exceptions import CompilationError
from neuroproc.ports import AbstractPort, InPort, OutPort, RefPort, VarPort
from neuroproc.process import AbstractProcess
from neuroproc.runtime.distributed.exchange import Exchanger, Gather, PyGatherModel, PySliceModel, Slice
from neuroproc.runtime.distributed.hooks import PartitionSpec
from neuroproc.runtime.distributed.partition import local_shape, take
from neuroproc.variable import Var

__all__ = ["LocalNetwork", "localize"]


@dataclass
class _LocalEdge(Edge):
    """A local channel; keeps the message transform of the original one."""

    fn: object = None

    def transform(self):
        return self.fn


@dataclass
class LocalNetwork:
    """This rank's Executable and the map from original leaves to their local copies."""

    exe: object
    local_of: dict          # id(original leaf) -> local leaf
    exchangers: list


def _port_dtype(model_cls, port) -> np.dtype:
    finder = getattr(model_cls, "py_type_for", None)
    lpt = finder(port.name, port) if finder is not None else None
    lpt = lpt or model_cls.lava_py_types().get(port.name)
    return np.dtype(lpt.d_type)


def _member(layout, proc, name, rank):
    split = layout.split(proc, name)
    if split is None:
        return None
    part, cuts = split
    return part, int(cuts[rank]), int(cuts[rank + 1])


def _new(cls, local: tuple[int, ...], **kw):
    """A Var or port whose shape may be empty (the constructors insist on positive sizes)."""
    member = cls(shape=tuple(max(s, 1) for s in local), **kw)
    member.shape = tuple(local)
    return member


def _clone(proc, layout, rank: int):
    """A shallow copy of ``proc`` holding this rank's units."""
    spec = layout.specs[id(proc)]
    params = dict(proc.proc_params)
    rng = layout.range_of(proc, rank)
    inits: dict = {}
    if isinstance(spec, PartitionSpec) and rng is not None:
        if spec.params is not None:
            params.update(spec.params(*rng))
        if spec.inits is not None:
            inits = spec.inits(*rng)
    clone = object.__new__(type(proc))
    AbstractProcess.__init__(clone, **params)
    clone.name = proc.name
    skip = set(clone.__dict__)
    for key, value in proc.__dict__.items():
        if key not in skip and not isinstance(value, (Var, AbstractPort)):
            object.__setattr__(clone, key, value)
    for var in proc.vars:
        m = _member(layout, proc, var.name, rank)
        if m is None:
            init = var.init.copy() if isinstance(var.init, np.ndarray) else var.init
            setattr(clone, var.name, Var(shape=var.shape, init=init))
            continue
        part, a, b = m
        if var.name in inits:
            setattr(clone, var.name, _new(Var, local_shape(var.shape, part, a, b), init=inits[var.name]))
            continue
        value = np.asarray(var.init)
        if value.shape != var.shape:
            value = np.broadcast_to(value, var.shape)
        setattr(clone, var.name, _new(Var, local_shape(var.shape, part, a, b), init=take(value, part, a, b)))
    for coll, cls in ((proc.in_ports, InPort), (proc.out_ports, OutPort), (proc.ref_ports, RefPort)):
        for port in coll:
            m = _member(layout, proc, port.name, rank)
            shape = port.shape if m is None else local_shape(port.shape, m[0], m[1], m[2])
            setattr(clone, port.name, _new(cls, shape))
    for port in proc.var_ports:
        var = getattr(clone, port.var.name)
        shape, var.shape = var.shape, tuple(max(n, 1) for n in var.shape)  # ports insist on positive sizes
        vport = VarPort(var)
        var.shape = vport.shape = shape
        setattr(clone, port.name, vport)
    return clone


def localize(flat, layout, comm, run_cfg) -> LocalNetwork:
    """Build this rank's Executable from the original flat graph and its layout."""
    rank = comm.Get_rank()
    models = flat.selection.models
    local_of = {id(p): _clone(p, layout, rank) for p in flat.leaves}
    sel = Selection(procs=[], run_cfg=run_cfg)
    leaves: list = []

    def add(proc, model_cls):
        leaves.append(proc)
        sel.procs.append(proc)
        sel.models[id(proc)] = model_cls
        proc._model_class = model_cls

    slices: dict[tuple, Slice] = {}
    exchangers: list = []
    after: dict[int, list] = {}  # helpers are listed right after the (last) leaf they read from
    edges: list = []

    def local_port(port):
        return getattr(local_of[id(port.process)], port.name)

    def crosses(e) -> bool:
        s_split, d_split = layout.split(e.src.process, e.src.name), layout.split(e.dst.process, e.dst.name)
        return s_split is not None and not (d_split is not None and d_split[:2] == s_split[:2])

    gathers = _gather_all(flat, layout, comm, models, [e for e in flat.edges if crosses(e)], local_port,
                          exchangers, after, edges)

    def cut(src_local, src, dst):
        part, cuts = layout.split(dst.process, dst.name)
        _check_port_part(dst, part)
        a, b = int(cuts[rank]), int(cuts[rank + 1])
        key = (id(src_local), a, b)
        if key not in slices:
            dtype = _port_dtype(models[id(src.process)], src)
            s = Slice(src.shape, a, b, dtype, name=f"{src.process.name}.{src.name}:slice")
            slices[key] = s
            after.setdefault(id(src.process), []).append((s, PySliceModel))
            edges.append(_LocalEdge(src_local, s.s_in, [(src_local, s.s_in)]))
        return slices[key].s_out

    for e in flat.edges:
        s_split, d_split = layout.split(e.src.process, e.src.name), layout.split(e.dst.process, e.dst.name)
        fn = e.transform()
        if fn is not None and (s_split or d_split):
            raise CompilationError(
                f"distributed runtime: channel {e} reshapes or transposes messages (virtual ports) "
                "between Processes split across ranks. Connect the ports directly, or pin both "
                "Processes to one rank with run_cfg.partition.")
        src = local_port(e.src)
        if crosses(e):
            src = gathers[id(e.src)]
            s_split = None
        if d_split and not s_split:
            src = cut(src, e.src, e.dst)
        dst = local_port(e.dst)
        edges.append(_LocalEdge(src, dst, [(src, dst)], fn))
    for p in flat.leaves:
        add(local_of[id(p)], models[id(p)])
        for helper, model_cls in after.get(id(p), []):
            add(helper, model_cls)
    ref_links = []
    for r in flat.ref_links:
        ref_split, var_split = layout.split(r.ref.process, r.ref.name), layout.split(r.var.process, r.var.name)
        if var_split is not None and ref_split != var_split:
            raise CompilationError(
                f"distributed runtime: {r.ref.who} reads {r.var.who}, which is split across ranks. "
                f"Give {type(r.ref.process).__name__}'s model a partition() hook that follows it "
                "(FollowSpec), or pin the owner to one rank with run_cfg.partition.")
        ref_links.append(RefLink(local_port(r.ref), getattr(local_of[id(r.var.process)], r.var.name)))
    var_home = {id(v): v for p in leaves for v in p.vars}
    local_flat = FlatGraph(sel, leaves, edges, ref_links, var_home)
    return LocalNetwork(plan(local_flat), local_of, exchangers)


def _gather_all(flat, layout, comm, models, crossing, local_port, exchangers, after, edges) -> dict:
    """One Gather per group of crossing OutPorts: those read only by ports that take effect a
    step later (connections) share one; any other gets its own, so that no exchange waits on a
    reader of another. Returns id(OutPort) -> the Gather's out-port for it."""
    rank = comm.Get_rank()
    readers: dict[int, tuple] = {}
    for e in crossing:
        readers.setdefault(id(e.src), (e.src, []))[1].append(e.dst)

    def delayed(dst) -> bool:
        spec = layout.specs[id(dst.process)]
        return isinstance(spec, PartitionSpec) and dst.name in spec.delayed

    shared = [src for src, dsts in readers.values() if all(delayed(d) for d in dsts)]
    groups = ([shared] if shared else []) + [[src] for src, dsts in readers.values() if src not in shared]
    position = {id(p): i for i, p in enumerate(flat.leaves)}
    out: dict[int, object] = {}
    for group in groups:
        ports, specs = [], []
        for src in group:
            part, cuts = layout.split(src.process, src.name)
            _check_port_part(src, part)
            dtype = _port_dtype(models[id(src.process)], src)
            ports.append((int(cuts[rank + 1]) - int(cuts[rank]), src.shape, dtype))
            specs.append((cuts, int(np.prod(src.shape)), dtype))
        ex = Exchanger(comm, specs)
        exchangers.append(ex)
        names = "+".join(f"{src.process.name}.{src.name}" for src in group)
        g = Gather(ports, ex, name=f"{names}:gather")
        last = max(group, key=lambda src: position[id(src.process)]).process
        after.setdefault(id(last), []).append((g, PyGatherModel))
        for i, src in enumerate(group):
            edges.append(_LocalEdge(local_port(src), getattr(g, f"s_in_{i}"), [(local_port(src), getattr(g, f"s_in_{i}"))]))
            out[id(src)] = getattr(g, f"s_out_{i}")
    return out


def _check_port_part(port, part) -> None:
    if part.axis != 0 or part.ndim != len(port.shape) or part.positions is not None:
        raise CompilationError(
            f"distributed runtime: {port.who} is split along {part}, but a port exchanged between "
            "ranks must be split over all its axes in order. Declare Part(0, ndim) for it in the "
            f"partition() hook of {who(port.process)}'s model.")
