"""``lava.magma.runtime.runtime.Runtime`` (filled below)."""
from __future__ import annotations

__all__: list[str] = []
