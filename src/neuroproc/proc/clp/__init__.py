"""Continually learning prototypes (Lava's ``lava.proc.clp``): the Processes of the CLP network.

``novelty_detector.NoveltyDetector`` flags inputs no prototype answers, ``nsm.Allocator`` picks
the next free prototype, ``nsm.Readout`` labels prototypes and checks predictions,
``prototype_lif.PrototypeLIF`` are the learning prototype neurons and
``id_broadcast.IdBroadcast`` forwards graded ids.
"""
from __future__ import annotations

__all__: list[str] = []
