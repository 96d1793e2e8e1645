"""PrototypeLIF (Lava's ``lava.proc.clp.prototype_lif.process``)."""
from __future__ import annotations

from typing import Any

from neuroproc.ports import InPort
from neuroproc.proc.lif.learning_process import LearningLIF

__all__ = ["PrototypeLIF"]


class PrototypeLIF(LearningLIF):
    """A LearningLIF prototype neuron of CLP, allocated and reset from outside.

    Bit-accurate LIF dynamics, plus: a spike on ``reset_in`` clears ``u`` and ``v`` of that
    neuron; a graded id ``k > 0`` on ``a_third_factor_in`` makes neuron ``k - 1`` emit a
    back-propagated spike (``s_out_bap``) and an output spike, and sets its ``y1`` trace to 127
    (the learning rate of a one-shot three-factor rule) -- the prototype is allocated.

    Parameters
    ----------
    shape : tuple of int
        Shape of the population.
    u, v, du, dv, bias_mant, bias_exp, vth :
        As for :class:`neuroproc.proc.lif.process.LIF` (``vth`` defaults to 10).
    name : str, optional
        Name of the Process.
    log_config : optional
        Accepted for Lava compatibility.
    learning_rule : Loihi2FLearningRule or Loihi3FLearningRule, optional
        The rule of the LearningDense connections the neurons feed.
    **kwargs
        Passed on to LearningLIF.

    Notes
    -----
    Ports: those of LearningLIF and ``reset_in`` (neuron shape).
    """

    def __init__(self, *, shape: tuple[int, ...], u: Any = 0, v: Any = 0, du: float = 0,
                 dv: float = 0, bias_mant: Any = 0, bias_exp: Any = 0, vth: float = 10,
                 name: str | None = None, log_config: Any = None, learning_rule: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(shape=shape, u=u, v=v, du=du, dv=dv, vth=vth, bias_mant=bias_mant,
                         bias_exp=bias_exp, name=name, log_config=log_config,
                         learning_rule=learning_rule, **kwargs)
        self.reset_in = InPort(shape=shape)
