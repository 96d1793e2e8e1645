"""AbstractProcess: what a component is (its Vars and Ports), and the run/pause/stop facade."""
from __future__ import annotations

import difflib
import functools
import inspect
import itertools
import logging
import weakref
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from neuroproc._ids import ProcessServer
from neuroproc._validation import short_repr, suggest, who
from neuroproc.exceptions import AliasError, RuntimeStateError, ValidationError
from neuroproc.ports import AbstractPort, InPort, OutPort, RefPort, VarPort, VirtualPort
from neuroproc.variable import Var

__all__ = ["AbstractProcess", "Collection", "LogConfig", "ProcessParameters", "ProcessServer"]

_counter = itertools.count()
_MISSING = object()
#: keywords every Process accepts besides its own parameters (Lava passes log_config)
_COMMON_KWARGS = frozenset({"name", "log_config"})


class ProcessParameters(Mapping):
    """The keyword arguments a Process was built with: write-once, read by its models.

    ``params[key] = value`` adds a new key; changing an existing one needs ``overwrite``.
    """

    def __init__(self, initial: dict | None = None, owner=None, *, initial_parameters: dict | None = None):
        # ``initial_parameters`` is Lava's spelling; the dict is used as given, as Lava does
        self._parameters: dict = initial_parameters if initial_parameters is not None else dict(initial or {})
        self._owner = owner

    def __getitem__(self, key):
        try:
            return self._parameters[key]
        except KeyError:
            raise KeyError(f"{who(self._owner)}.proc_params has no key {key!r}."
                           f"{suggest(key, self._parameters)}") from None

    def __setitem__(self, key, value) -> None:
        if key in self._parameters:
            raise KeyError(f"{who(self._owner)}.proc_params[{key!r}] is already set. "
                           "Use proc_params.overwrite(key, value) to change it.")
        self._parameters[key] = value

    def overwrite(self, key, value) -> None:
        """Replace (or add) ``key``."""
        self._parameters[key] = value

    def get(self, key, default=None):
        return self._parameters.get(key, default)

    def __iter__(self) -> Iterator:
        return iter(self._parameters)

    def __len__(self) -> int:
        return len(self._parameters)

    def __repr__(self) -> str:
        return f"ProcessParameters({list(self._parameters)})"


@dataclass
class LogConfig:
    """Logging options a Process accepts as ``log_config`` (Lava's fields and defaults)."""

    file: str = ""
    level: int = logging.WARNING
    level_console: int = logging.ERROR
    logs_to_file: bool = False
    format: str = "%(asctime)s:%(levelname)s: %(name)s - %(message)s"
    date_format: str = "%m/%d/%Y %I:%M:%S%p"

    def __post_init__(self) -> None:
        if self.logs_to_file and not self.file:
            raise ValidationError(f"LogConfig: logs_to_file=True needs a file name (got file={self.file!r}). "
                                  "Pass file='run.log'.")


class Collection:
    """Named members of one kind (Vars, InPorts, ...) with attribute access and iteration."""

    def __init__(self, owner, kind: str):
        self._owner = owner
        self._kind = kind
        self._members: dict[str, object] = {}

    def add(self, name: str, member) -> None:
        self._members[name] = member

    def add_members(self, members: Mapping) -> None:
        """Add several ``name: member`` pairs."""
        for name, member in members.items():
            self.add(name, member)

    def is_empty(self) -> bool:
        return not self._members

    def has(self, obj) -> bool:
        """True when ``obj`` is one of the members."""
        return any(m is obj for m in self._members.values())

    @property
    def name(self) -> str:
        """What the members are (``"Var"``, ``"InPort"``, ...)."""
        return self._kind

    @property
    def members(self) -> list:
        return list(self._members.values())

    @property
    def member_names(self) -> list[str]:
        return list(self._members)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._members[name]
        except KeyError:
            raise AttributeError(f"{who(self._owner)} has no {self._kind} {name!r}."
                                 f"{suggest(name, self._members)}") from None

    def __getitem__(self, name: str):
        return self.__getattr__(name)

    def __contains__(self, item) -> bool:
        return item in self._members or item in self._members.values()

    def __iter__(self):
        return iter(self._members.values())

    def __len__(self) -> int:
        return len(self._members)

    def __repr__(self) -> str:
        return f"{self._kind}s({self.member_names})"


