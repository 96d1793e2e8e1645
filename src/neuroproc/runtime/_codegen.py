"""Source of the compiled backend's fused loop: argument naming, code generation, disk cache.

The loop body is first a list of :class:`Stage` (one kernel call, fan-in sum, view or record
each, with the arrays it reads and writes); one thread runs them in order, several threads
interleave them with barriers (:mod:`neuroproc.runtime._parallel`).

:class:`Codegen` turns a plan (``compiled_backend.plan_compiled``) into the source of one
``@njit(cache=True)`` function ``fused(t0, n, *arrays)`` that runs ``n`` steps: early sends, then
every step kernel in the plan's order (in-port sums and active views computed just before their
reader), then Monitor records. :func:`load` writes the source to the cache folder under a name
that hashes the source, the kernels' modules and the neuroproc modules they use, so numba can
cache the machine code on disk (checked before use, rebuilt when damaged:
:mod:`neuroproc.runtime._diskcache`).
"""
from __future__ import annotations

import hashlib
import importlib.util
import inspect
import marshal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from neuroproc.runtime._diskcache import cache_dir, load_checked
from neuroproc.runtime._barrier import active_view_part, merge_view
from neuroproc.runtime import _loop_ops
from neuroproc.runtime._fastload import use_fast_load
from neuroproc.runtime.kernels import active_view

__all__ = ["Codegen", "Stage", "cached", "fused_name", "load"]


def _fingerprint(fn) -> str:
    """Changes whenever the kernel or anything in its module changes, or in a neuroproc module
    that module uses, directly or through others (callees are inlined into the fused machine
    code, and numba's own cache notices only its function's file, so the disk cache must not
    outlive them)."""
    py = getattr(fn, "py_func", fn)
    files = _source_files(sys.modules.get(getattr(py, "__module__", "") or ""))
    try:
        data = b"".join(Path(f).read_bytes() for f in files) if files else \
            Path(inspect.getsourcefile(py) or "").read_bytes()  # no file: IsADirectoryError
    except (TypeError, OSError):
        data = marshal.dumps(py.__code__)
    # the module's name too: one file imported under two names (``pkg.mod`` and ``mod``) gives two
    # modules, and a loop cached for one cannot be loaded where only the other is importable
    return hashlib.sha1(data + f"{py.__module__}:{py.__qualname__}".encode()).hexdigest()[:12]


def _source_files(module) -> list[str]:
    """The files of ``module`` and of the neuroproc modules its globals reach (modules, and the
    modules of functions, numba dispatchers and classes), transitively, sorted."""
    seen: dict[str, str] = {}
    todo = [module]
    while todo:
        mod = todo.pop()
        name = getattr(mod, "__name__", "")
        if mod is None or name in seen or not name.startswith("neuroproc"):
            continue
        seen[name] = getattr(mod, "__file__", None) or ""
        for value in list(vars(mod).values()):
            owner = value if inspect.ismodule(value) else sys.modules.get(getattr(
                getattr(value, "py_func", value), "__module__", None) or "")
            if owner is not None and getattr(owner, "__name__", "") not in seen:
                todo.append(owner)
    return sorted(f for f in seen.values() if f)


