"""The fused loops' disk cache, checked before it is used and rebuilt when it is damaged.

Each fused loop is a generated module ``fused_<hash>.py`` in the cache folder
(``$NEUROPROC_CACHE_DIR/fused``, default ``~/.cache/neuroproc/fused``); numba keeps its machine code
beside it in ``__pycache__`` (an index ``.nbi`` and data ``.nbc`` per function). Files can be cut
short by a crash or a full disk, emptied, or edited; the folder can be unwritable. So:

* the module's content must equal the source it is named after (the name hashes the source):
  otherwise it is rewritten (atomically) and numba's files for it are discarded;
* if loading fails even so (numba cannot read its index or data), numba's files for the module
  are discarded and the loop is built once more from scratch; only an error that survives a
  clean rebuild is raised (it is then the kernel's own, not the cache's);
* a folder that cannot be created or written is replaced, for the rest of the session, by a
  temporary folder, with one :class:`~neuroproc.exceptions.NeuroprocWarning` saying so.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
import warnings
from pathlib import Path

from neuroproc.exceptions import NeuroprocWarning

__all__ = ["cache_dir", "load_checked"]

_fallback: Path | None = None
_checked: set[str] = set()
_lock = threading.Lock()


def _configured() -> Path:
    base = os.environ.get("NEUROPROC_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "neuroproc")
    return Path(base) / "fused"


def cache_dir() -> Path:
    """A writable cache folder: the configured one, else this session's temporary one."""
    with _lock:
        if _fallback is not None:
            return _fallback
        folder = _configured()
        if str(folder) not in _checked:
            try:
                folder.mkdir(parents=True, exist_ok=True)
                with tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-"):
                    pass
            except OSError as exc:
                return _use_fallback(folder, exc)
            _checked.add(str(folder))
        return folder


def _use_fallback(folder: Path, exc: BaseException) -> Path:
    global _fallback
    _fallback = Path(tempfile.mkdtemp(prefix="neuroproc-fused-"))
    atexit.register(shutil.rmtree, _fallback, True)
    warnings.warn(f"neuroproc: the fused-loop cache folder {folder} cannot be used ({type(exc).__name__}: "
                  f"{exc}); compiled loops are cached in {_fallback} for this session only. Set "
                  "NEUROPROC_CACHE_DIR to a writable folder to keep them between sessions.",
                  NeuroprocWarning, stacklevel=2)
    return _fallback


def _discard_numba_files(path: Path) -> None:
    for f in (path.parent / "__pycache__").glob(f"{path.stem}.*"):
        try:
            f.unlink()
        except OSError:
            pass


def _write_source(path: Path, source: str, force: bool = False) -> None:
    data = source.encode()
    if not force:
        try:
            if path.read_bytes() == data:
                return
        except OSError:
            pass
    _discard_numba_files(path)  # they describe another (or no) content
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def load_checked(name: str, source: str, build, first_call):
    """``build(path)`` the dispatcher from the module file ``name`` and ``first_call`` it (which
    compiles or loads machine code); damaged cache files are discarded and the build repeated."""
    path = cache_dir() / f"{name}.py"
    try:
        _write_source(path, source)
    except OSError as exc:
        with _lock:
            folder = _fallback if _fallback is not None else _use_fallback(path.parent, exc)
        path = folder / f"{name}.py"
        _write_source(path, source)
    try:
        fused = build(path)
        first_call(fused)
        return fused, path
    except Exception as exc:  # a damaged numba index/data file, or the kernel's own error
        first = exc
    try:
        _write_source(path, source, force=True)
        fused = build(path)
        first_call(fused)
    except Exception:
        raise first from None
    return fused, path
