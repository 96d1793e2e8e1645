"""``precompute=True``: the host Processes no chip output reaches run ahead, then the rest.

Nengo-Loihi's ``precompute``. With ``RunConfig(precompute=True)`` each ``RunSteps(n)`` first runs
the *precomputed part* for all ``n`` steps on its own (python backend), recording every message
it sends to the rest of the network; then the rest runs (on the compiled backend where its
models have kernels) with those recordings replayed at the steps they were sent. A user's Python
model without a kernel that only transforms input therefore no longer keeps the whole network
on the python backend, and nothing crosses between the two parts while the rest runs.

The precomputed part. Placement decides it as the deployment report does
(:func:`neuroproc.placement.precomputable`, on the RunConfig's chip: Loihi 1 for
``Loihi1SimCfg``, else Loihi 2): the host Processes (those whose model declares no chip
resources: RingBuffers, user Python models, ...) that no chip Process's output reaches through
channels. Then these leave it, with every Process they feed: async models, and both ends of any
RefPort link (a Monitor or RefPort of the rest that reads or writes a Var in it, or a RefPort in
it reaching a Var of the rest) -- a Var access between the parts would see the wrong step. So
the precomputed part receives nothing from the rest and shares no Var with it.

Semantics. Results are those of the run without ``precompute``, bit for bit: messages are
replayed in the channels' order (fan-in sums in the same order), split runs continue both parts
(each run precomputes its own ``n`` steps), ``Var.get``/``set`` between runs and Monitors work on
either part. A message sent in a management phase is replayed in the ``run_spk`` of the next
step (the first a receiver's ``run_spk`` could take it in). A model of the precomputed part that
asks to pause or stop at step k ends the rest at step k too. What cannot be honoured is refused
with an error naming ``precompute``: non-blocking runs and ``RunContinuous`` (the part would have
to run ahead without end), and a run of the rest that ends before the precomputed part's
(``pause()``, Ctrl-C, a model of the rest asking to pause or stop), after which the two parts
stand at different steps. When nothing is precomputable, or everything is, the network runs as
without ``precompute`` and ``runtime.backend.reason`` says why.
"""
from __future__ import annotations

from collections import deque

from neuroproc._validation import who
from neuroproc.exceptions import RuntimeStateError
from neuroproc.runtime._replay import Recorder, replay_entry
from neuroproc.runtime.python_backend import PythonBackend

__all__ = ["PrecomputeBackend", "make_precompute_backend", "precomputed_part"]


def _chip_of(run_cfg):
    from neuroproc.chips import chip_spec
    from neuroproc.run_configs import Loihi1SimCfg

    return chip_spec("Loihi1" if isinstance(run_cfg, Loihi1SimCfg) else "Loihi2")


def precomputed_part(exe) -> list:
    """The leaf entries of ``exe`` that run ahead (see the module docstring), in entry order."""
    from neuroproc.placement import place_on_chip, precomputable

    locations, _, _ = place_on_chip(exe, _chip_of(exe.run_cfg))
    ahead = {id(p) for p in precomputable(exe, locations)}
    succ: dict[int, list] = {}
    for spec in exe.channels:
        succ.setdefault(id(spec.src.process), []).append(id(spec.dst.process))
    for link in exe.flat.ref_links:  # a Var access ties both ends to one part
        a, b = id(link.var.process), id(link.ref.process)
        succ.setdefault(a, []).append(b)
        succ.setdefault(b, []).append(a)
    rest = {id(e.proc) for e in exe.entries if id(e.proc) not in ahead or e.is_async}
    todo = deque(rest)
    while todo:
        for n in succ.get(todo.popleft(), ()):
            if n not in rest:
                rest.add(n)
                todo.append(n)
    return [e for e in exe.entries if id(e.proc) not in rest]


class _RecordingBackend(PythonBackend):
    """The python backend of the precomputed part; channels into the rest are :class:`Recorder`."""

    def __init__(self, executable, crossing):
        self._crossing = crossing
        self.recorders: list = []
        super().__init__(executable)

    def _bind_ports(self) -> None:
        self.recorders = [Recorder(spec, self.scheduler) for spec in self._crossing]
        own = self.channels
        self.channels = own + self.recorders  # bound to the out-ports like channels
        try:
            super()._bind_ports()
        finally:
            self.channels = own