class Codegen:
    """Names every array the loop touches and writes the fused function's source."""

    def __init__(self, plan):
        self.plan = plan
        self.args: list[tuple[str, Callable[[], Any]]] = []  # (name, getter)
        self._names: dict = {}
        self.globals: dict = {}
        self.stages: list[Stage] = []
        self._views: dict = {}  # id(buffer) -> (idx, count) names: the views the backend makes
        self._joined: dict = {}  # id(out buffer) -> (idx, count) names: views joined from parts
        self._part_outs: dict = {}  # id(out buffer) -> the bounds of the parts that write it
        #: threads of the loop (> 1: the parallel loop, see neuroproc.runtime._parallel)
        self.threads = 1
        #: (index into ``args``, model, attribute name) of every model attribute the loop reads
        self.attr_args: list[tuple[int, object, str]] = []

    def arg(self, key, getter) -> str:
        if key not in self._names:
            name = f"a{len(self.args)}"
            self._names[key] = name
            self.args.append((name, getter))
        return self._names[key]

    def attr(self, model, name: str) -> str:
        """The argument that is the model's attribute ``name`` (read again at every set-up)."""
        key = ("attr", id(model), name)
        if key not in self._names:
            self.attr_args.append((len(self.args), model, name))
        return self.arg(key, lambda m=model, a=name: getattr(m, a))

    def buf(self, array) -> str:
        if id(array) in self.plan.aliases:  # the sender's attribute stands in for the buffer
            entry, attr = self.plan.aliases[id(array)]
            return self.attr(entry.model, attr)
        return self.arg(("buf", id(array)), lambda a=array: a)

    def fn(self, prefix, f) -> str:
        name = f"{prefix}{len(self.globals)}"
        self.globals[name] = f
        return name

    def model_args(self, entry, spec, param_box, part: bool = False) -> list[str]:
        names = [self.attr(entry.model, a) for a in spec.arrays]
        keys = [id(entry)] + ([("part", id(entry))] if part else [])
        for key in keys:
            n_params = len(param_box.get(key, ()))
            names += [self.arg(("param", key, i), lambda b=param_box, k=key, i=i: b[k][i])
                      for i in range(n_params)]
        return names

    def _stage(self, line: str, reads, writes, part: bool = False, local=(), bounds: str = "", rows=(),
               parity=()) -> None:
        self.stages.append(Stage([line], set(reads), set(writes), part, set(local), bounds, set(rows), set(parity)))

    def in_sum(self, port) -> str:
        buf, srcs = self.plan.in_bufs[id(port)]
        name = self.buf(buf)
        if srcs is not None and srcs:
            names = [self.buf(s) for s in srcs]
            if _c_array(buf) and all(isinstance(s, np.ndarray) and s.shape == buf.shape for s in srcs):
                clear, add = self.fn("op", _loop_ops.clear), self.fn("op", _loop_ops.add_into)
                lines = [f"{clear}({name})"] + [f"{add}({name}, {s})" for s in names]
            else:
                lines = [f"{name}.fill(0)"] + [f"{name} += {s}" for s in names]
            self.stages.append(Stage(lines, set(names), {name}))
        return name

    def in_view(self, port) -> tuple[str, list[str], list[str]]:
        """The active view of what ``port`` receives: its sender's (made once per step, before
        the first reader) or, for summed fan-in, one of the sum; the arrays it reads, and those
        of them of which each thread reads its own row (on several threads a view the backend
        makes, or joins from the parts', is made by every thread for itself: no thread waits)."""
        buf, srcs = self.plan.in_bufs[id(port)]
        if srcs is None and id(buf) in self._joined:
            idx, count = self._joined[id(buf)]
            return f"{idx}[p, :{count}[p]]", [idx, count], [idx, count]
        if srcs is None and id(buf) in self.plan.sender_views:
            idx, count = (self.buf(a) for a in self.plan.sender_views[id(buf)])
            return f"{idx}[:{count}[0]]", [idx, count], []
        if srcs is None and id(buf) in self._part_outs and id(buf) not in self._joined:
            self._view_by_part(buf, self._part_outs[id(buf)])
        if srcs is None and id(buf) in self._joined:
            idx, count = self._joined[id(buf)]
            return f"{idx}[p, :{count}[p]]", [idx, count], [idx, count]
        if not (srcs is None and id(buf) in self._views):
            name = self.in_sum(port) if srcs is not None else self.buf(buf)
            rows = (self.threads,) if self.threads > 1 else ()
            arrays = (np.zeros((*rows, buf.size), np.int64), np.zeros(rows or 1, np.int64))
            self._views[id(buf)] = idx, count = tuple(self.buf(a) for a in arrays)
            f = self.fn("view", active_view)
            if self.threads > 1:
                self._stage(f"{f}({name}, {idx}[p], {count}[p:p + 1])", [name], [idx, count], part=True,
                            rows=[idx, count])
            else:
                self._stage(f"{f}({name}, {idx}, {count})", [name], [idx, count])
        idx, count = self._views[id(buf)]
        if self.threads > 1:
            return f"{idx}[p, :{count}[p]]", [idx, count], [idx, count]
        return f"{idx}[:{count}[0]]", [idx, count], []

    def _view_by_part(self, buf, bounds) -> None:
        """The view of a buffer that parts write (each only its items): every thread lists its
        own items' active indices, then joins all parts' lists for itself."""
        arrays = (np.zeros((2, buf.size), np.int64), np.zeros((2, self.threads), np.int64),
                  np.zeros((self.threads, buf.size), np.int64), np.zeros(self.threads, np.int64))
        pidx, counts, joined, total = (self.buf(a) for a in arrays)
        name, b = self.buf(buf), self.buf(bounds)
        f = self.fn("view", active_view_part)
        self._stage(f"{f}({name}, {b}[p], {b}[p + 1], {pidx}[t % 2], {counts}[t % 2], p)", [name, b],
                    [pidx, counts], part=True, local=[name, pidx, counts], bounds=b, parity=[pidx, counts])
        self._merge(pidx, counts, b, joined, total)
        self._joined[id(buf)] = (joined, total)

    def _merge(self, pidx, counts, bounds, joined, total) -> None:
        f = self.fn("merge", merge_view)
        self._stage(f"{f}({pidx}[t % 2], {counts}[t % 2], {bounds}, {joined}[p], {total}[p:p + 1])",
                    [pidx, counts, bounds], [joined, total], part=True, rows=[joined, total],
                    parity=[pidx, counts])

    def build_stages(self, param_box, parts: dict | None = None) -> list[Stage]:
        """The loop body as stages: each one call (or a few lines) with the arrays it reads and
        writes. ``parts``: id(entry) -> (bounds, {id(out array): (part indices, part counts,
        joined indices, joined counts)}) for the kernels that run as parts (``part(t, p, lo, hi,
        ...)``, see :mod:`neuroproc.runtime._parallel`); a part stage with an active view is
        followed by the stage in which every thread joins the parts' lists."""
        plan, parts = self.plan, parts or {}
        self.stages = []
        for e in plan.order:
            spec = plan.kernels[id(e)]
            bufs = [plan.out_bufs[id(getattr(e.proc, p))] for p in spec.early_ports]
            if spec.early is not None and not all(id(b) in plan.aliases for b in bufs):
                early_outs = [self.buf(b) for b in bufs]
                written = early_outs + self._arrays(e, spec)
                part = parts.get(id(e)) if spec.early_part is not None else None
                if part is None:
                    f = self.fn("early", spec.early)
                    args = self.model_args(e, spec, param_box)
                    self._stage(f"{f}(t, {', '.join(args + early_outs)})", args, written)
                    continue
                f = self.fn("early", spec.early_part)
                args = self.model_args(e, spec, param_box, part=True)
                bounds = self.buf(part[0])
                early_local = [n for n, p in zip(early_outs, spec.early_ports) if p in spec.part_local] + \
                    [self.attr(e.model, a) for a in spec.arrays if a in spec.part_local]
                self._stage(f"{f}(t, p, {bounds}[p], {bounds}[p + 1], {', '.join(args + early_outs)})",
                            args + [bounds], written, part=True, local=early_local, bounds=bounds)
        for e in plan.order:
            spec = plan.kernels[id(e)]
            reads: list[str] = []
            rows: list[str] = []
            ins = []
            local = {self.attr(e.model, a) for a in spec.arrays if a in spec.part_local}
            for p in spec.in_ports:
                if p in spec.in_views:
                    expr, names, own = self.in_view(getattr(e.proc, p))
                    ins.append(expr)
                    reads += names
                    rows += own
                else:
                    ins.append(self.in_sum(getattr(e.proc, p)))
                    reads.append(ins[-1])
                    if p in spec.part_local:
                        local.add(ins[-1])
            part = parts.get(id(e))
            outs: list[str] = []
            merges = []
            for p in spec.out_ports:
                out = plan.out_bufs[id(getattr(e.proc, p))]
                outs.append(self.buf(out))
                if p in spec.part_local:
                    local.add(outs[-1])
                    if part is not None:  # its readers' views can be made by part, too
                        self._part_outs[id(out)] = part[0]
                if p in spec.out_views:
                    idx, count = (self.buf(a) for a in plan.sender_views[id(out)])
                    if part is None:
                        outs += [idx, count]
                    else:  # lists by part, double-buffered by step; each thread joins them for itself
                        pidx, counts, joined, total = (self.buf(a) for a in part[1][id(out)])
                        outs += [f"{pidx}[t % 2]", f"{counts}[t % 2]"]
                        local |= {pidx, counts}  # each part writes its own range, its own count
                        merges.append((pidx, counts, joined, total))
                        self._joined[id(out)] = (joined, total)
            for name in spec.ref_ports:
                target = plan.refs[(id(e), name)]
                outs.append(self.buf(target) if isinstance(target, np.ndarray) else self.attr(target[0].model, target[1].name))
            args = self.model_args(e, spec, param_box, part=part is not None)
            written = [o.split("[")[0] for o in outs] + self._arrays(e, spec)
            if part is None:
                f = self.fn("step", spec.step)
                self._stage(f"{f}(t, {', '.join(args + ins + outs)})", args + reads, written, rows=rows)
                continue
            bounds = self.buf(part[0])
            f = self.fn("part", spec.part)
            self._stage(f"{f}(t, p, {bounds}[p], {bounds}[p + 1], {', '.join(args + ins + outs)})",
                        args + reads + [bounds], written, part=True, local=local, bounds=bounds, rows=rows,
                        parity=[m[i] for m in merges for i in (0, 1)])
            for pidx, counts, joined, total in merges:
                self._merge(pidx, counts, bounds, joined, total)
        for mon, probe, kind, src in plan.monitors:
            data = self.attr(mon.model, probe["data"])
            if kind == "port":
                value, val = self.in_sum(src), self.plan.in_bufs[id(src)][0]
            else:
                holder, name = src
                value, val = self.attr(holder.model, name), getattr(holder.model, name)
            arr = getattr(mon.model, probe["data"])
            if _c_array(arr) and arr.ndim >= 2 and isinstance(val, np.ndarray) and val.size == arr[0].size:
                self._stage(f"{self.fn('op', _loop_ops.record_row)}({data}, t - 1, {value})", [value], [data])
            else:
                self._stage(f"{data}[t - 1] = {value}", [value], [data])
        return self.stages

    def _arrays(self, entry, spec) -> list[str]:
        """The model's arrays that its kernels write."""
        return [self.attr(entry.model, a) for a in spec.arrays if a not in spec.read_only]

    def build(self, param_box) -> str:
        ind = " " * 8
        body = [ind + line for stage in self.build_stages(param_box) for line in stage.lines]
        header = [
            "# Generated by neuroproc's compiled backend. Do not edit: it is rewritten when the network changes.",
            "from numba import njit",
            "",
            "",
            "@njit(cache=True)",
            f"def fused(t0, n, {', '.join(name for name, _ in self.args)}):" if self.args else "def fused(t0, n):",
            "    for k in range(n):",
            "        t = t0 + k + 1",
        ]
        if not body:
            body = [f"{ind}pass"]
        return "\n".join(header + body + ["    return t0 + n", ""])


