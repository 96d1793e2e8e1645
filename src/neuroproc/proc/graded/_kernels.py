"""numba kernels of the graded models and of ProdNeuron (see neuroproc.runtime.kernels).

int32 arithmetic as numpy does it (explicit wrapping, numpy's ``abs`` of ``-2**31``).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from neuroproc.proc._int_kernels import abs32, wrap32
from neuroproc.runtime.kernels import KernelSpec

__all__ = ["graded_spec", "invsqrt_fixed_spec", "invsqrt_float_spec", "normvec_spec", "spike_value"]


@njit(cache=True)
def spike_value(v, vth):
    """``v`` where ``|v| > vth`` (graded_spikes), else 0."""
    return v if abs32(v) > vth else 0


@njit(cache=True)
def graded_step(t, v_nd, vth, relu, a_nd, s_nd):
    v, a_in, s_out = v_nd.reshape(v_nd.size), a_nd.reshape(a_nd.size), s_nd.reshape(s_nd.size)
    for k in range(v.size):
        x = wrap32(np.int64(v[k]) + np.int64(a_in[k]))
        if relu:
            s_out[k] = x if x > vth else 0
        else:
            s_out[k] = spike_value(x, vth)
        v[k] = 0


@njit(cache=True)
def normvec_step(t, v_nd, v2_nd, vth, a1_nd, a2_nd, s_nd, s2_nd):
    v, v2 = v_nd.reshape(v_nd.size), v2_nd.reshape(v2_nd.size)
    a1, a2 = a1_nd.reshape(a1_nd.size), a2_nd.reshape(a2_nd.size)
    s_out, s2_out = s_nd.reshape(s_nd.size), s2_nd.reshape(s2_nd.size)
    for k in range(v.size):
        x = np.int64(a1[k])
        s2_out[k] = wrap32(x * x)
        v2[k] = v[k]
        v[k] = x
        s_out[k] = spike_value(wrap32(np.int64(v2[k]) * np.int64(a2[k])), vth)


@njit(cache=True)
def invsqrt_float_step(t, a_nd, s_nd):
    a_in, s_out = a_nd.reshape(a_nd.size), s_nd.reshape(s_nd.size)
    for k in range(a_in.size):
        root = np.sqrt(np.float64(a_in[k]))  # numpy computes a ** 0.5 as sqrt
        s_out[k] = math.copysign(np.inf, root) if root == 0.0 else 1.0 / root


@njit(cache=True)
def inv_sqrt_value(s, table, n_iters, frac):
    """models.inv_sqrt for one positive value; ``clz`` by the bit length (equal to the model's
    ``log2`` for every int32: no value near a power of two rounds across it in float64)."""
    bits = 0
    x = s
    while x > 0:
        bits += 1
        x >>= 1
    m = 24 - bits
    if m < 0:  # Python's negative index, as in the model
        m += 24
    y_big = table[m]
    b = s
    y = y_big // 2
    for _ in range(n_iters):
        b = ((b * y_big) >> (frac + 1)) * y_big >> (frac + 1)
        y_big = (3 << frac) - b
        y = (y * y_big) >> (frac + 1)
    return y


@njit(cache=True)
def invsqrt_fixed_step(t, table, n_iters, frac, a_nd, s_nd):
    a_in, s_out = a_nd.reshape(a_nd.size), s_nd.reshape(s_nd.size)
    for k in range(a_in.size):
        s = np.int64(a_in[k])
        # the port is int32: the value wraps, as the python backend's channel casts it
        s_out[k] = wrap32(inv_sqrt_value(s, table, n_iters, frac)) if s > 0 else 0


def graded_spec(model) -> KernelSpec:
    return KernelSpec(step=graded_step, arrays=("v",), in_ports=("a_in",), out_ports=("s_out",),
                      params=lambda m: (np.int64(np.asarray(m.vth).reshape(-1)[0]), bool(m.RELU)),
                      in_kinds=("iub",), label="graded_relu" if model.RELU else "graded")


def normvec_spec(model) -> KernelSpec:
    return KernelSpec(step=normvec_step, arrays=("v", "v2"), in_ports=("a_in1", "a_in2"),
                      out_ports=("s_out", "s2_out"),
                      params=lambda m: (np.int64(np.asarray(m.vth).reshape(-1)[0]),),
                      in_kinds=("iub", "iub"), label="normvecdelay")


def invsqrt_float_spec(model) -> KernelSpec:
    return KernelSpec(step=invsqrt_float_step, in_ports=("a_in",), out_ports=("s_out",), in_kinds=("fiub",),
                      label="invsqrt_float")


def invsqrt_fixed_spec(model) -> KernelSpec:
    from neuroproc.proc.graded.models import make_fpinv_table

    return KernelSpec(step=invsqrt_fixed_step, in_ports=("a_in",), out_ports=("s_out",),
                      params=lambda m: (make_fpinv_table(m.B_FRACTION).astype(np.int64), np.int64(m.N_ITERS),
                                        np.int64(m.B_FRACTION)),
                      in_kinds=("iub",), label="invsqrt_fixed")
