"""A Process that adds up what it receives."""
from __future__ import annotations

from neuroproc import AbstractProcess, InPort, Var


class Accumulate(AbstractProcess):
    """``total += a_in`` every step."""

    def __init__(self, shape, **kwargs):
        super().__init__(shape=shape, **kwargs)
        self.total = Var(shape=shape, init=0)
        self.a_in = InPort(shape=shape)
