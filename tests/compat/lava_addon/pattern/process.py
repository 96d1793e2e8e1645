"""A Process that sends a fixed pattern, one column per step (cycling)."""
from __future__ import annotations

import numpy as np

from neuroproc import AbstractProcess, OutPort, Var


class Pattern(AbstractProcess):
    """Sends ``pattern[:, (t - 1) % num_columns]`` at time step ``t``."""

    def __init__(self, pattern, **kwargs):
        pattern = np.asarray(pattern, dtype=float)
        super().__init__(**kwargs)
        self.pattern = Var(shape=pattern.shape, init=pattern)
        self.s_out = OutPort(shape=(pattern.shape[0],))
