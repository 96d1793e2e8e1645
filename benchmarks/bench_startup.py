"""What a user feels before and between runs: first run, end to end, and interactive stepping.

Every measurement runs in a fresh interpreter (a subprocess of this script), so imports, numba's
dispatcher set-up and the fused-loop disk cache count as they do for a user:

* **first run**: import neuroproc, build a fresh 100-LIF network (LIF <-> Dense, recurrent) and
  ``run(RunSteps(1))`` it -- ``'auto'`` and compiled with a cold fused-loop cache
  (``NEUROPROC_CACHE_DIR`` an empty folder), compiled with that cache warm, and python;
* **E/I end to end**: the tutorial's 400-neuron float LIF E/I network (LIF <-> Dense, Lava's
  weights when the reference folder is found; a Monitor on v and u, a RingBuffer sink on the
  spikes): build + compile + 1000 steps + read-back, compiled (its loop not cached yet, then
  cached) and python;
* **RunSteps(1) x 1000**: the per-call cost of interactive stepping on the 100-LIF network.

CPU time (``time.process_time``) and wall time are both reported: the wall time on a shared
machine includes waiting for a core. Goals (issue 15): warm first run <= 0.1 s CPU, cold <= 1 s
CPU, compiled E/I end to end no slower than python, RunSteps(1) <= 10 µs per call.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(_HERE))
from _common import report  # noqa: E402

#: Run in the child interpreter: ``MODE BACKEND``; prints one JSON line.
_CHILD = r"""
import json, sys, time
c0, w0 = time.process_time(), time.perf_counter()
mode, backend = sys.argv[1], sys.argv[2]
import numpy as np
from neuroproc import Loihi1SimCfg, Monitor, RunSteps
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.lif.process import LIF
c_imp, w_imp = time.process_time() - c0, time.perf_counter() - w0
out = {"import_cpu_s": c_imp, "import_wall_s": w_imp}


def small_net():
    n = 100
    rng = np.random.default_rng(7)
    lif = LIF(shape=(n,), du=0.1, dv=0.05, vth=1.0, bias_mant=0.06)
    dense = Dense(weights=rng.normal(0, 0.05, (n, n)))
    lif.s_out.connect(dense.s_in)
    dense.a_out.connect(lif.a_in)
    return lif


cfg = Loihi1SimCfg(select_tag="floating_pt", backend=backend)
if mode == "first":
    c1, w1 = time.process_time(), time.perf_counter()
    lif = small_net()
    lif.run(condition=RunSteps(1), run_cfg=cfg)
    out["cpu_s"], out["wall_s"] = time.process_time() - c1, time.perf_counter() - w1
    out["backend"] = lif.runtime.backend.name
    out["stats"] = {k: v for k, v in getattr(lif.runtime.backend, "stats", {}).items()
                    if isinstance(v, (int, float, str))}
    out["reason"] = getattr(lif.runtime.backend, "reason", None)
    lif.stop()
elif mode == "steps":
    lif = small_net()
    lif.run(condition=RunSteps(1), run_cfg=cfg)
    calls = 1000
    c1, w1 = time.process_time(), time.perf_counter()
    for _ in range(calls):
        lif.run(condition=RunSteps(1), run_cfg=cfg)
    out["cpu_s"], out["wall_s"] = time.process_time() - c1, time.perf_counter() - w1
    out["cpu_us_per_call"] = out["cpu_s"] / calls * 1e6
    out["wall_us_per_call"] = out["wall_s"] / calls * 1e6
    out["backend"] = lif.runtime.backend.name
    lif.stop()
elif mode == "ei":
    sys.path.insert(0, sys.argv[3])
    from benchmarks.baselines.networks import ei_network
    from neuroproc.proc import io
    net = ei_network("critical")
    steps = 1000
    c1, w1 = time.process_time(), time.perf_counter()
    lif = LIF(shape=(net["n"],), u=net["u0"], v=net["v0"], du=net["du"], dv=net["dv"],
              vth=net["vth"], bias_mant=net["bias"])
    dense = Dense(weights=net["W"])
    sink = io.sink.RingBuffer(shape=(net["n"],), buffer=steps)
    lif.s_out.connect(dense.s_in)
    dense.a_out.connect(lif.a_in)
    lif.s_out.connect(sink.a_in)
    mon = Monitor()
    mon.probe(target=lif.v, num_steps=steps)
    mon.probe(target=lif.u, num_steps=steps)
    lif.run(condition=RunSteps(steps), run_cfg=cfg)
    data = mon.get_data()[lif.name]
    spikes = sink.data.get()
    v, u = data["v"], data["u"]
    out["cpu_s"], out["wall_s"] = time.process_time() - c1, time.perf_counter() - w1
    out["spikes"] = int(spikes.sum())
    out["backend"] = lif.runtime.backend.name
    lif.stop()
