"""Per-step overhead: 100 LIF neurons, dense weights, little activity, 100,000 steps.

neuroproc python and compiled backends against the hand-written numba loop; spike counts must
agree. Goal: compiled per-step time <= 0.5 µs.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # baselines import as benchmarks.baselines
from _harness import bench_args, compare  # noqa: E402
from benchmarks.baselines.networks import overhead_network  # noqa: E402

if __name__ == "__main__":
    a = bench_args(__doc__, 100_000)
    compare("overhead (100 LIF, dense)", overhead_network(), a.steps, a.python_steps,
            goals={"compiled_us_per_step": 0.5}, brian2=a.brian2)
