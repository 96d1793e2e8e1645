"""The seed tutorial's E/I network Process with its rate model, written as a user would."""
from __future__ import annotations

import numpy as np
from scipy.special import erf

from neuroproc import (
    CPU,
    AbstractProcess,
    InPort,
    LavaPyType,
    LoihiProtocol,
    OutPort,
    PyInPort,
    PyLoihiProcessModel,
    PyOutPort,
    Var,
    implements,
    requires,
    tag,
)


class RateEINetwork(AbstractProcess):
    """Recurrent network of excitatory then inhibitory units (rate dynamics in its model)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        shape_exc = kwargs.pop("shape_exc", 1)
        shape_inh = kwargs.pop("shape_inh", 1)
        full = shape_exc + shape_inh
        self.state = Var(shape=(full,), init=0)
        self.state_alt = Var(shape=(full,), init=0)
        self.bias_exc = Var(shape=(shape_exc,), init=kwargs.pop("bias_exc", 1))
        self.bias_inh = Var(shape=(shape_inh,), init=kwargs.pop("bias_inh", 1))
        self.weights = Var(shape=(full, full), init=kwargs.pop("weights"))
        self.inport = InPort(shape=(full,))
        self.outport = OutPort(shape=(full,))


@implements(proc=RateEINetwork, protocol=LoihiProtocol)
@tag("rate_neurons")
@requires(CPU)
class RateEINetworkModel(PyLoihiProcessModel):
    """r(t) = (1 - dr) r(t-1) + bias + (W * dr) @ erf(r(t-1)) + a_in(t)."""

    outport = LavaPyType(PyOutPort.VEC_DENSE, float)
    inport = LavaPyType(PyInPort.VEC_DENSE, float)
    state = LavaPyType(np.ndarray, float)
    state_alt = LavaPyType(np.ndarray, float)
    bias_exc = LavaPyType(np.ndarray, float)
    bias_inh = LavaPyType(np.ndarray, float)
    weights = LavaPyType(np.ndarray, float)

    def __init__(self, proc_params):
        super().__init__(proc_params=proc_params)
        self.n_exc = proc_params["shape_exc"]
        self.n_inh = proc_params["shape_inh"]
        self.decay = 1 - np.array([proc_params["dr_exc"]] * self.n_exc + [proc_params["dr_inh"]] * self.n_inh)
        self.prepared = False

    def run_spk(self):
        if not self.prepared:
            # scale the weights by the integration step once (the tutorial swaps dr_exc/dr_inh
            # between the column blocks; both are equal in every network it builds)
            self.weights[:, self.n_exc:] *= self.proc_params["dr_exc"]
            self.weights[:, :self.n_exc] *= self.proc_params["dr_inh"]
            self.bias = np.hstack([self.bias_exc, self.bias_inh])
            self.prepared = True
        a_in = self.inport.recv()
        new = self.decay * self.state
        new += self.bias
        new += self.weights @ erf(self.state)
        self.state = new + a_in
        self.outport.send(self.state)
