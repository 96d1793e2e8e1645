"""An independent model of what a fuzz graph must do: a plain round-robin simulation of the
Loihi protocol over bounded FIFO channels, written from the semantics (not from the runtime).

Every step each node runs its program; a receive takes the oldest message of each channel of
the port in turn (waiting while one is empty), a send puts one on each channel of the port
(waiting while one holds :data:`CAPACITY`). Nodes advance in turns as far as they can; when no
node can and some are unfinished, that is a deadlock. A node reaching its ``raise_at`` fails the
step; pokers then read and increment their target in the management phase.
"""
from __future__ import annotations

from collections import deque

from tests.fuzz.procs import update

CAPACITY = 64


class Outcome:
    """``ok`` with the state, or an error: kind ``sim``/``dead`` at ``step``, by one of ``culprits``."""

    def __init__(self, kind, step=None, culprits=(), state=None, phase=None):
        self.kind, self.step, self.culprits, self.state, self.phase = kind, step, set(culprits), state, phase

    def __repr__(self):
        return f"Outcome({self.kind}, step={self.step}, culprits={sorted(self.culprits)}, phase={self.phase})"


class Oracle:
    def __init__(self, spec):
        self.spec = spec
        self.v = {n.ident: n.init for n in spec.nodes}
        self.seen = {k: [0.0] * spec.poker_rows for k, _ in spec.pokers}
        self.t = 0
        # channels per (node, port) in connection order
        self.chans = [deque() for _ in spec.edges]
        self.in_ch = {}
        self.out_ch = {}
        for c, (s, j, d, i) in enumerate(spec.edges):
            self.out_ch.setdefault((s, j), []).append(c)
            self.in_ch.setdefault((d, i), []).append(c)
        self.failed = None

    def set(self, ident, value):
        self.v[ident] = value

    def state(self):
        return {"v": dict(self.v), "seen": {k: list(s) for k, s in self.seen.items()}}

    def run(self, steps):
        """Advance ``steps`` steps; returns an error Outcome or None."""
        for _ in range(steps):
            err = self._step()
            if err is not None:
                self.failed = err
                return err
        return None

    def _programs(self):
        progs = {}
        for n in self.spec.nodes:
            micro = []  # expanded: ("take", channel) / ("put", channel) / ("upd",) / ("recv_done",)
            for k, op in enumerate(n.program):
                micro.append(("op", k))
                if op[0] == "recv":
                    micro += [("take", c) for c in self.in_ch.get((n.ident, op[1]), [])]
                elif op[0] == "send":
                    micro += [("put", c) for c in self.out_ch.get((n.ident, op[1]), [])]
                else:
                    micro.append(("upd",))
            micro.append(("op", len(n.program)))
            progs[n.ident] = micro
        return progs

    def _step(self):
        self.t += 1
        t = self.t
        progs = self._programs()
        pc = {i: 0 for i in progs}
        acc = {i: 0.0 for i in progs}
        nodes = {n.ident: n for n in self.spec.nodes}
        raisers, halted = set(), set()
        progress = True
        while progress:
            progress = False
            for ident, micro in progs.items():
                if ident in halted:
                    continue
                n = nodes[ident]
                while pc[ident] < len(micro):
                    m = micro[pc[ident]]
                    if m[0] == "op":
                        if n.raise_at is not None and n.raise_at == (t, m[1]):
                            raisers.add(f"n{ident}")
                            halted.add(ident)
                            break
                    elif m[0] == "take":
                        q = self.chans[m[1]]
                        if not q:
                            break
                        acc[ident] += q.popleft()
                    elif m[0] == "put":
                        q = self.chans[m[1]]
                        if len(q) >= CAPACITY:
                            break
                        q.append(self.v[ident])
                    else:
                        self.v[ident] = (acc[ident] + n.add) if n.kind == "wrap" else update(
                            self.v[ident], acc[ident], ident)
                    pc[ident] += 1
                    progress = True
                if pc[ident] >= len(micro):
                    halted.add(ident)
        if raisers:
            return Outcome("sim", t, raisers, phase="run_spk")
        stuck = [f"n{i}" for i in progs if pc[i] < len(progs[i])]
        if stuck:
            return Outcome("dead", t, stuck)
        if self.spec.pokers and t > self.spec.poker_rows:
            return Outcome("sim", t, {f"p{k}" for k, _ in self.spec.pokers}, phase="run_post_mgmt")
        for k, target in self.spec.pokers:
            self.seen[k][t - 1] = self.v[target]
            self.v[target] += 1
        return None
