"""Progress bars and compile notices: chunked runs change no number, notices say what happens."""
from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
import time
import types

import numba
import numpy as np
import pytest

from neuroproc import Loihi1SimCfg, Monitor, RunSteps, ValidationError
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.lif.process import LIF
from neuroproc.runtime import progress
from neuroproc.runtime.progress import compile_notice, progress_settings, set_progress


@pytest.fixture(autouse=True)
def restore_settings(request, monkeypatch):
    # pytest's own log capture counts as configured logging; most tests here want the stderr
    # path an unconfigured application gets (the caplog test below checks the logger path)
    if "caplog" not in request.fixturenames:
        monkeypatch.setattr(progress, "_logging_configured", lambda: False)
    before = progress_settings()
    yield
    set_progress({"on": True, "off": False}.get(before["mode"], "auto"), delay=before["delay"])


def _recurrent_net(seed=3, n=30):
    rng = np.random.default_rng(seed)
    lif = LIF(shape=(n,), bias_mant=rng.uniform(0.05, 0.2, n), vth=1.0, du=0.1, dv=0.05)
    dense = Dense(weights=rng.normal(0.0, 0.3, (n, n)))
    lif.s_out.connect(dense.s_in)
    dense.a_out.connect(lif.a_in)
    mon = Monitor()
    mon.probe(lif.s_out, 300)
    mon.probe(lif.v, 300)
    return lif, mon


@pytest.mark.parametrize("backend", ["python", "compiled"])
def test_a_run_shown_with_a_bar_gives_the_numbers_of_a_run_without(backend, capsys):
    results = {}
    for mode in (False, True):
        set_progress(mode)
        lif, mon = _recurrent_net()
        lif.run(RunSteps(300), Loihi1SimCfg(backend=backend))
        assert lif.runtime.time_step == 300
        results[mode] = (mon.get_data()[lif.name], lif.v.get(), lif.u.get())
        lif.stop()
        err = capsys.readouterr().err
        if mode:  # forced on: the bar is drawn from the first chunk and reaches the end
            assert f"neuroproc ({backend})" in err and "300/300" in err
        else:
            assert "neuroproc (" not in err
    quiet, shown = results[False], results[True]
    assert quiet[0]["s_out"].sum() > 0  # the network spikes, so the comparison means something
    for key in ("s_out", "v"):
        np.testing.assert_array_equal(quiet[0][key], shown[0][key])
    np.testing.assert_array_equal(quiet[1], shown[1])
    np.testing.assert_array_equal(quiet[2], shown[2])


def test_auto_mode_shows_no_bar_for_a_short_run_and_one_after_the_delay(capsys):
    class SlowBackend:
        name = "slow"

        def run_steps(self, start, n, should_pause):
            time.sleep(0.002 * n)
            return start + n

    set_progress("auto", delay=10.0)
    assert progress.run_steps(SlowBackend(), 0, 50, lambda: False) == 50
    assert "neuroproc (slow)" not in capsys.readouterr().err
    set_progress("auto", delay=0.05)
    assert progress.run_steps(SlowBackend(), 7, 400, lambda: False) == 407
    err = capsys.readouterr().err
    assert "neuroproc (slow)" in err and "400/400" in err


def test_a_paused_run_stops_at_the_step_the_backend_reached():
    calls = []

    class Backend:
        name = "b"

        def run_steps(self, start, n, should_pause):
            calls.append(n)
            return start + n

    set_progress(True)
    pause_after = 3
    assert progress.run_steps(Backend(), 0, 1000, lambda: len(calls) >= pause_after) == sum(calls)
    assert len(calls) == pause_after and calls[:2] == [1, 8]


@pytest.mark.parametrize("ask_at", [1, 9, 12])  # the last step of chunk 1 and of chunk 2; inside chunk 3
def test_a_models_request_in_any_step_of_a_chunk_ends_the_run_there(ask_at):
    class Backend:
        name = "b"
        requested = None

        def run_steps(self, start, n, should_pause):
            self.requested = None
            for t in range(start + 1, start + n + 1):
                if t == ask_at:  # like the python backend: the step runs, then the run ends
                    self.requested = "pause"
                    return t
            return start + n

    set_progress(True)
    assert progress.run_steps(Backend(), 0, 1000, lambda: False) == ask_at


