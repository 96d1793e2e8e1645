"""Compute resources a ProcessModel may require (markers for ``@requires``).

Host resources (``CPU``, ``GPU``, ``ECPU``) stand for code that runs on a general-purpose
processor; neuro-core resources (``NeuroCore`` and its Loihi variants) stand for computation
that would live on a neuromorphic chip. The deployment report uses the distinction.
"""
from __future__ import annotations

__all__ = [
    "AbstractComputeResource",
    "AbstractResource",
    "CPU",
    "ECPU",
    "GPU",
    "LMT",
    "Loihi1NeuroCore",
    "Loihi2NeuroCore",
    "NeuroCore",
    "is_host_resource",
    "is_neuro_core_resource",
]


class AbstractResource:
    """Anything a model can require."""


class AbstractComputeResource(AbstractResource):
    """A resource that executes code."""


class CPU(AbstractComputeResource):
    """A host CPU running Python (or compiled) code."""


class GPU(AbstractComputeResource):
    """A graphics processor on the host."""


class ECPU(AbstractComputeResource):
    """An embedded CPU next to the neuro-cores."""


class LMT(ECPU):
    """Loihi's embedded Lakemont x86 core."""


class NeuroCore(AbstractComputeResource):
    """A neuromorphic core."""


class Loihi1NeuroCore(NeuroCore):
    """A Loihi 1 neuro-core."""


class Loihi2NeuroCore(NeuroCore):
    """A Loihi 2 neuro-core."""


def _as_class(res):
    return res if isinstance(res, type) else type(res)


def is_neuro_core_resource(res) -> bool:
    """True for ``NeuroCore`` and its subclasses (class or instance)."""
    return issubclass(_as_class(res), NeuroCore)


def is_host_resource(res) -> bool:
    """True for host-side compute (CPU, GPU)."""
    return issubclass(_as_class(res), (CPU, GPU))
