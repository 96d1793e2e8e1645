"""numba kernel of the Passthrough models (see neuroproc.runtime.kernels)."""
from __future__ import annotations

from numba import njit

from neuroproc.runtime.kernels import KernelSpec

__all__ = ["passthrough_spec"]


@njit(cache=True)
def passthrough_step(t, s_in, s_out):
    """Copy this step's input (fan-in already summed) to the output, cast to its dtype."""
    flat_in = s_in.reshape(-1)
    flat_out = s_out.reshape(-1)
    for i in range(flat_out.size):
        flat_out[i] = flat_in[i]


def passthrough_spec(in_kinds: str = "") -> KernelSpec:
    return KernelSpec(step=passthrough_step, in_ports=("s_in",), out_ports=("s_out",),
                      in_kinds=(in_kinds,), label="passthrough")
