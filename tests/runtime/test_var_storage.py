"""Var state exists once: a Var's init array becomes its model's array, and stop() takes it back."""
from __future__ import annotations

import numpy as np

from neuroproc import Loihi1SimCfg, RunSteps
from tests.nets import Counter, Recorder

CFG = Loihi1SimCfg(backend="python")


def test_a_var_array_is_handed_to_its_model_and_back_without_a_copy():
    c = Counter(shape=(3,), scale=2.0)
    r = Recorder(shape=(3,), steps=4)
    c.s_out.connect(r.a_in)
    user = np.full(3, 5.0)
    c.count.set(user)
    rt = c.create_runtime(CFG)
    try:
        model = rt.exe.entry_of(c).model
        assert model.count is c.count.init
        c.run(RunSteps(2), CFG)
        np.testing.assert_array_equal(c.count.get(), [4.0, 4.0, 4.0])  # scale * t
        np.testing.assert_array_equal(user, 5.0)  # the caller's array is never the state
    finally:
        c.stop()
    assert c.count.init is model.count
    np.testing.assert_array_equal(c.count.get(), [4.0, 4.0, 4.0])


def test_vars_sharing_one_init_array_get_separate_model_arrays():
    a, b = Counter(shape=(3,), scale=1.0), Counter(shape=(3,), scale=3.0)
    r = Recorder(shape=(3,), steps=4)
    a.s_out.connect(r.a_in)
    b.s_out.connect(r.a_in)
    a.count.set(np.zeros(3))
    b.count.init = a.count.init  # one array behind two Vars
    try:
        r.run(RunSteps(2), CFG)
        np.testing.assert_array_equal(a.count.get(), [2.0, 2.0, 2.0])
        np.testing.assert_array_equal(b.count.get(), [6.0, 6.0, 6.0])
        np.testing.assert_array_equal(r.log.get()[:2], [[4.0] * 3, [8.0] * 3])
    finally:
        r.stop()
