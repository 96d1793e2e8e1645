"""numba kernels of ``Injector``, ``Extractor`` and ``VarWire``: a block array exchanged with the host between
fused blocks (see :mod:`neuroproc.proc.io._host_link`)."""
from __future__ import annotations

from numba import njit

from neuroproc.runtime.kernels import KernelSpec

__all__ = ["extractor_spec", "injector_spec", "var_wire_spec"]


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


@njit(cache=True)
def var_wire_step(t, host_block, host_base, value):
    """Store the tapped Var (read after its holder's step, through the ref-port) in row
    ``t - 1 - base``, relayed to the host after the block."""
    row = host_block[t - 1 - host_base[0]].reshape(-1)
    flat = value.reshape(-1)
    for i in range(flat.size):
        row[i] = flat[i]


def var_wire_spec() -> KernelSpec:
    return KernelSpec(step=var_wire_step, arrays=("host_block", "host_base"), ref_ports=("wire_tap",),
                      setup=lambda m: m.setup_block(), label="var_wire")
