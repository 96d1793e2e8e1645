"""Ports in running networks: fan-in, fan-out, hierarchy, virtual ports, RefPorts, aliases."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import (
    InPort,
    Loihi1SimCfg,
    Monitor,
    OutPort,
    PortConnectionError,
    RunSteps,
    ShapeError,
)
from tests.nets import Counter, Poker, Recorder, Relay, Wrapper

CFG = Loihi1SimCfg()


def run(proc, steps, cfg=CFG):
    proc.run(condition=RunSteps(steps), run_cfg=cfg)


def test_fan_in_is_summed_and_fan_out_copies():
    a, b = Counter(scale=1.0), Counter(scale=10.0)
    r1, r2 = Recorder(steps=3), Recorder(steps=3)
    a.s_out.connect(r1.a_in)
    b.s_out.connect(r1.a_in)
    a.s_out.connect(r2.a_in)
    run(r1, 3)
    np.testing.assert_array_equal(r1.log.get()[:, 0], [11.0, 22.0, 33.0])
    np.testing.assert_array_equal(r2.log.get()[:, 0], [1.0, 2.0, 3.0])
    r1.stop()


def test_unconnected_inport_receives_zeros():
    rec = Recorder(shape=(2,), steps=2)
    run(rec, 2)
    np.testing.assert_array_equal(rec.log.get(), np.zeros((2, 2)))
    rec.stop()


@pytest.mark.parametrize("tag, leaves", [("hier", 3), ("flat", 3)])
def test_hierarchical_pass_through_and_alias(tag, leaves):
    src, w, rec = Counter(), Wrapper(add=100.0), Recorder(steps=4)
    src.s_out.connect(w.a_in)
    w.s_out.connect(rec.a_in)
    mon = Monitor()
    mon.probe(w.value, 4)
    cfg = Loihi1SimCfg(select_tag=tag, select_sub_proc_model=True)
    run(rec, 4, cfg)
    np.testing.assert_array_equal(rec.log.get()[:, 0], [101.0, 102.0, 103.0, 104.0])
    np.testing.assert_array_equal(mon.get_data()[w.name]["value"][:, 0], [101.0, 102.0, 103.0, 104.0])
    assert len(rec.runtime.exe.entries) == leaves + 1  # + the Monitor
    w.value.set(np.array([-5.0]))  # reaches the child's Var when aliased
    np.testing.assert_array_equal(w.value.get(), [-5.0])
    if tag == "hier":
        np.testing.assert_array_equal(w.procs.relay.value.get(), [-5.0])
    rec.stop()


def test_reshape_flatten_transpose_concat_in_a_network():
    a = Counter(shape=(2, 3), scale=1.0)
    b = Counter(shape=(4,), scale=-1.0)
    flat = Recorder(shape=(6,), steps=2)
    tr = Recorder(shape=(3, 2), steps=2)
    cat = Recorder(shape=(10,), steps=2)
    a.s_out.flatten().connect(flat.a_in)
    a.s_out.transpose().connect(tr.a_in)
    a.s_out.flatten().concat_with(b.s_out).connect(cat.a_in)
    run(flat, 2)
    np.testing.assert_array_equal(flat.log.get()[1], np.full(6, 2.0))
    np.testing.assert_array_equal(tr.log.get()[0], np.ones((3, 2)))
    np.testing.assert_array_equal(cat.log.get()[1], [2.0] * 6 + [-2.0] * 4)
    flat.stop()


def test_transpose_really_permutes_and_inport_side_reshape():
    import numpy as np
    from neuroproc.proc import io

    data = np.arange(6, dtype=float).reshape(2, 3, 1)
    src = io.source.RingBuffer(data=data)
    rec = Recorder(shape=(3, 2), steps=1)
    src.s_out.transpose([1, 0]).connect(rec.a_in)
    rec2 = Recorder(shape=(6,), steps=1)
    src.s_out.connect(rec2.a_in.reshape((2, 3)))
    run(rec, 1, Loihi1SimCfg(select_tag="floating_pt"))
    np.testing.assert_array_equal(rec.log.get()[0], data[..., 0].T)
    np.testing.assert_array_equal(rec2.log.get()[0], data[..., 0].ravel())
    rec.stop()


def test_refport_reads_and_writes_another_var_in_post_mgmt():
    src, relay = Counter(), Relay(recv_first=True)
    src.s_out.connect(relay.a_in)
    poker = Poker()
    poker.ref.connect_var(relay.value)
    run(relay, 3)
    # post_mgmt sees the relay's value after run_spk (t), then writes t + 1
    np.testing.assert_array_equal(poker.seen.get()[:3, 0], [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(relay.value.get(), [4.0])
    relay.stop()


def test_connection_errors():
    a, b = Counter(shape=(3,), name="lif1"), Recorder(shape=(4,), name="dense")
    with pytest.raises(ShapeError, match=r"lif1::Counter.s_out \(shape \(3,\)\) cannot connect to "
                                         r"dense::Recorder.a_in \(shape \(4,\)\): shapes must match. "
                                         r"Use .reshape\(\) or .flatten\(\) first."):
        a.s_out.connect(b.a_in)
    c = Recorder(shape=(3,))
    a.s_out.connect(c.a_in)
    with pytest.raises(PortConnectionError, match="already connected"):
        a.s_out.connect(c.a_in)
    with pytest.raises(PortConnectionError, match="expected InPort or OutPort or VirtualPort"):
        a.s_out.connect(Poker(shape=(3,)).ref)
    with pytest.raises(PortConnectionError, match="connect_from expects OutPorts"):
        c.a_in.connect_from(Poker(shape=(3,)).ref)
    with pytest.raises(ShapeError, match="cannot reshape"):
        a.s_out.reshape((2, 2))
    with pytest.raises(PortConnectionError, match="expects a Var"):
        Poker().ref.connect_var(a.s_out)


def test_connect_from_is_the_mirror_of_connect():
    a, r = Counter(), Recorder(steps=1)
    r.a_in.connect_from(a.s_out)
    run(r, 1)
    np.testing.assert_array_equal(r.log.get(), [[1.0]])
    r.stop()


def test_ports_outside_a_process_have_readable_names():
    p = OutPort(shape=(2,))
    assert "OutPort" in repr(p)
    assert InPort(shape=3).shape == (3,)
