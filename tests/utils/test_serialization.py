"""save -> load in a new interpreter -> the run continues bit-identically, on both backends."""
from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from neuroproc import Loihi2SimCfg, Monitor, RunContinuous, RunSteps
from neuroproc.exceptions import RuntimeStateError, ValidationError
from neuroproc.proc import io
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.lif.process import LIF
from neuroproc.utils.serialization import FORMAT_VERSION, load, save

REPO = Path(__file__).resolve().parents[2]
N, M = 6, 9


def build(family: str) -> dict:
    """source -> Dense -> LIF -> sink, Monitors on v, u and a_buff; seeded parameters."""
    rng = np.random.default_rng(7)
    if family == "fixed":
        w = rng.integers(-120, 120, (4, 5))
        lif = LIF(shape=(4,), du=300, dv=200, vth=40, bias_mant=rng.integers(0, 30, 4),
                  bias_exp=2, name="lif")
    else:
        w = rng.normal(0.0, 0.6, (4, 5))
        lif = LIF(shape=(4,), du=0.2, dv=0.1, vth=0.8, bias_mant=rng.uniform(0, 0.1, 4), name="lif")
    src = io.source.RingBuffer(data=(rng.random((5, 7)) < 0.4).astype(int), name="src")
    dense = Dense(weights=w, name="dense")
    sink = io.sink.RingBuffer(shape=(4,), buffer=N + M, name="sink")
    src.s_out.connect(dense.s_in)
    dense.a_out.connect(lif.a_in)
    lif.s_out.connect(sink.a_in)
    mon = Monitor(name="mon")
    for var in (lif.v, lif.u, dense.a_buff):
        mon.probe(var, N + M)
    return {"src": src, "dense": dense, "lif": lif, "sink": sink, "mon": mon}


def cfg(family: str, backend: str) -> Loihi2SimCfg:
    return Loihi2SimCfg(select_tag="fixed_pt" if family == "fixed" else "floating_pt",
                        backend=backend)


def between_runs(net: dict) -> None:
    """Done after the first N steps in both runs: a vth set that the bit-accurate model ignores
    (it scaled vth once, on its first step), so only a restored model state continues right."""
    net["lif"].vth.set(np.array([net["lif"].vth.get()[0] * 100]))


def results(net: dict) -> dict:
    data = net["mon"].get_data()
    return {"spikes": net["sink"].data.get(), "v": data[net["lif"].v], "u": data[net["lif"].u],
            "a_buff": data[net["dense"].a_buff], "w": net["dense"].weights.get(),
            "v_now": net["lif"].v.get()}


_CONTINUE = textwrap.dedent("""
    import sys
    import numpy as np
    from neuroproc import RunSteps
    from neuroproc.utils.serialization import load
    from tests.utils.test_serialization import results

    procs, _ = load(sys.argv[1])
    net = {p.name: p for p in procs}
    rt = net["lif"].runtime
    assert rt is not None and rt.time_step == int(sys.argv[3]), rt
    print(rt.backend.name)
    net["lif"].run(RunSteps(int(sys.argv[4])))
    np.savez(sys.argv[2], **results(net))
    net["lif"].stop()
""")


