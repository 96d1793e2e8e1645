"""Helpers of the learning engine (Lava's ``lava.magma.core.learning.utils``)."""
from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["apply_mask", "float_to_literal", "stochastic_round"]


def stochastic_round(values: npt.ArrayLike, random_numbers: npt.ArrayLike,
                     probabilities: npt.ArrayLike) -> np.ndarray:
    """``values + 1`` where ``random_numbers < probabilities``, else ``values`` (as int)."""
    return (np.asarray(values) + (np.asarray(random_numbers) < probabilities).astype(int)).astype(int)


def apply_mask(item, nb_bits: int):
    """The ``nb_bits`` least significant bits of ``item``."""
    return item & ~(~0 << nb_bits)


def float_to_literal(learning_parameter: float) -> str:
    """A learning parameter as a rule-string literal ``(m)`` or ``(m) * 2 ^ e``.

    As in Lava the value is *quantised*: ``m = max(int(|p|), 1)`` keeps the integer part and
    the rest becomes the nearest power of two, ``e = round(log2(|p| / m))``. So ``1.5`` acts as
    2, ``0.3`` as 0.25 and ``2.5`` as 2.

    Examples
    --------
    >>> float_to_literal(-2), float_to_literal(0.5), float_to_literal(1.5)
    ('(-2)', '(1) * 2 ^ -1', '(1) * 2 ^ 1')
    """
    if learning_parameter == 0:
        return "0"
    sign = int(np.sign(learning_parameter))
    value = abs(float(learning_parameter))
    mantissa = max(int(value), 1)
    remainder = value / mantissa
    if remainder == 1:
        return f"({sign * mantissa})"
    return f"({sign * mantissa}) * 2 ^ {int(np.round(np.log2(remainder)))}"
