"""numba kernels of the Passthrough and LinearChain models (see neuroproc.runtime.kernels)."""
from __future__ import annotations

import numpy as np
from numba import njit

from neuroproc.proc.dense._graded_kernels import graded_matvec_into
from neuroproc.runtime.kernels import KernelSpec

__all__ = ["linear_chain_spec", "passthrough_spec"]


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


@njit(cache=True)
def linear_chain_early(t, pipeline, w, binary, s, a_out):
    """Send pipeline row ``t % delay``: what arrived ``delay`` steps ago, times W."""
    row = pipeline[t % pipeline.shape[0]]
    flat_out = a_out.reshape(-1)
    for i in range(flat_out.size):
        flat_out[i] = row[i]


@njit(cache=True)
def linear_chain_step(t, pipeline, w, binary, s, s_in):
    """Pipeline row ``t % delay`` <- W s_in (W (s_in != 0) with binary input), in the order of
    neuroproc.proc.dense._graded_kernels, as the python model's product."""
    flat_in = s_in.reshape(-1)
    for j in range(s.size):
        s[j] = np.float64(flat_in[j] != 0) if binary else np.float64(flat_in[j])
    graded_matvec_into(pipeline[t % pipeline.shape[0]], w, s)


def linear_chain_spec(model) -> KernelSpec | None:
    """The kernel of the float LinearChain model (None unless its weights are a float 2-D matrix and
    its pipeline a float64 (delay, n_out) array)."""
    w, pipeline = model.weights, model.pipeline
    if not isinstance(w, np.ndarray) or w.ndim != 2 or w.dtype.kind != "f" or not isinstance(pipeline, np.ndarray) \
            or pipeline.dtype != np.float64 or pipeline.ndim != 2 or pipeline.shape[1] != w.shape[0]:
        return None
    binary = bool(model.proc_params.get("binary_input", False))

    def params(m):
        # the input as float64 (a scratch vector), so the product is the python model's
        return (np.ascontiguousarray(m.weights, dtype=np.float64), binary, np.zeros(m.weights.shape[1]))

    return KernelSpec(step=linear_chain_step, early=linear_chain_early, arrays=("pipeline",), in_ports=("s_in",),
                      early_ports=("a_out",), params=params, in_kinds=("biuf",), label="linear_chain")
