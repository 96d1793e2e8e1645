"""The CLP processes, each against the behaviour its docstring states (analytic expectations);
the helpers with kernels on both backends."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import Loihi2SimCfg, Monitor, RunSteps
from neuroproc.proc.clp.id_broadcast.process import IdBroadcast
from neuroproc.proc.clp.novelty_detector.process import NoveltyDetector
from neuroproc.proc.clp.nsm.process import Allocator, Readout
from neuroproc.proc.clp.prototype_lif.process import PrototypeLIF
from neuroproc.proc.io import sink
from neuroproc.proc.io.source import RingBuffer as Source

BACKENDS = pytest.mark.parametrize("backend", ["python", "compiled"])


def _cfg(backend: str) -> Loihi2SimCfg:
    return Loihi2SimCfg(select_tag="fixed_pt", backend=backend)


def _pulses(t_run: int, steps: dict[int, int], width: int = 1) -> np.ndarray:
    data = np.zeros((width, t_run), int)
    for step, value in steps.items():   # steps count from 1, as time_step does
        data[0, step - 1] = value
    return data


def _record(port, shape, t_run):
    rec = sink.RingBuffer(shape=shape, buffer=t_run)
    port.connect(rec.a_in)
    return rec


@pytest.mark.parametrize("t_wait, start, answer, expected", [
    (10, 4, None, 15),     # no answer: signal on the step after the wait exceeds t_wait
    (10, 4, 8, None),      # answered in time: silent
    (10, 4, 16, 15),       # answered too late: still novel
    (3, 2, None, 6),       # start + t_wait + 1
])
@BACKENDS
def test_novelty_detector_signals_unanswered_inputs(t_wait, start, answer, expected, backend):
    t_run = 20
    shown = Source(data=_pulses(t_run, {start: 1}))
    answered = Source(data=_pulses(t_run, {} if answer is None else {answer: 1}))
    det = NoveltyDetector(t_wait=t_wait)
    shown.s_out.connect(det.input_aval_in)
    answered.s_out.connect(det.output_aval_in)
    rec = _record(det.novelty_detected_out, (1,), t_run)
    shown.run(condition=RunSteps(5), run_cfg=_cfg(backend))  # split: the wait carries over
    shown.run(condition=RunSteps(t_run - 5), run_cfg=_cfg(backend))
    assert shown.runtime.backend.name == backend
    out = rec.data.get()[0]
    shown.stop()
    want = np.zeros(t_run)
    if expected is not None:
        want[expected - 1] = 1
    np.testing.assert_array_equal(out, want)


@BACKENDS
def test_allocator_counts_up_from_one(backend):
    t_run = 8
    trig = Source(data=_pulses(t_run, {2: 1, 3: 1, 6: 1}))
    alloc = Allocator(n_protos=5)
    trig.s_out.connect(alloc.trigger_in)
    rec = _record(alloc.allocate_out, (1,), t_run)
    trig.run(condition=RunSteps(2), run_cfg=_cfg(backend))  # split: the count carries over
    trig.run(condition=RunSteps(t_run - 2), run_cfg=_cfg(backend))
    assert trig.runtime.backend.name == backend
    out, nxt = rec.data.get()[0], alloc.next_alloc_id.get()
    trig.stop()
    np.testing.assert_array_equal(out, [0, 1, 2, 0, 0, 3, 0, 0])
    assert nxt[0] == 4


@BACKENDS
def test_readout_labels_checks_and_asks_for_allocation(backend):
    n, t_run = 3, 8
    fired = np.zeros((n, t_run), int)
    fired[1, 0] = 1        # step 1: prototype 1 wins, unlabelled -> pseudo-label -2
    fired[1, 3] = 1        # step 4: prototype 1 again, now labelled 7
    fired[2, 5] = 1        # step 6: prototype 2 holds label 5 (given), user says 9
    labels = _pulses(t_run, {2: 7, 5: 7, 7: 9})
    spikes, user = Source(data=fired), Source(data=labels)
    readout = Readout(n_protos=n, proto_labels=np.array([0, 0, 5]))
    spikes.s_out.connect(readout.inference_in)
    user.s_out.connect(readout.label_in)
    recs = [_record(p, (1,), t_run) for p in (readout.user_output, readout.feedback, readout.trigger_alloc)]
    spikes.run(condition=RunSteps(t_run), run_cfg=_cfg(backend))
    assert spikes.runtime.backend.name == backend
    predicted, feedback, trigger = (r.data.get()[0] for r in recs)
    final = readout.proto_labels.get()
    spikes.stop()
    np.testing.assert_array_equal(predicted, [-2, 7, 0, 7, 0, 5, 0, 0])
    np.testing.assert_array_equal(feedback, [0, 0, 0, 0, 1, 0, -1, 0])
    np.testing.assert_array_equal(trigger, [0, 0, 0, 0, 0, 0, 1, 0])
    np.testing.assert_array_equal(final, [0, 7, 5])


@BACKENDS
def test_prototype_lif_allocation_and_reset(backend):
    n, t_run = 3, 6
    drive = np.zeros((n, t_run), int)
    drive[0, :] = 100                      # neuron 0 integrates towards its threshold
    third = _pulses(t_run, {3: 2}, width=n)
    third[:, 2] = 2                        # every entry carries the id, as a broadcast does
    reset = np.zeros((n, t_run), int)
    reset[0, 3] = 1                        # step 4: neuron 0 is cleared
    a, b, c = Source(data=drive), Source(data=third), Source(data=reset)
    proto = PrototypeLIF(shape=(n,), du=4095, dv=0, vth=1000)
    a.s_out.connect(proto.a_in)
    b.s_out.connect(proto.a_third_factor_in)
    c.s_out.connect(proto.reset_in)
    spikes = _record(proto.s_out, (n,), t_run)
    bap = _record(proto.s_out_bap, (n,), t_run)
    y1 = _record(proto.s_out_y1, (n,), t_run)
    mon = Monitor()
    mon.probe(proto.v, t_run)
    a.run(condition=RunSteps(t_run), run_cfg=_cfg(backend))
    assert a.runtime.backend.name == backend
    s, bp, tr = spikes.data.get(), bap.data.get(), y1.data.get()
    v = mon.get_data()[proto.name]["v"][:, 0]
    a.stop()
    # du = 4095 clears u each step, so u = a << 6 and v grows by 6400 a step: 6400, 12800, ...
    # the reset at step 4 clears it; no spike (vth << 6 = 64000 is not reached)
    np.testing.assert_array_equal(v, [6400, 12800, 19200, 0, 6400, 12800])
    want = np.zeros((n, t_run))
    want[1, 2] = 1                          # id 2 allocates neuron 1 at step 3
    np.testing.assert_array_equal(s, want)
    np.testing.assert_array_equal(bp, want)
    np.testing.assert_array_equal(tr[1, 2:], 127)     # y1 stays set after the allocation
    np.testing.assert_array_equal(tr[[0, 2]], 0)


@BACKENDS
def test_id_broadcast_forwards_the_same_step(backend):
    t_run = 4
    src = Source(data=np.array([[0, 3, 0, 5]]))
    bc = IdBroadcast(shape=(1,))
    src.s_out.connect(bc.a_in)
    rec = _record(bc.s_out, (1,), t_run)
    src.run(condition=RunSteps(t_run), run_cfg=_cfg(backend))
    assert src.runtime.backend.name == backend
    out, val = rec.data.get()[0], bc.val.get()
    src.stop()
    np.testing.assert_array_equal(out, [0, 3, 0, 5])
    assert val[0] == 5


def _clp_network(weights: np.ndarray, patterns: np.ndarray, times: list[int], t_run: int, backend: str):
    """Prototype neurons behind a novelty detector and an allocator (integer inputs in base 8)."""
    from neuroproc.proc.dense.process import Dense

    n_protos, n_features = weights.shape
    data = np.zeros((n_features, t_run), int)
    for pattern, t in zip(patterns, times):
        data[:, t] = np.fix(pattern / np.linalg.norm(pattern) * 2 ** 8)
    inp = Source(data=data)
    det, alloc = NoveltyDetector(t_wait=4), Allocator(n_protos=n_protos)
    protos = PrototypeLIF(shape=(n_protos,), du=4095, dv=4095, vth=64000)
    to_protos = Dense(weights=weights, num_message_bits=8)
    shown, answered = Dense(weights=np.ones((1, n_features))), Dense(weights=np.ones((1, n_protos)))
    ids = Dense(weights=np.ones((n_protos, 1)), num_message_bits=8)
    inp.s_out.connect(to_protos.s_in)
    to_protos.a_out.connect(protos.a_in)
    inp.s_out.connect(shown.s_in)
    shown.a_out.connect(det.input_aval_in)
    protos.s_out.connect(answered.s_in)
    answered.a_out.connect(det.output_aval_in)
    det.novelty_detected_out.connect(alloc.trigger_in)
    alloc.allocate_out.connect(ids.s_in)
    ids.a_out.connect(protos.a_third_factor_in)
    novelty = _record(det.novelty_detected_out, (1,), t_run)
    bap = _record(protos.s_out_bap, (n_protos,), t_run)
    spikes = _record(protos.s_out, (n_protos,), t_run)
    inp.run(condition=RunSteps(t_run), run_cfg=_cfg(backend))
    assert inp.runtime.backend.name == backend
    out = novelty.data.get()[0], bap.data.get(), spikes.data.get(), alloc.next_alloc_id.get()[0]
    inp.stop()
    return out


@BACKENDS
def test_unknown_inputs_allocate_the_next_prototypes(backend):
    # inputs at indices 3 and 13 reach the detector one step later (Dense); with t_wait = 4 the
    # signal comes at index 3 + 1 + 4 + 1 = 9 (and 19); the allocator answers the same step and
    # the id reaches the prototypes one Dense later: neuron 0 at index 10, neuron 1 at index 20
    novelty, bap, _, next_id = _clp_network(np.zeros((2, 2), int), np.array([[0.82, 0.55], [0.55, 0.82]]),
                                            [3, 13], 22, backend)
    np.testing.assert_array_equal(np.flatnonzero(novelty), [9, 19])
    assert [tuple(np.argwhere(bap)[i]) for i in range(2)] == [(0, 10), (1, 20)]
    assert next_id == 3


@BACKENDS
def test_a_stored_pattern_is_recognised_without_novelty(backend):
    pattern = np.array([0.82, 0.55])
    stored = np.fix(pattern / np.linalg.norm(pattern) * 2 ** 8).astype(int)
    # a = stored . input = 212**2 + 142**2 = 65108 > vth = 64000 (du = dv = 4095: v = a << 6 that step)
    weights = np.stack([stored, np.zeros(2, int)])
    novelty, bap, spikes, next_id = _clp_network(weights, pattern[None], [3], 12, backend)
    assert not novelty.any() and not bap.any() and next_id == 1
    # the input of index 3 arrives one Dense later: prototype 0 fires at index 4, which tells the
    # detector in time
    np.testing.assert_array_equal(np.argwhere(spikes), [[0, 4]])
