"""Graded-vector networks (Lava's ``lava.networks.gradedvecnetwork``).

Vectors (:class:`InputVec`, :class:`GradedVec`, :class:`ProductVec`, :class:`LIFVec`,
:class:`NormalizeNet`), matrices (:class:`GradedDense`, :class:`GradedSparse`) and a recorder
(:class:`OutputVec`), each a thin wrapper around standard Processes. Values travel as graded
spikes (24-bit payloads) in a fixed-point base: a value ``x`` in base ``exp`` is the integer
``x * 2**exp``. Run them with ``Loihi2SimCfg(select_tag="fixed_pt")``.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from neuroproc.exceptions import ValidationError
from neuroproc.networks.network import AlgebraicMatrix, AlgebraicVector, Network
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.graded.process import GradedVec as GradedVecProc
from neuroproc.proc.graded.process import InvSqrt, NormVecDelay
from neuroproc.proc.io import sink, source
from neuroproc.proc.lif.process import LIF
from neuroproc.proc.prodneuron.process import ProdNeuron
from neuroproc.proc.sparse.process import Sparse

__all__ = ["GradedDense", "GradedSparse", "GradedVec", "InputVec", "LIFVec", "NormalizeNet",
           "OutputVec", "ProductVec"]

#: payload width of graded spikes between the algebra's Processes (Loihi 2: 24 bits)
MESSAGE_BITS = 24


def _no_loihi2(who: str) -> ValidationError:
    return ValidationError(f"{who}: Loihi 2 I/O adapters were asked for (got loihi2=True), but "
                           "neuroproc simulates on the CPU and has none. Pass loihi2=False and run "
                           "with Loihi2SimCfg(select_tag='fixed_pt').")


def _connect_pair(who: str, other: Any, ports: tuple) -> None:
    if not (isinstance(other, (list, tuple)) and len(other) == 2
            and all(isinstance(net, Network) for net in other)):
        raise ValidationError(f"{who}: '<<' takes a pair of networks, one per input channel "
                              f"(got {other!r}). Write layer << (net1, net2).")
    for net, port in zip(other, ports):
        net.out_port.connect(port)


class InputVec(AlgebraicVector):
    """Graded input from a table of values: a source ``RingBuffer`` with vector syntax.

    Parameters
    ----------
    vec : numpy.ndarray
        ``(N, M)`` values: ``N`` channels over ``M`` steps, repeated every ``M`` steps. A 1-D
        array is one channel over ``len(vec)`` steps (``numpy.atleast_2d``, as in Lava).
    loihi2 : bool
        Ask for Loihi 2 adapters (not available: a ValidationError).
    exp : int
        Fixed-point base: the values sent are ``vec * 2**exp`` (``vec`` is not modified).
    **kwargs
        Ignored (Lava accepts and ignores them too).

    Attributes
    ----------
    shape : tuple of int
        The shape of the data table ``(N, M)``, as in Lava.
    """

    def __init__(self, vec: np.ndarray, loihi2: bool = False, exp: int = 0,
                 **kwargs: Any) -> None:
        if loihi2:
            raise _no_loihi2("InputVec")
        self.loihi2 = loihi2
        self.exp = exp or 0
        data = np.atleast_2d(np.asarray(vec)) * 2 ** self.exp
        self.shape = data.shape
        self.inport_plug = source.RingBuffer(data=data)
        self.main = self.inport_plug
        self.out_port = self.inport_plug.s_out

    def __lshift__(self, other: Any) -> Any:
        return NotImplemented


class OutputVec(Network):
    """Records what it receives: a sink ``RingBuffer`` with vector syntax.

    Parameters
    ----------
    shape : tuple of int
        Shape of what is recorded.
    buffer : int
        Number of steps kept (the oldest are overwritten in longer runs).
    loihi2 : bool
        Ask for Loihi 2 adapters (not available: a ValidationError).
    num_message_bits : int
        Payload width of what arrives (``get_data`` reads it as signed 24-bit values).
    **kwargs
        Passed on to the sink ``RingBuffer`` (``name``, ...).
    """

    def __init__(self, shape: tuple[int, ...], buffer: int = 1, loihi2: bool = False,
                 num_message_bits: int = MESSAGE_BITS, **kwargs: Any) -> None:
        if loihi2:
            raise _no_loihi2("OutputVec")
        self.shape = shape
        self.buffer = buffer
        self.loihi2 = loihi2
        self.num_message_bits = num_message_bits
        self.outport_plug = sink.RingBuffer(shape=self.shape, buffer=self.buffer, **kwargs)
        self.main = self.outport_plug
        self.in_port = self.outport_plug.a_in

    def get_data(self) -> np.ndarray:
        """The recording, ``shape + (buffer,)``, as signed 24-bit integers (int32)."""
        return (self.outport_plug.data.get().astype(np.int32) << 8) >> 8


class LIFVec(AlgebraicVector):
    """A population of LIF neurons with vector syntax.

    Parameters
    ----------
    **kwargs
        The arguments of :class:`neuroproc.proc.lif.process.LIF`.
    """

    def __init__(self, **kwargs: Any) -> None:
        self.main = LIF(**kwargs)
        self.shape = tuple(self.main.a_in.shape)
        self.in_port = self.main.a_in
        self.out_port = self.main.s_out


class GradedVec(AlgebraicVector):
    """Graded threshold vector without dynamics: sends its input where ``|input| > vth``.

    Parameters
    ----------
    shape : tuple of int
        Shape of the population.
    vth : int
        Threshold (in the fixed-point base of the values).
    exp : int
        Fixed-point base of the vector.
    """

    def __init__(self, shape: tuple[int, ...], vth: int = 10, exp: int = 0, **kwargs: Any) -> None:
        self.shape = shape
        self.vth = vth
        self.exp = exp
        self.main = GradedVecProc(shape=self.shape, vth=self.vth, exp=self.exp)
        self.in_port = self.main.a_in
        self.out_port = self.main.s_out

    def __mul__(self, other: Any) -> Any:
        """``a * b``: element-wise product of two graded vectors.

        Builds identity ``GradedSparse`` connections into both channels of a ``ProductVec``
        (threshold 1, this vector's base) and one out of it; returns that last connection, a
        matrix to apply or shift into a vector.
        """
        if not isinstance(other, GradedVec):
            return NotImplemented
        product = ProductVec(shape=self.shape, vth=1, exp=self.exp)
        eye = np.eye(int(np.prod(self.shape)))
        weights_a, weights_b, weights_out = (GradedSparse(weights=eye) for _ in range(3))
        product << (weights_a @ self, weights_b @ other)
        return weights_out @ product


class ProductVec(AlgebraicVector):
    """Neurons that multiply their two input channels (a :class:`ProdNeuron` population).

    ``layer << (net1, net2)`` connects one network to each channel.

    Parameters
    ----------
    shape : tuple of int
        Shape of the population.
    vth : int
        Threshold.
    exp : int
        Fixed-point base: the product is shifted right by ``exp``.
    """

    def __init__(self, shape: tuple[int, ...], vth: int = 10, exp: int = 0,
                 **kwargs: Any) -> None:
        self.shape = shape
        self.vth = vth
        self.exp = exp
        self.main = ProdNeuron(shape=self.shape, vth=self.vth, exp=self.exp)
        self.in_port = self.main.a_in1
        self.in_port2 = self.main.a_in2
        self.out_port = self.main.s_out

    def __lshift__(self, other: Any) -> Any:
        _connect_pair("ProductVec", other, (self.in_port, self.in_port2))
        return self


def _fixed_weights(weights: Any, exp: int) -> Any:
    """Weight ``w`` in base ``exp``: ``w * 2**exp`` cast toward zero to integers, as Lava's int32
    weight Var casts the float weights it is given (``weight_exp = -exp`` scales them back)."""
    if sp.issparse(weights):
        scaled = sp.csr_matrix(weights, dtype=float) * 2 ** exp
        scaled.data = np.fix(scaled.data)
        return scaled.astype(np.int64)
    return np.fix(np.asarray(weights, dtype=float) * 2 ** exp).astype(np.int64)


class _GradedConnection(AlgebraicMatrix):
    """Float weights scaled into base ``exp`` and sent as 24-bit graded spikes."""

    process: type[Dense] | type[Sparse]
    main: Dense | Sparse

    def __init__(self, weights: Any, exp: int = 7, **kwargs: Any) -> None:
        self.exp = exp
        self.main = self.process(weights=_fixed_weights(weights, self.exp),
                                 num_message_bits=MESSAGE_BITS, num_weight_bits=8,
                                 weight_exp=-self.exp)
        self.in_port = self.main.s_in
        self.out_port = self.main.a_out


class GradedDense(_GradedConnection):
    """Dense weights with matrix syntax.

    Parameters
    ----------
    weights : numpy.ndarray
        Float weights, turned into 8-bit fixed point in base ``exp`` (cast toward zero).
    exp : int
        Fixed-point base of the weights (``weight_exp = -exp``).
    **kwargs
        Ignored (as in Lava).
    """

    process = Dense


class GradedSparse(_GradedConnection):
    """Sparse weights with matrix syntax.

    Parameters
    ----------
    weights : numpy.ndarray or scipy.sparse.spmatrix
        Float weights, turned into 8-bit fixed point in base ``exp`` (cast toward zero).
    exp : int
        Fixed-point base of the weights (``weight_exp = -exp``).
    **kwargs
        Ignored (as in Lava).
    """

    process = Sparse


class NormalizeNet(AlgebraicVector):
    """Normalises a vector to unit length: ``out = in[t-1] / |in[t-1]|`` in base ``exp``.

    A :class:`NormVecDelay` population sends the squares of its input through a summing Dense to
    one :class:`InvSqrt` neuron, whose answer comes back through a fan-out Dense and multiplies
    the delayed input.

    Parameters
    ----------
    shape : tuple of int
        Shape of the population.
    exp : int
        Fixed-point base of the vector.
    """

    def __init__(self, shape: tuple[int, ...], exp: int = 12, **kwargs: Any) -> None:
        self.shape = shape
        self.fpb = exp
        n = int(np.prod(self.shape))
        self.vfp_dense = Dense(weights=np.ones((1, n)), num_message_bits=MESSAGE_BITS)
        self.fpv_dense = Dense(weights=np.ones((n, 1)), num_message_bits=MESSAGE_BITS)
        self.main = NormVecDelay(shape=self.shape, vth=1, exp=self.fpb)
        self.fp_inv_neuron = InvSqrt(shape=(1,), fp_base=self.fpb)
        self.main.s2_out.connect(self.vfp_dense.s_in)
        self.vfp_dense.a_out.connect(self.fp_inv_neuron.a_in)
        self.fp_inv_neuron.s_out.connect(self.fpv_dense.s_in)
        self.fpv_dense.a_out.connect(self.main.a_in2)
        self.in_port = self.main.a_in1
        self.out_port = self.main.s_out
