"""External pipes: a host thread feeds an InPort or drains an OutPort of any Process directly
(Lava's ``port.flag_external_pipe()``).

``InPort.flag_external_pipe(buffer_size)`` connects an :class:`Injector` to the port and gives it
``external_pipe_csp_send_port``; ``OutPort.flag_external_pipe(buffer_size)`` connects an
:class:`Extractor` and gives it ``external_pipe_csp_recv_port``. Both follow Lava's default
policies: ``send`` waits while the buffer is full, ``recv`` waits for an item, and the network's
step waits for an item (InPort) or for room (OutPort).
"""
from __future__ import annotations

import numpy as np

from neuroproc.proc.io.extractor import Extractor
from neuroproc.proc.io.injector import Injector

__all__ = ["PipeRecvPort", "PipeSendPort", "flag_in", "flag_out"]

#: Lava's default buffer of an external pipe
DEFAULT_BUFFER = 64


class PipeSendPort:
    """The host's end of an InPort's pipe: ``send`` an item of the port's shape each step."""

    def __init__(self, injector: Injector) -> None:
        self.injector = injector

    def send(self, data: np.ndarray) -> None:
        """Give one item to the network (waits while the buffer is full)."""
        self.injector.send(np.asarray(data))

    def probe(self) -> bool:
        """True if ``send`` would not wait (the buffer has room)."""
        channel = self.injector.proc_params["p_to_pm"]
        return channel.qsize() < channel.size


class PipeRecvPort:
    """The host's end of an OutPort's pipe: ``recv`` what the port sent, step by step."""

    def __init__(self, extractor: Extractor) -> None:
        self.extractor = extractor

    def recv(self) -> np.ndarray:
        """Take the oldest item (waits for one)."""
        return self.extractor.receive()

    def probe(self) -> bool:
        """True if ``recv`` would not wait (an item is there)."""
        return self.extractor.proc_params["pm_to_p"].qsize() > 0


def _name(port) -> str:
    owner = port.process.name if port.process is not None else "port"
    return f"{owner}.{port.name}.pipe"


def flag_in(port, buffer_size: int = DEFAULT_BUFFER) -> PipeSendPort:
    """Connect an Injector to InPort ``port``; its host end."""
    injector = Injector(shape=port.shape, buffer_size=buffer_size, name=_name(port))
    injector.out_port.connect(port)
    return PipeSendPort(injector)


def flag_out(port, buffer_size: int = DEFAULT_BUFFER) -> PipeRecvPort:
    """Connect an Extractor to OutPort ``port``; its host end."""
    extractor = Extractor(shape=port.shape, buffer_size=buffer_size, name=_name(port))
    port.connect(extractor.in_port)
    return PipeRecvPort(extractor)
