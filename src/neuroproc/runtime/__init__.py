"""Runtime: channels, the cooperative scheduler and the backends that step an Executable."""
from __future__ import annotations

from neuroproc.runtime.runtime import Runtime

__all__ = ["Runtime"]