out["total_cpu_s"], out["total_wall_s"] = time.process_time() - c0, time.perf_counter() - w0
print("RESULT " + json.dumps(out))
"""


def child(mode: str, backend: str, cache: str) -> dict:
    """Run one measurement in a fresh interpreter with the fused-loop cache in ``cache``."""
    env = dict(os.environ, NEUROPROC_CACHE_DIR=cache, MPLBACKEND="Agg")
    # Python's own bytecode cache on, as on a user's machine: a machine that turned it off would
    # add the parsing of every module to the import and first-run times
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    proc = subprocess.run([sys.executable, "-c", _CHILD, mode, backend, str(_HERE.parent)],
                          env=env, capture_output=True, text=True, check=False)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"bench_startup: child {mode}/{backend} failed:\n{proc.stderr}")
    return json.loads(lines[-1][len("RESULT "):])


def _row(what: str, backend: str, cache: str, r: dict, unit: str = "s") -> dict:
    scale = 1e6 / 1000 if unit == "us/call" else 1.0
    ran = r["backend"] if r["backend"] == backend else f"{backend} -> {r['backend']}"
    return {"what": what, "backend": ran + (f" ({cache})" if cache else ""),
            "unit": unit, "cpu": r["cpu_s"] * scale, "wall": r["wall_s"] * scale,
            "import_cpu_s": r["import_cpu_s"], "interpreter_cpu_s": r["total_cpu_s"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", default=None,
                    help="warm fused-loop cache folder to use (default: a temporary one, warmed here)")
    a = ap.parse_args()
    rows, raw = [], {}
    with tempfile.TemporaryDirectory(prefix="neuroproc-bench-cold-") as cold, \
            tempfile.TemporaryDirectory(prefix="neuroproc-bench-warm-") as tmp_warm:
        warm = a.cache or tmp_warm
        raw["first_auto_cold"] = r = child("first", "auto", cold)
        rows.append(_row("first run, 100 LIF", "auto", "cold cache", r))
        raw["first_cold"] = r = child("first", "compiled", cold)
        rows.append(_row("first run, 100 LIF", "compiled", "cold cache", r))
        child("first", "compiled", warm)  # warm the cache (not reported)
        raw["first_warm"] = r = child("first", "compiled", warm)
        rows.append(_row("first run, 100 LIF", "compiled", "warm cache", r))
        raw["first_python"] = r = child("first", "python", warm)
        rows.append(_row("first run, 100 LIF", "python", "", r))
        raw["ei_cold"] = r = child("ei", "compiled", warm)  # this network's loop: not cached yet
        rows.append(_row("E/I 1000 steps end to end", "compiled", "cold cache", r))
        raw["ei_compiled"] = r = child("ei", "compiled", warm)
        rows.append(_row("E/I 1000 steps end to end", "compiled", "warm cache", r))
        raw["ei_python"] = r = child("ei", "python", warm)
        rows.append(_row("E/I 1000 steps end to end", "python", "", r))
        raw["steps_compiled"] = r = child("steps", "compiled", warm)
        rows.append(_row("RunSteps(1) x 1000, 100 LIF", "compiled", "warm cache", r, "us/call"))
        raw["steps_python"] = r = child("steps", "python", warm)
        rows.append(_row("RunSteps(1) x 1000, 100 LIF", "python", "", r, "us/call"))
    same = raw["ei_cold"]["spikes"] == raw["ei_compiled"]["spikes"] == raw["ei_python"]["spikes"]
    goals = {
        "cold_first_run_cpu_s<=1": raw["first_cold"]["cpu_s"] <= 1.0,
        "warm_first_run_cpu_s<=0.1": raw["first_warm"]["cpu_s"] <= 0.1,
        "ei_compiled_cpu<=python": raw["ei_compiled"]["cpu_s"] <= raw["ei_python"]["cpu_s"],
        "steps_compiled_cpu_us<=10": raw["steps_compiled"]["cpu_us_per_call"] <= 10.0,
    }
    report("startup (fresh interpreters)", rows,
           {"goals_met": goals, "ei_spike_counts_agree": same, "raw": raw,
            "load": os.getloadavg()})
    if not same:
        print(f"ERROR: E/I spike counts differ: compiled {raw['ei_cold']['spikes']} (cold), "
              f"{raw['ei_compiled']['spikes']} (warm), python {raw['ei_python']['spikes']}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
