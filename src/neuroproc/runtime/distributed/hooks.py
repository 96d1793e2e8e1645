"""The partition hook: how a model tells the distributed runtime what it may split across ranks.

A model class may define ``partition(cls, proc)`` (a classmethod, like ``kernel`` it needs no
name in the compiler or the backends) and return one of:

* :class:`PartitionSpec` -- the Process is a set of ``units`` (neurons, or the output rows of a
  connection) that can be split into contiguous ranges, one per rank. ``members`` names the Vars
  and ports that are split, and how (:class:`Part`); every other member is replicated whole on
  every rank. ``align`` names an out-port: the Process then takes the ranges of the split Process
  that reads that port (a connection keeps the rows of the neurons each rank owns).
* :class:`FollowSpec` -- a recorder (Monitor, sink): each listed port takes the ranges of what it
  is connected to, and the listed Vars follow it along an axis; recordings are then gathered
  when read, with no message per step.
* ``None`` (or no hook) -- the Process runs whole on every rank (sources, small helpers); what
  it receives from split Processes is gathered for it every step.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

__all__ = ["FollowSpec", "Part", "PartitionSpec"]


@dataclass(frozen=True)
class Part:
    """How one Var or port is split: ``axis`` (and the ``ndim`` axes after it, flattened) index the
    units; ``positions(start, stop)``, if given, returns the positions along that flattened axis
    that belong to units ``start:stop`` (Python slice) (a Sparse's stored values), else they are
    ``start:stop`` (Python slice) themselves."""

    axis: int = 0
    ndim: int = 1
    positions: Callable[[int, int], np.ndarray] | None = None

    def index(self, start: int, stop: int) -> np.ndarray | slice:
        """Positions along the flattened unit axis held for units ``start:stop`` (Python slice)."""
        if self.positions is None:
            return slice(start, stop)
        return self.positions(start, stop)

    def shift(self, offset: int) -> Part:
        """The same split of an array with ``offset`` more leading axes (a recording over time)."""
        return Part(self.axis + offset, self.ndim, self.positions)


@dataclass(frozen=True)
class PartitionSpec:
    """A splittable Process: ``units`` units, per-unit ``cost`` (the partitioner balances
    ``cost`` summed over each range; a population adds the incoming synapses of the connections
    aligned to it), the split ``members`` and the ``params(start, stop)`` a local model needs in
    place of ``proc_params`` entries (a Sparse's structure). ``inits(start, stop)``, if given,
    returns the local initial value of Vars that are made per rank rather than cut out of a
    whole initial value (a Sparse built from RowBlocks)."""

    units: int
    members: dict[str, Part]
    cost: np.ndarray | float = 1.0
    align: str = ""
    params: Callable[[int, int], dict] | None = None
    #: local initial values of split Vars the Process does not hold whole (built per rank)
    inits: Callable[[int, int], dict] | None = None
    #: in-ports whose messages reach the outputs one step later (a connection's ``s_in``): the
    #: exchanges that feed only such ports share one collective per step
    delayed: tuple[str, ...] = ()

    def unit_costs(self) -> np.ndarray:
        cost = np.asarray(self.cost, dtype=np.float64)
        return np.broadcast_to(cost, (self.units,)).copy() if cost.ndim == 0 else cost.astype(np.float64)


@dataclass(frozen=True)
class FollowSpec:
    """A recorder: ``links`` maps each port to ``{var name: axis offset}``: the port takes the split
    of what it connects to (an OutPort's, or a RefPort's Var), the Vars follow it, shifted by the
    offset (1 for ``(num_steps, *shape)`` recordings)."""

    links: dict[str, dict[str, int]] = field(default_factory=dict)
