"""Models of Readout and Allocator."""
from __future__ import annotations

from typing import Any

import numpy as np

from neuroproc.decorators import implements, requires, tag
from neuroproc.model import LavaPyType, PyLoihiProcessModel
from neuroproc.proc.clp.nsm.process import Allocator, Readout
from neuroproc.py_ports import PyInPort, PyOutPort
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol

__all__ = ["PyAllocatorModel", "PyReadoutModel"]


@implements(proc=Readout, protocol=LoihiProtocol)
@requires(CPU)
@tag("fixed_pt")
class PyReadoutModel(PyLoihiProcessModel):
    """Tag ``fixed_pt``; int32 ports and labels (see :class:`Readout` for the rules)."""

    inference_in: Any = LavaPyType(PyInPort.VEC_DENSE, np.int32, precision=24)
    label_in: Any = LavaPyType(PyInPort.VEC_DENSE, np.int32)
    user_output: Any = LavaPyType(PyOutPort.VEC_DENSE, np.int32)
    trigger_alloc: Any = LavaPyType(PyOutPort.VEC_DENSE, np.int32)
    feedback: Any = LavaPyType(PyOutPort.VEC_DENSE, np.int32)
    proto_labels: Any = LavaPyType(np.ndarray, np.int32)
    last_winner_id: Any = LavaPyType(np.ndarray, np.int32)

    def run_spk(self) -> None:
        fired = self.inference_in.recv()
        user_label = int(self.label_in.recv()[0])
        labels = self.proto_labels
        predicted, check, allocate = 0, 0, False
        if fired.any():
            winner = int(np.flatnonzero(fired)[0])
            self.last_winner_id[...] = winner
            if labels[winner] == 0:
                labels[winner] = -(winner + 1)          # pseudo-label until the user names it
            predicted = int(labels[winner])
        if user_label != 0:
            last = int(np.asarray(self.last_winner_id).ravel()[0])
            if labels[last] > 0:
                check = 1 if labels[last] == user_label else -1
                allocate = check < 0
            elif labels[last] < 0:
                labels[last] = user_label
                predicted = user_label
        self.user_output.send(np.array([predicted], np.int32))
        self.feedback.send(np.array([check], np.int32))
        self.trigger_alloc.send(np.array([int(allocate)], np.int32))

    def kernel(self):
        from neuroproc.proc.clp._kernels import readout_spec

        return readout_spec()


@implements(proc=Allocator, protocol=LoihiProtocol)
@requires(CPU)
@tag("fixed_pt")
class PyAllocatorModel(PyLoihiProcessModel):
    """Tag ``fixed_pt``; sends ``next_alloc_id`` when triggered and counts it up, else 0."""

    trigger_in: Any = LavaPyType(PyInPort.VEC_DENSE, np.int32)
    allocate_out: Any = LavaPyType(PyOutPort.VEC_DENSE, np.int32)
    next_alloc_id: Any = LavaPyType(np.ndarray, np.int32)
    n_protos: Any = LavaPyType(np.ndarray, np.int32)

    def run_spk(self) -> None:
        signal = np.zeros(self.allocate_out.shape, np.int32)
        if self.trigger_in.recv()[0]:
            signal[0] = np.asarray(self.next_alloc_id).ravel()[0]
            self.next_alloc_id += 1
        self.allocate_out.send(signal)

    def kernel(self):
        from neuroproc.proc.clp._kernels import allocator_spec

        return allocator_spec()
