"""numba kernels of ``Injector`` and ``Extractor``: a block array exchanged with the host between
fused blocks (see :mod:`neuroproc.proc.io._host_link`)."""
from __future__ import annotations

from numba import njit

from neuroproc.runtime.kernels import KernelSpec

__all__ = ["extractor_spec", "injector_spec"]


@njit(cache=True)
def injector_step(t, host_block, host_base, out):
    """Send row ``t - 1 - base`` of the block the host filled before this block of steps."""
    row = host_block[t - 1 - host_base[0]].reshape(-1)
    flat_out = out.reshape(-1)
    for i in range(flat_out.size):
        flat_out[i] = row[i]


@njit(cache=True)
def extractor_step(t, host_block, host_base, a_in, out):
    """Store what ``in_port`` received in row ``t - 1 - base`` (drained to the host after the
    block) and pass it on to ``out_port``."""
    row = host_block[t - 1 - host_base[0]].reshape(-1)
    flat_in = a_in.reshape(-1)
    flat_out = out.reshape(-1)
    for i in range(flat_in.size):
        row[i] = flat_in[i]
        flat_out[i] = flat_in[i]


def injector_spec() -> KernelSpec:
    return KernelSpec(step=injector_step, arrays=("host_block", "host_base"), out_ports=("out_port",),
                      label="injector")


def extractor_spec() -> KernelSpec:
    return KernelSpec(step=extractor_step, arrays=("host_block", "host_base"), in_ports=("in_port",),
                      out_ports=("out_port",), label="extractor")
