"""RF_IZ models: the RF oscillators of :mod:`neuroproc.proc.rf.models` with Izhikevich's firing
rule and reset (:class:`IZFire`)."""
from __future__ import annotations

from typing import Any

import numpy as np

from neuroproc.decorators import implements, requires, tag
from neuroproc.proc.rf.models import AbstractPyRFModelFixed, AbstractPyRFModelFloat
from neuroproc.proc.rf_iz.process import RF_IZ
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol

__all__ = ["IZFire", "PyRF_IZModelFixed", "PyRF_IZModelFloat"]


class IZFire:
    """Fire where ``im >= vth``; spiking neurons restart from ``re = 0``,
    ``im = vth - RESET_MARGIN`` (computed as Lava does: ``re * (1 - s)``,
    ``s (vth - margin) + (1 - s) im``)."""

    RESET_MARGIN: float | int = 0
    real: Any
    imag: Any
    vth: Any

    def fire(self, new_real: np.ndarray, new_imag: np.ndarray) -> np.ndarray:
        spikes = new_imag >= self.vth
        self.real[:] = new_real * (1 - spikes)
        self.imag[:] = spikes * (self.vth - self.RESET_MARGIN) + (1 - spikes) * new_imag
        return spikes


@implements(proc=RF_IZ, protocol=LoihiProtocol)
@tag("floating_pt")
@requires(CPU)
class PyRF_IZModelFloat(IZFire, AbstractPyRFModelFloat):  # noqa: N801 (Lava's name)
    """Float RF_IZ (tag ``floating_pt``); the reset margin 1e-5 keeps it from firing again."""

    RESET_MARGIN = 1e-5


@implements(proc=RF_IZ, protocol=LoihiProtocol)
@tag("fixed_pt")
@requires(CPU)
class PyRF_IZModelFixed(IZFire, AbstractPyRFModelFixed):  # noqa: N801 (Lava's name)
    """Fixed-point RF_IZ (tag ``fixed_pt``); reset margin 1."""

    RESET_MARGIN = 1
