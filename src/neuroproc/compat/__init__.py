"""Compatibility layers that let programs written for other frameworks run on neuroproc.

``neuroproc.compat.lava``: ``install()`` makes ``import lava…`` resolve to neuroproc.
"""
from __future__ import annotations

__all__: list[str] = []
