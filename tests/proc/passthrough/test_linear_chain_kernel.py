"""LinearChain's kernel on what the fold stage builds from real networks (fold='linear'): chains and
sums of Dense, Sparse (merged into dense matrices), Conv (image-shaped ports), DelayDense (several
steps of delay, pending buffers), binary-spike heads and reordering views. The compiled backend fuses
every one of them (a fallback would warn, an error in the tests) and gives the python backend's
bits, Vars included, across split runs; both equal the unfolded network up to float rounding."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import RunSteps, deployment_report
from neuroproc.proc.dense.process import DelayDense, Dense
from neuroproc.proc.passthrough import LinearChain, Passthrough
from tests.compiler.fold_nets import KINDS, STEPS, cfg, connection, ring, run, sink_for, source_data, tolerance


def _chain(kind, binary_head, seed=2):
    rng = np.random.default_rng(seed)
    data = source_data(kind, rng)

    def build():
        r = np.random.default_rng(seed + 1)
        src, out = ring(data), sink_for(kind)
        c1, c2 = connection(kind, 0, r, binary=binary_head, name="c1"), connection(kind, 1, r, name="c2")
        src.s_out.connect(c1.s_in)
        c1.a_out.connect(c2.s_in)
        c2.a_out.connect(out.a_in)
        return src, out, None

    return build


def _sum(kind, seed=4):
    rng = np.random.default_rng(seed)
    data = source_data(kind, rng)

    def build():
        r = np.random.default_rng(seed + 1)
        src, out = ring(data), sink_for(kind, 1)
        for i in range(3):
            c = connection(kind, 0, r, name=f"c{i + 1}")
            src.s_out.connect(c.s_in)
            c.a_out.connect(out.a_in)
        return src, out, None

    return build


def _delayed(seed=6):
    """src -> DelayDense (delay 2, a_buff pending) -> view (transpose) -> Passthrough -> Dense -> out:
    one LinearChain of delay 4 whose pipeline starts with the carried buffers."""
    rng = np.random.default_rng(seed)
    data = source_data("dense", rng)
    w1, w2 = rng.normal(size=(6, 6)), rng.normal(size=(4, 6))
    buf1, buf2 = rng.normal(size=(6, 3)), rng.normal(size=4)

    def build():
        src, out = ring(data), sink_for("dense")
        d1 = DelayDense(w1, delays=2, max_delay=2, num_message_bits=24, name="d1")
        d2 = Dense(w2, num_message_bits=24, name="d2")
        d1.a_buff.set(buf1)
        d2.a_buff.set(buf2)
        pt = Passthrough((6,), name="pt")
        src.s_out.connect(d1.s_in)
        d1.a_out.reshape((2, 3)).transpose([1, 0]).flatten().connect(pt.s_in)
        pt.s_out.connect(d2.s_in)
        d2.a_out.connect(out.a_in)
        return src, out, None

    return build


NETS = {**{f"{kind}-chain": _chain(kind, False) for kind in KINDS},
        **{f"{kind}-binary-head": _chain(kind, True) for kind in KINDS},
        **{f"{kind}-sum": _sum(kind) for kind in KINDS},
        "delaydense-reordered-chain": _delayed()}


def _run_split(build, backend, first=5):
    """Run in two parts; return what the sink received, the backend, and the LinearChains' Vars."""
    src, out, _ = build()
    run_cfg = cfg("linear", backend)
    try:
        src.run(RunSteps(first), run_cfg)
        name = src.runtime.backend.name
        src.run(RunSteps(STEPS - first), run_cfg)
        chains = [p for p in src.runtime.procs if isinstance(p, LinearChain)]
        state = [(p.weights.get().copy(), p.pipeline.get().copy()) for p in chains]
        return out.data.get().copy(), name, state
    finally:
        src.stop()


@pytest.mark.parametrize("net", sorted(NETS))
def test_compiled_linear_chain_equals_python_bit_for_bit(net):
    build = NETS[net]
    kinds = deployment_report(build()[0], cfg("linear")).fold.kinds()
    assert kinds["linear" if "chain" in net or "head" in net else "sum"] == 1, kinds
    got_py, name_py, state_py = _run_split(build, "python")
    got_c, name_c, state_c = _run_split(build, "compiled")
    assert (name_py, name_c) == ("python", "compiled")
    assert len(state_py) == len(state_c) == 1
    assert got_c.tobytes() == got_py.tobytes()
    for (w_py, p_py), (w_c, p_c) in zip(state_py, state_c):
        assert w_c.tobytes() == w_py.tobytes() and p_c.tobytes() == p_py.tobytes()
    # and what the chain computes is the unfolded network's, up to float rounding
    unfolded, _ = run(build, False)
    assert np.abs(unfolded).max() > 0.5
    np.testing.assert_allclose(got_c, unfolded, rtol=0, atol=tolerance(unfolded))


def test_the_delayed_chain_sends_its_carried_buffers_first_on_both_backends():
    build = NETS["delaydense-reordered-chain"]
    unfolded, _ = run(build, False, "python")
    for backend in ("python", "compiled"):
        got, *_ = _run_split(build, backend, first=2)
        # d2's buffer as it was, then W2 @ (d1's three pending columns, reordered): the fold adds
        # the terms in the order of W2's permuted columns, so equal up to rounding
        assert got[:, 0].tobytes() == unfolded[:, 0].tobytes(), backend
        assert np.abs(unfolded[:, 1:4]).min() > 0
        np.testing.assert_allclose(got[:, :4], unfolded[:, :4], rtol=0, atol=tolerance(unfolded[:, :4]))
