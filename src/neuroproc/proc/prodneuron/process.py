"""ProdNeuron: the product of two graded inputs as a graded spike (Lava's ``ProdNeuron``)."""
from __future__ import annotations

import numpy as np

from neuroproc._validation import as_shape
from neuroproc.ports import InPort, OutPort
from neuroproc.process import AbstractProcess
from neuroproc.variable import Var

__all__ = ["ProdNeuron"]


class ProdNeuron(AbstractProcess):
    """Multiplies its two graded inputs and sends the product where it exceeds ``vth``.

    ``v = (a_in1 * a_in2) >> exp``; ``s_out = v`` where ``|v| > vth``, else 0. ``v`` is computed
    fresh every step (the Var stays 0, as in Lava).

    Parameters
    ----------
    shape : int or tuple of int
        Shape of the population.
    vth : int
        Threshold.
    exp : int
        Fixed-point base: the product is shifted right (arithmetically) by ``exp``.

    Notes
    -----
    Vars: ``v`` (neuron shape, int32), ``vth``, ``exp`` (shape ``(1,)``).
    Ports: ``a_in1``, ``a_in2``, ``s_out``.
    """

    def __init__(self, shape, vth: int = 1, exp: int = 0, **kwargs):
        shape = as_shape(shape, f"{kwargs.get('name') or 'ProdNeuron'}::ProdNeuron.shape")
        super().__init__(shape=shape, **kwargs)
        self.a_in1 = InPort(shape=shape)
        self.a_in2 = InPort(shape=shape)
        self.s_out = OutPort(shape=shape)
        self.vth = Var(shape=(1,), init=vth)
        self.exp = Var(shape=(1,), init=exp)
        self.v = Var(shape=shape, init=np.zeros(shape, "int32"))

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of the population."""
        return self.proc_params["shape"]
