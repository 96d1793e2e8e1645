"""Large networks: 40,000 LIF at 0.25 % connectivity (4 million synapses), and 400,000 LIF at
in-degree 40 (16 million synapses); 1,000 steps each.

neuroproc's python and compiled backends (the compiled loop on 1 and on 2 threads) against the
hand-written numba loop (1 thread, and 2 threads split by post neuron with a spin barrier); spike
counts must agree. Goals: compiled (1 thread) <= 1.5x the hand-written loop; compiled on 2 threads
>= 1.6x faster than the hand-written loop on 1; memory allocated to build and run the 40k network
within 1.5x of the weights' own size.

Timings on a machine busy with other work are rough (two threads suffer most: a barrier waits for
a descheduled partner): the JSON line records the load average; re-run on a quiet machine with
``python benchmarks/bench_large.py [--networks 40k,400k] [--steps N]``. With
``NEUROPROC_SPARSE_COMPACT=0`` neuroproc's Sparse kernels read the float64 weights instead of
one-byte codes into a table of the two CUBA weights (neuroproc.proc.sparse._kernels), to see that gain.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # baselines import as benchmarks.baselines
from _harness import add_brian2_option, compare  # noqa: E402
from benchmarks.baselines.networks import huge_network, large_network  # noqa: E402

NETWORKS = {
    "40k": ("large (40,000 LIF, 0.25 %)", large_network, True),
    "400k": ("huge (400,000 LIF, in-degree 40)", huge_network, False),
}
GOALS = {"compiled_over_handwritten": 1.5, "compiled_2t_speedup_over_handwritten_1t": 1.6,
         "peak_alloc_over_weights": 1.5}


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=1_000)
    ap.add_argument("--python-steps", type=int, default=None,
                    help="fewer steps for the python backend (default: --steps)")
    ap.add_argument("--networks", default="40k,400k", help=f"comma-separated among {', '.join(NETWORKS)}")
    add_brian2_option(ap)
    a = ap.parse_args()
    for key in (k.strip() for k in a.networks.split(",") if k.strip()):
        if key not in NETWORKS:
            ap.error(f"--networks: unknown network {key!r}; choose among {', '.join(NETWORKS)}")
        name, make, memory = NETWORKS[key]
        print(f"load average before {key}: {os.getloadavg()}")
        compare(name, make(), a.steps, a.python_steps, threads=(None, 2), goals=GOALS, memory=memory,
                brian2=a.brian2)


if __name__ == "__main__":
    main()
