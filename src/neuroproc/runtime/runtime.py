"""Runtime: compiles a network once, runs it (blocking or in the background), serves Var access.

One Runtime is shared by every Process of a network. ``run`` resumes where the last call ended;
``pause`` stops a run at a step boundary (also from another thread, also a blocking one);
``stop`` frees the runtime after copying each Var's last value back to the Process side, so
``get`` keeps working. Life cycle and the promises kept on the way:

* one run at a time: a second ``run`` (from another thread, or while a background run is going)
  raises :class:`RuntimeStateError`; ``pause``/``stop`` from another thread wait for the run to
  reach a step boundary;
* an error of a background run (``blocking=False``, ``RunContinuous``) is kept, with its process,
  model, phase and step, and raised once by the next ``wait``/``pause``/``stop``/``run``/``get``/
  ``set`` on the network; a run that raised leaves the network stopped (Vars readable);
* a stopped network never runs again: ``run`` raises :class:`RuntimeStateError` (build a new one)
  instead of starting over at time step 0;
* Ctrl-C during a blocking run pauses at the next step boundary and raises ``KeyboardInterrupt``
  (see :mod:`neuroproc.runtime._guard`); ``wait`` after ``RunContinuous`` raises at once.
"""
from __future__ import annotations

import threading

import numpy as np

from neuroproc._validation import short_repr, who
from neuroproc.exceptions import RuntimeStateError, ShapeError, ValidationError
from neuroproc.run_conditions import RunContinuous, RunSteps
from neuroproc.runtime import _guard, progress

__all__ = ["Runtime", "model_state"]

_CONTINUOUS_CHUNK = 1000


