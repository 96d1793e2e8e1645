"""precompute=True: host Processes no chip output reaches run ahead, the rest is replayed into.

The expectation is always a second run of the same network without precompute on the python
backend (the reference runtime), compared bit for bit.
"""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import (
    CPU,
    AbstractProcess,
    InPort,
    LavaPyType,
    Loihi2SimCfg,
    LoihiProtocol,
    Monitor,
    OutPort,
    PyInPort,
    PyLoihiProcessModel,
    PyOutPort,
    RunContinuous,
    RunSteps,
    Var,
    implements,
    requires,
)
from neuroproc.exceptions import RuntimeStateError
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.io import source
from neuroproc.proc.lif.process import LIF
from neuroproc.runtime.precompute import precomputed_part

N_IN, N_OUT, STEPS = 6, 4, 12


class SoftClip(AbstractProcess):
    """A user's non-linear node without a kernel: y = 3 tanh(x) + gain * state, state += x^2."""

    def __init__(self, shape, **kwargs):
        super().__init__(shape=shape, **kwargs)
        self.state = Var(shape=shape, init=0.0)
        self.gain = Var(shape=(1,), init=0.25)
        self.a_in = InPort(shape=shape)
        self.s_out = OutPort(shape=shape)


@implements(proc=SoftClip, protocol=LoihiProtocol)
@requires(CPU)
class PySoftClipModel(PyLoihiProcessModel):
    a_in = LavaPyType(PyInPort.VEC_DENSE, float)
    s_out = LavaPyType(PyOutPort.VEC_DENSE, float)
    state = LavaPyType(np.ndarray, float)
    gain = LavaPyType(np.ndarray, float)

    def run_spk(self):
        x = self.a_in.recv()
        self.s_out.send(3.0 * np.tanh(x) + self.gain[0] * self.state)
        self.state += x * x
        self.state *= 0.5


def _net(stop_at=None, n_in=N_IN, n_out=N_OUT, probe_steps=40):
    """RingBuffer -> SoftClip (no kernel) -> Dense -> LIF; a Monitor probes lif.v and clip.s_out."""
    rng = np.random.default_rng(7)
    src = source.RingBuffer(data=rng.normal(0.0, 1.0, (n_in, 5)), name="src")
    clip = SoftClip((n_in,), name="clip")
    dense = Dense(weights=rng.normal(0.0, 0.4, (n_out, n_in)), name="dense")
    lif = LIF(n_out, du=0.2, dv=0.1, vth=1.5, name="lif")
    if stop_at is None:
        src.s_out.connect(clip.a_in)
    else:  # the request to stop comes from the precomputed part
        stop = StopAt((n_in,), stop_at, name="stop")
        src.s_out.connect(stop.a_in)
        stop.s_out.connect(clip.a_in)
    clip.s_out.connect(dense.s_in)
    dense.a_out.connect(lif.a_in)
    mon = Monitor(name="mon")
    mon.probe(lif.v, probe_steps)
    mon.probe(clip.s_out, probe_steps)
    return {"src": src, "clip": clip, "dense": dense, "lif": lif, "mon": mon}


class StopAt(AbstractProcess):
    """Passes its input on and asks the runtime to stop after step ``at``."""

    def __init__(self, shape, at, **kwargs):
        super().__init__(shape=shape, at=at, **kwargs)
        self.a_in = InPort(shape=shape)
        self.s_out = OutPort(shape=shape)


@implements(proc=StopAt, protocol=LoihiProtocol)
@requires(CPU)
class PyStopAtModel(PyLoihiProcessModel):
    a_in = LavaPyType(PyInPort.VEC_DENSE, float)
    s_out = LavaPyType(PyOutPort.VEC_DENSE, float)

    def run_spk(self):
        self.s_out.send(self.a_in.recv())
        if self.time_step == self.proc_params["at"]:
            self._req_rs_stop()


def _cfg(backend, precompute):
    return Loihi2SimCfg(select_tag="floating_pt", backend=backend, precompute=precompute)


