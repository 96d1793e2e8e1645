"""Read, Reset and the dataloaders act at the steps (t - 1) % interval == offset, as in Lava."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import Loihi2SimCfg, RunSteps
from neuroproc.proc.io import dataloader, reset, sink, source
from neuroproc.proc.lif.process import LIF


@pytest.mark.parametrize("tag", ["floating_pt", "fixed_pt"])
def test_read_logs_a_var_at_its_interval_and_reset_zeroes_it(tag):
    # a LIF with bias 2 and no decay integrates v = 2, 4, 6, ... (vth far away); a Reset sets v
    # back to 0 after steps 3, 7, 11 (offset 2, interval 4); Read logs v after steps 2, 5, 8, 11
    lif = LIF(shape=(2,), bias_mant=2, du=0, dv=0, vth=1000)
    rst = reset.Reset(reset_value=0, interval=4, offset=2)
    rst.connect_var(lif.v)
    rd = sink.Read(buffer=4, interval=3, offset=1)
    rd.connect_var(lif.v)
    lif.run(RunSteps(12), Loihi2SimCfg(select_tag=tag, backend="python"))
    v, expected, log = 0, [], []
    for t in range(1, 13):
        v += 2
        if (t - 1) % 4 == 2:
            v = 0
        if (t - 1) % 3 == 1:
            log.append(v)
    data = rd.data.get()
    lif.stop()
    assert data.shape == (2, 4)
    np.testing.assert_array_equal(data[0], log)
    np.testing.assert_array_equal(data[1], log)


@pytest.mark.parametrize("backend", ["python", "compiled"])
def test_spike_dataloader_pads_and_cuts_samples_and_sends_the_ground_truth(backend):
    samples = [(np.array([[1, 0, 1, 1, 1, 1]]), 7), (np.array([[0, 1]]), 9)]  # longer, shorter
    loader = dataloader.SpikeDataloader(dataset=samples, interval=3, offset=1)
    out = sink.RingBuffer(shape=(1,), buffer=10)
    truth = sink.RingBuffer(shape=(1,), buffer=10)
    loader.s_out.connect(out.a_in)
    loader.ground_truth.connect(truth.a_in)
    loader.run(RunSteps(4), Loihi2SimCfg(select_tag="fixed_pt", backend=backend))  # split mid-sample
    loader.run(RunSteps(6), Loihi2SimCfg(select_tag="fixed_pt", backend=backend))
    assert loader.runtime.backend.name == backend
    # loads after steps 2, 5, 8 (sample 0, 1, 0); each plays from the next step
    np.testing.assert_array_equal(out.data.get()[0], [0, 0, 1, 0, 1, 0, 1, 0, 1, 0])
    np.testing.assert_array_equal(truth.data.get()[0], [0, 0, 7, 7, 7, 9, 9, 9, 7, 7])
    loader.stop()


@pytest.mark.parametrize("backend", ["python", "compiled"])
def test_state_dataloader_writes_samples_into_a_var(backend):
    target = source.RingBuffer(data=np.zeros((2, 1)))
    samples = [(np.array([[1.0], [2.0]]), 0), (np.array([[3.0], [4.0]]), 1)]
    loader = dataloader.StateDataloader(dataset=samples, interval=2)
    loader.connect_var(target.data)
    out = sink.RingBuffer(shape=(2,), buffer=6)
    target.s_out.connect(out.a_in)
    truth = sink.RingBuffer(shape=(1,), buffer=6)
    loader.ground_truth.connect(truth.a_in)
    target.run(RunSteps(2), Loihi2SimCfg(select_tag="floating_pt", backend=backend))
    target.run(RunSteps(4), Loihi2SimCfg(select_tag="floating_pt", backend=backend))
    assert target.runtime.backend.name == backend
    # written after steps 1, 3, 5 (samples 0, 1, 0); the source sends it from the next step
    np.testing.assert_array_equal(out.data.get()[0], [0, 1, 1, 3, 3, 1])
    np.testing.assert_array_equal(truth.data.get()[0], [0, 0, 0, 1, 1, 0])  # from the step after each load
    target.stop()


@pytest.mark.parametrize("backend", ["python", "compiled"])
@pytest.mark.parametrize("num_bits", [None, 3])
def test_delta_encoder_sends_thresholded_changes_one_step_later(num_bits, backend):
    from neuroproc.proc.io.encoder import DeltaEncoder

    x = np.array([[0, 5, 6, 6, 20, 20, 3, 3, 3]])
    src = source.RingBuffer(data=x)
    enc = DeltaEncoder(shape=(1,), vth=2, num_bits=num_bits)
    out = sink.RingBuffer(shape=(1,), buffer=x.shape[1])
    src.s_out.connect(enc.a_in)
    enc.s_out.connect(out.a_in)
    src.run(RunSteps(4), Loihi2SimCfg(backend=backend))  # split: act and residue carry over
    src.run(RunSteps(x.shape[1] - 4), Loihi2SimCfg(backend=backend))
    assert src.runtime.backend.name == backend
    got = out.data.get()[0]
    src.stop()
    act = residue = 0
    expected = [0]
    for a in x[0][:-1]:
        delta = a - act + residue
        s = delta if abs(delta) >= 2 else 0
        if num_bits is not None:
            s = min(max(s, -4), 3)
        residue, act = delta - s, a
        expected.append(s)
    np.testing.assert_array_equal(got, expected)


def test_delta_encoder_kernel_equals_the_python_model_with_scaling_and_clipping():
    from neuroproc.proc.io.encoder import DeltaEncoder

    x = np.random.default_rng(2).integers(-40, 40, (5, 30))
    got = {}
    for backend in ("python", "compiled"):
        src = source.RingBuffer(data=x)
        enc = DeltaEncoder(shape=(5,), vth=6, spike_exp=2, num_bits=5)
        out = sink.RingBuffer(shape=(5,), buffer=x.shape[1])
        src.s_out.connect(enc.a_in)
        enc.s_out.connect(out.a_in)
        src.run(RunSteps(x.shape[1]), Loihi2SimCfg(backend=backend))
        assert src.runtime.backend.name == backend
        got[backend] = (out.data.get(), enc.act.get(), enc.residue.get())
        src.stop()
    for a, b in zip(got["compiled"], got["python"]):
        np.testing.assert_array_equal(a, b)
    sent = got["python"][0]
    assert (sent.max(), sent.min()) == (15 << 2, -16 << 2)  # 5 bits, scaled by 2**2: clipped both ways
