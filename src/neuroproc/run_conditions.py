"""How long a run lasts: ``RunSteps(n)`` or ``RunContinuous()`` (until ``pause``/``stop``)."""
from __future__ import annotations

from neuroproc._validation import check_int, short_repr
from neuroproc.exceptions import ValidationError

__all__ = ["AbstractRunCondition", "RunContinuous", "RunSteps"]


class AbstractRunCondition:
    """Base of run conditions: how long ``proc.run(condition, run_cfg)`` runs and whether it waits.

    Parameters
    ----------
    blocking : bool
        True (the default): ``run`` returns when the run is over. False: ``run`` returns at
        once while the network runs in a background thread; call ``wait()`` (to its end),
        ``pause()`` (stop at the next step boundary) or ``stop()``, and only then read Vars.
    """

    def __init__(self, blocking: bool = True):
        if not isinstance(blocking, bool):
            raise ValidationError(f"{type(self).__name__}.blocking must be a bool (got {short_repr(blocking)}).")
        self.blocking = blocking


class RunSteps(AbstractRunCondition):
    """Run the network for ``num_steps`` more time steps, then return (or pause).

    The first ``run`` of a network compiles it with the given RunConfig and starts at time step
    1; every later ``run`` continues where the previous one ended, with the state the models
    had then (and any ``Var.set`` made in between), so ``RunSteps(40)`` then ``RunSteps(60)``
    gives exactly the numbers of ``RunSteps(100)``. A Monitor must have been probed for at
    least as many steps as all runs together.

    A blocking run that lasts more than a few seconds shows a progress bar (see
    :mod:`neuroproc.runtime.progress`); the numbers do not depend on it.

    Parameters
    ----------
    num_steps : int
        Time steps to run, ``>= 1``.
    blocking : bool
        Wait for the run to end (True, the default), or return at once and let it run in the
        background until ``wait()``, ``pause()`` or ``stop()`` (False).

    Raises
    ------
    ValidationError
        ``num_steps`` is not an int ``>= 1`` or ``blocking`` not a bool.

    Examples
    --------
    >>> from neuroproc import Loihi1SimCfg, RunSteps
    >>> from neuroproc.proc.lif.process import LIF
    >>> lif = LIF(shape=(2,), bias_mant=0.3, vth=1.0)
    >>> lif.run(RunSteps(10), Loihi1SimCfg(backend="python"))
    >>> lif.run(RunSteps(5))  # continues: the run config of the first call stays
    >>> lif.runtime.time_step
    15
    >>> lif.stop()
    """

    def __init__(self, num_steps: int, blocking: bool = True):
        super().__init__(blocking)
        self.num_steps = check_int(num_steps, "RunSteps.num_steps", minimum=1)

    def __repr__(self) -> str:
        return f"RunSteps(num_steps={self.num_steps}, blocking={self.blocking})"


class RunContinuous(AbstractRunCondition):
    """Run until ``pause()`` or ``stop()``; ``run`` returns at once (always non-blocking).

    The network steps in a background thread, in chunks of 1000 steps between which a
    ``pause()`` takes effect; after ``pause()`` the Vars can be read and set, and ``run``
    continues with any run condition. No progress bar is shown (there is no end to show).
    """

    def __init__(self):
        super().__init__(blocking=False)

    def __repr__(self) -> str:
        return "RunContinuous()"
