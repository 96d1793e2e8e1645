"""User-level Processes of the fuzz graphs: a node that runs a per-step program of sends and
receives in any order (or skips them, or raises), and a RefPort poker."""
from __future__ import annotations

import numpy as np

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
    PyRefPort,
    RefPort,
    Var,
    implements,
    requires,
)

MAX_PORTS = 3


class FuzzError(Exception):
    """What a fuzz node raises on purpose."""


def update(v: float, acc: float, ident: int) -> float:
    """A node's state update: exact in float64 (small integers), sensitive to every input."""
    return float((v * 3 + acc + ident) % 997)


class FNode(AbstractProcess):
    """Runs ``program`` every step: ``("recv", i)`` adds in-port ``i``'s message to the step's sum,
    ``("send", j)`` sends ``v`` on out-port ``j``, ``("upd",)`` applies :func:`update`; at step
    ``raise_at[0]`` it raises :class:`FuzzError` before op ``raise_at[1]``."""

    def __init__(self, n_in=0, n_out=0, program=(), ident=0, raise_at=None, init=0.0, **kwargs):
        super().__init__(program=tuple(program), ident=ident, raise_at=raise_at, **kwargs)
        self.v = Var(shape=(1,), init=init)
        for i in range(n_in):
            setattr(self, f"in{i}", InPort(shape=(1,)))
        for j in range(n_out):
            setattr(self, f"out{j}", OutPort(shape=(1,)))


@implements(proc=FNode, protocol=LoihiProtocol)
@requires(CPU)
class PyFNodeModel(PyLoihiProcessModel):
    v = LavaPyType(np.ndarray, float)
    in0 = LavaPyType(PyInPort.VEC_DENSE, float)
    in1 = LavaPyType(PyInPort.VEC_DENSE, float)
    in2 = LavaPyType(PyInPort.VEC_DENSE, float)
    out0 = LavaPyType(PyOutPort.VEC_DENSE, float)
    out1 = LavaPyType(PyOutPort.VEC_DENSE, float)
    out2 = LavaPyType(PyOutPort.VEC_DENSE, float)

    def run_spk(self):
        p = self.proc_params
        raise_at = p["raise_at"]
        acc = 0.0
        for k, op in enumerate(p["program"]):
            if raise_at is not None and raise_at[0] == self.time_step and raise_at[1] == k:
                raise FuzzError(f"node {p['ident']} at step {self.time_step}")
            if op[0] == "recv":
                acc += float(getattr(self, f"in{op[1]}").recv()[0])
            elif op[0] == "send":
                getattr(self, f"out{op[1]}").send(self.v)
            else:
                self.v[0] = update(self.v[0], acc, p["ident"])
        if raise_at is not None and raise_at[0] == self.time_step and raise_at[1] >= len(p["program"]):
            raise FuzzError(f"node {p['ident']} at step {self.time_step}")


class FPoker(AbstractProcess):
    """In every post-management phase reads a Var through its RefPort into ``seen[t - 1]`` and
    writes back ``value + 1``; ``seen`` holds ``rows`` steps (a later step raises IndexError)."""

    def __init__(self, rows=10, **kwargs):
        super().__init__(rows=rows, **kwargs)
        self.seen = Var(shape=(rows,), init=0)
        self.ref = RefPort(shape=(1,))


@implements(proc=FPoker, protocol=LoihiProtocol)
@requires(CPU)
class PyFPokerModel(PyLoihiProcessModel):
    seen = LavaPyType(np.ndarray, float)
    ref = LavaPyType(PyRefPort.VEC_DENSE, float)

    def post_guard(self):
        return True

    def run_post_mgmt(self):
        value = self.ref.read()
        self.seen[self.time_step - 1] = value[0]
        self.ref.write(value + 1)
