"""The tutorial's 400-neuron float E/I LIF network (LIF <-> Dense), 1000 steps, both regimes.

Same weights (Lava's converted weights from ``ei_lif_float_*.npz`` when the reference folder is
found, else the tutorial's generator), run in one process by: the hand-written numba loop, the
neuroproc compiled backend, the neuroproc python backend and a plain numpy loop of the same
equations. Spike counts must agree (14813 balanced, 84375 critical with Lava's weights).
Goals: python backend <= 30 µs/step; compiled <= 1.5x the hand-written loop.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # baselines import as benchmarks.baselines
from _harness import bench_args, compare  # noqa: E402
from benchmarks.baselines.networks import ei_network  # noqa: E402

if __name__ == "__main__":
    a = bench_args(__doc__, 1000, python_steps=False)
    for regime in ("balanced", "critical"):
        compare(f"E/I {regime} (400 LIF, dense)", ei_network(regime), a.steps, numpy_loop=True,
                goals={"python_us_per_step": 30.0, "compiled_over_handwritten": 1.5},
                brian2=a.brian2)
