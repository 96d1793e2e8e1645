"""Reward-modulated STDP (Lava's ``RewardModulatedSTDP``)."""
from __future__ import annotations

from neuroproc.learning.learning_rule import Loihi3FLearningRule
from neuroproc.learning.utils import float_to_literal

__all__ = ["RewardModulatedSTDP"]


class RewardModulatedSTDP(Loihi3FLearningRule):
    r"""Three-factor STDP: STDP fills an eligibility trace (``tag_1``), a reward turns it into
    weight change.

    .. math::

        \Delta t &= \eta A_- \, x_0 \, y_1 + \eta A_+ \, y_0 \, x_1 - u_0 \, t \, \tau_e \\
        \Delta w &= u_0 \, t \, y_2

    ``x1`` is the pre trace (``pre_trace_kernel_magnitude``, ``pre_trace_decay_tau``); ``y1``
    (post trace) and ``y2`` (reward) come from the post-synaptic neuron's ``s_out_y1``,
    ``s_out_y2``. ``post_trace_*`` are kept for that neuron's model. Parameters go through
    :func:`~neuroproc.learning.utils.float_to_literal` (quantised to ``m * 2**e``).
    """

    def __init__(self, learning_rate: float, A_plus: float, A_minus: float, pre_trace_decay_tau: float,
                 post_trace_decay_tau: float, pre_trace_kernel_magnitude: float,
                 post_trace_kernel_magnitude: float, eligibility_trace_decay_tau: float, *args, **kwargs) -> None:
        self.learning_rate = float_to_literal(learning_rate)
        self.A_plus = float_to_literal(A_plus)
        self.A_minus = float_to_literal(A_minus)
        self.pre_trace_decay_tau = pre_trace_decay_tau
        self.post_trace_decay_tau = post_trace_decay_tau
        self.pre_trace_kernel_magnitude = pre_trace_kernel_magnitude
        self.post_trace_kernel_magnitude = post_trace_kernel_magnitude
        self.eligibility_trace_decay_tau = float_to_literal(eligibility_trace_decay_tau)
        dt = (f"{self.learning_rate} * {self.A_minus} * x0 * y1 + "
              f"{self.learning_rate} * {self.A_plus} * y0 * x1 - "
              f"u0 * t * {self.eligibility_trace_decay_tau}")
        super().__init__(*args, dw=" u0 * t * y2 ", dt=dt, x1_impulse=pre_trace_kernel_magnitude,
                         x1_tau=pre_trace_decay_tau, **kwargs)
