"""The packed reference data reads back as exactly the arrays Lava wrote."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import IN_REPO_REFERENCE, pack_reference

#: the raw Lava outputs the files were packed from, beside the checkout where it has them
RAW = Path(__file__).resolve().parents[2] / "shared" / "reference"


def _packed_files() -> list[Path]:
    return sorted(IN_REPO_REFERENCE.rglob("*.npz"))


def _edge_arrays() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(3)
    f = rng.normal(size=(50, 7))
    f[3, 2], f[4, 4], f[5, 5] = -0.0, np.nan, np.inf
    return {
        "spikes_u1": (rng.random((9, 100)) < 0.2).astype(np.uint8),
        "spikes_f8": (rng.random((100, 9)) < 0.2).astype(np.float64),
        "bools": rng.random(200) < 0.5,
        "negzero_bits": np.where(rng.random((20, 10)) < 0.5, -0.0, 1.0),
        "int_in_f8": rng.integers(-300, 300, (80, 4)).astype(np.float64),
        "int64_wide": rng.integers(-2**40, 2**40, (30, 5)),
        "int32_traces": rng.integers(-2**23, 2**23, (100, 3)).astype(np.int32),
        "uint16": rng.integers(0, 60000, (70,)).astype(np.uint16),
        "floats": f,
        "floats_3d": rng.normal(size=(10, 4, 5)),
        "big_endian": rng.normal(size=(30, 3)).astype(">f8"),
        "scalar": np.array(7),
        "text": np.array("auto"),
        "empty": np.zeros((0, 3)),
        "one_row": rng.normal(size=(1, 100)),
    }


def test_every_encoding_round_trips_exactly(tmp_path):
    arrays = _edge_arrays()
    raw = tmp_path / "raw.npz"
    np.savez(raw, **arrays)
    packed = tmp_path / "packed.npz"
    pack_reference.pack_file(raw, packed)
    back = pack_reference.load_npz(packed)
    assert list(back) == list(arrays)
    for key, a in arrays.items():
        assert pack_reference.identical(back[key], a), key
    header = json.loads(str(np.load(packed)[pack_reference.HEADER]))
    encodings = {k: e["enc"] for k, e in header["arrays"].items()}
    assert encodings["spikes_u1"] == encodings["spikes_f8"] == "bits"
    assert encodings["int_in_f8"] in ("int", "planes") and encodings["text"] == "raw"


def test_a_raw_lava_file_reads_unchanged(tmp_path):
    arrays = _edge_arrays()
    np.savez(tmp_path / "raw.npz", **arrays)
    back = pack_reference.load_npz(tmp_path / "raw.npz")
    assert all(pack_reference.identical(back[k], a) for k, a in arrays.items())


def test_a_damaged_or_foreign_file_is_refused(tmp_path):
    np.savez(tmp_path / "raw.npz", x=np.arange(100.0).reshape(10, 10))
    pack_reference.pack_file(tmp_path / "raw.npz", tmp_path / "p.npz")
    z = dict(np.load(tmp_path / "p.npz"))
    header = json.loads(str(z[pack_reference.HEADER]))
    entry = header["arrays"]["x"]
    entry["sha256"] = "0" * 64
    np.savez(tmp_path / "bad.npz", **{**z, pack_reference.HEADER: np.array(json.dumps(header))})
    with pytest.raises(ValueError, match="does not match the checksum"):
        pack_reference.load_npz(tmp_path / "bad.npz")
    header["version"] = pack_reference.VERSION + 1
    np.savez(tmp_path / "new.npz", **{**z, pack_reference.HEADER: np.array(json.dumps(header))})
    with pytest.raises(ValueError, match="version"):
        pack_reference.load_npz(tmp_path / "new.npz")


def test_the_repository_ships_every_case_of_both_rounds():
    for sub in ("", "r2"):
        cases = json.loads((IN_REPO_REFERENCE / sub / "cases.json").read_text())["cases"]
        names = cases if isinstance(cases, dict) else {c["name"]: c for c in cases}
        for name in names:
            assert (IN_REPO_REFERENCE / sub / f"{name}.npz").is_file(), f"{sub}/{name}"
    assert (IN_REPO_REFERENCE / "timing_probe.npz").is_file()
    total = sum(p.stat().st_size for p in IN_REPO_REFERENCE.rglob("*"))
    assert total < 12e6, f"reference/ grew to {total / 1e6:.1f} MB"


@pytest.mark.parametrize("path", _packed_files(), ids=lambda p: str(p.relative_to(IN_REPO_REFERENCE)))
def test_packed_file_reads_back_as_lava_wrote_it(path):
    """Checksums of Lava's arrays (recorded at packing) hold; the raw files, where present, agree."""
    back = pack_reference.load_npz(path)  # raises on any checksum mismatch
    rel = path.relative_to(IN_REPO_REFERENCE)
    if rel.parent.name == "r2":
        keys = json.loads((path.parent / "cases.json").read_text())["cases"][path.stem]["keys"]
        assert {k: [list(a.shape), a.dtype.name] for k, a in back.items()} == keys
    raw = RAW / rel  # the folder they were packed from, where it is at hand
    if raw.is_file():
        original = pack_reference.read_raw(raw)
        assert list(back) == list(original)
        for key, a in original.items():
            assert pack_reference.identical(back[key], a), key


def test_a_raw_folder_named_by_the_environment_takes_precedence(tmp_path, monkeypatch):
    from tests.conftest import reference_dir

    monkeypatch.delenv("NEUROPROC_REFERENCE_DIR", raising=False)
    assert reference_dir() == IN_REPO_REFERENCE
    (tmp_path / "cases.json").write_text("{}")
    np.savez(tmp_path / "extra_case.npz", spikes=np.eye(3, dtype=np.uint8))
    monkeypatch.setenv("NEUROPROC_REFERENCE_DIR", str(tmp_path))
    assert reference_dir() == tmp_path
    back = pack_reference.load_npz(reference_dir() / "extra_case.npz")
    assert pack_reference.identical(back["spikes"], np.eye(3, dtype=np.uint8))
    monkeypatch.setenv("NEUROPROC_REFERENCE_DIR", str(tmp_path / "missing"))
    with pytest.raises(FileNotFoundError, match="holds no cases.json"):
        reference_dir()


@pytest.mark.parametrize("pred", ["xor", "lin"])
def test_both_predictions_invert_exactly_on_extreme_values(pred):
    rng = np.random.default_rng(5)
    f = np.cumsum(rng.normal(size=(40, 3)), axis=0)
    f[7, 0], f[8, 1], f[9, 2], f[10, 0], f[11, 0] = np.inf, -np.inf, np.nan, -0.0, 1e308
    i = rng.integers(np.iinfo(np.int32).min, np.iinfo(np.int32).max, (40, 3), dtype=np.int32)
    i[:4] = [[2**31 - 1] * 3, [-2**31] * 3, [2**31 - 1] * 3, [0] * 3]
    with np.errstate(over="ignore"):  # 1e308 becomes inf in float32, on purpose
        f32 = f.astype(np.float32)
    for a in (f, f32, i, i.astype(np.int8), i.astype(np.uint16)):
        payload = pack_reference._planes_encode(a, pred)
        back = pack_reference._planes_decode(payload, a.dtype, a.shape, pred)
        assert pack_reference.identical(back, a), (a.dtype, pred)
