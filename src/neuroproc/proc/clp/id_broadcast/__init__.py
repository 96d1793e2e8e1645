"""``IdBroadcast``: forwards graded ids."""
from __future__ import annotations

from neuroproc.proc.clp.id_broadcast.models import IdBroadcastModel
from neuroproc.proc.clp.id_broadcast.process import IdBroadcast

__all__ = ["IdBroadcast", "IdBroadcastModel"]
