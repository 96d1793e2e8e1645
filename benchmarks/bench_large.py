"""40,000 LIF, 0.25 % connectivity (4 million synapses), 1,000 steps.

neuroproc python and compiled backends against the hand-written numba loop (1 and 2 threads);
spike counts must agree. Goals: compiled <= 1.5x the hand-written loop; memory allocated to build
and run the network within 1.5x of the weights' own size.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # baselines import as benchmarks.baselines
from _harness import add_brian2_option, compare  # noqa: E402
from benchmarks.baselines.networks import large_network  # noqa: E402

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=1_000)
    ap.add_argument("--python-steps", type=int, default=None)
    add_brian2_option(ap)
    a = ap.parse_args()
    compare("large (40,000 LIF, 0.25 %)", large_network(), a.steps, a.python_steps, threads=(None, 2),
            goals={"compiled_over_handwritten": 1.5, "peak_alloc_over_weights": 1.5}, memory=True,
            brian2=a.brian2)
