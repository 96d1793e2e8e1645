"""Small Processes and models used by the core tests (user-level code, as a user would write it)."""
from __future__ import annotations

import numpy as np

from neuroproc import (
    CPU,
    AbstractProcess,
    AbstractSubProcessModel,
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
    tag,
)


class Counter(AbstractProcess):
    """Sends ``scale * time_step`` (times ones of its shape) every step."""

    def __init__(self, shape=(1,), scale=1.0, **kwargs):
        super().__init__(shape=shape, scale=scale, **kwargs)
        self.count = Var(shape=shape, init=0)
        self.s_out = OutPort(shape=shape)


@implements(proc=Counter, protocol=LoihiProtocol)
@requires(CPU)
class PyCounterModel(PyLoihiProcessModel):
    count = LavaPyType(np.ndarray, float)
    s_out = LavaPyType(PyOutPort.VEC_DENSE, float)

    def run_spk(self):
        self.count[:] = self.proc_params["scale"] * self.time_step
        self.s_out.send(self.count)


class Recorder(AbstractProcess):
    """Stores what it receives each step in ``log`` (shape ``(steps, *shape)``)."""

    def __init__(self, shape=(1,), steps=20, **kwargs):
        super().__init__(shape=shape, steps=steps, **kwargs)
        self.log = Var(shape=(steps,) + tuple(np.atleast_1d(shape)), init=0)
        self.a_in = InPort(shape=shape)


@implements(proc=Recorder, protocol=LoihiProtocol)
@requires(CPU)
class PyRecorderModel(PyLoihiProcessModel):
    log = LavaPyType(np.ndarray, float)
    a_in = LavaPyType(PyInPort.VEC_DENSE, float)

    def run_spk(self):
        self.log[self.time_step - 1] = self.a_in.recv()


class Relay(AbstractProcess):
    """Receives then sends (``recv_first=True``) or sends the previous value then receives."""

    def __init__(self, shape=(1,), recv_first=True, add=0.0, **kwargs):
        super().__init__(shape=shape, recv_first=recv_first, add=add, **kwargs)
        self.value = Var(shape=shape, init=0)
        self.a_in = InPort(shape=shape)
        self.s_out = OutPort(shape=shape)


@implements(proc=Relay, protocol=LoihiProtocol)
@requires(CPU)
class PyRelayModel(PyLoihiProcessModel):
    value = LavaPyType(np.ndarray, float)
    a_in = LavaPyType(PyInPort.VEC_DENSE, float)
    s_out = LavaPyType(PyOutPort.VEC_DENSE, float)

    def run_spk(self):
        if self.proc_params.get("recv_first", True):
            self.value[:] = self.a_in.recv() + self.proc_params.get("add", 0.0)
            self.s_out.send(self.value)
        else:
            self.s_out.send(self.value)
            self.value[:] = self.a_in.recv() + self.proc_params.get("add", 0.0)


class Boom(AbstractProcess):
    """Raises inside ``run_spk`` at time step ``at``."""

    def __init__(self, at=5, **kwargs):
        super().__init__(at=at, **kwargs)
        self.x = Var(shape=(1,), init=0)


@implements(proc=Boom, protocol=LoihiProtocol)
@requires(CPU)
class PyBoomModel(PyLoihiProcessModel):
    x = LavaPyType(np.ndarray, float)

    def run_spk(self):
        self.x += 1
        if self.time_step == self.proc_params["at"]:
            raise ZeroDivisionError("boom")


class Poker(AbstractProcess):
    """Reads another Process's Var through a RefPort each step and writes back ``value + 1``."""

    def __init__(self, shape=(1,), **kwargs):
        super().__init__(shape=shape, **kwargs)
        self.seen = Var(shape=(20,) + tuple(shape), init=0)
        self.ref = RefPort(shape=shape)


@implements(proc=Poker, protocol=LoihiProtocol)
@requires(CPU)
class PyPokerModel(PyLoihiProcessModel):
    seen = LavaPyType(np.ndarray, float)
    ref = LavaPyType(PyRefPort.VEC_DENSE, float)

    def post_guard(self):
        return True

    def run_post_mgmt(self):
        v = self.ref.read()
        self.seen[self.time_step - 1] = v
        self.ref.write(v + 1)


class Wrapper(AbstractProcess):
    """Hierarchical: one Relay inside; InPort/OutPort pass through, ``value`` aliases the child's."""

    def __init__(self, shape=(1,), add=0.0, **kwargs):
        super().__init__(shape=shape, add=add, **kwargs)
        self.value = Var(shape=shape, init=0)
        self.a_in = InPort(shape=shape)
        self.s_out = OutPort(shape=shape)


@implements(proc=Wrapper, protocol=LoihiProtocol)
@tag("hier")
class SubWrapperModel(AbstractSubProcessModel):
    def __init__(self, proc):
        super().__init__(proc)
        self.relay = Relay(shape=proc.proc_params["shape"], add=proc.proc_params["add"])
        proc.a_in.connect(self.relay.a_in)
        self.relay.s_out.connect(proc.s_out)
        proc.value.alias(self.relay.value)


@implements(proc=Wrapper, protocol=LoihiProtocol)
@tag("flat")
@requires(CPU)
class PyWrapperModel(PyRelayModel):
    """A leaf model of Wrapper (same behaviour as Relay), for selection tests."""
