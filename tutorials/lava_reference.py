"""Find and read the Lava 0.10 reference outputs that the tutorials compare against.

The outputs ship with the repository in ``reference/`` (packed losslessly by
``tools/pack_reference.py``, which also reads them back). ``$NEUROPROC_REFERENCE_DIR`` naming a
folder of Lava's raw npz files takes precedence. Only numpy and the standard library are used.
"""
from __future__ import annotations

import importlib.util
import os
from functools import lru_cache
from pathlib import Path

import numpy as np

_REPO = Path(__file__).resolve().parents[1]


def find_reference_dir() -> Path | None:
    """Folder of Lava's reference outputs, or None when neither place has a ``cases.json``."""
    env = os.environ.get("NEUROPROC_REFERENCE_DIR")
    for folder in ([Path(env)] if env else []) + [_REPO / "reference"]:
        if (folder / "cases.json").is_file():
            return folder.resolve()
    return None


@lru_cache(maxsize=1)
def _codec():
    spec = importlib.util.spec_from_file_location("pack_reference",
                                                  _REPO / "tools" / "pack_reference.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@lru_cache(maxsize=None)
def load_reference(name: str, folder: Path | None = None) -> dict[str, np.ndarray]:
    """The arrays of one reference file, e.g. ``load_reference("ei_rate_balanced")``."""
    folder = folder or find_reference_dir()
    if folder is None:
        raise FileNotFoundError("no Lava reference data: set NEUROPROC_REFERENCE_DIR or restore "
                                f"{_REPO / 'reference'} from the repository.")
    return _codec().load_npz(Path(folder) / f"{name}.npz")