def _run_cfg_of(proc, executable, run_cfg):
    """The RunConfig of ``executable`` for building ``proc``'s runtime (``run_cfg`` must agree)."""
    from neuroproc.compiler.plan import Executable

    if not isinstance(executable, Executable):
        raise ValidationError(f"{who(proc)}.create_runtime: executable must come from compile() or "
                              f"load() (got {short_repr(executable)}).")
    if not any(p is proc for p in executable.process_list):
        raise ValidationError(f"{who(proc)}.create_runtime: {who(proc)} is not part of the executable "
                              f"(got one of {len(executable.process_list)} other Processes). Compile "
                              "this Process's network, or create the runtime from one of its Processes.")
    if run_cfg is not None and run_cfg is not executable.run_cfg:
        raise ValidationError(f"{who(proc)}.create_runtime: pass run_cfg or executable, not both "
                              f"(got run_cfg={short_repr(run_cfg)}). The executable has its RunConfig.")
    return executable.run_cfg


class AbstractProcess:
    """Base of every Process: declares state (``Var``) and interface (ports), no behaviour.

    Keyword arguments become ``proc_params`` for the models; ``name`` names the Process (a
    unique default is given). Assign Vars and Ports as attributes after ``super().__init__``.

    A keyword that looks like a misspelling of one the Process takes is refused when the
    constructor returns, with a suggestion (``LIF(vth_=2.0)``: "Did you mean 'vth'?"), instead
    of being stored and never used. Taken are: the named parameters of every ``__init__`` of the
    class and its bases, ``name``, ``log_config``, and any attribute (Var, Port, or plain) the
    constructor assigned under that name. Other keywords stay ``proc_params`` for models and
    RunConfigs to read, as in Lava. A class whose ``__init__`` takes only ``**kwargs`` reads
    them itself, as Lava's tutorials do; its keywords are not checked.
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is not None and not getattr(init, "_checks_kwargs", False):
            setattr(cls, "__init__", _checking_kwargs(init))  # mypy refuses assigning to a method

    def __init__(self, **kwargs):
        name = kwargs.get("name")
        if name is not None and (not isinstance(name, str) or not name):
            raise ValidationError(f"{type(self).__name__}: name must be a non-empty str "
                                  f"(got {short_repr(name)}).")
        object.__setattr__(self, "_initialized", True)
        #: globally unique, in creation order (``ProcessServer``)
        self.id: int = ProcessServer().register(self)
        if name is None:
            # Lava names a Process by its id alone; neuroproc names the class, easier to read
            name = f"Process_{self.id}" if _lava_layer() else f"{type(self).__name__}_{next(_counter)}"
        self.name = name
        self.proc_params = ProcessParameters(kwargs, owner=self)
        self.vars = Collection(self, "Var")
        self.in_ports = Collection(self, "InPort")
        self.out_ports = Collection(self, "OutPort")
        self.ref_ports = Collection(self, "RefPort")
        self.var_ports = Collection(self, "VarPort")
        self.procs = Collection(self, "sub-Process")
        self.parent_proc: AbstractProcess | None = None
        self._runtime = None
        #: the stopped Runtime this Process belonged to (a stopped network never runs again)
        self._ended = None
        self._model_class = None
        #: a model instance set by hand (Lava's ``proc.model = ...``); None: ask the runtime
        self._model = None
        log_config = kwargs.get("log_config")
        if log_config is not None and not isinstance(log_config, LogConfig):
            raise ValidationError(f"{type(self).__name__}: log_config must be a LogConfig "
                                  f"(got {short_repr(log_config)}).")
        self._log_config = log_config or LogConfig()

    # -- declaring members -------------------------------------------------------------------------
    def __setattr__(self, key, value):
        if isinstance(value, (Var, AbstractPort)):
            if not self.__dict__.get("_initialized", False):
                raise RuntimeError(
                    f"{type(self).__name__}.{key}: call super().__init__(**kwargs) before assigning "
                    "Vars and Ports in __init__.")
            self._register(key, value)
        elif isinstance(value, AbstractProcess) and self.__dict__.get("_initialized", False) \
                and key != "parent_proc" and value is not self:
            self.procs.add(key, value)
        object.__setattr__(self, key, value)

    def _register(self, key: str, member) -> None:
        if member.process is not None and member.process is not self:
            raise ValidationError(f"{who(self, key)}: {member!r} already belongs to "
                                  f"{member.process.name}. Create a new one for each Process.")
        member.process = self
        member.name = key
        kinds = ((Var, self.vars), (InPort, self.in_ports), (OutPort, self.out_ports),
                 (RefPort, self.ref_ports), (VarPort, self.var_ports))
        if isinstance(member, VirtualPort):
            return
        for cls, coll in kinds:
            if isinstance(member, cls):
                coll.add(key, member)
                return

    def __repr__(self) -> str:
        shape = self._declared_shape()
        return f"{type(self).__name__}(name={self.name!r}" + (
            "" if shape is None else f", shape={shape}") + ")"

    def _declared_shape(self) -> tuple[int, ...] | None:
        """The shape the Process declares (a ``shape`` attribute or parameter), for its repr."""
        try:
            declared = getattr(type(self), "shape", None)  # a property or class attribute
            shape = getattr(self, "shape") if declared is not None else self.proc_params.get("shape")
            return None if shape is None else tuple(int(s) for s in shape)
        except Exception:  # a repr must not raise: a Process without a usable shape shows none
            return None

    @property
    def who(self) -> str:
        return who(self)

    @property
    def model_class(self):
        """The ProcessModel class selected for this Process by the last compile (or None)."""
        return self._model_class

    @property
    def model(self):
        """The model instance the runtime built for this Process (None without a runtime).

        Looked up, not stored, so that a saved network never drags its runtime along."""
        if self._model is not None:
            return self._model
        rt = self._runtime
        if rt is None or getattr(rt, "_stopped", False):
            return None
        try:
            return rt.exe.entry_of(self).model
        except KeyError:  # a hierarchical Process: its children run
            return None

    @model.setter
    def model(self, model) -> None:
        self._model = model

    @property
    def is_compiled(self) -> bool:
        """True once a compile has selected a model for this Process."""
        return self._model_class is not None

    @property
    def log_config(self) -> LogConfig:
        return self._log_config

    def register_sub_procs(self, procs: Mapping) -> None:
        """Make ``procs`` (name -> Process) children of this Process."""
        for name, p in procs.items():
            if not isinstance(p, AbstractProcess):
                raise ValidationError(f"{self.who}.register_sub_procs: {name!r} is not a Process "
                                      f"(got {short_repr(p)}).")
            p.parent_proc = self
            self.procs.add(name, p)

    def validate_var_aliases(self) -> None:
        """Raise ``AliasError`` when a Var of this Process aliases a Var outside its sub-Processes."""
        for var in self.vars:
            other = var.aliased_var
            if other is not None and (other.process is None or not other.process.is_sub_proc_of(self)):
                raise AliasError(f"{var.who} aliases {other.who}, which is not in a sub-Process of "
                                 f"{self.who}. Alias Vars of the Processes a sub-process model builds.")

    def is_sub_proc_of(self, proc) -> bool:
        """True when ``proc`` is this Process's parent, grand-parent, ..."""
        parent = self.parent_proc
        while parent is not None:
            if parent is proc:
                return True
            parent = parent.parent_proc
        return False

    # -- execution facade: the runtime is imported lazily (the one upward call) ------------------------
    def compile(self, run_cfg):
        """Build the executable for the network around this Process (no run)."""
        from neuroproc.compiler import compile_network
        from neuroproc.runtime._config import check_run_cfg

        check_run_cfg(run_cfg, f"{self.who}.compile")
        if run_cfg is None:
            raise ValidationError(f"{self.who}.compile: run_cfg is required (got None). Pass e.g. "
                                  "Loihi1SimCfg(select_tag='floating_pt').")
        return compile_network(self, run_cfg)

    def create_runtime(self, run_cfg=None, backend=None, executable=None):
        """Compile and set up the runtime without running a step (``get``/``set`` then work).

        ``executable`` (from ``compile`` or ``neuroproc.utils.serialization.load``) gives the
        network and its RunConfig, as in Lava; the runtime is built from the same compile.

        Later calls return the same runtime; a ``run_cfg`` or ``backend`` other than the one the
        network was compiled with raises (see :mod:`neuroproc.runtime._config`). A network whose
        runtime was stopped (by ``stop()`` or by an error) raises: build a new network.
        """
        return self._create_runtime(run_cfg, backend, executable=executable)

    def _create_runtime(self, run_cfg, backend, condition=None, executable=None):
        """``create_runtime``; ``condition``, the first run's, lets ``backend='auto'`` weigh a
        short first run against compiling (see :mod:`neuroproc.runtime.backends`)."""
        rt = self._runtime
        if (rt is not None and not rt._stopped and backend is None and executable is None
                and (run_cfg is None or run_cfg is rt.run_cfg)
                and getattr(run_cfg, "backend", None) in (None, "auto", rt.requested_backend, rt.backend.name)):
            return rt  # resuming with what it was compiled with: nothing to check (cheap RunSteps(1))
        from neuroproc.runtime import Runtime
        from neuroproc.runtime._config import check_run_cfg, check_same_config

        if executable is not None:
            run_cfg = _run_cfg_of(self, executable, run_cfg)
        check_run_cfg(run_cfg, f"{self.who}.run")
        if rt is not None:
            if rt._stopped:  # a background run failed: its error first, then the refusal below
                rt._raise_pending()
                rt._detach()
            else:
                check_same_config(rt, run_cfg, backend, f"{self.who}.run")
                return rt
        ended = getattr(self, "_ended", None)
        if ended is not None:
            raise RuntimeStateError(
                f"{self.who}: its {ended.label} was stopped ({ended.end_reason}) and cannot run "
                "again (got run() after stop()). Build a new network (new Processes) to run again; "
                "get() still returns the Vars' last values.")
        if run_cfg is None:
            raise ValidationError(f"{self.who}.run: the network has no runtime yet, so its first "
                                    "run needs a run_cfg (got None). Pass e.g. "
                                    "run_cfg=Loihi1SimCfg(select_tag='floating_pt').")
        rt = Runtime.create(self, run_cfg, backend=backend, condition=condition)
        rt.pinned = True
        return rt

    def run(self, condition=None, run_cfg=None, backend=None) -> None:
        """Run the network around this Process for ``condition`` (``RunSteps`` or ``RunContinuous``).

        The first call compiles with ``run_cfg``; later calls resume from where the last stopped.
        An error of a background run is raised here (once) if nothing else reported it yet.
        """
        from neuroproc.run_conditions import AbstractRunCondition

        if not isinstance(condition, AbstractRunCondition):
            raise ValidationError(f"{self.who}.run: condition must be RunSteps(...) or RunContinuous() "
                                  f"(got {short_repr(condition)}).")
        rt = self._create_runtime(run_cfg, backend, condition)
        rt.start(condition)

    def wait(self) -> None:
        """Block until a non-blocking run finishes; raise its error, if any (once)."""
        if self._runtime is not None:
            self._runtime.wait()

    def pause(self) -> None:
        """Stop a run at the next step boundary (also from another thread); ``run`` resumes it."""
        if self._runtime is not None:
            self._runtime.pause()

    def stop(self) -> None:
        """End the run and free the runtime; Vars keep their last values for ``get``."""
        if self._runtime is not None:
            self._runtime.stop()

    @property
    def runtime(self):
        """The running network's Runtime; None before the first run and after ``stop()`` (under
        the Lava layer the stopped Runtime stays, as in Lava, whose programs read its flags)."""
        rt = self._live_runtime()
        if rt is None and self._ended is not None and _lava_layer():
            return self._ended
        return rt

    def _live_runtime(self):
        """The Runtime of the network while it can run (None before the first run, after stop())."""
        rt = self._runtime
        return None if rt is None or (rt._stopped and rt._error is None) else rt

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- graph helpers used by the compiler ----------------------------------------------------------
    def _all_ports(self):
        yield from self.in_ports
        yield from self.out_ports
        yield from self.ref_ports
        yield from self.var_ports

    def _neighbours(self):
        """Processes reached through any connection of this Process's ports or Vars."""
        stack = []
        for port in self._all_ports():
            stack.extend(port.in_connections)
            stack.extend(port.out_connections)
        for var in self.vars:
            stack.extend(var._ref_ports)
            if var._var_port is not None:
                stack.extend(var._var_port.in_connections)
        seen = set()
        while stack:
            p = stack.pop(0)
            if id(p) in seen:
                continue
            seen.add(id(p))
            if isinstance(p, VirtualPort):
                stack.extend(p.in_connections)
                stack.extend(p.out_connections)
            elif p.process is not None:
                yield p.process


