"""GradedVec and GradedReluVec reproduce every r2 Lava reference case exactly, on both
backends."""
from __future__ import annotations

import pytest

from tests.proc.reference_r2 import check_all


@pytest.mark.parametrize("backend", ["python", "compiled"])
def test_every_r2_case_matches_lava_exactly(refdir, load_ref, backend):
    names = check_all(refdir, load_ref, {"GradedVec", "GradedReluVec"}, backend)
    assert {"gradedvec_fixed_01", "gradedreluvec_fixed_01"} <= set(names)
