"""One comparison, shared by bench_ei/cuba/large/overhead: the same network, same weights, run by
neuroproc's python backend, neuroproc's compiled backend and the hand-written numba loop
(``baselines/numba_loops.py``) in the same process; spike counts must agree. Rows give the wall
time per step and this process's CPU time per step (less sensitive to other load on a shared
machine), each the best of two runs.

Optional Brian2 rows (``baselines/brian2_runner.py``) when ``import brian2`` works: by default
its Cython runtime target; ``--brian2 all`` adds the C++ standalone target (builds one C++
project per network, about 5 s each on two cores), ``--brian2 none`` leaves Brian2 out. Without
Brian2 the benchmark prints one line saying so. A Brian2 spike count that differs from the
hand-written loop's is flagged in its row and in the JSON, but does not fail the benchmark."""
from __future__ import annotations

import argparse
import os
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
from benchmarks.baselines.brian2_runner import TARGETS as BRIAN2_TARGETS  # noqa: E402
from benchmarks.baselines.brian2_runner import brian2_missing, run_brian2  # noqa: E402
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
    best, best_cpu, count = float("inf"), float("inf"), None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        count, _ = run(steps)
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return {"us_per_step": best / steps * 1e6, "cpu_us_per_step": best_cpu / steps * 1e6,
            "spikes": int(count), "compile_s": compile_s, "variant": getattr(run, "variant", "")}


def _neuroproc(net, steps, backend, repeat=2, threads=1):
    best = None
    for _ in range(repeat):
        r = run_neuroproc(net, steps, backend, threads=threads)
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


