"""The host channel: a bounded, thread-safe FIFO between a user's program and a running model.

The user's end (``Injector.send``, ``Extractor.receive``) may be in any thread; the model's end
runs in the thread that steps the network. Waits are sliced (``_SLICE`` seconds) so that each
slice can check why the wait might never end:

* no other thread is alive, so nobody can ever serve the other end: :class:`DeadlockError`;
* the channel's ``timeout`` (seconds, None for none) has passed: :class:`DeadlockError`;
* the network of the host's end was stopped: :class:`RuntimeStateError`;
* the model's wait is interrupted by ``pause()``/``stop()`` of its network: the wait returns
  ``None`` and the caller decides (the Injector sends zeros for that step, the Extractor drops).

When its network is stopped, :meth:`HostChannel.hand_over` lets a host thread that is still
receiving take what the run left in the buffer: ``stop()`` returns once that thread has taken
every item and come back for more (or ended), so what it collected is complete; a thread that
stops taking items holds ``stop()`` up for at most ``_HAND_OVER`` seconds.
"""
from __future__ import annotations

import threading
import time
import warnings
from collections import deque
from collections.abc import Callable

import numpy as np

from neuroproc.exceptions import DeadlockError, NeuroprocWarning, RuntimeStateError
from neuroproc.proc.io.utils import ReceiveEmpty, ReceiveNotEmpty, SendFull

__all__ = ["HostChannel"]

_SLICE = 0.02
_HAND_OVER = 0.5


