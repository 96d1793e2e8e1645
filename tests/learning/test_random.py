"""The numba PCG64 streams equal numpy's generators draw for draw (the bit-approximate model's
random numbers on both backends)."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc.learning._pcg import export_state, import_state, next_double, next_int_pow2
from neuroproc.learning.random import ConnVarRandom, TraceRandom, stream_state


@pytest.mark.parametrize("seed", [0, 1, 7, 2 ** 31 - 1])
def test_streams_equal_numpy(seed):
    st = export_state(np.random.default_rng(seed))
    ref = np.random.default_rng(seed)
    assert [next_double(st) for _ in range(500)] == list(ref.random(500))
    st = export_state(np.random.default_rng(seed))
    ref = np.random.default_rng(seed)
    assert [next_int_pow2(st, 7) for _ in range(501)] == [ref.integers(0, 128, size=1, dtype=int)[0]
                                                          for _ in range(501)]


def test_state_round_trips_with_the_uint32_buffer():
    g = np.random.default_rng(5)
    g.integers(0, 128)  # leaves half a 64-bit draw buffered
    st = export_state(g)
    assert st[4] == 1
    ref = np.random.default_rng(5)
    ref.integers(0, 128)
    assert next_int_pow2(st, 7) == ref.integers(0, 128)
    g2 = np.random.default_rng(0)
    import_state(g2, st)
    assert g2.integers(0, 128) == ref.integers(0, 128)


def test_lava_holders_and_exported_streams():
    x, y, c = TraceRandom(3, 4), TraceRandom(5, 6), ConnVarRandom()
    states, values = stream_state(x, y, c)
    assert values[1] == x.random_impulse_addition and 0 <= values[0] < 1
    x.advance()
    c.advance()
    assert next_double(states[0]) == x.random_trace_decay
    assert next_int_pow2(states[1], 7) == x.random_impulse_addition
    assert next_double(states[4]) == c.random_stochastic_round
