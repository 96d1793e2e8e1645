"""Spiker sends its payload at steps period + 1, 2 period + 1, ... on both backends."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import Loihi2SimCfg, RunSteps
from neuroproc.proc.io import sink
from neuroproc.proc.spiker.process import Spiker


@pytest.mark.parametrize("backend", ["python", "compiled"])
def test_spiker_sends_the_payload_every_period(backend):
    spiker = Spiker(shape=(2,), period=4, payload=9, name="spk")
    snk = sink.RingBuffer(shape=(2,), buffer=13, name="snk")
    spiker.s_out.connect(snk.a_in)
    try:
        spiker.run(RunSteps(13), Loihi2SimCfg(backend=backend))
        assert spiker.runtime.backend.name == backend
        sent = snk.data.get()
        counter = spiker.counter.get()
    finally:
        spiker.stop()
    steps = np.flatnonzero(sent[0]) + 1
    np.testing.assert_array_equal(steps, [5, 9, 13])
    np.testing.assert_array_equal(sent[:, steps - 1], 9)
    np.testing.assert_array_equal(counter, [1, 1])   # just fired at step 13
