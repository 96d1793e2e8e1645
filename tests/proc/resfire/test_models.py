"""RFZero against the damped rotation it approximates (computed here in float)."""
from __future__ import annotations

import numpy as np

from neuroproc import Loihi2SimCfg, Monitor, RunSteps
from neuroproc.proc import io
from neuroproc.proc.resfire.process import RFZero


def test_impulse_rings_at_its_frequency_and_decays_at_its_rate():
    freqs, tau, dt, steps = np.array([20.0, 50.0]), 0.1, 0.001, 120
    kick = np.zeros((2, steps), np.int32)
    kick[:, 0] = 1 << 15  # one impulse into u at step 1 (u * lct must fit int32: Lava's products wrap)
    rf = RFZero((2,), freqs=freqs, decay_tau=tau, dt=dt, uth=1)
    io.source.RingBuffer(data=kick).s_out.connect(rf.u_in)
    io.source.RingBuffer(data=np.zeros((2, steps), np.int32)).s_out.connect(rf.v_in)
    out = io.sink.RingBuffer(shape=(2,), buffer=steps)
    rf.s_out.connect(out.a_in)
    mon = Monitor()
    mon.probe(rf.u, steps)
    mon.probe(rf.v, steps)
    try:
        rf.run(RunSteps(steps), Loihi2SimCfg(select_tag="fixed_pt"))
        u, v = (mon.get_data()[rf.name][k].astype(float) for k in ("u", "v"))
        spikes = out.data.get()
    finally:
        rf.stop()
    k = np.arange(steps)[:, np.newaxis]
    # float model: z_k = (lambda e^{i omega})^k * 2^20 with lambda = exp(-dt/tau), omega = 2 pi f dt
    z = (np.exp(-dt / tau) * np.exp(2j * np.pi * freqs * dt)) ** k * float(1 << 15)
    assert np.allclose(u, z.real, atol=0.01 * (1 << 15))  # 15-bit decays, floor division: drift
    assert np.allclose(v, z.imag, atol=0.01 * (1 << 15))
    # graded spikes: the amplitude u, once per period, when v crosses zero upwards with u > uth
    for n, f in enumerate(freqs):
        fired = np.flatnonzero(spikes[n])
        assert np.all(np.diff(fired) == round(1 / (f * dt)))
        np.testing.assert_array_equal(spikes[n, fired], u[fired, n])
