"""numba kernels of the ATRLIF models (see neuroproc.runtime.kernels).

They repeat the models' arithmetic in the same order and, for the fixed model, with explicit
int32 wrapping wherever numpy computes in int32, so both backends agree bit for bit.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from neuroproc.proc._int_kernels import trunc_shift as _trunc_shift
from neuroproc.proc._int_kernels import wrap32 as _wrap32
from neuroproc.runtime.kernels import KernelSpec, item, scalar_if_uniform

__all__ = ["fixed_spec", "float_spec"]


@njit(cache=True)
def float_step(t, i_nd, v_nd, th_nd, r_nd, s_nd, f_i, f_v, f_th, f_r, theta_0, theta_step, bias,
               a_nd, out_nd):
    cur, v, th, r, s = i_nd.reshape(i_nd.size), v_nd.reshape(v_nd.size), th_nd.reshape(th_nd.size), \
        r_nd.reshape(r_nd.size), s_nd.reshape(s_nd.size)
    a_in, s_out = a_nd.reshape(a_nd.size), out_nd.reshape(out_nd.size)
    for k in range(cur.size):
        ik = item(f_i, k) * cur[k] + a_in[k]
        vk = item(f_v, k) * v[k] + ik
        vk = vk + item(bias, k)
        t0 = item(theta_0, k)
        thk = item(f_th, k) * (th[k] - t0) + t0
        rk = item(f_r, k) * r[k]
        fired = (vk - rk) >= thk
        if fired:
            rk = rk + 2 * thk
            thk = thk + item(theta_step, k)
        cur[k], v[k], th[k], r[k], s[k] = ik, vk, thk, rk, fired
        s_out[k] = 1.0 if fired else 0.0


@njit(cache=True)
def fixed_step(t, i_nd, v_nd, th_nd, r_nd, s_nd, bm_nd, be_nd, mode_i, fi_float, fi_int, f_v, f_th, f_r,
               theta_0, theta_step, a_nd, out_nd):
    cur, v, th, r, s = i_nd.reshape(i_nd.size), v_nd.reshape(v_nd.size), th_nd.reshape(th_nd.size), \
        r_nd.reshape(r_nd.size), s_nd.reshape(s_nd.size)
    bias_mant, bias_exp = bm_nd.reshape(bm_nd.size), be_nd.reshape(be_nd.size)
    a_in, s_out = a_nd.reshape(a_nd.size), out_nd.reshape(out_nd.size)
    for k in range(cur.size):
        e, b = np.int64(bias_exp[k]), np.int64(bias_mant[k])
        bias = _wrap32(b << e if e >= 0 else b >> (-e))
        # i * f_i: a float product truncated (fractional decay), or integer (int32 wraps, as numpy)
        if mode_i == 0:
            p = np.int64(np.float64(cur[k]) * item(fi_float, k))
        elif mode_i == 1:
            p = _wrap32(np.int64(cur[k]) * item(fi_int, k))
        else:
            p = np.int64(cur[k]) * item(fi_int, k)
        ik = _wrap32(_trunc_shift(p, 12) + _wrap32(np.int64(a_in[k]) * 64))
        if ik > 8388608:
            ik -= 16777216
        if ik <= -8388608:
            ik += 16777216
        vk = _wrap32(_trunc_shift(np.int64(v[k]) * item(f_v, k), 12) + ik + bias)
        vk = min(max(vk, -8388607), 8388607)
        t0 = item(theta_0, k)
        thk = _wrap32(_wrap32(_trunc_shift(_wrap32(np.int64(th[k]) - t0) * item(f_th, k), 12)) + t0)
        rk = _wrap32(_trunc_shift(np.int64(r[k]) * item(f_r, k), 12))
        fired = _wrap32(vk - rk) >= thk
        if fired:
            rk = _wrap32(rk + _wrap32(2 * thk))
            thk = _wrap32(thk + item(theta_step, k))
        cur[k], v[k], th[k], r[k], s[k] = ik, vk, thk, rk, fired
        s_out[k] = 1 if fired else 0


def float_spec(model) -> KernelSpec | None:
    if not all(isinstance(getattr(model, a), np.ndarray) and getattr(model, a).dtype == np.float64
               for a in ("i", "v", "theta", "r", "bias_mant")):
        return None

    def params(m):
        shape = m.i.shape
        return tuple(scalar_if_uniform(x, shape, np.float64)
                     for x in (1 - m.delta_i, 1 - m.delta_v, 1 - m.delta_theta, 1 - m.delta_r,
                               m.theta_0, m.theta_step, m.bias_mant))

    return KernelSpec(step=float_step, arrays=("i", "v", "theta", "r", "s"), in_ports=("a_in",),
                      out_ports=("s_out",), params=params, label="atrlif_float")


def fixed_spec(model) -> KernelSpec | None:
    def params(m):
        shape = m.i.shape
        f_i, f_v, f_th, f_r = m.decay_factors()
        kind = (np.zeros(1, m.i.dtype) * f_i).dtype  # the dtype numpy gives i * f_i in the model
        mode = 0 if kind.kind == "f" else (1 if kind == np.int32 else 2)
        fi_int = f_i if mode else 0
        return (np.int64(mode), scalar_if_uniform(f_i, shape, np.float64), scalar_if_uniform(fi_int, shape, np.int64),
                *(scalar_if_uniform(x, shape, np.int64) for x in (f_v, f_th, f_r, m.theta_0, m.theta_step)))

    return KernelSpec(step=fixed_step, arrays=("i", "v", "theta", "r", "s", "bias_mant", "bias_exp"),
                      in_ports=("a_in",), out_ports=("s_out",), params=params, prepare=lambda m: m.prepare(),
                      in_kinds=("iu",), label="atrlif_fixed")
