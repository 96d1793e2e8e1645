"""Cooperative scheduler: models run in turn; one that waits on an empty channel is set aside.

A model's phase starts as a plain call in the scheduler's own frame. If its ``recv`` finds no
message, the scheduler serves the other ready models right there (each in a greenlet, about
0.3 µs per switch, so they can be parked when they wait) until the message arrives, then
returns to it. So a model that sends before it receives (Dense) closes recurrent loops without
threads, and models that never wait cost no switch at all. The order is deterministic: ready
models run in FIFO order. When no model is ready but some have not finished the phase, every
one of them waits on an empty channel (or for room in a full one): that is a deadlock, reported
at once.

Model code that raises stops the run with a :class:`SimulationError` naming the model, phase
and step; ``KeyboardInterrupt`` is let through unchanged (the user asked to stop), and a
``GreenletExit`` raised by model code is reported as that exception, not mistaken for the
greenlet's normal end.
"""
from __future__ import annotations

from collections import deque
from typing import Any

import greenlet

from neuroproc._validation import who
from neuroproc.exceptions import DeadlockError, SimulationError

__all__ = ["Scheduler"]

_DONE = object()
_STOP = object()


class _Task:
    """A model's greenlet and bookkeeping."""

    __slots__ = ("entry", "model", "glet", "waiting_on", "phase", "is_async", "finished", "method",
                 "direct", "for_room")

    def __init__(self, entry):
        self.entry = entry
        self.model = entry.model
        self.glet = None
        self.waiting_on = None
        self.phase = None
        self.is_async = entry.is_async
        self.finished = False
        #: method to start on the next resume (None: continue where it waits)
        self.method = None
        #: running as a plain call in the scheduler's frame (not in its greenlet)
        self.direct = False
        #: waits for room in a full channel (else for a message)
        self.for_room = False


