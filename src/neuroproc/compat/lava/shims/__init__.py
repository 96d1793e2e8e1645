"""What Lava's modules hold and neuroproc keeps elsewhere or not at all, one module per concern."""
from __future__ import annotations

__all__: list[str] = []
