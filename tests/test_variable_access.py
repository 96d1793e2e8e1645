"""Var.get / Var.set with an index outside the Var raise neuroproc errors, before and during a run."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import Loihi1SimCfg, RunSteps, ShapeError
from neuroproc.exceptions import VarIndexError
from neuroproc.proc.lif.process import LIF


@pytest.mark.parametrize("running", [False, True])
def test_an_index_outside_the_var_is_a_var_index_error(running):
    lif = LIF(shape=(3,), name="lif")
    if running:
        lif.run(RunSteps(1), Loihi1SimCfg())
    try:
        with pytest.raises(VarIndexError, match=r"^lif::LIF\.v\.get: idx=5 is outside the Var of "
                                                r"shape \(3,\).*Pass indices within the shape"):
            lif.v.get(idx=5)
        with pytest.raises(IndexError, match=r"^lif::LIF\.u\.set: idx=5 is outside"):
            lif.u.set(1.0, idx=5)
        with pytest.raises(VarIndexError, match=r"idx=\(0, 1\) is outside"):
            lif.v.get(idx=(0, 1))
        with pytest.raises(ShapeError, match=r"^lif::LIF\.v\.set: cannot place a value of shape "
                                             r"\(2,\) at idx=\[0\], which selects shape \(1,\)"):
            lif.v.set(np.ones(2), idx=[0])
        lif.v.set(np.array([4.0, 5.0]), idx=[0, 2])
        np.testing.assert_array_equal(lif.v.get(), [4, 0, 5])
        np.testing.assert_array_equal(lif.v.get(idx=-1), 5)
        np.testing.assert_array_equal(lif.v.get(idx=np.array([True, False, True])), [4, 5])
    finally:
        lif.stop()
