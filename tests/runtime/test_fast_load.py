"""A fused loop loaded from the disk cache skips numba's target refresh, and nothing is lost by it.

Each case runs in fresh interpreters (numba's start-up is per process): one warms the cache, the
next loads from it, then compiles a second network and a user's jitted function in the same
process -- which need every implementation numba has -- and compares all values with the python
backend's.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(os.environ.get("NUMBA_DISABLE_JIT") == "1",
                                reason="numba's disk cache is not used without the JIT")

_CHILD = textwrap.dedent("""
    import json, sys
    import numpy as np
    from neuroproc import Loihi1SimCfg, Monitor, RunSteps
    from neuroproc.proc.dense.process import Dense
    from neuroproc.proc.lif.process import LIF


    def ring(backend, n, seed, steps):
        rng = np.random.default_rng(seed)
        lif = LIF(shape=(n,), du=0.1, dv=0.05, vth=1.0, bias_mant=rng.uniform(0.0, 0.12, n))
        dense = Dense(weights=rng.normal(0.0, 0.3, (n, n)))
        lif.s_out.connect(dense.s_in)
        dense.a_out.connect(lif.a_in)
        mon = Monitor()
        mon.probe(target=lif.v, num_steps=steps)
        cfg = Loihi1SimCfg(select_tag="floating_pt", backend=backend)
        lif.run(condition=RunSteps(steps), run_cfg=cfg)
        v = mon.get_data()[lif.name]["v"]
        source = getattr(lif.runtime.backend, "stats", {}).get("source")
        lif.stop()
        return v, source


    def chain(backend, seed, steps):  # another structure: two LIF layers in a loop
        rng = np.random.default_rng(seed)
        a = LIF(shape=(7,), du=0.2, dv=0.1, vth=1.0, bias_mant=0.08)
        b = LIF(shape=(5,), du=0.3, dv=0.2, vth=0.5)
        d1, d2 = Dense(weights=rng.normal(0.5, 0.3, (5, 7))), Dense(weights=rng.normal(0.0, 0.5, (7, 5)))
        a.s_out.connect(d1.s_in); d1.a_out.connect(b.a_in); b.s_out.connect(d2.s_in); d2.a_out.connect(a.a_in)
        a.run(condition=RunSteps(steps), run_cfg=Loihi1SimCfg(select_tag="floating_pt", backend=backend))
        out = np.concatenate([a.v.get(), b.v.get()])
        a.stop()
        return out


    out = {}
    v, out["source"] = ring("compiled", 40, 3, 60)
    out["refreshed_after_load"] = "numba.np.arraymath" in sys.modules
    out["ring_equal"] = bool(np.array_equal(v, ring("python", 40, 3, 60)[0]))
    if sys.argv[1] == "more":
        out["chain_equal"] = bool(np.array_equal(chain("compiled", 5, 80), chain("python", 5, 80)))
        from numba import njit

        @njit
        def user(x):  # array math, linear algebra (numba checks scipy's BLAS) and strings
            return np.dot(x, x) + np.linalg.norm(x) + len(str(12)) + np.sort(x)[0]

        x = np.arange(1.0, 5.0)
        out["user"] = float(user(x))
        out["user_expected"] = float(x @ x + np.sqrt(x @ x) + 2 + 1.0)
    print("RESULT " + json.dumps(out))
""")


def _child(cache, what: str) -> dict:
    env = dict(os.environ, NEUROPROC_CACHE_DIR=str(cache))
    proc = subprocess.run([sys.executable, "-c", _CHILD, what], env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT "):])


def test_a_cached_loop_loads_without_refreshing_numba_and_later_compiles_still_work(tmp_path):
    first = _child(tmp_path, "ring")
    assert first["source"] == "compiled" and first["ring_equal"]
    second = _child(tmp_path, "more")
    assert second["source"] == "disk"
    # the loaded loop ran without numba importing its array-math implementations ...
    assert second["refreshed_after_load"] is False
    assert second["ring_equal"]
    # ... and compiling afterwards (a new fused loop, a user's function) finds all of them
    assert second["chain_equal"]
    assert second["user"] == pytest.approx(second["user_expected"], rel=1e-15)


_USER_MODULE = textwrap.dedent('''
    """A user's Process whose kernel draws random numbers, allocates, calls math and can raise."""
    import numpy as np
    from numba import njit

    from neuroproc import (CPU, AbstractProcess, LavaPyType, LoihiProtocol, PyLoihiProcessModel,
                           Var, implements, requires)
    from neuroproc.runtime.kernels import KernelSpec


    class Noisy(AbstractProcess):
        def __init__(self, shape, limit, **kwargs):
            super().__init__(shape=shape, **kwargs)
            self.x = Var(shape=shape, init=0.0)
            self.limit = Var(shape=(1,), init=limit)


    @njit(cache=True)
    def noisy_step(t, x, limit):
        if t > limit[0]:
            raise ValueError("noisy_step: past the limit")
        np.random.seed(t)
        tmp = np.empty(x.size)
        for i in range(x.size):
            tmp[i] = np.exp(-np.random.random()) + np.sin(t * 0.1)
        x += tmp


    @implements(proc=Noisy, protocol=LoihiProtocol)
    @requires(CPU)
    class PyNoisyModel(PyLoihiProcessModel):
        x = LavaPyType(np.ndarray, float)
        limit = LavaPyType(np.ndarray, int)

        def run_spk(self):
            raise NotImplementedError("this test runs the kernel only")

        def kernel(self):
            return KernelSpec(step=noisy_step, arrays=("x", "limit"))
''')

_USER_CHILD = textwrap.dedent("""
    import json, sys
    from neuroproc import Loihi1SimCfg, RunSteps
    from user_noisy import Noisy

    cfg = Loihi1SimCfg(select_tag="floating_pt", backend="compiled")
    p = Noisy(shape=(5,), limit=30)
    p.run(condition=RunSteps(20), run_cfg=cfg)
    out = {"x": p.x.get().tolist(), "source": p.runtime.backend.stats["source"],
           "refreshed_after_load": "numba.np.arraymath" in sys.modules}
    try:
        p.run(condition=RunSteps(20), run_cfg=cfg)
    except Exception as exc:
        out["error"] = f"{type(exc).__name__}: {exc}"
    print("RESULT " + json.dumps(out))
""")


def test_a_users_kernel_with_random_numbers_allocation_and_errors_runs_the_same_when_loaded(tmp_path):
    (tmp_path / "user_noisy.py").write_text(_USER_MODULE)
    env = dict(os.environ, NEUROPROC_CACHE_DIR=str(tmp_path / "cache"),
               PYTHONPATH=os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    results = []
    for _ in range(2):
        proc = subprocess.run([sys.executable, "-c", _USER_CHILD], env=env, capture_output=True,
                              text=True, timeout=600, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")][-1]
        results.append(json.loads(line[len("RESULT "):]))
    cold, warm = results
    assert (cold["source"], warm["source"]) == ("compiled", "disk")
    assert warm["refreshed_after_load"] is False
    assert warm["x"] == cold["x"] and any(v != 0 for v in warm["x"])
    assert "past the limit" in cold["error"] and warm["error"] == cold["error"]
