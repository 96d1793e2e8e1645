"""Lava-visible behaviour that holds only while the Lava layer is installed."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import Loihi2SimCfg, RunSteps
from neuroproc.compat import lava as compat
from neuroproc.exceptions import ValidationError
from neuroproc.proc.lif.process import LIF


@pytest.fixture
def lava_layer():
    compat.install()
    yield
    compat.uninstall()


def _lif_one_step(du: int, dv: int) -> tuple[int, int]:
    lif = LIF(shape=(1,), u=5000, v=300, du=du, dv=dv, bias_mant=7, vth=100_000)
    lif.run(RunSteps(1), Loihi2SimCfg(select_tag="fixed_pt", backend="python"))
    u, v = int(lif.u.get()[0]), int(lif.v.get()[0])
    lif.stop()
    return u, v


def test_decay_4096_is_refused_natively():
    with pytest.raises(ValidationError, match=r"needs du in \[-1, 4095\]"):
        _lif_one_step(4096, 0)


def test_decay_4096_runs_under_the_lava_layer_as_lavas_arithmetic(lava_layer):
    # Lava: u = trunc0(u * (4096 - (du + 1)) / 4096) + (a << 6); v = trunc0(v * (4096 - dv) / 4096)
    # + u + bias. du = dv = 4096: u = trunc0(-5000 / 4096) = -1, v = 0 + u + 7 = 6.
    assert _lif_one_step(4096, 4096) == (-1, 6)


def _model_requiring(resource):
    from neuroproc import AbstractProcessModel, requires

    @requires(resource)
    class Model(AbstractProcessModel):
        def run(self):
            pass

    return Model


def test_requires_takes_a_resource_instance_natively():
    from neuroproc.resources import CPU

    assert _model_requiring(CPU()).required_resources[0].__class__ is CPU


def test_requires_refuses_a_resource_instance_under_the_lava_layer(lava_layer):
    from neuroproc.resources import CPU

    with pytest.raises(TypeError, match=r"@requires: .* is a resource instance.*Use @requires\(CPU\)"):
        _model_requiring(CPU())
    assert _model_requiring(CPU).required_resources == [CPU]


def test_unnamed_process_is_named_by_class_natively_and_by_id_under_the_lava_layer():
    native = LIF(shape=(1,))
    assert native.name.startswith("LIF_")
    compat.install()
    try:
        lava_named = LIF(shape=(1,))
    finally:
        compat.uninstall()
    assert lava_named.name == f"Process_{lava_named.id}"
    assert LIF(shape=(1,), name="given").name == "given"


def test_runtime_flags_follow_lavas_life_cycle():
    lif = LIF(shape=(1,))
    cfg = Loihi2SimCfg(backend="python")
    lif.create_runtime(run_cfg=cfg)
    rt = lif.runtime
    assert (rt._is_initialized, rt._is_started, rt._is_running) == (True, False, False)
    lif.run(RunSteps(1), cfg)
    assert (rt._is_started, rt._is_running) == (True, False)
    lif.stop()
    assert not rt._is_started


@pytest.mark.parametrize("layer", [False, True])
def test_a_stopped_runtime_stays_on_the_process_only_under_the_lava_layer(layer):
    if layer:
        compat.install()
    try:
        lif = LIF(shape=(1,))
        lif.run(RunSteps(2), Loihi2SimCfg(backend="python"))
        rt = lif.runtime
        lif.stop()
        if layer:
            assert lif.runtime is rt and not rt._is_running and not rt._is_started
        else:
            assert lif.runtime is None
    finally:
        if layer:
            compat.uninstall()


def test_actor_type_resolves_and_a_process_context_stops_its_run(lava_layer):
    from lava.magma.core.process.message_interface_enum import ActorType  # type: ignore[import-not-found]

    assert ActorType.MultiProcessing == 0
    lif = LIF(shape=(1,))
    with lif:
        lif.run(RunSteps(3), Loihi2SimCfg(backend="python"))
        rt = lif.runtime
        assert rt._is_started
    assert not rt._is_started and not rt._is_running
