"""Conv: a convolutional connection, ``a_out`` = the input image convolved with a kernel, one step later."""
from __future__ import annotations

import numbers

import numpy as np

from neuroproc._validation import short_repr
from neuroproc.exceptions import ShapeError, ValidationError
from neuroproc.ports import InPort, OutPort
from neuroproc.proc.conv import utils
from neuroproc.process import AbstractProcess
from neuroproc.variable import Var

__all__ = ["Conv"]


class Conv(AbstractProcess):
    r"""Convolutional synapses (Lava's ``lava.proc.conv.process.Conv``).

    Each time step the model first sends the buffer of the previous step, then receives the
    image ``s_in`` (X, Y, C) and convolves it with the kernel:

    .. math::

        a_{out}[t] = a_{buf}[t-1], \qquad
        a_{buf}[t][x', y', k] = \sum_{c, a, b} w[k, a, b, c]\;
            s_{in}[t][s_x x' + d_x (k_x - 1 - a) - p_x,\; s_y y' + d_y (k_y - 1 - b) - p_y,\; c]

    -- a true convolution (flipped kernel), zero padding ``p``, stride ``s``, dilation ``d``, the
    sum over ``c`` running over the input channels of the output channel's group. Binary spikes
    (``num_message_bits = 0``) count as 1; graded spikes with their value. See
    :mod:`neuroproc.proc.conv.utils` for the arithmetic and the order of additions.

    The float model (``PyConvModelFloat``) sums in float64. The fixed model
    (``PyConvModelFixed``) sums int32 weights and messages exactly and wraps the result to
    signed 24 bits, as Lava's does; like Lava's CPU models, neither applies ``weight_exp`` nor
    ``num_weight_bits`` (they are stored for hardware).

    Parameters
    ----------
    weight : ndarray, shape (out_channels, kx, ky, in_channels / groups)
        The kernel.
    weight_exp : int
        Shared weight exponent (stored; not applied on CPU, as in Lava).
    input_shape : tuple of 3 int
        ``(X, Y, C)`` of the input image.
    padding, stride, dilation : int or (int, int)
        Per x and y; padding >= 0, stride and dilation >= 1.
    groups : int
        Channel groups; ``C`` and ``out_channels`` must be divisible by it.
    num_weight_bits : int
        Weight precision (stored; not applied on CPU, as in Lava).
    num_message_bits : int
        0 for binary spikes, > 0 for graded ones.
    name : str, optional
        Name of the Process.

    Notes
    -----
    Attributes ``input_shape`` and ``output_shape`` (X', Y', out_channels). Vars: ``weight``,
    ``weight_exp`` (1,), ``num_weight_bits`` (1,), ``kernel_size`` (2,), ``padding`` (2,),
    ``stride`` (2,), ``dilation`` (2,), ``groups`` (1,), ``a_buf`` (output_shape),
    ``num_message_bits`` (1,). Ports: ``s_in`` (input_shape), ``a_out`` (output_shape).
    """

    def __init__(self, *, weight, weight_exp: int = 0, input_shape: tuple[int, int, int] = (1, 1, 1),
                 padding=0, stride=1, dilation=1, groups: int = 1, num_weight_bits: int = 8,
                 num_message_bits: int = 0, name: str | None = None, **kwargs):
        super().__init__(weight=weight, weight_exp=weight_exp, input_shape=input_shape, padding=padding,
                         stride=stride, dilation=dilation, groups=groups, num_weight_bits=num_weight_bits,
                         num_message_bits=num_message_bits, name=name, **kwargs)
        w = np.asarray(weight)
        label = f"{self.name}::Conv"
        if w.ndim != 4 or 0 in w.shape or w.dtype.kind not in "iuf":
            raise ShapeError(f"{label}.weight: expected a numeric (out_channels, kx, ky, in_channels / groups) "
                             f"array (got {short_repr(weight)}). Pass a 4-D kernel.")
        if np.ndim(input_shape) != 1 or len(input_shape) != 3:
            raise ShapeError(f"{label}.input_shape: expected (X, Y, C) (got {short_repr(input_shape)}). "
                             "Pass three ints.")
        if isinstance(groups, bool) or not isinstance(groups, numbers.Integral) or groups < 1:
            raise ValidationError(f"{label}.groups: expected an int >= 1 (got {short_repr(groups)}). "
                                  "Pass the number of channel groups.")
        padding = utils.check_pair(padding, f"{label}.padding", 0)
        stride = utils.check_pair(stride, f"{label}.stride", 1)
        dilation = utils.check_pair(dilation, f"{label}.dilation", 1)
        kernel_size = tuple(int(v) for v in w.shape[1:3])
        in_channels, out_channels = int(input_shape[-1]), int(w.shape[0])
        if in_channels % groups or out_channels % groups or w.shape[3] != in_channels // groups:
            raise ShapeError(f"{label}: in_channels ({in_channels}) and out_channels ({out_channels}) must be "
                             f"divisible by groups ({groups}) and the kernel must have in_channels / groups "
                             f"channels (got weight shape {w.shape}). Match weight, input_shape and groups.")
        self.input_shape = tuple(input_shape)
        self.output_shape = utils.output_shape(self.input_shape, out_channels, kernel_size, stride, padding,
                                               dilation)
        self.s_in = InPort(shape=self.input_shape)
        self.a_out = OutPort(shape=self.output_shape)
        self.weight = Var(shape=w.shape, init=weight)
        self.weight_exp = Var(shape=(1,), init=weight_exp)
        self.num_weight_bits = Var(shape=(1,), init=num_weight_bits)
        self.kernel_size = Var(shape=(2,), init=kernel_size)
        self.padding = Var(shape=(2,), init=padding)
        self.stride = Var(shape=(2,), init=stride)
        self.dilation = Var(shape=(2,), init=dilation)
        self.groups = Var(shape=(1,), init=groups)
        self.a_buf = Var(shape=self.output_shape, init=0)
        self.num_message_bits = Var(shape=(1,), init=num_message_bits)
