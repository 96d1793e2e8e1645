"""Process-wide safety nets of the runtime: Ctrl-C during a blocking run, and interpreter exit.

* **Ctrl-C.** While a blocking run executes in the main thread, SIGINT does not tear a model's
  phase in half: it asks the run to pause at the next step boundary, and ``run`` then raises
  ``KeyboardInterrupt`` with the network paused (state readable, ``run`` resumes). A second
  Ctrl-C before that boundary raises at once (the run is then stopped, its state still readable).
  The handler is installed the first time a blocking run starts in the main thread while SIGINT
  has Python's default handler (installing it per run would cost ~20 µs a run); outside a run it
  behaves exactly as the default handler. A handler of the user's own is left alone.
* **Exit.** Background runs (``blocking=False``, ``RunContinuous``) run in daemon threads; at
  interpreter exit every one still running is paused and joined first, so no thread is killed
  in the middle of model code (which could crash the interpreter on the way out).
"""
from __future__ import annotations

import atexit
import signal
import threading
import weakref

try:  # the raw handler: signal.getsignal wraps it in an enum, which costs ~5 µs a run
    from _signal import getsignal as _getsignal  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - other interpreters
    _getsignal = signal.getsignal

__all__ = ["background", "end_foreground", "foreground"]

#: runtimes whose background thread may be running
_BACKGROUND: weakref.WeakSet = weakref.WeakSet()
#: the runtime executing a blocking run in the main thread, if any
_current = None


def _on_sigint(signum, frame):
    rt = _current
    if rt is None or rt._interrupted:
        raise KeyboardInterrupt
    rt._interrupted = True
    rt._pause.set()


def foreground(rt) -> bool:
    """Mark ``rt`` as running a blocking run; True when Ctrl-C is deferred to a step boundary."""
    global _current
    if threading.current_thread() is not threading.main_thread():
        return False
    handler = _getsignal(signal.SIGINT)
    if handler is signal.default_int_handler:
        try:
            signal.signal(signal.SIGINT, _on_sigint)
        except (ValueError, OSError):  # embedded interpreters may refuse
            return False
        handler = _on_sigint
    if handler is not _on_sigint:
        return False
    rt._interrupted = False
    _current = rt
    return True


def end_foreground() -> None:
    global _current
    _current = None


def background(rt) -> None:
    """Remember ``rt`` so that its background run is paused before the interpreter exits."""
    _BACKGROUND.add(rt)


@atexit.register
def _pause_all() -> None:
    for rt in list(_BACKGROUND):
        try:
            rt._pause.set()
            thread = rt._thread
            if thread is not None:
                thread.join()
        except Exception:  # at exit nothing is left to report to
            pass
