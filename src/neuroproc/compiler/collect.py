"""Stage 1: every Process reachable from a Process through connections."""
from __future__ import annotations

from collections import deque

from neuroproc._validation import short_repr
from neuroproc.exceptions import CompilationError

__all__ = ["collect"]


def collect(proc) -> list:
    """Processes connected to ``proc`` (directly or through others), ``proc`` first, in BFS order.

    Children of hierarchical Processes built by earlier compiles are found too; the ``select``
    stage adds children that sub-process models create.
    """
    from neuroproc.process import AbstractProcess

    if not isinstance(proc, AbstractProcess):
        raise CompilationError(f"collect: expected a Process (got {short_repr(proc)}).")
    return bfs([proc], proc.parent_proc)


def bfs(start: list, parent=None) -> list:
    """Breadth-first closure of ``start`` over connections.

    Children of other hierarchical Processes are left out: the ``select`` stage reaches them
    when it expands their parent, so the order of Processes (and with it the order in which
    fan-in is summed) is the same on every compile.
    """
    seen = {id(p) for p in start}
    order = list(start)
    queue = deque(start)
    while queue:
        p = queue.popleft()
        for q in p._neighbours():
            if q.parent_proc is not None and q.parent_proc is not parent:
                continue
            if id(q) not in seen:
                seen.add(id(q))
                order.append(q)
                queue.append(q)
    return order
