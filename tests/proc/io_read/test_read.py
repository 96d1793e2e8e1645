"""io.sink.Read records a Var through a RefPort on the steps its interval and offset select; the
values equal a Monitor's recording of the same Var."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import Loihi2SimCfg, Monitor, RunSteps, ValidationError
from neuroproc.proc import io
from neuroproc.proc.io.sink import Read
from neuroproc.proc.lif.process import LIFReset


@pytest.mark.parametrize("tag, bias", [("floating_pt", 0.7), ("fixed_pt", 40)])
@pytest.mark.parametrize("interval, offset", [(1, 0), (3, 4)])
def test_read_equals_the_monitor_on_its_steps(tag, bias, interval, offset):
    steps = 24
    lif = LIFReset(3, bias_mant=[bias, 2 * bias, 3 * bias], vth=5, reset_interval=7)
    reads = steps // interval
    read = Read(buffer=reads, interval=interval, offset=offset)
    read.connect_var(lif.v)
    mon = Monitor()
    mon.probe(lif.v, steps)
    try:
        lif.run(RunSteps(steps), Loihi2SimCfg(select_tag=tag))
        got, every_step = read.data.get(), mon.get_data()[lif.name]["v"]
    finally:
        lif.stop()
    assert got.shape == (3, reads)
    picked = [t for t in range(1, steps + 1) if (t - 1) % interval == offset % interval][:reads]
    np.testing.assert_array_equal(got, every_step[np.array(picked) - 1].T)
    assert np.any(got != 0)


def test_bad_buffer_is_refused():
    with pytest.raises(ValidationError, match="Read.buffer must be an int >= 1"):
        Read(buffer=0)
