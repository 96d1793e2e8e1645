"""The fused loop on two threads gives the same bits as on one thread and as the python backend.

Every network here is chaotic enough (recurrent E/I, thousands of spikes) that a single differing
float bit in one accumulation would change later spikes and states. The networks split into two
parts (more than 2 x 64 neurons), so with the JIT and two numba threads the loop really runs on
two threads (checked through ``backend.stats``); under ``NUMBA_DISABLE_JIT`` or one numba thread
it falls back to one thread with the same results (also checked in a subprocess).
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import numba
import numpy as np
import pytest
import scipy.sparse as sp
from numba import njit

from neuroproc import (
    CPU,
    AbstractProcess,
    InPort,
    LavaPyType,
    Loihi1SimCfg,
    LoihiProtocol,
    Monitor,
    OutPort,
    PyInPort,
    PyLoihiProcessModel,
    PyOutPort,
    RunSteps,
    ValidationError,
    Var,
    implements,
    requires,
)
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.sparse.process import Sparse
from neuroproc.runtime.kernels import KernelSpec
from tests.proc import recurrent_lif

#: the loop really runs on two threads here (else every run is serial and still must agree)
PARALLEL = not numba.config.DISABLE_JIT and numba.config.NUMBA_NUM_THREADS >= 2
RUNS = [("python", 1), ("compiled", 1), ("compiled", 2)]


class Drive(AbstractProcess):
    """Sends ``amp`` to the neurons whose ``(count + offset) % period == 0``, else 0."""

    def __init__(self, shape, period, amp, offset, **kwargs):
        super().__init__(shape=shape, **kwargs)
        self.count = Var(shape=(1,), init=0)
        self.offset = Var(shape=shape, init=offset)
        self.period = Var(shape=(1,), init=period)
        self.amp = Var(shape=(1,), init=amp)
        self.a_out = OutPort(shape=shape)


@njit(cache=True)
def _drive_step(t, count, offset, period, amp, a_out):
    count[0] += 1
    for i in range(a_out.size):
        a_out[i] = amp[0] if (count[0] + offset[i]) % period[0] == 0 else 0.0


@implements(proc=Drive, protocol=LoihiProtocol)
@requires(CPU)
class PyDriveModel(PyLoihiProcessModel):
    """A user model whose kernel offers no parts: it runs whole, on one thread."""

    count = LavaPyType(np.ndarray, np.int64)
    offset = LavaPyType(np.ndarray, np.int64)
    period = LavaPyType(np.ndarray, np.int64)
    amp = LavaPyType(np.ndarray, float)
    a_out = LavaPyType(PyOutPort.VEC_DENSE, float)

    def run_spk(self):
        self.count += 1
        self.a_out.send(np.where((self.count[0] + self.offset) % self.period[0] == 0, self.amp[0], 0.0))

    def kernel(self):
        return KernelSpec(step=_drive_step, arrays=("count", "offset", "period", "amp"), out_ports=("a_out",))


class Tripwire(AbstractProcess):
    """Fails at time step ``at`` (its kernel raises inside the fused loop)."""

    def __init__(self, shape, at, **kwargs):
        super().__init__(shape=shape, **kwargs)
        self.at = Var(shape=(1,), init=at)
        self.s_in = InPort(shape=shape)


@njit(cache=True)
def _tripwire_step(t, at, active):
    if t == at[0]:
        raise ValueError("tripwire reached")


@implements(proc=Tripwire, protocol=LoihiProtocol)
@requires(CPU)
class PyTripwireModel(PyLoihiProcessModel):
    at = LavaPyType(np.ndarray, np.int64)
    s_in = LavaPyType(PyInPort.VEC_DENSE, float)

    def run_spk(self):
        self.s_in.recv()
        if self.time_step == self.at[0]:
            raise ValueError("tripwire reached")

    def kernel(self):
        return KernelSpec(step=_tripwire_step, arrays=("at",), in_ports=("s_in",), in_views=("s_in",))


def _ei_weights(rng, n, fixed, p=0.1):
    """Excitatory columns first (80 %), inhibitory after, connection probability ``p``."""
    n_exc = n * 4 // 5
    mask = rng.random((n, n)) < p
    if fixed:
        w = np.where(np.arange(n) < n_exc, rng.integers(1, 12, (n, n)), -rng.integers(4, 50, (n, n)))
    else:
        w = np.where(np.arange(n) < n_exc, rng.uniform(0.0, 0.05, (n, n)), -rng.uniform(0.0, 0.2, (n, n)))
    return w * mask


def _network(kind: str, n: int = 400, seed: int = 3):
    """LIF <-> Dense or Sparse (float or bit-accurate); ``'drive'`` adds a user kernel without
    parts summed into the LIF input with the Dense output."""
    rng = np.random.default_rng(seed)
    fixed = kind.startswith("fixed")
    lif = recurrent_lif(rng, n, fixed)
    w = _ei_weights(rng, n, fixed)
    conn = Sparse(weights=sp.csr_matrix(w)) if "sparse" in kind else Dense(weights=w, weight_exp=0)
    lif.s_out.connect(conn.s_in)
    conn.a_out.connect(lif.a_in)
    if kind == "drive":
        drive = Drive(shape=(n,), period=7, amp=0.3, offset=rng.integers(0, 7, n))
        drive.a_out.connect(lif.a_in)
    return lif, conn


def _run(kind: str, backend: str, threads: int, steps=(120,), probe: bool = False) -> dict:
    lif, conn = _network(kind)
    total = sum(steps)
    mons = []
    if probe:
        for var in (lif.s_out, lif.v):
            mon = Monitor()
            mon.probe(var, total)
            mons.append((mon, var))
    tag = "fixed_pt" if kind.startswith("fixed") else "floating_pt"
    cfg = Loihi1SimCfg(select_tag=tag, backend=backend, threads=threads)
    for s in steps:
        lif.run(condition=RunSteps(s), run_cfg=cfg)
    backend_obj = lif.runtime.backend
    assert backend_obj.name == backend, backend_obj.reason
    out = {"u": lif.u.get(), "v": lif.v.get(), "a_buff": conn.a_buff.get(),
           "threads": getattr(backend_obj, "stats", {}).get("threads", 1),
           "why": getattr(backend_obj, "stats", {}).get("threads_why", "")}
    for mon, var in mons:
        out[f"mon_{var.name}"] = mon.get_data()[var.process.name][var.name]
    lif.stop()
    return out


def _assert_same(results: dict, keys=("u", "v", "a_buff")) -> None:
    ref = results[("python", 1)]
    for run, res in results.items():
        for key in keys:
            np.testing.assert_array_equal(res[key], ref[key], err_msg=f"{key} of {run}")
    assert results[("compiled", 2)]["threads"] == (2 if PARALLEL else 1), results[("compiled", 2)]["why"]
    assert results[("compiled", 1)]["threads"] == 1


@pytest.mark.parametrize("kind", ["float_dense", "float_sparse", "fixed_dense", "fixed_sparse"])
def test_two_threads_give_the_bits_of_one_and_of_python(kind):
    results = {run: _run(kind, *run) for run in RUNS}
    _assert_same(results)
    assert np.any(results[("python", 1)]["v"] != 0)


def test_monitors_record_the_same_on_two_threads():
    results = {run: _run("float_sparse", *run, probe=True) for run in RUNS}
    _assert_same(results, keys=("u", "v", "a_buff", "mon_s_out", "mon_v"))
    spikes = results[("python", 1)]["mon_s_out"]
    assert spikes.sum() > 1000 and len({tuple(row) for row in spikes[-20:]}) > 1  # busy and irregular


@pytest.mark.parametrize("kind", ["float_dense", "fixed_sparse"])
def test_split_runs_equal_one_run(kind):
    """run(5) then run(7) on two threads == run(12) on one thread == python."""
    results = {("python", 1): _run(kind, "python", 1, steps=(12,)),
               ("compiled", 1): _run(kind, "compiled", 1, steps=(12,)),
               ("compiled", 2): _run(kind, "compiled", 2, steps=(5, 7))}
    _assert_same(results)


def test_a_kernel_without_parts_runs_between_the_parts():
    """The user's Drive offers no parts; its output is summed into the LIF input with Dense's."""
    results = {run: _run("drive", *run) for run in RUNS}
    _assert_same(results)
    without = _run("float_dense", "python", 1)
    assert not np.array_equal(without["v"], results[("python", 1)]["v"])  # the drive did act


@pytest.mark.skipif(not PARALLEL, reason="needs the JIT and two numba threads")
@pytest.mark.parametrize("kind", ["float_sparse", "float_dense", "fixed_dense", "fixed_sparse"])
def test_parallel_loop_meets_once_per_step(kind):
    """LIF <-> Sparse/Dense: the threads meet once, after the LIF parts (the synapse parts read
    every part's spikes); each thread then joins (float) or makes (fixed) the spikes' view for
    itself, and the accumulator each synapse part writes is read next step by the same thread's
    LIF part: no second barrier."""
    lif, _ = _network(kind)
    cfg = Loihi1SimCfg(select_tag="fixed_pt" if kind.startswith("fixed") else "floating_pt", backend="compiled",
                       threads=2)
    rt = lif.create_runtime(cfg)
    source = rt.backend.source
    lif.stop()
    assert source.count("if barrier(") == 1, source


def test_one_numba_thread_runs_serially(monkeypatch):
    monkeypatch.setattr(numba.config, "NUMBA_NUM_THREADS", 1)
    res = _run("float_dense", "compiled", 2)
    assert res["threads"] == 1
    assert "NUMBA_NUM_THREADS" in res["why"] or "NUMBA_DISABLE_JIT" in res["why"]


def test_auto_stays_serial_for_small_networks():
    res = _run("float_dense", "compiled", "auto")
    assert res["threads"] == 1
    assert "auto, the kernels with parts have 800 items" in res["why"] if PARALLEL else "serial" in res["why"]


@pytest.mark.parametrize("bad", [0, -1, 1.5, "two", True])
def test_threads_must_be_auto_or_a_positive_int(bad):
    with pytest.raises(ValidationError, match=r"Loihi1SimCfg.threads must be 'auto' or an int >= 1"):
        Loihi1SimCfg(threads=bad)


def test_a_part_hook_naming_no_array_falls_back_to_python_and_says_why():
    class Mislabelled(PyDriveModel):
        def kernel(self):
            spec = super().kernel()
            return KernelSpec(step=spec.step, arrays=spec.arrays, out_ports=spec.out_ports, part=_drive_step,
                              part_of="phase")

    lif, _ = _network("float_dense")
    drive = Drive(shape=(400,), period=7, amp=0.3, offset=0)
    drive.a_out.connect(lif.a_in)
    cfg = Loihi1SimCfg(select_tag="floating_pt", exception_proc_model_map={Drive: Mislabelled}, threads=2)
    rt = lif.create_runtime(cfg)
    assert rt.backend.name == "python"
    assert "KernelSpec.part_of names 'phase', which is not one of its arrays" in rt.backend.reason
    lif.stop()


def test_an_error_in_one_thread_stops_both():
    """A kernel that raises on thread 0 while the other thread waits at the barrier: the run
    stops with the error and no thread is left running."""
    lif, _ = _network("float_dense")
    trip = Tripwire(shape=(400,), at=30)
    lif.s_out.connect(trip.s_in)
    cfg = Loihi1SimCfg(select_tag="floating_pt", backend="compiled", threads=2)
    assert lif.create_runtime(cfg).backend.stats["threads"] == (2 if PARALLEL else 1)
    with pytest.raises(Exception, match="tripwire reached"):
        lif.run(condition=RunSteps(100), run_cfg=cfg)
    assert not [t for t in threading.enumerate() if t.name.startswith("neuroproc-part")]


_SCRIPT = """
import numpy as np
from tests.runtime.test_parallel_loop import _run
ref = _run("float_sparse", "python", 1, steps=(6,))
res = _run("float_sparse", "compiled", 2, steps=(4, 2))
assert res["threads"] == 1 and "NUMBA_DISABLE_JIT" in res["why"], res["why"]
for key in ("u", "v", "a_buff"):
    np.testing.assert_array_equal(res[key], ref[key])
print("ok")
"""


@pytest.mark.skipif(numba.config.DISABLE_JIT, reason="this run is already without the JIT")
def test_without_the_jit_the_loop_falls_back_to_one_thread(tmp_path):
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1", "NEUROPROC_CACHE_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", _SCRIPT], cwd=root, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0 and "ok" in done.stdout, done.stderr[-3000:]
