"""fold='linear': chains of graded float Dense merge into one LinearChain with the same timing and
values equal up to rounding; chains whose inside matters (binary spikes, bit-accurate models,
fan-out, Monitors, RefPorts or aliases on their Vars) are refused with the reason; the Vars of a
merged Dense refuse get() and set() while the runtime is alive and keep their pre-run values."""
from __future__ import annotations

import re

import numpy as np
import pytest

from neuroproc import (
    AbstractProcess,
    AbstractSubProcessModel,
    InPort,
    Loihi1SimCfg,
    LoihiProtocol,
    Monitor,
    OutPort,
    RunSteps,
    RuntimeStateError,
    Var,
    deployment_report,
    implements,
)
from neuroproc.compiler import collect, fold, select
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.io import source
from neuroproc.proc.lif.process import LIF
from neuroproc.proc.passthrough import Passthrough
from tests.nets import Poker
from tests.proc.dense.graded_order import fixed_order_dot

STEPS = 40


# -- linear chains -------------------------------------------------------------------------------------------
def _chain(n_dense=2, graded=(True, True, True), probe_inner=False, probe_var=False, fixed=False):
    """src (graded values) -> d1 -> pt -> d2 [-> d3] -> lif; Monitor on the last a_out and lif.v."""
    rng = np.random.default_rng(11)
    sizes = [4, 6, 5, 3][: n_dense + 1]
    dt = np.int32 if fixed else float
    data = rng.integers(-3, 4, size=(sizes[0], STEPS)).astype(dt) if fixed else rng.normal(size=(sizes[0], STEPS))
    src = source.RingBuffer(data=data, name="src")
    ws = [rng.normal(size=(sizes[i + 1], sizes[i])) for i in range(n_dense)]
    if fixed:
        ws = [np.round(w * 20) for w in ws]
    dense = [Dense(w, num_message_bits=24 if g else 0, name=f"d{i + 1}") for i, (w, g) in enumerate(zip(ws, graded))]
    pt = Passthrough(sizes[1], name="pt")
    lif = LIF(sizes[-1], du=819 if fixed else 0.2, dv=410 if fixed else 0.1, vth=100 if fixed else 2.0, name="lif")
    src.s_out.connect(dense[0].s_in)
    dense[0].a_out.connect(pt.s_in)
    pt.s_out.connect(dense[1].s_in)
    for a, b in zip(dense[1:], dense[2:]):
        a.a_out.connect(b.s_in)
    dense[-1].a_out.connect(lif.a_in)
    mon = Monitor(name="mon")
    mon.probe(dense[-1].a_out, STEPS)
    mon.probe(lif.v, STEPS)
    if probe_inner:
        mon.probe(dense[0].a_out, STEPS)
    if probe_var:
        mon.probe(dense[0].a_buff, STEPS)
    return src, data, ws, dense, lif, mon


def test_graded_chain_is_refused_by_default_with_the_reason():
    src, *_ = _chain()
    report = deployment_report(src, Loihi1SimCfg(select_tag="floating_pt"))
    [refused] = report.fold.refused
    assert refused.processes == ("d1::Dense", "pt::Passthrough", "d2::Dense")
    assert refused.reason.startswith("fold='exact' keeps graded Dense chains: (W2 @ W1) @ s rounds differently")
    assert "Pass fold='linear'" in refused.reason
    assert [f.processes for f in report.fold.folded] == [("pt::Passthrough",)]
    assert "refused  linear    d1::Dense, pt::Passthrough, d2::Dense  fold='exact' keeps" in str(report)


def test_bit_accurate_chain_is_always_refused():
    src, *_ = _chain(fixed=True)
    report = deployment_report(src, Loihi1SimCfg(select_tag="fixed_pt", fold="linear"))
    [refused] = report.fold.refused
    assert refused.reason.startswith("bit-accurate Dense never fold: each truncates its weights")


