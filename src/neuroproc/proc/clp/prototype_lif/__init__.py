"""``PrototypeLIF``: the learning prototype neurons."""
from __future__ import annotations

from neuroproc.proc.clp.prototype_lif.models import PrototypeLIFBitAcc
from neuroproc.proc.clp.prototype_lif.process import PrototypeLIF

__all__ = ["PrototypeLIF", "PrototypeLIFBitAcc"]
