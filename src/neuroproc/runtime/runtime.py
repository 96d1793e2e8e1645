"""Runtime: compiles a network once, runs it (blocking or in the background), serves Var access.

One Runtime is shared by every Process of a network. ``run`` resumes where the last call ended;
``pause`` stops a background run at a step boundary; ``stop`` frees the runtime after copying
each Var's last value back to the Process side, so ``get`` keeps working.
"""
from __future__ import annotations

import threading

import numpy as np

from neuroproc._validation import short_repr, who
from neuroproc.exceptions import RuntimeStateError, ShapeError, ValidationError
from neuroproc.run_conditions import RunContinuous, RunSteps

__all__ = ["Runtime"]

_CONTINUOUS_CHUNK = 1000


class Runtime:
    """The executable network plus the backend that steps it."""

    def __init__(self, executable, backend):
        self.exe = executable
        self.backend = backend
        self.time_step = 0
        self.procs = list(executable.flat.selection.procs)
        self._thread: threading.Thread | None = None
        self._pause = threading.Event()
        self._error: BaseException | None = None
        self._stopped = False

    # -- creation ------------------------------------------------------------------------------------
    @classmethod
    def create(cls, proc, run_cfg, backend=None) -> Runtime:
        from neuroproc.compiler import compile_network
        from neuroproc.runtime.backends import make_backend
        from neuroproc.runtime.distributed import wanted

        if wanted():  # started by an MPI launcher on several ranks: partition the network
            from neuroproc.runtime.distributed.runtime import DistributedRuntime

            return DistributedRuntime.create(proc, run_cfg, backend)  # type: ignore[return-value]
        exe = compile_network(proc, run_cfg)
        for p in exe.flat.selection.procs:
            if p._runtime is not None and not p._runtime._stopped:
                raise RuntimeStateError(
                    f"{who(p)} already belongs to a running network. Call stop() on it first.")
        rt = cls(exe, make_backend(exe, backend if backend is not None else getattr(run_cfg, "backend", "auto")))
        for p in rt.procs:
            p._runtime = rt
        return rt

    # -- running -------------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _check_usable(self, action: str) -> None:
        if self._stopped:
            raise RuntimeStateError(f"Runtime.{action}: the runtime was stopped. Build a new network.")
        if self.running:
            raise RuntimeStateError(f"Runtime.{action}: a non-blocking run is in progress. "
                                    "Call pause() or wait() first.")
        self._raise_pending()

    def _raise_pending(self) -> None:
        err, self._error = self._error, None
        if err is not None:
            raise err

    def start(self, condition) -> None:
        self._check_usable("run")
        if isinstance(condition, RunSteps):
            n = condition.num_steps
        elif isinstance(condition, RunContinuous):
            n = None
        else:
            raise ValidationError(f"Runtime.run: unknown run condition {short_repr(condition)}.")
        self._pause.clear()
        if condition.blocking:
            self._execute(n)
        else:
            self._thread = threading.Thread(target=self._execute_background, args=(n,),
                                            name="neuroproc-runtime", daemon=True)
            self._thread.start()

    def _execute(self, n) -> None:
        backend = self.backend
        try:
            backend.begin(n)
            if n is None:
                while not self._pause.is_set():
                    self.time_step = backend.run_steps(self.time_step, _CONTINUOUS_CHUNK, self._pause.is_set)
            else:
                self.time_step = backend.run_steps(self.time_step, n, self._pause.is_set)
            backend.end()
        except BaseException:
            self._teardown()
            raise

    def _execute_background(self, n) -> None:
        try:
            self._execute(n)
        except BaseException as exc:  # reported to the caller by wait()/pause()/stop()
            self._error = exc

    def wait(self) -> None:
        """Block until a non-blocking ``RunSteps`` run ends (re-raising its error)."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self._raise_pending()

    def pause(self) -> None:
        """Stop a background run at the next step boundary."""
        self._pause.set()
        self.wait()

    def stop(self) -> None:
        """End the run, keep the Vars' last values on the Process side, free everything."""
        if self._stopped:
            return
        self._pause.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        err, self._error = self._error, None
        self._teardown()
        if err is not None:
            raise err

    def _teardown(self) -> None:
        if self._stopped:
            return
        try:
            for p in self.procs:
                for var in p.vars:
                    home = self.exe.flat.var_home.get(id(var))
                    if home is var and _is_leaf_var(self.exe, var):
                        try:
                            var.init = self.backend.accessor(var).take()
                        except Exception:  # a model that broke its own Var: keep the old value
                            pass
        finally:
            self.backend.close()
            self._stopped = True
            for p in self.procs:
                if p._runtime is self:
                    p._runtime = None

    # -- Var access ----------------------------------------------------------------------------------
    def _home(self, var):
        home = self.exe.flat.var_home.get(id(var))
        if home is None or not _is_leaf_var(self.exe, home):
            return None
        return home

    def get_var(self, var) -> np.ndarray:
        """The Var's value in the run; a Var with no leaf home answers from the Process side.

        A Var of a Dense that ``fold='linear'`` merged into a LinearChain has no value in the run
        (the Dense does not run): that raises RuntimeStateError until ``stop()``, after which
        ``Var.get()`` returns the value it had before the run.
        """
        _refuse_merged(self, var, "get")
        self._check_usable(f"get of {var.who}")
        home = self._home(var)
        if home is None:
            return var._host_value()
        return self.backend.accessor(home).read()

    def set_var(self, var, value, idx=None) -> None:
        """Write the Var in the run; for a Var of a merged Dense raise, as ``get_var`` does."""
        _refuse_merged(self, var, "set")
        self._check_usable(f"set of {var.who}")
        home = self._home(var)
        if home is None:
            var.init = np.array(value) if idx is None else value
            return
        if idx is None:
            shape = np.shape(value)
            if shape != home.shape and shape != ():
                raise ShapeError(f"{var.who}.set: value has shape {shape} but the Var has shape "
                                 f"{home.shape}. Pass an array of shape {home.shape} or a scalar.")
        self.backend.accessor(home).write(value, idx)


def _is_leaf_var(exe, var) -> bool:
    return exe.flat.selection.is_leaf(var.process)


def _refuse_merged(rt, var, action: str) -> None:
    # the merged Dense does not run: an answer from the Process side would be stale, a set() lost
    chain = getattr(rt.exe.flat.selection, "merged", {}).get(id(var.process))
    if chain is None or rt._stopped:
        return
    owner = who(var.process)
    after = ("or call get() after stop() for the value from before the run" if action == "get"
             else "or set() it before the run (the merge reads it)")
    raise RuntimeStateError(
        f"{var.who}: {action}() is not possible while its network has a runtime (from run() or "
        f"create_runtime() until stop()): fold='linear' merged {owner} into {who(chain)}, so {owner} "
        f"does not run and its Vars have no value in the run. Run with fold='exact' or fold=False to "
        f"keep the state of {owner}, {after}.")
