"""The python backend: the reference runtime for every model.

It binds model-side ports to channels, then steps the Loihi protocol with the cooperative
scheduler. Guards that a model does not override are skipped without being called.
"""
from __future__ import annotations

from neuroproc.model import PyLoihiProcessModel
from neuroproc.runtime.channels import Channel, VarAccessor
from neuroproc.runtime.scheduler import Scheduler
from neuroproc.sync import LoihiProtocol

__all__ = ["PythonBackend"]

_PHASES = (("pre_guard", "run_pre_mgmt"), ("lrn_guard", "run_lrn"), ("post_guard", "run_post_mgmt"))


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
            items = []
            for t in self.sync_tasks:
                cls_guard = getattr(type(t.model), guard, None)
                if cls_guard is not None and cls_guard is not getattr(PyLoihiProcessModel, guard):
                    items.append((t, getattr(t.model, guard)))
            self.guarded.append((method, items))

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
                target = None
                var = refs.get(id(port))
                if var is not None:
                    home_entry, home_var = homes[id(var)]
                    target = VarAccessor(home_entry.model, home_var.name,
                                         home_entry.var_types[home_var.name], home_var)
                setattr(e.model, port.name, lpt.cls(port.name, port.shape, lpt.d_type, owner, target=target))
            for port in e.proc.var_ports:
                lpt = e.port_types.get(port.name)
                if lpt is not None:
                    setattr(e.model, port.name, lpt.cls(port.name, port.shape, lpt.d_type, owner))

    def accessor(self, var):
        """VarAccessor for a leaf Var of this executable."""
        e = self.exe.entry_of(var.process)
        return VarAccessor(e.model, var.name, e.var_types[var.name], var)

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
        sync = self.sync_tasks
        for t in sync:
            t.model.time_step = time_step
        for t in self.async_tasks:
            t.model.time_step = time_step
        sched.run_phase(sync, LoihiProtocol.SPK)
        for (guard, _), (method, items) in zip(_PHASES, self.guarded):
            if items:
                due = sched.guards(items, guard)
                if due:
                    sched.run_phase(due, method)

    def run_steps(self, start: int, num_steps: int, should_pause) -> int:
        """Run up to ``num_steps`` steps after ``start``; returns the last completed step."""
        t = start
        step = self.step
        for _ in range(num_steps):
            if should_pause():
                break
            t += 1
            step(t)
        return t

    def end(self) -> None:
        """End of a ``run`` call: async models finish, greenlets are released."""
        if self.async_tasks:
            self.scheduler.drain()
        self.scheduler.stop_tasks()

    def close(self) -> None:
        self.scheduler.close()
