"""numba kernels of the RingBuffer source and sink, Read, Reset and DeltaEncoder (see
neuroproc.runtime.kernels)."""
from __future__ import annotations

import numpy as np
from numba import njit

from neuroproc.runtime.kernels import KernelSpec

__all__ = ["delta_encoder_spec", "read_spec", "reset_spec", "sink_spec", "source_spec"]


@njit(cache=True)
def source_step(t, data, out):
    """Send column (t-1) % T of data (shape (*shape, T))."""
    steps = data.shape[-1]
    col = (t - 1) % steps
    flat_data = data.reshape((-1, steps))
    flat_out = out.reshape(-1)
    for i in range(flat_out.size):
        flat_out[i] = flat_data[i, col]


@njit(cache=True)
def sink_step(t, data, a_in):
    """Store the received message in column (t-1) % buffer."""
    steps = data.shape[-1]
    col = (t - 1) % steps
    flat_data = data.reshape((-1, steps))
    flat_in = a_in.reshape(-1)
    for i in range(flat_in.size):
        flat_data[i, col] = flat_in[i]


def source_spec() -> KernelSpec:
    return KernelSpec(step=source_step, arrays=("data",), out_ports=("s_out",), label="source")


def sink_spec() -> KernelSpec:
    return KernelSpec(step=sink_step, arrays=("data",), in_ports=("a_in",), label="sink")


@njit(cache=True)
def read_step(t, data, count, interval, offset, value):
    """Read's post-management step: on the steps ``(t - 1) % interval == offset``, store the
    Var's value in column ``count % buffer`` of ``data`` and count the read."""
    if (t - 1) % interval != offset:
        return
    steps = data.shape[-1]
    col = count[0] % steps
    flat_data = data.reshape((-1, steps))
    flat_value = value.reshape(-1)
    for i in range(flat_value.size):
        flat_data[i, col] = flat_value[i]
    count[0] += 1


def read_spec() -> KernelSpec:
    return KernelSpec(step=read_step, arrays=("data", "count"),
                      params=lambda m: (int(m.interval[0]), int(m.offset[0])),
                      ref_ports=("state",), label="read")


@njit(cache=True)
def reset_step(t, interval, offset, value, target):
    """Reset's post-management step: on the steps ``(t - 1) % interval == offset``, write
    ``value`` (the Var's dtype and shape, converted once per run) into the Var."""
    if (t - 1) % interval != offset:
        return
    flat_target = target.reshape(-1)
    flat_value = value.reshape(-1)
    for i in range(flat_target.size):
        flat_target[i] = flat_value[i]


def _reset_params(m) -> tuple:
    """``interval``, ``offset`` and the value a write of ``reset_value`` stores (checked and cast
    as ``write`` does; zeros of the port's shape when the port is unconnected)."""
    full = np.full(m.state.shape, m.reset_value[0])
    target = m.state.target
    value = target.convert(full) if target is not None else np.zeros(m.state.shape)
    return int(m.interval[0]), int(m.offset[0]), np.ascontiguousarray(value)


def reset_spec() -> KernelSpec:
    return KernelSpec(step=reset_step, params=_reset_params, ref_ports=("state",), ref_writes=("state",),
                      label="reset")


@njit(cache=True)
def delta_early(t, act, residue, s_out_buf, vth, spike_exp, a_min, a_max, s_out):
    """DeltaEncoder sends last step's encoding first (int64 values, wrapped to the int32 port)."""
    flat_buf, flat_out = s_out_buf.reshape(-1), s_out.reshape(-1)
    for i in range(flat_out.size):
        flat_out[i] = flat_buf[i]


@njit(cache=True)
def delta_step(t, act, residue, s_out_buf, vth, spike_exp, a_min, a_max, a_in):
    """``delta = (a << spike_exp) - act + residue`` (int64); send ``delta`` where ``|delta| >=
    vth``, clipped to ``[a_min, a_max]`` when ``a_max > 0``; keep the rest as ``residue`` and the
    scaled input as ``act`` (both int32, wrapping)."""
    flat_act, flat_res, flat_buf, flat_in = act.reshape(-1), residue.reshape(-1), s_out_buf.reshape(-1), \
        a_in.reshape(-1)
    for i in range(flat_in.size):
        new = np.int64(flat_in[i]) << spike_exp
        delta = new - np.int64(flat_act[i]) + np.int64(flat_res[i])
        s = delta if abs(delta) >= vth else np.int64(0)
        if a_max > 0:
            s = min(max(s, a_min), a_max)
        flat_res[i] = delta - s
        flat_act[i] = new
        flat_buf[i] = s


def _delta_buffer(m) -> None:
    """``s_out_buf`` as the int64 array the model's encoding makes (zeros of int32 before it)."""
    if m.s_out_buf.dtype != np.int64:
        m.s_out_buf = m.s_out_buf.astype(np.int64)


def delta_encoder_spec(model) -> KernelSpec | None:
    if int(np.ravel(model.spike_exp)[0]) < 0:
        return None  # numpy's shift by a negative count is not a right shift: leave it to numpy
    return KernelSpec(step=delta_step, early=delta_early, arrays=("act", "residue", "s_out_buf"),
                      params=lambda m: tuple(int(np.ravel(x)[0]) for x in (m.vth, m.spike_exp, m.a_min, m.a_max)),
                      in_ports=("a_in",), early_ports=("s_out",), setup=_delta_buffer, prepare=_delta_buffer,
                      label="delta_encoder")
