"""The compiled backend: every model's ``run_spk`` fused into one numba loop over all steps.

Models offer a :class:`~neuroproc.runtime.kernels.KernelSpec` (the standard library's do; any
user model may). The backend orders the kernels statically (early sends first, then every model
after the models it receives from), gives every port a preallocated buffer, and generates one
``@njit(cache=True)`` function that runs the steps of a ``run`` call with Monitors recording in
the loop (source and disk cache: :mod:`neuroproc.runtime._codegen`); the first (compile or
cache-load) cost is measured separately in ``stats``.

Messages are not copied where the kernels allow it: an in-port with a single sender of its dtype
reads the sender's buffer; readers of binary spikes may take the active view (the indices of the
non-zero entries), made once per out-port per step and shared; and an early send that only copies
an attribute (Dense's ``a_out <- a_buff``) becomes that attribute, read before the sender's step
overwrites it (see :mod:`neuroproc.runtime.kernels`).

The host-block hook: a model with an int attribute ``host_every`` (k) exchanges with the host
program between fused blocks of at most k steps; the backend calls its ``host_before(t, count)``
before and ``host_after(t, count)`` after each block of ``count`` steps following step ``t`` (a model
fills or drains a block array there that its kernel reads or writes). ``host_before`` may return
a smaller count (fewer steps are ready, e.g. a pause ended a wait for host data); the block then
runs that many steps, and ``host_after`` gets the count that ran.

Where a network cannot be fused (a model without kernel, an async model, a virtual-port
transform, a loop without an early send) ``plan_compiled`` raises :class:`Unsupported` with the
reason; ``make_backend`` then falls back to the python backend and says so.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from neuroproc._validation import short_repr, who
from neuroproc.exceptions import CompilationError, SimulationError
from neuroproc.runtime._codegen import Codegen, cached, load
from neuroproc.runtime._parallel import parallel_source, plan_parts, run_threads
from neuroproc.runtime.channels import VarAccessor
from neuroproc.runtime.progress import compile_notice

__all__ = ["CompiledBackend", "Unsupported", "plan_compiled"]

_CHUNK = 4096


class Unsupported(Exception):
    """The network cannot be fused; the message says why."""


def _recordings(model) -> list | None:
    """The model's recording hook (``recordings()``, see :mod:`neuroproc.runtime.kernels`), or
    None for a model that does not only record."""
    hook = getattr(model, "recordings", None)
    return None if hook is None else list(hook())


def _is_monitor(model) -> bool:
    return _recordings(model) is not None


class _Plan:
    """Static schedule, buffers and generated source for one Executable."""

    def __init__(self, exe):
        self.exe = exe
        self.kernels = {}       # id(entry) -> KernelSpec
        self.order: Any = []    # entries in step order
        self.out_bufs = {}      # id(port) -> array
        self.in_bufs = {}       # id(port) -> (array, [src out arrays] or None when aliased)
        self.monitors = []      # (entry, data attr name, kind, source) for every probe
        self.sender_views = {}  # id(out array) -> (idx, count) its sender's step writes
        self.aliases = {}       # id(out array) -> (entry, attr): the attribute is the buffer
        self.refs = {}          # (id(entry), ref-port name) -> (holder entry, Var) or zeros


def plan_compiled(exe) -> _Plan:
    """Check that ``exe`` can be fused and lay out kernels, order and buffers."""
    plan = _Plan(exe)
    missing = []
    for e in exe.entries:
        if e.is_async:
            raise Unsupported(f"{who(e.proc)} ({e.model_cls.__name__}) is an async model")
        if _is_monitor(e.model):
            continue
        try:
            spec = e.model.kernel()
        except Exception as exc:
            raise CompilationError(
                f"{who(e.proc)} ({e.model_cls.__name__}): its kernel() raised {type(exc).__name__}: "
                f"{exc}. Fix the model's kernel(), or let it return None to run the model on the "
                "python backend.") from exc
        if spec is None:
            missing.append(f"{who(e.proc)} ({e.model_cls.__name__})")
        else:
            _check_spec(e, spec)
        plan.kernels[id(e)] = spec
    if missing:
        raise Unsupported(f"{', '.join(missing)} provide{'s' if len(missing) == 1 else ''} no kernel")
    for ch in exe.channels:
        if ch.transform is not None:
            raise Unsupported(f"channel {ch.edge} transforms messages (virtual ports)")
        spec = plan.kernels.get(id(next((e for e in exe.entries if e.proc is ch.dst.process), None)))
        if spec is not None and ch.dst.name not in spec.in_ports:
            # the python backend's channel would fill up (a DeadlockError after 64 steps): the
            # fused loop, which has no channels, must not run on where it would stop
            raise Unsupported(f"{ch.dst.who} is connected but its kernel does not read it")
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
        for rec in _recordings(e.model) or ():
            p = {"data": rec.data, "num_steps": rec.num_steps, "label": rec.label}
            if rec.kind == "port":
                port = getattr(e.proc, rec.port)
                plan.monitors.append((e, p, "port", port))
            else:
                var: Any = homes.get(id(getattr(e.proc, rec.port)))
                holder = entry_of[id(var.process)]
                if not isinstance(getattr(holder.model, var.name), np.ndarray):
                    raise Unsupported(f"Monitor probe of {var.who}: not an array Var")
                plan.monitors.append((e, p, "var", (holder, var.name)))
    _plan_refs(exe, plan, entry_of)
    for e in exe.entries:
        spec = plan.kernels.get(id(e))
        for port_name, kinds in zip(spec.in_ports if spec else (), spec.in_kinds if spec else ()):
            buf = plan.in_bufs[id(getattr(e.proc, port_name))][0]
            if kinds and buf.dtype.kind not in kinds:
                raise Unsupported(f"{who(e.proc)}.{port_name} receives {buf.dtype}, which "
                                  f"{e.model_cls.__name__}'s kernel does not handle")
    for e in exe.entries:
        spec = plan.kernels.get(id(e))
        for port_name in spec.out_views if spec else ():
            out = plan.out_bufs[id(getattr(e.proc, port_name))]
            plan.sender_views[id(out)] = (np.zeros(out.size, np.int64), np.zeros(1, np.int64))
    entries, deps = _dependencies(exe, plan)
    plan.order = _order(entries, deps)
    _alias_early_copies(exe, plan, entries, deps)
    return plan


def _plan_refs(exe, plan, entry_of) -> None:
    """The Var (holder entry, Var) each kernel's ref-port reaches, or zeros when unconnected."""
    links = {id(r.ref): r for r in exe.flat.ref_links}
    for e in exe.entries:
        spec = plan.kernels.get(id(e))
        for name in spec.ref_ports if spec else ():
            port = getattr(e.proc, name)
            link = links.get(id(port))
            if link is None:
                plan.refs[(id(e), name)] = np.zeros(port.shape, np.dtype(e.port_types[name].d_type))
                continue
            var = link.var
            if link.views:
                raise Unsupported(f"{port.who} reaches {var.who} through virtual ports")
            holder = entry_of[id(var.process)]
            value = getattr(holder.model, var.name, None)
            if id(holder) not in plan.kernels or not isinstance(value, np.ndarray) or value.shape != var.shape:
                raise Unsupported(f"{port.who} reaches {var.who}, which is not an array of a kernel's model")
            plan.refs[(id(e), name)] = (holder, var)
            if name in spec.ref_writes:
                if var.name in plan.kernels[id(holder)].read_only:
                    raise Unsupported(f"{port.who} writes {var.who}, which {holder.model_cls.__name__}'s kernel "
                                      "declares read-only (threads would not meet around it)")
                if var.name not in plan.kernels[id(holder)].arrays:
                    raise Unsupported(f"{port.who} writes {var.who}, which {holder.model_cls.__name__}'s kernel "
                                      "does not read as an array (it would not see the write until the next run)")
                others = [r.ref.who for r in exe.flat.ref_links if r.var is var and r.ref is not port]
                if others:
                    raise Unsupported(f"{port.who} writes {var.who}, which {', '.join(others)} also reach"
                                      "es in the management phase (their order decides what they see)")


