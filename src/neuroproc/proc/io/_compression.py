"""The message formats of ``DeltaEncoder``'s sparse model (Lava's ``Compression`` modes).

Each encoder turns one step's output ``s`` (integers, any shape, read in flat C order) into the
two int32 arrays Lava's model sends as a sparse message, ``(data, idx)``; each decoder gives back
what a receiver unpacks: the non-zero values and their flat indices.

* ``SPARSE``: ``data`` the non-zero values, ``idx`` their flat indices (``[0], [0]`` if none).
* ``PACKED_4``: every entry's low byte, padded with zeros to a multiple of 8 entries, packed four
  to a 32-bit word, entry ``4k + j`` in bits ``8j .. 8j + 7``; ``data`` holds the even words,
  ``idx`` the odd ones. Values are 8-bit: a receiver reads each byte as a signed int8.
* ``DELTA_SPARSE_8``: the non-zero entries as (gap, byte) pairs, packed four to a word like
  ``PACKED_4`` (gaps in ``idx``, bytes in ``data``). The first gap is the first index; each later
  gap is ``index - previous index - 1``. A gap of 255 or more is preceded by marker pairs (gap
  byte 255) whose data bytes add up to ``gap // 255``, each counting 255 positions; the pair
  itself then carries ``gap % 255``. A first index of 255 or more starts from an extra empty
  pair at index 0 (Lava adds it only above 255, so there a first index of exactly 255 unpacks
  as 256).
"""
from __future__ import annotations

import numpy as np

__all__ = ["decode_delta_sparse_8", "decode_packed_4", "encode_delta_sparse_8", "encode_packed_4",
           "encode_sparse", "wrap_int8"]

_MARK = 0xFF


def wrap_int8(values: np.ndarray) -> np.ndarray:
    """``values`` as the signed bytes an 8-bit message carries (two's complement wrap)."""
    return ((np.asarray(values, np.int64) + 128) & 0xFF) - 128


def encode_sparse(s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    flat = np.asarray(s).ravel()
    idx = np.flatnonzero(flat)
    if idx.size == 0:
        return np.zeros(1, np.int32), np.zeros(1, np.int32)
    return flat[idx].astype(np.int32), idx.astype(np.int32)


def _pack_bytes(values: np.ndarray | list[int], multiple: int) -> np.ndarray:
    """Low bytes of ``values``, zero-padded to a multiple of ``multiple``, four to an int32 word."""
    size = -(-len(values) // multiple) * multiple
    b = np.zeros(size, np.uint32)
    b[:len(values)] = np.asarray(values, np.int64) & 0xFF
    words = b[0::4] | (b[1::4] << 8) | (b[2::4] << 16) | (b[3::4] << 24)
    return words.view(np.int32)


def _unpack_bytes(words: np.ndarray) -> np.ndarray:
    w = np.asarray(words).astype(np.int32).view(np.uint32)
    return np.stack([(w >> (8 * j)) & 0xFF for j in range(4)], axis=-1).ravel().astype(np.int64)


def encode_packed_4(s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    words = _pack_bytes(np.asarray(s).ravel(), 8)
    return words[0::2].copy(), words[1::2].copy()


def decode_packed_4(data: np.ndarray, idx: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The non-zero signed bytes of the first ``size`` entries, and their flat indices."""
    words = np.empty(2 * len(data), np.int32)
    words[0::2], words[1::2] = data, idx
    values = wrap_int8(_unpack_bytes(words)[:size])
    where = np.flatnonzero(values)
    return values[where], where


def encode_delta_sparse_8(s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    flat = np.asarray(s).ravel()
    where = np.flatnonzero(flat)
    if where.size == 0:
        where, values = np.zeros(1, np.int64), np.zeros(1, np.int64)
    else:
        values = flat[where].astype(np.int64)
    if where[0] >= _MARK:
        where = np.concatenate([[0], where])
        values = np.concatenate([[0], values])
    gaps = np.concatenate([where[:1], np.diff(where) - 1])
    out_gap: list[int] = []
    out_byte: list[int] = []
    for gap, value in zip(gaps.tolist(), values.tolist()):
        if gap >= _MARK:
            repeats = gap // _MARK  # markers whose bytes sum to this, at most 255 each
            full, rest = divmod(repeats, _MARK)
            out_gap += [_MARK] * (full + 1)
            out_byte += [_MARK] * full + [rest]
            gap %= _MARK
        out_gap.append(gap)
        out_byte.append(value)
    return _pack_bytes(out_byte, 4), _pack_bytes(out_gap, 4)


def decode_delta_sparse_8(data: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The non-zero signed bytes and their flat indices (padding pairs carry no data)."""
    values, where = [], []
    position, first = 0, True
    for gap, byte in zip(_unpack_bytes(idx).tolist(), _unpack_bytes(data).tolist()):
        if gap == _MARK:
            position += byte * _MARK
        else:
            position += gap + (0 if first else 1)
            if byte:
                values.append(byte)
                where.append(position)
        first = False
    return wrap_int8(np.array(values, np.int64)), np.array(where, np.int64)
