"""numba kernels of the sigma-delta models (see neuroproc.runtime.kernels).

One kernel serves Delta and SigmaDelta (``sigma_on``); the float one follows the models' order
of operations, the fixed one their int32 arithmetic (explicit wrapping, numpy's ``abs`` of
``-2**31``, arithmetic shifts).
"""
from __future__ import annotations

import numpy as np
from numba import njit

from neuroproc.proc._int_kernels import abs32 as _abs32
from neuroproc.proc._int_kernels import wrap32 as _wrap32
from neuroproc.runtime.kernels import KernelSpec, item, scalar_if_uniform

__all__ = ["delta_spec", "encode_float", "sigma_spec"]


@njit(cache=True)
def sigma_step(t, sigma_nd, a_nd, s_nd):
    sigma, a_in, s_out = sigma_nd.reshape(sigma_nd.size), a_nd.reshape(a_nd.size), s_nd.reshape(s_nd.size)
    for k in range(sigma.size):
        sigma[k] = a_in[k] + sigma[k]  # an integer sum is stored back into int32: it wraps, as numpy's does
        s_out[k] = sigma[k]


@njit(cache=True)
def encode_float(x, act, residue, error, vth, cum):
    """Delta encoding of the new activation ``x`` (AbstractDeltaModel.delta_dynamics, float);
    returns ``(spike, act, residue, error)``."""
    delta = x - act + residue
    if cum:
        e = error + delta
        s = delta if abs(e) >= vth else 0.0
        error = e * (0.0 if abs(s) > 0 else 1.0)
    else:
        s = delta if abs(delta) >= vth else 0.0
    return s, x, delta - s, error


@njit(cache=True)
def float_step(t, sigma_nd, act_nd, res_nd, err_nd, vth, cum, sigma_on, relu, bias, a_nd, s_nd):
    sigma, act, residue, error = sigma_nd.reshape(sigma_nd.size), act_nd.reshape(act_nd.size), \
        res_nd.reshape(res_nd.size), err_nd.reshape(err_nd.size)
    a_in, s_out = a_nd.reshape(a_nd.size), s_nd.reshape(s_nd.size)
    for k in range(act.size):
        x = a_in[k]
        if sigma_on:
            sg = x + sigma[k]
            sigma[k] = sg
            x = sg + item(bias, k)
            if relu and not (x > 0.0 or x != x):  # np.maximum(x, 0): NaN stays, -0.0 becomes 0.0
                x = 0.0
        s_out[k], act[k], residue[k], error[k] = encode_float(x, act[k], residue[k], error[k], vth, cum)


@njit(cache=True)
def fixed_step(t, sigma_nd, act_nd, res_nd, err_nd, vth, cum, sigma_on, relu, bias, shift_in, shift_out,
               a_nd, s_nd):
    sigma, act, residue, error = sigma_nd.reshape(sigma_nd.size), act_nd.reshape(act_nd.size), \
        res_nd.reshape(res_nd.size), err_nd.reshape(err_nd.size)
    a_in, s_out = a_nd.reshape(a_nd.size), s_nd.reshape(s_nd.size)
    for k in range(act.size):
        x = _wrap32(np.int64(a_in[k]) << shift_in)
        if sigma_on:
            sg = _wrap32(x + np.int64(sigma[k]))
            sigma[k] = sg
            x = _wrap32(sg + np.int64(item(bias, k)))
            if relu and x < 0:
                x = 0
        delta = _wrap32(_wrap32(x - np.int64(act[k])) + np.int64(residue[k]))
        if cum:
            e = _wrap32(np.int64(error[k]) + delta)
            s = delta if _abs32(e) >= vth else 0
            error[k] = 0 if _abs32(s) > 0 else e
        else:
            s = delta if _abs32(delta) >= vth else 0
        residue[k] = _wrap32(delta - s)
        act[k] = x
        s_out[k] = s >> shift_out


def sigma_spec(model) -> KernelSpec:
    return KernelSpec(step=sigma_step, arrays=("sigma",), in_ports=("a_in",), out_ports=("s_out",),
                      in_kinds=("f" if model.sigma.dtype.kind == "f" else "iu",), label="sigma")


def _one(x, dtype):
    return np.asarray(x).astype(dtype).reshape(-1)[0]


def delta_spec(model) -> KernelSpec | None:
    fixed = model.act.dtype.kind != "f"
    sigma_on = hasattr(model, "activation_dynamics")
    if np.size(model.vth) != 1:
        return None

    def params(m):
        relu = sigma_on and m.act_mode == 1
        dtype = np.int64 if fixed else np.float64
        bias = scalar_if_uniform(m.bias, m.act.shape, dtype) if sigma_on else dtype(0)
        common = (_one(m.vth, dtype), bool(np.asarray(m.cum_error).reshape(-1)[0]), sigma_on, relu, bias)
        if not fixed:
            return common
        shift_in = _one(m.spike_exp, np.int64) + _one(m.state_exp, np.int64) if m.SHIFT_INPUT else np.int64(0)
        return common + (np.int64(shift_in), _one(m.state_exp, np.int64))

    return KernelSpec(step=fixed_step if fixed else float_step, arrays=("sigma", "act", "residue", "error"),
                      in_ports=("a_in",), out_ports=("s_out",), params=params,
                      in_kinds=("iu" if fixed else "f",), label="sigma_delta_fixed" if fixed else "sigma_delta_float")
