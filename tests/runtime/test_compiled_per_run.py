"""The compiled backend redoes its per-run set-up only when something changed: what changes must
still reach the loop (python backend as the second implementation)."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import Loihi1SimCfg, RunSteps
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.lif.process import LIF


def _trace(backend: str, tag: str) -> list[np.ndarray]:
    """Single-step runs with Var.set in between: each change must act from the next step on."""
    n = 6
    fixed = tag == "fixed_pt"
    lif = LIF(shape=(n,), du=400 if fixed else 0.2, dv=300 if fixed else 0.1, vth=3 if fixed else 0.5,
              bias_mant=np.full(n, 40 if fixed else 0.1))
    dense = Dense(weights=np.eye(n) * (2 if tag == "fixed_pt" else 0.3))
    lif.s_out.connect(dense.s_in)
    dense.a_out.connect(lif.a_in)
    cfg = Loihi1SimCfg(select_tag=tag, backend=backend)
    out = []
    for k in range(12):
        if k == 3:  # scalar parameters -> other scalars
            lif.vth.set(np.array(5 if fixed else 0.8))
            lif.du.set(np.array(900 if fixed else 0.35))
        if k == 5:  # a uniform array parameter becomes a per-neuron one
            lif.bias_mant.set(np.arange(n) * 15 + 10 if fixed else np.linspace(0.05, 0.3, n))
        if k == 7:  # one entry, through an index
            lif.bias_mant.set(0, idx=2)
        if k == 9:  # a connection's weights
            dense.weights.set(np.eye(n)[::-1] * (3 if fixed else 0.4))
        lif.run(condition=RunSteps(1), run_cfg=cfg)
        out.append(np.concatenate([lif.u.get(), lif.v.get()]))
    if backend == "compiled":
        assert lif.runtime.backend.name == "compiled", lif.runtime.backend.reason
    lif.stop()
    return out


@pytest.mark.parametrize("tag", ["floating_pt", "fixed_pt"])
def test_set_between_single_steps_reaches_the_compiled_loop(tag):
    compiled, python = _trace("compiled", tag), _trace("python", tag)
    for step, (c, p) in enumerate(zip(compiled, python)):
        np.testing.assert_array_equal(c, p, err_msg=f"step {step + 1}")
    # the changes did act (a run without them would give other states)
    assert not np.array_equal(python[4], python[5]) and np.any(python[-1] != 0)
