"""The algebraic front end's base classes (Lava's ``lava.networks.network``).

A :class:`Network` wraps one or more ordinary Processes and names the port that receives
(``in_port``), the port that sends (``out_port``) and the Process that runs the whole graph
(``main``). The operators only call ``OutPort.connect`` and create ordinary connection
Processes, so what they build is a plain Process graph: it runs on every backend, folds, shows in
the deployment report and records with Monitors like any hand-built network.

============================  ==========================================================
expression                    builds
============================  ==========================================================
``vec << net``                ``net.out_port -> vec.in_port``; an identity ``GradedSparse``
                              in between when ``net`` is a vector too
``vec << a + b``              both ``a`` and ``b`` into ``vec`` (fan-in sums)
``mat @ vec``                 ``vec.out_port -> mat.in_port``; returns ``mat``
``mat_a * mat_b``             a ``ProductVec`` fed by both matrices; returns it
============================  ==========================================================
"""
from __future__ import annotations

from typing import Any

import numpy as np

from neuroproc.ports import InPort, OutPort
from neuroproc.process import AbstractProcess

__all__ = ["AlgebraicMatrix", "AlgebraicVector", "Network", "NetworkList"]


class NetworkList(list):
    """The networks summed with ``+``, waiting to be connected into one receiver with ``<<``."""


class Network:
    """A group of Processes with one receiving and one sending port.

    Attributes
    ----------
    in_port : InPort
        Where input arrives.
    out_port : OutPort
        What the network sends.
    main : AbstractProcess
        The Process whose ``run``/``stop`` drive the whole connected graph.
    """

    in_port: InPort
    out_port: OutPort
    main: AbstractProcess

    def run(self, **kwargs: Any) -> None:
        """Run the graph this network belongs to (``main.run(**kwargs)``)."""
        self.main.run(**kwargs)

    def stop(self, **kwargs: Any) -> None:
        """Stop the graph's runtime (``main.stop(**kwargs)``)."""
        self.main.stop(**kwargs)

    def __lshift__(self, other: Any) -> Any:
        """``self << other``: connect ``other``'s output (or each summand's) to ``self``."""
        if isinstance(other, Network):
            other.out_port.connect(self.in_port)
            return self
        if isinstance(other, NetworkList):
            for net in other:
                self << net
            return self
        return NotImplemented

    def __add__(self, other: Any) -> Any:
        """``self + other``: a :class:`NetworkList` of summands for ``<<``."""
        if isinstance(other, Network):
            return NetworkList([self, other])
        if isinstance(other, NetworkList):
            other.append(self)
            return other
        return NotImplemented

    # ``[a, b] + c`` and ``NetworkList + c`` chain the same way
    __radd__ = __add__


class AlgebraicVector(Network):
    """A population of neurons: it receives with ``<<``.

    A vector shifted into another vector is connected through an identity ``GradedSparse``
    (weights 1 in the fixed-point base of that class), so ``out << vec`` copies ``vec``.
    """

    shape: tuple[int, ...]

    def __lshift__(self, other: Any) -> Any:
        if isinstance(other, AlgebraicVector):
            # imported here: gradedvecnetwork builds on this module
            from neuroproc.networks.gradedvecnetwork import GradedSparse
            from scipy.sparse import csr_matrix

            identity = GradedSparse(weights=csr_matrix(np.eye(int(np.prod(self.shape)))))
            other.out_port.connect(identity.in_port)
            identity.out_port.connect(self.in_port)
            return self
        return super().__lshift__(other)


class AlgebraicMatrix(Network):
    """A connection: it applies itself to a vector with ``@`` and multiplies with ``*``."""

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape of what the matrix sends (its number of rows)."""
        return tuple(self.out_port.shape)

    def __matmul__(self, other: Any) -> Any:
        """``self @ vec``: connect the vector's output to this matrix; returns the matrix."""
        if isinstance(other, AlgebraicVector):
            other.out_port.connect(self.in_port)
            return self
        return NotImplemented

    def __mul__(self, other: Any) -> Any:
        """``self * other``: the element-wise product of both matrices' outputs.

        Returns the ``ProductVec`` (threshold 1, base 0) both matrices feed.
        """
        if isinstance(other, AlgebraicMatrix):
            from neuroproc.networks.gradedvecnetwork import ProductVec

            product = ProductVec(shape=self.shape, vth=1, exp=0)
            product << (self, other)
            return product
        return NotImplemented
