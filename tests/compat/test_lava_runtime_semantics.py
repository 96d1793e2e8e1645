"""Lava's runtime semantics a model can see: global management phases, pause/stop requests from
model code, ``on_var_update`` after a host ``set``."""
from __future__ import annotations

import numpy as np

from neuroproc import (
    AbstractProcess,
    LavaPyType,
    Loihi2SimCfg,
    LoihiProtocol,
    PyLoihiProcessModel,
    RunContinuous,
    RunSteps,
    Var,
    implements,
)

CFG = Loihi2SimCfg(backend="python")


class Log(AbstractProcess):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.pre = Var(shape=(10,), init=0)
        self.lrn = Var(shape=(10,), init=0)
        self.post = Var(shape=(10,), init=0)


class Asker(Log):
    """Asks for learning (and pre-management with it) on even steps."""


class Bystander(Log):
    """Its pre_guard always holds, but it never asks for learning."""


class _Recording(PyLoihiProcessModel):
    pre = LavaPyType(np.ndarray, int)
    lrn = LavaPyType(np.ndarray, int)
    post = LavaPyType(np.ndarray, int)

    def run_pre_mgmt(self):
        self.pre[self.time_step - 1] = 1

    def run_lrn(self):
        self.lrn[self.time_step - 1] = 1

    def run_post_mgmt(self):
        self.post[self.time_step - 1] = 1


@implements(proc=Asker, protocol=LoihiProtocol)
class PyAsker(_Recording):
    def pre_guard(self):
        return self.time_step % 2 == 0

    def lrn_guard(self):
        return self.time_step % 2 == 0


@implements(proc=Bystander, protocol=LoihiProtocol)
class PyBystander(_Recording):
    def pre_guard(self):
        return True

    def post_guard(self):
        return self.time_step == 3


def test_pre_management_runs_only_in_steps_where_a_model_asks_with_learning():
    asker, bystander = Asker(), Bystander()  # two separate networks
    net = [asker, bystander]
    for p in net:
        p.run(condition=RunSteps(num_steps=6), run_cfg=CFG)
    even = [0, 1, 0, 1, 0, 1, 0, 0, 0, 0]
    # alone, the bystander's pre_guard never opens the phase (Lava: only lrn_guard and pre_guard do)
    assert bystander.pre.get().tolist() == [0] * 10
    assert bystander.post.get().tolist() == [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert asker.pre.get().tolist() == even and asker.lrn.get().tolist() == even
    for p in net:
        p.stop()


class Pair(AbstractProcess):
    """Both kinds in one network, through a sub-process model."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.bystander_pre = Var(shape=(10,), init=0)


def test_in_a_shared_network_the_askers_step_opens_pre_management_for_all():
    from neuroproc import AbstractSubProcessModel

    @implements(proc=Pair, protocol=LoihiProtocol)
    class SubPair(AbstractSubProcessModel):
        def __init__(self, proc):
            super().__init__(proc)
            self.asker = Asker()
            self.bystander = Bystander()
            proc.bystander_pre.alias(self.bystander.pre)

    pair = Pair()
    pair.run(condition=RunSteps(num_steps=6), run_cfg=CFG)
    assert pair.bystander_pre.get().tolist() == [0, 1, 0, 1, 0, 1, 0, 0, 0, 0]
    pair.stop()


class Pauser(AbstractProcess):
    def __init__(self, at=3, stop=False, **kwargs):
        super().__init__(at=at, stop=stop, **kwargs)
        self.steps = Var(shape=(1,), init=0)
        self.scale = Var(shape=(1,), init=1)
        self.scaled = Var(shape=(1,), init=0)


@implements(proc=Pauser, protocol=LoihiProtocol)
class PyPauser(PyLoihiProcessModel):
    steps = LavaPyType(np.ndarray, int)
    scale = LavaPyType(np.ndarray, int)
    scaled = LavaPyType(np.ndarray, int)

    def run_spk(self):
        self.steps += 1
        if self.time_step == self.proc_params["at"]:
            if self.proc_params["stop"]:
                self._req_rs_stop()
            else:
                self._req_pause = True  # Lava models set the flag directly

    def on_var_update(self):
        self.scaled[:] = 10 * self.scale


def test_a_model_pauses_the_run_and_a_new_run_resumes():
    p = Pauser(at=3)
    p.run(condition=RunSteps(num_steps=100), run_cfg=CFG)
    assert p.steps.get().tolist() == [3] and p.runtime.time_step == 3
    p.run(condition=RunSteps(num_steps=4), run_cfg=CFG)
    assert p.steps.get().tolist() == [7]
    p.stop()


def test_a_model_pauses_a_continuous_run():
    p = Pauser(at=5)
    p.run(condition=RunContinuous(), run_cfg=CFG)
    p.wait()
    assert p.steps.get().tolist() == [5]
    p.stop()


def test_a_model_stops_the_run():
    p = Pauser(at=2, stop=True)
    p.run(condition=RunSteps(num_steps=10), run_cfg=CFG)
    assert p.runtime is None and p.steps.get().tolist() == [2]  # stopped: the last values stay


def test_host_set_calls_on_var_update():
    p = Pauser(at=0)
    p.run(condition=RunSteps(num_steps=1), run_cfg=CFG)
    p.scale.set(np.array([4]))
    assert p.scaled.get().tolist() == [40]
    p.stop()


def test_runtime_get_and_set_var_take_a_var_id():
    import pytest

    from neuroproc.exceptions import ValidationError

    proc = Bystander()
    proc.run(RunSteps(1), CFG)
    rt = proc.runtime
    rt.set_var(proc.pre.id, np.arange(10))
    np.testing.assert_array_equal(rt.get_var(proc.pre.id), np.arange(10))
    np.testing.assert_array_equal(proc.pre.get(), np.arange(10))
    with pytest.raises(ValidationError, match=r"has no Var with id -1"):
        rt.get_var(-1)
    proc.stop()
