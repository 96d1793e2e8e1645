"""Networks for the fault and concurrency tests: library Processes (both backends) and user models."""
from __future__ import annotations

import greenlet
import numpy as np
from numba import njit

from neuroproc import (
    CPU,
    AbstractProcess,
    InPort,
    LavaPyType,
    Loihi1SimCfg,
    LoihiProtocol,
    Monitor,
    OutPort,
    PyInPort,
    PyLoihiProcessModel,
    PyOutPort,
    Var,
    implements,
    requires,
)
from neuroproc.proc import io
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.lif.process import LIF
from neuroproc.runtime.kernels import KernelSpec

BACKENDS = ("python", "compiled")


def cfg(backend: str, tag: str = "floating_pt") -> Loihi1SimCfg:
    return Loihi1SimCfg(select_tag=tag, backend=backend)


def lif_net(mon_steps: int | None = None, seed: int = 3):
    """RingBuffer -> Dense -> LIF -> RingBuffer sink; a Monitor of ``lif.v`` when ``mon_steps``.
    Every model has a kernel, so ``backend='compiled'`` really compiles."""
    rng = np.random.default_rng(seed)
    src = io.source.RingBuffer(data=(rng.random((4, 10)) < 0.4).astype(float))
    dense = Dense(weights=rng.normal(0.2, 0.3, (3, 4)))
    lif = LIF(shape=(3,), du=0.1, dv=0.1, vth=1.0, bias_mant=0.05)
    sink = io.sink.RingBuffer(shape=(3,), buffer=7)
    src.s_out.connect(dense.s_in)
    dense.a_out.connect(lif.a_in)
    lif.s_out.connect(sink.a_in)
    mon = None
    if mon_steps:
        mon = Monitor()
        mon.probe(lif.v, mon_steps)
    return lif, mon


class Emitter(AbstractProcess):
    """Sends ``time_step`` every step; raises ``error`` (an exception class) at step ``at``."""

    def __init__(self, at=0, error=None, **kwargs):
        super().__init__(at=at, error=error, **kwargs)
        self.x = Var(shape=(1,), init=0)
        self.s_out = OutPort(shape=(1,))


@implements(proc=Emitter, protocol=LoihiProtocol)
@requires(CPU)
class PyEmitterModel(PyLoihiProcessModel):
    x = LavaPyType(np.ndarray, float)
    s_out = LavaPyType(PyOutPort.VEC_DENSE, float)

    def run_spk(self):
        if self.time_step == self.proc_params["at"]:
            raise self.proc_params["error"]("raised by model code")
        self.x[:] = self.time_step
        self.s_out.send(self.x)


class Sink(AbstractProcess):
    """Receives every step (``recv=True``) or never; adds what it gets to ``total``."""

    def __init__(self, recv=True, **kwargs):
        super().__init__(recv=recv, **kwargs)
        self.total = Var(shape=(1,), init=0)
        self.a_in = InPort(shape=(1,))


@implements(proc=Sink, protocol=LoihiProtocol)
@requires(CPU)
class PySinkModel(PyLoihiProcessModel):
    total = LavaPyType(np.ndarray, float)
    a_in = LavaPyType(PyInPort.VEC_DENSE, float)

    def run_spk(self):
        if self.proc_params["recv"]:
            self.total += self.a_in.recv()


class Guarded(AbstractProcess):
    """A model whose ``guard`` (pre/lrn/post) raises at step ``at``."""

    def __init__(self, guard="post_guard", at=3, **kwargs):
        super().__init__(guard=guard, at=at, **kwargs)
        self.n = Var(shape=(1,), init=0)


@implements(proc=Guarded, protocol=LoihiProtocol)
@requires(CPU)
class PyGuardedModel(PyLoihiProcessModel):
    n = LavaPyType(np.ndarray, float)

    def _guard(self, name):
        if self.proc_params["guard"] == name and self.time_step == self.proc_params["at"]:
            raise LookupError(f"{name} broke")
        return False

    def pre_guard(self):
        return self._guard("pre_guard")

    def lrn_guard(self):
        if self.proc_params["guard"] == "pre_guard":
            return True  # Lava asks pre_guard() only in steps where lrn_guard() holds too
        return self._guard("lrn_guard")

    def post_guard(self):
        return self._guard("post_guard")

    def run_spk(self):
        self.n += 1


def emitter_net(at=0, error=ZeroDivisionError, recv=True):
    em = Emitter(at=at, error=error, name="em")
    sink = Sink(recv=recv, name="sk")
    em.s_out.connect(sink.a_in)
    return em, sink


GreenletExit = greenlet.GreenletExit


class Deaf(AbstractProcess):
    """Counts steps and never receives on its connected ``a_in`` (its kernel does not read it)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.n = Var(shape=(1,), init=0)
        self.a_in = InPort(shape=(3,))


@njit(cache=True)
def _deaf_step(t, n):
    n[0] += 1


@implements(proc=Deaf, protocol=LoihiProtocol)
@requires(CPU)
class PyDeafModel(PyLoihiProcessModel):
    n = LavaPyType(np.ndarray, float)
    a_in = LavaPyType(PyInPort.VEC_DENSE, float)

    def run_spk(self):
        self.n += 1

    def kernel(self):
        return KernelSpec(step=_deaf_step, arrays=("n",))
