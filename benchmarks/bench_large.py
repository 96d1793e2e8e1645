"""40,000 LIF, 0.25 % connectivity (4 million synapses), 1,000 steps.

neuroproc python and compiled backends against the hand-written numba loop (1 and 2 threads);
spike counts must agree. Goals: compiled <= 1.5x the hand-written loop; memory allocated to build
and run the network within 1.5x of the weights' own size.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # baselines import as benchmarks.baselines
from _harness import bench_args, compare  # noqa: E402
from benchmarks.baselines.networks import large_network  # noqa: E402

if __name__ == "__main__":
    a = bench_args(__doc__, 1_000)
    compare("large (40,000 LIF, 0.25 %)", large_network(), a.steps, a.python_steps, threads=(None, 2),
            goals={"compiled_over_handwritten": 1.5, "peak_alloc_over_weights": 1.5}, memory=True,
            brian2=a.brian2)