@pytest.mark.parametrize("kwargs, reason", [
    ({"graded": (True, False)}, "d2::Dense takes binary spikes (num_message_bits=0)"),
    ({"probe_inner": True}, "d1::Dense.a_out also sends to mon::Monitor.in_port_2, which need the value"),
    ({"probe_var": True}, "mon::Monitor.ref_port_2 reaches a Var of d1::Dense"),
])
def test_chains_whose_inside_matters_are_refused(kwargs, reason):
    src, *_ = _chain(**kwargs)
    report = fold(select(collect(src), Loihi1SimCfg(select_tag="floating_pt", fold="linear"))).report
    assert [r.reason for r in report.refused if r.kind == "linear"][0].startswith(reason)


def _run_chain(fold_mode, n_dense=2, buffers=None, backend="python"):
    src, data, ws, dense, lif, mon = _chain(n_dense)
    for d, b in zip(dense, buffers or ()):
        d.a_buff.set(b)
    try:
        lif.run(RunSteps(STEPS), Loihi1SimCfg(select_tag="floating_pt", fold=fold_mode, backend=backend))
        out = mon.get_data()
        return out[dense[-1].name]["a_out"], out["lif"]["v"], data, ws, dense
    finally:
        lif.stop()


@pytest.mark.parametrize("n_dense", [2, 3])
def test_linear_fold_keeps_the_timing_and_equals_up_to_rounding(n_dense):
    a_ref, v_ref, data, ws, _ = _run_chain(False, n_dense)
    a_lin, v_lin, *_ = _run_chain("linear", n_dense)
    # independent expectation: a_out[t] = W_k ... W_1 s[t - k], zeros for t <= k (one step per Dense)
    expected = np.zeros_like(a_ref)
    for t in range(n_dense + 1, STEPS + 1):
        x = data[:, t - n_dense - 1]
        for w in ws:
            x = w @ x
        expected[t - 1] = x
    np.testing.assert_array_equal(a_lin[:n_dense], 0)
    # stated tolerance: a few ulps of the largest value, 1e-12 relative to the output scale
    tol = 1e-12 * np.abs(a_ref).max()
    np.testing.assert_allclose(a_lin, a_ref, rtol=0, atol=tol)
    np.testing.assert_allclose(a_lin, expected, rtol=0, atol=tol)
    # the LIF integrates and resets: a spike at another step would differ by about vth
    assert (np.diff(v_ref, axis=0) < -0.5).any()
    np.testing.assert_allclose(v_lin, v_ref, rtol=0, atol=1e3 * tol)


def test_linear_fold_carries_initial_buffers_exactly():
    rng = np.random.default_rng(5)
    buffers = [rng.normal(size=6), rng.normal(size=5)]
    a_ref, _, _, ws, _ = _run_chain(False, buffers=buffers)
    a_lin, *_ = _run_chain("linear", buffers=buffers)
    np.testing.assert_array_equal(a_lin[:2], a_ref[:2])            # d2's buffer, then W2 @ d1's buffer
    # Dense's graded float product, in its fixed order (an interpreted second implementation)
    np.testing.assert_array_equal(a_lin[1], fixed_order_dot(ws[1], buffers[0]))


def test_linear_fold_report_and_what_remains_of_the_chain():
    src, data, ws, dense, lif, mon = _chain()
    cfg = Loihi1SimCfg(select_tag="floating_pt", fold="linear")
    report = deployment_report(src, cfg)
    [item] = [f for f in report.fold.folded if f.kind == "linear"]
    assert item.processes == ("d1::Dense", "d2::Dense")
    assert item.detail == ("replaced by folded[d1..d2]::LinearChain: weights (5, 4) = W(d2) @ W(d1), delay 2 steps as "
                           "before, through pt::Passthrough (folded); values equal up to float rounding")
    assert "folded[d1..d2]::LinearChain" in [r.process for r in report.processes]
    assert not [r for r in report.processes if r.process.startswith(("d1", "d2", "pt"))]
    lif.run(RunSteps(2), cfg)
    lc = next(p for p in lif.runtime.procs if p.name == "folded[d1..d2]")
    assert lif.runtime.exe.flat.selection.merged == {id(dense[0]): lc, id(dense[1]): lc}
    np.testing.assert_allclose(lc.weights.get(), ws[1] @ ws[0], rtol=1e-15)
    lif.stop()


def test_auto_and_compiled_backends_run_a_linear_chain_with_the_same_result():
    a_py, v_py, *_ = _run_chain("linear")
    for backend in ("auto", "compiled"):
        a, v, *_ = _run_chain("linear", backend=backend)
        np.testing.assert_array_equal(a, a_py)
        np.testing.assert_array_equal(v, v_py)


