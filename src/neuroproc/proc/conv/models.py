"""Conv models: floating point (``floating_pt``) and fixed point (``fixed_pt``), as in Lava 0.10.

Both share :class:`AbstractPyConvModel`: send the previous ``a_buf``, receive the image (as bool
for binary spikes), convolve (:func:`neuroproc.proc.conv.utils.conv`), and keep the result, after
the hook ``clamp_precision`` (identity for float, the 24-bit wrap for fixed), in ``a_buf``.
"""
from __future__ import annotations

import numpy as np

from neuroproc._validation import who
from neuroproc.chips import ACCUMULATOR_BITS, ChipResources, ChipSpec, inputs_per_block
from neuroproc.compiler.linear_map import LinearMap
from neuroproc.decorators import implements, requires, tag
from neuroproc.model import LavaPyType, PyLoihiProcessModel
from neuroproc.proc.conv import utils
from neuroproc.proc.conv.process import Conv
from neuroproc.py_ports import PyInPort, PyOutPort
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol

__all__ = ["AbstractPyConvModel", "PyConvModelFixed", "PyConvModelFloat"]

#: the fixed model's activations wrap at this many bits (signed)
A_BITS = 24


class AbstractPyConvModel(PyLoihiProcessModel):
    """Shared Conv step; subclasses fix the types and the ``clamp_precision`` hook."""

    s_in: PyInPort
    a_out: PyOutPort
    a_buf: np.ndarray
    weight: np.ndarray

    kernel_size: np.ndarray = LavaPyType(np.ndarray, np.int8, precision=8)
    stride: np.ndarray = LavaPyType(np.ndarray, np.int8, precision=8)
    padding: np.ndarray = LavaPyType(np.ndarray, np.int8, precision=8)
    dilation: np.ndarray = LavaPyType(np.ndarray, np.int8, precision=8)
    groups: np.ndarray = LavaPyType(np.ndarray, np.int8, precision=8)
    num_message_bits: np.ndarray = LavaPyType(np.ndarray, np.int8, precision=5)
    weight_exp: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=8)
    num_weight_bits: np.ndarray = LavaPyType(np.ndarray, np.int8, precision=5)

    def _image(self, s_in: np.ndarray) -> np.ndarray:
        return s_in if int(self.num_message_bits.item()) > 0 else s_in.astype(bool)

    def run_spk(self) -> None:
        self.a_out.send(self.a_buf)
        a = utils.conv(self._image(self.s_in.recv()), self.weight, self.kernel_size, self.stride, self.padding,
                       self.dilation, int(self.groups[0]))
        self.a_buf = self.clamp_precision(a)

    def clamp_precision(self, x: np.ndarray) -> np.ndarray:
        """What is kept of the convolution (identity by default)."""
        return x

    @classmethod
    def chip_resources(cls, proc, chip: ChipSpec) -> ChipResources | None:
        """Deployment hook (:mod:`neuroproc.chips`): the convolution's synapses counted as the
        non-zero entries of its matrix (no weight sharing assumed: an upper bound), one input axon
        per input pixel and channel; graded input as for Dense."""
        bits = int(np.asarray(proc.num_message_bits._host_value()).ravel()[0])
        if bits and (not chip.graded_spikes or bits > chip.max_payload_bits):
            return None
        p = proc.proc_params
        m = utils.conv_matrix(proc.input_shape, np.asarray(proc.weight._host_value(), dtype=np.float64),
                              p["stride"], p["padding"], p["dilation"], p["groups"])
        m.eliminate_zeros()
        fan_in = np.diff(m.indptr)
        return ChipResources(synapses=int(m.nnz), max_fan_in=int(fan_in.max(initial=0)), in_axons=int(m.shape[1]),
                             split_in_axons=inputs_per_block(m),
                             weight_bits=int(p.get("num_weight_bits", 8)), in_payload_bits=bits,
                             out_payload_bits=ACCUMULATOR_BITS)

    @classmethod
    def linear_map(cls, proc) -> LinearMap | None:
        """The fold stage's hook: the fixed-point Conv wraps its sums, so it is refused."""
        return LinearMap("s_in", "a_out", refused=f"{who(proc)} runs the fixed-point Conv model (24-bit wrap)")

    def kernel(self):
        from neuroproc.proc.conv._kernels import conv_spec

        return conv_spec(self, A_BITS if self.a_buf.dtype.kind in "iu" else 0)


@implements(proc=Conv, protocol=LoihiProtocol)
@requires(CPU)
@tag("floating_pt")
class PyConvModelFloat(AbstractPyConvModel):
    """Float Conv (tag ``floating_pt``): float64 weight, ``a_buf`` and ``a_out``."""

    s_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, float, precision=24)
    a_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, float)
    a_buf: np.ndarray = LavaPyType(np.ndarray, float)
    weight: np.ndarray = LavaPyType(np.ndarray, float)

    @classmethod
    def linear_map(cls, proc) -> LinearMap | None:
        """The fold stage's hook: a float Conv is the linear map
        :func:`~neuroproc.proc.conv.utils.conv_matrix` with a delay of one step (of ``s != 0`` with
        binary input, ``num_message_bits=0``, as its ``_image`` binarises)."""
        from neuroproc.proc.passthrough.models import merge_linear_chain

        binary = int(np.asarray(proc.num_message_bits._host_value()).ravel()[0]) == 0
        p = proc.proc_params
        kernel = np.asarray(proc.weight.init, dtype=np.float64)

        def matrix():  # built only if a fold needs it
            return utils.conv_matrix(proc.input_shape, kernel, p["stride"], p["padding"], p["dilation"], p["groups"])

        pending = np.asarray(proc.a_buf._host_value(), dtype=np.float64).reshape(1, -1)
        return LinearMap("s_in", "a_out", matrix, merge_linear_chain, delay=1, pending=pending, binary_input=binary,
                         values=kernel)


@implements(proc=Conv, protocol=LoihiProtocol)
@requires(CPU)
@tag("fixed_pt")
class PyConvModelFixed(AbstractPyConvModel):
    """Fixed-point Conv (tag ``fixed_pt``): int32 weight (8-bit precision declared), messages and
    ``a_buf`` (24 bits). The exact integer sum is wrapped -- not saturated -- to signed 24 bits,
    as Lava's model does (``weight_exp`` and ``num_weight_bits`` are not applied on CPU: a quirk
    of Lava 0.10 kept here)."""

    s_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, np.int32, precision=24)
    a_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, np.int32, precision=24)
    a_buf: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=24)
    weight: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=8)

    def clamp_precision(self, x: np.ndarray) -> np.ndarray:
        return utils.signed_clamp(x, bits=A_BITS)