def _checking_kwargs(init: Callable) -> Callable:
    """Wrap a Process ``__init__``: once the outermost constructor returns, refuse unknown keywords."""

    @functools.wraps(init)
    def __init__(self, *args, **kwargs):
        outer = "_constructing" not in self.__dict__
        if outer:
            object.__setattr__(self, "_constructing", True)
        try:
            init(self, *args, **kwargs)
        finally:
            if outer:
                object.__delattr__(self, "_constructing")
        if outer and kwargs:
            _check_kwargs(self, kwargs)

    __init__._checks_kwargs = True  # type: ignore[attr-defined]
    return __init__


_DECLARED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _declared_kwargs(cls: type) -> frozenset[str] | None:
    """Named parameters of every ``__init__`` from ``cls`` up to AbstractProcess; None when one of
    them takes only ``**kwargs`` (it reads its keywords itself). Cached per class."""
    if cls not in _DECLARED:
        _DECLARED[cls] = _find_declared_kwargs(cls)
    return _DECLARED[cls]


def _find_declared_kwargs(cls: type) -> frozenset[str] | None:
    known = set(_COMMON_KWARGS)
    for klass in cls.__mro__:
        if klass is AbstractProcess or not issubclass(klass, AbstractProcess):
            continue
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        params = list(inspect.signature(init).parameters.values())[1:]
        named = [p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
        if not named and any(p.kind is p.VAR_KEYWORD for p in params):
            return None
        known.update(named)
    return frozenset(known)


def _check_kwargs(proc: AbstractProcess, kwargs: dict) -> None:
    cls: type = type(proc)  # as a plain type: mypy does not see type[AbstractProcess] as hashable
    known = _declared_kwargs(cls)
    if known is None:
        return
    names = sorted(known | set(proc.vars.member_names))
    for key, value in kwargs.items():
        if key in known or key in proc.__dict__ or not _looks_like_one_of(key, names):
            continue
        raise ValidationError(
            f"{who(proc)}: unknown keyword {key!r}, which would be stored and never used (got "
            f"{key}={short_repr(value)}).{suggest(key, names, n=2)} {type(proc).__name__} takes: "
            f"{', '.join(names)}.")


def _looks_like_one_of(key: str, names: list[str]) -> bool:
    """A misspelling of a declared keyword: same letters in another case, a prefix of one (or
    one of them a prefix of it), or a close match. Other keywords are parameters for models or
    RunConfigs, which Lava allows."""
    low = key.lower()
    for name in (n.lower() for n in names):
        short, long_ = sorted((low, name), key=len)
        if low == name or (len(short) >= 3 and long_.startswith(short)):
            return True
    return bool(difflib.get_close_matches(low, [n.lower() for n in names], n=1, cutoff=0.75))


def _lava_layer() -> bool:
    from neuroproc.compat.lava._behaviour import active

    return active()
