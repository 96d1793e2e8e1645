"""Per-step overhead: 100 LIF neurons, dense weights, little activity, 100,000 steps.

neuroproc python and compiled backends against the hand-written numba loop; spike counts must
agree. Goal: compiled per-step time <= 0.5 µs.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # baselines import as benchmarks.baselines
from _harness import add_brian2_option, compare  # noqa: E402
from benchmarks.baselines.networks import overhead_network  # noqa: E402

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=100_000)
    ap.add_argument("--python-steps", type=int, default=None)
    add_brian2_option(ap)
    a = ap.parse_args()
    compare("overhead (100 LIF, dense)", overhead_network(), a.steps, a.python_steps,
            goals={"compiled_us_per_step": 0.5}, brian2=a.brian2)
