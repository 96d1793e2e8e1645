"""Every error neuroproc raises, in one tree.

::

    NeuroprocError
    ├── ValidationError (ValueError)        bad argument, shape, dtype or value
    │   └── ShapeError                      shapes that do not fit
    ├── PortConnectionError (ValueError)    wrong port kinds, duplicate connections
    ├── SelectionError (LookupError)        no ProcessModel fits a Process
    ├── CompilationError (RuntimeError)     a network that cannot be built
    ├── RuntimeStateError (RuntimeError)    an action the runtime's state does not allow
    ├── SimulationError (RuntimeError)      model code raised; names process, model, phase, step
    └── DeadlockError (RuntimeError)        every unfinished model waits on an empty channel

    NeuroprocWarning (UserWarning)

Each error also inherits the builtin it refines, so ``except ValueError`` keeps working.
Messages follow ``<who>: <what is wrong> (got <value>). <how to fix>.``
"""
from __future__ import annotations

__all__ = [
    "CompilationError",
    "DeadlockError",
    "NeuroprocError",
    "NeuroprocWarning",
    "PortConnectionError",
    "RuntimeStateError",
    "SelectionError",
    "ShapeError",
    "SimulationError",
    "ValidationError",
]


class NeuroprocError(Exception):
    """Base of every neuroproc error."""


class ValidationError(NeuroprocError, ValueError):
    """An argument, shape, dtype or value is not acceptable."""


class ShapeError(ValidationError):
    """Shapes do not fit together."""


class PortConnectionError(NeuroprocError, ValueError):
    """Ports that cannot be connected, or are connected twice."""


class SelectionError(NeuroprocError, LookupError):
    """A RunConfig found no (or no unique) ProcessModel for a Process."""


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
