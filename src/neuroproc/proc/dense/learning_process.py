"""LearningDense: Dense synapses whose weights and tags follow a learning rule."""
from __future__ import annotations

from neuroproc.learning.connection_process import LearningConnectionProcess, tag_init
from neuroproc.learning.constants import GradedSpikeCfg
from neuroproc.proc.dense.process import Dense
from neuroproc.utils.fixed_point import SignMode

__all__ = ["LearningDense"]


class LearningDense(LearningConnectionProcess, Dense):
    r"""Plastic Dense synapses (Lava's ``lava.proc.dense.process.LearningDense``).

    Behaves as :class:`~neuroproc.proc.dense.process.Dense` (``a_out[t] = W[t-1] s_in[t-1]``)
    and learns: pre spikes (``s_in``) and post spikes (``s_in_bap``) drive the traces
    :math:`x_1, x_2, y_1, y_2, y_3`; every ``t_epoch`` steps the rule's product series update

    .. math::

        W \mathrel{+}= \Delta W, \quad \mathrm{tag\_2} \mathrel{+}= \Delta D, \quad
        \mathrm{tag\_1} \mathrel{+}= \Delta T

    each a sum of products ``scale * dependency * factors`` (see
    :mod:`neuroproc.learning.connection` for the float and bit-approximate arithmetic). ``tag_2``
    ("delay") is learned but does not delay spikes, as in Lava.

    Parameters
    ----------
    weights : array_like, shape (n_out, n_in)
        Initial weights.
    learning_rule : LoihiLearningRule
        E.g. :class:`~neuroproc.proc.learning_rules.stdp_learning_rule.STDPLoihi`.
    tag_1, tag_2 : array_like, optional
        Initial tags (0 by default).
    graded_spike_cfg : GradedSpikeCfg
        How graded pre spikes set ``x1`` (``USE_REGULAR_IMPULSE`` by default; any other mode
        makes the ``x1_impulse`` Var 0).
    weight_exp, num_weight_bits, sign_mode, num_message_bits, name
        As for Dense; ``sign_mode`` None means MIXED here (learning connections do not
        detect it from the weights).

    Notes
    -----
    Extra ports: ``s_in_bap``, ``s_in_y1``, ``s_in_y2``, ``s_in_y3`` (n_out,). Extra Vars:
    ``x0``, ``tx``, ``x1``, ``x2`` (n_in,); ``y0``, ``ty``, ``y1``, ``y2``, ``y3`` (n_out,);
    ``tag_1``, ``tag_2`` (n_out, n_in); ``x1_tau``, ``x1_impulse`` … ``y3_impulse`` (1,).
    """

    def __init__(self, weights, *, learning_rule=None, tag_2=None, tag_1=None,
                 graded_spike_cfg: GradedSpikeCfg = GradedSpikeCfg.USE_REGULAR_IMPULSE, weight_exp: int = 0,
                 num_weight_bits: int = 8, sign_mode: SignMode | None = None, num_message_bits: int = 0,
                 name: str | None = None, **kwargs):
        Dense.__init__(self, weights, weight_exp=weight_exp, num_weight_bits=num_weight_bits, sign_mode=sign_mode,
                       num_message_bits=num_message_bits, name=name, learning_rule=learning_rule,
                       graded_spike_cfg=graded_spike_cfg, **kwargs)
        shape = self.weights.shape
        self.proc_params["shape"] = shape
        self.init_learning(shape[0], shape[1], learning_rule, graded_spike_cfg, shape,
                           tag_init(self, "tag_1", tag_1, shape), tag_init(self, "tag_2", tag_2, shape))
