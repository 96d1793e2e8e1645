"""The per-step spike exchange, as two helper Processes placed in each rank's local network.

``Gather`` takes this rank's slice of a split OutPort and sends the whole message: every rank
contributes the indices of its non-zero entries (shifted to global indices) and their values,
in one fixed-size ``Allgather`` per step; a rank with more entries than the current capacity
makes every rank (all see every count) grow the capacity and repeat the call. Received entries
are placed in rank order, which is ascending global order because ranks hold contiguous ranges;
the compiled kernel also writes that order as the active view of its output, so an event-driven
reader (Dense, Sparse) adds its inputs in exactly the order of the single-process run.

``Slice`` cuts this rank's range out of a whole message (a replicated source feeding a split
population); it needs no communication.

Both have a Python model and a numba kernel; the kernel runs the exchange inside the compiled
backend's fused loop (a short excursion to Python through ``numba.objmode``, one collective).
"""
from __future__ import annotations

import numba
import numpy as np
from numba import njit

from neuroproc.model import LavaPyType, PyLoihiProcessModel
from neuroproc.ports import InPort, OutPort
from neuroproc.process import AbstractProcess
from neuroproc.py_ports import PyInPort, PyOutPort
from neuroproc.runtime.kernels import KernelSpec

__all__ = ["Exchanger", "Gather", "PyGatherModel", "PySliceModel", "Slice"]

#: exchangers by key, for the kernels (which reach Python through objmode with an int)
_EXCHANGERS: dict[int, Exchanger] = {}


class Exchanger:
    """The collective behind one Gather: fixed-size blocks, grown and repeated on overflow."""

    def __init__(self, comm, cuts, size: int, dtype):
        self.comm = comm
        self.rank = comm.Get_rank()
        self.ranks = comm.Get_size()
        self.start = int(cuts[self.rank])
        self.size = size
        self.dtype = np.dtype(dtype)
        self.payload = self.dtype.kind != "b"
        widest = max(int(b) - int(a) for a, b in zip(cuts, cuts[1:]))
        self.capacity = max(16, widest // 16)
        self.seconds = 0.0
        self.calls = 0
        self.key = id(self)
        _EXCHANGERS[self.key] = self

    def close(self) -> None:
        _EXCHANGERS.pop(self.key, None)

    def _words(self, values: np.ndarray) -> np.ndarray:
        wide = values.astype(np.float64 if self.dtype.kind == "f" else np.int64)
        return wide.view(np.int64)

    def _values(self, words: np.ndarray) -> np.ndarray:
        return words.view(np.float64 if self.dtype.kind == "f" else np.int64).astype(self.dtype)

    def exchange(self, local: np.ndarray, out: np.ndarray, idx: np.ndarray, count: np.ndarray) -> None:
        """Fill ``out`` (flat, global) from every rank's ``local`` slice; ``idx[:count[0]]`` gets
        the ascending global indices of its non-zero entries."""
        from time import perf_counter

        t0 = perf_counter()
        flat = local.reshape(-1)
        nz = np.flatnonzero(flat)
        k = nz.size
        w = 2 if self.payload else 1
        while True:
            cap = self.capacity
            block = 1 + cap * w
            send = np.zeros(block, np.int64)
            send[0] = k
            m = min(k, cap)
            send[1:1 + m] = nz[:m] + self.start
            if self.payload:
                send[1 + cap:1 + cap + m] = self._words(flat[nz[:m]])
            recv = np.empty(block * self.ranks, np.int64)
            self.comm.Allgather(send, recv)
            counts = recv[::block]
            biggest = int(counts.max())
            if biggest <= cap:
                break
            self.capacity = 2 * biggest
        out[...] = 0
        pos = 0
        for r in range(self.ranks):
            base = r * block
            c = int(recv[base])
            ids = recv[base + 1:base + 1 + c]
            idx[pos:pos + c] = ids
            if self.payload:
                out[ids] = self._values(recv[base + 1 + cap:base + 1 + cap + c])
            else:
                out[ids] = True
            pos += c
        count[0] = pos
        self.seconds += perf_counter() - t0
        self.calls += 1


def _exchange(key, local, out, idx, count) -> None:
    _EXCHANGERS[key].exchange(local, out, idx, count)


@njit(cache=True)
def gather_step(t, key, s_in, s_out, idx, count):
    """One exchange per step, in Python (objmode) from inside the fused loop."""
    flat_out = s_out.reshape(s_out.size)
    with numba.objmode():
        _exchange(key, s_in, flat_out, idx, count)


@njit(cache=True)
def slice_step(t, start, s_in, s_out):
    """``s_out`` = units ``start ..`` of the flattened ``s_in``."""
    flat_in = s_in.reshape(s_in.size)
    flat_out = s_out.reshape(s_out.size)
    for i in range(flat_out.size):
        flat_out[i] = flat_in[start + i]


class Gather(AbstractProcess):
    """This rank's slice of a split OutPort in (``s_in``), the whole message out (``s_out``)."""

    def __init__(self, local_size: int, shape: tuple[int, ...], dtype, exchanger: Exchanger, name: str):
        super().__init__(dtype=np.dtype(dtype), exchanger=exchanger, name=name)
        self.s_in = InPort(shape=(max(local_size, 1),))
        self.s_in.shape = (local_size,)
        self.s_out = OutPort(shape=shape)


class Slice(AbstractProcess):
    """A whole message in (``s_in``), units ``start .. stop-1`` (flattened) out (``s_out``)."""

    def __init__(self, shape: tuple[int, ...], start: int, stop: int, dtype, name: str):
        super().__init__(dtype=np.dtype(dtype), start=start, stop=stop, name=name)
        self.s_in = InPort(shape=shape)
        self.s_out = OutPort(shape=(max(stop - start, 1),))
        self.s_out.shape = (stop - start,)


class _TypedByParams(PyLoihiProcessModel):
    """Ports in the dtype of the message they carry (a proc_params entry)."""

    s_in: PyInPort
    s_out: PyOutPort

    @classmethod
    def py_type_for(cls, name, member):
        dtype = member.process.proc_params["dtype"]
        if name == "s_in":
            return LavaPyType(PyInPort.VEC_DENSE, dtype)
        if name == "s_out":
            return LavaPyType(PyOutPort.VEC_DENSE, dtype)
        return None


class PyGatherModel(_TypedByParams):
    """Gathers the whole message from every rank's slice (one collective per step)."""

    def __init__(self, proc_params=None):
        super().__init__(proc_params)
        self.exchanger: Exchanger = self.proc_params["exchanger"]
        self._idx = np.zeros(self.exchanger.size, np.int64)
        self._count = np.zeros(1, np.int64)

    def run_spk(self) -> None:
        local = np.asarray(self.s_in.recv())
        out = np.zeros(self.exchanger.size, self.exchanger.dtype)
        self.exchanger.exchange(local, out, self._idx, self._count)
        self.s_out.send(out.reshape(self.s_out.shape))

    def kernel(self) -> KernelSpec:
        return KernelSpec(step=gather_step, params=lambda m: (m.exchanger.key,), in_ports=("s_in",),
                          out_ports=("s_out",), out_views=("s_out",), label="gather")


class PySliceModel(_TypedByParams):
    """Sends this rank's units of the whole message."""

    def run_spk(self) -> None:
        p = self.proc_params
        self.s_out.send(np.asarray(self.s_in.recv()).reshape(-1)[p["start"]:p["stop"]])

    def kernel(self) -> KernelSpec:
        return KernelSpec(step=slice_step, params=lambda m: (m.proc_params["start"],), in_ports=("s_in",),
                          out_ports=("s_out",), label="slice")
