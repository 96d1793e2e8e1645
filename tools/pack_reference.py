"""Pack Lava's reference outputs losslessly into the compact files under ``reference/``.

Lava 0.10 wrote its outputs as plain ``.npz`` files (``../shared/reference`` in the layout the
project was developed with): spikes as ``uint8``, integer traces as ``int64`` in ``float64``
Monitor buffers, and so on -- 14 MB for the round-1 and round-2 cases. This tool rewrites each
file so that every array is stored in the smallest of a few exact encodings, and refuses to write
a file unless decoding it gives back the original arrays byte for byte (same keys in the same
order, same dtypes, shapes and bits, ``-0.0`` and NaN payloads included).

Encodings (chosen per array, the smallest that round-trips):

``raw``
    the array as it is (small arrays, strings, scalars);
``bits``
    only zeros and ones: ``np.packbits`` of the values;
``int``
    integral values that fit a narrower integer type: stored as that type;
``planes``
    the bytes of the (possibly narrowed) array, each row replaced by its difference from a
    prediction -- XOR with the row before it (``pred: xor``; consecutive time steps share sign,
    exponent and high bits), or the residual of a linear extrapolation ``2 x[t-1] - x[t-2]``
    (``pred: lin``; XOR of float bits, wrapping subtraction of integers) -- then split into
    byte planes and compressed with LZMA.

A packed file is an ordinary ``np.savez_compressed`` archive holding the encoded arrays under
their original keys plus ``__pack__``: a JSON header with the format version and, per key, its
encoding, dtype, shape and the SHA-256 of the original array (checked on every load). :func:`load_npz` reads packed and raw Lava files alike, so a folder of
raw Lava outputs (``$NEUROPROC_REFERENCE_DIR``) is read by the same code.

Usage::

    python tools/pack_reference.py SRC DST     # pack every *.npz of SRC (and SRC/r2) into DST
    python tools/pack_reference.py --check SRC DST   # verify DST against SRC, write nothing

Only numpy and the standard library are used, so tests and tutorials import this file directly.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import lzma
import shutil
import sys
from pathlib import Path
from typing import Any

import numpy as np

FORMAT = "neuroproc-reference-pack"
VERSION = 1
HEADER = "__pack__"
_SMALL = 64  # arrays with fewer elements stay raw: an encoding would cost more than it saves
_COPIED = ("cases.json", "README.md", "EI_CONVERSION.md")


# ------------------------------------------------------------------------------------------------
# encoding
# ------------------------------------------------------------------------------------------------

def _narrowest_int(a: np.ndarray) -> np.dtype | None:
    """The narrowest integer dtype that holds every value of ``a`` exactly, or None."""
    if a.dtype.kind not in "iuf" or a.size == 0:
        return None
    if a.dtype.kind == "f":
        if not np.all(np.isfinite(a)) or not np.all(a == np.round(a)):
            return None
    lo, hi = a.min(), a.max()
    for t in (np.int8, np.int16, np.int32, np.int64):
        info = np.iinfo(t)
        if info.min <= lo and hi <= info.max:
            return np.dtype(t)
    return None


def _rows(a: np.ndarray) -> np.ndarray:
    """``a`` as unsigned integers of its width, one row per index of the first axis."""
    return np.ascontiguousarray(a).view(f"<u{a.dtype.itemsize}").reshape(a.shape[0], -1)


def _linear_prediction(prev1: np.ndarray, prev2: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """``2 * prev1 - prev2`` as unsigned bits of ``dtype``: float arithmetic for floats (exact
    IEEE operations, so encoder and decoder agree), wrapping integer arithmetic otherwise."""
    if dtype.kind == "f":
        with np.errstate(all="ignore"):
            p = 2 * prev1.view(dtype) - prev2.view(dtype)
        return p.view(prev1.dtype)
    return 2 * prev1 - prev2  # unsigned: wraps exactly like two's complement


def _planes_encode(a: np.ndarray, pred: str) -> np.ndarray:
    u = _rows(a)
    if pred == "xor":  # each row XOR-ed with the row before it
        x = u.copy()
        x[1:] ^= u[:-1]
    else:  # "lin": the residual of a linear extrapolation from the two rows before
        p = np.zeros_like(u)
        p[1:2] = u[:1]
        p[2:] = _linear_prediction(u[1:-1], u[:-2], a.dtype)
        x = u ^ p if a.dtype.kind == "f" else u - p
    planes = x.view(np.uint8).reshape(-1, a.dtype.itemsize).T.copy()
    return np.frombuffer(lzma.compress(planes.tobytes(), preset=9), dtype=np.uint8)


def _planes_decode(payload: np.ndarray, dtype: np.dtype, shape: tuple[int, ...],
                   pred: str) -> np.ndarray:
    size = dtype.itemsize
    planes = np.frombuffer(lzma.decompress(payload.tobytes()), dtype=np.uint8)
    x = planes.reshape(size, -1).T.copy().view(f"<u{size}").reshape(shape[0], -1)
    if pred == "xor":  # row i was XOR-ed with row i-1: a running XOR down the rows restores them
        return np.bitwise_xor.accumulate(x, axis=0).view(dtype).reshape(shape)
    for i in range(1, x.shape[0]):  # each prediction needs the two rows restored before it
        p = x[0] if i == 1 else _linear_prediction(x[i - 1], x[i - 2], dtype)
        x[i] = x[i] ^ p if dtype.kind == "f" else x[i] + p
    return x.view(dtype).reshape(shape)


def _candidates(a: np.ndarray) -> list[tuple[dict, np.ndarray]]:
    """(header entry, stored array) for every encoding that applies to ``a``."""
    meta = {"dtype": a.dtype.str, "shape": list(a.shape)}
    out = [({**meta, "enc": "raw"}, a)]
    if a.size < _SMALL or a.dtype.kind not in "biuf":
        return out
    if np.all((a == 0) | (a == 1)):
        out.append(({**meta, "enc": "bits"}, np.packbits(a.reshape(-1).astype(np.uint8))))
    narrow = _narrowest_int(a)
    base = a
    if narrow is not None and narrow.itemsize <= a.dtype.itemsize:
        base = a.astype(narrow.newbyteorder("<"))
        out.append(({**meta, "enc": "int", "as": base.dtype.str}, base))
    if a.ndim >= 1 and a.shape[0] > 1 and base.dtype.kind in "iuf":
        for pred in ("xor", "lin"):
            entry = {**meta, "enc": "planes", "as": base.dtype.str, "pred": pred}
            out.append((entry, _planes_encode(base, pred)))
    return out


def decode(entry: dict, stored: np.ndarray) -> np.ndarray:
    """The original array from one header ``entry`` and the ``stored`` array."""
    dtype, shape = np.dtype(entry["dtype"]), tuple(entry["shape"])
    enc = entry["enc"]
    if enc == "raw":
        return stored
    if enc == "bits":
        n = int(np.prod(shape, dtype=np.int64))
        return np.unpackbits(stored, count=n).astype(dtype).reshape(shape)
    if enc == "int":
        return stored.astype(dtype).reshape(shape)
    if enc == "planes":
        return _planes_decode(stored, np.dtype(entry["as"]), shape,
                              entry.get("pred", "xor")).astype(dtype)
    raise ValueError(f"pack_reference: unknown encoding {enc!r} in a packed file. "
                     f"Update tools/pack_reference.py or re-pack the data.")


def identical(a: np.ndarray, b: np.ndarray) -> bool:
    """True when ``a`` and ``b`` have the same dtype, shape and bytes."""
    return (a.dtype == b.dtype and a.shape == b.shape
            and np.ascontiguousarray(a).tobytes() == np.ascontiguousarray(b).tobytes())


def digest(a: np.ndarray) -> str:
    """SHA-256 of an array's dtype, shape and bytes: recorded at packing, checked at loading."""
    h = hashlib.sha256(f"{a.dtype.str}{a.shape}".encode())
    h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()


