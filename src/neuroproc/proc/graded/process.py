"""Graded-spike vector neurons (Lava's ``lava.proc.graded``): ``GradedVec``, ``GradedReluVec``,
``NormVecDelay`` and ``InvSqrt``."""
from __future__ import annotations

import numpy as np

from neuroproc._validation import as_shape
from neuroproc.ports import InPort, OutPort
from neuroproc.process import AbstractProcess
from neuroproc.variable import Var

__all__ = ["GradedReluVec", "GradedVec", "InvSqrt", "NormVecDelay", "loihi2round"]


def loihi2round(vv: np.ndarray) -> np.ndarray:
    """Round as Loihi 2 does: half away from zero, ``fix(v + (v > 0) - 0.5)``, as ints.

    Examples
    --------
    >>> loihi2round(np.array([-1.5, -0.5, 0.5, 1.5, 2.4]))
    array([-2, -1,  1,  2,  2])
    """
    return np.fix(vv + (vv > 0) - 0.5).astype(int)


class _GradedProcess(AbstractProcess):
    def __init__(self, shape, **kwargs):
        shape = as_shape(shape, f"{kwargs.get('name') or type(self).__name__}::{type(self).__name__}.shape")
        super().__init__(shape=shape, **kwargs)

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of the population."""
        return self.proc_params["shape"]


class _GradedVector(_GradedProcess):
    """Ports and Vars shared by GradedVec and GradedReluVec (siblings, as in Lava)."""

    def __init__(self, shape, vth: int = 1, exp: int = 0, **kwargs):
        super().__init__(shape, **kwargs)
        self.a_in = InPort(shape=self.shape)
        self.s_out = OutPort(shape=self.shape)
        self.v = Var(shape=self.shape, init=0)
        self.vth = Var(shape=(1,), init=vth)
        self.exp = Var(shape=(1,), init=exp)


class GradedVec(_GradedVector):
    """Graded spike vector: sends this step's input where its magnitude exceeds ``vth``.

    ``v = a_in``; ``s_out = v * (|v| > vth)``; ``v`` is cleared after every step (so a Monitor
    of ``v`` reads 0).

    Parameters
    ----------
    shape : int or tuple of int
        Shape of the population.
    vth : int
        Threshold.
    exp : int
        Fixed-point base (stored; unused by Lava's model).

    Notes
    -----
    Vars: ``v`` (neuron shape), ``vth``, ``exp`` (shape ``(1,)``). Ports: ``a_in``, ``s_out``.
    """


class GradedReluVec(_GradedVector):
    """Graded ReLU vector: like :class:`GradedVec` with ``s_out = v * (v > vth)``.

    Parameters
    ----------
    shape : int or tuple of int
        Shape of the population.
    vth : int
        Threshold.
    exp : int
        Fixed-point base (stored; unused by Lava's model).

    Notes
    -----
    Vars: ``v`` (neuron shape), ``vth``, ``exp`` (shape ``(1,)``). Ports: ``a_in``, ``s_out``.
    """


class NormVecDelay(_GradedProcess):
    """Normalisable graded vector, used with :class:`InvSqrt` to build a normalisation layer.

    Each step: ``s2_out = a_in1**2`` (to the InvSqrt neuron); ``s_out = v[t-1] * a_in2`` where
    its magnitude exceeds ``vth``, with ``v[t] = a_in1`` -- the product of the previous step's
    primary input and the value returned on the second channel.

    Parameters
    ----------
    shape : int or tuple of int
        Shape of the population.
    vth : int
        Threshold.
    exp : int
        Fixed-point base (stored; unused by Lava's model).

    Notes
    -----
    Vars: ``v``, ``v2`` (neuron shape, int32), ``vth``, ``exp`` (shape ``(1,)``).
    Ports: ``a_in1``, ``a_in2``, ``s_out``, ``s2_out``.
    """

    def __init__(self, shape, vth: int = 1, exp: int = 0, **kwargs):
        super().__init__(shape, **kwargs)
        self.a_in1 = InPort(shape=self.shape)
        self.a_in2 = InPort(shape=self.shape)
        self.s_out = OutPort(shape=self.shape)
        self.s2_out = OutPort(shape=self.shape)
        self.vth = Var(shape=(1,), init=vth)
        self.exp = Var(shape=(1,), init=exp)
        self.v = Var(shape=self.shape, init=np.zeros(self.shape, "int32"))
        self.v2 = Var(shape=self.shape, init=np.zeros(self.shape, "int32"))


class InvSqrt(_GradedProcess):
    """Inverse square root neuron, for 24-bit fixed-point values (with :class:`NormVecDelay`).

    ``s_out = 1 / sqrt(a_in)``; the fixed model runs Loihi's iterative algorithm (see
    :func:`neuroproc.proc.graded.models.inv_sqrt`).

    Parameters
    ----------
    shape : int or tuple of int
        Shape of the population.
    fp_base : int
        Base of the fixed-point representation (stored; Lava's model uses 12 regardless).

    Notes
    -----
    Vars: ``fp_base`` (shape ``(1,)``). Ports: ``a_in``, ``s_out``.
    """

    def __init__(self, shape, fp_base: int = 12, **kwargs):
        super().__init__(shape, **kwargs)
        self.fp_base = Var(shape=(1,), init=fp_base)
        self.a_in = InPort(shape=self.shape)
        self.s_out = OutPort(shape=self.shape)
