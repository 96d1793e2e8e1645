"""``lava.magma.compiler.compiler_graphs``: only ``find_processes``, over neuroproc's collect stage.

The rest of Lava's module (process-group graphs for its multiprocessing builders) has no
counterpart: neuroproc's compiler stages are ``neuroproc.compiler.collect`` ... ``plan``.
"""
from __future__ import annotations

from neuroproc.compiler.collect import collect

__all__ = ["find_processes"]


def find_processes(proc, seen_procs: list | None = None) -> list:
    """Every Process connected to ``proc`` (directly or through others), ``proc`` first."""
    found = collect(proc)
    if seen_procs is not None:
        seen_procs.extend(p for p in found if not any(p is q for q in seen_procs))
        return seen_procs
    return found
