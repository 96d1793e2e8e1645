"""Lava's CSP channel names (``PyPyChannel``, ``CspSendPort``, ``CspRecvPort``) and its
``MultiProcessing`` message infrastructure, over neuroproc's in-process host channel.

Lava programs build these by hand only to hand a channel end to a model (Lava's io tests do);
neuroproc runs every model in one OS process, so ``MultiProcessing`` starts nothing.
"""
from __future__ import annotations

import numpy as np

from neuroproc.proc.io._host_channel import HostChannel
from neuroproc.proc.io.utils import ChannelConfig, SendFull

__all__ = ["CspRecvPort", "CspSendPort", "MultiProcessing", "PyPyChannel"]


class MultiProcessing:
    """Lava's multiprocessing message infrastructure: nothing to start in one OS process."""

    def start(self) -> None:
        """Nothing to start."""

    def stop(self) -> None:
        """Nothing to stop."""


class _CspPort:
    def __init__(self, channel: HostChannel, name: str):
        self._channel = channel
        self.name = name

    def start(self) -> None:
        """Nothing to start."""

    def join(self) -> None:
        """Nothing to join."""


class CspSendPort(_CspPort):
    """The sending end: ``send`` blocks while the buffer is full; ``probe`` says if it has room."""

    def send(self, data) -> None:
        self._channel.send(data, SendFull.BLOCKING)

    def probe(self) -> bool:
        return self._channel.qsize() < self._channel.size


class CspRecvPort(_CspPort):
    """The receiving end: ``recv`` blocks while the buffer is empty; ``probe`` says if it has one."""

    def recv(self) -> np.ndarray:
        return self._channel.receive(ChannelConfig())

    def probe(self) -> bool:
        return self._channel.qsize() > 0


class PyPyChannel:
    """A bounded FIFO of ``size`` arrays of ``shape`` between ``src_port`` and ``dst_port``."""

    def __init__(self, message_infrastructure=None, src_name: str = "src", dst_name: str = "dst",
                 shape: tuple[int, ...] = (1,), dtype=float, size: int = 1) -> None:
        channel = HostChannel(shape, size, f"PyPyChannel {src_name}->{dst_name}")
        self.src_port = CspSendPort(channel, src_name)
        self.dst_port = CspRecvPort(channel, dst_name)
