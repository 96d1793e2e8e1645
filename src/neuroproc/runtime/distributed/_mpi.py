"""MPI access: whether this interpreter was started by an MPI launcher, and the communicator.

Nothing here imports mpi4py until a communicator is asked for, so the core install (and a run
without a launcher) never needs MPI. ``NEUROPROC_DISTRIBUTED=0`` keeps a launched script on the
single-process path; ``=1`` takes the distributed path even on one rank.
"""
from __future__ import annotations

import os

from neuroproc.exceptions import RuntimeStateError

__all__ = ["comm", "launched_ranks", "wanted"]

# set by the launchers: MPICH/Hydra (PMI_SIZE), Open MPI, Slurm's srun with PMI
_SIZE_VARS = ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "MV2_COMM_WORLD_SIZE")


def launched_ranks() -> int:
    """The number of ranks the launcher started (1 without a launcher); mpi4py is not imported."""
    for name in _SIZE_VARS:
        value = os.environ.get(name)
        if value and value.isdigit():
            return int(value)
    return 1


def wanted() -> bool:
    """Whether a runtime should be distributed: launched on more than one rank, or forced."""
    flag = os.environ.get("NEUROPROC_DISTRIBUTED", "").strip()
    if flag in ("0", "1"):
        return flag == "1"
    return launched_ranks() > 1


def comm():
    """The world communicator (mpi4py), or a RuntimeStateError that says how to install it."""
    try:
        from mpi4py import MPI
    except ImportError as exc:
        raise RuntimeStateError(
            "distributed runtime: mpi4py is not installed (got ImportError: "
            f"{exc}). Install the extra: pip install 'neuroproc[mpi]'.") from exc
    return MPI.COMM_WORLD
