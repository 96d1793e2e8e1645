"""The optional Brian2 baseline (benchmarks/baselines/brian2_runner.py) and its harness rows.

Brian2 is not a dependency: without it these tests check that everything is skipped cleanly
(one line, no error); the tests that run Brian2 are skipped then. With Brian2 importable they
check that it fires exactly the spikes of the hand-written numba loop on tiny networks.
"""
from __future__ import annotations

import argparse
import sys

import numpy as np
import pytest
import scipy.sparse as sp

from benchmarks.baselines import brian2_runner as b2r
from benchmarks.baselines import networks as nets
from benchmarks.baselines.runners import run_numba

BRIAN2_MISSING = b2r.brian2_missing()
needs_brian2 = pytest.mark.skipif(BRIAN2_MISSING is not None, reason=str(BRIAN2_MISSING))


@pytest.fixture
def no_brian2(monkeypatch):
    """Make ``import brian2`` fail as if it were not installed."""
    monkeypatch.setitem(sys.modules, "brian2", None)


@pytest.fixture
def harness():
    import benchmarks._harness as h  # puts benchmarks/ on sys.path for its own imports

    h._brian2_note_printed = False
    return h


def tiny(kind: str = "sparse") -> dict:
    """20 LIF, 30 % connectivity, strong enough coupling that the recurrence matters: 166 spikes
    in 50 steps (44 with the weights set to zero)."""
    net = nets.sparse_lif_network(20, 0.3, 1, name="tiny", scale_to_in_degree=20,
                                  **nets.CUBA_PARAMS)
    if kind == "dense":
        net = dict(net, kind="dense", W=np.ascontiguousarray(net["W"].toarray()))
    return net


# ---------------------------------------------------------------------------------------------
# Without Brian2
# ---------------------------------------------------------------------------------------------

def test_missing_brian2_is_reported_in_one_line(no_brian2):
    assert b2r.brian2_missing() == "Brian2 is not installed"


def test_a_brian2_that_fails_to_import_is_reported_too(tmp_path, monkeypatch, harness, capsys):
    """E.g. Brian2 2.9 with numpy 2.4: ``AttributeError`` at import, not ``ImportError``."""
    (tmp_path / "brian2").mkdir()
    (tmp_path / "brian2" / "__init__.py").write_text("raise AttributeError('no ptp')\n")
    monkeypatch.delitem(sys.modules, "brian2", raising=False)
    monkeypatch.syspath_prepend(str(tmp_path))
    reason = "Brian2 cannot be imported (AttributeError: no ptp)"
    assert b2r.brian2_missing() == reason
    assert harness._brian2(tiny(), 5, ("cython",), ref_spikes=0) == ([], {"skipped": reason})
    assert capsys.readouterr().out == f"{reason}: no Brian2 rows.\n"


def test_run_brian2_without_brian2_raises_a_helpful_error(no_brian2):
    with pytest.raises(RuntimeError,
                       match=r"run_brian2: Brian2 is not installed\. Brian2 is optional"):
        b2r.run_brian2(tiny(), 5)


def test_run_brian2_rejects_unknown_target():
    with pytest.raises(ValueError, match=r"target must be one of .* \(got 'numpy'\)"):
        b2r.run_brian2(tiny(), 5, target="numpy")


def test_harness_skips_brian2_rows_with_one_line(no_brian2, harness, capsys):
    for _ in range(2):  # a bench script compares several networks: the note is printed once
        rows, info = harness._brian2(tiny(), 5, ("cython", "cpp_standalone"), ref_spikes=0)
        assert rows == [] and info == {"skipped": "Brian2 is not installed"}
    out, err = capsys.readouterr()
    assert out.splitlines() == ["Brian2 is not installed: no Brian2 rows (pip install brian2 to "
                                "add them)."]
    assert err == ""


def test_harness_brian2_none_does_not_import_brian2(harness, monkeypatch, capsys):
    monkeypatch.setattr(harness, "brian2_missing", lambda: pytest.fail("brian2 was probed"))
    assert harness._brian2(tiny(), 5, (), ref_spikes=0) == ([], {"skipped": "not requested "
                                                                  "(--brian2 none)"})
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("spec, targets", [
    ("cython", ("cython",)),
    ("all", ("cython", "cpp_standalone")),
    ("cpp_standalone, cython", ("cpp_standalone", "cython")),
    ("none", ()), ("", ()), (None, ()), (("cython",), ("cython",)),
])
def test_brian2_option_values(harness, spec, targets):
    assert harness.brian2_targets(spec) == targets


def test_brian2_option_rejects_unknown_targets(harness, capsys):
    ap = argparse.ArgumentParser()
    harness.add_brian2_option(ap)
    assert ap.parse_args([]).brian2 == ("cython",)
    assert ap.parse_args(["--brian2", "all"]).brian2 == b2r.TARGETS
    with pytest.raises(SystemExit):
        ap.parse_args(["--brian2", "genn"])
    assert "--brian2 must list targets among cython, cpp_standalone" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["sparse", "dense"])
def test_synapse_arrays_are_pre_major_and_rebuild_w(kind):
    net = tiny(kind)
    pre, post, w = b2r.synapse_arrays(net)
    key = pre * net["n"] + post
    assert np.all(np.diff(key) > 0)  # ascending pre, then ascending post, no duplicates
    assert np.all(w != 0)
    W = sp.csr_matrix((w, (post, pre)), shape=(net["n"],) * 2).toarray()
    dense_w = net["W"].toarray() if sp.issparse(net["W"]) else net["W"]
    assert np.array_equal(W, dense_w)


# ---------------------------------------------------------------------------------------------
# With Brian2 (skipped when it is not importable)
# ---------------------------------------------------------------------------------------------

@needs_brian2
@pytest.mark.parametrize("target", b2r.TARGETS)
@pytest.mark.parametrize("kind", ["sparse", "dense"])
def test_brian2_fires_the_spikes_of_the_numba_loop(target, kind):
    net = tiny(kind)
    expected, _ = run_numba(net, 50)
    assert expected == 166
    r = b2r.run_brian2(net, 50, target, repeat=1)
    assert r["spikes"] == expected
    assert r["target"] == target and r["synapses"] == int(np.count_nonzero(net["W"].toarray()
                                                                           if kind == "sparse"
                                                                           else net["W"]))
    assert r["us_per_step"] > 0 and r["compile_s"] > 0


@needs_brian2
def test_harness_adds_flagged_brian2_rows(harness, capsys):
    net = tiny()
    rows, info = harness._brian2(net, 50, ("cython",), ref_spikes=166)
    assert [r["implementation"] for r in rows] == ["brian2 cython"]
    assert rows[0]["spikes_agree"] and info["spike_counts_agree"]
    rows, info = harness._brian2(net, 50, ("cython",), ref_spikes=160)
    assert rows[0]["implementation"] == "brian2 cython [SPIKES DIFFER: +6]"
    assert not info["spike_counts_agree"]
    assert "Brian2 spike counts differ" in capsys.readouterr().err
