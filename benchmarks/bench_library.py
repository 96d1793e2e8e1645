"""The neuron library on both backends: LIFReset, ATRLIF, RF and SigmaDelta fed through Dense,
watched by BitCheck and io.sink.Read.

``RingBuffer (binary spikes) -> Dense -> LIFReset -> Dense -> ATRLIF``, the same source through
two Dense into an RF's real and imaginary inputs, and through a third into a SigmaDelta; every
neuron's output goes to a sink. A BitCheck watches LIFReset's ``v`` and the first Dense's
``a_buff`` (through RefPorts, after every step); a Read records ATRLIF's ``v`` every 10th step. The network runs with the float models and with the fixed-point
ones, each on the python and on the compiled backend; everything the sinks received and every
Var after the run must be identical between the backends (the script exits 1 otherwise).
Prints µs/step (best of ``--repeat`` runs, compilation excluded) and a JSON line.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import peak_rss_mib, report  # noqa: E402

from neuroproc import Loihi2SimCfg, RunSteps  # noqa: E402
from neuroproc.proc import io  # noqa: E402
from neuroproc.proc.atrlif.process import ATRLIF  # noqa: E402
from neuroproc.proc.bit_check.process import BitCheck  # noqa: E402
from neuroproc.proc.dense.process import Dense  # noqa: E402
from neuroproc.proc.lif.process import LIFReset  # noqa: E402
from neuroproc.proc.rf.process import RF  # noqa: E402
from neuroproc.proc.sdn.process import SigmaDelta  # noqa: E402

#: parameters per arithmetic: the fixed ones are the float ones scaled to Loihi's integers
PARAMS = {
    "float": dict(tag="floating_pt", w_in=0.3, w_mid=0.4, w_rf=0.3, w_sd=0.5,
                  lif=dict(du=0.2, dv=0.1, vth=4.0, reset_interval=50, reset_offset=7),
                  atr=dict(bias_mant=0.0, theta=6.0, theta_0=6.0, theta_step=3.0),
                  rf=dict(period=20, alpha=0.05, vth=0.8), sd=dict(vth=0.5, bias=0.0)),
    "fixed": dict(tag="fixed_pt", w_in=20, w_mid=30, w_rf=20, w_sd=30,
                  lif=dict(du=800, dv=400, vth=250, reset_interval=50, reset_offset=7),
                  atr=dict(bias_mant=0, theta_0=400, theta_step=200),
                  rf=dict(period=20, alpha=0.05, vth=30, decay_bits=12, state_exp=6),
                  sd=dict(vth=40, bias=0, state_exp=2)),
}


def build(kind: str, n_in: int, n: int, steps: int, seed: int = 0):
    """The network; returns (a process of it, sinks by name, neurons by name)."""
    p = PARAMS[kind]
    rng = np.random.default_rng(seed)
    spikes = (rng.random((n_in, 100)) < 0.05).astype(np.int32 if kind == "fixed" else float)

    def weights(scale, rows, cols, density=0.2):
        w = scale * rng.random((rows, cols)) * (rng.random((rows, cols)) < density)
        return np.round(w).astype(int) if kind == "fixed" else w

    src = io.source.RingBuffer(data=spikes)
    neurons = {"lifreset": LIFReset((n,), **p["lif"]), "atrlif": ATRLIF(shape=(n,), **p["atr"]),
               "rf": RF((n,), **p["rf"]), "sigmadelta": SigmaDelta(shape=(n,), **p["sd"])}
    links = [(src.s_out, Dense(weights(p["w_in"], n, n_in)), neurons["lifreset"].a_in),
             (neurons["lifreset"].s_out, Dense(weights(p["w_mid"], n, n)), neurons["atrlif"].a_in),
             (src.s_out, Dense(weights(p["w_rf"], n, n_in)), neurons["rf"].a_real_in),
             (src.s_out, Dense(weights(p["w_rf"], n, n_in)), neurons["rf"].a_imag_in),
             (src.s_out, Dense(weights(p["w_sd"], n, n_in)), neurons["sigmadelta"].a_in)]
    for out, dense, inp in links:
        out.connect(dense.s_in)
        dense.a_out.connect(inp)
    sinks = {}
    for name, neuron in neurons.items():
        sinks[name] = io.sink.RingBuffer(shape=(n,), buffer=steps)
        neuron.s_out.connect(sinks[name].a_in)
    watch = {"bitcheck v": BitCheck(bits=14), "bitcheck a_buff": BitCheck(bits=3),
             "read": io.sink.Read(buffer=-(-steps // 10), interval=10, offset=3)}
    watch["bitcheck v"].connect_var(neurons["lifreset"].v)
    watch["bitcheck a_buff"].connect_var(links[0][1].a_buff)
    watch["read"].connect_var(neurons["atrlif"].v)
    neurons.update(watch)  # their Vars (_overflowed, data) are compared like the neurons'
    return src, sinks, neurons


def run(kind: str, backend: str, n_in: int, n: int, steps: int) -> dict:
    """Compile (one step, not timed), run the other ``steps - 1`` steps (timed)."""
    src, sinks, neurons = build(kind, n_in, n, steps)
    cfg = Loihi2SimCfg(select_tag=PARAMS[kind]["tag"], backend=backend)
    try:
        t0 = time.perf_counter()
        src.run(RunSteps(1), cfg)
        compile_s = time.perf_counter() - t0
        assert src.runtime.backend.name == backend, src.runtime.backend.reason
        t0 = time.perf_counter()
        src.run(RunSteps(steps - 1))
        elapsed = time.perf_counter() - t0
        outputs = {f"{name} sent": sink.data.get() for name, sink in sinks.items()}
        outputs.update({f"{name}.{var.name}": var.get() for name, nrn in neurons.items() for var in nrn.vars})
        return {"us_per_step": elapsed / (steps - 1) * 1e6, "compile_s": compile_s, "outputs": outputs}
    finally:
        src.stop()


def identical(a: dict, b: dict) -> list[str]:
    """Names of the outputs that differ (values or dtype)."""
    def same(x, y) -> bool:
        if x is None or y is None:  # a Var without a value (BitCheck's default layerid)
            return x is None and y is None
        return bool(np.array_equal(x, y, equal_nan=x.dtype.kind in "fc") and x.dtype == y.dtype)

    return [k for k in a if not same(a[k], b[k])]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--neurons", type=int, default=400, help="neurons per population")
    ap.add_argument("--inputs", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=2)
    a = ap.parse_args()
    rows, differ, nonzero = [], {}, {}
    for kind in PARAMS:
        best = {}
        for backend in ("python", "compiled"):
            for _ in range(a.repeat):
                r = run(kind, backend, a.inputs, a.neurons, a.steps)
                if backend not in best or r["us_per_step"] < best[backend]["us_per_step"]:
                    best[backend] = r
        differ[kind] = identical(best["python"]["outputs"], best["compiled"]["outputs"])
        nonzero[kind] = {k: int(np.count_nonzero(v)) for k, v in best["python"]["outputs"].items()
                         if k.endswith(" sent") or k.endswith("._overflowed") or k == "read.data"}
        for backend in ("python", "compiled"):
            rows.append({"models": kind, "backend": backend, "steps": a.steps,
                         "us_per_step": best[backend]["us_per_step"], "compile_s": best[backend]["compile_s"],
                         "outputs_identical": not differ[kind]})
        rows[-1]["speedup"] = rows[-2]["us_per_step"] / rows[-1]["us_per_step"]
        rows[-2]["speedup"] = 1.0
    report(f"neuron library (4 x {a.neurons} neurons, {a.inputs} inputs, 5 Dense, 2 BitCheck, 1 Read)", rows,
           {"nonzero_messages": nonzero, "differing_outputs": differ, "peak_rss_mib": peak_rss_mib()})
    if any(differ.values()):
        print(f"ERROR: the backends differ: {differ}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
