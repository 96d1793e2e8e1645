"""FIFO channels between model ports, and the accessor behind a RefPort."""
from __future__ import annotations

from collections import deque

import numpy as np

from neuroproc._validation import cast_to_dtype

__all__ = ["CHANNEL_SIZE", "Channel", "VarAccessor"]

#: messages a channel holds before ``send`` waits for the receiver (Lava's ``pypy_channel_size``)
CHANNEL_SIZE = 64


class Channel:
    """A FIFO queue from one OutPort to one InPort.

    ``send`` copies the message into the sender's declared dtype (so later changes by the sender
    do not leak, and integer messages wrap as Lava's typed channel buffers do), applies the
    virtual-port transform and wakes the receiver if it waits. ``recv`` on an empty channel hands
    control to the scheduler until a message arrives. The channel is bounded as Lava's are: a
    ``send`` to a channel holding :data:`CHANNEL_SIZE` messages waits until the receiver takes
    one (a receiver that never does is then a deadlock naming the full port, not a memory leak).
    """

    __slots__ = ("queue", "dtype", "transform", "spec", "waiter", "scheduler", "counter", "capacity",
                 "sender")

    def __init__(self, spec, scheduler):
        self.queue: deque = deque()
        self.dtype = spec.dtype
        self.transform = spec.transform
        self.spec = spec
        self.waiter = None
        self.scheduler = scheduler
        #: optional traffic counter (None costs nothing)
        self.counter = None
        self.capacity = CHANNEL_SIZE
        #: the task waiting for room to send, if any
        self.sender = None

    def send(self, data) -> None:
        msg = np.array(data, dtype=self.dtype)
        if self.transform is not None:
            msg = self.transform(msg)
        q = self.queue
        while len(q) >= self.capacity:
            self.scheduler.block(self, for_room=True)
        q.append(msg)
        if self.counter is not None:
            self.counter.record(msg)
        w = self.waiter
        if w is not None:
            self.waiter = None
            self.scheduler.wake(w)

    def recv(self):
        q = self.queue
        while not q:
            self.scheduler.block(self)
        s = self.sender
        if s is not None:
            self.sender = None
            self.scheduler.wake(s)
        return q.popleft()

    def peek(self):
        q = self.queue
        while not q:
            self.scheduler.block(self)
        return q[0]

    def __repr__(self) -> str:
        return f"Channel({self.spec.edge}, {len(self.queue)} queued)"


class VarAccessor:
    """Reads and writes one Var held by a model instance (what a RefPort reaches)."""

    __slots__ = ("model", "name", "lpt", "var")

    def __init__(self, model, name, lpt, var):
        self.model = model
        self.name = name
        self.lpt = lpt
        self.var = var

    def read(self) -> np.ndarray:
        value = getattr(self.model, self.name)
        if value is None or isinstance(value, str):  # a learning connection's rule string (Lava's dw)
            return value  # type: ignore[return-value]
        arr = np.array(value)
        if arr.shape != self.var.shape and arr.size in (1, int(np.prod(self.var.shape))):
            arr = np.array(np.broadcast_to(arr.reshape(()) if arr.size == 1 else arr.reshape(self.var.shape),
                                           self.var.shape))
        return arr

    def take(self) -> np.ndarray:
        """The value for a model about to be discarded: its own array when that already has the
        Var's shape and is C-ordered (no copy of large state at ``stop``), else :meth:`read`."""
        value = getattr(self.model, self.name)
        if isinstance(value, np.ndarray) and value.shape == self.var.shape and value.flags.c_contiguous:
            return value
        return self.read()

    def write(self, value, idx=None) -> None:
        current = getattr(self.model, self.name)
        if idx is not None:
            full = np.array(self.read())
            full[idx] = value
            value = full
        if self.lpt.cls is np.ndarray or isinstance(current, np.ndarray):
            new = self.convert(value)
            if isinstance(current, np.ndarray) and current.shape == new.shape:
                current[...] = new  # in place: compiled kernels may hold the same buffer
            else:
                setattr(self.model, self.name, new)
        else:
            type(self.model).check_var_value(self.name, value, self.var.who)
            setattr(self.model, self.name, value)

    def convert(self, value) -> np.ndarray:
        """What :meth:`write` stores for an array Var: ``value`` checked by the model and cast to
        the Var's dtype and shape (a kernel that writes through a ref-port stores this)."""
        type(self.model).check_var_value(self.name, value, self.var.who)
        current = getattr(self.model, self.name)
        dtype = current.dtype if isinstance(current, np.ndarray) else self.lpt.d_type
        return cast_to_dtype(value, dtype, self.var.shape, f"{self.var.who}.set")
