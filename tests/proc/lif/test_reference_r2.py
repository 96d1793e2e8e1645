"""LIFReset, LIFRefractory and TernaryLIF reproduce every r2 Lava reference case exactly.

Float cases are exact too: the models follow Lava's order of operations (see the models), and
Dense's binary accumulation sums in Lava's order.
"""
from __future__ import annotations

import pytest

from tests.proc.reference_r2 import check_all

NEURONS = {"LIFReset", "LIFRefractory", "TernaryLIF"}


@pytest.mark.parametrize("backend", ["python", "compiled"])
def test_every_r2_case_matches_lava_exactly(refdir, load_ref, backend):
    names = check_all(refdir, load_ref, NEURONS, backend)
    assert {n.split("_")[0] for n in names} == {"lifreset", "lifrefractory", "ternarylif"}
