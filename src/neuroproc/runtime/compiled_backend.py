"""The compiled backend: every model's ``run_spk`` fused into one numba loop over all steps.

Models offer a :class:`~neuroproc.runtime.kernels.KernelSpec` (the standard library's do; any
user model may). The backend orders the kernels statically (early sends first, then every model
after the models it receives from), gives every port a preallocated buffer, and generates one
``@njit(cache=True)`` function that runs the steps of a ``run`` call with Monitors recording in
the loop. The generated source is written to a cache folder so numba can cache the machine code
on disk; the first (compile or cache-load) cost is measured separately in ``stats``.

Where a network cannot be fused (a model without kernel, an async model, a virtual-port
transform, a loop without an early send) ``plan_compiled`` raises :class:`Unsupported` with the
reason; ``make_backend`` then falls back to the python backend and says so.
"""
from __future__ import annotations

import hashlib
import importlib.util
import inspect
import marshal
import os
import sys
import time
from pathlib import Path

import numpy as np

from neuroproc._validation import who
from neuroproc.exceptions import SimulationError
from neuroproc.runtime.channels import VarAccessor

__all__ = ["CompiledBackend", "Unsupported", "plan_compiled"]

_CHUNK = 4096


class Unsupported(Exception):
    """The network cannot be fused; the message says why."""


def _is_monitor(model) -> bool:
    from neuroproc.proc.monitor.models import PyMonitorModel

    return isinstance(model, PyMonitorModel)


class _Plan:
    """Static schedule, buffers and generated source for one Executable."""

    def __init__(self, exe):
        self.exe = exe
        self.kernels = {}       # id(entry) -> KernelSpec
        self.order = []         # entries in step order
        self.out_bufs = {}      # id(port) -> array
        self.in_bufs = {}       # id(port) -> (array, [src out arrays] or None when aliased)
        self.monitors = []      # (entry, data attr name, kind, source) for every probe


def plan_compiled(exe) -> _Plan:
    """Check that ``exe`` can be fused and lay out kernels, order and buffers."""
    plan = _Plan(exe)
    missing = []
    for e in exe.entries:
        if e.is_async:
            raise Unsupported(f"{who(e.proc)} ({e.model_cls.__name__}) is an async model")
        if _is_monitor(e.model):
            continue
        spec = e.model.kernel()
        if spec is None:
            missing.append(f"{who(e.proc)} ({e.model_cls.__name__})")
        plan.kernels[id(e)] = spec
    if missing:
        raise Unsupported(f"{', '.join(missing)} provide{'s' if len(missing) == 1 else ''} no kernel")
    for ch in exe.channels:
        if ch.transform is not None:
            raise Unsupported(f"channel {ch.edge} transforms messages (virtual ports)")
    entry_of = {id(e.proc): e for e in exe.entries}
    # out-port buffers, in the sender's declared dtype
    for e in exe.entries:
        for port in e.proc.out_ports:
            lpt = e.port_types[port.name]
            plan.out_bufs[id(port)] = np.zeros(port.shape, np.dtype(lpt.d_type))
    # in-port buffers: fan-in summed from zeros of the declared dtype, as PyInPort.recv does
    for e in exe.entries:
        for port in e.proc.in_ports:
            lpt = e.port_types[port.name]
            chans = [c for c in exe.channels if c.dst is port]
            result = np.result_type(np.dtype(lpt.d_type), *[c.dtype for c in chans])
            srcs = [plan.out_bufs[id(c.src)] for c in chans]
            if len(srcs) == 1 and srcs[0].dtype == result:
                plan.in_bufs[id(port)] = (srcs[0], None)
            else:
                plan.in_bufs[id(port)] = (np.zeros(port.shape, result), srcs)
    # monitors
    homes = {id(r.ref): r.var for r in exe.flat.ref_links}
    for e in exe.entries:
        if not _is_monitor(e.model):
            continue
        for p in e.proc._probes:
            if p["kind"] == "port":
                port = getattr(e.proc, p["port"])
                plan.monitors.append((e, p, "port", port))
            else:
                var = homes.get(id(getattr(e.proc, p["port"])))
                holder = entry_of[id(var.process)]
                if not isinstance(getattr(holder.model, var.name), np.ndarray):
                    raise Unsupported(f"Monitor probe of {var.who}: not an array Var")
                plan.monitors.append((e, p, "var", (holder, var.name)))
    for e in exe.entries:
        spec = plan.kernels.get(id(e))
        for port_name, kinds in zip(spec.in_ports if spec else (), spec.in_kinds if spec else ()):
            buf = plan.in_bufs[id(getattr(e.proc, port_name))][0]
            if kinds and buf.dtype.kind not in kinds:
                raise Unsupported(f"{who(e.proc)}.{port_name} receives {buf.dtype}, which "
                                  f"{e.model_cls.__name__}'s kernel does not handle")
    plan.order = _schedule(exe, plan)
    return plan