class PrecomputeBackend:
    """Runs the precomputed part ahead, then the rest with its messages replayed."""

    def __init__(self, exe, ahead, requested, condition):
        from neuroproc.compiler import Executable, ModelEntry
        from neuroproc.compiler.plan import ChannelSpec
        from neuroproc.compiler.flatten import Edge
        from neuroproc.runtime.backends import make_backend

        self.exe = exe
        mine = {id(e.proc) for e in ahead}
        crossing = [c for c in exe.channels if id(c.src.process) in mine and id(c.dst.process) not in mine]
        own = [c for c in exe.channels if id(c.src.process) in mine and id(c.dst.process) in mine]
        self.pre = _RecordingBackend(Executable(exe.flat, list(ahead), own, exe.run_cfg), crossing)
        self.replays: list = []  # (recorder, replay model, shape, dtype)
        replay_entries, rest_channels = [], []
        by_spec = {id(r.spec): r for r in self.pre.recorders}
        for c in exe.channels:
            if id(c.src.process) in mine and id(c.dst.process) in mine:
                continue
            if id(c.src.process) in mine:  # replaced in place: fan-in keeps its order
                proc, model, entry, shape, dtype = replay_entry(c, ModelEntry)
                replay_entries.append(entry)
                self.replays.append((by_spec[id(c)], model, shape, dtype))
                c = ChannelSpec(Edge(proc.s_out, c.dst, [(proc.s_out, c.dst)]), dtype, None)
            rest_channels.append(c)
        rest_entries = replay_entries + [e for e in exe.entries if id(e.proc) not in mine]
        self.rest = make_backend(Executable(exe.flat, rest_entries, rest_channels, exe.run_cfg), requested,
                                 condition)
        self.name = self.rest.name
        names = ", ".join(who(e.proc) for e in ahead)
        self.reason = (f"precompute: {names} run{'s' if len(ahead) == 1 else ''} ahead on the python backend, "
                       f"{len(crossing)} channel(s) replayed; the rest runs on the {self.rest.name} backend"
                       + (f" ({self.rest.reason})" if self.rest.reason else ""))
        self._pre_ids = mine
        self._t = 0
        self._limit = 0

    # -- what the runtime asks --------------------------------------------------------------------
    @property
    def requested(self):
        # a request of the precomputed part ends the run once the rest reached its step
        asked = getattr(self.rest, "requested", None)  # the compiled backend's kernels never ask
        if asked is not None:
            return asked
        return self.pre.requested if self._t >= self._limit else None

    @property
    def precomputed(self) -> list:
        """The Processes that run ahead."""
        return [e.proc for e in self.pre.exe.entries]

    def refuse(self, condition) -> None:
        """Raise for a run condition precompute cannot honour (before the run starts)."""
        if getattr(condition, "num_steps", None) is None or not condition.blocking:
            kind = "RunContinuous()" if getattr(condition, "num_steps", None) is None else "a non-blocking RunSteps"
            raise RuntimeStateError(
                f"precompute=True cannot run {kind}: the precomputed Processes run all steps of a run "
                "ahead of the rest, so the run needs a known number of steps and must block. Run "
                "RunSteps(n, blocking=True), or build the network with a RunConfig with precompute=False.")

    def accessor(self, var):
        part = self.pre if id(var.process) in self._pre_ids else self.rest
        return part.accessor(var)

    def invalidate(self) -> None:
        hook = getattr(self.rest, "invalidate", None)
        if hook is not None:
            hook()

    def begin(self, num_steps) -> None:
        if num_steps is None:
            self.refuse(None)
        start = self._t
        self.pre.begin(num_steps)
        try:
            self._limit = self.pre.run_steps(start, num_steps, lambda: False)
        finally:
            self.pre.end()
        for rec, model, shape, dtype in self.replays:
            model.load(rec.take(), start, self._limit, shape, dtype)
            if self.rest.name == "compiled" and not model.dense:
                raise RuntimeStateError(
                    f"precompute=True: {rec.spec.src.who} did not send exactly one message of shape {shape} "
                    f"in every step, which the compiled backend's replay of it to {rec.spec.dst.who} needs. "
                    "Run the network with backend='python', or with precompute=False.")
        self.invalidate()
        self.rest.begin(num_steps)

    def run_steps(self, start: int, num_steps: int, should_pause) -> int:
        todo = min(num_steps, self._limit - start)
        t = self.rest.run_steps(start, todo, should_pause)
        self._t = t
        asked = getattr(self.rest, "requested", None)
        if t < self._limit and (t < start + todo or asked is not None):
            self._behind(f"a model of the rest asked to {asked}" if asked else "pause() or Ctrl-C")
        return t

    def end(self) -> None:
        self.rest.end()
        if self._t < self._limit:  # a pause between two calls of run_steps
            self._behind("pause() or Ctrl-C")

    def _behind(self, why: str) -> None:
        raise RuntimeStateError(
            f"precompute=True: {why} ended the run at time step {self._t}, but the precomputed Processes "
            f"had already run to time step {self._limit}; the two parts would continue from different "
            "steps, so the network stops here. Build it with precompute=False to pause runs.")

    def close(self) -> None:
        self.pre.close()
        self.rest.close()


def make_precompute_backend(exe, requested: str = "auto", condition=None):
    """A :class:`PrecomputeBackend` for ``exe``, or the plain backend (saying why) when no part
    can run ahead."""
    from neuroproc.runtime.backends import make_backend

    ahead = precomputed_part(exe)
    if ahead and len(ahead) < len(exe.entries):
        return PrecomputeBackend(exe, ahead, requested, condition)
    backend = make_backend(exe, requested, condition)
    why = ("every Process is on the host (nothing to run ahead of)" if ahead else
           "no host Process is independent of the chip's output")
    backend.reason = f"precompute: nothing precomputed, {why}" + (f"; {backend.reason}" if backend.reason else "")
    return backend
