"""Seeded random process graphs for the fuzz suite, as plain specs, and their construction.

A spec lists nodes (user models running a random per-step program of receives, sends and one
state update; some never send, never receive, or raise at a chosen step and op; some are
hierarchical: a ``Wrapper`` whose sub-process model holds a ``Relay``), edges between their
ports (fan-in, fan-out, self-loops and cycles), RefPort pokers on node Vars, and a run scenario
(one run, split runs with ``set`` between them, a non-blocking run, ``RunContinuous`` + pause).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from tests.fuzz.procs import MAX_PORTS, FNode, FPoker
from tests.nets import Wrapper

SCENARIOS = ("whole", "split", "nonblocking", "continuous")


@dataclass
class NodeSpec:
    ident: int
    kind: str                      # "node" (FNode) or "wrap" (hierarchical Wrapper around a Relay)
    n_in: int
    n_out: int
    program: list                  # ops: ("recv", i) / ("send", j) / ("upd",)
    raise_at: tuple | None = None  # (step, op index)
    init: float = 0.0
    add: float = 0.0               # a wrap node's Relay adds this to what it receives


@dataclass
class GraphSpec:
    seed: int
    nodes: list
    #: (src node, out port, dst node, in port), in connection order
    edges: list
    #: (poker index, target node); each node poked at most once
    pokers: list
    poker_rows: int
    steps: int
    scenario: str
    #: split runs: list of (num_steps, {node ident: value set before this run})
    splits: list = field(default_factory=list)


def generate(seed: int) -> GraphSpec:
    rng = random.Random(seed)
    n_nodes = rng.randint(1, 6)
    nodes = []
    never_recv = False
    for ident in range(n_nodes):
        if rng.random() < 0.2:
            nodes.append(NodeSpec(ident, "wrap", 1, 1, [("recv", 0), ("upd",), ("send", 0)],
                                  init=float(rng.randint(0, 9)), add=float(rng.randint(1, 5))))
            continue
        n_in, n_out = rng.randint(0, MAX_PORTS - 1), rng.randint(0, MAX_PORTS - 1)
        ops = [("recv", i) for i in range(n_in)] + [("send", j) for j in range(n_out)] + [("upd",)]
        rng.shuffle(ops)
        if rng.random() < 0.5:  # sends first, as Dense does: loops through it do not deadlock
            ops.sort(key=lambda op: op[0] != "send")
        r = rng.random()
        if r < 0.06:
            ops = [op for op in ops if op[0] != "send"]  # never sends
        elif r < 0.12:
            ops = [op for op in ops if op[0] != "recv"]  # never receives: its channels fill up
            never_recv = n_in > 0
        nodes.append(NodeSpec(ident, "node", n_in, n_out, ops, init=float(rng.randint(0, 9))))
    outs = [(n.ident, j) for n in nodes for j in range(n.n_out)]
    edges = []
    for n in nodes:
        for i in range(n.n_in):
            if not outs or rng.random() < 0.1:
                continue  # an unconnected in-port receives zeros
            for src in rng.sample(outs, k=min(len(outs), rng.choice((1, 1, 1, 2)))):
                edges.append((src[0], src[1], n.ident, i))
    steps = rng.choice((rng.randint(1, 12), rng.randint(1, 12), rng.randint(20, 90)))
    if never_recv and rng.random() < 0.7:
        steps = rng.randint(60, 90)  # past the 64 messages a channel holds
    for n in nodes:
        if n.kind == "node" and rng.random() < 0.1:
            n.raise_at = (rng.randint(1, max(steps, 1)), rng.randint(0, len(n.program)))
    targets = rng.sample([n.ident for n in nodes], k=rng.randint(0, min(2, n_nodes)))
    pokers = list(enumerate(targets))
    poker_rows = steps if rng.random() < 0.8 else rng.randint(1, steps)
    nodes, edges, pokers = _component_of_first(nodes, edges, pokers)
    scenario = rng.choice(SCENARIOS)
    splits = []
    if scenario == "split":
        left = steps
        while left:
            k = rng.randint(1, left)
            sets = {}
            if splits and rng.random() < 0.5:
                sets[rng.choice(nodes).ident] = float(rng.randint(0, 50))
            splits.append((k, sets))
            left -= k
    return GraphSpec(seed, nodes, edges, pokers, poker_rows, steps, scenario, splits)


def _component_of_first(nodes, edges, pokers):
    """Keep what a run started at the first node reaches (connections and RefPorts)."""
    links: dict = {}
    for s, _, d, _ in edges:
        links.setdefault(("n", s), set()).add(("n", d))
        links.setdefault(("n", d), set()).add(("n", s))
    for k, target in pokers:
        links.setdefault(("p", k), set()).add(("n", target))
        links.setdefault(("n", target), set()).add(("p", k))
    seen, stack = set(), [("n", nodes[0].ident)]
    while stack:
        x = stack.pop()
        if x not in seen:
            seen.add(x)
            stack.extend(links.get(x, ()))
    return ([n for n in nodes if ("n", n.ident) in seen], [e for e in edges if ("n", e[0]) in seen],
            [(k, t) for k, t in pokers if ("p", k) in seen])


def build(spec: GraphSpec):
    """The Processes of ``spec``: (node Processes by ident, poker Processes)."""
    procs = {}
    for n in spec.nodes:
        name = f"n{n.ident}"
        if n.kind == "wrap":
            procs[n.ident] = Wrapper(add=n.add, name=name)
            procs[n.ident].value.set(n.init)
        else:
            procs[n.ident] = FNode(n_in=n.n_in, n_out=n.n_out, program=n.program, ident=n.ident,
                                   raise_at=n.raise_at, init=n.init, name=name)
    kind = {n.ident: n.kind for n in spec.nodes}
    for s, j, d, i in spec.edges:
        src, dst = procs[s], procs[d]
        out = src.s_out if kind[s] == "wrap" else getattr(src, f"out{j}")
        inp = dst.a_in if kind[d] == "wrap" else getattr(dst, f"in{i}")
        out.connect(inp)
    pokers = {}
    for k, target in spec.pokers:
        pokers[k] = FPoker(rows=spec.poker_rows, name=f"p{k}")
        pokers[k].ref.connect_var(state_var(procs[target]))
    return procs, pokers


def state_var(proc):
    return proc.value if isinstance(proc, Wrapper) else proc.v
