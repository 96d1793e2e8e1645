"""Lava-visible behaviour switched on while the layer is installed.

Where neuroproc differs from Lava on purpose, a Lava program still sees Lava's behaviour under
the layer: ``Sparse.weights`` reads as a ``csr_matrix`` (inside, the values stay in CSC order).
"""
from __future__ import annotations

__all__ = ["active", "disable", "enable"]

_active = False


def enable() -> None:
    global _active
    _active = True


def disable() -> None:
    global _active
    _active = False


def active() -> bool:
    """True while ``neuroproc.compat.lava`` is installed."""
    return _active
