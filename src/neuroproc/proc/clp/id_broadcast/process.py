"""IdBroadcast: forwards its graded input (Lava's ``lava.proc.clp.id_broadcast.process``)."""
from __future__ import annotations

from typing import Any

from neuroproc.ports import InPort, OutPort
from neuroproc.process import AbstractProcess
from neuroproc.variable import Var

__all__ = ["IdBroadcast"]


class IdBroadcast(AbstractProcess):
    """Sends what it receives, the same step, as a graded spike: ``s_out = val = a_in``.

    Parameters
    ----------
    shape : tuple of int
        Shape of the population (default ``(1,)``).
    name : str, optional
        Name of the Process.
    log_config : optional
        Accepted for Lava compatibility.

    Notes
    -----
    Vars: ``val`` (last value forwarded). Ports: ``a_in``, ``s_out``.
    """

    def __init__(self, *, shape: tuple[int, ...] = (1,), name: str | None = None,
                 log_config: Any = None) -> None:
        super().__init__(shape=shape, name=name, log_config=log_config)
        self.a_in = InPort(shape=shape)
        self.s_out = OutPort(shape=shape)
        self.val = Var(shape=shape, init=0)
