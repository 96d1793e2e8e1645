"""Globally unique ids for Processes and Vars, issued in creation order (as Lava issues them).

``ProcessServer()`` and ``VarServer()`` return the one server of their kind. A server knows the
objects it numbered through weak references only, so it never keeps a network alive.
"""
from __future__ import annotations

import weakref

__all__ = ["IdServer", "ProcessServer", "VarServer"]


class IdServer:
    """Issues ids 0, 1, 2, ... and remembers (weakly) what got them; one instance per subclass."""

    _instances: dict[type, IdServer] = {}

    def __new__(cls) -> IdServer:
        inst = IdServer._instances.get(cls)
        if inst is None:
            inst = object.__new__(cls)
            inst._next_id = 0
            inst._members = weakref.WeakValueDictionary()
            IdServer._instances[cls] = inst
        return inst

    _next_id: int
    _members: weakref.WeakValueDictionary

    def register(self, obj: object) -> int:
        """Number ``obj``; return its id."""
        i = self._next_id
        self._next_id += 1
        try:
            self._members[i] = obj
        except TypeError:  # not weak-referenceable: numbered, not remembered
            pass
        return i

    def get_next_id(self) -> int:
        """The id the next registered object gets."""
        return self._next_id

    def reset_server(self) -> None:
        """Start again from id 0 and forget every member."""
        self._next_id = 0
        self._members.clear()

    def _alive(self) -> list:
        return [self._members[k] for k in sorted(self._members.keys())]


class ProcessServer(IdServer):
    """Numbers every Process (``proc.id``)."""

    @property
    def processes(self) -> list:
        """Every live Process numbered since the last reset, by id."""
        return self._alive()

    @property
    def num_processes(self) -> int:
        return len(self._members)


class VarServer(IdServer):
    """Numbers every Var (``var.id``)."""

    @property
    def vars(self) -> list:
        """Every live Var numbered since the last reset, by id."""
        return self._alive()

    @property
    def num_vars(self) -> int:
        return len(self._members)