def _stored_size(stored: np.ndarray) -> int:
    buf = io.BytesIO()
    np.savez_compressed(buf, x=stored)
    return buf.tell()


def encode(a: np.ndarray) -> tuple[dict, np.ndarray]:
    """The smallest exact encoding of ``a``: (header entry, array to store)."""
    best: tuple[int, dict, np.ndarray] | None = None
    for entry, stored in _candidates(a):
        if not identical(decode(entry, stored), a):
            continue
        size = _stored_size(stored)
        if best is None or size < best[0]:
            best = (size, entry, stored)
    assert best is not None  # "raw" always round-trips
    return {**best[1], "sha256": digest(a)}, best[2]


# ------------------------------------------------------------------------------------------------
# files
# ------------------------------------------------------------------------------------------------

def read_raw(path: Path) -> dict[str, np.ndarray]:
    """Every array of a plain npz file, in file order."""
    with np.load(path, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def load_npz(path: str | Path) -> dict[str, np.ndarray]:
    """The arrays of a reference file, packed by this tool or written by Lava (raw).

    Returns a dict in the original key order whose arrays are identical (dtype, shape, bits) to
    those Lava wrote.
    """
    arrays = read_raw(Path(path))
    if HEADER not in arrays:
        return arrays
    header = json.loads(str(arrays.pop(HEADER)))
    if header.get("format") != FORMAT or header.get("version") != VERSION:
        raise ValueError(f"{path}: packed with {header.get('format')} version "
                         f"{header.get('version')}, this reader knows {FORMAT} version {VERSION}. "
                         f"Re-pack the data with tools/pack_reference.py.")
    out = {}
    for key, entry in header["arrays"].items():
        out[key] = decode(entry, arrays[key])
        if digest(out[key]) != entry["sha256"]:
            raise ValueError(f"{path}: array {key!r} does not match the checksum recorded when it "
                             f"was packed. Restore the file from the repository.")
    return out


def pack_file(src: Path, dst: Path) -> None:
    """Write the packed form of the raw npz ``src`` to ``dst``, verified to read back exactly."""
    original = read_raw(src)
    if HEADER in original:
        raise ValueError(f"{src}: already packed. Pack raw Lava outputs only.")
    header: dict = {"format": FORMAT, "version": VERSION, "arrays": {}}
    stored: dict[str, Any] = {}
    for key, a in original.items():
        header["arrays"][key], stored[key] = encode(a)
    stored[HEADER] = np.array(json.dumps(header))
    dst.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(dst, **stored)
    check_file(src, dst)


def check_file(src: Path, dst: Path) -> None:
    """Raise unless the packed ``dst`` decodes to exactly the arrays of the raw ``src``."""
    original, back = read_raw(src), load_npz(dst)
    if list(original) != list(back):
        raise ValueError(f"{dst}: keys {list(back)} differ from {src}: {list(original)}")
    for key, a in original.items():
        if not identical(a, back[key]):
            raise ValueError(f"{dst}: array {key!r} does not round-trip exactly")


def _pairs(src: Path, dst: Path):
    for sub in ("", "r2"):
        for f in sorted((src / sub).glob("*.npz")):
            yield f, dst / sub / f.name


def pack_folder(src: Path, dst: Path) -> tuple[int, int]:
    """Pack every npz of ``src`` and ``src/r2`` into ``dst``; copy cases.json and the READMEs.

    Returns (raw bytes, packed bytes) over the npz files.
    """
    raw = packed = 0
    for s, d in _pairs(src, dst):
        pack_file(s, d)
        raw += s.stat().st_size
        packed += d.stat().st_size
    for sub in ("", "r2"):
        for name in _COPIED:
            if (src / sub / name).is_file():
                (dst / sub).mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src / sub / name, dst / sub / f"LAVA_{name}"
                                if name == "README.md" else dst / sub / name)
    return raw, packed


def check_folder(src: Path, dst: Path) -> int:
    """Verify every packed file of ``dst`` against ``src``; return how many were checked."""
    n = 0
    for s, d in _pairs(src, dst):
        if not d.is_file():
            raise FileNotFoundError(f"{d}: missing (packed form of {s})")
        check_file(s, d)
        n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("src", type=Path, help="folder of raw Lava npz files (with r2/)")
    parser.add_argument("dst", type=Path, help="folder to write the packed files to")
    parser.add_argument("--check", action="store_true", help="only verify dst against src")
    args = parser.parse_args(argv)
    if args.check:
        print(f"{check_folder(args.src, args.dst)} files identical after unpacking")
        return 0
    raw, packed = pack_folder(args.src, args.dst)
    print(f"packed {raw / 1e6:.2f} MB of npz into {packed / 1e6:.2f} MB, every array exact")
    return 0


if __name__ == "__main__":
    sys.exit(main())