def _c_array(x) -> bool:
    return isinstance(x, np.ndarray) and x.flags.c_contiguous


@dataclass
class Stage:
    """Lines of the loop body that run together, with the (argument names of the) arrays they
    read and write; ``part``: every thread runs them, on its part (else thread 0 does)."""

    lines: list[str]
    reads: set[str]
    writes: set[str]
    part: bool = False
    #: arrays a part touches only at its own items, of the split ``bounds`` (an argument name)
    local: set[str] = field(default_factory=set)
    bounds: str = ""
    #: arrays of which each thread touches only its own row (``[p]``)
    rows: set[str] = field(default_factory=set)
    #: arrays whose two rows alternate by step (``[t % 2]``): one step never touches the next's
    parity: set[str] = field(default_factory=set)


def fused_name(source: str, globals_: dict) -> str:
    """The module name of a fused loop: it hashes the source and the kernels it calls."""
    key = hashlib.sha1((source + "".join(f"{k}={_fingerprint(v)}" for k, v in sorted(globals_.items()))).encode())
    return f"fused_{key.hexdigest()[:16]}"


def cached(source: str, globals_: dict) -> str | None:
    """Where the machine code of this fused loop would come from without compiling: ``'memory'``
    (loaded in this interpreter), ``'disk'`` (numba's index is in the cache folder; its content
    is checked only when loaded) or None (it must be compiled)."""
    name = fused_name(source, globals_)
    if name in _LOADED:
        return "memory"
    folder = cache_dir()
    if (folder / f"{name}.py").is_file() and any((folder / "__pycache__").glob(f"{name}.fused-*.nbi")):
        return "disk"
    return None