def _dispatcher(index_path):
    return types.SimpleNamespace(_cache=types.SimpleNamespace(
        _cache_file=types.SimpleNamespace(_index_path=str(index_path))))


def test_compile_notice_when_numba_has_no_cache_index(tmp_path, capsys):
    with compile_notice(_dispatcher(tmp_path / "missing.nbi"), "the fused loop of 3 models"):
        pass
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == ("neuroproc: numba is compiling the fused loop of 3 models (first run of "
                        "this network; later runs load it from the disk cache)...")
    assert lines[1].startswith("neuroproc: compiled the fused loop of 3 models in ")
    assert len(lines) == 2


def test_no_notice_for_a_quick_load_from_the_cache_but_one_for_a_slow_load(tmp_path, capsys):
    index = tmp_path / "fused.nbi"
    index.write_bytes(b"")
    set_progress("auto", delay=5.0)
    with compile_notice(_dispatcher(index), "x"):
        pass
    assert capsys.readouterr().err == ""
    set_progress("auto", delay=0.01)
    with compile_notice(_dispatcher(index), "x"):
        time.sleep(0.3)  # the cache did not match: numba compiles after all
    assert capsys.readouterr().err.startswith("neuroproc: numba is compiling x")
    set_progress(False)
    with compile_notice(_dispatcher(tmp_path / "missing.nbi"), "x"):
        pass
    assert capsys.readouterr().err == ""


def test_notices_go_to_the_neuroproc_logger_and_not_to_stderr_when_logging_is_set_up(
        tmp_path, capsys, caplog):
    with caplog.at_level(logging.INFO, logger="neuroproc"):
        with compile_notice(_dispatcher(tmp_path / "missing.nbi"), "y"):
            pass
    assert [r.name for r in caplog.records] == ["neuroproc.runtime"] * 2
    assert caplog.records[0].getMessage().startswith("neuroproc: numba is compiling y")
    assert capsys.readouterr().err == ""


@pytest.mark.skipif(numba.config.DISABLE_JIT, reason="no numba cache files without the JIT")
def test_the_compiled_backend_finds_numbas_cache_index_of_its_fused_loop():
    lif, _ = _recurrent_net(n=4)
    lif.run(RunSteps(2), Loihi1SimCfg(backend="compiled"))
    try:
        index = progress._cache_index(lif.runtime.backend.fused)
        assert index is not None and index.endswith(".nbi")
        assert __import__("os").path.exists(index)
    finally:
        lif.stop()


def test_importing_and_running_installs_no_logging_handler():
    code = textwrap.dedent("""
        import logging
        import neuroproc
        from neuroproc.proc.lif.process import LIF
        lif = LIF(shape=(2,), bias_mant=0.5, vth=1.0)
        lif.run(neuroproc.RunSteps(3), neuroproc.Loihi1SimCfg(backend="python"))
        lif.stop()
        names = [n for n in logging.root.manager.loggerDict if n.startswith("neuroproc")]
        print(sum(len(logging.getLogger(n).handlers) for n in names), len(logging.root.handlers))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "0"]


def test_set_progress_checks_its_arguments():
    assert set_progress(False) == "auto" or progress_settings()["mode"] == "off"
    assert set_progress(True) is False
    assert set_progress(None) is True and progress_settings()["mode"] == "auto"
    with pytest.raises(ValidationError, match=r"set_progress: mode must be 'auto', True or False "
                                              r"\(got 'sometimes'\)"):
        set_progress("sometimes")
    with pytest.raises(ValidationError, match=r"set_progress: delay must be a number of seconds "
                                              r">= 0 \(got -1\)"):
        set_progress("auto", delay=-1)