# -- the Vars of a merged Dense -------------------------------------------------------------------------------
def _merged_message(key, action):
    """The whole message for ``key`` = 'd1.weights' etc., as a regex."""
    owner, name = f"{key[:2]}::Dense", key[3:]
    after = ("or call get() after stop() for the value from before the run" if action == "get"
             else "or set() it before the run (the merge reads it)")
    return "^" + re.escape(
        f"{owner}.{name}: {action}() is not possible while its network has a runtime (from run() or "
        f"create_runtime() until stop()): fold='linear' merged {owner} into folded[d1..d2]::LinearChain, "
        f"so {owner} does not run and its Vars have no value in the run. Run with fold='exact' or "
        f"fold=False to keep the state of {owner}, {after}.") + "$"


def _start(how, lif, cfg):
    """Leave the network's runtime alive in the state ``how``."""
    if how == "create_runtime":
        lif.create_runtime(cfg)
    elif how == "run":
        lif.run(RunSteps(3), cfg)
    elif how == "background":          # get/set refuse at once, whether or not the run has ended
        lif.run(RunSteps(STEPS, blocking=False), cfg)
    else:
        lif.run(RunSteps(STEPS, blocking=False), cfg)
        lif.pause()


@pytest.mark.parametrize("how", ["create_runtime", "run", "background", "paused"])
def test_vars_of_a_merged_dense_refuse_get_and_set_until_stop(how):
    src, data, ws, dense, lif, mon = _chain()
    buf = np.arange(6.0) - 2.5
    dense[0].a_buff.set(buf)           # before the run: the merge reads it into the LinearChain
    before = {f"{d.name}.{v.name}": v.get() for d in dense for v in d.vars}
    assert set(before) == {f"d{i}.{n}" for i in (1, 2) for n in ("weights", "a_buff", "num_message_bits")}
    _start(how, lif, Loihi1SimCfg(select_tag="floating_pt", fold="linear"))
    try:
        for key in before:
            var = getattr(dense[int(key[1]) - 1], key[3:])
            with pytest.raises(RuntimeStateError, match=_merged_message(key, "get")):
                var.get()
            with pytest.raises(RuntimeStateError, match=_merged_message(key, "get")):
                var.get(idx=0)
            with pytest.raises(RuntimeStateError, match=_merged_message(key, "set")):
                var.set(np.zeros(var.shape))
            with pytest.raises(RuntimeStateError, match=_merged_message(key, "set")):
                var.set(7.0, idx=0)
        lif.wait()
        # the LinearChain that replaced them answers
        lc = next(p for p in lif.runtime.procs if p.name == "folded[d1..d2]")
        np.testing.assert_allclose(lc.weights.get(), ws[1] @ ws[0], rtol=1e-15)
    finally:
        lif.stop()
    # the merged Dense never ran and the refused set() calls changed nothing: values from before the run
    for key, value in before.items():
        got = getattr(dense[int(key[1]) - 1], key[3:]).get()
        np.testing.assert_array_equal(got, value, err_msg=key)
    np.testing.assert_array_equal(dense[0].a_buff.get(), buf)
    np.testing.assert_array_equal(dense[0].weights.get(), ws[0])


# -- Monitors and RefPorts on the Vars of a chain ---------------------------------------------------------------
def _watched_chain(watcher):
    """_chain with a Monitor on d1.a_buff or a Poker (RefPort, reads and writes) on d2.a_buff."""
    src, data, ws, dense, lif, mon = _chain(probe_var=watcher == "monitor")
    poker = None
    if watcher == "refport":
        poker = Poker(shape=(5,), name="poker")
        poker.ref.connect_var(dense[1].a_buff)
    return src, dense, lif, mon, poker


