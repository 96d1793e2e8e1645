"""``BitCheck``: watches a Var for values that would overflow a given bit width."""
from __future__ import annotations

from neuroproc.proc.bit_check.models import LoihiBitCheckModel
from neuroproc.proc.bit_check.process import BitCheck

__all__ = ["BitCheck", "LoihiBitCheckModel"]
