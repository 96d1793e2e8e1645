"""Evaluate a product series on whole arrays (Lava's ``learning_rule_applier``).

The models evaluate rules synapse by synapse (:mod:`neuroproc.learning._engine`); these appliers
do the same arithmetic on numpy arrays given by name, as Lava's do, for use outside a network:
``apply(init_accumulator, **applier_args)`` with ``x0`` ``(1, n_in)``, ``y0`` ``(n_out, 1)``,
``u``, ``weights``, ``tag_2``, ``tag_1`` and the evaluated traces ``<trace>_<dependency>``
(e.g. ``y1_x0``, ``x1_y0``, ``x2_u``); the bit-approximate one also needs ``shape``.
"""
from __future__ import annotations

import numpy as np

from neuroproc.exceptions import ValidationError
from neuroproc.learning import string_symbols as sym
from neuroproc.learning.constants import FACTOR_TO_WIDTH_DICT, W_ACCUMULATOR_U, W_S_MANT
from neuroproc.learning.product_series import Factor, ProductSeries

__all__ = ["AbstractLearningRuleApplier", "LearningRuleApplierBitApprox", "LearningRuleApplierFloat"]

_ACC_MIN, _ACC_MAX = -(2 ** W_ACCUMULATOR_U) - 1, 2 ** W_ACCUMULATOR_U - 1


class AbstractLearningRuleApplier:
    """Holds a product series; :meth:`apply` adds its value to an accumulator."""

    def __init__(self, product_series: ProductSeries) -> None:
        self._product_series = product_series

    def apply(self, init_accumulator, **applier_args):
        raise NotImplementedError(f"{type(self).__name__} must implement apply().")


def _value(factor: Factor, dependency: str, args: dict):
    """The factor's array: its variable (+ constant), sgn applied."""
    name = factor.state_var
    if name == sym.C:
        return factor.const
    if name in sym.TRACES:
        key = f"{name}_{dependency}"
    elif name in sym.SYNAPTIC_VARIABLES:
        key = sym.SYNAPTIC_VARIABLE_VAR_MAPPING[name]
    else:
        key = name
    if key not in args:
        raise ValidationError(f"{key}: missing from the applier's arguments (got {sorted(args)}). "
                              f"Pass {key}=... to apply().")
    value = args[key]
    if factor.has_const():
        value = value + factor.const
    return np.sign(value) if factor.is_sgn else value


class LearningRuleApplierFloat(AbstractLearningRuleApplier):
    """Float: ``init + sum_k (scale_k * dep_k * factor_1 * ...)``, in rule order."""

    def apply(self, init_accumulator, **applier_args):
        total = None
        for p in self._product_series.products:
            val = p.s_mantissa * 2.0 ** (p.s_exp - 7) * applier_args[p.dependency]
            for f in p.factors:
                val = val * _value(f, p.dependency, applier_args)
            total = val if total is None else total + val
        return init_accumulator + total


class LearningRuleApplierBitApprox(AbstractLearningRuleApplier):
    """Bit-approximate: int32 products of factors clipped to their widths, shifted to the 16-bit
    accumulator, saturated after every product (see :mod:`neuroproc.learning.connection`)."""

    def apply(self, init_accumulator, **applier_args):
        result = init_accumulator
        for p in self._product_series.products:
            current = np.ones(applier_args["shape"], dtype=np.int32)
            current *= np.asarray(applier_args[p.dependency]).astype(np.int32)
            width = 0
            for f in p.factors:
                bits = FACTOR_TO_WIDTH_DICT[f.state_var]
                width += bits
                value = np.clip(_value(f, p.dependency, applier_args), -(2 ** bits), 2 ** bits - 1)
                current *= np.asarray(value).astype(np.int32)
            width += W_S_MANT
            current *= p.s_mantissa
            current = np.left_shift(np.right_shift(current, max(0, width - W_ACCUMULATOR_U)), p.s_exp)
            current = np.clip(current, _ACC_MIN, _ACC_MAX)
            result = np.clip(result + current, _ACC_MIN, _ACC_MAX)
        return result