_WHAT = {"part_of": "arrays", "read_only": "arrays", "part_local": "arrays or ports"}


def _check_spec(e, spec) -> None:
    """The optional fields name the kernel's own ports (a kernel author's mistake otherwise: fall
    back to the python backend and say which)."""
    checks = [("in_views", spec.in_views, spec.in_ports), ("out_views", spec.out_views, spec.out_ports),
              ("early_copies", [p for p, _ in spec.early_copies], spec.early_ports),
              ("ref_ports", spec.ref_ports, tuple(p.name for p in e.proc.ref_ports)),
              ("ref_writes", spec.ref_writes, spec.ref_ports),
              ("part_of", [spec.part_of] if spec.part is not None else [], spec.arrays),
              ("part_local", spec.part_local, spec.arrays + spec.in_ports + spec.out_ports + spec.early_ports),
              ("read_only", spec.read_only, spec.arrays)]
    for field, names, allowed in checks:
        for name in names:
            if name not in allowed:
                what = _WHAT.get(field, "ports")
                raise Unsupported(f"{who(e.proc)} ({e.model_cls.__name__}): KernelSpec.{field} names "
                                  f"{name!r}, which is not one of its {what} {allowed}")


def _alias_early_copies(exe, plan, entries, deps) -> None:
    """Use an early-copied attribute as its port's buffer where every reader can run first.

    The readers must run before the sender's step (which overwrites the attribute), so each
    reader becomes a dependency of the sender; a candidate that would close a loop, feeds a
    Monitor (it records at the end of the step) or differs in dtype or shape keeps its copy."""
    index = {id(e.proc): i for i, e in enumerate(entries)}  # Monitors have no kernel: not in it
    for s, e in enumerate(entries):
        for port_name, attr in plan.kernels[id(e)].early_copies:
            port = getattr(e.proc, port_name)
            out = plan.out_bufs[id(port)]
            value = getattr(e.model, attr, None)
            readers = [c.dst.process for c in exe.channels if c.src is port]
            if not (isinstance(value, np.ndarray) and value.dtype == out.dtype and value.shape == out.shape) \
                    or any(id(r) not in index or index[id(r)] == s for r in readers):
                continue
            trial = {i: set(d) for i, d in deps.items()}
            trial[s] |= {index[id(r)] for r in readers}
            order = _order(entries, trial, strict=False)
            if order is not None:
                deps.clear()
                deps.update(trial)
                plan.order = order
                plan.aliases[id(out)] = (e, attr)


