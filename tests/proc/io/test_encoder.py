"""DeltaEncoder: the delta dynamics and Lava's message formats (SPARSE, PACKED_4, DELTA_SPARSE_8)."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import Loihi2SimCfg, RunSteps
from neuroproc.exceptions import NeuroprocError
from neuroproc.proc.io import _compression as c
from neuroproc.proc.io import sink, source
from neuroproc.proc.io.encoder import (
    Compression,
    DeltaEncoder,
    PyDeltaEncoderModelDense,
    PyDeltaEncoderModelSparse,
)

STEPS = 30


def _expected(x: np.ndarray, vth: int, bits: int | None = None) -> np.ndarray:
    """The delta dynamics step by step, sent one step late (Lava's equations, per entry);
    ``bits``: the output is clipped to that many bits and the rest stays in the residue."""
    act = np.zeros(x.shape[0], np.int64)
    residue = np.zeros(x.shape[0], np.int64)
    out = np.zeros_like(x, dtype=np.int64)
    for t in range(x.shape[1] - 1):
        delta = x[:, t] - act + residue
        s = np.where(np.abs(delta) >= vth, delta, 0)
        if bits is not None:
            s = np.clip(s, -(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
        residue, act = delta - s, x[:, t]
        out[:, t + 1] = s
    return out


def _run(x: np.ndarray, vth: int, compression: Compression, tag: str, num_bits=None) -> np.ndarray:
    src = source.RingBuffer(data=x.astype(float))
    enc = DeltaEncoder(shape=(x.shape[0],), vth=vth, num_bits=num_bits, compression=compression)
    out = sink.RingBuffer(shape=(x.shape[0],), buffer=x.shape[1])
    src.s_out.connect(enc.a_in)
    enc.s_out.connect(out.a_in)
    model = PyDeltaEncoderModelSparse if tag == "sparse_out" else PyDeltaEncoderModelDense
    src.run(RunSteps(x.shape[1]), Loihi2SimCfg(exception_proc_model_map={DeltaEncoder: model},
                                               backend="python"))
    got = out.data.get()
    src.stop()
    return got


def _signal(n: int, scale: int, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = np.cumsum(rng.integers(-scale, scale + 1, (n, STEPS)), axis=1)
    x[:, 10:14] = 0  # a quiet stretch: empty messages
    return x


@pytest.mark.parametrize("compression", [Compression.SPARSE, Compression.PACKED_4,
                                         Compression.DELTA_SPARSE_8])
def test_sparse_formats_carry_the_delta_output(compression):
    x = _signal(300, 20)  # 300 entries: index gaps beyond one byte
    got = _run(x, 6, compression, "sparse_out", num_bits=8)
    expected = _expected(x, 6, bits=8)
    assert np.count_nonzero(expected) > 1000
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(got, _run(x, 6, Compression.DENSE, "dense_out", num_bits=8))


@pytest.mark.parametrize("compression", [Compression.PACKED_4, Compression.DELTA_SPARSE_8])
def test_eight_bit_formats_wrap_larger_values(compression):
    x = _signal(5, 300)
    got = _run(x, 1, compression, "sparse_out")
    expected = _expected(x, 1)
    assert np.abs(expected).max() > 127
    np.testing.assert_array_equal(got, (expected + 128) % 256 - 128)
    np.testing.assert_array_equal(_run(x, 1, Compression.SPARSE, "sparse_out"), expected)


def test_packed_4_words():
    # entry 4k + j in bits 8j..8j+7; padded to 8 entries; even words in data, odd in idx
    data, idx = c.encode_packed_4(np.array([1, -1, 2, 0, 0, 0, 0, 0, 3]))
    assert data.tolist() == [0x0002FF01, 3] and idx.tolist() == [0, 0]
    data, idx = c.encode_packed_4(np.array([0, 0, 0, -2]))
    assert data.tolist() == [0xFE000000 - (1 << 32)] and idx.tolist() == [0]


def test_delta_sparse_8_words():
    s = np.zeros(700, int)
    s[[2, 3, 600]] = [5, -3, 7]
    data, idx = c.encode_delta_sparse_8(s)
    # gaps 2, 0, then 596 = 2 * 255 (one marker, byte 2) + 86; bytes 5, 0xFD, 2, 7
    assert idx.tolist() == [0x56FF0002] and data.tolist() == [0x0702FD05]
    s = np.zeros(400, int)
    s[300] = 1
    data, idx = c.encode_delta_sparse_8(s)
    # a first index >= 255 starts from an empty pair at 0: gaps 0, marker (byte 1), 44
    assert idx.tolist() == [0 | 255 << 8 | 44 << 16] and data.tolist() == [0 | 1 << 8 | 1 << 16]
    assert c.encode_delta_sparse_8(np.zeros(9, int)) == (np.zeros(1), np.zeros(1))


@pytest.mark.parametrize("size, picks", [(10, [0, 9]), (256, [255]), (70_000, [3, 69_000]),
                                         (70_000, [66_000, 66_001, 69_999])])
def test_delta_sparse_8_round_trip(size, picks):
    s = np.zeros(size, int)
    s[picks] = np.arange(1, len(picks) + 1) * -7
    values, where = c.decode_delta_sparse_8(*c.encode_delta_sparse_8(s))
    assert where.tolist() == picks and values.tolist() == s[picks].tolist()


def test_each_model_names_the_tag_for_the_other_formats():
    with pytest.raises(NeuroprocError, match="select_tag='sparse_out'"):
        _run(np.ones((2, 3)), 1, Compression.SPARSE, "dense_out")
    with pytest.raises(NeuroprocError, match="select_tag='dense_out'"):
        _run(np.ones((2, 3)), 1, Compression.DENSE, "sparse_out")
