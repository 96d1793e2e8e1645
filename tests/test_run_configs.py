"""Model selection rules of Loihi1SimCfg / Loihi2SimCfg, and custom select()."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import (
    CPU,
    AbstractProcess,
    AbstractSubProcessModel,
    LavaPyType,
    Loihi1SimCfg,
    Loihi2SimCfg,
    LoihiProtocol,
    PyLoihiProcessModel,
    SelectionError,
    ValidationError,
    Var,
    implements,
    requires,
    tag,
)
from neuroproc.registry import models_for


class Thing(AbstractProcess):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.x = Var(shape=(1,), init=0)


@implements(proc=Thing, protocol=LoihiProtocol)
@tag("floating_pt")
@requires(CPU)
class PyThingFloat(PyLoihiProcessModel):
    x = LavaPyType(np.ndarray, float)


@implements(proc=Thing, protocol=LoihiProtocol)
@tag("fixed_pt", "bit_accurate_loihi")
@requires(CPU)
class PyThingFixed(PyLoihiProcessModel):
    x = LavaPyType(np.ndarray, np.int32)


@implements(proc=Thing, protocol=LoihiProtocol)
@tag("floating_pt")
class SubThing(AbstractSubProcessModel):
    def __init__(self, proc):
        super().__init__(proc)
        self.inner = Lone()


class Lone(AbstractProcess):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.x = Var(shape=(1,), init=0)


@implements(proc=Lone, protocol=LoihiProtocol)
@tag("only_tag")
class PyLone(PyLoihiProcessModel):
    x = LavaPyType(np.ndarray, float)


class Untagged(AbstractProcess):
    pass


@implements(proc=Untagged, protocol=LoihiProtocol)
class PyUntagged(PyLoihiProcessModel):
    pass


class SpecialThing(Thing):
    """Inherits Thing's models (nearest class first)."""


def pick(cfg, proc):
    return cfg.select(proc, models_for(type(proc)))


def test_tag_selects_leaf_model_in_registration_order():
    assert pick(Loihi1SimCfg(select_tag="floating_pt"), Thing()) is PyThingFloat
    assert pick(Loihi1SimCfg(select_tag="fixed_pt"), Thing()) is PyThingFixed
    assert pick(Loihi2SimCfg(select_tag="bit_accurate_loihi"), Thing()) is PyThingFixed
    assert pick(Loihi1SimCfg(), Thing()) is PyThingFloat


def test_sub_process_model_preference():
    assert pick(Loihi1SimCfg(select_tag="floating_pt", select_sub_proc_model=True), Thing()) is SubThing
    assert pick(Loihi1SimCfg(select_tag="floating_pt", select_sub_proc_model=False), Thing()) is PyThingFloat
    # preference, not requirement: no sub model tagged fixed_pt -> the leaf model
    assert pick(Loihi1SimCfg(select_tag="fixed_pt", select_sub_proc_model=True), Thing()) is PyThingFixed


def test_exception_map_wins_over_tags():
    cfg = Loihi1SimCfg(select_tag="floating_pt", exception_proc_model_map={Thing: PyThingFixed})
    assert pick(cfg, Thing()) is PyThingFixed
    assert pick(cfg, SpecialThing()) is PyThingFixed  # base-class entry applies


def test_models_of_base_classes_are_candidates():
    assert models_for(SpecialThing)[:3] == [PyThingFloat, PyThingFixed, SubThing]
    assert pick(Loihi1SimCfg(select_tag="fixed_pt"), SpecialThing(name="sp")) is PyThingFixed


def test_unknown_tag_lists_candidates_and_suggests():
    t = Thing(name="lif1")
    with pytest.raises(SelectionError) as info:
        pick(Loihi1SimCfg(select_tag="fixd_pt"), t)
    msg = str(info.value)
    assert msg.startswith("Loihi1SimCfg(select_tag='fixd_pt', backend='auto') found no model for "
                          "lif1::Thing. Candidates: ")
    assert "PyThingFloat [floating_pt]" in msg and "PyThingFixed [fixed_pt, bit_accurate_loihi]" in msg
    assert msg.endswith("Did you mean 'fixed_pt'?")


def test_single_candidate_rules():
    # a single tagged model lacking the requested tag is an error ...
    with pytest.raises(SelectionError, match=r"found no model for .*Lone.*PyLone \[only_tag\]"):
        pick(Loihi1SimCfg(select_tag="floating_pt"), Lone())
    assert pick(Loihi1SimCfg(select_tag="only_tag"), Lone()) is PyLone
    # ... an untagged single model fits any tag (as Lava's Monitor model does)
    assert pick(Loihi1SimCfg(select_tag="rate_neurons"), Untagged()) is PyUntagged


def test_no_model_at_all():
    class Orphan(AbstractProcess):
        pass

    with pytest.raises(SelectionError, match=r"no CPU-simulatable model for .*Orphan.*none registered"):
        pick(Loihi1SimCfg(), Orphan())


def test_custom_select_overrides_and_falls_back():
    class PreferFixed(Loihi1SimCfg):
        def select(self, proc, proc_models):
            if isinstance(proc, Thing):
                return PyThingFixed
            return super().select(proc, proc_models)

    cfg = PreferFixed(select_tag="only_tag")
    assert pick(cfg, Thing()) is PyThingFixed
    assert pick(cfg, Lone()) is PyLone


def test_custom_select_must_return_a_model_for_the_process():
    class Bad(Loihi1SimCfg):
        def select(self, proc, proc_models):
            return "not a model"

    class Wrong(Loihi1SimCfg):
        def select(self, proc, proc_models):
            return PyLone

    with pytest.raises(SelectionError, match="must return a ProcessModel class"):
        Thing().run(condition=__import__("neuroproc").RunSteps(1), run_cfg=Bad())
    with pytest.raises(SelectionError, match="PyLone for .*Thing, but that model implements Lone"):
        Thing().run(condition=__import__("neuroproc").RunSteps(1), run_cfg=Wrong())


def test_run_config_argument_errors():
    with pytest.raises(ValidationError, match="select_tag must be a str"):
        Loihi1SimCfg(select_tag=3)
    with pytest.raises(ValidationError, match="backend must be one of"):
        Loihi1SimCfg(backend="gpu")


def test_notebook_redefinition_replaces_the_model():
    class Re(AbstractProcess):
        pass

    def define():
        @implements(proc=Re, protocol=LoihiProtocol)
        class PyReModel(PyLoihiProcessModel):
            pass
        return PyReModel

    first, second = define(), define()
    assert models_for(Re) == [second] and first is not second
