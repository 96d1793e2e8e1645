"""The Examples sections of core docstrings run (the docs show them as written)."""
from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize("module", ["neuroproc.run_conditions", "neuroproc.run_configs",
                                    "neuroproc.runtime.progress"])
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module), verbose=False)
    assert result.attempted > 0
    assert result.failed == 0
