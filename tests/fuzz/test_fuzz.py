"""The fuzz suite in the test run: a few hundred seeded graphs against their oracles.

``make fuzz`` runs thousands (``FUZZ_N``) in worker processes with hang detection
(``python -m tests.fuzz``); here a fixed range of seeds keeps the run short and repeatable.
"""
from __future__ import annotations

import pytest

from tests.fuzz.generator import generate
from tests.fuzz.libgraphs import generate_lib, run_lib
from tests.fuzz.runner import run_graph

USER_BATCHES, USER_BATCH = 6, 50
LIB_BATCHES, LIB_BATCH = 2, 12


@pytest.mark.parametrize("batch", range(USER_BATCHES))
def test_user_model_graphs_match_the_oracle(batch):
    bad = []
    for seed in range(batch * USER_BATCH, (batch + 1) * USER_BATCH):
        verdict, detail = run_graph(generate(seed))
        if verdict != "ok":
            bad.append(f"seed {seed}: {verdict}: {detail}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("batch", range(LIB_BATCHES))
def test_library_graphs_agree_across_backends_and_splits(batch):
    bad = []
    for seed in range(batch * LIB_BATCH, (batch + 1) * LIB_BATCH):
        verdict, detail = run_lib(generate_lib(seed))
        if verdict != "ok":
            bad.append(f"seed {seed}: {verdict}: {detail}")
    assert not bad, "\n".join(bad)


def test_the_oracle_catches_what_it_must():
    """The oracle is not vacuous: over these seeds it predicts every kind of outcome, and the
    runtime is judged wrong when its result is changed."""
    from tests.fuzz.oracle import Oracle

    kinds = set()
    for seed in range(USER_BATCHES * USER_BATCH):
        spec = generate(seed)
        out = Oracle(spec).run(spec.steps)
        kinds.add("ok" if out is None else ("full" if out.kind == "dead" and out.step > 64 else out.kind))
    assert kinds == {"ok", "sim", "dead", "full"}
    spec = next(s for s in map(generate, range(100)) if s.scenario == "whole" and Oracle(s).run(s.steps) is None
                and s.nodes[0].kind == "node")
    spec.nodes[0].init += 1  # the oracle keeps the spec's value, the network starts elsewhere
    oracle_init = spec.nodes[0].init
    from tests.fuzz import runner

    real_build = runner.build

    def shifted_build(s):
        procs, pokers = real_build(s)
        procs[s.nodes[0].ident].v.set(oracle_init + 1)
        return procs, pokers

    runner.build = shifted_build
    try:
        assert runner.run_graph(spec)[0] == "wrong"
    finally:
        runner.build = real_build
