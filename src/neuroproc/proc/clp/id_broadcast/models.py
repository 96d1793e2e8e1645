"""Model of IdBroadcast."""
from __future__ import annotations

from typing import Any

import numpy as np

from neuroproc.decorators import implements, requires
from neuroproc.model import LavaPyType, PyLoihiProcessModel
from neuroproc.proc.clp.id_broadcast.process import IdBroadcast
from neuroproc.py_ports import PyInPort, PyOutPort
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol

__all__ = ["IdBroadcastModel"]


@implements(proc=IdBroadcast, protocol=LoihiProtocol)
@requires(CPU)
class IdBroadcastModel(PyLoihiProcessModel):
    """Untagged (fits any tag): int32 payloads forwarded unchanged."""

    a_in: Any = LavaPyType(PyInPort.VEC_DENSE, int)
    s_out: Any = LavaPyType(PyOutPort.VEC_DENSE, int)
    val: Any = LavaPyType(np.ndarray, np.int32)

    def run_spk(self) -> None:
        value = self.a_in.recv()
        self.val[:] = value
        self.s_out.send(value)

    def kernel(self):
        from neuroproc.proc.clp._kernels import id_broadcast_spec

        return id_broadcast_spec()
