"""The tutorial's 400-neuron float E/I LIF network, 1000 steps, python backend vs a numpy loop.

Runs the hierarchical ``EINetwork`` (LIF + Dense, float models, sink RingBuffer on the outport,
as in tutorial02) and, in the same process, a plain numpy loop of the same equations; checks that
both give the same spikes; prints µs/step as a table and as one JSON line.

Weights: the converted critical weights of ``ei_lif_float_critical.npz`` (Lava reference folder:
``$NEUROPROC_REFERENCE_DIR`` or ``../shared/reference``) if present, else generated like the
tutorial (``np.random.seed(1234)``; balanced drawn first, then critical) and converted with
:func:`neuroproc.utils.conversion.convert_rate_to_lif_params`.

``--profile`` adds a cProfile listing of the neuroproc run (top functions by own time).
"""
from __future__ import annotations

import argparse
import cProfile
import io as _io
import os
import pstats
import sys
import time
from pathlib import Path

import numpy as np

_HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(_HERE))
sys.path.insert(0, str(_HERE.parent))  # for tests.ei_network, the shared user-level EINetwork
from _common import best_time, report  # noqa: E402

from neuroproc import RunSteps  # noqa: E402
from neuroproc.proc import io  # noqa: E402
from tests.ei_network import CustomRunConfigFloat, EINetwork  # noqa: E402

STEPS = 1000
N_EXC, N_INH = 320, 80


def _reference_file() -> Path:
    env = os.environ.get("NEUROPROC_REFERENCE_DIR")
    base = Path(env) if env else _HERE.parent.parent / "shared" / "reference"
    return base / "ei_lif_float_critical.npz"


def _tutorial_weights(q: float, g: float) -> np.ndarray:
    n = N_EXC + N_INH
    w = np.random.normal(0, (2 * q) ** 2 / n, (n, n))  # the tutorial uses this as the std
    w[:, :N_EXC][w[:, :N_EXC] < 0] = 0
    w[:, N_EXC:][w[:, N_EXC:] > 0] = 0
    w[:, N_EXC:] *= g
    return w


def network_params() -> tuple[dict, str]:
    """EINetwork kwargs of the float critical network (LIF parameters, LIF weights)."""
    path = _reference_file()
    if path.is_file():
        with np.load(path) as z:
            keys = ("shape_exc", "shape_inh", "g_factor", "q_factor", "du_exc", "dv_exc",
                    "vth_exc", "bias_mant_exc", "du_inh", "dv_inh", "vth_inh", "bias_mant_inh")
            params = {k: z[k].item() for k in keys}
            params["weights"] = z["weights"].copy()
        return params, str(path)
    from neuroproc.utils.conversion import convert_rate_to_lif_params

    np.random.seed(1234)
    g = 4.5
    _tutorial_weights(1.0, g)                      # balanced: drawn first, as in the tutorial
    rate = dict(shape_exc=N_EXC, shape_inh=N_INH, dr_exc=0.01, dr_inh=0.01, bias_exc=0.1,
                bias_inh=0.1, g_factor=g, q_factor=np.sqrt(400 / 6),
                weights=_tutorial_weights(np.sqrt(400 / 6), g))
    return convert_rate_to_lif_params(**rate), "generated (np.random.seed(1234))"


def run_neuroproc(params: dict, profile: bool = False) -> tuple[float, float, float, np.ndarray, str]:
    """(compile + first step s, wall and CPU µs/step of the remaining steps, spikes, profile
    text) of one network built from scratch."""
    net = EINetwork(**params)
    sink = io.sink.RingBuffer(shape=(N_EXC + N_INH,), buffer=STEPS)
    net.outport.connect(sink.a_in)
    cfg = CustomRunConfigFloat(select_tag="lif_neurons", select_sub_proc_model=True, backend="python")
    t0 = time.perf_counter()
    net.run(RunSteps(1), cfg)                      # compile outside the per-step timing
    t_compile = time.perf_counter() - t0
    prof = cProfile.Profile() if profile else None
    t0, c0 = time.perf_counter(), time.process_time()
    if prof:
        prof.enable()
    net.run(RunSteps(STEPS - 1), cfg)
    if prof:
        prof.disable()
    per_step = (time.perf_counter() - t0) / (STEPS - 1) * 1e6
    cpu_per_step = (time.process_time() - c0) / (STEPS - 1) * 1e6
    spikes = sink.data.get()
    net.stop()
    text = ""
    if prof:
        buf = _io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(15)
        text = buf.getvalue()
    return t_compile, per_step, cpu_per_step, spikes, text


