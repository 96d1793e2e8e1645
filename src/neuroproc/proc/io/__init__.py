"""Input and output processes: ``io.source.RingBuffer`` feeds data, ``io.sink.RingBuffer`` collects it."""
from __future__ import annotations

from neuroproc.proc.io import sink, source

__all__ = ["sink", "source"]
