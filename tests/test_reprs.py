"""Reprs say what a user needs to tell objects apart: a Process's shape, a RunConfig's backend."""
from __future__ import annotations

import numpy as np

from neuroproc import AbstractProcess, Loihi1SimCfg, Loihi2SimCfg, RunConfig, Var
from neuroproc.proc.lif.process import LIF
from neuroproc.proc.sparse.process import Sparse


def test_process_reprs_show_the_declared_shape():
    assert repr(LIF(shape=(4,), name="lif")) == "LIF(name='lif', shape=(4,))"
    assert repr(LIF(shape=3, name="l3")) == "LIF(name='l3', shape=(3,))"
    assert repr(Sparse(weights=np.eye(2, 5), name="sp")) == "Sparse(name='sp', shape=(2, 5))"

    class Plain(AbstractProcess):  # declares no shape: the repr shows none
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.x = Var(shape=(2,), init=0)

    class Bad(AbstractProcess):  # a shape that is no shape does not break the repr
        shape = property(lambda self: 1 / 0)

    assert repr(Plain(name="p")) == "Plain(name='p')"
    assert repr(Bad(name="b")) == "Bad(name='b')"


def test_run_config_reprs_show_the_backend():
    assert repr(Loihi1SimCfg()) == "Loihi1SimCfg(select_tag=None, backend='auto')"
    assert (repr(Loihi2SimCfg(select_tag="fixed_pt", backend="python"))
            == "Loihi2SimCfg(select_tag='fixed_pt', backend='python')")

    class Mine(RunConfig):
        def select(self, proc, proc_models):
            return proc_models[0]

    assert repr(Mine(backend="compiled")) == "Mine(backend='compiled')"