def load(source: str, globals_: dict, first_call):
    """The fused function for ``source`` (with ``globals_``), after ``first_call(fused)`` ran once.

    One dispatcher per source and kernels is kept for the life of the interpreter, so building
    many networks of one structure compiles (or loads) machine code once and holds it once.
    The disk cache is checked, never trusted: see :mod:`neuroproc.runtime._diskcache`.
    """
    name = fused_name(source, globals_)
    hit = _LOADED.get(name)
    if hit is not None and hit[1].keys() == globals_.keys() and all(hit[1][k] is v for k, v in globals_.items()):
        first_call(hit[0])
        return hit[0], hit[2]
    fused, path = load_checked(name, source, lambda path: _exec(path, name, globals_), first_call)
    _LOADED[name] = (fused, dict(globals_), path)
    return fused, path


def _exec(path: Path, name: str, globals_: dict):
    spec = importlib.util.spec_from_file_location(f"neuroproc_fused.{name}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"the fused loop {path} cannot be imported")
    module = importlib.util.module_from_spec(spec)
    module.__dict__.update(globals_)
    spec.loader.exec_module(module)
    sys.modules[spec.name] = module
    use_fast_load(module.fused)
    return module.fused


#: name -> (dispatcher, the globals it was built with, source path)
_LOADED: dict[str, tuple] = {}
