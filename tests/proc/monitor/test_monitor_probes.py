"""Monitor probes are never lost: late probes are refused, every probe's data is returned and
the data is indexed by names or by the Process, Var and OutPort objects."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import Loihi1SimCfg, Monitor, RunSteps
from neuroproc.exceptions import NotProbedError, RuntimeStateError, ValidationError
from neuroproc.proc import io
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.lif.process import LIF
from tests.nets import Counter, Relay, Wrapper

BACKENDS = ["python", "compiled"]


def _lif_chain():
    """source -> Dense -> LIF with kernels for every model (both backends run it)."""
    data = np.zeros((2, 8))
    data[:, ::2] = 1
    src = io.source.RingBuffer(data=data, name="src")
    dense = Dense(weights=np.array([[0.6, 0.0], [0.3, 0.3]]), name="dense")
    lif = LIF(shape=(2,), du=0.5, dv=0.2, vth=0.5, name="lif")
    src.s_out.connect(dense.s_in)
    dense.a_out.connect(lif.a_in)
    return src, dense, lif


def _chain():
    src, relay = Counter(shape=(2,), scale=3.0, name="src"), Relay(shape=(2,), recv_first=False,
                                                                   name="relay")
    src.s_out.connect(relay.a_in)
    return src, relay


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_monitor_created_after_the_first_run_is_refused_at_probe(backend):
    _, dense, lif = _lif_chain()
    lif.run(condition=RunSteps(2), run_cfg=Loihi1SimCfg(backend=backend))
    assert lif.runtime.backend.name == backend
    late = Monitor(name="late")
    with pytest.raises(RuntimeStateError, match=r"late::Monitor\.probe: lif::LIF\.v belongs to a "
                                                r"network that is already compiled.*before the first run"):
        late.probe(lif.v, 3)
    with pytest.raises(RuntimeStateError, match=r"late::Monitor\.probe: dense::Dense\.a_out"):
        late.probe(dense.a_out, 3)
    lif.stop()


def test_a_probe_added_to_a_running_monitor_is_refused():
    src, relay = _chain()
    mon = Monitor(name="m")
    mon.probe(src.count, 4)
    relay.create_runtime(Loihi1SimCfg())
    with pytest.raises(RuntimeStateError, match=r"m::Monitor\.probe: this Monitor's network is "
                                                r"already compiled"):
        mon.probe(relay.value, 4)
    relay.stop()


def test_the_same_target_twice_is_refused_instead_of_dropped():
    src, _ = _chain()
    mon = Monitor(name="m")
    mon.probe(src.count, 4)
    with pytest.raises(ValidationError, match=r"src::Counter\.count is already probed by this Monitor"):
        mon.probe(src.count, 6)


def test_two_processes_with_one_name_are_refused_instead_of_overwritten():
    a, b = Counter(name="twin"), Counter(name="twin", scale=2.0)
    mon = Monitor(name="m")
    mon.probe(a.count, 3)
    with pytest.raises(ValidationError, match=r"twin::Counter has the same name as the probed "
                                              r"twin::Counter.*distinct names"):
        mon.probe(b.count, 3)


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_probe_is_returned_and_indexed_by_objects(backend):
    _, dense, lif = _lif_chain()
    mon = Monitor(name="m")
    mon.probe(lif.v, 8)
    mon.probe(lif.u, 8)
    mon.probe(lif.s_out, 8)
    mon.probe(dense.a_buff, 8)
    lif.run(condition=RunSteps(8), run_cfg=Loihi1SimCfg(backend=backend))
    assert lif.runtime.backend.name == backend
    data = mon.get_data()
    lif.stop()
    assert sorted(data) == ["dense", "lif"] and sorted(data["lif"]) == ["s_out", "u", "v"]
    # a_buff after step t is W @ s(t): the source sends ones at odd steps
    np.testing.assert_array_equal(data["dense"]["a_buff"][:4], [[0.6, 0.6], [0, 0], [0.6, 0.6], [0, 0]])
    # u(t) = u(t-1) / 2 + a_buff(t-1): independent of the Monitor's indexing
    np.testing.assert_array_equal(data["lif"]["u"][:4, 0], [0, 0.6, 0.3, 0.75])
    for got in (data[lif]["v"], data[lif][lif.v], data["lif"][lif.v], data[lif.v]):
        np.testing.assert_array_equal(got, data["lif"]["v"])
    np.testing.assert_array_equal(data[lif.s_out], data["lif"]["s_out"])
    assert lif in data and lif.v in data and dense.a_buff in data and dense.weights not in data


def test_missing_keys_raise_a_named_key_error():
    src, relay = _chain()
    other = Counter(name="src")  # same name as a probed Process, another object
    mon = Monitor(name="m")
    mon.probe(src.count, 2)
    data = mon.get_data()
    with pytest.raises(NotProbedError, match=r"m::Monitor recorded nothing of Relay\(name='relay'\)"):
        data[relay]
    with pytest.raises(KeyError, match=r"recorded src::Counter, another Process with the name 'src'"):
        data[other]
    with pytest.raises(NotProbedError, match=r"belongs to relay::Relay, not to src::Counter"):
        data[src][relay.value]
    with pytest.raises(NotProbedError, match=r"recorded no 'cout'.*Did you mean 'count'\?"):
        data["src"]["cout"]


def test_an_aliased_var_is_indexed_by_the_parent_var():
    net = Wrapper(shape=(1,), add=1.0, name="wrap")
    src = Counter(name="c")
    src.s_out.connect(net.a_in)
    mon = Monitor()
    mon.probe(net.value, 3)
    net.run(condition=RunSteps(3), run_cfg=Loihi1SimCfg(select_sub_proc_model=True))
    data = mon.get_data()
    net.stop()
    np.testing.assert_array_equal(data[net][net.value], data["wrap"]["value"])
    assert data[net.value].shape == (3, 1)
