"""Graded-vector models (fixed point, ``fixed_pt``; InvSqrt also ``floating_pt``), as in Lava 0.10.

:func:`graded_spikes` is the thresholding every graded neuron here shares (``s = v`` where
``|v| > vth``, else 0); GradedVec and GradedReluVec differ only in the ``spikes`` hook of
:class:`AbstractGradedVecModel`. :func:`inv_sqrt` is Loihi's fixed-point inverse square root.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from neuroproc.decorators import implements, requires, tag
from neuroproc.model import LavaPyType, PyLoihiProcessModel
from neuroproc.proc.graded.process import GradedReluVec, GradedVec, InvSqrt, NormVecDelay
from neuroproc.py_ports import PyInPort, PyOutPort
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol

__all__ = [
    "AbstractGradedVecModel",
    "InvSqrtModelFP",
    "InvSqrtModelFloat",
    "NormVecDelayModel",
    "PyGradedReluVecModelFixed",
    "PyGradedVecModelFixed",
    "clz",
    "graded_spikes",
    "inv_sqrt",
    "make_fpinv_table",
]


def graded_spikes(v: np.ndarray, vth) -> np.ndarray:
    """``v`` where ``|v| > vth``, else 0 (numpy's int32 ``abs``: ``-2**31`` stays negative)."""
    return v * (np.abs(v) > vth)


class _GradedTypes:
    a_in: Any = LavaPyType(PyInPort.VEC_DENSE, np.int32, precision=24)
    s_out: Any = LavaPyType(PyOutPort.VEC_DENSE, np.int32, precision=24)
    vth: Any = LavaPyType(np.ndarray, np.int32, precision=24)
    v: Any = LavaPyType(np.ndarray, np.int32, precision=24)
    exp: Any = LavaPyType(np.ndarray, np.int32, precision=24)


class AbstractGradedVecModel(_GradedTypes, PyLoihiProcessModel):
    """``v += a``; send ``spikes(v)``; clear ``v`` (int32 arithmetic, wrapping)."""

    RELU = False

    def spikes(self) -> np.ndarray:
        """The message for the accumulated ``v``."""
        return self.v * (self.v > self.vth) if self.RELU else graded_spikes(self.v, self.vth)

    def run_spk(self) -> None:
        self.v += self.a_in.recv()
        out = self.spikes()
        self.v[:] = 0
        self.s_out.send(out)

    def kernel(self):
        from neuroproc.proc.graded._kernels import graded_spec

        return graded_spec(self)


@implements(proc=GradedVec, protocol=LoihiProtocol)
@tag("fixed_pt")
@requires(CPU)
class PyGradedVecModelFixed(AbstractGradedVecModel):
    """Fixed-point GradedVec (tag ``fixed_pt``): sends ``v`` where ``|v| > vth``; ``exp`` unused."""


@implements(proc=GradedReluVec, protocol=LoihiProtocol)
@tag("fixed_pt")
@requires(CPU)
class PyGradedReluVecModelFixed(AbstractGradedVecModel):
    """Fixed-point GradedReluVec (tag ``fixed_pt``): sends ``v`` where ``v > vth``; ``exp`` unused."""

    RELU = True


@implements(proc=NormVecDelay, protocol=LoihiProtocol)
@tag("fixed_pt")
@requires(CPU)
class NormVecDelayModel(PyLoihiProcessModel):
    """Fixed-point NormVecDelay (tag ``fixed_pt``): sends ``a_in1**2`` on ``s2_out`` and
    ``graded_spikes(v_prev * a_in2)`` on ``s_out``; int32 arithmetic, ``exp`` unused."""

    a_in1: Any = LavaPyType(PyInPort.VEC_DENSE, np.int32, precision=24)
    a_in2: Any = LavaPyType(PyInPort.VEC_DENSE, np.int32, precision=24)
    s_out: Any = LavaPyType(PyOutPort.VEC_DENSE, np.int32, precision=24)
    s2_out: Any = LavaPyType(PyOutPort.VEC_DENSE, np.int32, precision=24)
    vth: Any = LavaPyType(np.ndarray, np.int32, precision=24)
    exp: Any = LavaPyType(np.ndarray, np.int32, precision=24)
    v: Any = LavaPyType(np.ndarray, np.int32, precision=24)
    v2: Any = LavaPyType(np.ndarray, np.int32, precision=24)

    def run_spk(self) -> None:
        a1, a2 = self.a_in1.recv(), self.a_in2.recv()
        self.s2_out.send(a1 ** 2)
        self.v2[:] = self.v
        self.v[:] = a1
        self.s_out.send(graded_spikes(self.v2 * a2, self.vth))

    def kernel(self):
        from neuroproc.proc.graded._kernels import normvec_spec

        return normvec_spec(self)


@implements(proc=InvSqrt, protocol=LoihiProtocol)
@tag("floating_pt")
@requires(CPU)
class InvSqrtModelFloat(PyLoihiProcessModel):
    """Float InvSqrt (tag ``floating_pt``): ``1 / a**0.5`` (``inf`` for 0, NaN below 0)."""

    a_in: Any = LavaPyType(PyInPort.VEC_DENSE, float)
    s_out: Any = LavaPyType(PyOutPort.VEC_DENSE, float)
    fp_base: Any = LavaPyType(np.ndarray, np.int32, precision=24)

    def run_spk(self) -> None:
        with np.errstate(divide="ignore", invalid="ignore"):
            self.s_out.send(1 / (self.a_in.recv() ** 0.5))

    def kernel(self):
        from neuroproc.proc.graded._kernels import invsqrt_float_spec

        return invsqrt_float_spec(self)


def make_fpinv_table(fp_base: int) -> np.ndarray:
    """Initial guesses of :func:`inv_sqrt`, one per leading-zero count of a 24-bit value:
    entry ``23 - m`` is ``2 * int(2**fp_base / (2**((m - fp_base) / 2) * 1.238982962))``."""
    n_bits, unity, n_adj = 24, 2 ** fp_base, 1.238982962
    table = np.zeros(n_bits, dtype=int)
    for m in range(n_bits):
        table[n_bits - m - 1] = 2 * int(unity / (2 ** ((m - fp_base) / 2) * n_adj))
    return table


def clz(val: int) -> int:
    """Leading zeros of a positive value in 24 bits (negative from ``2**24`` on)."""
    return 24 - (int(np.log2(val)) + 1)


def inv_sqrt(s_fp: int, n_iters: int = 5, b_fraction: int = 12) -> int:
    """``1 / sqrt(s_fp)`` in fixed point with ``b_fraction`` fraction bits, by Newton's iteration
    from a table guess, as Loihi (and Lava 0.10) computes it; ``s_fp > 0``.

    Quirks kept: a value of ``2**24`` or more indexes the table from its end (Python's negative
    indices), as Lava does.
    """
    table = make_fpinv_table(b_fraction)
    b_i = int(s_fp)
    y_big = table[clz(s_fp)]
    y_i = y_big // 2
    # inputs far above 24 bits make the int64 products wrap (silently, as the kernel's do)
    with np.errstate(over="ignore"):
        for _ in range(n_iters):
            b_i = np.right_shift(np.right_shift(b_i * y_big, b_fraction + 1) * y_big, b_fraction + 1)
            y_big = np.left_shift(3, b_fraction) - b_i
            y_i = np.right_shift(y_i * y_big, b_fraction + 1)
    return y_i


@implements(proc=InvSqrt, protocol=LoihiProtocol)
@tag("fixed_pt")
@requires(CPU)
class InvSqrtModelFP(PyLoihiProcessModel):
    """Fixed-point InvSqrt (tag ``fixed_pt``): :func:`inv_sqrt` with 5 iterations and 12 fraction
    bits -- as in Lava, ``fp_base`` is not used.

    An all-zero input sends zeros. Lava's model handles one neuron only (it applies ``inv_sqrt``
    to the whole input); this one applies it to each neuron, and sends 0 for a neuron whose input
    is not positive (where Lava's fails).
    """

    a_in: Any = LavaPyType(PyInPort.VEC_DENSE, np.int32, precision=24)
    s_out: Any = LavaPyType(PyOutPort.VEC_DENSE, np.int32, precision=24)
    fp_base: Any = LavaPyType(np.ndarray, np.int32, precision=24)

    N_ITERS = 5
    B_FRACTION = 12

    def run_spk(self) -> None:
        a = self.a_in.recv()
        out = np.zeros(a.shape, np.int64)
        for k in np.flatnonzero(a > 0):
            out.flat[k] = inv_sqrt(a.flat[k], self.N_ITERS, self.B_FRACTION)
        self.s_out.send(out)

    def kernel(self):
        from neuroproc.proc.graded._kernels import invsqrt_fixed_spec

        return invsqrt_fixed_spec(self)
