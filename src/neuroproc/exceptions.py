"""Every error neuroproc raises, in one tree.

::

    NeuroprocError
    ├── ValidationError (ValueError)        bad argument, shape, dtype or value
    │   ├── ShapeError                      shapes that do not fit
    │   └── VarIndexError (IndexError)      an index outside a Var's shape
    ├── PortConnectionError (ValueError)    wrong port kinds, duplicate connections
    ├── SelectionError (LookupError)        no ProcessModel fits a Process
    ├── NotProbedError (KeyError)           Monitor data asked for something it did not record
    ├── CompilationError (RuntimeError)     a network that cannot be built
    ├── RuntimeStateError (RuntimeError)    an action the runtime's state does not allow
    ├── SimulationError (RuntimeError)      model code raised; names process, model, phase, step
    └── DeadlockError (RuntimeError)        every unfinished model waits on an empty channel

    NeuroprocWarning (UserWarning)
    └── PrecisionWarning                    a fixed-point model clips a value, as Lava does

Each error also inherits the builtin it refines, so ``except ValueError`` keeps working.
Messages follow ``<who>: <what is wrong> (got <value>). <how to fix>.``
"""
from __future__ import annotations

__all__ = [
    "CompilationError",
    "DeadlockError",
    "NeuroprocError",
    "NeuroprocWarning",
    "NotProbedError",
    "PortConnectionError",
    "PrecisionWarning",
    "RuntimeStateError",
    "SelectionError",
    "ShapeError",
    "SimulationError",
    "ValidationError",
    "VarIndexError",
]


class NeuroprocError(Exception):
    """Base of every neuroproc error."""


class ValidationError(NeuroprocError, ValueError):
    """An argument, shape, dtype or value is not acceptable."""


class ShapeError(ValidationError):
    """Shapes do not fit together."""


class VarIndexError(ValidationError, IndexError):
    """An index (``idx`` of ``Var.get`` / ``Var.set``) outside the Var's shape."""


class PortConnectionError(NeuroprocError, ValueError):
    """Ports that cannot be connected, or are connected twice."""


class SelectionError(NeuroprocError, LookupError):
    """A RunConfig found no (or no unique) ProcessModel for a Process."""


class NotProbedError(NeuroprocError, KeyError):
    """Monitor data was asked for a Process, Var or port that the Monitor did not record."""

    def __str__(self) -> str:  # KeyError would show the message quoted, as a repr
        return str(self.args[0]) if self.args else ""


class CompilationError(NeuroprocError, RuntimeError):
    """A network that cannot be turned into an executable."""


class RuntimeStateError(NeuroprocError, RuntimeError):
    """An action that the runtime's current state does not allow."""


class SimulationError(NeuroprocError, RuntimeError):
    """Model code raised during a run; the original exception is chained as ``__cause__``."""

    def __init__(self, message: str, *, process=None, model=None, phase=None, time_step=None):
        super().__init__(message)
        self.process = process
        self.model = model
        self.phase = phase
        self.time_step = time_step


class DeadlockError(NeuroprocError, RuntimeError):
    """Every unfinished model waits on an empty channel: nothing can make progress."""

    def __init__(self, message: str, *, waiting=()):
        super().__init__(message)
        #: list of (process, port name) pairs that were waiting
        self.waiting = list(waiting)


class NeuroprocWarning(UserWarning):
    """Warnings issued by neuroproc."""


class PrecisionWarning(NeuroprocWarning):
    """A fixed-point model clips a value to what the hardware stores, as Lava does silently."""
