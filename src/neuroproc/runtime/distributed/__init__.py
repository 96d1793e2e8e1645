"""Distributed runtime: the same script on many MPI ranks, bit-identical to one process.

``mpiexec -n P python script.py`` runs an unchanged script: when a launcher started more than one
rank (or ``NEUROPROC_DISTRIBUTED=1``), ``Runtime.create`` hands the network to
:class:`DistributedRuntime`, which partitions it at compile time and runs this rank's share.

Rules that make the result bit-identical to the single-process run (floats included):

1. **Contiguous ranges.** A split Process (a model with a ``partition()`` hook returning a
   :class:`PartitionSpec`: neurons, connection rows) holds one contiguous range of its units per
   rank; ranges are balanced by cost (neurons + incoming synapses). A connection keeps the rows
   (outputs) of the neurons its rank owns, all columns, in their original order, so every output
   adds its inputs in the original order. No range holds a single unit of a multi-unit Process.
2. **Exchange in ascending global order.** Each step, a split OutPort read by something that
   needs more than the local units is gathered once: every rank sends the indices (and, for
   non-boolean messages, the values) of its non-zero entries; they are placed rank after rank,
   i.e. in ascending global index, and event-driven readers add them in that order.
3. **Fixed fan-in order.** Each rank's local network lists channels in the order of the
   single-process executable, so fan-in is summed in the same connection order.
4. **Same schedule everywhere.** Every rank holds every Process (possibly with an empty range)
   and steps the same schedule; Processes that are not split run whole on every rank
   (deterministic sources, helpers). A model with randomness must key it by (seed, global unit
   index, time step), never by the local index or the rank, to stay identical.
5. **Collective access.** ``Var.get``/``set``, Monitor data and sink buffers are collective and
   global (or on rank 0 only with ``run_cfg.gather = 'root'``). Recorders follow what they
   record (``FollowSpec``): each rank records its own units, gathered when read.

Options on the RunConfig: ``run_cfg.partition = {name: cuts or rank}`` pins a split.
"""
from __future__ import annotations

from neuroproc.runtime.distributed._mpi import launched_ranks, wanted
from neuroproc.runtime.distributed.hooks import FollowSpec, Part, PartitionSpec
from neuroproc.runtime.distributed.partition import Layout, balanced_cuts, partition

__all__ = [
    "FollowSpec",
    "Layout",
    "Part",
    "PartitionSpec",
    "balanced_cuts",
    "launched_ranks",
    "partition",
    "wanted",
]
