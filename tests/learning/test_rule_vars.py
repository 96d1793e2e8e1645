"""Under the Lava layer a plastic connection carries its rule strings as Vars ``dw``, ``dd``,
``dt`` (as Lava's); a string set between runs replaces the rule on both backends. Natively the
Vars do not exist."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import Loihi2SimCfg, RunSteps
from neuroproc.compat.lava import _behaviour
from neuroproc.learning.learning_rule import Loihi2FLearningRule
from neuroproc.proc.dense.process import LearningDense
from neuroproc.proc.io.source import RingBuffer


@pytest.fixture
def lava_layer():
    was = _behaviour.active()
    _behaviour.enable()
    yield
    if not was:
        _behaviour.disable()


def _net(fixed, backend="python"):
    rule = Loihi2FLearningRule(dw="u0 * 1", dt="u0 * 2^-1", t_epoch=1, rng_seed=0)
    src = RingBuffer(data=np.zeros((1, 20)))
    conn = LearningDense(np.zeros((1, 1)), learning_rule=rule)
    src.s_out.connect(conn.s_in)
    return conn, Loihi2SimCfg(select_tag="fixed_pt" if fixed else "floating_pt", backend=backend)


@pytest.mark.parametrize("backend", ["python", "compiled"])
@pytest.mark.parametrize("fixed", [False, True], ids=["float", "bitapprox"])
def test_rule_string_set_between_runs(lava_layer, backend, fixed):
    conn, cfg = _net(fixed, backend)
    conn.run(RunSteps(10), cfg)
    assert conn.dw.get() == "u0 * 1" and conn.dd.get() is None
    conn.dw.set("u0 * 2")
    conn.run(RunSteps(10), cfg)
    got = conn.weights.get()[0, 0]
    assert conn.dw.get() == "u0 * 2"
    assert conn._runtime.backend.name == backend
    conn.stop()
    assert got == 10 * 1 + 10 * 2  # one epoch per step: +1 each, then +2 each


def test_rule_vars_are_lava_only():
    conn, _ = _net(False)
    assert not hasattr(conn, "dw")


def test_rule_var_refuses_non_strings(lava_layer):
    conn, cfg = _net(False)
    conn.run(RunSteps(1), cfg)
    with pytest.raises(ValueError, match="a learning rule is a string"):
        conn.dw.set(np.zeros(256))
    conn.stop()
