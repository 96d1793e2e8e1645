"""Bit widths of Loihi's learning engine and the graded-spike trace modes (Lava's
``lava.magma.core.learning.constants``)."""
from __future__ import annotations

from enum import IntEnum

from neuroproc.learning import string_symbols as sym

__all__ = [
    "DEP_TO_IDX_DICT", "FACTOR_TO_WIDTH_DICT", "GradedSpikeCfg", "TRACE_TO_IDX_DICT", "W_ACCUMULATOR_S",
    "W_ACCUMULATOR_U", "W_CONST", "W_EPOCH_TIME", "W_SYN_VAR_S", "W_SYN_VAR_U", "W_S_MANT", "W_TAG_1_S",
    "W_TAG_1_U", "W_TAG_2_S", "W_TAG_2_U", "W_TRACE", "W_TRACE_FRACTIONAL_PART", "W_WEIGHTS_S",
    "W_WEIGHTS_U",
]

#: spike times within an epoch (tx, ty)
W_EPOCH_TIME = 6
#: synaptic variables: unsigned magnitude bits; the signed width adds a sign bit
W_WEIGHTS_U = 8
W_WEIGHTS_S = W_WEIGHTS_U + 1
W_TAG_2_U = 8
W_TAG_2_S = W_TAG_2_U + 1
W_TAG_1_U = 8
W_TAG_1_S = W_TAG_1_U + 1
W_SYN_VAR_U = {"weights": W_WEIGHTS_U, "tag_2": W_TAG_2_U, "tag_1": W_TAG_1_U}
W_SYN_VAR_S = {"weights": W_WEIGHTS_S, "tag_2": W_TAG_2_S, "tag_1": W_TAG_1_S}
#: traces: 7 integer bits; impulses carry 8 more fractional bits
W_TRACE = 7
W_TRACE_FRACTIONAL_PART = 8
#: constant factors, the scale mantissa, the product accumulator (15 bits + sign)
W_CONST = 8
W_S_MANT = 4
W_ACCUMULATOR_U = 15
W_ACCUMULATOR_S = W_ACCUMULATOR_U + 1

#: bits of each factor in a bit-approximate product
FACTOR_TO_WIDTH_DICT = {
    sym.X0: 1, sym.Y0: 1,
    sym.X1: W_TRACE, sym.X2: W_TRACE, sym.Y1: W_TRACE, sym.Y2: W_TRACE, sym.Y3: W_TRACE,
    sym.W: W_WEIGHTS_S, sym.D: W_TAG_2_S, sym.T: W_TAG_1_S,
    sym.C: W_CONST,
}
DEP_TO_IDX_DICT = {sym.X0: 0, sym.Y0: 1, sym.U: 2}
TRACE_TO_IDX_DICT = {sym.X1: 0, sym.X2: 1, sym.Y1: 0, sym.Y2: 1, sym.Y3: 2}


class GradedSpikeCfg(IntEnum):
    """How a graded pre-synaptic spike updates the pre trace ``x1`` (the values are Loihi's).

    ``USE_REGULAR_IMPULSE`` ignores the payload (``x1`` gets ``x1_impulse``);
    ``OVERWRITE`` sets ``x1`` to payload / 2; ``ADD_WITH_SATURATION`` adds payload / 2 and
    saturates at 127 (bit-approximate); ``ADD_WITHOUT_SATURATION`` adds it and wraps (a
    wrapped sum counts as the spike).
    """

    USE_REGULAR_IMPULSE = 0
    OVERWRITE = 1
    ADD_WITH_SATURATION = 2
    ADD_WITHOUT_SATURATION = 3