def _schedule(exe, plan) -> list:
    """Kahn's algorithm, stable in entry order; early messages impose no order."""
    kernel_entries = [e for e in exe.entries if id(e) in plan.kernels]
    index = {id(e.proc): i for i, e in enumerate(kernel_entries)}
    deps = {i: set() for i in range(len(kernel_entries))}
    for ch in exe.channels:
        s, d = index.get(id(ch.src.process)), index.get(id(ch.dst.process))
        if s is None or d is None:
            continue
        if ch.src.name in plan.kernels[id(kernel_entries[s])].early_ports:
            continue
        if s != d:
            deps[d].add(s)
        else:
            raise Unsupported(f"{who(kernel_entries[s].proc)} receives its own non-early message")
    done, order = set(), []
    while len(order) < len(kernel_entries):
        ready = [i for i in range(len(kernel_entries)) if i not in done and deps[i] <= done]
        if not ready:
            names = ", ".join(who(kernel_entries[i].proc) for i in deps if i not in done)
            raise Unsupported(f"a loop without an early send: {names}")
        done.add(ready[0])
        order.append(kernel_entries[ready[0]])
    return order


def _fingerprint(fn) -> str:
    """Changes whenever the kernel or anything in its module changes (callees are inlined into
    the fused machine code, so the disk cache must not outlive them)."""
    py = getattr(fn, "py_func", fn)
    try:
        data = Path(inspect.getsourcefile(py)).read_bytes()
    except (TypeError, OSError):
        data = marshal.dumps(py.__code__)
    return hashlib.sha1(data + py.__qualname__.encode()).hexdigest()[:12]


