"""Cooperative scheduling: send-before-receive loops, deadlocks, errors in model code."""
from __future__ import annotations

import time

import numpy as np
import pytest

from neuroproc import DeadlockError, Loihi1SimCfg, RunSteps, SimulationError
from tests.nets import Boom, Counter, Recorder, Relay

CFG = Loihi1SimCfg()


def test_send_before_receive_loop_runs():
    # a (recv first, +1) -> b (sends last value first) -> a : b closes the loop with a 1-step delay
    a = Relay(recv_first=True, add=1.0, name="a")
    b = Relay(recv_first=False, name="b")
    a.s_out.connect(b.a_in)
    b.s_out.connect(a.a_in)
    a.run(condition=RunSteps(5), run_cfg=CFG)
    # a(t) = b(t-1) + 1 and b(t) = a(t): a counts 1, 2, 3, ...
    assert a.value.get()[0] == 5.0
    assert b.value.get()[0] == 5.0
    a.stop()


def test_receive_first_loop_is_a_deadlock_naming_both():
    a = Relay(recv_first=True, name="loop_a")
    b = Relay(recv_first=True, name="loop_b")
    a.s_out.connect(b.a_in)
    b.s_out.connect(a.a_in)
    t0 = time.perf_counter()
    with pytest.raises(DeadlockError, match=r"loop_a::Relay\.a_in waits for loop_b::Relay\.s_out") as info:
        a.run(condition=RunSteps(3), run_cfg=CFG)
    assert time.perf_counter() - t0 < 1.0
    assert "loop_b::Relay.a_in waits for loop_a::Relay.s_out" in str(info.value)
    assert {p.name for p, _ in info.value.waiting} == {"loop_a", "loop_b"}
    assert "time step 1" in str(info.value)
    assert a.runtime is None and b.runtime is None  # torn down


def test_exception_in_run_spk_names_process_model_phase_step():
    boom = Boom(at=5, name="kaboom")
    with pytest.raises(SimulationError, match=r"kaboom::Boom \(PyBoomModel\) failed in run_spk at time step 5") as info:
        boom.run(condition=RunSteps(10), run_cfg=CFG)
    err = info.value
    assert isinstance(err.__cause__, ZeroDivisionError)
    assert (err.process, err.model, err.phase, err.time_step) == (boom, err.model, "run_spk", 5)
    assert err.model.__name__ == "PyBoomModel"
    # runtime left clean; the Var keeps the state reached (5 increments) on the Process side
    assert boom.runtime is None
    assert boom.x.get()[0] == 5.0
    # a new network runs normally afterwards
    src, rec = Counter(), Recorder(steps=3)
    src.s_out.connect(rec.a_in)
    rec.run(condition=RunSteps(3), run_cfg=CFG)
    np.testing.assert_array_equal(rec.log.get()[:, 0], [1.0, 2.0, 3.0])
    rec.stop()


def test_exception_in_management_phase_names_phase():
    from neuroproc import LavaPyType, LoihiProtocol, PyLoihiProcessModel, implements
    from tests.nets import Boom as _Boom

    class LateBoom(_Boom):
        pass

    @implements(proc=LateBoom, protocol=LoihiProtocol)
    class PyLateBoomModel(PyLoihiProcessModel):
        x = LavaPyType(np.ndarray, float)

        def post_guard(self):
            return self.time_step == 2

        def run_post_mgmt(self):
            raise KeyError("late")

    p = LateBoom(name="late")
    with pytest.raises(SimulationError, match=r"late::LateBoom \(PyLateBoomModel\) failed in run_post_mgmt at time step 2"):
        p.run(condition=RunSteps(4), run_cfg=CFG)
