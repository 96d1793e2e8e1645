"""numba kernels of the dataloaders (see neuroproc.runtime.kernels). The loading itself stays in
Python: the models use the host-block hook to end a fused block right after each load step and
load there, as their post-management phase does; the kernels only send what was loaded."""
from __future__ import annotations

from numba import njit

from neuroproc.runtime.kernels import KernelSpec

__all__ = ["spike_loader_spec", "state_loader_spec"]


@njit(cache=True)
def _send_truth(truth, ground_truth):
    flat_t, flat_g = truth.reshape(-1), ground_truth.reshape(-1)
    for i in range(flat_g.size):
        flat_g[i] = flat_t[i]


@njit(cache=True)
def state_loader_step(t, truth, ground_truth, state):
    """Send the ground truth of the current sample (the input was written between blocks)."""
    _send_truth(truth, ground_truth)


@njit(cache=True)
def spike_loader_step(t, data, clock, truth, interval, s_out, ground_truth):
    """Send column ``clock % interval`` of the current sample and its ground truth; count the step."""
    steps = data.shape[-1]
    col = clock[0] % interval
    flat_data, flat_out = data.reshape((-1, steps)), s_out.reshape(-1)
    for i in range(flat_out.size):
        flat_out[i] = flat_data[i, col]
    _send_truth(truth, ground_truth)
    clock[0] += 1


def state_loader_spec() -> KernelSpec:
    return KernelSpec(step=state_loader_step, arrays=("truth",), out_ports=("ground_truth",),
                      ref_ports=("state",), ref_writes=("state",), label="state_dataloader")


def spike_loader_spec() -> KernelSpec:
    return KernelSpec(step=spike_loader_step, arrays=("data", "clock", "truth"),
                      params=lambda m: (int(m.interval[0]),), out_ports=("s_out", "ground_truth"),
                      label="spike_dataloader")
