"""Var: a named piece of Process state with a shape and an initial value."""
from __future__ import annotations

from typing import Any

import numpy as np

from neuroproc._ids import VarServer
from neuroproc._validation import as_shape, short_repr, who
from neuroproc.exceptions import AliasError, RuntimeStateError, ShapeError, ValidationError, VarIndexError

__all__ = ["Var", "VarServer"]


class Var:
    """State of a Process.

    Parameters
    ----------
    shape : int or tuple of int
        Shape of the state.
    init : scalar or array_like
        Initial value; a scalar fills the shape. Models see it cast to the dtype they declare.
    shareable : bool
        Whether other Processes may reach it through RefPorts (kept for Lava compatibility).
    name : str
        Replaced by the attribute name when assigned to a Process.
    fixed_after_compile : bool
        The models read this Var once, when the network is built (it decides the code they run,
        as ``Dense.num_message_bits`` does): ``set`` is refused while the network has a runtime,
        instead of being honoured by one backend and ignored by another.

    ``get()`` / ``set()`` work before a run, while paused, after a run and after ``stop()``
    (which keeps the last values). The exception: a Var of a Dense that ``fold='linear'`` merged
    into a LinearChain, or of an all-zero connection that the fold stage removed, raises
    RuntimeStateError from the run until ``stop()`` (the Dense does not run), then ``get()``
    returns its value from before the run. ``alias(other)`` makes this Var a
    view of another Var, as a sub-process model does for its parent's state.
    """

    def __init__(self, shape, init=0, shareable: bool = True, name: str = "Unnamed variable", *,
                 fixed_after_compile: bool = False):
        self.shape = as_shape(shape, f"Var {name!r}")
        self.fixed_after_compile = bool(fixed_after_compile)
        self.init = _copy(init)
        self.shareable = bool(shareable)
        self.name = name
        #: globally unique, in creation order (``VarServer``)
        self.id: int = VarServer().register(self)
        self.process = None
        self.aliased_var: Var | None = None
        #: RefPorts that read or write this Var (filled by RefPort.connect_var)
        self._ref_ports: list = []
        self._var_port: Any = None  # the VarPort exposing this Var, if any

    # -- identity -------------------------------------------------------------------------------
    def __repr__(self) -> str:
        return f"Var({who(self.process, self.name)}, shape={self.shape})"

    @property
    def who(self) -> str:
        return who(self.process, self.name)

    # -- hierarchy -------------------------------------------------------------------------------
    def alias(self, other: Var) -> None:
        """Make this Var a view of ``other`` (same shape): get/set and Monitors reach ``other``."""
        if not isinstance(other, Var):
            raise ValidationError(f"{self.who}.alias: expected a Var (got {short_repr(other)}).")
        if other.shape != self.shape:
            raise ShapeError(f"{self.who} (shape {self.shape}) cannot alias {other.who} "
                             f"(shape {other.shape}): shapes must match.")
        if other.shareable != self.shareable:
            raise AliasError(f"{self.who} (shareable={self.shareable}) cannot alias {other.who} "
                             f"(shareable={other.shareable}): both must be shareable or neither.")
        self.aliased_var = other

    def resolve(self) -> Var:
        """The Var that really holds the state, following aliases."""
        var = self
        seen = set()
        while var.aliased_var is not None:
            if id(var) in seen:
                raise ValidationError(f"{self.who}: alias cycle. Alias a Var to a child's Var.")
            seen.add(id(var))
            var = var.aliased_var
        return var

    # -- value access -------------------------------------------------------------------------------
    def _runtime(self):
        proc = self.process
        return getattr(proc, "_runtime", None) if proc is not None else None

    def get(self, idx=None) -> np.ndarray:
        """Current value (a copy). ``idx`` indexes the result like a numpy array."""
        target = self.resolve()
        if idx is not None:
            self._check_idx(idx, "get")
        rt = target._runtime() or self._runtime()
        if rt is not None:
            value = rt.get_var(target)
        else:
            value = target._host_value()
        return value if idx is None else value[idx]

    def set(self, value, idx=None) -> None:
        """Set the value (or the entries selected by ``idx``); shape and dtype are checked."""
        target = self.resolve()
        if idx is not None:
            selected = self._check_idx(idx, "set")
            if np.broadcast_shapes(np.shape(value), selected) != selected:
                raise ShapeError(f"{self.who}.set: cannot place a value of shape {np.shape(value)} "
                                 f"at idx={short_repr(idx)}, which selects shape {selected} "
                                 f"(got {short_repr(value)}). Pass a scalar or an array of shape "
                                 f"{selected}.")
        rt = target._runtime() or self._runtime()
        if rt is not None:
            if target.fixed_after_compile or self.fixed_after_compile:
                try:  # the runtime's own refusals (merged, running, stopped) come first
                    rt.get_var(target)
                except RuntimeStateError:
                    rt.set_var(target, value, idx)  # raises them, worded for set()
                    raise
                raise RuntimeStateError(
                    f"{self.who}.set: {self.name} is fixed once the network is compiled: the models "
                    f"read it when they are built (got {short_repr(value)}). Set it before the first "
                    f"run (or create_runtime), or build the Process with the new value.")
            rt.set_var(target, value, idx)
            return
        current = target._host_value()
        if idx is not None:
            current = current.copy()
            try:
                current[idx] = value
            except (ValueError, IndexError) as exc:
                raise ShapeError(f"{self.who}.set: cannot place {short_repr(value)} at "
                                 f"idx={short_repr(idx)}: {exc}.") from exc
            value = current
        new = np.asarray(value)
        if new.shape != target.shape and new.ndim != 0:
            raise ShapeError(f"{self.who}.set: value has shape {new.shape} but the Var has shape "
                             f"{target.shape}. Pass an array of shape {target.shape} or a scalar.")
        if current.dtype.kind in "iub" and new.dtype.kind == "f" and not np.all(np.isfinite(new)):
            raise ValidationError(f"{self.who}.set: NaN or inf cannot be stored in an integer Var "
                                  f"(got {short_repr(value)}). Pass finite values.")
        target.init = _copy(value)

    def _check_idx(self, idx, action: str) -> tuple[int, ...]:
        """The shape ``idx`` selects from this Var; a VarIndexError when it does not fit."""
        # a broadcast view with zero strides: indexing it checks idx without copying the Var
        probe = np.broadcast_to(np.zeros((), dtype=np.uint8), self.shape)
        try:
            return tuple(probe[idx].shape)
        except IndexError as exc:
            raise VarIndexError(f"{self.who}.{action}: idx={short_repr(idx)} is outside the Var of "
                                f"shape {self.shape} ({exc}). Pass indices within the shape.") from None
        except (TypeError, ValueError) as exc:
            raise VarIndexError(f"{self.who}.{action}: idx={short_repr(idx)} is not a valid index "
                                f"({exc}). Pass an int, a slice, a tuple of them, or an index "
                                f"array.") from None

    def _host_value(self) -> np.ndarray:
        """The value held on the Process side (no runtime): init broadcast to the shape."""
        arr = np.asarray(self.init)
        if arr.shape != self.shape:
            try:
                arr = np.broadcast_to(arr, self.shape)
            except ValueError:
                arr = arr.reshape(self.shape) if arr.size == np.prod(self.shape) else arr
        return np.array(arr)


def _copy(value):
    return value.copy() if isinstance(value, np.ndarray) else value