class Runtime:
    """The executable network plus the backend that steps it."""

    def __init__(self, executable, backend, run_cfg=None, requested_backend=None):
        self.exe = executable
        self.backend = backend
        self.run_cfg = run_cfg
        #: the backend name asked for ('auto', 'python', 'compiled')
        self.requested_backend = requested_backend or backend.name
        #: later runs must ask for this RunConfig and backend (set by the run/create_runtime facade)
        self.pinned = False
        self.time_step = 0
        self.procs = list(executable.flat.selection.procs)
        self._thread: threading.Thread | None = None
        self._pause = threading.Event()
        #: held while steps execute (by the blocking caller, or on behalf of the background thread)
        self._busy = threading.Lock()
        self._runner: int | None = None
        self._continuous = False
        self._interrupted = False
        self._error: BaseException | None = None
        self._stopped = False

    @property
    def label(self) -> str:
        """``network of a::A, b::B and 3 more``: how messages name this network."""
        names = [who(p) for p in self.procs[:3]]
        more = f" and {len(self.procs) - 3} more" if len(self.procs) > 3 else ""
        return f"network of {', '.join(names)}{more}"

    # -- creation ------------------------------------------------------------------------------------
    @classmethod
    def create(cls, proc, run_cfg, backend=None, condition=None) -> Runtime:
        from neuroproc.compiler import compile_network
        from neuroproc.runtime.backends import make_backend
        from neuroproc.runtime.distributed import wanted

        if wanted():  # started by an MPI launcher on several ranks: partition the network
            from neuroproc.runtime.distributed.runtime import DistributedRuntime

            return DistributedRuntime.create(proc, run_cfg, backend)  # type: ignore[return-value]
        exe = compile_network(proc, run_cfg)
        for p in exe.flat.selection.procs:
            ended = getattr(p, "_ended", None)
            if ended is not None:
                raise RuntimeStateError(
                    f"{who(p)} belongs to a {ended.label} that was stopped ({ended.end_reason}); a "
                    "stopped network cannot run again (got run() after stop()). Build a new network "
                    "(new Processes) to run again; its Vars still hold their last values for get().")
            if p._runtime is not None and not p._runtime._stopped:
                raise RuntimeStateError(
                    f"{who(p)} already belongs to a running network. Call stop() on it first.")
        requested = backend if backend is not None else getattr(run_cfg, "backend", "auto")
        rt = cls(exe, make_backend(exe, requested, condition), run_cfg=run_cfg, requested_backend=requested)
        for p in rt.procs:
            p._runtime = rt
        return rt

    # -- running -------------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        """True while steps execute (a blocking run in some thread, or a background run)."""
        return self._busy.locked()

    @property
    def pause_requested(self) -> bool:
        """True from ``pause()``/``stop()`` until the run ends: a model waiting on the host ends its wait."""
        return self._pause.is_set()

    @property
    def end_reason(self) -> str:
        return getattr(self, "_end_reason", "stop() was called")

    def _check_usable(self, action: str) -> None:
        self._raise_pending()
        if self._stopped:
            raise RuntimeStateError(
                f"Runtime.{action}: the {self.label} was stopped ({self.end_reason}). Build a new "
                "network to run again.")
        if self.running:
            kind = ("a non-blocking run is in progress (RunContinuous())" if self._continuous else
                    "a non-blocking run is in progress" if self._thread is not None else
                    "a blocking run is in progress (in another thread)")
            raise RuntimeStateError(
                f"Runtime.{action}: {kind} on the {self.label} (got {action} during it). Call "
                "pause() or wait() first; one network runs one run at a time.")

    def _raise_pending(self) -> None:
        """Raise the error a background run left, once; the network is then stopped and detached."""
        thread = self._thread
        if self._stopped and thread is not None and thread is not threading.current_thread():
            thread.join()  # a failed background run: its error is set as the thread ends
            self._thread = None
        err, self._error = self._error, None
        if err is not None:
            self._detach()
            raise err

    def start(self, condition) -> None:
        if isinstance(condition, RunSteps):
            n = condition.num_steps
        elif isinstance(condition, RunContinuous):
            n = None
        else:
            raise ValidationError(f"Runtime.run: unknown run condition {short_repr(condition)}.")
        self._check_usable("run")
        if not self._busy.acquire(blocking=False):
            self._check_usable("run")  # names what runs
            raise RuntimeStateError(f"Runtime.run: the {self.label} started another run at the same "
                                    "time. Run one network from one thread at a time.")
        if self._thread is not None:  # the last background run ended: forget its thread
            self._thread.join()
            self._thread = None
        if self._pause.is_set():  # clear() takes a lock: skip it when there is nothing to clear
            self._pause.clear()
        self._continuous = n is None
        if condition.blocking and n is not None:
            self._run_foreground(n)
        else:
            self._thread = threading.Thread(target=self._execute_background, args=(n,),
                                            name="neuroproc-runtime", daemon=True)
            _guard.background(self)
            self._thread.start()

    def _run_foreground(self, n) -> None:
        self._runner = threading.get_ident()
        deferred = _guard.foreground(self)
        try:
            self._execute(n)
        finally:
            if deferred:
                _guard.end_foreground()
            self._runner = None
            self._busy.release()
        if deferred and self._interrupted:
            self._interrupted = False
            raise KeyboardInterrupt

    def _execute(self, n, background: bool = False) -> None:
        backend = self.backend
        try:
            backend.begin(n)
            if n is None:
                while not self._pause.is_set() and getattr(backend, "requested", None) is None:
                    self.time_step = backend.run_steps(self.time_step, _CONTINUOUS_CHUNK, self._pause.is_set)
            else:
                self.time_step = progress.run_steps(backend, self.time_step, n, self._pause.is_set)
            backend.end()
            if getattr(backend, "requested", None) == "stop":  # a model asked (Lava's _req_stop)
                self._end_reason = "a model requested stop"
                self._teardown()
        except BaseException as exc:
            self._end_reason = f"its run raised {type(exc).__name__}"
            # a background error is raised later by the caller's next call: until then the
            # Processes keep this (stopped) runtime, which holds the error
            self._teardown(detach=not background)
            raise

    def _execute_background(self, n) -> None:
        self._runner = threading.get_ident()
        try:
            self._execute(n, background=True)
        except BaseException as exc:  # reported to the caller by wait()/pause()/stop()/run()/get()
            self._error = exc
        finally:
            self._runner = None
            self._continuous = False
            self._busy.release()

    def _wait_idle(self) -> None:
        """Block until no steps execute (the caller must not be the thread running them)."""
        if self._runner == threading.get_ident():
            return
        with self._busy:
            pass
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def wait(self) -> None:
        """Block until a non-blocking ``RunSteps`` run ends (re-raising its error)."""
        self._raise_pending()
        if self._continuous and self.running:
            raise RuntimeStateError(
                f"Runtime.wait: the {self.label} runs RunContinuous(), which never ends by itself "
                "(got wait() during it). Call pause() or stop() to end it.")
        self._wait_idle()
        self._raise_pending()

    def pause(self) -> None:
        """Stop a run (background, or blocking in another thread) at the next step boundary."""
        self._pause.set()
        self._wait_idle()
        self._raise_pending()

    def stop(self) -> None:
        """End the run, keep the Vars' last values on the Process side, free everything."""
        if self._stopped:
            self._raise_pending()
            self._detach()
            return
        self._pause.set()
        if self._runner == threading.get_ident():
            raise RuntimeStateError(f"Runtime.stop: called from model code while the {self.label} "
                                    "runs. Call pause() there, and stop() after run() returns.")
        with self._busy:
            if self._thread is not None:
                self._thread.join()
                self._thread = None
            if not self._stopped:
                if self._error is None:
                    self._keep_final_state()
                self._end_reason = "stop() was called"
                self._teardown(detach=True)
        self._raise_pending()
        self._detach()

    def run_state(self) -> dict:
        """Where the run stands, for ``neuroproc.utils.serialization``: time step, backend, fold,
        the Process it was compiled from, and each leaf model's own state (``model_state``)."""
        run_cfg = self.exe.flat.selection.run_cfg
        return {"time_step": self.time_step, "backend": self.backend.name,
                "fold": getattr(run_cfg, "fold", "exact"), "start": self.procs[0],
                "model_state": [(e.proc, model_state(e)) for e in self.exe.entries]}

    def _keep_final_state(self) -> None:
        # a stopped network can still be saved and continued elsewhere: keep where it stood
        try:
            state = self.run_state()
        except Exception:  # a model that broke its own state: nothing to continue from
            return
        for p in self.procs:
            p._final_run = state

    def _teardown(self, detach: bool = True) -> None:
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
            if detach:
                self._detach()

    def _detach(self) -> None:
        """A stopped network's Processes answer get() from their own side and refuse run()."""
        if not self._stopped:
            return
        for p in self.procs:
            if p._runtime is self:
                p._runtime = None
                p._ended = self

    # -- Var access ----------------------------------------------------------------------------------
    def _home(self, var):
        home = self.exe.flat.var_home.get(id(var))
        if home is None or not _is_leaf_var(self.exe, home):
            return None
        return home

    def get_var(self, var) -> np.ndarray:
        """The Var's value in the run; a Var with no leaf home answers from the Process side.

        A Var of a Dense that ``fold='linear'`` merged into a LinearChain, or of an all-zero
        connection the fold stage removed, has no value in the run (it does not run): that raises
        RuntimeStateError until ``stop()``, after which ``Var.get()`` returns the value it had
        before the run.
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
        invalidate = getattr(self.backend, "invalidate", None)
        if invalidate is not None:  # the backend's per-run set-up may have read the old value
            invalidate()


def _is_leaf_var(exe, var) -> bool:
    return exe.flat.selection.is_leaf(var.process)


def _refuse_merged(rt, var, action: str) -> None:
    # a merged or dropped map does not run: an answer from the Process side would be stale, a set() lost
    selection = rt.exe.flat.selection
    chain = getattr(selection, "merged", {}).get(id(var.process))
    if rt._stopped or (chain is None and id(var.process) not in getattr(selection, "dropped", {})):
        return
    owner = who(var.process)
    after = ("or call get() after stop() for the value from before the run" if action == "get"
             else "or set() it before the run (the merge reads it)")
    if chain is None:
        mode = getattr(selection.run_cfg, "fold", "exact")
        raise RuntimeStateError(
            f"{var.who}: {action}() is not possible while its network has a runtime (from run() or "
            f"create_runtime() until stop()): fold={mode!r} removed {owner}, whose weights and pending "
            f"messages are all zero, so {owner} does not run and its Vars have no value in the run. Run "
            f"with fold=False to keep {owner} (for instance to set() its weights during the run), {after}.")
    raise RuntimeStateError(
        f"{var.who}: {action}() is not possible while its network has a runtime (from run() or "
        f"create_runtime() until stop()): fold='linear' merged {owner} into {who(chain)}, so {owner} "
        f"does not run and its Vars have no value in the run. Run with fold='exact' or fold=False to "
        f"keep the state of {owner}, {after}.")


def model_state(entry) -> dict:
    """What a model keeps between steps besides its Vars: its own attributes (flags such as
    ``weights_set``, values fixed on the first step), without ports, parameters and time step."""
    from neuroproc.py_ports import AbstractPyPort

    proc = entry.proc
    skip = {"proc_params", "time_step"} | set(proc.vars.member_names)
    skip |= {port.name for port in proc._all_ports()}
    return {k: v for k, v in vars(entry.model).items()
            if k not in skip and not isinstance(v, AbstractPyPort)}
