"""Random networks of Dense (graded, binary, all-zero), Passthroughs and reordering views, with
fan-in, fan-out, chains and parallel paths: every fold mode gives the unfolded run's result --
bit for bit under fold='exact', up to rounding under fold='linear' -- so the folds compose."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc.compiler import collect, fold, select
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.io import sink
from neuroproc.proc.passthrough import Passthrough
from tests.compiler.fold_nets import STEPS, cfg, ring, run

N = 4


def _random_net(seed):
    rng = np.random.default_rng(seed)
    data = rng.normal(size=(N, STEPS))
    data[rng.random(data.shape) < 0.2] = 0.0
    plan = []        # (kind, weights, [(input index, reordered)]) for each Process after the source
    for i in range(1, 10):
        kind = str(rng.choice(["graded", "graded", "graded", "binary", "zero", "pass", "par"]))
        w = np.zeros((N, N)) if kind == "zero" else rng.normal(size=(N, 2 * N) if kind == "par" else (N, N))
        picks = rng.choice(i, size=min(i, int(rng.integers(1, 3))), replace=False)
        plan.append((kind, w, [(int(j), bool(rng.random() < 0.15)) for j in picks]))
    outs = sorted({int(j) for j in rng.choice(10, size=3, replace=False)} | {9})

    def build():
        src = ring(data)
        procs = [src]
        for i, (kind, w, inputs) in enumerate(plan, start=1):
            if kind == "par":   # a Passthrough fed by two graded Dense in parallel from the first input
                p = Passthrough((N,), name=f"p{i}")
                for k in range(2):
                    d = Dense(w[:, k * N:(k + 1) * N], num_message_bits=24, name=f"q{i}{'ab'[k]}")
                    d.a_out.connect(p.s_in)
                    port = procs[inputs[0][0]]
                    (port.s_out if hasattr(port, "s_out") else port.a_out).connect(d.s_in)
                procs.append(p)
                continue
            if kind == "pass":
                p = Passthrough((N,), name=f"p{i}")
            else:
                p = Dense(w, num_message_bits=0 if kind in ("binary", "zero") else 24, name=f"{kind[0]}{i}")
            for j, reordered in inputs:
                port = procs[j].s_out if hasattr(procs[j], "s_out") else procs[j].a_out
                view = port.reshape((2, 2)).transpose([1, 0]).flatten() if reordered else port
                view.connect(p.s_in)
            procs.append(p)
        out = sink.RingBuffer((N,), buffer=STEPS, name="out")
        for j in outs:
            (procs[j].s_out if hasattr(procs[j], "s_out") else procs[j].a_out).connect(out.a_in)
        return src, out, None

    return build


# seed 329: a sender reaches a chain's head directly and through a folded Passthrough (two equal
# channels, both to be kept)
@pytest.mark.parametrize("seed", [*range(12), 329])
def test_random_networks_fold_to_the_unfolded_result(seed):
    build = _random_net(seed)
    ref, _ = run(build, False)
    exact, _ = run(build, "exact")
    assert exact.tobytes() == ref.tobytes()
    linear, _ = run(build, "linear")
    # stated tolerance: products and sums of O(1) normal matrices round at ~1e-15 of their scale
    np.testing.assert_allclose(linear, ref, rtol=1e-9, atol=1e-9 * max(1.0, float(np.abs(ref).max())))


def test_random_networks_fold_something_of_every_kind():
    kinds: dict = {}
    for seed in range(12):
        report = fold(select(collect(_random_net(seed)()[0]), cfg("linear"))).report
        for k, n in report.kinds().items():
            kinds[k] = kinds.get(k, 0) + n
    assert all(kinds[k] > 0 for k in ("identity", "zero", "linear", "sum")), kinds