def _run(backend, precompute, plan=(STEPS,), between=None):
    """Run the network in the runs of ``plan``; ``between(net, i)`` after run i; returns what it saw."""
    p = _net()
    cfg = _cfg(backend, precompute)
    seen = {}
    for i, n in enumerate(plan):
        p["lif"].run(condition=RunSteps(n), run_cfg=cfg)
        if between is not None:
            between(p, i)
    rt = p["lif"].runtime
    seen["backend"], seen["reason"] = rt.backend.name, rt.backend.reason
    for name in ("state", "gain"):
        seen[f"clip.{name}"] = p["clip"].vars[name].get().copy()
    for name in ("u", "v"):
        seen[f"lif.{name}"] = p["lif"].vars[name].get().copy()
    data = p["mon"].get_data()
    seen["mon.v"] = np.array(data["lif"]["v"])
    seen["mon.clip"] = np.array(data["clip"]["s_out"])
    p["lif"].stop()
    return seen


def _same(a, b):
    for key in a:
        if key.startswith(("lif.", "clip.", "mon.")):
            assert a[key].dtype == b[key].dtype and np.array_equal(a[key], b[key]), key


def test_the_precomputed_part_is_the_source_and_the_user_model():
    p = _net()
    from neuroproc.compiler import compile_network

    exe = compile_network(p["lif"], _cfg("python", True))
    assert sorted(e.proc.name for e in precomputed_part(exe)) == ["clip", "src"]


def test_the_rest_is_compiled_and_results_are_bit_identical():
    ref = _run("python", False)
    assert ref["backend"] == "python"
    got = _run("compiled", True)
    assert got["backend"] == "compiled"  # the user model no longer keeps the network off the fused loop
    assert "src::RingBuffer" in got["reason"] and "clip::SoftClip" in got["reason"]
    _same(ref, got)
    assert np.count_nonzero(ref["mon.v"]) > 0  # the run did something


def test_without_precompute_the_user_model_keeps_the_python_backend():
    with pytest.warns(Warning, match="no kernel"):
        got = _run("compiled", False)
    assert got["backend"] == "python"


@pytest.mark.parametrize("backend", ["python", "compiled"])
def test_split_runs_continue_both_parts(backend):
    ref = _run("python", False)
    got = _run(backend, True, plan=(5, 7))
    _same(ref, got)


@pytest.mark.parametrize("backend", ["python", "compiled"])
def test_get_and_set_between_runs_on_either_part(backend):
    def poke(p, i):
        if i == 0:
            assert np.array_equal(p["clip"].state.get(), seen_ref[0])
            p["clip"].gain.set(np.array([-0.5]))
            p["lif"].v.set(p["lif"].v.get() * 0.5)

    seen_ref = []

    def ref_poke(p, i):
        if i == 0:
            seen_ref.append(p["clip"].state.get().copy())
            p["clip"].gain.set(np.array([-0.5]))
            p["lif"].v.set(p["lif"].v.get() * 0.5)

    ref = _run("python", False, plan=(5, 7), between=ref_poke)
    got = _run(backend, True, plan=(5, 7), between=poke)
    _same(ref, got)


def test_non_blocking_and_continuous_runs_are_refused():
    p = _net()
    cfg = _cfg("python", True)
    with pytest.raises(RuntimeStateError, match="precompute=True cannot run a non-blocking"):
        p["lif"].run(condition=RunSteps(5, blocking=False), run_cfg=cfg)
    with pytest.raises(RuntimeStateError, match=r"precompute=True cannot run RunContinuous\(\)"):
        p["lif"].run(condition=RunContinuous(), run_cfg=cfg)
    p["lif"].run(condition=RunSteps(3), run_cfg=cfg)  # a blocking run still works
    assert p["lif"].runtime.time_step == 3
    p["lif"].stop()


def test_a_network_without_host_sources_runs_normally_and_says_so():
    lif = LIF(3, du=0.2, dv=0.1, vth=1.0, bias_mant=0.7, name="alone")
    lif.run(condition=RunSteps(4), run_cfg=_cfg("python", True))
    assert "nothing precomputed" in lif.runtime.backend.reason
    lif.stop()


