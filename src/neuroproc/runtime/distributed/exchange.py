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

Both have a Python model and a numba kernel. In the compiled backend's fused loop the exchange
is compiled too (:mod:`neuroproc.runtime.distributed._native`: ``MPI_Allgather`` called from
numba), or, where that is not possible (no MPI library visible to LLVM, a 64-bit integer
message), a short excursion to Python through ``numba.objmode``; one collective either way.
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


class _Port:
    """One exchanged OutPort: its first unit here, global size, dtype, and its block capacity
    (held in the Exchanger's ``caps`` array, which the compiled kernel grows too)."""

    def __init__(self, owner: Exchanger, i: int, rank: int, cuts, size: int, dtype):
        self.owner = owner
        self.i = i
        self.start = int(cuts[rank])
        self.size = size
        self.dtype = np.dtype(dtype)
        self.payload = self.dtype.kind != "b"
        self.wide = np.float64 if self.dtype.kind == "f" else np.int64

    @property
    def capacity(self) -> int:
        return int(self.owner.caps[self.i])

    @capacity.setter
    def capacity(self, value: int) -> None:
        self.owner.caps[self.i] = value

    @property
    def words(self) -> int:
        return self.capacity * (2 if self.payload else 1)


class Exchanger:
    """The collective behind one Gather: every port's block in one fixed-size ``Allgather``,
    repeated with larger blocks when a rank had more entries than a block holds.

    The compiled kernel does the same in numba (:mod:`._native`) when the MPI library can be
    called from there and every port's dtype travels exactly as float64; else it calls
    :meth:`exchange` through ``numba.objmode``."""

    def __init__(self, comm, ports: list):
        from neuroproc.runtime.distributed import _native

        self.comm = comm
        self.rank = comm.Get_rank()
        self.ranks = comm.Get_size()
        widest = [max(int(b) - int(a) for a, b in zip(cuts, cuts[1:])) for cuts, _, _ in ports]
        self.caps = np.array([max(16, w // 16) for w in widest], np.int64)
        self.ports = [_Port(self, i, self.rank, cuts, size, dtype) for i, (cuts, size, dtype) in enumerate(ports)]
        self.starts = np.array([p.start for p in self.ports], np.int64)
        self.payloads = np.array([p.payload for p in self.ports], np.bool_)
        #: seconds in the compiled exchange and its number of calls (the kernel adds to them)
        self.stats = np.zeros(2, np.float64)
        self.native = _native.available() and all(_native.native_dtype(p.dtype) for p in self.ports)
        self.seconds = 0.0
        self.calls = 0
        self.key = id(self)
        _EXCHANGERS[self.key] = self

    def handles(self) -> tuple:
        """Communicator and float64 datatype handles, as the compiled kernel passes them."""
        from mpi4py import MPI

        return MPI._handleof(self.comm), MPI._handleof(MPI.DOUBLE)

    def close(self) -> None:
        _EXCHANGERS.pop(self.key, None)

    def exchange(self, locals_: list, outs: list, idxs: list, counts: list) -> None:
        """Fill each ``outs[p]`` (flat, global) from every rank's ``locals_[p]``; ``idxs[p][:counts[p][0]]``
        gets the ascending global indices of its non-zero entries."""
        from time import perf_counter

        t0 = perf_counter()
        k = len(self.ports)
        flats = [np.asarray(x).reshape(-1) for x in locals_]
        nzs = [np.flatnonzero(f) for f in flats]
        while True:
            block = k + sum(p.words for p in self.ports)
            send = np.zeros(block, np.int64)
            pos = k
            for i, (port, flat, nz) in enumerate(zip(self.ports, flats, nzs)):
                m = min(nz.size, port.capacity)
                send[i] = nz.size
                send[pos:pos + m] = nz[:m] + port.start
                if port.payload:
                    send[pos + port.capacity:pos + port.capacity + m] = flat[nz[:m]].astype(port.wide).view(np.int64)
                pos += port.words
            recv = np.empty(block * self.ranks, np.int64)
            self.comm.Allgather(send, recv)
            table = recv.reshape(self.ranks, block)[:, :k]
            grow = False
            for i, port in enumerate(self.ports):
                biggest = int(table[:, i].max())
                if biggest > port.capacity:  # every rank sees the same counts: all grow alike
                    port.capacity = 2 * biggest
                    grow = True
            if not grow:
                break
        for out in outs:
            out[...] = 0
        filled = [0] * k
        for r in range(self.ranks):
            row = recv[r * block:(r + 1) * block]
            pos = k
            for i, port in enumerate(self.ports):
                c = int(row[i])
                ids = row[pos:pos + c]
                idxs[i][filled[i]:filled[i] + c] = ids
                if port.payload:
                    outs[i][ids] = row[pos + port.capacity:pos + port.capacity + c].view(port.wide).astype(port.dtype)
                else:
                    outs[i][ids] = True
                filled[i] += c
                pos += port.words
        for i in range(k):
            counts[i][0] = filled[i]
        self.seconds += perf_counter() - t0
        self.calls += 1


def _exchange(key, arrays) -> None:
    """``arrays``: the k local slices, then (out, idx, count) per port (the kernel's arguments)."""
    ex = _EXCHANGERS[key]
    k = len(ex.ports)
    rest = arrays[k:]
    ex.exchange(list(arrays[:k]), [rest[3 * i].reshape(-1) for i in range(k)], [rest[3 * i + 1] for i in range(k)],
                [rest[3 * i + 2] for i in range(k)])


@njit(cache=True)
def gather_step(t, key, *arrays):
    """One exchange per step for all the Gather's ports, in Python (objmode) from the fused loop."""
    with numba.objmode():
        _exchange(key, arrays)


@njit(cache=True)
def slice_step(t, start, s_in, s_out):
    """``s_out`` = units ``start ..`` of the flattened ``s_in``."""
    flat_in = s_in.reshape(s_in.size)
    flat_out = s_out.reshape(s_out.size)
    for i in range(flat_out.size):
        flat_out[i] = flat_in[start + i]


class Gather(AbstractProcess):
    """This rank's slices of split OutPorts in (``s_in_<i>``), the whole messages out (``s_out_<i>``).

    ``ports``: one ``(local size, global shape, dtype)`` per exchanged OutPort."""

    def __init__(self, ports: list, exchanger: Exchanger, name: str):
        super().__init__(dtypes=[np.dtype(d) for _, _, d in ports], exchanger=exchanger, name=name)
        for i, (local_size, shape, _) in enumerate(ports):
            port = InPort(shape=(max(local_size, 1),))
            setattr(self, f"s_in_{i}", port)
            port.shape = (local_size,)
            setattr(self, f"s_out_{i}", OutPort(shape=shape))


class Slice(AbstractProcess):
    """A whole message in (``s_in``), units ``start:stop`` (Python slice) (flattened) out (``s_out``)."""

    def __init__(self, shape: tuple[int, ...], start: int, stop: int, dtype, name: str):
        super().__init__(dtype=np.dtype(dtype), start=start, stop=stop, name=name)
        self.s_in = InPort(shape=shape)
        self.s_out = OutPort(shape=(max(stop - start, 1),))
        self.s_out.shape = (stop - start,)


class _TypedByParams(PyLoihiProcessModel):
    """Ports in the dtype of the message they carry (``proc_params``: ``dtype``, or ``dtypes``
    by the port's number)."""

    s_in: PyInPort
    s_out: PyOutPort

    @classmethod
    def py_type_for(cls, name, member):
        params = member.process.proc_params
        head, _, num = name.rpartition("_")
        if head in ("s_in", "s_out"):
            dtype, name = params["dtypes"][int(num)], head
        else:
            dtype = params["dtype"]
        if name == "s_in":
            return LavaPyType(PyInPort.VEC_DENSE, dtype)
        if name == "s_out":
            return LavaPyType(PyOutPort.VEC_DENSE, dtype)
        return None


class PyGatherModel(_TypedByParams):
    """Gathers the whole messages from every rank's slices (one collective per step)."""

    def __init__(self, proc_params=None):
        super().__init__(proc_params)
        self.exchanger: Exchanger = self.proc_params["exchanger"]
        ports = self.exchanger.ports
        self._idx = [np.zeros(p.size, np.int64) for p in ports]
        self._count = [np.zeros(1, np.int64) for _ in ports]

    def run_spk(self) -> None:
        ports = self.exchanger.ports
        locals_ = [np.asarray(getattr(self, f"s_in_{i}").recv()) for i in range(len(ports))]
        outs = [np.zeros(p.size, p.dtype) for p in ports]
        self.exchanger.exchange(locals_, outs, self._idx, self._count)
        for i, out in enumerate(outs):
            port = getattr(self, f"s_out_{i}")
            port.send(out.reshape(port.shape))

    def kernel(self) -> KernelSpec:
        ex = self.exchanger
        n = len(ex.ports)
        outs = tuple(f"s_out_{i}" for i in range(n))
        ins = tuple(f"s_in_{i}" for i in range(n))
        if ex.native:
            from neuroproc.runtime.distributed._native import kernel_for

            comm, dtype = ex.handles()
            return KernelSpec(step=kernel_for(n), in_ports=ins, out_ports=outs, out_views=outs, label="gather",
                              params=lambda m: (comm, dtype, ex.ranks, ex.caps, ex.starts, ex.payloads, ex.stats))
        return KernelSpec(step=gather_step, params=lambda m: (m.exchanger.key,), in_ports=ins, out_ports=outs,
                          out_views=outs, label="gather")


class PySliceModel(_TypedByParams):
    """Sends this rank's units of the whole message."""

    def run_spk(self) -> None:
        p = self.proc_params
        self.s_out.send(np.asarray(self.s_in.recv()).reshape(-1)[p["start"]:p["stop"]])

    def kernel(self) -> KernelSpec:
        return KernelSpec(step=slice_step, params=lambda m: (m.proc_params["start"],), in_ports=("s_in",),
                          out_ports=("s_out",), label="slice")
