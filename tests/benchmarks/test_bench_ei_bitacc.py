"""bench_ei's bit-accurate E/I network is Lava's: its spike count per step equals the reference's."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from _neuroproc_nets import run_bitacc  # noqa: E402


def test_bitacc_benchmark_network_spikes_as_lava(load_ref):
    ref = load_ref("ei_bitacc_critical")
    got = run_bitacc(ref, 150, "compiled")
    assert got["spikes"] == int(np.asarray(ref["spikes"])[:, :150].sum()) > 0
