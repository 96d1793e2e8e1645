"""``lava.utils.loihi`` and ``lava.utils.system.Loihi2``: there is no Loihi hardware here.

Lava's tutorials ask first whether a Loihi 2 system is reachable and fall back to CPU simulation
when it is not; these answers make them take the CPU path as written. Asking to use a Loihi
host raises ``ImportError``, as Lava does when Lava-Loihi is not installed.
"""
from __future__ import annotations

import enum
import os

__all__ = ["ChipGeneration", "Loihi2", "host", "is_installed", "use_ethernet_host", "use_slurm_host"]

#: the Loihi host in use (Lava: "SLURM" or "ETHERNET"); never set here
host: str | None = None


class ChipGeneration(enum.Enum):
    """Loihi chip generations (Lava's names and values)."""

    N2A2 = "N2A2"
    N3B2 = "N3B2"
    N3B3 = "N3B3"
    N3C1 = "N3C1"
    N3D1 = "N3D1"


def is_installed(module_name: str = "lava.utils.loihi2_profiler") -> bool:
    """Whether Lava-Loihi (the hardware back end) is installed: never, under neuroproc."""
    return False


def _no_hardware(what: str) -> ImportError:
    return ImportError(f"{what}: neuroproc simulates on the CPU and has no Loihi back end (got a "
                       "request for Loihi hardware). Run with Loihi2SimCfg() instead.")


def use_slurm_host(partition: str | None = None, board: str | None = None,
                   loihi_gen: ChipGeneration | None = ChipGeneration.N3B3) -> None:
    """Lava: run on Loihi through SLURM. Here: ``ImportError`` (no Lava-Loihi)."""
    raise _no_hardware("lava.utils.loihi.use_slurm_host")


def use_ethernet_host(host_address: str, host_binary_path: str | None = "nxcore/bin/nx_driver_server",
                      loihi_gen: ChipGeneration | None = ChipGeneration.N3B3) -> None:
    """Lava: run on a Loihi system over Ethernet. Here: ``ImportError`` (no Lava-Loihi)."""
    raise _no_hardware("lava.utils.loihi.use_ethernet_host")


class _ClassProperty:
    """A read-only property of the class (``Loihi2.is_loihi2_available`` is read without a call)."""

    def __init__(self, fget):
        self.fget = fget
        self.__doc__ = fget.__doc__

    def __get__(self, obj, owner=None):
        return self.fget()


class Loihi2:
    """Lava's (deprecated) ``lava.utils.system.Loihi2``: reports that no Loihi 2 is available."""

    preferred_partition: str | None = None

    @staticmethod
    def set_environ_settings(partititon: str | None = None) -> None:  # Lava's spelling
        """Lava sets SLURM environment variables here; with no hardware nothing is set."""

    @_ClassProperty
    def is_loihi2_available() -> bool:
        """False: no Loihi 2 compiler or system, so programs take their CPU-simulation path."""
        return False

    @_ClassProperty
    def partition() -> str:
        """The ``PARTITION`` environment variable, or ``'Unspecified'``."""
        return os.environ.get("PARTITION", "Unspecified")
