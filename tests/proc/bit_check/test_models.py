"""BitCheck flags a watched Var that needs more signed bits than allowed (expectations from the
input's running sum, computed with numpy)."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import Loihi1SimCfg, RunSteps, ValidationError
from neuroproc.proc import io
from neuroproc.proc.bit_check.process import BitCheck
from neuroproc.proc.sdn.process import Sigma


def _signed_bits(x: np.ndarray) -> int:
    """Smallest b with every value in [-2**(b-1), 2**(b-1) - 1]."""
    b = 1
    while x.max() > (1 << (b - 1)) - 1 or x.min() < -(1 << (b - 1)):
        b += 1
    return b


def _run(data: np.ndarray, bits: int, whole_var: bool) -> tuple[np.ndarray, np.ndarray]:
    n, steps = data.shape
    src = io.source.RingBuffer(data=data)
    sigma = Sigma(shape=(n,))
    src.s_out.connect(sigma.a_in)
    check = BitCheck(layerid=3, bits=bits)
    if whole_var:
        check.connect_var(sigma.sigma)
    else:
        check.state.connect_var(sigma.sigma)
    try:
        sigma.run(RunSteps(steps), Loihi1SimCfg(select_tag="fixed_pt"))
        return check.overflowed, check.bits.get()
    finally:
        sigma.stop()


@pytest.mark.parametrize("offset", [-1, 0])
def test_flags_exactly_when_the_running_sum_needs_more_bits(offset):
    rng = np.random.default_rng(5)
    data = rng.integers(-300, 400, (1, 40))
    needed = _signed_bits(np.cumsum(data))
    overflowed, bits = _run(data, needed + offset, whole_var=False)
    assert int(np.asarray(overflowed).ravel()[0]) == (1 if offset < 0 else 0)
    assert bits.tolist() == [needed + offset]


def test_connect_var_watches_a_population():
    data = np.zeros((3, 10), int)
    data[1, :] = 100  # only neuron 1 grows: 1000 needs 11 bits
    overflowed, bits = _run(data, 10, whole_var=True)
    assert np.asarray(overflowed).tolist() == [1]
    assert bits.tolist() == [10]


@pytest.mark.parametrize("bits", [0, 32, 2.5])
def test_bits_out_of_range_are_refused(bits):
    with pytest.raises(ValidationError, match="bits must be an int in 1..31"):
        BitCheck(bits=bits)


def test_shape_is_the_watched_vars_not_the_argument():
    check = BitCheck(shape=(2, 3), bits=12)
    assert check.shape == (1,)
    check.connect_var(Sigma(shape=(4,)).sigma)
    assert check.shape == (4,)
