"""Recording what a precomputed part sends, and replaying it into the rest of the network.

A :class:`Recorder` stands in for a channel that leaves the precomputed part: it keeps every
message (cast and transformed as :class:`~neuroproc.runtime.channels.Channel` would) with the
step it is due at -- the step it was sent in, or the next one for a message sent in a management
phase (the receiver's ``run_spk`` of the next step is the first that can take it).

A :class:`Replay` Process, made by the runtime for each such channel, sends them again in the
rest of the network at those steps. Its model runs on the python backend; when every step of a
run has exactly one message it also offers a kernel (a row of a ``(steps, size)`` array per
step), so the rest can be fused by the compiled backend.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from neuroproc.model import LavaPyType, PyLoihiProcessModel
from neuroproc.ports import OutPort
from neuroproc.process import AbstractProcess
from neuroproc.py_ports import PyOutPort
from neuroproc.runtime.kernels import KernelSpec

__all__ = ["Recorder", "Replay", "ReplayModel", "replay_entry"]


class Recorder:
    """A channel end that records instead of delivering (see the module docstring)."""

    __slots__ = ("spec", "scheduler", "dtype", "transform", "messages", "counter")

    def __init__(self, spec, scheduler):
        self.spec = spec
        self.scheduler = scheduler
        self.dtype = spec.dtype
        self.transform = spec.transform
        #: (due step, message) in the order sent
        self.messages: list = []
        self.counter = None

    def send(self, data) -> None:
        msg = np.array(data, dtype=self.dtype)
        if self.transform is not None:
            msg = self.transform(msg)
        sched = self.scheduler
        task = sched.current
        due = sched.time_step + (0 if task is None or task.phase == "run_spk" else 1)
        self.messages.append((due, msg))

    def take(self) -> list:
        out, self.messages = self.messages, []
        return out


class Replay(AbstractProcess):
    """Sends what a precomputed Process sent on one channel (made by the runtime, not by users)."""

    def __init__(self, shape: tuple, source: str, **kwargs):
        super().__init__(**kwargs)
        self.s_out = OutPort(shape)
        self.source = source


@njit(cache=True)
def replay_step(t, data, base, out):
    """Send row ``t - base[0] - 1`` of ``data`` (shape ``(steps, out.size)``)."""
    row = data[t - base[0] - 1]
    flat = out.reshape(out.size)
    for i in range(flat.size):
        flat[i] = row[i]


class ReplayModel(PyLoihiProcessModel):
    """Python model of :class:`Replay`; a kernel while every step has exactly one message."""

    #: bound by the backend (its type is declared per channel in the entry's port types)
    s_out: PyOutPort

    def __init__(self, proc_params=None, **kwargs):
        super().__init__(proc_params, **kwargs)
        #: due step -> messages, for the python backend
        self.pending: dict = {}
        #: rows of the current run, for the kernel (None: some step has not exactly one message)
        self.data: np.ndarray | None = None
        self.base = np.zeros(1, np.int64)
        self.dense = True

    def load(self, messages: list, start: int, stop: int, shape: tuple, dtype) -> None:
        """Take the messages recorded for steps ``start + 1 .. stop`` (and any due later)."""
        for due, msg in messages:
            self.pending.setdefault(due, []).append(msg)
        steps = range(start + 1, stop + 1)
        dense = all(len(self.pending.get(t, ())) == 1 for t in steps) and all(
            self.pending[t][0].shape == shape for t in steps)
        self.dense = self.dense and dense
        if self.dense:
            size = int(np.prod(shape, dtype=np.int64))
            data = np.zeros((max(len(steps), 1), size), dtype)
            for i, t in enumerate(steps):
                data[i] = self.pending.pop(t)[0].reshape(size)
            self.data = data
            self.base = np.array([start], np.int64)

    def kernel(self):
        if not self.dense:
            return None
        return KernelSpec(step=replay_step, arrays=("data", "base"), out_ports=("s_out",), label="replay")

    def run_spk(self) -> None:
        if self.data is not None and self.dense:
            self.s_out.send(self.data[self.time_step - int(self.base[0]) - 1].reshape(self.s_out.shape))
            return
        for msg in self.pending.pop(self.time_step, ()):
            self.s_out.send(msg)


def replay_entry(spec, entry_cls):
    """A :class:`Replay` Process, its model and ``entry_cls`` (ModelEntry) for channel ``spec``,
    with the shape and dtype its messages have once transformed."""
    probe = np.zeros(spec.src.shape, spec.dtype)
    if spec.transform is not None:
        probe = spec.transform(probe)
    shape, dtype = tuple(np.shape(probe)), np.asarray(probe).dtype
    proc = Replay(shape, spec.src.who, name=f"replay[{spec.src.who}]")
    model = ReplayModel(proc.proc_params)
    model.data = np.zeros((1, int(np.prod(shape, dtype=np.int64))), dtype)
    lpt: Any = LavaPyType(PyOutPort.VEC_DENSE, dtype)
    return proc, model, entry_cls(proc, ReplayModel, model, {}, {"s_out": lpt}), shape, dtype
