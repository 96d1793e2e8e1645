"""AbstractProcess: what a component is (its Vars and Ports), and the run/pause/stop facade."""
from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping

from neuroproc._validation import short_repr, suggest, who
from neuroproc.exceptions import RuntimeStateError, ValidationError
from neuroproc.ports import AbstractPort, InPort, OutPort, RefPort, VarPort, VirtualPort
from neuroproc.variable import Var

__all__ = ["AbstractProcess", "Collection", "ProcessParameters"]

_counter = itertools.count()
_MISSING = object()


class ProcessParameters(Mapping):
    """The keyword arguments a Process was built with: write-once, read by its models.

    ``params[key] = value`` adds a new key; changing an existing one needs ``overwrite``.
    """

    def __init__(self, initial: dict | None = None, owner=None):
        self._parameters: dict = dict(initial or {})
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


class Collection:
    """Named members of one kind (Vars, InPorts, ...) with attribute access and iteration."""

    def __init__(self, owner, kind: str):
        self._owner = owner
        self._kind = kind
        self._members: dict[str, object] = {}

    def add(self, name: str, member) -> None:
        self._members[name] = member

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


class AbstractProcess:
    """Base of every Process: declares state (``Var``) and interface (ports), no behaviour.

    Keyword arguments become ``proc_params`` for the models; ``name`` names the Process (a
    unique default is given). Assign Vars and Ports as attributes after ``super().__init__``.
    """

    def __init__(self, **kwargs):
        name = kwargs.get("name")
        if name is None:
            name = f"{type(self).__name__}_{next(_counter)}"
        elif not isinstance(name, str) or not name:
            raise ValidationError(f"{type(self).__name__}: name must be a non-empty str "
                                  f"(got {short_repr(name)}).")
        object.__setattr__(self, "_initialized", True)
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
        self._model_class = None

    # -- declaring members -------------------------------------------------------------------------
    def __setattr__(self, key, value):
        if isinstance(value, (Var, AbstractPort)):
            if not self.__dict__.get("_initialized", False):
                raise RuntimeError(
                    f"{type(self).__name__}.{key}: call super().__init__(**kwargs) before assigning "
                    "Vars and Ports in __init__.")
            self._register(key, value)
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
        shape = _declared_shape(self)
        return f"{type(self).__name__}(name={self.name!r}" + (
            "" if shape is None else f", shape={shape}") + ")"

    @property
    def who(self) -> str:
        return who(self)

    @property
    def model_class(self):
        """The ProcessModel class selected for this Process by the last compile (or None)."""
        return self._model_class

    # -- execution facade: the runtime is imported lazily (the one upward call) ------------------------
    def compile(self, run_cfg):
        """Build the executable for the network around this Process (no run)."""
        from neuroproc.compiler import compile_network

        return compile_network(self, run_cfg)

    def create_runtime(self, run_cfg=None, backend=None):
        """Compile and set up the runtime without running a step (``get``/``set`` then work)."""
        from neuroproc.runtime import Runtime

        if self._runtime is None:
            if run_cfg is None:
                raise RuntimeStateError(f"{self.who}.create_runtime needs a run_cfg the first time.")
            Runtime.create(self, run_cfg, backend=backend)
        return self._runtime

    def run(self, condition=None, run_cfg=None, backend=None) -> None:
        """Run the network around this Process for ``condition`` (``RunSteps`` or ``RunContinuous``).

        The first call compiles with ``run_cfg``; later calls resume from where the last stopped.
        """
        from neuroproc.run_conditions import AbstractRunCondition

        if not isinstance(condition, AbstractRunCondition):
            raise ValidationError(f"{self.who}.run: condition must be RunSteps(...) or RunContinuous() "
                                  f"(got {short_repr(condition)}).")
        rt = self.create_runtime(run_cfg, backend=backend)
        rt.start(condition)

    def wait(self) -> None:
        """Block until a non-blocking run finishes."""
        if self._runtime is not None:
            self._runtime.wait()

    def pause(self) -> None:
        """Stop a non-blocking run at the next step boundary; ``run`` resumes it."""
        if self._runtime is not None:
            self._runtime.pause()

    def stop(self) -> None:
        """End the run and free the runtime; Vars keep their last values for ``get``."""
        if self._runtime is not None:
            self._runtime.stop()

    @property
    def runtime(self):
        return self._runtime

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


def _declared_shape(proc: AbstractProcess) -> tuple[int, ...] | None:
    """The shape a Process declares (a ``shape`` attribute or parameter), for its repr."""
    try:
        declared = getattr(type(proc), "shape", None)  # a property or class attribute
        shape = getattr(proc, "shape") if declared is not None else proc.proc_params.get("shape")
        return None if shape is None else tuple(int(s) for s in shape)
    except Exception:  # a repr must not raise: a Process without a usable shape shows none
        return None
