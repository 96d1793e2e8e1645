"""numba kernels of the S4D models: numpy's complex products spelled out, and SigmaDelta's float
encoder.

numpy multiplies complex arrays with fused multiply-adds where the CPU has them
(``re = fma(ar, br, -(ai bi))``, ``im = fma(ar, bi, ai br)``), the naive formula elsewhere.
:data:`COMPLEX_PRODUCT` records which one this machine's numpy uses (probed at import); the
kernel computes the same, or there is no kernel if numpy does something else.
"""
from __future__ import annotations

from fractions import Fraction

import numba
import numpy as np
from numba import njit

from neuroproc.proc.sdn._kernels import encode_float
from neuroproc.runtime.kernels import KernelSpec

__all__ = ["COMPLEX_PRODUCT", "fma", "s4d_spec", "sigma_s4d_delta_spec"]


def fma(x, y, z):
    """``x * y + z`` rounded once (exact rational arithmetic in Python; llvm.fma when jitted)."""
    return float(Fraction(float(x)) * Fraction(float(y)) + Fraction(float(z)))


if not getattr(numba.config, "DISABLE_JIT", False):
    from llvmlite import ir
    from numba.core import types
    from numba.extending import overload
    from numba.extending import intrinsic

    @intrinsic
    def _llvm_fma(typingctx, x, y, z):
        sig = types.float64(types.float64, types.float64, types.float64)

        def codegen(context, builder, signature, args):
            double = ir.DoubleType()
            fn = builder.module.declare_intrinsic("llvm.fma", [double], ir.FunctionType(double, [double] * 3))
            return builder.call(fn, args)

        return sig, codegen

    @overload(fma, inline="always")
    def _fma_overload(x, y, z):
        return lambda x, y, z: _llvm_fma(np.float64(x), np.float64(y), np.float64(z))


def _probe() -> str:
    """``'fma'`` or ``'naive'``: how numpy multiplies complex arrays here ('' if neither)."""
    rng = np.random.default_rng(12345)
    a = rng.normal(size=64) + 1j * rng.normal(size=64)
    b = rng.normal(size=64) + 1j * rng.normal(size=64)
    p = a * b
    ar, ai, br, bi = a.real, a.imag, b.real, b.imag
    if np.array_equal(p.real, ar * br - ai * bi) and np.array_equal(p.imag, ar * bi + ai * br):
        return "naive"
    fused = [complex(fma(ar[k], br[k], -(ai[k] * bi[k])), fma(ar[k], bi[k], ai[k] * br[k])) for k in range(64)]
    return "fma" if np.array_equal(p, np.array(fused)) else ""


#: how numpy multiplies complex arrays on this machine: 'fma', 'naive' or '' (unknown: no kernel)
COMPLEX_PRODUCT = _probe()


@njit(cache=True)
def cmul(x, y, fused):
    """numpy's product of two complex array elements."""
    if fused:
        return complex(fma(x.real, y.real, -(x.imag * y.imag)), fma(x.real, y.imag, x.imag * y.real))
    return complex(x.real * y.real - x.imag * y.imag, x.real * y.imag + x.imag * y.real)


@njit(cache=True)
def s4d_step(t, x_nd, a_nd, b_nd, c_nd, fused, u_nd, s_nd):
    x, a, b, c = x_nd.reshape(x_nd.size), a_nd.reshape(a_nd.size), b_nd.reshape(b_nd.size), c_nd.reshape(c_nd.size)
    u, s_out = u_nd.reshape(u_nd.size), s_nd.reshape(s_nd.size)
    for k in range(x.size):
        # a real input is the complex u + 0j; the factor 2 only doubles (its 0j adds +-0)
        xk = cmul(x[k], a[k], fused) + cmul(complex(u[k], 0.0), b[k], fused)
        x[k] = xk
        s_out[k] = cmul(c[k], xk, fused).real * 2.0


@njit(cache=True)
def sigma_s4d_delta_step(t, sigma_nd, act_nd, res_nd, err_nd, x_nd, a_nd, b_nd, c_nd, vth, cum, a_in_nd, s_nd):
    sigma, act, residue, error = sigma_nd.reshape(sigma_nd.size), act_nd.reshape(act_nd.size), \
        res_nd.reshape(res_nd.size), err_nd.reshape(err_nd.size)
    x, a, b, c = x_nd.reshape(x_nd.size), a_nd.reshape(a_nd.size), b_nd.reshape(b_nd.size), c_nd.reshape(c_nd.size)
    a_in, s_out = a_in_nd.reshape(a_in_nd.size), s_nd.reshape(s_nd.size)
    for k in range(x.size):
        sg = a_in[k] + sigma[k]
        sigma[k] = sg
        xk = x[k] * a[k] + sg * b[k]
        x[k] = xk
        value = c[k] * xk * 2
        s_out[k], act[k], residue[k], error[k] = encode_float(value, act[k], residue[k], error[k], vth, cum)


def s4d_spec(model) -> KernelSpec | None:
    if not COMPLEX_PRODUCT or not all(getattr(model, n).dtype == np.complex128 for n in ("a", "b", "c", "s4_state")):
        return None
    return KernelSpec(step=s4d_step, arrays=("s4_state", "a", "b", "c"), in_ports=("a_in",), out_ports=("s_out",),
                      params=lambda m: (COMPLEX_PRODUCT == "fma",), in_kinds=("fiub",), label="s4d")


def sigma_s4d_delta_spec(model) -> KernelSpec | None:
    if np.size(model.vth) != 1 or not all(getattr(model, n).dtype == np.float64 for n in ("a", "b", "c", "s4_state")):
        return None
    return KernelSpec(step=sigma_s4d_delta_step, arrays=("sigma", "act", "residue", "error", "s4_state", "a", "b", "c"),
                      in_ports=("a_in",), out_ports=("s_out",),
                      params=lambda m: (np.float64(np.asarray(m.vth).reshape(-1)[0]),
                                        bool(np.asarray(m.cum_error).reshape(-1)[0])),
                      in_kinds=("f",), label="sigma_s4d_delta")
