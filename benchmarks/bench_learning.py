"""Plastic CUBA: 4000 LIF, 80/20 E/I, 2 % LearningSparse recurrent synapses with STDP (float,
``t_epoch = 1``), compiled vs python backend vs a hand-written numba loop of the same rule
(``baselines/stdp_loop.py``); µs/step and ratio to the hand-written loop. Spike counts and final
weights must agree (bit for bit) between the three.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import peak_rss_mib, report  # noqa: E402
from _harness import bench_args  # noqa: E402
from _neuroproc_nets import SpikeCounter  # noqa: E402
from benchmarks.baselines.networks import cuba_network  # noqa: E402
from benchmarks.baselines.stdp_loop import plastic_runner  # noqa: E402

from neuroproc import Loihi2SimCfg, RunSteps  # noqa: E402
from neuroproc.proc.learning_rules import STDPLoihi  # noqa: E402
from neuroproc.proc.lif.process import LIF  # noqa: E402
from neuroproc.proc.sparse.process import LearningSparse  # noqa: E402

#: STDP: scale 2**-7 for both products (learning_rate 2**-7, A+ = 1, A- = -1), small impulses so
#: that a pair changes a weight by ~1 % of the excitatory weight
RULE = dict(learning_rate=2 ** -7, A_plus=1, A_minus=-1, tau_plus=20, tau_minus=20, x1_impulse=0.02,
            y1_impulse=0.02)


def _stdp():
    return STDPLoihi(**RULE, t_epoch=1, rng_seed=0)


def run_neuroproc(net: dict, steps: int, backend: str) -> dict:
    n = net["n"]
    lif = LIF(shape=(n,), u=net["u0"], v=net["v0"], du=net["du"], dv=net["dv"], vth=net["vth"],
              bias_mant=net["bias"])
    conn = LearningSparse(net["W"], learning_rule=_stdp())
    counter = SpikeCounter(shape=(n,))
    lif.s_out.connect(conn.s_in)
    lif.s_out.connect(conn.s_in_bap)
    conn.a_out.connect(lif.a_in)
    lif.s_out.connect(counter.a_in)
    cfg = Loihi2SimCfg(select_tag="floating_pt", backend=backend)
    t0 = time.perf_counter()
    rt = lif.create_runtime(cfg)
    setup = time.perf_counter() - t0
    assert rt.backend.name == backend, rt.backend.reason
    t0 = time.perf_counter()
    lif.run(RunSteps(steps), cfg)
    elapsed = time.perf_counter() - t0
    out = {"us_per_step": elapsed / steps * 1e6, "spikes": int(counter.count.get().sum()),
           "weights": conn.weights_csr().tocsc(), "setup_s": setup,
           "compile_s": getattr(rt.backend, "stats", {}).get("compile_s", 0.0)}
    lif.stop()
    return out


def main() -> None:
    a = bench_args(__doc__, 2000)
    py_steps = a.python_steps or max(a.steps // 10, 1)
    net = cuba_network()
    rule = _stdp()
    scales = [p.scale for p in rule.dw.products]
    run = plastic_runner(net, dict(s_minus=scales[0], s_plus=scales[1], tau_plus=RULE["tau_plus"],
                                   tau_minus=RULE["tau_minus"], x1_impulse=RULE["x1_impulse"],
                                   y1_impulse=RULE["y1_impulse"]))
    t0 = time.perf_counter()
    run(2)
    base_compile = time.perf_counter() - t0
    best = None
    for _ in range(2):
        t0 = time.perf_counter()
        count, data = run(a.steps)
        el = time.perf_counter() - t0
        best = el if best is None else min(best, el)
    base = {"us_per_step": best / a.steps * 1e6, "spikes": count}
    comp = min((run_neuroproc(net, a.steps, "compiled") for _ in range(2)), key=lambda r: r["us_per_step"])
    py = run_neuroproc(net, py_steps, "python")
    _, data_py = run(py_steps)
    rows = [
        {"implementation": "hand-written numba", "steps": a.steps, "us_per_step": base["us_per_step"],
         "spikes": base["spikes"], "compile_s": base_compile},
        {"implementation": "neuroproc compiled", "steps": a.steps, "us_per_step": comp["us_per_step"],
         "spikes": comp["spikes"], "compile_s": comp["compile_s"]},
        {"implementation": "neuroproc python", "steps": py_steps, "us_per_step": py["us_per_step"],
         "spikes": py["spikes"], "compile_s": 0.0},
    ]
    for r in rows:
        r["ratio_to_handwritten"] = r["us_per_step"] / base["us_per_step"]
    count_py, _ = run(py_steps)
    agree = (comp["spikes"] == base["spikes"] and np.array_equal(comp["weights"].data, data)
             and py["spikes"] == count_py and np.array_equal(py["weights"].data, data_py))
    report("plastic cuba (4000 LIF, 2 % LearningSparse, STDP)", rows,
           {"spike_counts_and_weights_agree": bool(agree), "spikes_per_step": base["spikes"] / a.steps,
            "synapses": int(net["W"].nnz), "peak_rss_mib": peak_rss_mib(), "rule": RULE})
    if not agree:
        print("ERROR: spike counts or learned weights differ", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
