"""numba kernels of the LearningLIF models (see neuroproc.runtime.kernels): the LIF kernels'
step, then what :class:`~neuroproc.learning.neuron.LearningNeuronSends` sends -- the spikes on
``s_out_bap`` and ``y1..y3`` on ``s_out_y1..y3``. ``a_third_factor_in`` is not read (as in the
models): a network that connects it stays on the python backend."""
from __future__ import annotations

from numba import njit

from neuroproc.proc.lif._kernels import bitacc_spec, bitacc_step, float_spec, float_step
from neuroproc.runtime.kernels import KernelSpec

__all__ = ["learning_bitacc_spec", "learning_float_spec"]

_SENDS = ("s_out_bap", "s_out_y1", "s_out_y2", "s_out_y3")


@njit(cache=True)
def _send_learning(s_out, y1, y2, y3, bap, s_y1, s_y2, s_y3):
    flat_s, flat_bap = s_out.reshape(-1), bap.reshape(-1)
    for i in range(flat_s.size):
        flat_bap[i] = flat_s[i] != 0
    s_y1.reshape(-1)[:] = y1.reshape(-1)
    s_y2.reshape(-1)[:] = y2.reshape(-1)
    s_y3.reshape(-1)[:] = y3.reshape(-1)


@njit(cache=True)
def learning_float_step(t, u, v, y1, y2, y3, decay_u, decay_v, vth, bias, flag, words, a_in, s_out, s_idx,
                        s_count, bap, s_y1, s_y2, s_y3):
    float_step(t, u, v, decay_u, decay_v, vth, bias, flag, words, a_in, s_out, s_idx, s_count)
    _send_learning(s_out, y1, y2, y3, bap, s_y1, s_y2, s_y3)


@njit(cache=True)
def learning_bitacc_step(t, u, v, y1, y2, y3, decay_u, decay_v, bias, vth_eff, interval, offset, a_in, s_out,
                         bap, s_y1, s_y2, s_y3):
    bitacc_step(t, u, v, decay_u, decay_v, bias, vth_eff, interval, offset, a_in, s_out)
    _send_learning(s_out, y1, y2, y3, bap, s_y1, s_y2, s_y3)


def _extend(spec: KernelSpec | None, step, label: str) -> KernelSpec | None:
    if spec is None:
        return None
    return KernelSpec(step=step, arrays=spec.arrays + ("y1", "y2", "y3"), in_ports=spec.in_ports,
                      out_ports=spec.out_ports + _SENDS, params=spec.params, prepare=spec.prepare,
                      in_kinds=spec.in_kinds, out_views=spec.out_views, label=label)


def learning_float_spec(model) -> KernelSpec | None:
    return _extend(float_spec(model), learning_float_step, "learning_lif_float")


def learning_bitacc_spec(model) -> KernelSpec | None:
    return _extend(bitacc_spec(model), learning_bitacc_step, "learning_lif_bitacc")
