"""Save a network to a file and load it back, to continue it in another interpreter.

``save(processes, filename)`` and ``load(filename)`` have Lava's names and signatures
(``lava.utils.serialization``). Beyond Lava, a network that has run -- paused, or stopped --
keeps where it stood: ``load`` gives back a paused network whose next ``run`` continues
bit-identically to a run that was never interrupted (same time step, Var values, Monitor and
RingBuffer contents, models, and each model's own state such as the bit-accurate Dense's
converted-weights flag).

**File format, version 1.** One file, three parts::

    NEUROPROC-NETWORK\\n                 magic line
    {"format": ..., "version": 1, ...}\\n   JSON header: format version, neuroproc/python/numpy
                                          versions, time step, backend, Process names
    <pickle>                              the Process graph and the run state

The pickle holds the Processes (with every connected Process, the children of hierarchical
ones, their Vars with their current values, ports and connections) and, for a network that
has run, the time step, the backend, the fold mode, the Process it was compiled from and each
leaf model's class and own attributes. The runtime itself is not stored; ``load`` builds a new
one. Classes are stored by reference, as pickle does: Process and ProcessModel classes defined
in a script must be importable (or defined) where the file is loaded. A file of another
format version is refused with an error naming both versions. Load files you trust only:
unpickling runs code.
"""
from __future__ import annotations

import io
import json
import os
import pickle
import platform
from collections import deque
from pathlib import Path
from typing import Any

import numpy as np

from neuroproc._validation import short_repr, who
from neuroproc.exceptions import RuntimeStateError, ValidationError
from neuroproc.process import AbstractProcess
from neuroproc.run_configs import RunConfig
from neuroproc.variable import Var

__all__ = ["FORMAT_VERSION", "load", "save"]

#: version of the file layout written by :func:`save`; :func:`load` reads only this version
FORMAT_VERSION = 1
_MAGIC = b"NEUROPROC-NETWORK\n"
_FORMAT = "neuroproc-network"


# ------------------------------------------------------------------------------------------------
# save
# ------------------------------------------------------------------------------------------------

def save(processes: AbstractProcess | list[AbstractProcess], filename: str | os.PathLike,
         executable: Any = None) -> None:
    """Write ``processes`` (and everything connected to them) to ``filename``.

    Parameters
    ----------
    processes : AbstractProcess or list of AbstractProcess
        What :func:`load` returns, in the same form. Every Process connected to them is saved
        too; a network that has run is saved with its run state.
    filename : str or os.PathLike
        The file; ``.pickle`` is appended when the name has no extension (as in Lava).
    executable : Executable, optional
        A compiled network (``proc.compile(run_cfg)``): its Processes are saved and
        :func:`load` compiles them again with the same models.

    Raises
    ------
    TypeError
        For arguments of the wrong type (as Lava).
    RuntimeStateError
        While a non-blocking run is in progress (``pause()`` first), or when a Var cannot be
        read (a Dense merged by ``fold='linear'``).
    """
    from neuroproc.compiler.plan import Executable

    procs = [processes] if isinstance(processes, AbstractProcess) else processes
    if not isinstance(procs, list) or not all(isinstance(p, AbstractProcess) for p in procs):
        raise TypeError(f"save: processes must be a Process or a list of Processes (got "
                        f"{short_repr(processes)}).")
    if not isinstance(filename, (str, os.PathLike)):
        raise TypeError(f"save: filename must be a str or a path (got {short_repr(filename)}).")
    if executable is not None and not isinstance(executable, Executable):
        raise TypeError(f"save: executable must be an Executable from proc.compile(run_cfg) or "
                        f"None (got {short_repr(executable)}).")
    roots = list(procs)
    compiled: list[AbstractProcess] = []
    if executable is not None:
        flat: Any = executable.flat
        compiled = list(flat.selection.procs)
        roots += compiled
    network = _network(roots)
    run = _run_state(network)
    if run is None and executable is not None:
        run = {"time_step": None, "backend": None, "start": compiled[0],
               "fold": getattr(executable.run_cfg, "fold", "exact"), "model_state": []}
    payload = {"processes": processes, "network": network, "run": run,
               "models": [(p, p._model_class) for p in network if p._model_class is not None]}
    header = {"format": _FORMAT, "version": FORMAT_VERSION, "neuroproc": _version(),
              "python": platform.python_version(), "numpy": np.__version__,
              "time_step": None if run is None else run["time_step"],
              "backend": None if run is None else run["backend"],
              "processes": [who(p) for p in network]}
    buf = io.BytesIO()
    try:
        _Pickler(buf).dump(payload)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        raise ValidationError(f"save: the network around {who(network[0])} holds something that "
                              f"cannot be stored (got {type(exc).__name__}: {exc}). Processes, "
                              "their parameters and their models' attributes must be picklable: "
                              "classes and functions defined at module level, arrays, "
                              "numbers.") from exc
    with open(_with_extension(filename), "wb") as f:
        f.write(_MAGIC)
        f.write(json.dumps(header).encode() + b"\n")
        f.write(buf.getvalue())


