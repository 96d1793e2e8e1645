"""numba kernel of RFZero's model: int32 products (wrapping), floor division by 2**15."""
from __future__ import annotations

import numpy as np
from numba import njit

from neuroproc.proc._int_kernels import wrap32
from neuroproc.runtime.kernels import KernelSpec

__all__ = ["rfzero_spec"]


@njit(cache=True)
def rfzero_step(t, u_nd, v_nd, lct_nd, lst_nd, uth, u_in_nd, v_in_nd, s_nd):
    u, v, lct, lst = u_nd.reshape(u_nd.size), v_nd.reshape(v_nd.size), lct_nd.reshape(lct_nd.size), \
        lst_nd.reshape(lst_nd.size)
    u_in, v_in, s_out = u_in_nd.reshape(u_in_nd.size), v_in_nd.reshape(v_in_nd.size), s_nd.reshape(s_nd.size)
    for k in range(u.size):
        uk, vk, c, s = np.int64(u[k]), np.int64(v[k]), np.int64(lct[k]), np.int64(lst[k])
        new_u = wrap32(wrap32(wrap32(uk * c) // 32768 - wrap32(vk * s) // 32768) + np.int64(u_in[k]))
        new_v = wrap32(wrap32(wrap32(vk * c) // 32768 + wrap32(uk * s) // 32768) + np.int64(v_in[k]))
        s_out[k] = new_u if (new_u > uth and new_v >= 0 and vk < 0) else 0
        u[k], v[k] = new_u, new_v


def rfzero_spec(model) -> KernelSpec:
    return KernelSpec(step=rfzero_step, arrays=("u", "v", "lct", "lst"), in_ports=("u_in", "v_in"),
                      out_ports=("s_out",), params=lambda m: (np.int64(np.asarray(m.uth).reshape(-1)[0]),),
                      in_kinds=("iu", "iu"), label="rfzero")
