"""The python backend: the reference runtime for every model.

It binds model-side ports to channels, then steps the Loihi protocol with the cooperative
scheduler. Per step it does only what some model can need: a management phase no model takes
part in costs nothing, a guard a model does not override is not called (it is false), and a
phase method a model does not override is not called even when its guard holds (it is empty).
"""
from __future__ import annotations

from typing import Any

from neuroproc.model import AbstractPyProcessModel, PyLoihiProcessModel
from neuroproc.runtime.channels import Channel, VarAccessor
from neuroproc.runtime.scheduler import Scheduler
from neuroproc.sync import LoihiProtocol

__all__ = ["PythonBackend"]

_PHASES = (("pre_guard", "run_pre_mgmt"), ("lrn_guard", "run_lrn"), ("post_guard", "run_post_mgmt"))


def _lava_pre_gate(scheduler, guarded) -> list:
    """The pre-management items, gated as Lava gates the phase.

    Lava decides the management phases for the whole network each step: the pre-management
    phase runs only when some model asks for learning and pre-management together (its
    ``lrn_guard()`` and ``pre_guard()`` both hold after ``run_spk``); then every model whose
    ``pre_guard()`` holds runs ``run_pre_mgmt``. Learning and post-management run for the models
    whose guard holds, as before.
    """
    (_, pre_items), (_, lrn_items) = guarded[0], guarded[1]
    pre_of = {id(t): g for t, g in pre_items}
    askers = [(t, g, pre_of[id(t)]) for t, g in lrn_items if id(t) in pre_of]
    if not askers:
        return []
    due_at: list[Any] = [-1, False]

    def asks(t, guard: str, fn) -> bool:
        # a guard that raises fails the run naming that guard and its own model
        return bool(scheduler.guards([(t, fn)], guard))

    def phase_due() -> bool:
        if due_at[0] != scheduler.time_step:
            due_at[:] = [scheduler.time_step, any(asks(t, "lrn_guard", lrn) and asks(t, "pre_guard", pre)
                                                  for t, lrn, pre in askers)]
        return due_at[1]

    return [(t, lambda g=g: phase_due() and g()) for t, g in pre_items]


def _overrides(model, name: str) -> bool:
    """Whether ``model``'s class defines ``name`` other than ``PyLoihiProcessModel``'s default."""
    attr = getattr(type(model), name, None)
    return attr is not None and attr is not getattr(PyLoihiProcessModel, name)


class _ViewedAccessor:
    """A RefPort's access to a Var through views: writes go forward through them, reads back."""

    __slots__ = ("inner", "fwd", "bwd")

    def __init__(self, inner, fwd, bwd):
        self.inner, self.fwd, self.bwd = inner, fwd, bwd

    def read(self):
        return self.bwd(self.inner.read())

    def write(self, value, idx=None) -> None:
        self.inner.write(self.fwd(value), idx)


class _HostVarAccessor(VarAccessor):
    """The user's ``var.set`` between runs: written, then the model is told (``on_var_update``)."""

    __slots__ = ()

    def write(self, value, idx=None) -> None:
        super().write(value, idx)
        hook = getattr(self.model, "on_var_update", None)
        if hook is not None:
            hook()


