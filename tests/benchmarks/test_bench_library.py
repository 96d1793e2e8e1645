"""bench_library's network runs on both backends with identical outputs (small and short here),
BitCheck and Read fused with it."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import bench_library  # noqa: E402


@pytest.mark.parametrize("kind", ["float", "fixed"])
def test_library_network_is_identical_on_both_backends_and_active(kind):
    py = bench_library.run(kind, "python", n_in=200, n=60, steps=100)
    comp = bench_library.run(kind, "compiled", n_in=200, n=60, steps=100)
    assert bench_library.identical(py["outputs"], comp["outputs"]) == []
    for name in ("lifreset", "atrlif", "sigmadelta"):
        assert np.count_nonzero(py["outputs"][f"{name} sent"]) > 0, name
    # the Read holds ATRLIF's v on steps 4, 14, ...; the fixed network overflows both BitChecks
    assert np.count_nonzero(py["outputs"]["read.data"]) > 0
    if kind == "fixed":
        assert py["outputs"]["bitcheck v._overflowed"].tolist() == [1]
        assert py["outputs"]["bitcheck a_buff._overflowed"].tolist() == [1]
