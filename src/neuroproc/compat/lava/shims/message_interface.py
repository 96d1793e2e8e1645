"""``lava.magma.core.process.message_interface_enum``: Lava's choice of message infrastructure.

neuroproc runs every network in one OS process, so the choice changes nothing; the names exist
for Lava programs that pass them.
"""
from __future__ import annotations

from enum import IntEnum

__all__ = ["ActorType"]


class ActorType(IntEnum):
    """Lava's actor kinds (accepted and ignored: neuroproc needs no actors)."""

    MultiProcessing = 0
