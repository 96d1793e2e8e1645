"""Every number the deployment tutorial shows, checked against an independent computation.

The notebook runs headless once; its namespace gives the reports, meters and Monitor data. The
expectations here come from the network's geometry (synapses, compartments, cores), from the
Monitor's spike counts (events), from a second implementation of the encoder, and from the
closed form of the queue under the cap.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from tests.test_deployment_traffic import _lindley

NOTEBOOK = Path(__file__).resolve().parents[1] / "tutorials" / "deployment.ipynb"
H2C, C2H = "host->core", "core->host"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ns(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("run_notebook", NOTEBOOK.parent / "run_notebook.py")
    runner = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(runner)
    return runner.run_notebook(NOTEBOOK, figures_dir=tmp_path_factory.mktemp("figures"))


def test_split_placement_precompute_and_round_trip(ns):
    rep = ns["reports"][False]
    where = {r.process.split("::")[0]: r.location for r in rep.processes}
    assert where == {"image": "host", "encoder": "host", "conv": "neuro-core", "conv_lif": "neuro-core",
                     "conv_out": "host", "pool": "neuro-core", "pool_lif": "neuro-core", "readout": "host",
                     "probe": "host"}
    assert rep.precomputable == ["image::RingBuffer", "encoder::SquareEncoder"]
    assert [(t.src, t.via, t.dst) for t in rep.round_trips] == [
        ("conv_lif::LIF", ("conv_out::Passthrough",), "pool::Sparse")]
    assert ns["reports"]["exact"].round_trips == []
    assert f"(+{2 * ns['LATENCY']} steps of link latency)" in str(rep)


def test_resource_table_is_the_geometry(ns):
    h, w = ns["H"], ns["W"]
    rows = ns["rows"]
    taps_per_axis = [sum(1 for i in range(n) for d in (-1, 0, 1) if 0 <= i + d < n) for n in (h, w)]
    assert rows["conv"].synapses == taps_per_axis[0] * taps_per_axis[1] == 484
    assert (rows["pool"].synapses, rows["pool"].max_fan_in) == (h * w, 4)
    assert (rows["conv_lif"].compartments, rows["pool_lif"].compartments) == (h * w, h * w // 4)
    assert ns["reports"]["exact"].total_cores == 2


def test_large_layer_cores_and_what_does_not_fit(ns):
    side = ns["SIDE"]
    # Loihi 1: compartments decide; Loihi 2: one core would need side^2 > 4096 input axons, two
    # cores of side/2 image rows need side/2 + 1 rows of inputs each
    assert side * side > 4096 and (side // 2 + 1) * side <= 4096
    assert ns["big_cores"] == {"Loihi1": -(-side * side // 1024), "Loihi2": 2}
    problems = ns["too_wide"].fit_problems()
    assert problems == [f"readout_lif::LIF does not fit on Loihi2 neuro-cores: {side * side} input axons, but a "
                        "Loihi2 core has 4096 and no split of its 10 compartments over cores brings a core under that"]


def test_fold_report(ns):
    fold = ns["reports"]["exact"].fold
    assert [(s, k, p) for s, k, p, _ in fold.rows()] == [("folded", "identity", "conv_out::Passthrough")]
    n, m = ns["H"] * ns["W"], ns["pool_w"].shape[0]
    assert ns["reports"][False].events_per_step() == {H2C: 2 * n, C2H: 2 * n + 2 * m}
    assert ns["reports"]["exact"].events_per_step() == {H2C: n, C2H: n + 2 * m}


def test_encoder_spikes_equal_a_second_implementation(ns):
    x2 = ns["intensity"].reshape(-1) ** 2
    acc = np.zeros_like(x2)
    counts = []
    for _ in range(ns["STEPS"]):
        acc = acc + x2
        fired = acc >= 1.0
        acc[fired] -= 1.0
        counts.append(int(fired.sum()))
    np.testing.assert_array_equal(ns["spikes"]["encoder"], counts)


@pytest.mark.parametrize("fold", [False, "exact"])
def test_measured_events_bytes_and_queue(ns, fold):
    ev, sp = ns["ev"][fold], ns["spikes"]
    assert ns["same"]
    to_chip = sp["encoder"] + (0 if fold else sp["conv_lif"])
    to_host = sp["conv_lif"] * (1 if fold else 2) + 2 * sp["pool_lif"]
    np.testing.assert_array_equal(ev[H2C].events, to_chip)
    np.testing.assert_array_equal(ev[C2H].events, to_host)
    np.testing.assert_array_equal(ev[H2C].bytes, 4 * to_chip)
    n, m = ns["H"] * ns["W"], ns["pool_w"].shape[0]
    assert (ev[H2C].dense_bytes == 8 * n * (1 if fold else 2)).all()
    assert (ev[C2H].dense_bytes == 8 * (n * (1 if fold else 2) + 2 * m)).all()
    for b in ev.values():
        assert b.steps_over_cap == int((b.events > ns["CAP"]).sum())
        np.testing.assert_array_equal(b.backlog, _lindley(b.events.tolist(), ns["CAP"]))
        assert b.arrival_steps[0] == 1 + ns["LATENCY"]
    assert ns["check_in"] and ns["check_out"]
    assert ns["removed"] == {H2C: int(sp["conv_lif"].sum()), C2H: int(sp["conv_lif"].sum())}
