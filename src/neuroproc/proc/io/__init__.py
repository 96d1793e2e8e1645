"""Input and output processes: ``io.source.RingBuffer`` feeds data, ``io.sink.RingBuffer`` collects
it; ``io.injector.Injector`` / ``io.extractor.Extractor`` / ``io.extractor.VarWire`` exchange data
with a host program while the network runs."""
from __future__ import annotations

from neuroproc.proc.io import dataloader, encoder, extractor, injector, pipes, reset, sink, source, utils

__all__ = ["dataloader", "encoder", "extractor", "injector", "pipes", "reset", "sink", "source",
           "utils"]
