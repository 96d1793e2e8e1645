"""A Lava program in the style of Lava's tutorial 02 (Processes): Lava import paths only.

It defines its own LIF Process and floating-point model the way the tutorial does, feeds a
second one through Lava's Dense, runs, and prints the state as JSON. Run it unchanged with
``python -m neuroproc.compat.lava tutorial02_style.py NUM_STEPS``.
"""
import json
import sys

import numpy as np

from lava.magma.core.decorator import implements, requires, tag
from lava.magma.core.model.py.model import PyLoihiProcessModel
from lava.magma.core.model.py.ports import PyInPort, PyOutPort
from lava.magma.core.model.py.type import LavaPyType
from lava.magma.core.process.ports.ports import InPort, OutPort
from lava.magma.core.process.process import AbstractProcess
from lava.magma.core.process.variable import Var
from lava.magma.core.resources import CPU
from lava.magma.core.run_conditions import RunSteps
from lava.magma.core.run_configs import Loihi1SimCfg
from lava.magma.core.sync.protocols.loihi_protocol import LoihiProtocol
from lava.proc.dense.process import Dense


class LIF(AbstractProcess):
    """Leaky-Integrate-and-Fire neural process with activation input and spike output ports."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        shape = kwargs.get("shape", (1,))
        self.a_in = InPort(shape=shape)
        self.s_out = OutPort(shape=shape)
        self.u = Var(shape=shape, init=0)
        self.v = Var(shape=shape, init=0)
        self.du = Var(shape=(1,), init=kwargs.pop("du", 0))
        self.dv = Var(shape=(1,), init=kwargs.pop("dv", 0))
        self.bias = Var(shape=shape, init=kwargs.pop("bias", 0))
        self.vth = Var(shape=(1,), init=kwargs.pop("vth", 10))


@implements(proc=LIF, protocol=LoihiProtocol)
@requires(CPU)
@tag("floating_pt")
class PyLifModel(PyLoihiProcessModel):
    a_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, float)
    s_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, bool, precision=1)
    u: np.ndarray = LavaPyType(np.ndarray, float)
    v: np.ndarray = LavaPyType(np.ndarray, float)
    bias: np.ndarray = LavaPyType(np.ndarray, float)
    du: float = LavaPyType(float, float)
    dv: float = LavaPyType(float, float)
    vth: float = LavaPyType(float, float)

    def run_spk(self):
        a_in_data = self.a_in.recv()
        self.u[:] = self.u * (1 - self.du)
        self.u[:] += a_in_data
        self.v[:] = self.v * (1 - self.dv) + self.u + self.bias
        s_out = self.v >= self.vth
        self.v[s_out] = 0  # Reset voltage to 0
        self.s_out.send(s_out)


def main(num_steps: int) -> dict:
    lif1 = LIF(shape=(3,), du=0.1, dv=0.1, bias=np.array([2.0, 2.5, 3.0]), vth=10, name="lif1")
    dense = Dense(weights=np.array([[4.0, -1.0, 0.5], [1.0, 2.0, 3.0]]))
    lif2 = LIF(shape=(2,), du=0.2, dv=0.05, bias=np.array([0.5, 0.0]), vth=8, name="lif2")
    lif1.s_out.connect(dense.s_in)
    dense.a_out.connect(lif2.a_in)

    print(f"Variables of the LIF: {[v.name for v in lif1.vars]}", file=sys.stderr)
    lif2.run(condition=RunSteps(num_steps=num_steps), run_cfg=Loihi1SimCfg(select_tag="floating_pt"))
    out = {"v1": lif1.v.get().tolist(), "u2": lif2.u.get().tolist(), "v2": lif2.v.get().tolist()}
    lif2.stop()
    return out


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)))
