"""DistributedRuntime: one rank's share of a network, with the Runtime's interface.

Every rank runs the same script, so every rank compiles the same flat graph; the partition stage
gives each rank its ranges and :func:`~neuroproc.runtime.distributed.localize.localize` builds
this rank's local network, which an ordinary :class:`~neuroproc.runtime.Runtime` runs with the
python or the compiled backend. This object stands in for that Runtime on the user's Processes:

* ``run`` is collective: every rank runs the same steps (blocking ``RunSteps`` only: a
  background run or ``RunContinuous`` would stop at a different step on each rank);
* ``Var.get()`` / ``set()`` are collective: ``get`` gathers a split Var from every rank into the
  global array (on every rank, or with ``run_cfg.gather = 'root'`` on rank 0 only; the others
  get None); ``set`` takes each rank's part of the global value (the same on every rank);
* ``stop`` gathers every Var's last value, so ``get`` after ``stop`` answers globally too;
* ``partition`` maps each leaf Process's name to the ``(start, stop)`` range of its units held
  here (possibly empty), or None for a Process that is not split (it runs whole on every rank).

An error while compiling or running on one of several ranks would leave the others waiting in a
collective, so it aborts the whole job (``MPI_Abort``) after printing the error with its rank.
"""
from __future__ import annotations

import sys
import traceback
from contextlib import contextmanager
from typing import Any

import numpy as np

from neuroproc._validation import who
from neuroproc.exceptions import RuntimeStateError, ShapeError, ValidationError
from neuroproc.run_conditions import RunSteps
from neuroproc.runtime.distributed import _mpi
from neuroproc.runtime.distributed.localize import localize
from neuroproc.runtime.distributed.partition import partition, place, take

__all__ = ["DistributedRuntime"]


