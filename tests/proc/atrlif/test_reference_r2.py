"""ATRLIF reproduces every r2 Lava reference case exactly, float and fixed, on both backends."""
from __future__ import annotations

import pytest

from tests.proc.reference_r2 import check_all


@pytest.mark.parametrize("backend", ["python", "compiled"])
def test_every_r2_case_matches_lava_exactly(refdir, load_ref, backend):
    names = check_all(refdir, load_ref, {"ATRLIF"}, backend)
    assert {"atrlif_float_01", "atrlif_fixed_01"} <= set(names)