class PythonBackend:
    """Steps an Executable in this OS process, deterministically."""

    name = "python"

    def __init__(self, executable):
        self.exe = executable
        #: why this backend runs the network (set by make_backend)
        self.reason = None
        self.scheduler = Scheduler(executable.entries)
        self.channels = [Channel(spec, self.scheduler) for spec in executable.channels]
        self._bind_ports()
        tasks = self.scheduler.tasks
        self.sync_tasks = [t for t in tasks if not t.is_async]
        self.async_tasks = [t for t in tasks if t.is_async]
        # per management phase: (task, bound guard) for models that override the guard
        self.guarded = []
        for guard, method in _PHASES:
            items = [(t, getattr(t.model, guard)) for t in self.sync_tasks if _overrides(t.model, guard)]
            self.guarded.append((method, items))
        self.guarded[0] = (self.guarded[0][0], _lava_pre_gate(self.scheduler, self.guarded))
        # the management phases some model can take part in; the others cost nothing per step.
        # Every overridden guard is asked, as in Lava, but a model whose guard holds and that
        # keeps the base (empty) phase method is not called for it: the call would do nothing.
        self._mgmt = []
        for (guard, _), (method, items) in zip(_PHASES, self.guarded):
            if items:
                idle = {id(t) for t, _ in items
                        if not _overrides(t.model, method) and method not in getattr(t.model, "__dict__", ())}
                self._mgmt.append((guard, method, items, idle))
        #: 'pause' or 'stop' when a model asked for it (``_req_pause``/``_req_stop``) in the last run
        self.requested: str | None = None
        # only models whose code can ask (Python models) are watched; kernels never ask
        models = [t.model for t in self.scheduler.tasks]
        self._watch_requests = any(isinstance(m, AbstractPyProcessModel) for m in models)
        # Python models have both flags (class attributes); others are read with a default
        self._watched = [m for m in models if isinstance(m, AbstractPyProcessModel)]
        self._watched_other = [m for m in models if not isinstance(m, AbstractPyProcessModel)]

    def _bind_ports(self) -> None:
        by_dst: dict[int, list] = {}
        by_src: dict[int, list] = {}
        for ch in self.channels:
            by_dst.setdefault(id(ch.spec.dst), []).append(ch)
            by_src.setdefault(id(ch.spec.src), []).append(ch)
        homes = {}
        for e in self.exe.entries:
            for var in e.proc.vars:
                homes[id(var)] = (e, var)
        refs = {id(r.ref): r.var for r in self.exe.flat.ref_links}
        views = {id(r.ref): r.transforms() for r in self.exe.flat.ref_links}
        for e in self.exe.entries:
            owner = e.proc.name
            for port in e.proc.in_ports:
                lpt = e.port_types[port.name]
                setattr(e.model, port.name, lpt.cls(port.name, port.shape, lpt.d_type, owner,
                                                     channels=by_dst.get(id(port), [])))
            for port in e.proc.out_ports:
                lpt = e.port_types[port.name]
                setattr(e.model, port.name, lpt.cls(port.name, port.shape, lpt.d_type, owner,
                                                     channels=by_src.get(id(port), [])))
            for port in e.proc.ref_ports:
                lpt = e.port_types[port.name]
                target: Any = None
                var = refs.get(id(port))
                if var is not None:
                    home_entry, home_var = homes[id(var)]
                    target = VarAccessor(home_entry.model, home_var.name,
                                         home_entry.var_types[home_var.name], home_var)
                    if views.get(id(port)) is not None:
                        target = _ViewedAccessor(target, *views[id(port)])
                setattr(e.model, port.name, lpt.cls(port.name, port.shape, lpt.d_type, owner, target=target))
            for port in e.proc.var_ports:
                lpt = e.port_types.get(port.name)
                if lpt is not None:
                    setattr(e.model, port.name, lpt.cls(port.name, port.shape, lpt.d_type, owner))

    def accessor(self, var):
        """VarAccessor for a leaf Var of this executable (a host write calls the model's
        ``on_var_update``)."""
        e = self.exe.entry_of(var.process)
        return _HostVarAccessor(e.model, var.name, e.var_types[var.name], var)

    def _requests(self) -> str | None:
        """'stop' or 'pause' when a model asked for it during the last step (the flags are reset)."""
        asked = None
        for m in self._watched:
            if m._req_stop or m._req_pause:
                asked = "stop" if m._req_stop or asked == "stop" else "pause"
                m._req_stop = m._req_pause = False
        for m in self._watched_other:
            if getattr(m, "_req_stop", False) or getattr(m, "_req_pause", False):
                asked = "stop" if getattr(m, "_req_stop", False) or asked == "stop" else "pause"
                m._req_stop = m._req_pause = False
        return asked

    # -- stepping -------------------------------------------------------------------------------------
    def begin(self, num_steps) -> None:
        """Start of a ``run`` call: async models get their step count and start."""
        for t in self.async_tasks:
            t.model.num_steps = num_steps if num_steps is not None else 0
        if self.async_tasks:
            self.scheduler.start_async(self.async_tasks)

    def step(self, time_step: int) -> None:
        sched = self.scheduler
        sched.time_step = time_step
        for t in self.async_tasks:
            t.model.time_step = time_step
        # every synchronous model gets its time_step before the first one runs
        sched.run_phase(self.sync_tasks, LoihiProtocol.SPK, time_step)
        for guard, method, items, idle in self._mgmt:
            due = sched.guards(items, guard)
            if due and idle:
                due = [t for t in due if id(t) not in idle]
            if due:
                sched.run_phase(due, method)

    def run_steps(self, start: int, num_steps: int, should_pause) -> int:
        """Run up to ``num_steps`` steps after ``start``; returns the last completed step."""
        t = start
        step = self.step
        self.requested = None
        for _ in range(num_steps):
            if should_pause():
                break
            t += 1
            step(t)
            if self._watch_requests:
                self.requested = self._requests()
                if self.requested is not None:
                    break
        return t

    def end(self) -> None:
        """End of a ``run`` call: async models finish, greenlets are released."""
        if self.async_tasks:
            self.scheduler.drain()
        self.scheduler.stop_tasks()

    def close(self) -> None:
        self.scheduler.close()
