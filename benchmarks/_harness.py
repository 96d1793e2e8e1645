"""One comparison, shared by bench_ei/cuba/large/overhead: the same network, same weights, run by
neuroproc's python backend, neuroproc's compiled backend and the hand-written numba loop
(``baselines/numba_loops.py``) in the same process; spike counts must agree."""
from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # baselines import as benchmarks.baselines
from _common import peak_rss_mib, report  # noqa: E402
from _neuroproc_nets import run_neuroproc  # noqa: E402
from benchmarks.baselines.runners import numba_runner  # noqa: E402
from benchmarks.baselines.numpy_loops import run_numpy  # noqa: E402


def weight_bytes(net: dict) -> int:
    W = net["W"]
    if sp.issparse(W):
        return int(W.data.nbytes + W.indices.nbytes + W.indptr.nbytes)
    return int(np.asarray(W).nbytes)


def _numba(net, steps, threads=None, repeat=2):
    t0 = time.perf_counter()
    run = numba_runner(net, threads=threads)
    run(2)  # compile (or load from numba's cache)
    compile_s = time.perf_counter() - t0
    best, count = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        count, _ = run(steps)
        best = min(best, time.perf_counter() - t0)
    return {"us_per_step": best / steps * 1e6, "spikes": int(count), "compile_s": compile_s,
            "variant": getattr(run, "variant", "")}


def _neuroproc(net, steps, backend, repeat=2):
    best = None
    for _ in range(repeat):
        r = run_neuroproc(net, steps, backend)
        if best is None or r["us_per_step"] < best["us_per_step"]:
            best = r
    return best


def _memory(net, steps) -> int:
    """Peak bytes allocated (numpy and Python, via tracemalloc) to build and run the compiled
    network, on top of what existed before (the weights the user made)."""
    run_neuroproc(net, 2, "compiled")  # compile first: numba's own memory is not the network's
    tracemalloc.start()
    run_neuroproc(net, steps, "compiled")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def compare(name: str, net: dict, steps: int, python_steps: int | None = None, threads=(None,),
            goals: dict | None = None, memory: bool = False, numpy_loop: bool = False) -> dict:
    """Run everything, check spike counts, print the table and the JSON line."""
    python_steps = python_steps or steps
    rows = []
    base = {}
    for th in threads:
        label = "hand-written numba" + ("" if th is None else f" ({th} threads)")
        base[th] = r = _numba(net, steps, threads=th)
        rows.append({"implementation": label, "steps": steps, "us_per_step": r["us_per_step"],
                     "spikes": r["spikes"], "compile_s": r["compile_s"]})
    ref = base[threads[0]]
    comp = _neuroproc(net, steps, "compiled")
    rows.append({"implementation": "neuroproc compiled", "steps": steps, "us_per_step": comp["us_per_step"],
                 "spikes": comp["spikes"], "compile_s": comp["compile_s"]})
    py = _neuroproc(net, python_steps, "python", repeat=1)
    rows.append({"implementation": "neuroproc python", "steps": python_steps, "us_per_step": py["us_per_step"],
                 "spikes": py["spikes"], "compile_s": 0.0})
    if numpy_loop:
        t0 = time.perf_counter()
        count, _ = run_numpy(net, python_steps)
        rows.append({"implementation": "plain numpy loop", "steps": python_steps,
                     "us_per_step": (time.perf_counter() - t0) / python_steps * 1e6,
                     "spikes": int(count), "compile_s": 0.0})
    for r in rows:
        r["ratio_to_handwritten"] = r["us_per_step"] / ref["us_per_step"]
    same = comp["spikes"] == ref["spikes"] and all(b["spikes"] == ref["spikes"] for b in base.values())
    if python_steps == steps:
        same = same and all(r["spikes"] == ref["spikes"] for r in rows)
    extra = {"network": name, "spike_counts_agree": bool(same),
             "spikes_per_step": ref["spikes"] / steps, "weights_bytes": weight_bytes(net),
             "peak_rss_mib": peak_rss_mib(), "goals": goals or {}}
    if memory:
        peak = _memory(net, steps)
        extra["compiled_peak_alloc_bytes"] = peak
        extra["peak_alloc_over_weights"] = peak / extra["weights_bytes"]
    report(name, rows, extra)
    if not same:
        print(f"ERROR: spike counts differ: {[r['spikes'] for r in rows]}", file=sys.stderr)
        sys.exit(1)
    return {"rows": rows, **extra}