def _with_extension(filename: str | os.PathLike) -> Path:
    path = Path(filename)
    return path if path.suffix else path.with_name(path.name + ".pickle")


def _version() -> str:
    import neuroproc

    return getattr(neuroproc, "__version__", "unknown")


def _network(roots: list[AbstractProcess]) -> list[AbstractProcess]:
    """Every Process connected to ``roots``, their parents and children, roots first."""
    seen: dict[int, AbstractProcess] = {}
    queue = deque(roots)
    while queue:
        p = queue.popleft()
        if id(p) in seen:
            continue
        seen[id(p)] = p
        queue.extend(p._neighbours())
        queue.extend(p.procs)
        if p.parent_proc is not None:
            queue.append(p.parent_proc)
    return list(seen.values())


def _run_state(network: list[AbstractProcess]) -> dict | None:
    """The run state of the network's runtime (paused) or of its last run (stopped), or None."""
    runtimes = {id(p._runtime): p._runtime for p in network if p._runtime is not None}
    if len(runtimes) > 1:
        raise RuntimeStateError(f"save: the Processes belong to {len(runtimes)} running networks "
                                f"(got {short_repr([who(p) for p in network])}). Save one network "
                                "per file.")
    if runtimes:
        rt = next(iter(runtimes.values()))
        if rt.running:
            raise RuntimeStateError(f"save: {who(rt.procs[0])}'s network is running (got a "
                                    "non-blocking run in progress). Call pause() or wait() first.")
        return rt.run_state()
    finals = [p.__dict__.get("_final_run") for p in network]
    finals = [f for f in finals if f is not None]
    return finals[0] if finals else None


class _Pickler(pickle.Pickler):
    """Pickles a Process graph: Vars with their current values, no runtime."""

    def persistent_id(self, obj: Any) -> str | None:
        from neuroproc.model import AbstractProcessModel, AbstractSubProcessModel
        from neuroproc.runtime.runtime import Runtime

        if isinstance(obj, Runtime):
            return "runtime"
        # the leaf model instance a run left on its Process (``proc.model``) belongs to that run;
        # a sub-process model is kept: it holds the children the saved network was built from
        if isinstance(obj, AbstractProcessModel) and not isinstance(obj, AbstractSubProcessModel):
            return "model"
        return None

    def reducer_override(self, obj: Any) -> Any:
        if not isinstance(obj, Var):
            return NotImplemented
        state = dict(obj.__dict__)
        if obj.aliased_var is None and obj.process is not None:
            try:
                state["init"] = obj.get()
            except RuntimeStateError as exc:
                raise RuntimeStateError(f"save: cannot read {obj.who} ({exc}). Run with "
                                        "fold='exact' to save this network.") from exc
        return _new_var, (type(obj),), state


def _new_var(cls: type[Var]) -> Var:
    return cls.__new__(cls)


