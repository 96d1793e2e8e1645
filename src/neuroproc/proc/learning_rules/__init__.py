"""Shipped learning rules: ``STDPLoihi`` and ``RewardModulatedSTDP``."""
from __future__ import annotations

from neuroproc.proc.learning_rules.r_stdp_learning_rule import RewardModulatedSTDP
from neuroproc.proc.learning_rules.stdp_learning_rule import STDPLoihi

__all__ = ["RewardModulatedSTDP", "STDPLoihi"]