class Scheduler:
    """Runs phases of the Loihi protocol over model tasks."""

    def __init__(self, entries):
        self.tasks = [_Task(e) for e in entries]
        self.ready: deque = deque()
        self.current: Any = None  # the _Task being run (None between phases)
        self._hub: Any = None
        self.time_step = 0
        self._pending = 0

    # -- called from model code (inside a task's greenlet) ---------------------------------------
    def block(self, channel, for_room: bool = False) -> None:
        """Wait until ``channel`` receives a message (or, ``for_room``, until its receiver takes
        one): park the task's greenlet, or, for a task running as a plain call, serve the other
        ready tasks until that happened."""
        task = self.current
        task.waiting_on = channel
        task.for_room = for_room
        if for_room:
            channel.sender = task
        else:
            channel.waiter = task
        if not task.direct:
            self._hub.switch(channel)
            return
        ready = self.ready
        queue = channel.queue
        while (len(queue) >= channel.capacity) if for_room else not queue:
            if not ready:
                self._deadlock(task.phase or "run_spk")
            self._account(ready.popleft())
        task.waiting_on = None
        if for_room:
            channel.sender = None
        else:
            channel.waiter = None
        self.current = task

    def wake(self, task) -> None:
        task.waiting_on = None
        if not task.direct:  # a plain call notices the message itself
            self.ready.append(task)

    # -- driving ---------------------------------------------------------------------------------------
    def _worker(self, task):
        def loop(method):
            while method is not _STOP:
                getattr(task.model, method)()
                method = self._hub.switch(_DONE)
        return loop

    def _resume(self, task):
        self.current = task
        arg, task.method = task.method, None
        if task.glet is None or task.glet.dead:
            task.glet = greenlet.greenlet(self._worker(task), parent=self._hub)
        try:
            res = task.glet.switch(arg)
        except (DeadlockError, SimulationError):
            raise
        except KeyboardInterrupt:
            self.close()
            raise
        except BaseException as exc:
            self._fail(task, exc)
        if isinstance(res, greenlet.GreenletExit):  # model code raised it: the greenlet ended
            self._fail(task, res)
        return res

    def _fail(self, task, exc, phase=None):
        self.close()
        phase = phase or task.phase or "run_spk"
        entry = task.entry
        raise SimulationError(
            f"{who(entry.proc)} ({entry.model_cls.__name__}) failed in {phase} at time step "
            f"{self.time_step}: {type(exc).__name__}: {exc}",
            process=entry.proc, model=entry.model_cls, phase=phase, time_step=self.time_step,
        ) from exc

    def guards(self, items, guard: str) -> list:
        """The tasks of ``items`` (task, bound guard) whose ``guard`` returns true; a guard that
        raises fails the run like model code does, naming the guard as the phase."""
        due = []
        for t, fn in items:
            self.current = t
            try:
                if fn():
                    due.append(t)
            except KeyboardInterrupt:
                self.close()
                raise
            except (DeadlockError, SimulationError):
                raise
            except BaseException as exc:
                self._fail(t, exc, guard)
        return due

    def _account(self, task) -> None:
        """Resume ``task`` in its greenlet; count it done when its phase (or run_async) ends."""
        res = self._resume(task)
        if res is _DONE:
            if task.is_async:
                task.finished = True
            else:
                self._pending -= 1

    def run_phase(self, tasks, method: str, time_step: int | None = None) -> None:
        """Run ``method`` of every task in ``tasks`` to completion, interleaving on waits.

        Async tasks that are ready run too, but the phase ends when the synchronous ones are done.
        With ``time_step``, every task's model gets it as ``time_step`` before any of them runs.
        """
        self._hub = greenlet.getcurrent()
        ready = self.ready
        if time_step is None:
            for t in tasks:
                t.phase = t.method = method
        else:
            for t in tasks:
                t.phase = t.method = method
                t.model.time_step = time_step
        ready.extend(tasks)
        self._pending = len(tasks)
        popleft = ready.popleft
        while self._pending:
            if not ready:
                self._deadlock(method)
            task = popleft()
            if task.method is None or task.is_async:
                self._account(task)  # a woken or asynchronous task continues in its greenlet
                continue
            # a synchronous task starts its phase as a plain call in this frame (no greenlet
            # unless it must wait, see block); inline, as this is the common case
            self.current = task
            name, task.method = task.method, None
            task.direct = True
            try:
                getattr(task.model, name)()
            except (DeadlockError, SimulationError):
                task.direct = False
                raise
            except KeyboardInterrupt:
                task.direct = False
                self.close()
                raise
            except BaseException as exc:
                task.direct = False
                self._fail(task, exc)
            task.direct = False
            self._pending -= 1

    def start_async(self, tasks) -> None:
        """Queue the ``run_async`` of async tasks; they progress during the following phases."""
        for t in tasks:
            t.phase = "run_async"
            t.method = "run_async"
            t.finished = False
            self.ready.append(t)

    def drain(self) -> None:
        """After the last step: let async tasks finish; any still waiting are deadlocked."""
        self._hub = greenlet.getcurrent()
        while self.ready:
            task = self.ready.popleft()
            if self._resume(task) is _DONE and task.is_async:
                task.finished = True
        stuck = [t for t in self.tasks if t.is_async and not t.finished]
        if stuck:
            self._deadlock("run_async", stuck)

    def stop_tasks(self) -> None:
        """Let every idle greenlet return (end of a ``run`` call); parked ones are thrown out."""
        self.close()

    def _deadlock(self, method, tasks=None) -> None:
        waiting = tasks or [t for t in self.tasks if t.waiting_on is not None]
        parts = []
        pairs = []
        full = False
        for t in waiting:
            ch = t.waiting_on
            if ch is None:
                parts.append(f"{who(t.entry.proc)} has not finished run_async")
                pairs.append((t.entry.proc, None))
            elif t.for_room:
                full = True
                parts.append(f"{ch.spec.src.who} waits for room in its full channel to "
                             f"{ch.spec.dst.who} ({len(ch.queue)} messages not received)")
                pairs.append((t.entry.proc, ch.spec.src.name))
            else:
                src = ch.spec.src
                parts.append(f"{ch.spec.dst.who} waits for {src.who if src else '?'}")
                pairs.append((t.entry.proc, ch.spec.dst.name))
        self.close()
        fix = ("Make the receiver of a full channel recv() every message sent to it (a channel holds "
               f"{waiting[0].waiting_on.capacity if waiting and waiting[0].waiting_on else '?'} messages, "
               "as in Lava), or disconnect the port." if full else
               "Make one model in the loop send before it receives (as Dense does), or break the loop.")
        raise DeadlockError(
            f"Deadlock at time step {self.time_step} ({method}): every unfinished model waits on an "
            f"empty channel or for room in a full one: {'; '.join(parts)}. {fix}", waiting=pairs)

    def close(self) -> None:
        """End every task's greenlet (they are idle or parked); safe to call twice."""
        hub = greenlet.getcurrent()
        for t in self.tasks:
            g = t.glet
            t.glet = None
            t.waiting_on = None
            t.for_room = False
            if g is not None and not g.dead and g is not hub:
                try:
                    g.throw(greenlet.GreenletExit)
                except greenlet.error:
                    pass  # belongs to another (finished) thread: nothing left to unwind
        self.ready.clear()
