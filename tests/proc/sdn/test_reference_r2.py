"""Sigma, Delta and SigmaDelta reproduce every r2 Lava reference case exactly, on both backends."""
from __future__ import annotations

import pytest

from tests.proc.reference_r2 import check_all


@pytest.mark.parametrize("backend", ["python", "compiled"])
def test_every_r2_case_matches_lava_exactly(refdir, load_ref, backend):
    names = check_all(refdir, load_ref, {"Sigma", "Delta", "SigmaDelta"}, backend)
    assert {"sigma_float_01", "delta_float_01", "delta_fixed_01", "sigmadelta_float_01",
            "sigmadelta_fixed_01", "sigmadelta_fixed_02_cum_exp"} <= set(names)
