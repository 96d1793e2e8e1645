"""Shared fixtures: the Lava reference data and runtime clean-up."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

_REPO = Path(__file__).resolve().parents[1]


def reference_dir() -> Path | None:
    """Folder of Lava 0.10 reference outputs: $NEUROPROC_REFERENCE_DIR or ../shared/reference."""
    env = os.environ.get("NEUROPROC_REFERENCE_DIR")
    candidates = [Path(env)] if env else []
    candidates.append(_REPO.parent / "shared" / "reference")
    for c in candidates:
        if (c / "cases.json").is_file():
            return c
    return None


@pytest.fixture(scope="session")
def refdir() -> Path:
    d = reference_dir()
    if d is None:
        if os.environ.get("CI"):  # CI always has the reference data beside the clone
            pytest.fail("Lava reference data not found beside the checkout (../shared/reference)")
        pytest.skip("Lava reference data not found: set NEUROPROC_REFERENCE_DIR or place it in ../shared/reference")
    return d


@pytest.fixture(scope="session")
def load_ref(refdir):
    """Return a loader: load_ref('bitacc_01_basic') -> dict of arrays (0-d arrays unwrapped)."""
    cache: dict[str, dict] = {}

    def _load(name: str) -> dict:
        if name not in cache:
            with np.load(refdir / f"{name}.npz", allow_pickle=False) as z:
                cache[name] = {k: (z[k].item() if z[k].ndim == 0 else z[k]) for k in z.files}
        return cache[name]

    return _load
