"""numba kernels of the RingBuffer source and sink (see neuroproc.runtime.kernels)."""
from __future__ import annotations

from numba import njit

from neuroproc.runtime.kernels import KernelSpec

__all__ = ["sink_spec", "source_spec"]


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
