"""``NoveltyDetector``: flags inputs no prototype answers."""
from __future__ import annotations

from neuroproc.proc.clp.novelty_detector.models import PyNoveltyDetectorModel
from neuroproc.proc.clp.novelty_detector.process import NoveltyDetector

__all__ = ["NoveltyDetector", "PyNoveltyDetectorModel"]