class DistributedRuntime:
    """This rank's runtime of a partitioned network (see the module docstring)."""

    def __init__(self, flat, layout, local, comm, inner, gather: str = "all"):
        self.flat = flat
        self.layout = layout
        self.local = local
        self.comm = comm
        self.rank = comm.Get_rank()
        self.ranks = comm.Get_size()
        #: the ordinary Runtime of this rank's local network
        self.inner = inner
        self.backend = inner.backend
        self.gather = gather
        self.procs = list(flat.selection.procs)
        #: the Runtime interface the Processes use: this rank's executable, config and state
        self.exe = inner.exe
        self.run_cfg = getattr(inner, "run_cfg", None)
        self.requested_backend = getattr(inner, "requested_backend", inner.backend.name)
        self._error: BaseException | None = None
        self._stopped = False
        self.end_reason = "stop() was called"

    @property
    def label(self) -> str:
        names = [who(p) for p in self.procs[:3]]
        more = f" and {len(self.procs) - 3} more" if len(self.procs) > 3 else ""
        return f"distributed network of {', '.join(names)}{more}"

    @classmethod
    def create(cls, proc, run_cfg, backend=None) -> DistributedRuntime:
        from neuroproc.compiler import collect, flatten, fold, select
        from neuroproc.runtime.backends import make_backend
        from neuroproc.runtime.runtime import Runtime

        gather = getattr(run_cfg, "gather", "all")
        if gather not in ("all", "root"):
            raise ValidationError(f"run_cfg.gather must be 'all' or 'root' (got {gather!r}).")
        flat: Any = flatten(fold(select(collect(proc), run_cfg)))
        for p in flat.selection.procs:
            ended = getattr(p, "_ended", None)
            if ended is not None:
                raise RuntimeStateError(
                    f"{who(p)} belongs to a {ended.label} that was stopped; a stopped network cannot "
                    "run again (got run() after stop()). Build a new network (new Processes).")
            if p._runtime is not None and not p._runtime._stopped:
                raise RuntimeStateError(
                    f"{who(p)} already belongs to a running network. Call stop() on it first.")
        comm = _mpi.comm()
        layout = partition(flat, comm.Get_size(), getattr(run_cfg, "partition", None))
        name = backend if backend is not None else getattr(run_cfg, "backend", "auto")
        with _abort_others(comm, "compiling"):  # a rank that fails alone would leave the others waiting
            local = localize(flat, layout, comm, run_cfg)
            inner: Any = Runtime(local.exe, make_backend(local.exe, name), run_cfg=run_cfg, requested_backend=name)
        for p in inner.procs:
            p._runtime = inner
        rt = cls(flat, layout, local, comm, inner, gather)
        for p in rt.procs:
            p._runtime = rt
        return rt

    # -- what this rank holds ------------------------------------------------------------------------
    @property
    def partition(self) -> dict[str, tuple[int, int] | None]:
        """Leaf Process name -> ``(start, stop)`` of its units on this rank; None if not split."""
        out: dict[str, tuple[int, int] | None] = {}
        for p in self.flat.leaves:
            out[p.name] = self.layout.range_of(p, self.rank)
        return out

    def exchange_stats(self) -> dict:
        """Seconds spent in the per-step exchanges of this rank, and the number of collectives."""
        exs = self.local.exchangers
        return {"seconds": sum(e.seconds + float(e.stats[0]) for e in exs),
                "calls": sum(e.calls + int(e.stats[1]) for e in exs), "gathers": len(exs),
                "compiled": all(e.native for e in exs)}

    @property
    def time_step(self) -> int:
        return self.inner.time_step

    @property
    def running(self) -> bool:
        return False

    # -- running ---------------------------------------------------------------------------------------
    def start(self, condition) -> None:
        if self._stopped:
            raise RuntimeStateError("Runtime.run: the runtime was stopped. Build a new network.")
        if not isinstance(condition, RunSteps) or not condition.blocking:
            raise RuntimeStateError(
                f"distributed runtime: run() needs a blocking RunSteps (got {condition!r}): every "
                "rank must stop at the same step. Use RunSteps(n) and run again to continue.")
        with _abort_others(self.comm, "run()"):
            self.inner.start(condition)

    def wait(self) -> None:
        """Runs are blocking: nothing to wait for."""

    def _raise_pending(self) -> None:
        """Runs are blocking: their errors were raised by ``run``."""

    def _detach(self) -> None:
        """A stopped network's Processes answer get() from their own side and refuse run()."""
        if not self._stopped:
            return
        for p in self.procs:
            if p._runtime is self:
                p._runtime = None
                p._ended = self

    def pause(self) -> None:
        raise RuntimeStateError("distributed runtime: pause() is not possible: runs are blocking "
                                "RunSteps, which end at the same step on every rank.")

    def stop(self) -> None:
        """End the run on every rank; each Var keeps its last global value."""
        if self._stopped:
            return
        self.inner.stop()
        for proc in self.flat.leaves:
            clone = self.local.local_of[id(proc)]
            for var in proc.vars:
                value = getattr(clone, var.name)._host_value()
                var.init = self._global(var, value, everywhere=True)
        for ex in self.local.exchangers:
            ex.close()
        self._stopped = True
        self._detach()

    # -- Var access (collective) -----------------------------------------------------------------------
    def _home(self, var):
        home = self.flat.var_home.get(id(var))
        if home is None or not self.flat.selection.is_leaf(home.process):
            return None
        return home

    def _check(self, var, action: str) -> None:
        if self._stopped:
            raise RuntimeStateError(f"Runtime.{action} of {var.who}: the runtime was stopped.")
        if id(var.process) in getattr(self.flat.selection, "merged", {}):
            raise RuntimeStateError(
                f"{var.who}: {action}() is not possible while its network runs: fold='linear' merged "
                f"{who(var.process)}, so its Vars have no value in the run. Run with fold='exact'.")

    def _local_var(self, home):
        return getattr(self.local.local_of[id(home.process)], home.name)

    def _global(self, home, value, everywhere: bool = False):
        split = self.layout.split(home.process, home.name)
        if split is None:
            return value
        part, cuts = split
        if self.gather == "root" and not everywhere:
            pieces = self.comm.gather(value, root=0)
            if self.rank != 0:
                return None
        else:
            pieces = self.comm.allgather(value)
        return place(pieces, part, cuts, home.shape, np.asarray(value).dtype)

    def get_var(self, var):
        """The global value of ``var`` (collective: every rank must call it)."""
        self._check(var, "get")
        home = self._home(var)
        if home is None:
            return var._host_value()
        return self._global(home, self.inner.get_var(self._local_var(home)))

    def set_var(self, var, value, idx=None) -> None:
        """Set ``var`` from the global ``value`` (collective: every rank passes the same)."""
        self._check(var, "set")
        home = self._home(var)
        if home is None:
            var.init = np.array(value) if idx is None else value
            return
        local = self._local_var(home)
        split = self.layout.split(home.process, home.name)
        if split is None:
            self.inner.set_var(local, value, idx)
            return
        if idx is not None:
            full = self._global(home, self.inner.get_var(local), everywhere=True)
            full[idx] = value
            value = full
        arr = np.asarray(value)
        if arr.shape != home.shape and arr.shape != ():
            raise ShapeError(f"{var.who}.set: value has shape {arr.shape} but the Var has shape "
                             f"{home.shape}. Pass an array of shape {home.shape} or a scalar.")
        part, cuts = split
        a, b = int(cuts[self.rank]), int(cuts[self.rank + 1])
        self.inner.set_var(local, take(np.broadcast_to(arr, home.shape), part, a, b))


@contextmanager
def _abort_others(comm, what: str):
    """An error on one of several ranks aborts them all (after printing it with the rank)."""
    try:
        yield
    except BaseException:
        if comm.Get_size() > 1:
            sys.stderr.write(f"neuroproc rank {comm.Get_rank()}/{comm.Get_size()}: error in {what}, "
                             f"aborting every rank:\n{traceback.format_exc()}")
            sys.stderr.flush()
            comm.Abort(1)
        raise
