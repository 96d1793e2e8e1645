"""CUBA sizes (Vogels & Abbott): 4000 LIF, 80/20 E/I, 2 % random connectivity, 10,000 steps.

neuroproc python and compiled backends against the hand-written numba loop (1 and 2 threads)
on the same weights; spike counts must agree. Goal: compiled <= 1.5x the hand-written loop.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # baselines import as benchmarks.baselines
from _harness import bench_args, compare  # noqa: E402
from benchmarks.baselines.networks import cuba_network  # noqa: E402

if __name__ == "__main__":
    a = bench_args(__doc__, 10_000)
    compare("cuba (4000 LIF, 2 %)", cuba_network(), a.steps, a.python_steps, threads=(None, 2),
            goals={"compiled_over_handwritten": 1.5}, brian2=a.brian2)