class HostChannel:
    """A FIFO of at most ``size`` arrays of ``shape``, named ``label`` in messages."""

    def __init__(self, shape: tuple[int, ...], size: int, label: str, timeout: float | None = None):
        self.shape = tuple(shape)
        self.size = int(size)
        self.label = label
        self.timeout = timeout
        #: set by the model side: True while its network's pause()/stop() waits for the step to end
        self.interrupted: Callable[[], bool] = lambda: False
        #: set by the host side: True once its network was stopped (no model serves the channel)
        self.ended: Callable[[], bool] = lambda: False
        self._items: deque = deque()
        self._cond = threading.Condition()
        self._waiters = 0  # threads in a wait: only then does a change notify (it costs)
        self._consumer: threading.Thread | None = None  # the host thread that last received
        self._receives = 0  # host-side receive() calls so far
        self._last_take = 0  # the value of _receives when the host last took an item
        self._host_waiting = 0  # host threads waiting in _wait

    def __getstate__(self) -> dict:
        # queued items and locks belong to one run; a saved network gets an empty channel
        state = dict(self.__dict__)
        for key in ("_items", "_cond", "_waiters", "interrupted", "ended", "_consumer",
                    "_host_waiting"):
            state.pop(key)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.interrupted = lambda: False
        self.ended = lambda: False
        self._items = deque()
        self._cond = threading.Condition()
        self._waiters = 0
        self._consumer = None
        self._host_waiting = 0

    def qsize(self) -> int:
        """How many items wait in the channel."""
        return len(self._items)

    def _wait(self, ready: Callable[[], bool], what: str, model_side: bool) -> bool:
        """Wait (holding the condition) until ``ready()``; False if a pause interrupted it."""
        start = time.monotonic()
        while not ready():
            if model_side and self.interrupted():
                return False
            if not model_side and self.ended():
                raise RuntimeStateError(
                    f"{self.label}: {what}, but its network was stopped, so nothing will come (got "
                    f"a blocking wait after stop()). Take the remaining items before stop(), or "
                    f"use ReceiveEmpty.NON_BLOCKING_ZEROS.")
            if not _other_threads():
                raise DeadlockError(
                    f"{self.label}: {what}, and no other thread is alive that could serve the "
                    f"other end (got a blocking wait in the only thread). Feed or drain the "
                    f"channel from another thread or during a non-blocking run (RunSteps(n, "
                    f"blocking=False) or RunContinuous()), or use a non-blocking policy.")
            if self.timeout is not None and time.monotonic() - start > self.timeout:
                raise DeadlockError(
                    f"{self.label}: {what} for longer than its timeout (got timeout="
                    f"{self.timeout} s). Serve the other end of the channel sooner, raise the "
                    f"timeout, or use a non-blocking policy.")
            self._waiters += 1
            self._host_waiting += not model_side
            try:
                self._cond.wait(_SLICE)
            finally:
                self._waiters -= 1
                self._host_waiting -= not model_side
        return True

    def _changed(self) -> None:
        if self._waiters:
            self._cond.notify_all()

    # -- sending end ----------------------------------------------------------------------------------
    def send(self, data, policy: SendFull = SendFull.BLOCKING, model_side: bool = False) -> bool:
        """Append ``data`` (a copy, as float); False if it was dropped or the wait interrupted."""
        item = np.array(data, dtype=float)
        if item.shape != self.shape:
            item = item.reshape(self.shape)
        with self._cond:
            if len(self._items) >= self.size:
                if policy == SendFull.NON_BLOCKING_DROP:
                    warnings.warn(f"{self.label}: the buffer is full ({self.size} items); dropping "
                                  "the item (SendFull.NON_BLOCKING_DROP). Receive more often or "
                                  "enlarge buffer_size.", NeuroprocWarning, stacklevel=3)
                    return False
                if not self._wait(lambda: len(self._items) < self.size,
                                  f"waits to send into a full buffer ({self.size} items)", model_side):
                    return False
            self._items.append(item)
            self._changed()
        return True

    def give_back(self, items: list) -> None:
        """Put taken ``items`` (oldest first) back at the front, ahead of newer ones."""
        with self._cond:
            self._items.extendleft(np.array(item) for item in reversed(items))
            self._changed()

    # -- receiving end --------------------------------------------------------------------------------
    def recv_empty(self, zeros: np.ndarray, policy: ReceiveEmpty, model_side: bool = False):
        """What a receiver gets from an empty channel: zeros, or the next item once it arrives
        (None if a pause interrupted the wait)."""
        if policy == ReceiveEmpty.NON_BLOCKING_ZEROS:
            return zeros
        with self._cond:
            if not self._wait(lambda: len(self._items) > 0, "waits for an item in an empty buffer",
                              model_side):
                return None
            item = self._items.popleft()
            self._changed()
        return item

    def recv_not_empty(self, zeros: np.ndarray, count: int, policy: ReceiveNotEmpty) -> np.ndarray:
        """The oldest item (``FIFO``) or the sum of the ``count`` oldest (``ACCUMULATE``)."""
        with self._cond:
            if policy == ReceiveNotEmpty.FIFO:
                out = self._items.popleft()
            else:
                out = zeros
                for _ in range(min(count, len(self._items))):
                    out += self._items.popleft()
            self._changed()
        return out

    def receive(self, config, model_side: bool = False):
        """One receive with ``config``'s policies (None if a pause interrupted the wait)."""
        if not model_side:
            with self._cond:
                self._consumer = threading.current_thread()
                self._receives += 1
                self._changed()
        count = len(self._items)
        if count == 0:
            if not model_side and config.receive_empty != ReceiveEmpty.NON_BLOCKING_ZEROS:
                self._last_take = self._receives  # before the take, which hand_over may see
            return self.recv_empty(np.zeros(self.shape), config.receive_empty, model_side)
        if not model_side:
            self._last_take = self._receives
        if config.receive_not_empty == ReceiveNotEmpty.FIFO:
            with self._cond:
                item = self._items.popleft()
                self._changed()
            return item
        return self.recv_not_empty(np.zeros(self.shape), count, config.receive_not_empty)

    def hand_over(self) -> None:
        """At ``stop()``: wait while the host thread that receives takes what is left.

        Returns once that thread has taken every item and called ``receive`` again (so it is done
        with the last one), once it has ended, or once it took nothing for ``_HAND_OVER`` s.
        """
        consumer = self._consumer
        if consumer is None or consumer is threading.current_thread():
            return
        with self._cond:
            progress, deadline = self._last_take, time.monotonic() + _HAND_OVER
            while consumer.is_alive() and (self._items or (self._receives <= self._last_take
                                                           and not self._host_waiting)):
                if self._last_take != progress:
                    progress, deadline = self._last_take, time.monotonic() + _HAND_OVER
                if time.monotonic() > deadline:
                    return
                self._waiters += 1
                try:
                    self._cond.wait(_SLICE)
                finally:
                    self._waiters -= 1


def _other_threads() -> bool:
    """True if a thread besides this one is alive that could serve a channel's other end (a
    progress bar's monitor thread, which only sleeps, does not count)."""
    me = threading.current_thread()
    return any(t is not me and type(t).__name__ != "TMonitor" for t in threading.enumerate())
