"""Resonate-and-fire vectors (Lava's ``lava.networks.resfire``)."""
from __future__ import annotations

from typing import Any

import numpy as np

from neuroproc.networks.network import AlgebraicVector
from neuroproc.proc.resfire.process import RFZero

__all__ = ["ResFireVec"]


class ResFireVec(AlgebraicVector):
    """A population of :class:`RFZero` resonate-and-fire neurons with vector syntax.

    ``layer << (real, imag)`` drives the two channels; ``layer << net`` only the real one
    (as any vector does).

    Parameters
    ----------
    uth : int
        Threshold (default 10).
    shape : tuple of int
        Shape of the population (default ``(1,)``).
    freqs : array_like
        Resonance frequencies in Hz (default 10).
    decay_tau : array_like
        Decay time constants in s (default 1).
    dt : float
        Time step in s (default 0.001).
    **kwargs
        Ignored (as in Lava).
    """

    def __init__(self, **kwargs: Any) -> None:
        self.uth = kwargs.pop("uth", 10)
        self.shape = kwargs.pop("shape", (1,))
        self.freqs = np.array(kwargs.pop("freqs", np.array([10])))
        self.decay_tau = np.array(kwargs.pop("decay_tau", np.array([1])))
        self.dt = kwargs.pop("dt", 0.001)
        self.main = RFZero(shape=self.shape, uth=self.uth, freqs=self.freqs,
                           decay_tau=self.decay_tau, dt=self.dt)
        self.in_port = self.main.u_in
        self.in_port2 = self.main.v_in
        self.out_port = self.main.s_out

    def __lshift__(self, other: Any) -> Any:
        if isinstance(other, (list, tuple)):
            from neuroproc.networks.gradedvecnetwork import _connect_pair

            _connect_pair("ResFireVec", other, (self.in_port, self.in_port2))
            return self
        return super().__lshift__(other)
