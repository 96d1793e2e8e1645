"""Names used in learning-rule strings (Lava's ``lava.magma.core.learning.string_symbols``)."""
from __future__ import annotations

__all__ = [
    "C", "D", "DD", "DEPENDENCIES", "DT", "DW", "FACTOR_STATE_VARS", "LEARNING_RULE_TARGETS",
    "POST_TRACES", "PRE_TRACES", "SPIKE_DEPENDENCIES", "SYNAPTIC_VARIABLES",
    "SYNAPTIC_VARIABLE_VAR_MAPPING", "T", "TRACES", "U", "W", "X0", "X1", "X2", "Y0", "Y1", "Y2", "Y3",
]

#: dependencies: pre spike, post spike, every (2**k)-th epoch
X0 = "x0"
Y0 = "y0"
U = "u"
SPIKE_DEPENDENCIES = {X0, Y0}
DEPENDENCIES = SPIKE_DEPENDENCIES | {U}

#: traces
X1 = "x1"
X2 = "x2"
Y1 = "y1"
Y2 = "y2"
Y3 = "y3"
PRE_TRACES = {X1, X2}
POST_TRACES = {Y1, Y2, Y3}
TRACES = PRE_TRACES | POST_TRACES

#: synaptic variables: weight, delay (tag_2), tag (tag_1)
W = "w"
D = "d"
T = "t"
SYNAPTIC_VARIABLES = {W, D, T}

#: a constant factor
C = "C"

FACTOR_STATE_VARS = SPIKE_DEPENDENCIES | TRACES | SYNAPTIC_VARIABLES | {C}

#: the left-hand sides of a rule
DW = "dw"
DD = "dd"
DT = "dt"
LEARNING_RULE_TARGETS = {DW, DD, DT}

SYNAPTIC_VARIABLE_VAR_MAPPING = {W: "weights", D: "tag_2", T: "tag_1"}
