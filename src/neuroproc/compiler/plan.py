"""Stage 4: instantiate each leaf's model with its Vars, and lay out the channels."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from neuroproc._validation import who
from neuroproc.exceptions import CompilationError, NeuroprocError
from neuroproc.model import AbstractPyProcessModel, LavaPyType, PyAsyncProcessModel
from neuroproc.py_ports import PyInPort, PyOutPort, PyRefPort

__all__ = ["ChannelSpec", "Executable", "ModelEntry", "plan"]


@dataclass
class ChannelSpec:
    """One FIFO channel: messages leave ``src`` as ``dtype`` and reach ``dst`` after ``transform``."""

    edge: object
    dtype: np.dtype
    transform: object = None

    @property
    def src(self):
        return self.edge.src

    @property
    def dst(self):
        return self.edge.dst


@dataclass
class ModelEntry:
    """A leaf Process and its instantiated model."""

    proc: object
    model_cls: type
    model: object
    #: Var name -> LavaPyType, for each Var of the Process
    var_types: dict = field(default_factory=dict)
    #: port name -> LavaPyType, for each port of the Process
    port_types: dict = field(default_factory=dict)

    @property
    def is_async(self) -> bool:
        return isinstance(self.model, PyAsyncProcessModel)

    def __str__(self) -> str:
        return f"{who(self.proc)} [{self.model_cls.__name__}]"


@dataclass
class Executable:
    """Everything a backend needs to run the network."""

    flat: object
    entries: list
    channels: list
    run_cfg: object = None

    @property
    def proc_builders(self) -> dict:
        """Process -> its ModelEntry (Lava's name for what builds each model)."""
        return {e.proc: e for e in self.entries}

    def entry_of(self, proc) -> ModelEntry:
        for e in self.entries:
            if e.proc is proc:
                return e
        raise KeyError(proc)

    def __str__(self) -> str:
        return "\n".join(["Executable:"] + [f"  {e}" for e in self.entries]
                         + [f"  channel {c.edge} ({c.dtype})" for c in self.channels])


def _py_type(model_cls, name: str, member, kind: str) -> LavaPyType:
    finder = getattr(model_cls, "py_type_for", None)
    lpt = finder(name, member) if finder is not None else model_cls.lava_py_types().get(name)
    if not isinstance(lpt, LavaPyType):
        raise CompilationError(
            f"{member.who}: model {model_cls.__name__} does not declare the {kind} {name!r}. "
            f"Add `{name} = LavaPyType(...)` to {model_cls.__name__}.")
    return lpt


def _port_class(lpt: LavaPyType, base: type, member, model_cls) -> type:
    if not (isinstance(lpt.cls, type) and issubclass(lpt.cls, base)):
        raise CompilationError(
            f"{member.who}: model {model_cls.__name__} declares it as {lpt!r}; expected a "
            f"{base.__name__} type such as LavaPyType({base.__name__}.VEC_DENSE, float).")
    return lpt.cls


def plan(flat) -> Executable:
    sel = flat.selection
    entries = []
    handed: set[int] = set()
    for proc in flat.leaves:
        model_cls = sel.models[id(proc)]
        if not issubclass(model_cls, AbstractPyProcessModel):
            raise CompilationError(f"{who(proc)}: {model_cls.__name__} is not a Python model.")
        try:
            model = model_cls(proc.proc_params)
        except NeuroprocError:
            raise
        except Exception as exc:
            raise CompilationError(f"{who(proc)} ({model_cls.__name__}) failed in __init__: {exc!r}") from exc
        entry = ModelEntry(proc, model_cls, model)
        for var in proc.vars:
            lpt = _py_type(model_cls, var.name, var, "Var")
            entry.var_types[var.name] = lpt
            model_cls.check_var_value(var.name, var.init, var.who)
            # a Var's init array goes to its model without a copy, unless another Var shares it
            share = id(var.init) not in handed
            handed.add(id(var.init))
            setattr(model, var.name, lpt.build_value(var.init, var.shape, var.who, share=share))
        for port in proc.in_ports:
            entry.port_types[port.name] = _port_class_lpt(model_cls, port, PyInPort)
        for port in proc.out_ports:
            entry.port_types[port.name] = _port_class_lpt(model_cls, port, PyOutPort)
        for port in proc.ref_ports:
            entry.port_types[port.name] = _port_class_lpt(model_cls, port, PyRefPort)
        for port in proc.var_ports:
            lpt = (getattr(model_cls, "py_type_for", None) or (lambda n, m: None))(port.name, port) \
                or model_cls.lava_py_types().get(port.name)
            if lpt is not None:
                entry.port_types[port.name] = lpt
        validate = getattr(model, "validate_vars", None)
        if validate is not None:
            validate()
        entries.append(entry)
    types = {id(e.proc): e for e in entries}
    channels = []
    for edge in flat.edges:
        src_entry = types[id(edge.src.process)]
        dtype = np.dtype(src_entry.port_types[edge.src.name].d_type)
        channels.append(ChannelSpec(edge, dtype, edge.transform()))
    return Executable(flat, entries, channels, sel.run_cfg)


def _port_class_lpt(model_cls, port, base) -> LavaPyType:
    lpt = _py_type(model_cls, port.name, port, type(port).__name__)
    _port_class(lpt, base, port, model_cls)
    return lpt

