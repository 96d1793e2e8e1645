"""Monitor: several probes, Var timing (end of step), port probes, overflow, plot."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import Loihi1SimCfg, Monitor, RunSteps, SimulationError, ValidationError
from tests.nets import Counter, Relay


def test_one_monitor_many_targets():
    src, relay = Counter(shape=(2,), scale=3.0), Relay(shape=(2,), recv_first=False)
    src.s_out.connect(relay.a_in)
    mon = Monitor()
    mon.probe(src.count, 4)
    mon.probe(relay.value, 4)
    mon.probe(relay.s_out, 4)
    relay.run(condition=RunSteps(4), run_cfg=Loihi1SimCfg())
    data = mon.get_data()
    relay.stop()
    np.testing.assert_array_equal(data[src.name]["count"][:, 0], [3, 6, 9, 12])
    # Var probes read at the end of the step: the relay holds this step's input
    np.testing.assert_array_equal(data[relay.name]["value"][:, 1], [3, 6, 9, 12])
    # the port probe sees what was sent during the step: last step's value
    np.testing.assert_array_equal(data[relay.name]["s_out"][:, 1], [0, 3, 6, 9])
    assert data[relay.name]["value"].dtype == np.float64


def test_running_past_num_steps_is_an_error_not_a_silent_loss():
    src = Counter()
    mon = Monitor()
    mon.probe(src.count, 2)
    with pytest.raises(SimulationError, match=r"holds 2 steps; time step 3 does not fit"):
        src.run(condition=RunSteps(3), run_cfg=Loihi1SimCfg())


def test_probe_errors_and_plot():
    mon = Monitor(name="m")
    with pytest.raises(ValidationError, match="target must be a Var or an OutPort"):
        mon.probe(42, 3)
    with pytest.raises(TypeError, match="target must be a Var or an OutPort"):  # as Lava raises
        mon.probe(Relay(shape=(2,)).a_in, 3)
    src = Counter()
    mon.probe(src.count, 3)
    src.run(condition=RunSteps(3), run_cfg=Loihi1SimCfg())
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # here, not at collection: pyplot takes seconds to import

    fig, ax = plt.subplots()
    lines = mon.plot(ax, src.count)
    np.testing.assert_array_equal(lines[0].get_ydata(), [1, 2, 3])
    plt.close(fig)
    src.stop()
