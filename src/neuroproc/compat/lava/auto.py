"""``import neuroproc.compat.lava.auto`` installs the Lava layer (one line at a notebook's top)."""
from __future__ import annotations

from neuroproc.compat.lava import install

__all__: list[str] = []

install()
