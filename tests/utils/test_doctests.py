"""Run the Examples sections of the utils docstrings."""
from __future__ import annotations

import doctest
import importlib

import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.mark.parametrize("module", ["neuroproc.utils.analysis", "neuroproc.utils.plots",
                                    "neuroproc.utils.spike_probe"])
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module), verbose=False)
    assert result.attempted > 0
    assert result.failed == 0
