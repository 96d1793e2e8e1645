"""The tutorial's 400-neuron float E/I LIF network (LIF <-> Dense), 1000 steps, both regimes.

Same weights (Lava's converted weights from ``ei_lif_float_*.npz`` when the reference folder is
found, else the tutorial's generator), run in one process by: the hand-written numba loop, the
neuroproc compiled backend, the neuroproc python backend and a plain numpy loop of the same
equations. Spike counts must agree (14813 balanced, 84375 critical with Lava's weights).
Goals: python backend <= 30 µs/step; compiled <= 1.5x the hand-written loop.

Then the bit-accurate E/I network of Lava's reference (``ei_bitacc_critical``: the same
tutorial network mapped to Loihi's integers) on the compiled backend against the float critical
one (both best of 3): goal bit-accurate <= 1.3x float. Its spike count must be Lava's (61598 in
1000 steps).
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # baselines import as benchmarks.baselines
from _common import report  # noqa: E402
from _harness import bench_args, compare  # noqa: E402
from _neuroproc_nets import run_bitacc, run_neuroproc  # noqa: E402
from benchmarks.baselines.networks import _load_reference, ei_network, reference_dir  # noqa: E402


def bitacc_vs_float(steps: int, repeat: int = 3) -> None:
    """Bit-accurate vs float E/I (critical), compiled, best of ``repeat``; exits 1 on a wrong count."""
    path = reference_dir() / "ei_bitacc_critical.npz"
    if not path.is_file():
        print(f"bit-accurate E/I: {path} not found, row skipped")
        return
    ref = {k: (a.item() if a.ndim == 0 else a) for k, a in _load_reference(path).items()}
    net = ei_network("critical")
    fl = min((run_neuroproc(net, steps, "compiled") for _ in range(repeat)), key=lambda r: r["us_per_step"])
    bit = min((run_bitacc(ref, steps, "compiled") for _ in range(repeat)), key=lambda r: r["us_per_step"])
    ratio = bit["us_per_step"] / fl["us_per_step"]
    rows = [{"models": "float", "steps": steps, "us_per_step": fl["us_per_step"], "spikes": fl["spikes"]},
            {"models": "bit-accurate", "steps": steps, "us_per_step": bit["us_per_step"], "spikes": bit["spikes"],
             "over_float": ratio}]
    report("E/I critical (400 LIF, dense), compiled: bit-accurate vs float", rows,
           {"goals": {"bitacc_over_float": 1.3}, "met": ratio <= 1.3})
    if steps == 1000 and bit["spikes"] != int(ref["spikes"].sum()):
        print(f"ERROR: bit-accurate spike count {bit['spikes']} != Lava's {int(ref['spikes'].sum())}", file=sys.stderr)
        sys.exit(1)

if __name__ == "__main__":
    a = bench_args(__doc__, 1000, python_steps=False)
    for regime in ("balanced", "critical"):
        compare(f"E/I {regime} (400 LIF, dense)", ei_network(regime), a.steps, numpy_loop=True,
                goals={"python_us_per_step": 30.0, "compiled_over_handwritten": 1.5},
                brian2=a.brian2)
    bitacc_vs_float(a.steps)
