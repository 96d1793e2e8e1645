"""External pipes on any port: a host thread feeds an InPort and drains an OutPort."""
from __future__ import annotations

import threading

import numpy as np

from neuroproc import (
    AbstractProcess,
    InPort,
    LavaPyType,
    Loihi2SimCfg,
    LoihiProtocol,
    OutPort,
    PyInPort,
    PyLoihiProcessModel,
    PyOutPort,
    RunSteps,
    implements,
)


class Doubler(AbstractProcess):
    def __init__(self, shape, **kwargs):
        super().__init__(**kwargs)
        self.a_in = InPort(shape=shape)
        self.s_out = OutPort(shape=shape)


@implements(proc=Doubler, protocol=LoihiProtocol)
class PyDoubler(PyLoihiProcessModel):
    a_in = LavaPyType(PyInPort.VEC_DENSE, float)
    s_out = LavaPyType(PyOutPort.VEC_DENSE, float)

    def run_spk(self):
        self.s_out.send(2 * self.a_in.recv())


def test_a_thread_feeds_and_drains_a_process_through_its_ports():
    steps = 40
    x = np.random.default_rng(5).random((steps, 3))
    proc = Doubler(shape=(3,), name="doubler")
    proc.a_in.flag_external_pipe(buffer_size=4)
    proc.s_out.flag_external_pipe(buffer_size=4)
    send, recv = proc.a_in.external_pipe_csp_send_port, proc.s_out.external_pipe_csp_recv_port
    assert send.injector.name == "doubler.a_in.pipe"
    assert not recv.probe()
    proc.run(RunSteps(steps, blocking=False), Loihi2SimCfg(backend="python"))
    feeder = threading.Thread(target=lambda: [send.send(row) for row in x], daemon=True)
    feeder.start()
    got = np.array([recv.recv() for _ in range(steps)])
    proc.wait()
    proc.stop()
    np.testing.assert_array_equal(got, 2 * x)