def _dependencies(exe, plan) -> tuple[list, dict]:
    """Kernel entries and, per entry index, the indices it must run after; early messages
    impose no order."""
    kernel_entries = [e for e in exe.entries if id(e) in plan.kernels]
    index = {id(e.proc): i for i, e in enumerate(kernel_entries)}
    deps: dict[int, set[int]] = {i: set() for i in range(len(kernel_entries))}
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
    by_entry = {id(e): i for i, e in enumerate(kernel_entries)}
    for (reader, _), target in plan.refs.items():  # a ref-port reads its Var after the holder's step
        if isinstance(target, tuple) and target[0] is not kernel_entries[by_entry[reader]]:
            deps[by_entry[reader]].add(by_entry[id(target[0])])
    return kernel_entries, deps


def _order(entries, deps, strict: bool = True) -> list | None:
    """Kahn's algorithm, stable in entry order. A loop raises Unsupported (``strict``) or gives None."""
    done: set[int] = set()
    order: list[int] = []
    while len(order) < len(entries):
        ready = [i for i in range(len(entries)) if i not in done and deps[i] <= done]
        if not ready:
            if not strict:
                return None
            names = ", ".join(who(entries[i].proc) for i in deps if i not in done)
            raise Unsupported(f"a loop without an early send: {names}")
        done.add(ready[0])
        order.append(entries[ready[0]])
    return order


