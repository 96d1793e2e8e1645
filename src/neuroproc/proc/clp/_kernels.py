"""numba kernels of the CLP processes (IdBroadcast, NoveltyDetector, Readout, Allocator and the
bit-accurate PrototypeLIF; see neuroproc.runtime.kernels): each repeats its model's ``run_spk``
on the same integer values."""
from __future__ import annotations

import numpy as np
from numba import njit

from neuroproc.proc.clp.prototype_lif.models import ALLOCATED_Y1
from neuroproc.proc.lif._kernels import bitacc_uv_biased, fixed_decays_and_bias
from neuroproc.runtime.kernels import KernelSpec, item, scalar_if_uniform

__all__ = ["allocator_spec", "id_broadcast_spec", "novelty_spec", "prototype_spec", "readout_spec"]


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


@njit(cache=True)
def prototype_step(t, u_nd, v_nd, y1, y2, y3, decay_u, decay_v, bias, vth_eff, a_nd, third, reset_in,
                   s_nd, bap, s_y1, s_y2, s_y3):
    """PrototypeLIF's step: the bit-accurate LIF update, ``u = v = 0`` where ``reset_in > 0``,
    spikes ``v > vth << 6``; a third-factor id ``k`` (first entry, as int32) replaces them by a
    one-hot spike of neuron ``k - 1`` (numpy's indexing: negative ids count from the end) and
    sets ``y1 = 127`` there, 0 elsewhere; spiking neurons restart at ``v = 0``."""
    u, v = u_nd.reshape(-1), v_nd.reshape(-1)
    a_in, s_out, flat_bap, flat_reset = a_nd.reshape(-1), s_nd.reshape(-1), bap.reshape(-1), reset_in.reshape(-1)
    n = u.size
    for i in range(n):
        u_new, v_new = bitacc_uv_biased(u[i], v[i], a_in[i], item(bias, i), item(decay_u, i), item(decay_v, i))
        if flat_reset[i] > 0:
            u_new, v_new = 0, 0
        u[i] = u_new
        v[i] = v_new
    k = np.int64(np.int32(third.reshape(-1)[0]))
    flat_bap[:] = False
    if k != 0:
        j = k - 1
        if j < -n or j >= n:
            raise IndexError("PrototypeLIF: the third factor names no neuron (index out of range)")
        flat_bap[j + n if j < 0 else j] = True
        flat_y1 = y1.reshape(-1)
        for i in range(n):
            flat_y1[i] = ALLOCATED_Y1 if flat_bap[i] else 0
    for i in range(n):
        fired = flat_bap[i] if k != 0 else v[i] > item(vth_eff, i)
        s_out[i] = fired
        v[i] = 0 if fired else v[i]
    s_y1.reshape(-1)[:] = y1.reshape(-1)
    s_y2.reshape(-1)[:] = y2.reshape(-1)
    s_y3.reshape(-1)[:] = y3.reshape(-1)


def prototype_spec(model) -> KernelSpec:
    def params(m):
        vth = m.effective_vth if m.effective_vth is not None else np.left_shift(
            np.asarray(m._int(m.vth), dtype=np.int64), m.VTH_SHIFT)
        return fixed_decays_and_bias(m) + (scalar_if_uniform(vth, m.u.shape, np.int64),)

    return KernelSpec(step=prototype_step, arrays=("u", "v", "y1", "y2", "y3"),
                      in_ports=("a_in", "a_third_factor_in", "reset_in"),
                      out_ports=("s_out", "s_out_bap", "s_out_y1", "s_out_y2", "s_out_y3"), params=params,
                      prepare=lambda m: m.prepare_threshold(), in_kinds=("iub", "", ""), label="prototype_lif")
