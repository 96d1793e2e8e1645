"""The fixed-point RingBuffer source refuses data it would truncate."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import Loihi1SimCfg, RunSteps, ValidationError
from neuroproc.proc import io


@pytest.mark.parametrize("backend", ["python", "compiled"])
def test_fractional_data_is_refused_by_the_fixed_model(backend):
    src = io.source.RingBuffer(data=np.array([[1.0, 2.7, 3.0]]), name="src")
    sink = io.sink.RingBuffer(shape=(1,), buffer=3)
    src.s_out.connect(sink.a_in)
    with pytest.raises(ValidationError, match=r"^src::RingBuffer\.data: PySendModelFixed sends int32 "
                                              r"messages and would truncate 2\.7.*floating_pt"):
        src.run(RunSteps(3), Loihi1SimCfg(select_tag="fixed_pt", backend=backend))
    src.stop()


@pytest.mark.parametrize("backend", ["python", "compiled"])
def test_whole_number_floats_and_the_float_model_send_the_values(backend):
    for tag, data, expected in (("fixed_pt", [[1.0, -2.0, 3.0]], [1, -2, 3]),
                                ("floating_pt", [[1.0, 2.7, 3.0]], [1.0, 2.7, 3.0])):
        src = io.source.RingBuffer(data=np.array(data))
        sink = io.sink.RingBuffer(shape=(1,), buffer=3)
        src.s_out.connect(sink.a_in)
        src.run(RunSteps(3), Loihi1SimCfg(select_tag=tag, backend=backend))
        np.testing.assert_array_equal(sink.data.get()[0], expected)
        src.stop()


def test_a_fractional_set_while_paused_is_refused():
    src = io.source.RingBuffer(data=np.array([[1, 2]]), name="src")
    sink = io.sink.RingBuffer(shape=(1,), buffer=4)
    src.s_out.connect(sink.a_in)
    src.run(RunSteps(1), Loihi1SimCfg(select_tag="fixed_pt"))
    with pytest.raises(ValidationError, match="would truncate 0.5"):
        src.data.set(np.array([[1.0, 0.5]]))
    src.stop()
