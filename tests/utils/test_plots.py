"""Tests for neuroproc.utils.plots: the drawn data, not the pixels (headless, Agg)."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from neuroproc.utils.plots import (
    plot_activation_hist,
    plot_auto_covariance,
    plot_rates,
    plot_traces,
    raster_plot,
)

SPIKES = np.array([
    [0, 1, 0, 0, 1],
    [1, 0, 0, 0, 0],
    [0, 0, 0, 0, 0],
    [1, 1, 1, 0, 0],
])
# (time step, neuron) of every spike in SPIKES, written out by hand.
POINTS = {(1, 0), (4, 0), (0, 1), (0, 3), (1, 3), (2, 3)}


@pytest.fixture(autouse=True)
def plt():
    # pyplot is imported by the tests that run, not at collection (it takes ~0.7 s of CPU)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as pyplot

    yield pyplot
    pyplot.close("all")


def drawn_points(ax):
    return {(int(x), int(y)) for line in ax.lines for x, y in line.get_xydata()}


def test_raster_plot_puts_every_spike_at_its_step_and_neuron():
    fig = raster_plot(SPIKES)
    from matplotlib.figure import Figure

    assert isinstance(fig, Figure) and len(fig.axes) == 1
    ax = fig.axes[0]
    assert drawn_points(ax) == POINTS
    assert len(ax.lines[0].get_xdata()) == len(POINTS)
    assert ax.get_xlim() == (-1.0, 5.0)
    assert ax.get_xlabel() == "Time step" and ax.get_ylabel() == "Neuron"


def test_raster_plot_stride_keeps_neuron_indices():
    fig = raster_plot(SPIKES, stride=3)  # neurons 0 and 3
    assert drawn_points(fig.axes[0]) == {(1, 0), (4, 0), (0, 3), (1, 3), (2, 3)}


def test_raster_plot_overlays_on_given_figure():
    first = raster_plot(SPIKES, color="orange", alpha=0.3)
    second_spikes = np.zeros_like(SPIKES)
    second_spikes[2, 3] = 1
    again = raster_plot(second_spikes, fig=first, color="b", alpha=0.3, marker="o")
    assert again is first and len(first.axes) == 1
    first_line, second_line = first.axes[0].lines
    from matplotlib.colors import to_rgba

    assert to_rgba(first_line.get_color()) == to_rgba("orange")
    assert to_rgba(second_line.get_color()) == to_rgba("b")
    assert second_line.get_alpha() == 0.3 and second_line.get_marker() == "o"
    np.testing.assert_array_equal(second_line.get_xydata(), [[3, 2]])


def test_raster_plot_into_given_axes_and_empty_figure(plt):
    fig, (ax1, ax2) = plt.subplots(1, 2)
    assert raster_plot(SPIKES, ax=ax2) is fig
    assert not ax1.lines and drawn_points(ax2) == POINTS
    empty = plt.figure()
    raster_plot(SPIKES, fig=empty)
    assert len(empty.axes) == 1


def test_raster_plot_takes_monitor_layout_by_time_axis_or_from_get_data():
    from neuroproc import Loihi1SimCfg, Monitor, RunSteps
    from neuroproc.proc.lif.process import LIF

    monitor_layout = SPIKES.T  # (num_steps, num_neurons), as a Monitor records
    assert drawn_points(raster_plot(monitor_layout, time_axis=0).axes[0]) == POINTS
    assert drawn_points(raster_plot({"lif": {"s_out": monitor_layout}}).axes[0]) == POINTS
    assert drawn_points(raster_plot({"s_out": monitor_layout}).axes[0]) == POINTS
    # a real Monitor, probing the spikes of 3 LIF neurons of which only neuron 1 is driven
    lif = LIF(shape=(3,), bias_mant=np.array([0.0, 0.6, 0.0]), vth=1.0, du=0.0, dv=0.0)
    mon = Monitor()
    mon.probe(lif.s_out, 6)
    lif.run(RunSteps(6), Loihi1SimCfg())
    try:
        data = mon.get_data()
        recorded = data[lif.name]["s_out"]
        spiking = {(t, n) for t, n in zip(*np.nonzero(recorded))}
        assert spiking and {n for _, n in spiking} == {1}
        assert drawn_points(raster_plot(data).axes[0]) == spiking
        assert drawn_points(raster_plot(mon).axes[0]) == spiking
    finally:
        lif.stop()


def test_raster_plot_refuses_ambiguous_monitor_data_and_bad_time_axis():
    two = {"lif": {"s_out": SPIKES.T, "v": SPIKES.T}}
    with pytest.raises(ValueError, match=r"raster_plot: the Monitor data holds 2 recordings "
                                         r"\(got data\['lif'\]\['s_out'\], data\['lif'\]\['v'\]\)"
                                         r"\. Pass one of them"):
        raster_plot(two)
    with pytest.raises(ValueError, match=r"raster_plot: time_axis must be 0 .* \(got 2\)"):
        raster_plot(SPIKES, time_axis=2)
    with pytest.raises(ValueError, match=r"shape \(num_steps, num_neurons\) \(got shape "
                                         r"\(2, 3, 4\)\)"):
        raster_plot(np.zeros((2, 3, 4)), time_axis=0)


def test_raster_plot_errors():
    with pytest.raises(ValueError, match=r"raster_plot: spikes must be a 2-D array .*"
                                         r"\(got shape \(5,\)\)"):
        raster_plot(np.zeros(5))
    with pytest.raises(ValueError, match=r"raster_plot: stride must be an int >= 1 \(got 0\)"):
        raster_plot(SPIKES, stride=0)


def test_plot_traces_selected_neurons():
    data = np.arange(12.0).reshape(4, 3)  # (num_steps=4, num_neurons=3)
    ax = plot_traces(data, neurons=[0, 2], ylabel="v", title="Voltage")
    from matplotlib.axes import Axes

    assert isinstance(ax, Axes) and len(ax.lines) == 2
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [0, 1, 2, 3])
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [0, 3, 6, 9])
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), [2, 5, 8, 11])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["neuron 0", "neuron 2"]
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("Time step", "v", "Voltage")


def test_plot_traces_defaults_1d_and_many_neurons():
    assert len(plot_traces(np.zeros((5, 3))).lines) == 3
    ax = plot_traces(np.array([1.0, 2.0]))
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [1, 2])
    many = plot_traces(np.zeros((4, 12)))
    assert len(many.lines) == 12 and many.get_legend() is None


def test_plot_traces_rejects_bad_neuron_index():
    with pytest.raises(ValueError, match=r"neurons must index the 3 columns of data "
                                         r"\(got \[5\]\).*data\.T"):
        plot_traces(np.zeros((4, 3)), neurons=[0, 5])


def test_plot_rates_values_window_and_mean():
    ax = plot_rates(SPIKES, label="LIF", title="Mean rate")
    # per-step mean over the 4 neurons, by hand: [2, 2, 1, 0, 1] / 4
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [0.5, 0.5, 0.25, 0, 0.25])
    assert ax.get_legend().get_texts()[0].get_text() == "LIF"
    ax2 = plot_rates(SPIKES, window=2, offset=1, subtract_mean=True)
    # window-2 counts summed over neurons: [2, 4, 3, 1, 1] -> / 8; mean 11/40
    full = np.array([2, 4, 3, 1, 1]) / 8 - 11 / 40
    np.testing.assert_array_equal(ax2.lines[0].get_xdata(), [1, 2, 3])
    np.testing.assert_allclose(ax2.lines[0].get_ydata(), full[1:4], atol=1e-15)
    with pytest.raises(ValueError, match=r"plot_rates: offset must be an int >= 0"):
        plot_rates(SPIKES, offset=3)


def test_plot_auto_covariance_two_curves_on_one_axes():
    ax = plot_auto_covariance([-1, 0, 1], [0.2, 1.0, 0.2], label="float")
    assert plot_auto_covariance([-1, 0, 1], [0.1, 0.9, 0.1], ax=ax, label="fixed") is ax
    assert len(ax.lines) == 2
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), [0.1, 0.9, 0.1])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["float", "fixed"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("Lag", "Covariance")
    with pytest.raises(ValueError, match="lags and acf must be 1-D of equal length"):
        plot_auto_covariance([0, 1], [1.0])


def test_plot_activation_hist_three_density_histograms():
    exc = np.array([1.0, 2.0, 2.0, 3.0])
    inh = np.array([-2.0, -1.0, -1.0, -1.0])
    total = exc + inh
    ax = plot_activation_hist(exc, inh, total, bins=4)
    assert len(ax.containers) == 3 and len(ax.patches) == 12
    for container in ax.containers:
        area = sum(p.get_height() * p.get_width() for p in container.patches)
        assert area == pytest.approx(1.0)
    # inh: 3 of 4 values in the last of 4 bins over [-2, -1], each 0.25 wide -> density 3
    assert [p.get_height() for p in ax.containers[1].patches] == pytest.approx([1, 0, 0, 3])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["E", "I", "Total"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("Activation", "Density")
    with pytest.raises(ValueError, match=r"bins must be an int >= 1 \(got 0\)"):
        plot_activation_hist(exc, inh, total, bins=0)


def test_importing_plots_does_not_import_pyplot():
    code = ("import sys, neuroproc.utils.plots; "
            "sys.exit('matplotlib.pyplot' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_raster_plot_figsize_sizes_a_new_figure_only(plt):
    assert tuple(raster_plot(SPIKES, figsize=(4, 2)).get_size_inches()) == (4.0, 2.0)
    fig = plt.figure()
    with pytest.raises(ValueError, match=r"raster_plot: figsize sizes a new figure \(got figsize "
                                         r"and fig\)\. Pass one of them\."):
        raster_plot(SPIKES, fig=fig, figsize=(4, 2))
