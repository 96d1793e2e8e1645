"""bench_large's networks and the harness's rows for the compiled loop on two threads."""
from __future__ import annotations

import numba
import numpy as np

from benchmarks.baselines import networks as nets

PARALLEL = not numba.config.DISABLE_JIT and numba.config.NUMBA_NUM_THREADS >= 2


def test_huge_network_is_the_cuba_recipe_at_in_degree_40():
    net = nets.huge_network(n=20_000, p=40 / 20_000)  # the recipe at a size a test can afford
    assert net["n"] == 20_000 and net["name"] == "huge"
    assert abs(net["W"].nnz / net["n"] - 40) < 1  # in-degree 40 (a few duplicates dropped)
    w = np.unique(net["W"].data)
    scale = 80 / 40  # weights scaled to the CUBA in-degree of 80
    np.testing.assert_allclose(sorted(w), sorted([nets.CUBA_PARAMS["w_inh"] * scale,
                                                  nets.CUBA_PARAMS["w_exc"] * scale]))


def test_harness_compares_the_two_thread_loop_with_the_hand_written_one(capsys):
    import benchmarks._harness as h  # puts benchmarks/ on sys.path for its own imports

    net = nets.cuba_network(n=3000, p=0.01)
    out = h.compare("small", net, 30, threads=(None, 2), brian2="none")
    rows = {r["implementation"]: r for r in out["rows"]}
    two = rows["neuroproc compiled (2 threads)"]
    assert out["spike_counts_agree"] and two["spikes"] == rows["hand-written numba"]["spikes"] > 0
    assert two["threads_used"] == (2 if PARALLEL else 1), two["threads_why"]
    assert rows["neuroproc compiled"]["spikes"] == rows["hand-written numba (2 threads)"]["spikes"]
    assert out["compiled_2t_speedup_over_handwritten_1t"] > 0 and len(out["load_average"]["before"]) == 3
    assert "neuroproc compiled (2 threads)" in capsys.readouterr().out
