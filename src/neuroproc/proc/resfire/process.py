"""RFZero: resonate-and-fire neurons that send their amplitude at the zero-phase crossing
(Lava's ``lava.proc.resfire.process.RFZero``)."""
from __future__ import annotations

import numpy as np

from neuroproc._validation import as_shape
from neuroproc.ports import InPort, OutPort
from neuroproc.process import AbstractProcess
from neuroproc.variable import Var

__all__ = ["RFZero"]


class RFZero(AbstractProcess):
    r"""Resonate-and-fire neurons with a threshold and a zero-phase trigger; graded spikes carry
    the amplitude of the oscillation.

    With ``lambda = exp(-dt / decay_tau)`` and ``omega = 2 pi freqs dt``, the decays are stored
    as 15-bit fractions, ``lct = int32(lambda cos(omega) 2**15)`` and ``lst`` likewise with
    ``sin``; then per step (``//`` is floor division)

    .. math::

        u &\leftarrow (u\,lct) /\!/ 2^{15} - (v\,lst) /\!/ 2^{15} + u_{in} \\
        v &\leftarrow (v\,lct) /\!/ 2^{15} + (u\,lst) /\!/ 2^{15} + v_{in} \\
        s &= u \cdot [u > uth] \cdot [v \ge 0] \cdot [v_{old} < 0]

    Parameters
    ----------
    shape : int or tuple of int
        Shape of the population.
    freqs : float or array_like
        Resonance frequency of each neuron (Hz).
    decay_tau : float or array_like
        Decay time constant (s).
    dt : float
        Time per step (s).
    uth : int
        Threshold of the real part ``u``.

    Notes
    -----
    Vars: ``u``, ``v``, ``lct``, ``lst`` (neuron shape), ``uth`` (shape ``(1,)``).
    Ports: ``u_in``, ``v_in`` (InPorts), ``s_out`` (OutPort). Lava has a fixed-point model only.
    """

    def __init__(self, shape, freqs, decay_tau, dt: float = 0.001, uth: int = 1, **kwargs):
        shape = as_shape(shape, f"{kwargs.get('name') or 'RFZero'}::RFZero.shape")
        super().__init__(shape=shape, **kwargs)
        self.u_in = InPort(shape=shape)
        self.v_in = InPort(shape=shape)
        self.s_out = OutPort(shape=shape)
        self.u = Var(shape=shape, init=0)
        self.v = Var(shape=shape, init=0)
        decay = np.exp(-dt / np.asarray(decay_tau, dtype=float))
        phase = dt * np.asarray(freqs, dtype=float) * np.pi * 2
        self.lct = Var(shape=shape, init=(np.array(decay * np.cos(phase)) * 2**15).astype(np.int32))
        self.lst = Var(shape=shape, init=(np.array(decay * np.sin(phase)) * 2**15).astype(np.int32))
        self.uth = Var(shape=(1,), init=uth)

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of the population."""
        return self.proc_params["shape"]
