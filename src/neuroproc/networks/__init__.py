"""Algebraic networks (Lava's ``lava.networks``): Processes connected with ``<<``, ``@``, ``+``
and ``*``.

Every operator builds ordinary Processes and connections; nothing here runs by itself.
"""
from __future__ import annotations

from neuroproc.networks.gradedvecnetwork import (GradedDense, GradedSparse, GradedVec, InputVec,
                                                 LIFVec, NormalizeNet, OutputVec, ProductVec)
from neuroproc.networks.network import AlgebraicMatrix, AlgebraicVector, Network, NetworkList
from neuroproc.networks.resfire import ResFireVec

__all__ = [
    "AlgebraicMatrix",
    "AlgebraicVector",
    "GradedDense",
    "GradedSparse",
    "GradedVec",
    "InputVec",
    "LIFVec",
    "Network",
    "NetworkList",
    "NormalizeNet",
    "OutputVec",
    "ProductVec",
    "ResFireVec",
]
