"""``Readout`` and ``Allocator``: the state machines around the prototypes."""
from __future__ import annotations

from neuroproc.proc.clp.nsm.models import PyAllocatorModel, PyReadoutModel
from neuroproc.proc.clp.nsm.process import Allocator, Readout

__all__ = ["Allocator", "PyAllocatorModel", "PyReadoutModel", "Readout"]
