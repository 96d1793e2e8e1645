"""numba kernel of the ConvInTime models (see neuroproc.runtime.kernels).

Early: send column 0 of ``a_buff``. Step: shift the columns down by one (last cleared), then add
to column ``i`` the pairwise row sums of ``W[K-1-i] * s`` (zeros included, numpy's order; see
:func:`~neuroproc.proc.dense._kernels.pairwise_sum`).
"""
from __future__ import annotations

import numpy as np
from numba import njit

from neuroproc.proc.dense._delay_kernels import _send, _shift, _value
from neuroproc.proc.dense._kernels import pairwise_sum
from neuroproc.runtime.kernels import KernelSpec

__all__ = ["conv_in_time_spec"]


@njit(cache=True)
def cit_early(t, a_buff, weights, scratch, idx, params, a_out):
    _send(a_buff, a_out)


@njit(cache=True)
def cit_step(t, a_buff, weights, scratch, idx, params, s_in):
    """scratch: (n_in,) float64; idx: arange(n_in); params: [graded]."""
    graded = params[0] != 0
    k, n_out, n_in = weights.shape
    _shift(a_buff)
    for i in range(k):
        w = weights[k - 1 - i]
        for o in range(n_out):
            for j in range(n_in):
                scratch[j] = w[o, j] * np.float64(_value(s_in, j, graded))
            a_buff[o, i] += pairwise_sum(scratch, idx, n_in)


def conv_in_time_spec(model) -> KernelSpec | None:
    if model.weights.ndim != 3 or model.a_buff.dtype != np.float64:
        return None

    def params(m):
        n_in = m.weights.shape[2]
        graded = int(int(np.asarray(m.num_message_bits).ravel()[0]) > 0)
        return (np.zeros(n_in), np.arange(n_in, dtype=np.int64), np.array([graded], np.int64))

    return KernelSpec(step=cit_step, early=cit_early, arrays=("a_buff", "weights"), in_ports=("s_in",),
                      early_ports=("a_out",), params=params, label="conv_in_time")
