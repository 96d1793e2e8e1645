"""How long a run lasts: ``RunSteps(n)`` or ``RunContinuous()`` (until ``pause``/``stop``)."""
from __future__ import annotations

from neuroproc._validation import check_int, short_repr
from neuroproc.exceptions import ValidationError

__all__ = ["AbstractRunCondition", "RunContinuous", "RunSteps"]


class AbstractRunCondition:
    """Base of run conditions. ``blocking=False`` returns at once; ``wait()`` or ``pause()`` follow."""

    def __init__(self, blocking: bool = True):
        if not isinstance(blocking, bool):
            raise ValidationError(f"{type(self).__name__}.blocking must be a bool (got {short_repr(blocking)}).")
        self.blocking = blocking


class RunSteps(AbstractRunCondition):
    """Run ``num_steps`` time steps."""

    def __init__(self, num_steps: int, blocking: bool = True):
        super().__init__(blocking)
        self.num_steps = check_int(num_steps, "RunSteps.num_steps", minimum=1)

    def __repr__(self) -> str:
        return f"RunSteps(num_steps={self.num_steps}, blocking={self.blocking})"


class RunContinuous(AbstractRunCondition):
    """Run until ``pause()`` or ``stop()``; always non-blocking."""

    def __init__(self):
        super().__init__(blocking=False)

    def __repr__(self) -> str:
        return "RunContinuous()"
