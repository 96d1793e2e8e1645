"""numba kernels of the RF and RF_IZ models (see neuroproc.runtime.kernels).

One kernel per arithmetic; ``iz`` selects RF_IZ's firing rule and reset. Float products and
sums run in the models' order; the fixed kernel computes in int64 with the models' int32 input
shift and the sign-magnitude product scaling.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from neuroproc.proc._int_kernels import trunc_shift as _trunc_shift
from neuroproc.proc._int_kernels import wrap32 as _wrap32
from neuroproc.runtime.kernels import KernelSpec

__all__ = ["fixed_spec", "float_spec"]


@njit(cache=True)
def float_step(t, re_nd, im_nd, cos_d, sin_d, vth, iz, margin, are_nd, aim_nd, s_nd):
    real, imag = re_nd.reshape(re_nd.size), im_nd.reshape(im_nd.size)
    a_re, a_im, s_out = are_nd.reshape(are_nd.size), aim_nd.reshape(aim_nd.size), s_nd.reshape(s_nd.size)
    for k in range(real.size):
        re, im = real[k], imag[k]
        new_re = cos_d * re - sin_d * im + a_re[k]
        new_im = sin_d * re + cos_d * im + a_im[k]
        if iz:
            fired = new_im >= vth
            sf = 1.0 if fired else 0.0
            real[k] = new_re * (1.0 - sf)
            imag[k] = sf * (vth - margin) + (1.0 - sf) * new_im
        else:
            fired = (new_re >= vth) and (new_im >= 0) and (im < 0)
            real[k], imag[k] = new_re, new_im
        s_out[k] = fired


@njit(cache=True)
def fixed_step(t, re_nd, im_nd, cos_d, sin_d, bits, state_exp, vth, iz, margin, are_nd, aim_nd, s_nd):
    real, imag = re_nd.reshape(re_nd.size), im_nd.reshape(im_nd.size)
    a_re, a_im, s_out = are_nd.reshape(are_nd.size), aim_nd.reshape(aim_nd.size), s_nd.reshape(s_nd.size)
    limit = 8388607
    for k in range(real.size):
        re, im = np.int64(real[k]), np.int64(imag[k])
        x_re = _wrap32(np.int64(a_re[k]) << state_exp)
        x_im = _wrap32(np.int64(a_im[k]) << state_exp)
        new_re = _trunc_shift(cos_d * re, bits) - _trunc_shift(sin_d * im, bits) + x_re
        new_im = _trunc_shift(sin_d * re, bits) + _trunc_shift(cos_d * im, bits) + x_im
        new_re = min(max(new_re, -limit), limit)
        new_im = min(max(new_im, -limit), limit)
        if iz:
            fired = new_im >= vth
            real[k] = 0 if fired else new_re
            imag[k] = vth - margin if fired else new_im
        else:
            fired = (new_re >= vth) and (new_im >= 0) and (im < 0)
            real[k], imag[k] = new_re, new_im
        s_out[k] = fired


def _iz(m) -> tuple:
    return (m.RESET_MARGIN is not None, 0 if m.RESET_MARGIN is None else m.RESET_MARGIN)


def float_spec(model) -> KernelSpec | None:
    if not (model.real.dtype == np.float64 and model.imag.dtype == np.float64):
        return None

    def params(m):
        iz, margin = _iz(m)
        return (np.float64(m.cos_decay), np.float64(m.sin_decay), np.float64(np.asarray(m.vth).item()),
                iz, np.float64(margin))

    return KernelSpec(step=float_step, arrays=("real", "imag"), in_ports=("a_real_in", "a_imag_in"),
                      out_ports=("s_out",), params=params, label="rf_float")


def _one_int(x) -> bool:
    arr = np.asarray(x)
    return arr.size == 1 and arr.dtype.kind in "iu"


def fixed_spec(model) -> KernelSpec | None:
    # the model needs integer decays (decay_bits > 0) and one shared value per parameter
    if not all(_one_int(getattr(model, a)) for a in ("cos_decay", "sin_decay", "decay_bits", "state_exp", "vth")):
        return None

    def params(m):
        iz, margin = _iz(m)
        return tuple(np.int64(np.asarray(getattr(m, a)).item())
                     for a in ("cos_decay", "sin_decay", "decay_bits", "state_exp", "vth")) + (iz, np.int64(margin))

    return KernelSpec(step=fixed_step, arrays=("real", "imag"), in_ports=("a_real_in", "a_imag_in"),
                      out_ports=("s_out",), params=params, in_kinds=("iu", "iu"), label="rf_fixed")
