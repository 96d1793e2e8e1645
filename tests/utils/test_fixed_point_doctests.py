"""The Examples sections of the fixed-point and conversion helpers run and are right."""
from __future__ import annotations

import doctest

import pytest

from neuroproc.utils import conversion, fixed_point


@pytest.mark.parametrize("module", [fixed_point, conversion], ids=lambda m: m.__name__)
def test_doctests(module):
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0
