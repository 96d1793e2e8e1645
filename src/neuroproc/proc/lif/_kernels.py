"""numba kernels of the LIF models (see neuroproc.runtime.kernels).

They repeat the models' arithmetic operation by operation, in the same dtypes, so the compiled
backend's numbers equal the python backend's bit for bit: float64 with the same operation order
(no fused multiply-add: numba does not contract without fastmath), and for the bit-accurate
model int64 arithmetic with explicit wrapping wherever numpy computes in int32.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from neuroproc.proc._int_kernels import trunc_shift as _trunc_shift
from neuroproc.proc._int_kernels import wrap32 as _wrap32
from neuroproc.runtime.kernels import KernelSpec, item, scalar_if_uniform

__all__ = [
    "bitacc_part",
    "bitacc_spec",
    "bitacc_uv_biased",
    "fixed_decays_and_bias",
    "float_part",
    "float_spec",
    "refractory_spec",
    "reset_float_spec",
    "ternary_fixed_spec",
    "ternary_float_spec",
]


@njit(cache=True)
def float_uv(u, v, a, decay_u, decay_v, bias):
    """One neuron's float LIF update, in Lava's order: ``u*(1-du) + a``, ``(v*(1-dv) + u) + bias``."""
    ui = u * decay_u
    ui = ui + a
    vi = v * decay_v
    vi = vi + ui
    return ui, vi + bias


@njit(cache=True)
def float_step(t, u_nd, v_nd, decay_u, decay_v, vth, bias, flag, words, a_nd, s_nd, s_idx, s_count):
    """One float LIF step; also writes the active view of ``s_out`` (its spike indices).

    ``decay_u``, ``decay_v``, ``vth`` and ``bias`` are flat arrays or, when uniform, scalars.
    The update is branch-free (selects, no jumps on the random spike pattern) and writes a 0/1
    byte per neuron to ``flag`` (length a multiple of 8, ``words`` is the same memory as
    uint64); the indices are then collected 8 neurons at a time, skipping words without a spike.
    """
    u, v = u_nd.reshape(u_nd.size), v_nd.reshape(v_nd.size)
    a_in, s_out = a_nd.reshape(a_nd.size), s_nd.reshape(s_nd.size)
    n = u.size
    for i in range(n):
        ui, vi = float_uv(u[i], v[i], a_in[i], item(decay_u, i), item(decay_v, i), item(bias, i))
        u[i] = ui
        fired = vi > item(vth, i)
        flag[i] = fired
        s_out[i] = 1.0 if fired else 0.0
        v[i] = 0.0 if fired else vi
    s_count[0] = _collect(flag, words, n, s_idx)


@njit(cache=True)
def _collect(flag, words, n, idx):
    """Indices of the set bytes of ``flag[:n]``, ascending, into ``idx``; returns how many."""
    k = 0
    w1 = n // 8
    for w in range(w1):
        if words[w] != 0:
            for j in range(8 * w, 8 * w + 8):
                idx[k] = j  # always written, counted only on a spike (no branch)
                k += np.int64(flag[j])
    for j in range(8 * w1, n):
        idx[k] = j
        k += np.int64(flag[j])
    return k


@njit(cache=True)
def float_part(t, p, lo, hi, u_nd, v_nd, decay_u, decay_v, vth, bias, flag, words, a_nd, s_nd, s_idx,
               part_counts):
    """:func:`float_step` for neurons ``lo:hi`` (part ``p``; ``lo`` a multiple of 8): their
    spike indices go to ``s_idx[lo:]``, their number to ``part_counts[p]``."""
    u, v = u_nd.reshape(u_nd.size), v_nd.reshape(v_nd.size)
    a_in, s_out = a_nd.reshape(a_nd.size), s_nd.reshape(s_nd.size)
    for i in range(np.uint64(lo), np.uint64(hi)):  # unsigned: no negative-index fix-up, so it vectorizes
        ui, vi = float_uv(u[i], v[i], a_in[i], item(decay_u, i), item(decay_v, i), item(bias, i))
        u[i] = ui
        fired = vi > item(vth, i)
        flag[i] = fired
        s_out[i] = 1.0 if fired else 0.0
        v[i] = 0.0 if fired else vi
    k = lo
    w1 = hi // 8
    for w in range(lo // 8, w1):
        if words[w] != 0:
            for j in range(8 * w, 8 * w + 8):
                s_idx[k] = j
                k += np.int64(flag[j])
    for j in range(max(lo, 8 * w1), hi):
        s_idx[k] = j
        k += np.int64(flag[j])
    part_counts[p] = k - lo



@njit(cache=True)
def bitacc_uv_biased(u, v, a, bias, decay_u, decay_v):
    """One neuron's bit-accurate ``u``, ``v`` update (see AbstractPyLifModelFixed) with the bias
    already scaled (``bias_mant << bias_exp`` in int32); returns both. Integer ops only, no
    data-dependent branches but the rare 24-bit wrap of ``u``."""
    # u: trunc0(u * decay_u / 4096) in int32, + (a << 6) in int32, then Lava's one-time wrap
    u_dec = _wrap32(_trunc_shift(np.int64(u) * decay_u, 12))
    a6 = _wrap32(np.int64(a) << 6)
    u_new = _wrap32(u_dec + a6)
    if u_new > 8388608:
        u_new -= 16777216
    if u_new <= -8388608:
        u_new += 16777216
    v_dec = _wrap32(_trunc_shift(np.int64(v) * decay_v, 12))
    v_new = _wrap32(_wrap32(v_dec + u_new) + bias)
    v_new = min(max(v_new, -8388607), 8388607)
    return u_new, v_new


@njit(cache=True)
def bitacc_uv(u, v, a, bias_mant, bias_exp, decay_u, decay_v):
    """:func:`bitacc_uv_biased` with the bias ``bias_mant << bias_exp`` (>> when negative) in int32."""
    e = np.int64(bias_exp)
    b = np.int64(bias_mant)
    return bitacc_uv_biased(u, v, a, _wrap32(b << e if e >= 0 else b >> (-e)), decay_u, decay_v)


@njit(cache=True)
def bitacc_step(t, u_nd, v_nd, decay_u, decay_v, bias, vth_eff, interval, offset, a_nd, s_nd):
    """Bit-accurate LIF step; with ``interval > 0`` also LIFReset's clearing of ``u`` and ``v``
    on the steps where ``t % interval == offset``. ``decay_u``, ``decay_v``, ``bias`` (scaled,
    int32 values) and ``vth_eff`` (``vth << 6``) are int64 arrays or, when uniform, scalars; the
    spike and reset are selects, not jumps on the spike pattern."""
    u, v = u_nd.reshape(u_nd.size), v_nd.reshape(v_nd.size)
    a_in, s_out = a_nd.reshape(a_nd.size), s_nd.reshape(s_nd.size)
    if interval > 0 and t % interval == offset:
        u[:] = 0
        v[:] = 0
    for i in range(u.size):
        u_new, v_new = bitacc_uv_biased(u[i], v[i], a_in[i], item(bias, i), item(decay_u, i), item(decay_v, i))
        u[i] = u_new
        fired = v_new > item(vth_eff, i)
        s_out[i] = fired
        v[i] = 0 if fired else v_new


@njit(cache=True)
def bitacc_part(t, p, lo, hi, u_nd, v_nd, decay_u, decay_v, bias, vth_eff, interval, offset, a_nd, s_nd):
    """:func:`bitacc_step` for neurons ``lo:hi`` (part ``p``)."""
    u, v = u_nd.reshape(u_nd.size), v_nd.reshape(v_nd.size)
    a_in, s_out = a_nd.reshape(a_nd.size), s_nd.reshape(s_nd.size)
    if interval > 0 and t % interval == offset:
        u[lo:hi] = 0
        v[lo:hi] = 0
    for i in range(np.uint64(lo), np.uint64(hi)):  # unsigned: no negative-index fix-up
        u_new, v_new = bitacc_uv_biased(u[i], v[i], a_in[i], item(bias, i), item(decay_u, i), item(decay_v, i))
        u[i] = u_new
        fired = v_new > item(vth_eff, i)
        s_out[i] = fired
        v[i] = 0 if fired else v_new


@njit(cache=True)
def ternary_fixed_step(t, u_nd, v_nd, decay_u, decay_v, bias, hi, lo, a_nd, s_nd):
    """Bit-accurate TernaryLIF step: spikes ``[v > hi] - [v < lo]``, reset where non-zero."""
    u, v = u_nd.reshape(u_nd.size), v_nd.reshape(v_nd.size)
    a_in, s_out = a_nd.reshape(a_nd.size), s_nd.reshape(s_nd.size)
    for i in range(u.size):
        u_new, v_new = bitacc_uv_biased(u[i], v[i], a_in[i], item(bias, i), item(decay_u, i), item(decay_v, i))
        u[i] = u_new
        s = np.int64(v_new > item(hi, i)) - np.int64(v_new < item(lo, i))
        s_out[i] = s
        v[i] = 0 if s != 0 else v_new


@njit(cache=True)
def reset_float_step(t, u_nd, v_nd, decay_u, decay_v, vth, bias, interval, offset, a_nd, s_nd):
    """Float LIFReset step: ``u``, ``v`` multiplied by 0 when ``t % interval == offset``."""
    u, v = u_nd.reshape(u_nd.size), v_nd.reshape(v_nd.size)
    a_in, s_out = a_nd.reshape(a_nd.size), s_nd.reshape(s_nd.size)
    clear = t % interval == offset
    for i in range(u.size):
        u0, v0 = u[i], v[i]
        if clear:
            u0 = u0 * 0.0
            v0 = v0 * 0.0
        ui, vi = float_uv(u0, v0, a_in[i], item(decay_u, i), item(decay_v, i), item(bias, i))
        u[i] = ui
        fired = vi > item(vth, i)
        s_out[i] = 1.0 if fired else 0.0
        v[i] = 0.0 if fired else vi


@njit(cache=True)
def refractory_step(t, u_nd, v_nd, end_nd, decay_u, decay_v, vth, bias, period, a_nd, s_nd):
    """Float LIFRefractory step: ``v`` integrates (``v*(1-dv) + (u + bias)``) only where
    ``end < t``; the threshold test runs everywhere; a spike sets ``end = t + period``."""
    u, v, end = u_nd.reshape(u_nd.size), v_nd.reshape(v_nd.size), end_nd.reshape(end_nd.size)
    a_in, s_out = a_nd.reshape(a_nd.size), s_nd.reshape(s_nd.size)
    for i in range(u.size):
        ui = u[i] * item(decay_u, i)
        ui = ui + a_in[i]
        u[i] = ui
        vi = v[i]
        if end[i] < t:
            vi = vi * item(decay_v, i) + (ui + item(bias, i))
        fired = vi > item(vth, i)
        s_out[i] = 1.0 if fired else 0.0
        if fired:
            end[i] = t + period
            vi = 0.0
        v[i] = vi


@njit(cache=True)
def ternary_float_step(t, u_nd, v_nd, decay_u, decay_v, hi, lo, bias, a_nd, s_nd):
    """Float TernaryLIF step: spikes ``-1.0 / 0.0 / +1.0``, reset where non-zero."""
    u, v = u_nd.reshape(u_nd.size), v_nd.reshape(v_nd.size)
    a_in, s_out = a_nd.reshape(a_nd.size), s_nd.reshape(s_nd.size)
    for i in range(u.size):
        ui, vi = float_uv(u[i], v[i], a_in[i], item(decay_u, i), item(decay_v, i), item(bias, i))
        u[i] = ui
        s = np.float64(vi > item(hi, i)) - np.float64(vi < item(lo, i))
        s_out[i] = s
        v[i] = 0.0 if s != 0.0 else vi


def float_spec(model) -> KernelSpec | None:
    if not (isinstance(model.u, np.ndarray) and model.u.dtype == np.float64 and model.v.dtype == np.float64
            and model.bias_mant.dtype == np.float64):
        return None

    def params(m):
        shape = m.u.shape
        flag = np.zeros(-(-m.u.size // 8) * 8, np.uint8)
        # (1 - d) computed by numpy as run_spk does, then widened exactly to float64
        return (scalar_if_uniform(1 - m.du, shape, np.float64), scalar_if_uniform(1 - m.dv, shape, np.float64),
                scalar_if_uniform(m.vth, shape, np.float64), scalar_if_uniform(m.bias_mant, shape, np.float64),
                flag, flag.view(np.uint64))

    return KernelSpec(step=float_step, arrays=("u", "v"), in_ports=("a_in",), out_ports=("s_out",),
                      out_views=("s_out",), params=params, label="lif_float", part=float_part, part_of="u",
                      part_local=("u", "v", "a_in", "s_out"))


def _float_params(m, *thresholds):
    """(1 - du), (1 - dv), the thresholds and bias_mant, as the float models compute them."""
    shape = m.u.shape
    return ((scalar_if_uniform(1 - m.du, shape, np.float64), scalar_if_uniform(1 - m.dv, shape, np.float64))
            + tuple(scalar_if_uniform(x, shape, np.float64) for x in thresholds)
            + (scalar_if_uniform(m.bias_mant, shape, np.float64),))


def _is_float_state(model) -> bool:
    return all(isinstance(x, np.ndarray) and x.dtype == np.float64 for x in (model.u, model.v, model.bias_mant))


def reset_float_spec(model) -> KernelSpec | None:
    if not _is_float_state(model):
        return None
    return KernelSpec(step=reset_float_step, arrays=("u", "v"), in_ports=("a_in",), out_ports=("s_out",),
                      params=lambda m: _float_params(m, m.vth) + (np.int64(m.reset_interval),
                                                                  np.int64(m.reset_offset)),
                      label="lifreset_float")


def refractory_spec(model) -> KernelSpec | None:
    if not (_is_float_state(model) and model.refractory_period_end.dtype == np.int64):
        return None
    return KernelSpec(step=refractory_step, arrays=("u", "v", "refractory_period_end"), in_ports=("a_in",),
                      out_ports=("s_out",),
                      params=lambda m: _float_params(m, m.vth) + (np.int64(m.refractory_period),),
                      label="lifrefractory_float")


def ternary_float_spec(model) -> KernelSpec | None:
    if not _is_float_state(model):
        return None
    return KernelSpec(step=ternary_float_step, arrays=("u", "v"), in_ports=("a_in",), out_ports=("s_out",),
                      params=lambda m: _float_params(m, m.vth_hi, m.vth_lo), label="ternlif_float")


def fixed_decays_and_bias(m):
    """``4096 - (du + 1)``, ``4096 - (dv + 1)`` and the scaled bias ``bias_mant << bias_exp`` (as
    the model computes it every step; ``set`` rebuilds the parameters), int64, scalars when uniform."""
    shape = m.u.shape
    return (scalar_if_uniform(m.DECAY_UNITY - (m._int(m.du) + m.DS_OFFSET), shape, np.int64),
            scalar_if_uniform(m.DECAY_UNITY - (m._int(m.dv) + m.DM_OFFSET), shape, np.int64),
            scalar_if_uniform(m.effective_bias(), shape, np.int64))


def ternary_fixed_spec(model) -> KernelSpec | None:
    def params(m):
        hi, lo = m.thresholds()  # shifted once, on the first step, as run_spk does
        return fixed_decays_and_bias(m) + (scalar_if_uniform(hi, m.u.shape, np.int64),
                                   scalar_if_uniform(lo, m.u.shape, np.int64))

    return KernelSpec(step=ternary_fixed_step, arrays=("u", "v"), in_ports=("a_in",),
                      out_ports=("s_out",), params=params, prepare=lambda m: m.thresholds(),
                      in_kinds=("iub",), label="ternlif_fixed")


def bitacc_spec(model, reset: bool = False) -> KernelSpec | None:
    """Bit-accurate LIF, and with ``reset`` LIFReset (the clearing of ``u``, ``v`` in the kernel)."""
    def params(m):
        # before the first step (only when the backend compiles) vth << 6 is not fixed yet
        vth = m.effective_vth if m.effective_vth is not None else np.left_shift(
            np.asarray(m._int(m.vth), dtype=np.int64), m.VTH_SHIFT)
        interval, offset = (m.reset_interval, m.reset_offset) if reset else (0, 0)
        return fixed_decays_and_bias(m) + (scalar_if_uniform(vth, m.u.shape, np.int64), np.int64(interval), np.int64(offset))

    def prepare(m):
        m.prepare_threshold()

    return KernelSpec(step=bitacc_step, arrays=("u", "v"), in_ports=("a_in",),
                      out_ports=("s_out",), params=params, prepare=prepare, in_kinds=("iub",),
                      label="lifreset_bitacc" if reset else "lif_bitacc", part=bitacc_part,
                      part_of="u", part_local=("u", "v", "a_in", "s_out"))
