"""Every error neuroproc raises, in one tree.

::

    NeuroprocError
    ├── ValidationError (ValueError)        bad argument, shape, dtype or value
    │   ├── ShapeError (AssertionError)     shapes that do not fit
    │   │   ├── ReshapeError                reshape to another size
    │   │   ├── ConcatShapeError            concat of ports whose other axes differ
    │   │   ├── ConcatIndexError (IndexError)     concat axis out of range
    │   │   ├── TransposeShapeError         transpose axes of the wrong length
    │   │   └── TransposeIndexError (IndexError)  transpose axes out of range
    │   ├── VarIndexError (IndexError)      an index outside a Var's shape
    │   ├── ParameterTypeError (TypeError)  an argument of the wrong type
    │   ├── AliasError (AssertionError)     a Var alias that Lava refuses
    │   └── DecoratorError (TypeError, AssertionError)  misused @implements/@requires/@tag
    ├── PortConnectionError (ValueError)    ports that cannot be connected
    │   ├── PortKindError (TypeError, AssertionError)  wrong kinds of port
    │   ├── DuplicateConnectionError        the same pair connected twice
    │   └── VarNotSharableError             a RefPort to a Var made with shareable=False
    ├── SelectionError (LookupError)        no ProcessModel fits a Process
    ├── NotProbedError (KeyError)           Monitor data asked for something it did not record
    ├── CompilationError (RuntimeError)     a network that cannot be built
    ├── RuntimeStateError (RuntimeError)    an action the runtime's state does not allow
    ├── SimulationError (RuntimeError)      model code raised; names process, model, phase, step
    └── DeadlockError (RuntimeError)        every unfinished model waits on an empty channel

    NeuroprocWarning (UserWarning)
    └── PrecisionWarning                    a fixed-point model clips a value, as Lava does

Each error also inherits the builtin it refines, so ``except ValueError`` keeps working, and the
builtin Lava raises in the same situation (Lava asserts shapes and port kinds, so ``ShapeError``
is an ``AssertionError`` too), so ``except``/``assertRaises`` in Lava code keep working. The port
errors carry Lava's names (``ReshapeError``, ``ConcatShapeError``, ...).
Messages follow ``<who>: <what is wrong> (got <value>). <how to fix>.``
"""
from __future__ import annotations

__all__ = [
    "AliasError",
    "CompilationError",
    "ConcatIndexError",
    "ConcatShapeError",
    "DeadlockError",
    "DecoratorError",
    "DuplicateConnectionError",
    "NeuroprocError",
    "NeuroprocWarning",
    "NotProbedError",
    "ParameterTypeError",
    "PortConnectionError",
    "PortKindError",
    "PrecisionWarning",
    "ReshapeError",
    "RuntimeStateError",
    "SelectionError",
    "ShapeError",
    "SimulationError",
    "TransposeIndexError",
    "TransposeShapeError",
    "ValidationError",
    "VarIndexError",
    "VarNotSharableError",
]


class NeuroprocError(Exception):
    """Base of every neuroproc error."""


class ValidationError(NeuroprocError, ValueError):
    """An argument, shape, dtype or value is not acceptable."""


class ShapeError(ValidationError, AssertionError):
    """Shapes do not fit together (Lava asserts them: also an ``AssertionError``)."""


class AliasError(ValidationError, AssertionError):
    """A Var aliased to one that differs in ``shareable``, or that is not in a sub-Process."""


class DecoratorError(ValidationError, TypeError, AssertionError):
    """``@implements``, ``@requires`` or ``@tag`` used on the wrong class or with wrong arguments
    (Lava asserts these: also an ``AssertionError``)."""


class ReshapeError(ShapeError):
    """A port reshaped to a shape of another size."""


class ConcatShapeError(ShapeError):
    """Ports concatenated whose shapes differ off the concatenation axis."""


class ConcatIndexError(ShapeError, IndexError):
    """A concatenation axis out of range."""


class TransposeShapeError(ShapeError):
    """Transpose axes whose number differs from the port's dimensions."""


class TransposeIndexError(ShapeError, IndexError):
    """Transpose axes out of range."""


class VarIndexError(ValidationError, IndexError):
    """An index (``idx`` of ``Var.get`` / ``Var.set``) outside the Var's shape."""


class ParameterTypeError(ValidationError, TypeError):
    """An argument of the wrong type (Lava raises ``TypeError`` there)."""


class PortConnectionError(NeuroprocError, ValueError):
    """Ports that cannot be connected, or are connected twice."""


class PortKindError(PortConnectionError, TypeError, AssertionError):
    """Ports of kinds that do not connect (Lava: ``TypeError`` for Ref/VarPorts, an assertion
    for In/OutPorts)."""


class DuplicateConnectionError(PortConnectionError):
    """The same two ports connected twice."""


class VarNotSharableError(PortConnectionError):
    """A RefPort or VarPort to a Var created with ``shareable=False``."""


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
