"""Spiker: a test source that sends a payload every ``period`` steps (Lava's ``lava.proc.spiker``)."""
from __future__ import annotations

import numpy as np

from neuroproc._validation import as_shape
from neuroproc.ports import OutPort
from neuroproc.process import AbstractProcess
from neuroproc.variable import Var

__all__ = ["Spiker"]


class Spiker(AbstractProcess):
    r"""Sends ``payload`` every ``period`` steps, first at step ``period + 1``.

    Each step, per unit: if ``counter == rate`` it sends ``payload`` and sets ``counter = 1``;
    otherwise it sends 0 and increments ``counter`` (which starts at 0).

    Parameters
    ----------
    shape : tuple of int
        Shape of the population.
    period : int
        Steps between two payloads (the ``rate`` Var).
    payload : int
        Value sent.
    name : str, optional
        Name of the Process.

    Notes
    -----
    Vars: ``rate``, ``counter``, ``payload`` (all of ``shape``). Ports: ``s_out`` (shape).
    """

    def __init__(self, *, shape: tuple[int, ...] = (1,), period: int = 10, payload: int = 1,
                 name: str | None = None, **kwargs):
        shape = as_shape(shape, f"{name or 'Spiker'}::Spiker.shape")
        super().__init__(shape=shape, name=name, **kwargs)
        self.s_out = OutPort(shape=shape)
        self.rate = Var(shape=shape, init=period)
        self.counter = Var(shape=shape, init=np.zeros(shape, dtype=int))
        self.payload = Var(shape=shape, init=payload)
