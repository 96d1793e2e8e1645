"""``lava.magma.compiler.compiler.Compiler`` and ``…executable.Executable`` (filled below)."""
from __future__ import annotations

__all__: list[str] = []
