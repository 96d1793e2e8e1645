"""Everything an algebraic Loihi 2 program needs in one import (Lava's ``lava.frameworks.loihi2``).

The networks of :mod:`neuroproc.networks`, the run conditions and the run configs::

    import neuroproc.frameworks.loihi2 as lv

    vec = lv.GradedVec(shape=(3,), vth=1)
    vec << lv.GradedDense(weights=w) @ lv.InputVec(x, exp=8)
    vec.run(condition=lv.RunSteps(5), run_cfg=lv.Loihi2SimCfg(select_tag="fixed_pt"))

There is no Loihi 2 hardware back end: :class:`Loihi2HwCfg` exists so programs that choose it
only when hardware is found import unchanged, and says so when it is built.
"""
from __future__ import annotations

from typing import Any

from neuroproc.exceptions import CompilationError
from neuroproc.networks.gradedvecnetwork import (GradedDense, GradedSparse, GradedVec, InputVec,
                                                 LIFVec, NormalizeNet, OutputVec, ProductVec)
from neuroproc.networks.resfire import ResFireVec
from neuroproc.run_conditions import RunContinuous, RunSteps
from neuroproc.run_configs import Loihi2SimCfg

__all__ = [
    "GradedDense",
    "GradedSparse",
    "GradedVec",
    "InputVec",
    "LIFVec",
    "Loihi2HwCfg",
    "Loihi2SimCfg",
    "NormalizeNet",
    "OutputVec",
    "ProductVec",
    "ResFireVec",
    "RunContinuous",
    "RunSteps",
]


class Loihi2HwCfg:
    """Lava's run config for Loihi 2 hardware; building one raises ``CompilationError`` here.

    Parameters
    ----------
    *args, **kwargs
        Lava's arguments (not used).

    Raises
    ------
    CompilationError
        Always: neuroproc simulates on the CPU.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise CompilationError("Loihi2HwCfg: there is no Loihi 2 hardware back end (got a request "
                               "for one). Run with Loihi2SimCfg(select_tag='fixed_pt'), or ask "
                               "lava.utils.loihi.is_installed() first as Lava's tutorials do.")
