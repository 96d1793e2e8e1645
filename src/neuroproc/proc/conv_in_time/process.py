"""ConvInTime: a convolution over time, each input spread over ``K`` future steps by ``K`` weight matrices."""
from __future__ import annotations

import numpy as np

from neuroproc._validation import short_repr
from neuroproc.exceptions import ShapeError
from neuroproc.ports import InPort, OutPort
from neuroproc.proc.dense.process import check_connection_params
from neuroproc.process import AbstractProcess
from neuroproc.variable import Var

__all__ = ["ConvInTime"]


class ConvInTime(AbstractProcess):
    r"""Temporal convolution (Lava's ``lava.proc.conv_in_time.process.ConvInTime``).

    ``weights[k]`` (k = 0..K-1) is a matrix (n_out, n_in). An input at step ``t`` reaches the
    output at step ``t + 1`` through ``weights[K-1]``, at ``t + 2`` through ``weights[K-2]``, ...,
    at ``t + K`` through ``weights[0]``:

    .. math::

        a_{out}[t] = \sum_{k=0}^{K-1} W_{K-1-k}\; s_{in}[t - 1 - k]

    ``a_buff`` (n_out, K) holds what is due in the next ``K`` steps: each step the model sends
    column 0, clears it, shifts the columns down by one and adds ``W_{K-1-i} s_in`` to column
    ``i`` (a delay connection with one weight matrix per delay, see
    :class:`~neuroproc.proc.dense.process.DelayDense`). Binary spikes count as 1.

    Parameters
    ----------
    weights : ndarray, shape (K, n_out, n_in)
        The kernel in time.
    weight_exp, num_weight_bits, sign_mode
        Stored for hardware; Lava's CPU models (float, and the "fixed" one, which is float too)
        do not apply them.
    num_message_bits : int
        0 for binary spikes, > 0 for graded ones.
    name : str, optional
        Name of the Process.

    Notes
    -----
    Vars: ``weights`` (K, n_out, n_in), ``a_buff`` (n_out, K), ``num_message_bits`` (1,).
    Ports: ``s_in`` (n_in,), ``a_out`` (n_out,).
    """

    def __init__(self, *, weights, num_message_bits: int = 0, name: str | None = None, **kwargs):
        super().__init__(weights=weights, num_message_bits=num_message_bits, name=name, **kwargs)
        w = np.asarray(weights)
        if w.ndim != 3 or 0 in w.shape or w.dtype.kind not in "iuf":
            raise ShapeError(f"{self.name}::ConvInTime.weights: expected a numeric 3-D array (kernel_size, n_out, "
                             f"n_in) (got {short_repr(weights)}). Pass one weight matrix per step of the kernel.")
        check_connection_params(self, kwargs.get("weight_exp", 0), kwargs.get("num_weight_bits", 8),
                                kwargs.get("sign_mode"), num_message_bits)
        k, n_out, n_in = w.shape
        self.s_in = InPort(shape=(n_in,))
        self.a_out = OutPort(shape=(n_out,))
        self.weights = Var(shape=w.shape, init=weights)
        self.a_buff = Var(shape=(n_out, k), init=0)
        self.num_message_bits = Var(shape=(1,), init=num_message_bits)
