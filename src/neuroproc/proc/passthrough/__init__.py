"""Identity connections: ``Passthrough`` (float and fixed-point models) and ``LinearChain``, what
the compiler's fold stage turns a chain of graded Dense into (``fold='linear'``)."""
from __future__ import annotations

from neuroproc.proc.passthrough.models import (
    PyLinearChainModelFloat,
    PyPassthroughModelFixed,
    PyPassthroughModelFloat,
)
from neuroproc.proc.passthrough.process import LinearChain, Passthrough

__all__ = ["LinearChain", "Passthrough", "PyLinearChainModelFloat", "PyPassthroughModelFixed",
           "PyPassthroughModelFloat"]
