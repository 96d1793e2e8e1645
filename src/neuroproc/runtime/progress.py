"""Progress bars for long runs and a notice while numba compiles.

Two things a user waits for without them: a long ``run(RunSteps(n))`` (200,000 steps of a
large network take minutes) and the first compiled run of a network, when numba builds the
fused loop (tens of seconds on a busy machine; later runs load it from the disk cache).

* **Progress.** A blocking ``RunSteps`` run is stepped in chunks of about a tenth of a second;
  once it has run for ``delay`` seconds and is not about to finish, a `tqdm
  <https://tqdm.github.io>`_ bar appears (on stderr in a terminal, as a widget in Jupyter when
  ``ipywidgets`` is installed, as text otherwise). Chunking changes no number: every backend
  continues a run exactly where the previous call ended. Runs in the background
  (``blocking=False``) and ``RunContinuous`` runs show no bar.
* **Compile notice.** Before the compiled backend calls its fused loop for the first time it
  looks for numba's cache index of that loop; when there is none, one line says that numba is
  compiling. When the cache exists but loading still takes longer than ``delay`` seconds (the
  cache did not match), the same line appears then.

Both go to the ``neuroproc`` logger (INFO). neuroproc installs no logging handler; while the
application has not configured logging at all, the notice and the bar are written to stderr
so that they are seen. :func:`set_progress` turns them off or forces them on; so does the
environment variable ``NEUROPROC_PROGRESS`` (``0``/``off``, ``1``/``on``, ``auto``).

Examples
--------
>>> from neuroproc.runtime.progress import progress_settings, set_progress
>>> previous = set_progress(False)   # no bars or notices, e.g. in a batch job
>>> progress_settings()["mode"]
'off'
>>> _ = set_progress(previous)
"""
from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from neuroproc.exceptions import ValidationError

__all__ = ["compile_notice", "progress_settings", "run_steps", "set_progress"]

logger = logging.getLogger("neuroproc.runtime")

_MODES = {"auto": "auto", "on": "on", "off": "off", "1": "on", "0": "off", "true": "on",
          "false": "off", "yes": "on", "no": "off"}
#: seconds a run must have taken before a bar appears (auto mode), and its chunk target
_DELAY_S = 2.0
_CHUNK_TARGET_S = 0.1


def _mode_from_env() -> str:
    raw = os.environ.get("NEUROPROC_PROGRESS", "auto").strip().lower()
    return _MODES.get(raw, "auto")


_settings: dict[str, Any] = {"mode": _mode_from_env(), "delay": _DELAY_S}


def set_progress(mode: bool | str | None = "auto", delay: float | None = None) -> bool | str:
    """Choose when runs show a progress bar and compiles a notice.

    Parameters
    ----------
    mode : {"auto", True, False}
        ``"auto"`` (the default): a bar for blocking runs that last longer than ``delay``
        seconds, a notice when numba compiles. ``True``: a bar for every blocking ``RunSteps``
        run of more than one step, shown from the start, and the notice. ``False``: neither.
        ``None`` means ``"auto"``.
    delay : float, optional
        Seconds before a bar appears in ``"auto"`` mode (and before a compile from a
        mismatched cache is announced). Unchanged when not given.

    Returns
    -------
    bool or str
        The previous mode, to restore it later.
    """
    previous: bool | str = {"on": True, "off": False}.get(_settings["mode"], "auto")
    if mode is None or mode == "auto":
        _settings["mode"] = "auto"
    elif mode is True or mode is False:
        _settings["mode"] = "on" if mode else "off"
    else:
        raise ValidationError(f"set_progress: mode must be 'auto', True or False (got {mode!r}). "
                              "Pass False to silence progress bars and compile notices.")
    if delay is not None:
        if isinstance(delay, bool) or not isinstance(delay, (int, float)) or not delay >= 0:
            raise ValidationError(f"set_progress: delay must be a number of seconds >= 0 (got "
                                  f"{delay!r}). Pass e.g. delay=2.0.")
        _settings["delay"] = float(delay)
    return previous


def progress_settings() -> dict[str, Any]:
    """The current settings: ``{"mode": "auto" | "on" | "off", "delay": seconds}``."""
    return dict(_settings)


def _logging_configured() -> bool:
    return logging.getLogger("neuroproc").hasHandlers()


def _announce(message: str) -> None:
    """One notice line: to the logger, and to stderr while logging is not configured."""
    logger.info(message)
    if not _logging_configured():
        print(message, file=sys.stderr, flush=True)


# -- compile notice -------------------------------------------------------------------------------
def _cache_index(dispatcher: Any) -> str | None:
    """Path of numba's on-disk cache index for ``dispatcher`` (None when unknown)."""
    cache = getattr(dispatcher, "_cache", None)
    cache_file = getattr(cache, "_cache_file", None)
    path = getattr(cache_file, "_index_path", None)
    return path if isinstance(path, str) else None