def _cache_dir() -> Path:
    base = os.environ.get("NEUROPROC_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "neuroproc")
    path = Path(base) / "fused"
    path.mkdir(parents=True, exist_ok=True)
    return path


class _Codegen:
    """Names every array the loop touches and writes the fused function's source."""

    def __init__(self, plan):
        self.plan = plan
        self.args: list[tuple[str, object]] = []  # (name, getter)
        self._names: dict = {}
        self.globals: dict = {}
        self.lines: list[str] = []

    def arg(self, key, getter) -> str:
        if key not in self._names:
            name = f"a{len(self.args)}"
            self._names[key] = name
            self.args.append((name, getter))
        return self._names[key]

    def buf(self, array) -> str:
        return self.arg(("buf", id(array)), lambda a=array: a)

    def fn(self, prefix, f) -> str:
        name = f"{prefix}{len(self.globals)}"
        self.globals[name] = f
        return name

    def model_args(self, entry, spec, param_box) -> list[str]:
        names = [self.arg(("attr", id(entry.model), a), lambda m=entry.model, a=a: getattr(m, a))
                 for a in spec.arrays]
        n_params = len(spec.params(entry.model)) if spec.params is not None else 0
        names += [self.arg(("param", id(entry), i), lambda b=param_box, e=entry, i=i: b[id(e)][i])
                  for i in range(n_params)]
        return names

    def in_sum(self, port, indent) -> str:
        buf, srcs = self.plan.in_bufs[id(port)]
        name = self.buf(buf)
        if srcs is not None and srcs:
            self.lines.append(f"{indent}{name}.fill(0)")
            for s in srcs:
                self.lines.append(f"{indent}{name} += {self.buf(s)}")
        return name

    def build(self, param_box) -> str:
        plan, ind = self.plan, " " * 8
        body: list[str] = []
        self.lines = body
        for e in plan.order:
            spec = plan.kernels[id(e)]
            if spec.early is not None:
                outs = [self.buf(plan.out_bufs[id(getattr(e.proc, p))]) for p in spec.early_ports]
                f = self.fn("early", spec.early)
                body.append(f"{ind}{f}(t, {', '.join(self.model_args(e, spec, param_box) + outs)})")
        for e in plan.order:
            spec = plan.kernels[id(e)]
            ins = [self.in_sum(getattr(e.proc, p), ind) for p in spec.in_ports]
            outs = [self.buf(plan.out_bufs[id(getattr(e.proc, p))]) for p in spec.out_ports]
            f = self.fn("step", spec.step)
            body.append(f"{ind}{f}(t, {', '.join(self.model_args(e, spec, param_box) + ins + outs)})")
        for mon, probe, kind, src in plan.monitors:
            data = self.arg(("attr", id(mon.model), probe["data"]),
                            lambda m=mon.model, d=probe["data"]: getattr(m, d))
            if kind == "port":
                value = self.in_sum(src, ind)
            else:
                holder, name = src
                value = self.arg(("attr", id(holder.model), name), lambda m=holder.model, n=name: getattr(m, n))
            body.append(f"{ind}{data}[t - 1] = {value}")
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


def _load(source: str, globals_: dict):
    key = hashlib.sha1((source + "".join(f"{k}={_fingerprint(v)}" for k, v in sorted(globals_.items()))).encode())
    name = f"fused_{key.hexdigest()[:16]}"
    path = _cache_dir() / f"{name}.py"
    if not path.exists():
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(source)
        os.replace(tmp, path)
    spec = importlib.util.spec_from_file_location(f"neuroproc_fused.{name}", path)
    module = importlib.util.module_from_spec(spec)
    module.__dict__.update(globals_)
    spec.loader.exec_module(module)
    sys.modules.setdefault(spec.name, module)
    return module.fused, path


class CompiledBackend:
    """Runs a fused loop per ``run`` call; same Var access as the python backend."""

    name = "compiled"

    def __init__(self, executable, plan=None):
        self.exe = executable
        self.plan = plan or plan_compiled(executable)
        self._params: dict = {}
        self._refresh_params()
        gen = _Codegen(self.plan)
        self.source = gen.build(self._params)
        self._getters = [g for _, g in gen.args]
        t0 = time.perf_counter()
        self.fused, self.source_path = _load(self.source, gen.globals)
        self.fused(0, 0, *self._arrays())  # compile now (or load machine code from the disk cache)
        stats = getattr(self.fused, "stats", None)
        self.stats = {"compile_s": time.perf_counter() - t0,
                      "cache_hits": dict(getattr(stats, "cache_hits", {}) or {}) if stats else {},
                      "cache_path": str(self.source_path)}
        self.reason = None
        self.channels = []  # no python channels: traffic counters need the python backend

    def _refresh_params(self) -> None:
        for e in self.plan.order:
            spec = self.plan.kernels[id(e)]
            if spec.params is not None:
                self._params[id(e)] = tuple(np.ascontiguousarray(p) for p in spec.params(e.model))

    def _arrays(self) -> list:
        return [g() for g in self._getters]

    def accessor(self, var):
        e = self.exe.entry_of(var.process)
        return VarAccessor(e.model, var.name, e.var_types[var.name], var)

    def begin(self, num_steps) -> None:
        for e in self.plan.order:
            spec = self.plan.kernels[id(e)]
            if spec.prepare is not None:
                spec.prepare(e.model)
        self._refresh_params()

    def _monitor_limit(self, start: int):
        limit, culprit = None, None
        for mon, probe, kind, _ in self.plan.monitors:
            room = probe["num_steps"] - start
            if limit is None or room < limit:
                limit, culprit = room, (mon, probe, kind)
        return limit, culprit

    def run_steps(self, start: int, num_steps: int, should_pause) -> int:
        args = self._arrays()
        limit, culprit = self._monitor_limit(start)
        todo = num_steps if limit is None else min(num_steps, max(limit, 0))
        t = start
        while todo > 0 and not should_pause():
            chunk = min(_CHUNK, todo)
            t = self.fused(t, chunk, *args)
            todo -= chunk
        for e in self.exe.entries:
            e.model.time_step = t
        if limit is not None and num_steps > limit and not should_pause():
            mon, probe, kind = culprit
            phase = "run_spk" if kind == "port" else "run_post_mgmt"
            raise SimulationError(
                f"{who(mon.proc)} ({mon.model_cls.__name__}) failed in {phase} at time step {t + 1}: "
                f"IndexError: Monitor probe of {probe['proc_name']}.{probe['name']} holds "
                f"{probe['num_steps']} steps; time step {t + 1} does not fit. Probe with a larger num_steps.",
                process=mon.proc, model=mon.model_cls, phase=phase, time_step=t + 1)
        return t

    def end(self) -> None:
        pass

    def close(self) -> None:
        pass
