"""Boundary traffic as spike events: measured by the meter, predicted by the report, checked
against the spikes a Monitor recorded and against a closed form of the queue under a cap."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import RunSteps, ValidationError, count_traffic, deployment_report
from neuroproc.report import CORE_TO_HOST, HOST_TO_CORE
from tests.test_deployment import STEPS, H, W, _cfg, _seed_net

CAP = 12
LATENCY = 2


def _lindley(events, cap):
    """Events still waiting after each step when at most ``cap`` leave per step: the closed form
    max(0, max over s <= t of sum(events[s..t]) - cap * (t - s + 1))."""
    c = np.concatenate([[0], np.cumsum(events)])
    out = []
    for t in range(len(events)):
        s = np.arange(t + 1)
        out.append(max(0, int(((c[t + 1] - c[s]) - cap * (t + 1 - s)).max())))
    return np.array(out)


@pytest.fixture(scope="module", params=[False, "exact"], ids=["unfolded", "folded"])
def run(request):
    fold = request.param
    p = _seed_net()
    rep = deployment_report(p["image"], _cfg(fold), target="Loihi2", latency_steps=LATENCY,
                            max_events_per_step=CAP)
    meter = rep.attach(p["image"])
    p["image"].run(RunSteps(STEPS))
    data = p["probe"].get_data()
    p["image"].stop()
    spikes = {k: np.count_nonzero(data[k]["s_out"], axis=1) for k in ("encoder", "conv_lif", "pool_lif")}
    return fold, rep, meter, spikes


def test_measured_events_are_the_monitored_spikes(run):
    fold, rep, meter, spikes = run
    assert all(v.sum() > 0 for v in spikes.values())  # every layer spikes, so the counts can differ
    b = meter.boundary_events()
    # host -> chip: the encoder's spikes (and, unfolded, conv_lif's spikes sent back by the host passthrough)
    to_chip = spikes["encoder"] + (0 if fold else spikes["conv_lif"])
    # chip -> host: conv_lif to the probe (and to the passthrough), pool_lif to the readout and the probe
    to_host = spikes["conv_lif"] * (1 if fold else 2) + 2 * spikes["pool_lif"]
    np.testing.assert_array_equal(b[HOST_TO_CORE].events, to_chip)
    np.testing.assert_array_equal(b[CORE_TO_HOST].events, to_host)
    # binary spikes: 4 bytes (a 32-bit message) each; the dense arrays are float64 vectors every step
    np.testing.assert_array_equal(b[HOST_TO_CORE].bytes, 4 * to_chip)
    np.testing.assert_array_equal(b[CORE_TO_HOST].bytes, 4 * to_host)
    n, m = H * W, (H // 2) * (W // 2)
    dense_to_chip = 8 * n * (1 if fold else 2)
    dense_to_host = 8 * (n * (1 if fold else 2) + 2 * m)
    assert (b[HOST_TO_CORE].dense_bytes == dense_to_chip).all() and (b[CORE_TO_HOST].dense_bytes == dense_to_host).all()
    assert rep.bytes_per_step() == {HOST_TO_CORE: dense_to_chip, CORE_TO_HOST: dense_to_host}
    np.testing.assert_array_equal(b[HOST_TO_CORE].arrival_steps, np.arange(1, STEPS + 1) + LATENCY)


def test_predicted_worst_case_bounds_the_measured_events(run):
    fold, rep, meter, spikes = run
    n, m = H * W, (H // 2) * (W // 2)
    predicted = {HOST_TO_CORE: n * (1 if fold else 2), CORE_TO_HOST: n * (1 if fold else 2) + 2 * m}
    assert rep.events_per_step() == predicted
    assert rep.event_bytes_per_step() == {d: 4 * v for d, v in predicted.items()}
    for d, b in meter.boundary_events().items():
        assert b.events.max() <= predicted[d]
    text = meter.compare()
    assert f"cap {CAP} events/step, latency {LATENCY} steps" in text.splitlines()[0]
    line = next(x for x in text.splitlines() if x.startswith(CORE_TO_HOST)).split()
    b = meter.boundary_events()[CORE_TO_HOST]
    assert line[1:5] == [str(predicted[CORE_TO_HOST]), f"{b.events.mean():.2f}", str(b.events.max()),
                         str(4 * predicted[CORE_TO_HOST])]


def test_steps_over_the_cap_and_the_queue(run):
    fold, rep, meter, spikes = run
    assert meter.boundary_events()[CORE_TO_HOST].steps_over_cap > 0  # the cap binds: the queue is exercised
    for d, b in meter.boundary_events().items():
        assert b.cap == CAP
        assert b.steps_over_cap == int((b.events > CAP).sum())
        np.testing.assert_array_equal(b.backlog, _lindley(b.events.tolist(), CAP))
    # without a cap nothing waits
    free = meter.boundary_events(max_events_per_step=None)[CORE_TO_HOST]
    assert free.steps_over_cap == 0 and not free.backlog.any()
    # folding removes the passthrough's two crossings: fewer events both ways, every step
    assert (rep.round_trips == []) == bool(fold)


def test_folding_reduces_the_boundary_traffic():
    totals = {}
    for fold in (False, "exact"):
        p = _seed_net()
        meter = count_traffic(p["image"], _cfg(fold), chip="Loihi2")
        p["image"].run(RunSteps(STEPS))
        conv_spikes = np.count_nonzero(p["probe"].get_data()["conv_lif"]["s_out"])
        totals[fold] = ({d: int(b.events.sum()) for d, b in meter.boundary_events().items()}, conv_spikes)
        p["image"].stop()
    (unfolded, spikes_u), (folded, spikes_f) = totals[False], totals["exact"]
    assert spikes_u == spikes_f > 0  # folding changes no spike
    # exactly conv_lif's spikes leave the chip once and come back once less
    assert unfolded[HOST_TO_CORE] - folded[HOST_TO_CORE] == spikes_u
    assert unfolded[CORE_TO_HOST] - folded[CORE_TO_HOST] == spikes_u


def test_cap_and_latency_are_checked():
    p = _seed_net()
    with pytest.raises(ValidationError, match=r"max_events_per_step must be None or an int >= 1 \(got 0\)"):
        deployment_report(p["image"], _cfg("exact"), target="Loihi2", max_events_per_step=0)
    rep = deployment_report(p["image"], _cfg("exact"), target="Loihi2", max_events_per_step=10)
    assert "(exceeds the cap)" in str(rep)  # 36 + 18 events may cross per step, the link takes 10