@pytest.mark.parametrize("watcher, reason", [
    ("monitor", "mon::Monitor.ref_port_2 reaches a Var of d1::Dense, which would not exist after folding"),
    ("refport", "poker::Poker.ref reaches a Var of d2::Dense, which would not exist after folding"),
])
def test_a_chain_whose_vars_are_watched_is_not_merged_and_runs_as_unfolded(watcher, reason):
    steps = 15                         # the Poker records 20 steps
    runs = {}
    for mode in (False, "linear"):
        src, dense, lif, mon, poker = _watched_chain(watcher)
        cfg = Loihi1SimCfg(select_tag="floating_pt", fold=mode)
        report = deployment_report(src, cfg)
        lif.run(RunSteps(steps), cfg)
        try:
            # not merged: the Dense run, and their Vars answer from the run
            assert not lif.runtime.exe.flat.selection.merged
            runs[mode] = {"report": report, "mon": mon.get_data(), "a_buff": [d.a_buff.get() for d in dense],
                          "seen": poker.seen.get() if poker is not None else None}
            dense[1].a_buff.set(np.ones(5))
            np.testing.assert_array_equal(dense[1].a_buff.get(), np.ones(5))
        finally:
            lif.stop()
    report = runs["linear"]["report"]
    assert [f.processes for f in report.fold.folded] == [("pt::Passthrough",)]
    [refused] = [r for r in report.fold.refused if r.kind == "linear"]
    assert refused.processes == ("d1::Dense", "pt::Passthrough", "d2::Dense")
    assert refused.reason == reason
    assert {"d1::Dense", "d2::Dense"} <= {r.process for r in report.processes}
    ref, got = runs[False], runs["linear"]
    for proc in ref["mon"]:
        for name in ref["mon"][proc]:
            np.testing.assert_array_equal(got["mon"][proc][name], ref["mon"][proc][name], err_msg=f"{proc}.{name}")
    for a, b in zip(got["a_buff"], ref["a_buff"]):
        np.testing.assert_array_equal(a, b)
    if watcher == "monitor":
        assert np.abs(ref["mon"]["d1"]["a_buff"]).max() > 0.1
    else:
        np.testing.assert_array_equal(got["seen"], ref["seen"])
        assert np.abs(ref["seen"][:steps]).max() > 0.1 and not ref["seen"][steps:].any()


# -- an alias on a chain's Var ------------------------------------------------------------------------------------
class DenseBlock(AbstractProcess):
    """Hierarchical: one graded Dense inside; ``a_buff`` aliases the child's."""

    def __init__(self, weights, **kwargs):
        super().__init__(weights=weights, **kwargs)
        n_out, n_in = np.shape(weights)
        self.s_in = InPort(shape=(n_in,))
        self.a_out = OutPort(shape=(n_out,))
        self.a_buff = Var(shape=(n_out,), init=0)


@implements(proc=DenseBlock, protocol=LoihiProtocol)
class SubDenseBlockModel(AbstractSubProcessModel):
    def __init__(self, proc):
        super().__init__(proc)
        self.dense = Dense(proc.proc_params["weights"], num_message_bits=24, name="inner")
        proc.s_in.connect(self.dense.s_in)
        self.dense.a_out.connect(proc.a_out)
        proc.a_buff.alias(self.dense.a_buff)


def test_a_chain_with_an_aliased_var_is_not_merged_and_the_alias_reads_the_state():
    # src -> block (inner Dense) -> d2 -> lif: a graded chain but for the alias on inner.a_buff
    rng = np.random.default_rng(5)
    data = rng.normal(size=(4, STEPS))
    src = source.RingBuffer(data=data, name="src")
    block = DenseBlock(np.eye(4) * 0.5, name="block")
    d2 = Dense(rng.normal(size=(3, 4)), num_message_bits=24, name="d2")
    lif = LIF(3, du=0.2, dv=0.1, vth=2.0, name="lif")
    src.s_out.connect(block.s_in)
    block.a_out.connect(d2.s_in)
    d2.a_out.connect(lif.a_in)
    cfg = Loihi1SimCfg(select_tag="floating_pt", fold="linear")
    report = fold(select(collect(src), cfg)).report
    assert [r.reason for r in report.refused if r.kind == "linear"] == [
        "block::DenseBlock.a_buff (an alias) reaches a Var of inner::Dense, which would not exist after folding"]
    assert report.folded == []
    try:
        src.run(RunSteps(3), cfg)
        np.testing.assert_array_equal(block.a_buff.get(), 0.5 * data[:, 2])  # W @ s of step 3
    finally:
        src.stop()