def continue_elsewhere(path: Path, out: Path, steps_done: int) -> str:
    proc = subprocess.run([sys.executable, "-c", _CONTINUE, str(path), str(out), str(steps_done),
                           str(M)], cwd=REPO, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


@pytest.mark.parametrize("family", ["fixed", "float"])
@pytest.mark.parametrize("backend", ["python", "compiled"])
@pytest.mark.parametrize("how", ["paused", "stopped"])
def test_a_loaded_network_continues_bit_identically(tmp_path, family, backend, how):
    whole = build(family)
    whole["lif"].run(RunSteps(N), cfg(family, backend))
    between_runs(whole)
    whole["lif"].run(RunSteps(M), cfg(family, backend))
    expected = results(whole)
    whole["lif"].stop()

    net = build(family)
    net["lif"].run(RunSteps(N), cfg(family, backend))
    assert net["lif"].runtime.backend.name == backend
    between_runs(net)
    if how == "stopped":
        net["lif"].stop()
    save(list(net.values()), tmp_path / "net")
    if how == "paused":
        net["lif"].stop()
    ran_on = continue_elsewhere(tmp_path / "net.pickle", tmp_path / "out.npz", N)
    assert ran_on == backend
    with np.load(tmp_path / "out.npz") as got:
        assert sorted(got.files) == sorted(expected)
        for key, value in expected.items():
            np.testing.assert_array_equal(got[key], value, err_msg=key)
    assert expected["spikes"].any(), "the network should spike for the comparison to mean much"


def test_a_network_that_never_ran_loads_with_its_values_and_names(tmp_path):
    net = build("float")
    net["lif"].v.set(np.arange(4.0))
    save(net["lif"], str(tmp_path / "lif"))
    lif, exe = load(str(tmp_path / "lif.pickle"))
    assert exe is None and lif.name == "lif" and lif.runtime is None
    np.testing.assert_array_equal(lif.v.get(), np.arange(4.0))
    # the connected Processes came along
    assert lif.a_in.in_connections[0].process.name == "dense"


def test_an_executable_is_saved_and_recompiled_with_its_models(tmp_path):
    net = build("fixed")
    exe = net["lif"].compile(cfg("fixed", "python"))
    save([], tmp_path / "exe", executable=exe)
    procs, exe2 = load(tmp_path / "exe")
    assert procs == []
    assert sorted(type(e.model).__name__ for e in exe2.entries) == sorted(
        type(e.model).__name__ for e in exe.entries)


def test_a_file_of_another_version_is_refused(tmp_path):
    save(LIF(shape=(1,), name="l"), tmp_path / "l.pickle")
    raw = (tmp_path / "l.pickle").read_bytes()
    magic, header, body = raw.split(b"\n", 2)
    meta = json.loads(header)
    meta["version"] = FORMAT_VERSION + 1
    (tmp_path / "new.pickle").write_bytes(magic + b"\n" + json.dumps(meta).encode() + b"\n" + body)
    with pytest.raises(ValidationError, match=rf"format version {FORMAT_VERSION + 1} .*reads "
                                              rf"version {FORMAT_VERSION}"):
        load(tmp_path / "new.pickle")


def test_files_that_are_not_neuroproc_networks_are_refused(tmp_path):
    (tmp_path / "lava.pickle").write_bytes(pickle.dumps({"processes": []}))
    with pytest.raises(ValidationError, match="is not a neuroproc network file"):
        load(tmp_path / "lava.pickle")
    with pytest.raises(OSError, match="does not exist"):
        load(tmp_path / "missing")
    with pytest.raises(TypeError):
        load(1)
    with pytest.raises(TypeError):
        save(None, "x")
    with pytest.raises(TypeError):
        save([], 1)
    with pytest.raises(TypeError):
        save([], "x", executable=1)


def test_a_running_network_is_refused_until_paused(tmp_path):
    lif = LIF(shape=(2,), du=0.1, dv=0.1, bias_mant=0.2, vth=1.0, name="alone")
    lif.run(RunContinuous(), cfg("float", "python"))
    try:
        with pytest.raises(RuntimeStateError, match=r"network is running.*Call pause\(\)"):
            save(lif, tmp_path / "run")
        lif.pause()
        steps = lif.runtime.time_step
        save(lif, tmp_path / "run")
    finally:
        lif.stop()
    header = json.loads((tmp_path / "run.pickle").read_bytes().split(b"\n")[1])
    assert header["time_step"] == steps > 0 and header["processes"] == ["alone::LIF"]


_CONTINUE_HIER = textwrap.dedent("""
    import sys
    import numpy as np
    from neuroproc import RunSteps
    from neuroproc.utils.serialization import load

    (wrap, mon), _ = load(sys.argv[1])
    assert wrap.runtime.time_step == int(sys.argv[3])
    wrap.run(RunSteps(int(sys.argv[4])))
    np.savez(sys.argv[2], value=mon.get_data()[wrap.value], now=wrap.procs.relay.value.get())
    wrap.stop()
""")


def test_a_hierarchical_network_continues_with_its_children(tmp_path):
    from neuroproc import Loihi1SimCfg
    from tests.nets import Counter, Wrapper

    def build_hier():
        wrap, src = Wrapper(shape=(2,), add=0.5, name="wrap"), Counter(shape=(2,), scale=1.5)
        src.s_out.connect(wrap.a_in)
        mon = Monitor()
        mon.probe(wrap.value, N + M)
        return wrap, mon

    run_cfg = Loihi1SimCfg(select_tag="hier", select_sub_proc_model=True)
    wrap, mon = build_hier()
    wrap.run(RunSteps(N + M), run_cfg)
    expected = mon.get_data()[wrap.value]
    wrap.stop()
    wrap, mon = build_hier()
    wrap.run(RunSteps(N), run_cfg)
    save([wrap, mon], tmp_path / "hier")
    wrap.stop()
    proc = subprocess.run([sys.executable, "-c", _CONTINUE_HIER, str(tmp_path / "hier.pickle"),
                           str(tmp_path / "out.npz"), str(N), str(M)], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    with np.load(tmp_path / "out.npz") as got:
        np.testing.assert_array_equal(got["value"], expected)
        np.testing.assert_array_equal(got["now"], expected[-1])
    assert np.unique(expected[:, 0]).size == N + M  # the value changes every step


def test_something_that_cannot_be_pickled_is_named(tmp_path):
    lif = LIF(shape=(1,), name="l", callback=lambda x: x)  # a parameter for a custom model
    with pytest.raises(ValidationError, match=r"^save: the network around l::LIF holds something "
                                              r"that cannot be stored.*picklable"):
        save(lif, tmp_path / "l")