def test_a_monitor_of_both_parts_pulls_the_probed_model_into_the_rest():
    def run(precompute):
        p = _net()
        mon = Monitor(name="both")
        mon.probe(p["clip"].state, 20)
        mon.probe(p["lif"].u, 20)
        p["lif"].run(condition=RunSteps(6), run_cfg=_cfg("python", precompute))
        p["lif"].run(condition=RunSteps(6), run_cfg=_cfg("python", precompute))
        used = p["lif"].runtime.backend
        data = mon.get_data()
        p["lif"].stop()
        return np.array(data["clip"]["state"]), np.array(data["lif"]["u"]), used

    state, u, _ = run(False)
    got_state, got_u, used = run(True)
    # the Monitor reads clip.state every step: clip joins the rest, only the source runs ahead
    assert [proc.name for proc in used.precomputed] == ["src"]
    assert np.array_equal(state, got_state) and np.array_equal(u, got_u) and np.count_nonzero(state[:12]) > 0


def test_a_run_that_ends_before_the_precomputed_part_is_refused():
    p = _net()
    p["lif"].run(condition=RunSteps(2), run_cfg=_cfg("python", True))
    backend = p["lif"].runtime.backend
    backend.begin(5)  # the precomputed part runs to step 7; a pause comes before the rest's first step
    with pytest.raises(RuntimeStateError, match="precompute=True: pause.* ended the run at time step 2, but "
                                                "the precomputed Processes had already run to time step 7"):
        backend.run_steps(2, 5, lambda: True)
    p["lif"].stop()
    p = _net()
    p["lif"].run(condition=RunSteps(2), run_cfg=_cfg("python", True))
    backend = p["lif"].runtime.backend
    backend.begin(5)  # to step 7; a pause between two chunks of the run (as the progress bar makes them)
    assert backend.run_steps(2, 2, lambda: False) == 4
    with pytest.raises(RuntimeStateError, match="ended the run at time step 4, but the precomputed Processes "
                                                "had already run to time step 7"):
        backend.end()
    p["lif"].stop()


@pytest.mark.parametrize("backend", ["python", "compiled"])
def test_a_stop_asked_in_the_precomputed_part_ends_the_rest_at_that_step(backend):
    def run(backend, precompute):
        p = _net(stop_at=4)
        p["lif"].run(condition=RunSteps(10), run_cfg=_cfg(backend, precompute))
        assert p["lif"].runtime is None  # stopped by the request
        return p["lif"].v.get().copy(), p["mon"].get_data()["lif"]["v"]

    ref_v, ref_mon = run("python", False)
    got_v, got_mon = run(backend, True)
    assert np.array_equal(ref_v, got_v) and np.array_equal(ref_mon, got_mon)
    assert np.count_nonzero(ref_mon[4:]) == 0 and np.count_nonzero(ref_mon[:4]) > 0  # it ran 4 steps


@pytest.mark.parametrize("backend", ["python", "compiled"])
def test_the_deployment_seed_network_runs_its_precomputable_part_ahead(backend):
    """The deployment report's example: image and encoder are precomputable and run ahead."""
    from tests.test_deployment import _seed_net

    def run(backend, precompute):
        p = _seed_net()
        cfg = Loihi2SimCfg(select_tag="floating_pt", backend=backend, precompute=precompute)
        p["image"].run(condition=RunSteps(9), run_cfg=cfg)
        p["image"].run(condition=RunSteps(11), run_cfg=cfg)
        rt = p["image"].runtime
        data = p["probe"].get_data()
        out = {f"{proc}.{k}": np.array(v) for proc, ports in data.items() for k, v in ports.items()}
        out["readout"] = p["readout"].data.get().copy()
        out["pool_lif.v"] = p["pool_lif"].v.get().copy()
        p["image"].stop()
        return out, rt.backend

    ref, _ = run("python", False)
    got, used = run(backend, True)
    assert used.name == backend
    assert sorted(p.name for p in used.precomputed) == ["encoder", "image"]
    assert ref.keys() == got.keys() and all(np.array_equal(ref[k], got[k]) for k in ref)
    assert len(ref) == 5 and np.count_nonzero(ref["readout"]) > 0