class CompiledBackend:
    """Runs a fused loop per ``run`` call; same Var access as the python backend."""

    name = "compiled"

    def __init__(self, executable, plan=None, load: bool = True):
        self.exe = executable
        self.plan = plan or plan_compiled(executable)
        self._placeholders = {id(b): b for b in self.plan.out_bufs.values()}
        self._params: dict = {}
        self._parts: dict = {}
        for e in self.plan.order:
            spec = self.plan.kernels[id(e)]
            if spec.setup is not None:
                spec.setup(e.model)
            for name in spec.ref_ports:  # bound as on the python backend: host hooks may read them
                target = self.plan.refs[(id(e), name)]
                lpt, port = e.port_types[name], getattr(e.proc, name)
                acc = None if isinstance(target, np.ndarray) else VarAccessor(
                    target[0].model, target[1].name, target[0].var_types[target[1].name], target[1])
                setattr(e.model, name, lpt.cls(name, port.shape, lpt.d_type, e.proc.name, target=acc))
        self._refresh_params()
        #: set() and anything else that may change what the kernels read make the next run
        #: redo its set-up (prepare hooks, parameters, argument list); see :meth:`invalidate`
        self._dirty = True
        self._args: list = []
        gen = Codegen(self.plan)
        #: threads the loop runs on, and why; the kernels that run as parts (neuroproc.runtime._parallel)
        self.threads, self.threads_why, self._parts = plan_parts(self.exe, self.plan)
        if self.threads > 1:
            self._refresh_params()  # the parts' parameters
            self._sync = np.zeros(3, np.int64)
            self.source = parallel_source(gen, self._params, self._parts, self.threads, self._sync)
        else:
            self.source = gen.build(self._params)
        self._globals = gen.globals
        self._getters: list[Callable[[], Any]] = [g for _, g in gen.args]
        self._watched = gen.attr_args
        #: the jitted loop, once :meth:`load` ran
        self.fused: Any = None
        self.stats: dict = {}
        self.reason: str | None = None
        self.channels: list = []  # no python channels: traffic counters need the python backend
        #: models that exchange with the host between fused blocks (the host-block hook)
        self._hosts = [e.model for e in self.plan.order if getattr(e.model, "host_every", None)]
        if load:
            self.load()

    def cached(self) -> str | None:
        """``'memory'``, ``'disk'`` or None: where the fused loop's machine code would come from
        (None: it must be compiled, which takes a second or more)."""
        return cached(self.source, self._globals)

    def load(self) -> None:
        """Compile the fused loop now, or load its machine code (from memory or the disk cache).

        ``stats`` then holds ``compile_s`` (this step's wall time), ``source`` (``'memory'``,
        ``'disk'`` or ``'compiled'``: cold or warm), ``cache_hits`` (numba's) and ``cache_path``."""
        where = self.cached()
        t0 = time.perf_counter()
        # compile now (or load the machine code from the disk cache), saying so when it takes long
        what = f"the fused loop of {len(self.plan.order)} models"

        def first_call(fused) -> None:
            with compile_notice(fused, what):
                fused(*((0,) if self.threads > 1 else ()), 0, 0, *self._arrays())

        self.fused, self.source_path = load(self.source, self._globals, first_call)
        stats = getattr(self.fused, "stats", None)
        hits = dict(getattr(stats, "cache_hits", {}) or {}) if stats else {}
        self.stats = {"compile_s": time.perf_counter() - t0,
                      "source": where if where == "memory" or hits else "compiled",
                      "cache_hits": hits, "cache_path": str(self.source_path), "runs": 0, "run_s": 0.0,
                      "threads": self.threads, "threads_why": self.threads_why}

    def _refresh_params(self) -> None:
        for e in self.plan.order:
            spec = self.plan.kernels[id(e)]
            if spec.params is not None:  # scalars stay scalars: numba specializes the loop on them
                self._params[id(e)] = tuple(p if np.isscalar(p) else np.ascontiguousarray(p)
                                            for p in spec.params(e.model))
            part = self._parts.get(id(e))
            if part is not None and spec.part_params is not None:
                self._params[("part", id(e))] = tuple(p if np.isscalar(p) else np.ascontiguousarray(p)
                                                      for p in spec.part_params(e.model, part[0]))

    def _arrays(self) -> list:
        return [g() for g in self._getters]

    def accessor(self, var):
        e = self.exe.entry_of(var.process)
        return VarAccessor(e.model, var.name, e.var_types[var.name], var)

    def invalidate(self) -> None:
        """Redo the per-run set-up (prepare hooks, parameters, argument list) before the next run.

        ``Var.set`` calls it. Runs in between reuse the set-up, so a ``run(RunSteps(1))`` costs
        little more than the call into the fused loop; a model attribute the loop reads that was
        replaced (rebound, not written in place) is noticed too. A value written into a model's
        array by other means than ``set`` (``proc.model.x[:] = ...``) reaches the loop's
        parameters only after ``invalidate()``."""
        self._dirty = True

    def _rebound(self) -> bool:
        """Whether a model attribute the loop reads was replaced since the last set-up."""
        args = self._args
        for i, model, name in self._watched:
            if getattr(model, name) is not args[i]:
                return True
        return False

    def begin(self, num_steps) -> None:
        if not self._dirty and not self._rebound():
            return
        for e in self.plan.order:
            spec = self.plan.kernels[id(e)]
            if spec.prepare is not None:
                spec.prepare(e.model)
        for out_id, (e, attr) in self.plan.aliases.items():
            value, out = getattr(e.model, attr), self._placeholders[out_id]
            if not (isinstance(value, np.ndarray) and value.dtype == out.dtype and value.shape == out.shape):
                raise SimulationError(
                    f"{who(e.proc)} ({e.model_cls.__name__}): {attr} must keep dtype {out.dtype} and "
                    f"shape {out.shape}, which its kernel's early_copies promise (got {short_repr(value)}). "
                    "Remove the pair from KernelSpec.early_copies or keep the attribute's type.",
                    process=e.proc, model=e.model_cls, phase="run_spk")
        for (_, name), target in self.plan.refs.items():
            if isinstance(target, tuple):
                holder, var = target
                value = getattr(holder.model, var.name)
                if not (isinstance(value, np.ndarray) and value.shape == var.shape):
                    raise SimulationError(
                        f"{who(holder.proc)} ({holder.model_cls.__name__}): {var.name} must stay an array of "
                        f"shape {var.shape}, which a ref-port's kernel reads (got {short_repr(value)}).",
                        process=holder.proc, model=holder.model_cls, phase="run_spk")
        self._refresh_params()
        self._args = self._arrays()
        self._dirty = False

    def _monitor_limit(self, start: int) -> tuple[int | None, Any]:  # Any: (entry, probe, kind)
        limit, culprit = None, None
        for mon, probe, kind, _ in self.plan.monitors:
            room = probe["num_steps"] - start
            if limit is None or room < limit:
                limit, culprit = room, (mon, probe, kind)
        return limit, culprit

    def run_steps(self, start: int, num_steps: int, should_pause) -> int:
        args = self._args if not self._dirty else self._arrays()
        culprit: Any
        limit, culprit = self._monitor_limit(start) if self.plan.monitors else (None, None)
        todo = num_steps if limit is None else min(num_steps, max(limit, 0))
        t = start
        hosts = self._hosts
        block = min([_CHUNK] + [int(m.host_every) for m in hosts])
        t_run = time.perf_counter()
        while todo > 0 and not should_pause():
            chunk = min(block, todo)
            for m in hosts:  # a model may have less for the block (a pause ended its wait)
                ready = m.host_before(t, chunk)
                chunk = chunk if ready is None else min(chunk, int(ready))
            t0 = t
            if chunk > 0 and self.threads > 1:
                t = run_threads(self.fused, self.threads, self._sync, t, chunk, args)
            elif chunk > 0:
                t = self.fused(t, chunk, *args)
            for m in hosts:
                m.host_after(t0, chunk)
            if chunk == 0:
                break
            todo -= chunk
        stats = self.stats
        stats["runs"] += 1  # with run_s: the mean wall time of a run's loop, set-up excluded
        stats["run_s"] += time.perf_counter() - t_run
        for e in self.exe.entries:
            e.model.time_step = t
        if limit is not None and num_steps > limit and not should_pause():
            mon, probe, kind = culprit
            phase = "run_spk" if kind == "port" else "run_post_mgmt"
            raise SimulationError(
                f"{who(mon.proc)} ({mon.model_cls.__name__}) failed in {phase} at time step {t + 1}: "
                f"IndexError: Monitor probe of {probe['label']} holds "
                f"{probe['num_steps']} steps; time step {t + 1} does not fit. Probe with a larger num_steps.",
                process=mon.proc, model=mon.model_cls, phase=phase, time_step=t + 1)
        return t

    def end(self) -> None:
        pass

    def close(self) -> None:
        pass
