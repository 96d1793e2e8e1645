"""What the python backend leaves out per step, and what it must still do.

A management phase, guard or phase method that no model overrides is never called; everything a
model does override runs in Lava's phase order. The base methods are replaced by recording
spies for these tests, so a call the backend should have skipped would show.
"""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import (
    CPU,
    AbstractProcess,
    InPort,
    LavaPyType,
    Loihi1SimCfg,
    LoihiProtocol,
    OutPort,
    PyInPort,
    PyLoihiProcessModel,
    PyOutPort,
    RunSteps,
    Var,
    implements,
    requires,
)
from tests.nets import Counter, Recorder

CFG = Loihi1SimCfg(backend="python")
_BASE = ("pre_guard", "run_pre_mgmt", "lrn_guard", "run_lrn", "post_guard", "run_post_mgmt")


@pytest.fixture
def base_calls(monkeypatch) -> list:
    """Calls of PyLoihiProcessModel's own guards and phase methods, as (process name, method)."""
    calls: list = []
    for name in _BASE:
        default = getattr(PyLoihiProcessModel, name)

        def spy(self, _name=name, _default=default):
            calls.append((type(self).__name__, _name))
            return _default(self)

        monkeypatch.setattr(PyLoihiProcessModel, name, spy)
    return calls


class Phased(AbstractProcess):
    """Logs ``(time_step, name, phase)`` of every phase it runs into a shared list; passes its
    input on in ``run_spk`` (an unconnected port receives zeros)."""

    def __init__(self, log: list, name: str):
        super().__init__(log=log, label=name, name=name)
        self.a_in = InPort(shape=(1,))
        self.s_out = OutPort(shape=(1,))


@implements(proc=Phased, protocol=LoihiProtocol)
@requires(CPU)
class PyPhasedModel(PyLoihiProcessModel):
    """Overrides every guard and phase: learning and pre-management every 2nd step,
    post-management every 3rd."""

    a_in = LavaPyType(PyInPort.VEC_DENSE, float)
    s_out = LavaPyType(PyOutPort.VEC_DENSE, float)

    def _log(self, phase):
        self.proc_params["log"].append((self.time_step, self.proc_params["label"], phase))

    def run_spk(self):
        self.s_out.send(self.a_in.recv())
        self._log("spk")

    def pre_guard(self):
        return self.time_step % 2 == 0

    def run_pre_mgmt(self):
        self._log("pre")

    def lrn_guard(self):
        return self.time_step % 2 == 0

    def run_lrn(self):
        self._log("lrn")

    def post_guard(self):
        return self.time_step % 3 == 0

    def run_post_mgmt(self):
        self._log("post")


class GuardOnly(AbstractProcess):
    """Overrides ``lrn_guard`` (always true) but not ``run_lrn``; counts its guard calls."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.asked = Var(shape=(1,), init=0)


@implements(proc=GuardOnly, protocol=LoihiProtocol)
@requires(CPU)
class PyGuardOnlyModel(PyLoihiProcessModel):
    asked = LavaPyType(np.ndarray, float)

    def lrn_guard(self):
        self.asked[0] += 1
        return True


class Plain(AbstractProcess):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.a_in = InPort(shape=(1,))
        self.s_out = OutPort(shape=(1,))


@implements(proc=Plain, protocol=LoihiProtocol)
@requires(CPU)
class PyPlainModel(PyLoihiProcessModel):
    """Only ``run_spk``: passes its input on, plus one."""

    a_in = LavaPyType(PyInPort.VEC_DENSE, float)
    s_out = LavaPyType(PyOutPort.VEC_DENSE, float)

    def run_spk(self):
        self.s_out.send(self.a_in.recv() + 1)


def test_models_without_management_phases_are_never_called_for_them(base_calls):
    src, rec = Counter(), Recorder(steps=6)
    chain = [Plain(name=f"plain{i}") for i in range(3)]
    src.s_out.connect(chain[0].a_in)
    for a, b in zip(chain, chain[1:]):
        a.s_out.connect(b.a_in)
    chain[-1].s_out.connect(rec.a_in)
    rec.run(condition=RunSteps(6), run_cfg=CFG)
    try:
        np.testing.assert_array_equal(rec.log.get()[:, 0], np.arange(1, 7) + 3)
    finally:
        rec.stop()
    assert base_calls == []


def test_an_overridden_guard_is_asked_every_step_but_the_empty_phase_is_not_run(base_calls):
    g = GuardOnly(name="g")
    g.run(condition=RunSteps(5), run_cfg=CFG)
    try:
        assert g.asked.get()[0] == 5  # the guard is the model's code: asked as Lava asks it
    finally:
        g.stop()
    # its guard holds, but run_lrn is PyLoihiProcessModel's empty one: never called
    assert ("g", "run_lrn") not in base_calls
    assert base_calls == []


def expected_phases(steps: int) -> list:
    """Lava's phases of a PyPhasedModel per step: learning and pre-management are asked together
    (so Lava runs both), post-management every third step."""
    out = []
    for t in range(1, steps + 1):
        out.append((t, "spk"))
        if t % 2 == 0:
            out += [(t, "pre"), (t, "lrn")]
        if t % 3 == 0:
            out.append((t, "post"))
    return out


def test_overridden_phases_run_in_lavas_order_next_to_plain_models(base_calls):
    log: list = []
    src, a, plain, b = Counter(), Phased(log, name="a"), Plain(name="plain"), Phased(log, name="b")
    src.s_out.connect(a.a_in)
    a.s_out.connect(plain.a_in)
    plain.s_out.connect(b.a_in)
    a.run(condition=RunSteps(6), run_cfg=CFG)
    a.stop()
    for name in ("a", "b"):
        assert [(t, phase) for t, n, phase in log if n == name] == expected_phases(6)
    # all models finish a phase before any starts the next
    order = {"spk": 0, "pre": 1, "lrn": 2, "post": 3}
    for t in range(1, 7):
        phases = [order[phase] for step, _, phase in log if step == t]
        assert phases == sorted(phases)
    assert base_calls == []
