"""Lava's on-chip learning engine: rule strings, product series, traces and random streams.

Module for module as ``lava.magma.core.learning``: :mod:`~neuroproc.learning.learning_rule`
(``LoihiLearningRule``, ``Loihi2FLearningRule``, ``Loihi3FLearningRule``),
:mod:`~neuroproc.learning.symbolic_equation` (the rule-string parser),
:mod:`~neuroproc.learning.product_series`, :mod:`~neuroproc.learning.constants`
(bit widths, ``GradedSpikeCfg``), :mod:`~neuroproc.learning.utils`,
:mod:`~neuroproc.learning.random`. The plastic connections that use them live in
``neuroproc.proc.dense`` (``LearningDense``) and ``neuroproc.proc.sparse`` (``LearningSparse``).
"""
from __future__ import annotations

from neuroproc.learning.constants import GradedSpikeCfg
from neuroproc.learning.learning_rule import Loihi2FLearningRule, Loihi3FLearningRule, LoihiLearningRule
from neuroproc.learning.product_series import Factor, Product, ProductSeries
from neuroproc.learning.symbolic_equation import SymbolicEquation

__all__ = [
    "Factor",
    "GradedSpikeCfg",
    "Loihi2FLearningRule",
    "Loihi3FLearningRule",
    "LoihiLearningRule",
    "Product",
    "ProductSeries",
    "SymbolicEquation",
]
