"""numba kernels of the RingBuffer source and sink, Read and Reset (see neuroproc.runtime.kernels)."""
from __future__ import annotations

import numpy as np
from numba import njit

from neuroproc.runtime.kernels import KernelSpec

__all__ = ["read_spec", "reset_spec", "sink_spec", "source_spec"]


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
