"""STDP as Loihi computes it (Lava's ``STDPLoihi``)."""
from __future__ import annotations

from neuroproc.learning.learning_rule import Loihi2FLearningRule
from neuroproc.learning.utils import float_to_literal

__all__ = ["STDPLoihi"]


class STDPLoihi(Loihi2FLearningRule):
    r"""Pair-based STDP with exponential traces.

    .. math::

        \Delta w = \eta A_- \, x_0 \, y_1 + \eta A_+ \, y_0 \, x_1

    -- a pre spike depresses by the post trace, a post spike potentiates by the pre trace.
    ``x1`` has impulse ``x1_impulse`` (16) and time constant ``tau_plus``; ``y1`` has
    ``y1_impulse`` (16) and ``tau_minus``. Each parameter is written into the rule with
    :func:`~neuroproc.learning.utils.float_to_literal`, i.e. quantised to ``m * 2**e``.

    Parameters
    ----------
    learning_rate, A_plus, A_minus : float
        Learning rate, potentiation and depression amplitudes (``A_minus`` usually negative).
    tau_plus, tau_minus : float
        Time constants of the pre trace ``x1`` and the post trace ``y1``.
    **kwargs
        ``x1_impulse``, ``y1_impulse``, ``t_epoch``, ``rng_seed`` and the other
        :class:`~neuroproc.learning.learning_rule.LoihiLearningRule` arguments.
    """

    def __init__(self, learning_rate: float, A_plus: float, A_minus: float, tau_plus: float, tau_minus: float,
                 *args, **kwargs) -> None:
        self.learning_rate = float_to_literal(learning_rate)
        self.A_plus = float_to_literal(A_plus)
        self.A_minus = float_to_literal(A_minus)
        self.tau_plus = tau_plus
        self.tau_minus = tau_minus
        dw = (f"{self.learning_rate} * {self.A_minus} * x0 * y1 +"
              f"{self.learning_rate} * {self.A_plus} * y0 * x1")
        super().__init__(*args, dw=dw, x1_impulse=kwargs.pop("x1_impulse", 16), x1_tau=tau_plus,
                         y1_impulse=kwargs.pop("y1_impulse", 16), y1_tau=tau_minus, **kwargs)
