"""S4D models (float, ``floating_pt``) and the layer's sub-process model, as in Lava 0.10.

:class:`AbstractSigmaS4dDeltaModel` is the SigmaDelta model with the S4D activation hook; state
is updated in place. Lava's models read ``a``, ``b``, ``c`` and ``s4_state`` from the process
arguments in ``__init__``, but its builder then sets the Vars over them, so the Vars' values are
what runs -- as here.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from neuroproc.decorators import implements, requires, tag
from neuroproc.model import AbstractSubProcessModel, LavaPyType, PyLoihiProcessModel
from neuroproc.proc.s4d.process import S4d, SigmaS4dDelta, SigmaS4dDeltaLayer
from neuroproc.proc.sdn.models import AbstractSigmaDeltaModel, _FloatEncoderTypes
from neuroproc.proc.sparse.process import Sparse
from neuroproc.py_ports import PyInPort, PyOutPort
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol

__all__ = ["AbstractSigmaS4dDeltaModel", "PySigmaS4dDeltaModelFloat", "S4dModel", "SubDenseLayerModel"]


@implements(proc=S4d, protocol=LoihiProtocol)
@requires(CPU)
@tag("floating_pt")
class S4dModel(PyLoihiProcessModel):
    """Float S4D (tag ``floating_pt``): complex128 state and diagonals;
    ``x = x a + u b``, sends ``Re(c x 2)`` (numpy's complex products)."""

    a_in: Any = LavaPyType(PyInPort.VEC_DENSE, float)
    s_out: Any = LavaPyType(PyOutPort.VEC_DENSE, float)
    s4_exp: Any = LavaPyType(np.ndarray, np.int32, precision=3)
    inp_exp: Any = LavaPyType(np.ndarray, np.int32, precision=3)
    s4_state: Any = LavaPyType(np.ndarray, complex)
    a: Any = LavaPyType(np.ndarray, complex)
    b: Any = LavaPyType(np.ndarray, complex)
    c: Any = LavaPyType(np.ndarray, complex)

    def run_spk(self) -> None:
        inp = self.a_in.recv()
        self.s4_state[:] = self.s4_state * self.a + inp * self.b
        self.s_out.send(np.real(self.c * self.s4_state * 2))

    def kernel(self):
        from neuroproc.proc.s4d._kernels import s4d_spec

        return s4d_spec(self)


class AbstractSigmaS4dDeltaModel(AbstractSigmaDeltaModel):
    """SigmaDelta with the S4D activation: ``x = x a + sigma b``; ``act = c x 2``."""

    a: Any
    b: Any
    c: Any
    s4_state: Any

    def activation_dynamics(self, sigma_data: np.ndarray) -> np.ndarray:
        self.s4_state[:] = self.s4_state * self.a + sigma_data * self.b
        return self.c * self.s4_state * 2

    def kernel(self):
        from neuroproc.proc.s4d._kernels import sigma_s4d_delta_spec

        return sigma_s4d_delta_spec(self)


@implements(proc=SigmaS4dDelta, protocol=LoihiProtocol)
@requires(CPU)
@tag("floating_pt")
class PySigmaS4dDeltaModelFloat(_FloatEncoderTypes, AbstractSigmaS4dDeltaModel):
    """Float SigmaS4dDelta (tag ``floating_pt``): float64 throughout (real diagonals)."""

    bias: Any = LavaPyType(np.ndarray, float)
    s4_exp: Any = LavaPyType(np.ndarray, np.int32, precision=3)
    s4_state: Any = LavaPyType(np.ndarray, float)
    a: Any = LavaPyType(np.ndarray, float)
    b: Any = LavaPyType(np.ndarray, float)
    c: Any = LavaPyType(np.ndarray, float)


@implements(proc=SigmaS4dDeltaLayer, protocol=LoihiProtocol)
class SubDenseLayerModel(AbstractSubProcessModel):
    """``Sparse(conn_weights.T) -> SigmaS4dDelta -> Sparse(conn_weights)``; the layer's ``a``,
    ``b``, ``c`` and ``s4_state`` alias the neuron's."""

    def __init__(self, proc):
        super().__init__(proc)
        p = proc.proc_params
        weights, shape, d_states = p["conn_weights"], p["shape"], p["d_states"]
        common = dict(weight_exp=p["state_exp"], num_message_bits=p["num_message_bits"])
        self.sparse1 = Sparse(weights.T, **common)
        self.sigma_S4d_delta = SigmaS4dDelta(shape=(shape[0] * d_states,), vth=p["vth"], state_exp=p["state_exp"],
                                             s4_exp=p["s4_exp"], a=p["a"], b=p["b"], c=p["c"])
        self.sparse2 = Sparse(weights, **common)
        proc.s_in.connect(self.sparse1.s_in)
        self.sparse1.a_out.connect(self.sigma_S4d_delta.a_in)
        self.sigma_S4d_delta.s_out.connect(self.sparse2.s_in)
        self.sparse2.a_out.connect(proc.a_out)
        for name in ("a", "b", "c", "s4_state"):
            getattr(proc, name).alias(getattr(self.sigma_S4d_delta, name))
