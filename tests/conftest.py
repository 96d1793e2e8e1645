"""Shared fixtures: the Lava reference data and runtime clean-up.

The reference data ships with the repository in ``reference/`` (packed losslessly by
``tools/pack_reference.py``). ``$NEUROPROC_REFERENCE_DIR`` naming a folder of raw Lava npz files
(with ``cases.json`` and ``r2/``) takes precedence, so held-back cases are checked the same way.
"""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np
import pytest

_REPO = Path(__file__).resolve().parents[1]
IN_REPO_REFERENCE = _REPO / "reference"


def _pack_reference():
    spec = importlib.util.spec_from_file_location("pack_reference",
                                                  _REPO / "tools" / "pack_reference.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


pack_reference = _pack_reference()


def reference_dir() -> Path:
    """Folder of Lava 0.10 reference outputs: $NEUROPROC_REFERENCE_DIR, else ``reference/``."""
    env = os.environ.get("NEUROPROC_REFERENCE_DIR")
    if env:
        folder = Path(env)
        if not (folder / "cases.json").is_file():
            raise FileNotFoundError(f"NEUROPROC_REFERENCE_DIR={env!r} holds no cases.json. Point it "
                                    f"at a folder of Lava reference outputs, or unset it to use "
                                    f"the copy in {IN_REPO_REFERENCE}.")
        return folder
    return IN_REPO_REFERENCE


@pytest.fixture(scope="session")
def refdir() -> Path:
    return reference_dir()


@pytest.fixture(scope="session")
def load_ref(refdir):
    """Return a loader: load_ref('bitacc_01_basic') -> dict of arrays (0-d arrays unwrapped).

    The arrays are those Lava wrote (same keys, dtypes, shapes and values), whether ``refdir``
    holds raw Lava files or the packed copies of ``reference/``.
    """
    cache: dict[str, dict] = {}

    def _load(name: str) -> dict:
        if name not in cache:
            arrays = pack_reference.load_npz(refdir / f"{name}.npz")
            cache[name] = {k: (a.item() if a.ndim == 0 else a) for k, a in arrays.items()}
        return cache[name]

    return _load
