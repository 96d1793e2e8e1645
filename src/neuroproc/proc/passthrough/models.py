"""Passthrough models (float ``floating_pt`` and fixed-point ``fixed_pt``) and the LinearChain model.

Both Passthrough models share :class:`AbstractPyPassthroughModel`: receive, then send in the
same step. They differ only in the message type: float64 (float networks) or int32 (the graded
messages of bit-accurate networks, 24 bits on Loihi). The models declare
``fold_identity = ("s_in", "s_out")``: the compiler's fold stage may remove a leaf whose model
declares it (see :mod:`neuroproc.compiler.fold`).
"""
from __future__ import annotations

import numpy as np

from neuroproc.compiler.linear_map import LinearMap
from neuroproc.decorators import implements, requires, tag
from neuroproc.model import LavaPyType, PyLoihiProcessModel
from neuroproc.proc.passthrough.process import LinearChain, Passthrough
from neuroproc.py_ports import PyInPort, PyOutPort
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol

__all__ = [
    "AbstractPyPassthroughModel",
    "PyLinearChainModelFloat",
    "PyPassthroughModelFixed",
    "PyPassthroughModelFloat",
    "merge_linear_chain",
]


class AbstractPyPassthroughModel(PyLoihiProcessModel):
    """Identity step: ``s_out.send(s_in.recv())``; subclasses fix the types."""

    s_in: PyInPort
    s_out: PyOutPort

    #: (in port, out port) that this model connects without change: the fold stage's marker
    fold_identity = ("s_in", "s_out")

    #: numpy dtype kinds of the summed input the kernel copies ('' = any); others run in Python
    kernel_in_kinds = ""

    def kernel(self):
        from neuroproc.proc.passthrough._kernels import passthrough_spec

        return passthrough_spec(self.kernel_in_kinds)

    def run_spk(self) -> None:
        self.s_out.send(self.s_in.recv())


@implements(proc=Passthrough, protocol=LoihiProtocol)
@tag("floating_pt")
@requires(CPU)
class PyPassthroughModelFloat(AbstractPyPassthroughModel):
    """Float Passthrough (tag ``floating_pt``): float64 in and out."""

    s_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, float)
    s_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, float)


@implements(proc=Passthrough, protocol=LoihiProtocol)
@tag("fixed_pt")
@requires(CPU)
class PyPassthroughModelFixed(AbstractPyPassthroughModel):
    """Fixed-point Passthrough (tag ``fixed_pt``): int32 in and out (24-bit graded spikes on
    Loihi; binary spikes are 0/1 int32 as the bit-accurate LIF sends them)."""

    s_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, np.int32, precision=24)
    s_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, np.int32, precision=24)

    # a float input cast to int32 is numpy's business (numba's cast differs out of range)
    kernel_in_kinds = "iub"


@implements(proc=LinearChain, protocol=LoihiProtocol)
@tag("floating_pt")
@requires(CPU)
class PyLinearChainModelFloat(PyLoihiProcessModel):
    """Float LinearChain (tag ``floating_pt``): float64 weights, pipeline and ``a_out``.

    ``s_in`` is declared as Dense's is (bool, 1 bit), so what it receives sums and promotes as
    it would at the first Dense of the chain; the product uses numpy's ``W.dot(s)`` as the
    graded float Dense does. No kernel: like graded float Dense, its BLAS summation order is not
    a loop's, so the compiled backend runs it in Python.
    """

    s_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, bool, precision=1)
    a_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, float)
    weights: np.ndarray = LavaPyType(np.ndarray, float)
    pipeline: np.ndarray = LavaPyType(np.ndarray, float)

    def run_spk(self) -> None:
        slot = self.time_step % self.pipeline.shape[0]
        self.a_out.send(self.pipeline[slot].reshape(self.a_out.shape))
        s = self.s_in.recv().reshape(-1)
        if self.proc_params.get("binary_input", False):
            s = s != 0
        self.pipeline[slot] = self.weights.dot(s)

    @classmethod
    def linear_map(cls, proc) -> LinearMap:
        """The fold stage's hook: a LinearChain is ``W s`` (``W (s != 0)`` with binary input)
        ``delay`` steps later, so a merged chain can be merged again (a sum of chains)."""
        pipeline = np.asarray(proc.pipeline._host_value(), dtype=np.float64)
        # pipeline row ``t % delay`` is sent at step t: pending row i (sent at step i + 1) is row (i + 1) % delay
        return LinearMap("s_in", "a_out", np.asarray(proc.weights._host_value(), dtype=np.float64),
                         merge_linear_chain, delay=pipeline.shape[0], pending=np.roll(pipeline, -1, axis=0),
                         binary_input=bool(proc.proc_params.get("binary_input", False)))


def merge_linear_chain(weights, delay: int, pipeline, name: str, in_shape: tuple[int, ...],
                       out_shape: tuple[int, ...], binary_input: bool = False) -> tuple[LinearChain, type]:
    """The ``merge`` factory of the standard linear maps (see :mod:`neuroproc.compiler.linear_map`):
    a float :class:`LinearChain` in place of a folded chain or sum."""
    proc = LinearChain(weights, delay=delay, pipeline=pipeline, name=name, in_shape=in_shape, out_shape=out_shape,
                       binary_input=binary_input)
    return proc, PyLinearChainModelFloat