# ------------------------------------------------------------------------------------------------
# load
# ------------------------------------------------------------------------------------------------

def load(filename: str | os.PathLike, backend: str | None = None) -> tuple[Any, Any]:
    """Read a file written by :func:`save`.

    Parameters
    ----------
    filename : str or os.PathLike
        The file (``.pickle`` is appended when the name has no extension).
    backend : str, optional
        ``'python'``, ``'compiled'`` or ``'auto'`` for a network that had run; by default the
        backend it ran on.

    Returns
    -------
    tuple
        ``(processes, executable)``: the Processes in the form they were saved (a Process or a
        list). A network that had run comes back paused, with a runtime at the saved time step
        and the same models; call ``run`` (without ``run_cfg``) to continue it. ``executable``
        is the recompiled network when one was saved, else None.

    Raises
    ------
    TypeError
        For a filename that is not a str or a path.
    OSError
        When the file does not exist.
    ValidationError
        For a file that is not a neuroproc network, or one of another format version.
    """
    if not isinstance(filename, (str, os.PathLike)):
        raise TypeError(f"load: filename must be a str or a path (got {short_repr(filename)}).")
    path = _with_extension(filename)
    if not path.is_file():
        raise OSError(f"load: {path} does not exist. Pass the name given to save().")
    with open(path, "rb") as f:
        magic = f.readline()
        if magic != _MAGIC:
            raise ValidationError(f"load: {path} is not a neuroproc network file (got "
                                  f"{short_repr(magic[:20])} at its start; a Lava pickle, or "
                                  "another file?). Save the network with neuroproc.utils."
                                  "serialization.save.")
        header = _read_header(path, f.readline())
        payload = _Unpickler(f).load()
    executable = _restore(payload, backend)
    return payload["processes"], executable


def _read_header(path: Path, line: bytes) -> dict:
    try:
        header = json.loads(line)
    except ValueError:
        header = None
    if not isinstance(header, dict) or header.get("format") != _FORMAT:
        raise ValidationError(f"load: {path} has no valid header (got {short_repr(line[:60])}). "
                              "The file is damaged; save the network again.")
    if header.get("version") != FORMAT_VERSION:
        raise ValidationError(
            f"load: {path} is a neuroproc network file of format version {header.get('version')} "
            f"(written by neuroproc {header.get('neuroproc')}); this neuroproc ({_version()}) "
            f"reads version {FORMAT_VERSION} (got version {header.get('version')!r}). Load it "
            "with the neuroproc that wrote it and save it again, or rebuild the network.")
    return header


class _Unpickler(pickle.Unpickler):
    def persistent_load(self, pid: Any) -> Any:
        if pid in ("runtime", "model"):
            return None  # the runtime and its models are rebuilt by _restore
        raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")


class _RestoredRunConfig(RunConfig):
    """Selects, for every Process, the model it had when it was saved."""

    def select(self, proc: Any, proc_models: list[type]) -> type:
        model = proc._model_class
        if model is None:
            raise ValidationError(f"load: {who(proc)} had no model when it was saved (got none "
                                  "in the file). Compile or run the network before saving it.")
        return model


def _restore(payload: dict, backend: str | None) -> Any:
    """Give a saved run its runtime back (paused at its time step); recompile a saved executable."""
    run = payload["run"]
    if run is None:
        return None
    cfg = _RestoredRunConfig(fold=run["fold"], backend=backend or run["backend"] or "auto")
    if run["time_step"] is None:  # an executable saved before any run
        return run["start"].compile(cfg)
    from neuroproc.runtime.runtime import Runtime

    rt = Runtime.create(run["start"], cfg, backend=backend or run["backend"])
    rt.time_step = run["time_step"]
    states = {id(p): state for p, state in run["model_state"]}
    for e in rt.exe.entries:
        for key, value in states.get(id(e.proc), {}).items():
            setattr(e.model, key, value)
        e.model.time_step = run["time_step"]
    for p in payload["network"]:
        p.__dict__.pop("_final_run", None)
    return None
