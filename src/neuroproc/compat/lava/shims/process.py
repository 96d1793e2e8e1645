"""Lava's process-module names that neuroproc keeps in other modules."""
from __future__ import annotations

from neuroproc._ids import ProcessServer, VarServer
from neuroproc.process import LogConfig

__all__ = ["LogConfig", "ProcessServer", "VarServer"]
