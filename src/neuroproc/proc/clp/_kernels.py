"""numba kernels of the CLP helper processes (IdBroadcast, NoveltyDetector, Readout, Allocator;
see neuroproc.runtime.kernels): each repeats its model's ``run_spk`` on the same int32 values."""
from __future__ import annotations

import numpy as np
from numba import njit

from neuroproc.runtime.kernels import KernelSpec

__all__ = ["allocator_spec", "id_broadcast_spec", "novelty_spec", "readout_spec"]


@njit(cache=True)
def id_broadcast_step(t, val, a_in, s_out):
    """``val <- a_in`` (int32, wrapping) and forward ``a_in``."""
    flat_val, flat_in, flat_out = val.reshape(-1), a_in.reshape(-1), s_out.reshape(-1)
    for i in range(flat_in.size):
        flat_val[i] = flat_in[i]
        flat_out[i] = flat_in[i]


@njit(cache=True)
def allocator_step(t, next_alloc_id, trigger_in, allocate_out):
    """Send ``next_alloc_id`` and count it up (int32) when triggered, else 0."""
    allocate_out[:] = 0
    if trigger_in[0] != 0:
        allocate_out[0] = next_alloc_id[0]
        next_alloc_id[0] += 1


@njit(cache=True)
def novelty_step(t, state, t_wait, input_aval_in, output_aval_in, novelty_detected_out):
    """``state = [waiting, steps waited]``: an input starts a wait, an output ends it; a wait
    longer than ``t_wait`` steps sends the novelty signal and ends."""
    novel = 0
    if (input_aval_in != 0).any():
        state[0], state[1] = 1, 0
    if (output_aval_in != 0).any():
        state[0], state[1] = 0, 0
    elif state[1] > t_wait:
        novel = 1
        state[0], state[1] = 0, 0
    if state[0] != 0:
        state[1] += 1
    novelty_detected_out[:] = 0
    novelty_detected_out[0] = novel


@njit(cache=True)
def readout_step(t, labels, last_winner_id, inference_in, label_in, user_output, trigger_alloc, feedback):
    """The first prototype that fired wins (an unlabelled one gets the pseudo-label
    ``-(id + 1)``); a user label then checks (+1 / -1, allocate on -1) or names the last winner."""
    user_label = np.int64(label_in[0])
    predicted, check, allocate = np.int64(0), np.int64(0), np.int64(0)
    for winner in range(inference_in.size):
        if inference_in[winner] != 0:
            last_winner_id[0] = winner
            if labels[winner] == 0:
                labels[winner] = -(winner + 1)
            predicted = np.int64(labels[winner])
            break
    if user_label != 0:
        last = np.int64(last_winner_id[0])
        if labels[last] > 0:
            check = 1 if labels[last] == user_label else -1
            allocate = np.int64(check < 0)
        elif labels[last] < 0:
            labels[last] = user_label
            predicted = user_label
    user_output[:] = 0
    user_output[0] = predicted
    feedback[:] = 0
    feedback[0] = check
    trigger_alloc[:] = 0
    trigger_alloc[0] = allocate


def id_broadcast_spec() -> KernelSpec:
    return KernelSpec(step=id_broadcast_step, arrays=("val",), in_ports=("a_in",), out_ports=("s_out",),
                      in_kinds=("iub",), label="id_broadcast")


def allocator_spec() -> KernelSpec:
    return KernelSpec(step=allocator_step, arrays=("next_alloc_id",), in_ports=("trigger_in",),
                      out_ports=("allocate_out",), label="allocator")


def novelty_spec() -> KernelSpec:
    return KernelSpec(step=novelty_step, arrays=("state",),
                      params=lambda m: (int(np.asarray(m.t_wait).ravel()[0]),),
                      in_ports=("input_aval_in", "output_aval_in"), out_ports=("novelty_detected_out",),
                      label="novelty_detector")


def readout_spec() -> KernelSpec:
    return KernelSpec(step=readout_step, arrays=("proto_labels", "last_winner_id"),
                      in_ports=("inference_in", "label_in"), out_ports=("user_output", "trigger_alloc", "feedback"),
                      label="readout")
