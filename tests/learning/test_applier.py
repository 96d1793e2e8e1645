"""The array appliers compute what the models' per-synapse engine computes."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc.learning import _engine as eng
from neuroproc.learning.learning_rule import Loihi2FLearningRule
from neuroproc.learning.learning_rule_applier import LearningRuleApplierBitApprox, LearningRuleApplierFloat

RULE = "x0 * (-1) * 2^-1 * y1 + y0 * 2 * x1 * w + u0 * x2 + u0 * sgn(w + 4) - y0 * (x1 - 3)"


@pytest.mark.parametrize("fixed", [False, True])
def test_applier_equals_engine(fixed):
    rng = np.random.default_rng(0)
    n_out, n_in = 4, 5
    rule = Loihi2FLearningRule(dw=RULE)
    if fixed:
        w = rng.integers(-60, 60, (n_out, n_in))
        xh = rng.integers(0, 30, (2, 2, n_in))
        yh = rng.integers(0, 30, (2, 3, n_out))
    else:
        w = rng.normal(0, 5, (n_out, n_in))
        xh = rng.random((2, 2, n_in)) * 16
        yh = rng.random((2, 3, n_out)) * 16
    x0 = rng.random(n_in) < 0.5
    y0 = rng.random(n_out) < 0.5
    tx, ty = x0.astype(np.int64), y0.astype(np.int64)
    args = {"x0": x0[None, :], "y0": y0[:, None], "u": 1, "weights": w, "tag_1": 0 * w, "tag_2": 0 * w,
            "shape": (n_out, n_in), "x1_y0": xh[ty, 0], "x2_u": xh[1, 1][None, :], "y1_x0": yh[tx, 0].T}
    applier = (LearningRuleApplierBitApprox if fixed else LearningRuleApplierFloat)(rule.dw)
    got = applier.apply((w << 7) if fixed else w, **args)
    pi, pf, fi, ff = eng.rule_tables(rule)
    out = np.zeros(3, np.int64 if fixed else np.float64)
    for j in range(n_out):
        for i in range(n_in):
            if fixed:
                out[:] = [w[j, i] << 7, 0, 0]
                eng.synapse_fixed(out, i, j, w[j, i], 0, 0, x0[i], y0[j], 1, tx[i], ty[j], 1, xh, yh, pi, pf, fi, ff)
            else:
                eng.synapse_float(out, np.zeros(3, np.int64), i, j, w[j, i], 0.0, 0.0, x0[i], y0[j], 1, tx[i], ty[j],
                                  1, xh, yh, pi, pf, fi, ff)
                out[0] = w[j, i] + out[0]
            assert got[j, i] == out[0], (j, i)
