"""``lava.magma.core.process.proc.ports.reduce_ops``: how an InPort combines its inputs.

neuroproc always sums fan-in (Lava's only reduce operation), so these classes only name it.
"""
from __future__ import annotations

__all__ = ["AbstractReduceOp", "ReduceSum"]


class AbstractReduceOp:
    """How the messages of several OutPorts into one InPort are combined."""


class ReduceSum(AbstractReduceOp):
    """Fan-in is summed (what every neuroproc InPort does)."""
