"""numba kernel of ProdNeuron's model (see neuroproc.runtime.kernels)."""
from __future__ import annotations

import numpy as np
from numba import njit

from neuroproc.proc._int_kernels import wrap32
from neuroproc.proc.graded._kernels import spike_value
from neuroproc.runtime.kernels import KernelSpec

__all__ = ["prod_spec"]


@njit(cache=True)
def prod_step(t, vth, exp, a1_nd, a2_nd, s_nd):
    """ProdNeuron's kernel: int32 product, arithmetic shift, graded threshold."""
    a1, a2, s_out = a1_nd.reshape(a1_nd.size), a2_nd.reshape(a2_nd.size), s_nd.reshape(s_nd.size)
    for k in range(s_out.size):
        s_out[k] = spike_value(wrap32(np.int64(a1[k]) * np.int64(a2[k])) >> exp, vth)


def prod_spec(model) -> KernelSpec:
    return KernelSpec(step=prod_step, in_ports=("a_in1", "a_in2"), out_ports=("s_out",),
                      params=lambda m: (np.int64(np.asarray(m.vth).reshape(-1)[0]),
                                        np.int64(np.asarray(m.exp).reshape(-1)[0])),
                      in_kinds=("iu", "iu"), label="prodneuron")