@contextmanager
def compile_notice(dispatcher: Any, what: str) -> Iterator[None]:
    """Announce, while the body runs, that numba compiles ``dispatcher`` (see module doc).

    Parameters
    ----------
    dispatcher : numba dispatcher
        The jitted function the body calls for the first time.
    what : str
        What is being compiled, for the message, e.g. ``"the fused loop of 5 models"``.
    """
    if _settings["mode"] == "off":
        yield
        return
    index = _cache_index(dispatcher)
    cold = index is not None and not os.path.exists(index)
    said = threading.Event()
    message = (f"neuroproc: numba is compiling {what} (first run of this network; "
               f"later runs load it from the disk cache)...")

    def say() -> None:
        if not said.is_set():
            said.set()
            _announce(message)

    timer = None
    if cold:
        say()
    else:
        timer = threading.Timer(_settings["delay"], say)
        timer.daemon = True
        timer.start()
    t0 = time.perf_counter()
    try:
        yield
    finally:
        if timer is not None:
            timer.cancel()
        if said.is_set():
            _announce(f"neuroproc: compiled {what} in {time.perf_counter() - t0:.1f} s.")
        else:
            logger.debug("loaded %s from the cache in %.3f s", what, time.perf_counter() - t0)


# -- progress bar ---------------------------------------------------------------------------------
def _make_bar(total: int, initial: int, backend_name: str) -> Any:
    """A tqdm bar: a Jupyter widget when running in a kernel with ipywidgets, text otherwise."""
    bar_cls: Any = None
    if "ipykernel" in sys.modules:
        try:
            import ipywidgets  # noqa: F401
            from tqdm.notebook import tqdm as notebook_tqdm
            bar_cls = notebook_tqdm
        except ImportError:
            pass
    if bar_cls is None:
        from tqdm import tqdm as text_tqdm
        bar_cls = text_tqdm
    # no tqdm monitor thread: our bar is updated by the run itself, and an idle thread left alive
    # would make the host-I/O channels believe another thread could still serve them
    bar_cls.monitor_interval = 0
    return bar_cls(total=total, initial=initial, unit="step", unit_scale=True, leave=True,
                   desc=f"neuroproc ({backend_name})", dynamic_ncols=True, file=sys.stderr)


def run_steps(backend: Any, start: int, num_steps: int,
              should_pause: Callable[[], bool]) -> int:
    """``backend.run_steps(start, num_steps, should_pause)``, with a progress bar when it is long.

    Called by the runtime for blocking ``RunSteps`` runs. Without a bar to show (mode ``"off"``,
    one step, or a run from a background thread) this is exactly one call to the backend.

    Parameters
    ----------
    backend : python or compiled backend
        Has ``run_steps(start, num_steps, should_pause) -> int`` (the time step reached).
    start : int
        The time step before the run.
    num_steps : int
        Steps to run.
    should_pause : callable
        Returns True when the run must stop at the next step boundary.

    Returns
    -------
    int
        The time step reached.
    """
    mode = _settings["mode"]
    if (mode == "off" or num_steps <= 1
            or threading.current_thread() is not threading.main_thread()):
        return backend.run_steps(start, num_steps, should_pause)
    delay = 0.0 if mode == "on" else _settings["delay"]
    name = getattr(backend, "name", type(backend).__name__)
    logger.debug("run of %d steps from time step %d on the %s backend", num_steps, start, name)
    t, done, chunk, bar = start, 0, 1, None
    t0 = time.perf_counter()
    try:
        while done < num_steps and not should_pause():
            c0 = time.perf_counter()
            n = min(chunk, num_steps - done)
            reached = backend.run_steps(t, n, should_pause)
            ran = reached - t
            t, done = reached, done + ran
            # paused, the backend stopped early, or a model asked to pause or stop (possibly in
            # the chunk's last step)
            if ran < n or getattr(backend, "requested", None) is not None:
                break
            took = time.perf_counter() - c0
            # grow towards ~0.1 s per chunk (at most 8x per chunk, so a slow step is seen early)
            chunk = max(1, min(chunk * 8, int(chunk * _CHUNK_TARGET_S / took) if took > 0
                               else chunk * 8))
            elapsed = time.perf_counter() - t0
            if bar is None and done < num_steps and elapsed >= delay:
                remaining = elapsed / done * (num_steps - done)
                if mode == "on" or remaining >= _CHUNK_TARGET_S * 5:
                    bar = _make_bar(num_steps, done, name)
            elif bar is not None:
                bar.update(ran)
    finally:
        if bar is not None:
            bar.close()
    return t
