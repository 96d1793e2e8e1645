"""Each compiler stage on its own: collect, select, flatten, plan."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import CompilationError, Loihi1SimCfg, Monitor
from neuroproc.compiler import collect, flatten, plan, select
from tests.nets import Counter, Poker, Recorder, Wrapper


def _net():
    src, w, rec = Counter(name="src"), Wrapper(name="w"), Recorder(name="rec", steps=2)
    src.s_out.connect(w.a_in)
    w.s_out.connect(rec.a_in)
    mon = Monitor(name="mon")
    mon.probe(w.value, 2)
    return src, w, rec, mon


def test_collect_finds_everything_connected_in_bfs_order():
    src, w, rec, mon = _net()
    assert [p.name for p in collect(rec)] == ["rec", "w", "src", "mon"]


def test_select_expands_sub_process_models():
    src, w, rec, mon = _net()
    sel = select(collect(src), Loihi1SimCfg(select_tag="hier", select_sub_proc_model=True))
    names = [p.name for p in sel.leaves]
    assert "w" not in names and w.procs.relay.name in names
    assert sel.models[id(w)].__name__ == "SubWrapperModel"
    assert w.model_class is sel.models[id(w)]
    # a second compile reuses the built children instead of building twins
    sel2 = select(collect(src), Loihi1SimCfg(select_tag="hier", select_sub_proc_model=True))
    assert [p.name for p in sel2.leaves] == [p.name for p in sel.leaves]


def test_flatten_resolves_pass_through_ports_and_aliases():
    src, w, rec, mon = _net()
    flat = flatten(select(collect(src), Loihi1SimCfg(select_tag="hier", select_sub_proc_model=True)))
    relay = w.procs.relay
    pairs = sorted((e.src.who, e.dst.who) for e in flat.edges)
    assert pairs == sorted([("src::Counter.s_out", f"{relay.name}::Relay.a_in"),
                            (f"{relay.name}::Relay.s_out", "rec::Recorder.a_in")])
    assert [(r.ref.process.name, r.var.who) for r in flat.ref_links] == [("mon", f"{relay.name}::Relay.value")]
    assert flat.var_home[id(w.value)] is relay.value
    assert "channel" in str(flat)


def test_plan_builds_models_with_typed_vars():
    src, w, rec, mon = _net()
    exe = plan(flatten(select(collect(src), Loihi1SimCfg(select_tag="flat"))))
    entry = exe.entry_of(rec)
    assert entry.model.log.dtype == np.float64 and entry.model.log.shape == (2, 1)
    assert [c.dtype for c in exe.channels] == [np.dtype(float)] * 2  # Monitor reads through a RefPort


def test_plan_reports_undeclared_vars():
    from neuroproc import AbstractProcess, LoihiProtocol, PyLoihiProcessModel, Var, implements

    class Half(AbstractProcess):
        def __init__(self, **kw):
            super().__init__(**kw)
            self.a = Var(shape=(1,))

    @implements(proc=Half, protocol=LoihiProtocol)
    class PyHalf(PyLoihiProcessModel):
        pass

    with pytest.raises(CompilationError, match=r"model PyHalf does not declare the Var 'a'. Add `a = LavaPyType"):
        plan(flatten(select(collect(Half()), Loihi1SimCfg())))


def test_refport_to_unaliased_parent_var_is_refused():
    w = Wrapper(name="wrap")
    w.vars  # the parent's value is aliased by the hierarchical model; add an unaliased one
    from neuroproc import Var
    w.extra = Var(shape=(1,), init=0)
    poker = Poker()
    poker.ref.connect_var(w.extra)
    with pytest.raises(CompilationError, match="not aliased to a child's Var"):
        flatten(select(collect(poker), Loihi1SimCfg(select_tag="hier", select_sub_proc_model=True)))