def run_numpy(params: dict, column_major: bool = False) -> np.ndarray:
    """The same network as a plain loop (float LIF <-> Dense, Lava's order of operations).

    ``column_major=False`` sums ``W[:, s]`` literally as Lava does; ``True`` sums the same
    columns the way the Dense model does (rows of a column-major ``W.T``: same additions, same
    bits, faster), so the difference to neuroproc is the framework's own cost."""
    n = N_EXC + N_INH
    pop = lambda key: np.array([params[f"{key}_exc"]] * N_EXC + [params[f"{key}_inh"]] * N_INH,  # noqa: E731
                               dtype=float)
    du, dv, vth, bias = pop("du"), pop("dv"), pop("vth"), pop("bias_mant")
    w = np.asarray(params["weights"], dtype=float)
    wt = np.asfortranarray(w).T
    u, v = np.zeros(n), np.zeros(n)
    a_buff = np.zeros(n)
    spikes = np.zeros((n, STEPS), dtype=np.uint8)
    for t in range(STEPS):
        a = a_buff                                 # Dense sends last step's accumulation
        u = u * (1 - du) + a
        v = v * (1 - dv) + u + bias
        s = v > vth
        v[s] = 0
        a_buff = wt.take(s.nonzero()[0], axis=0).sum(axis=0) if column_major else w[:, s].sum(axis=1)
        spikes[:, t] = s
    return spikes


def _best_cpu_time(fn, repeat: int) -> float:
    """Best CPU time of ``repeat`` calls (seconds): steadier than wall time on a busy machine."""
    best = float("inf")
    for _ in range(repeat):
        c0 = time.process_time()
        fn()
        best = min(best, time.process_time() - c0)
    return best


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--profile", action="store_true", help="print a cProfile listing")
    args = ap.parse_args(argv)
    params, source = network_params()
    runs = [run_neuroproc(params) for _ in range(5)]      # best of 5 fresh networks
    t_compile = min(r[0] for r in runs)
    np_us, np_cpu = min(r[1] for r in runs), min(r[2] for r in runs)
    spikes = runs[0][3]
    loop_s = best_time(lambda: run_numpy(params), repeat=5)
    loop_cpu = _best_cpu_time(lambda: run_numpy(params), repeat=5)
    fast_s = best_time(lambda: run_numpy(params, column_major=True), repeat=5)
    fast_cpu = _best_cpu_time(lambda: run_numpy(params, column_major=True), repeat=5)
    ref = run_numpy(params)
    same = bool(np.array_equal(spikes, ref)) and bool(
        np.array_equal(ref, run_numpy(params, column_major=True)))
    count, ref_count = int(spikes.sum()), int(ref.sum())
    if count != ref_count:
        raise SystemExit(f"bench_ei: spike counts differ: neuroproc {count}, numpy {ref_count}")
    rows = [
        {"implementation": "neuroproc python backend", "us_per_step": np_us,
         "cpu_us_per_step": np_cpu, "spikes": count},
        {"implementation": "numpy loop (Lava's W[:, s].sum)", "us_per_step": loop_s / STEPS * 1e6,
         "cpu_us_per_step": loop_cpu / STEPS * 1e6, "spikes": ref_count},
        {"implementation": "numpy loop (column-major W, as Dense)", "us_per_step": fast_s / STEPS * 1e6,
         "cpu_us_per_step": fast_cpu / STEPS * 1e6, "spikes": ref_count},
    ]
    report("bench_ei (400-neuron float E/I LIF, critical, 1000 steps)", rows,
           {"weights": source, "compile_and_first_step_s": t_compile, "identical_spikes": same,
            "goal_us_per_step": 30.0})
    if args.profile:
        print(run_neuroproc(params, profile=True)[4])


if __name__ == "__main__":
    main()
