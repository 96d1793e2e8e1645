"""Frameworks (Lava's ``lava.frameworks``): one import for a family of programs."""
from __future__ import annotations

__all__: list[str] = []