def bench_args(doc: str, steps: int, python_steps: bool = True) -> argparse.Namespace:
    """The command line of a bench script: ``--steps`` (default ``steps``), ``--python-steps``
    (fewer steps for the python backend; if ``python_steps``) and ``--brian2``."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--steps", type=int, default=steps)
    if python_steps:
        ap.add_argument("--python-steps", type=int, default=None,
                        help="fewer steps for the python backend (default: --steps)")
    add_brian2_option(ap)
    return ap.parse_args()


def add_brian2_option(ap: argparse.ArgumentParser) -> None:
    """The ``--brian2`` option of the bench scripts (see :func:`brian2_targets`)."""
    def parse(spec: str) -> tuple[str, ...]:
        try:
            return brian2_targets(spec)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    ap.add_argument("--brian2", default="cython", type=parse, metavar="TARGETS",
                    help="Brian2 rows if brian2 is importable: comma-separated among "
                         f"{', '.join(BRIAN2_TARGETS)}; 'all' or 'none' (default: cython; "
                         "cpp_standalone builds a C++ project per network, 5-10 s each)")


def brian2_targets(spec: str | tuple | list | None) -> tuple[str, ...]:
    """``"all"``, ``"none"``/``""``/``None`` or comma-separated targets -> a tuple of targets."""
    if spec is None:
        return ()
    if not isinstance(spec, str):
        spec = ",".join(spec)
    spec = spec.strip().lower()
    if spec in ("", "none", "off"):
        return ()
    if spec == "all":
        return BRIAN2_TARGETS
    out = tuple(t.strip() for t in spec.split(",") if t.strip())
    bad = [t for t in out if t not in BRIAN2_TARGETS]
    if bad:
        raise ValueError(f"--brian2 must list targets among {', '.join(BRIAN2_TARGETS)}, or be "
                         f"'all' or 'none' (got {spec!r}).")
    return out


_brian2_note_printed = False


def _brian2(net: dict, steps: int, targets: tuple[str, ...], ref_spikes: int,
            repeat: int = 2) -> tuple[list[dict], dict]:
    """Brian2 rows (empty if Brian2 cannot be imported: one line says so) and their JSON info."""
    global _brian2_note_printed
    if not targets:
        return [], {"skipped": "not requested (--brian2 none)"}
    reason = brian2_missing()
    if reason is not None:
        if not _brian2_note_printed:
            hint = " (pip install brian2 to add them)" if "not installed" in reason else ""
            print(f"{reason}: no Brian2 rows{hint}.")
            _brian2_note_printed = True
        return [], {"skipped": reason}
    rows, info = [], {"targets": list(targets), "errors": {}}
    for target in targets:
        try:
            r = run_brian2(net, steps, target, repeat=repeat)
        except Exception as exc:  # noqa: BLE001 - an optional third-party row must not stop the run
            print(f"Brian2 {target} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            info["errors"][target] = f"{type(exc).__name__}: {exc}"
            continue
        info["version"] = r["brian2"]
        diff = r["spikes"] - ref_spikes
        label = f"brian2 {target}" + ("" if diff == 0 else f" [SPIKES DIFFER: {diff:+d}]")
        rows.append({"implementation": label, "steps": steps, "us_per_step": r["us_per_step"],
                     "cpu_us_per_step": None, "spikes": r["spikes"], "compile_s": r["compile_s"],
                     "spikes_agree": diff == 0, "synapses": r["synapses"]})
    info["spike_counts_agree"] = all(r["spikes_agree"] for r in rows) if rows else None
    if info["spike_counts_agree"] is False:
        print(f"WARNING: Brian2 spike counts differ from the hand-written loop's ({ref_spikes}): "
              f"{[r['spikes'] for r in rows]}", file=sys.stderr)
    return rows, info


def compare(name: str, net: dict, steps: int, python_steps: int | None = None, threads=(None,),
            goals: dict | None = None, memory: bool = False, numpy_loop: bool = False,
            brian2: str | tuple | None = "cython") -> dict:
    """Run everything, check spike counts, print the table and the JSON line.

    ``brian2``: Brian2 targets to add as rows when Brian2 is importable (see
    :func:`brian2_targets`); their counts are flagged, not enforced."""
    b2_targets = brian2_targets(brian2)
    python_steps = python_steps or steps
    load_before = os.getloadavg()
    rows = []
    base = {}
    for th in threads:
        label = "hand-written numba" + ("" if th is None else f" ({th} threads)")
        base[th] = r = _numba(net, steps, threads=th)
        rows.append({"implementation": label, "steps": steps, "us_per_step": r["us_per_step"],
                     "cpu_us_per_step": r["cpu_us_per_step"], "spikes": r["spikes"], "compile_s": r["compile_s"]})
    ref = base[threads[0]]
    comp = _neuroproc(net, steps, "compiled")
    rows.append({"implementation": "neuroproc compiled", "steps": steps, "us_per_step": comp["us_per_step"],
                 "cpu_us_per_step": comp["cpu_us_per_step"], "spikes": comp["spikes"],
                 "compile_s": comp["compile_s"]})
    parallel = {}
    for th in (t for t in threads if t is not None and t > 1):
        # the same loop on th threads; ran on fewer (and says why) without the JIT or numba threads
        parallel[th] = r = _neuroproc(net, steps, "compiled", threads=th)
        rows.append({"implementation": f"neuroproc compiled ({th} threads)", "steps": steps,
                     "us_per_step": r["us_per_step"], "cpu_us_per_step": r["cpu_us_per_step"], "spikes": r["spikes"],
                     "compile_s": r["compile_s"], "threads_used": r["threads"], "threads_why": r["threads_why"]})
    py = _neuroproc(net, python_steps, "python")
    rows.append({"implementation": "neuroproc python", "steps": python_steps, "us_per_step": py["us_per_step"],
                 "cpu_us_per_step": py["cpu_us_per_step"], "spikes": py["spikes"], "compile_s": 0.0})
    if numpy_loop:
        t0, c0 = time.perf_counter(), time.process_time()
        count, _ = run_numpy(net, python_steps)
        rows.append({"implementation": "plain numpy loop", "steps": python_steps,
                     "us_per_step": (time.perf_counter() - t0) / python_steps * 1e6,
                     "cpu_us_per_step": (time.process_time() - c0) / python_steps * 1e6,
                     "spikes": int(count), "compile_s": 0.0})
    same = comp["spikes"] == ref["spikes"] and all(b["spikes"] == ref["spikes"] for b in base.values()) \
        and all(r["spikes"] == ref["spikes"] for r in parallel.values())
    if python_steps == steps:
        same = same and all(r["spikes"] == ref["spikes"] for r in rows)
    b2_rows, b2_info = _brian2(net, steps, b2_targets, ref["spikes"])
    rows += b2_rows
    for r in rows:
        r["ratio_to_handwritten"] = r["us_per_step"] / ref["us_per_step"]
    extra = {"network": name, "spike_counts_agree": bool(same), "brian2": b2_info,
             "spikes_per_step": ref["spikes"] / steps, "weights_bytes": weight_bytes(net),
             "peak_rss_mib": peak_rss_mib(), "goals": goals or {},
             "load_average": {"before": load_before, "after": os.getloadavg(), "cores": os.cpu_count()}}
    for th, r in parallel.items():  # the goal of the threads: faster than one hand-written thread
        extra[f"compiled_{th}t_speedup_over_handwritten_1t"] = ref["us_per_step"] / r["us_per_step"]
        if th in base:
            extra[f"compiled_{th}t_over_handwritten_{th}t"] = r["us_per_step"] / base[th]["us_per_step"]
    if memory:
        peak = _memory(net, steps)
        extra["compiled_peak_alloc_bytes"] = peak
        extra["peak_alloc_over_weights"] = peak / extra["weights_bytes"]
    report(name, rows, extra)
    if not same:
        print(f"ERROR: spike counts differ: {[r['spikes'] for r in rows]}", file=sys.stderr)
        sys.exit(1)
    return {"rows": rows, **extra}
