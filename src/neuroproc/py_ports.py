"""Model-side ports: what a ProcessModel uses to receive, send, read and write.

Messages travel through FIFO channels provided by the runtime. ``recv`` takes the oldest message
of every incoming channel and sums them (fan-in), starting from zeros of the declared type, as
Lava does; when a channel is empty the runtime lets other models run until it is not.
"""
from __future__ import annotations

import numpy as np

__all__ = [
    "PyInPort",
    "PyInPortVectorDense",
    "PyInPortVectorSparse",
    "PyOutPort",
    "PyOutPortVectorDense",
    "PyOutPortVectorSparse",
    "PyRefPort",
    "PyRefPortVectorDense",
    "PyVarPort",
    "PyVarPortVectorDense",
]


class AbstractPyPort:
    """Base of model-side ports; the runtime builds them."""

    def __init__(self, name: str, shape, d_type, owner: str = ""):
        self.name = name
        self.shape = tuple(shape)
        self.d_type = np.dtype(d_type)
        self.owner = owner

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.owner}.{self.name}, shape={self.shape})"


class PyInPort(AbstractPyPort):
    """Receives messages from the channels connected to it. Use ``PyInPort.VEC_DENSE`` or
    ``PyInPort.VEC_SPARSE`` in a ``LavaPyType``."""

    VEC_DENSE: type
    VEC_SPARSE: type

    def __init__(self, name, shape, d_type, owner="", channels=()):
        super().__init__(name, shape, d_type, owner)
        #: the incoming channels, fixed when the runtime builds the port
        self.channels = list(channels)
        dtypes = [self.d_type] + [ch.dtype for ch in self.channels]
        self._result_dtype = np.result_type(*dtypes)
        # the one incoming channel, if there is exactly one (recv's fast path), and whether its
        # messages arrive as they are returned (no transform, same dtype: nothing to check)
        self._one = self.channels[0] if len(self.channels) == 1 else None
        self._as_is = (self._one is not None and getattr(self._one, "transform", None) is None
                       and np.dtype(self._one.dtype) == self._result_dtype)

    def _sum(self, take) -> np.ndarray:
        chans = self.channels
        if len(chans) == 1:
            msg = take(chans[0])
            # zeros(declared) + msg is msg itself when the types already agree
            return msg if msg.dtype == self._result_dtype else msg.astype(self._result_dtype)
        out = np.zeros(self.shape, self.d_type)
        for ch in chans:
            out = out + take(ch)
        return out

    def recv(self):
        """The sum of the oldest message of every incoming channel (zeros if unconnected)."""
        one = self._one
        if one is not None:  # what _sum does for one channel, without its two extra calls
            msg = one.recv()
            if self._as_is or msg.dtype == self._result_dtype:
                return msg
            return msg.astype(self._result_dtype)
        return self._sum(_recv)

    def peek(self):
        """Like ``recv`` but leaves the messages in the channels."""
        return self._sum(_peek)

    def probe(self) -> bool:
        """True when every incoming channel holds a message (never waits)."""
        return all(ch.queue for ch in self.channels)


def _recv(ch):
    return ch.recv()


def _peek(ch):
    return ch.peek()


class PyInPortVectorDense(PyInPort):
    """Dense vector messages."""


class PyInPortVectorSparse(PyInPort):
    """Sparse view: ``recv`` returns ``(data, indices)`` of the non-zero entries (flat indices)."""

    def recv(self):
        dense = super().recv()
        idx = np.flatnonzero(dense)
        return dense.ravel()[idx], idx

    def peek(self):
        dense = super().peek()
        idx = np.flatnonzero(dense)
        return dense.ravel()[idx], idx


PyInPort.VEC_DENSE = PyInPortVectorDense
PyInPort.VEC_SPARSE = PyInPortVectorSparse


class PyOutPort(AbstractPyPort):
    """Sends a message to every connected channel (fan-out copies)."""

    VEC_DENSE: type
    VEC_SPARSE: type

    def __init__(self, name, shape, d_type, owner="", channels=()):
        super().__init__(name, shape, d_type, owner)
        #: the outgoing channels, fixed when the runtime builds the port
        self.channels = list(channels)
        self._one = self.channels[0] if len(self.channels) == 1 else None

    def send(self, data) -> None:
        """Send ``data`` (cast to the port's type) to every connected InPort."""
        one = self._one
        if one is not None:
            one.send(data)
            return
        for ch in self.channels:
            ch.send(data)

    def flush(self) -> None:
        """Messages leave on ``send``; nothing is buffered."""


class PyOutPortVectorDense(PyOutPort):
    """Dense vector messages."""


class PyOutPortVectorSparse(PyOutPort):
    """``send(data, indices)``: the entries at flat ``indices`` carry ``data``, the rest are 0."""

    def send(self, data, indices=None) -> None:
        if indices is None:
            super().send(data)
            return
        dense = np.zeros(self.shape, self.d_type)
        dense.ravel()[np.asarray(indices)] = data
        super().send(dense)


PyOutPort.VEC_DENSE = PyOutPortVectorDense
PyOutPort.VEC_SPARSE = PyOutPortVectorSparse


class PyRefPort(AbstractPyPort):
    """Reads and writes the Var of another Process (use in management phases).

    Like an unconnected InPort, which receives zeros, an unconnected RefPort reads zeros of its
    shape and type and its writes go nowhere, as in Lava: a model may serve optional connections.
    """

    VEC_DENSE: type

    def __init__(self, name, shape, d_type, owner="", target=None):
        super().__init__(name, shape, d_type, owner)
        #: object with read() / write(value) reaching the target model's Var (set by the runtime)
        self.target = target

    def read(self) -> np.ndarray:
        """A copy of the target Var's current value (zeros when unconnected)."""
        if self.target is None:
            return np.zeros(self.shape, self.d_type)
        return self.target.read()

    def wait(self) -> None:
        """Writes take effect at once here; Lava waits for their acknowledgement."""

    def write(self, data) -> None:
        """Set the target Var (shape and dtype checked); nothing happens when unconnected."""
        if self.target is not None:
            self.target.write(data)


class PyRefPortVectorDense(PyRefPort):
    """Dense vector access."""


PyRefPort.VEC_DENSE = PyRefPortVectorDense


class PyVarPort(AbstractPyPort):
    """The Var side of a RefPort connection; the runtime serves reads and writes directly."""

    VEC_DENSE: type


class PyVarPortVectorDense(PyVarPort):
    """Dense vector access."""


PyVarPort.VEC_DENSE = PyVarPortVectorDense
