"""The fused loop on several threads: kernels split by item range, barriers where parts meet.

Every thread runs the whole time loop (``fused(p, t0, n, *arrays)``, compiled ``nogil``): a kernel
that offers parts (``KernelSpec.part``, see :mod:`neuroproc.runtime.kernels`) runs on every
thread, each on its range of items; active views are listed by part and joined by every thread
for itself (the lists alternate by step parity, so a thread may start the next step while the
other still reads); everything else (kernels without parts, fan-in sums, Monitor records) runs
whole on thread 0. Threads meet at a spin barrier (:mod:`neuroproc.runtime._barrier`) only where
a stage touches what another thread wrote or reads since the last barrier, judged from the
arrays each stage reads and writes (:func:`place_barriers`): LIF <-> Dense/Sparse meet once per
step, as the hand-written 2-thread loop does. Each item is computed by the same arithmetic in the
same order as on one thread, so the results are the same bits; the ranges are cut at multiples of
:data:`ALIGN` items, so two threads never write one cache line of a split array.

The threads are started per fused block (thread 0 is the caller's); a failing thread aborts the
others' barriers, and its exception reaches the caller. The loop runs serially (and says why, in
``CompiledBackend.stats['threads_why']``) under ``NUMBA_DISABLE_JIT``, with one numba thread
(``NUMBA_NUM_THREADS=1``), when no kernel offers parts, or when the parts would be too small.
"""
from __future__ import annotations

import threading

import numba
import numpy as np

from neuroproc.runtime._barrier import spin_barrier
from neuroproc.runtime._codegen import Stage

__all__ = ["ALIGN", "AUTO_MIN_ITEMS", "choose_threads", "parallel_source", "part_bounds", "place_barriers",
           "plan_parts", "run_threads", "source"]

#: part ranges start at multiples of this many items (64 float64 = 8 cache lines; 64 flag bytes)
ALIGN = 64
#: ``threads='auto'`` uses two threads when the kernels with parts have this many items in all
#: (e.g. 25,000 neurons and their synapse outputs): below that a step is too short for barriers
AUTO_MIN_ITEMS = 50_000


def part_bounds(size: int, threads: int) -> np.ndarray | None:
    """``threads + 1`` split points of ``size`` items (multiples of :data:`ALIGN` inside), or None
    when a part would be empty."""
    cuts = [0] + [(size * q // threads) // ALIGN * ALIGN for q in range(1, threads)] + [size]
    if any(b >= c for b, c in zip(cuts, cuts[1:])):
        return None
    return np.array(cuts, np.int64)


def choose_threads(wanted, items: int) -> tuple[int, str]:
    """How many threads to run on and why: ``wanted`` (``'auto'`` or an int) against what this
    interpreter offers and ``items`` (the items of the kernels with parts)."""
    if wanted == 1:
        return 1, "threads=1 requested"
    if numba.config.DISABLE_JIT:
        return 1, "serial: NUMBA_DISABLE_JIT is set (threads need compiled code)"
    cores = int(numba.config.NUMBA_NUM_THREADS)
    if cores < 2:
        return 1, f"serial: numba offers {cores} thread (NUMBA_NUM_THREADS)"
    if items == 0:
        return 1, "serial: no kernel of this network offers parts (KernelSpec.part)"
    if wanted == "auto":
        if items < AUTO_MIN_ITEMS:
            return 1, f"serial: auto, the kernels with parts have {items} items (< {AUTO_MIN_ITEMS})"
        return 2, f"2 threads: auto, the kernels with parts have {items} items (>= {AUTO_MIN_ITEMS})"
    n = min(int(wanted), cores)
    note = "" if n == wanted else f" (numba offers {cores})"
    return n, f"{n} threads: requested {wanted}{note}"


def plan_parts(exe, plan) -> tuple[int, str, dict]:
    """Threads for the loop (the RunConfig's ``threads``), why, and the kernels that run as parts:
    id(entry) -> (bounds, {id(out array): (part indices, part counts, joined indices, joined
    counts)} for its active views)."""
    cfg = getattr(getattr(getattr(exe, "flat", None), "selection", None), "run_cfg", None)
    wanted = getattr(cfg, "threads", "auto")
    able = [(e, spec) for e in plan.order if (spec := plan.kernels[id(e)]).part is not None and spec.part_of]
    sizes = [np.asarray(getattr(e.model, spec.part_of)).size for e, spec in able]
    threads, why = choose_threads(wanted, sum(sizes))
    if threads < 2:
        return 1, why, {}
    parts: dict = {}
    splits: dict = {}  # kernels of one size share their split: no barrier between local parts
    for (e, spec), size in zip(able, sizes):
        bounds = splits[size] if size in splits else splits.setdefault(size, part_bounds(size, threads))
        if bounds is None:
            continue
        # per active view: the parts' lists and counts (two of each: by step parity), and each
        # thread's joined list and count
        views = {id(out): (np.zeros((2, out.size), np.int64), np.zeros((2, threads), np.int64),
                           np.zeros((threads, out.size), np.int64), np.zeros(threads, np.int64))
                 for p in spec.out_views if id(out := plan.out_bufs[id(getattr(e.proc, p))]) in plan.sender_views}
        parts[id(e)] = (bounds, views)
    if not parts:
        return 1, f"serial: the kernels' items are too few for {threads} parts", {}
    return threads, why, parts


def parallel_source(gen, params: dict, parts: dict, threads: int, sync: np.ndarray) -> str:
    """The parallel loop's source from ``gen`` (a fresh :class:`~neuroproc.runtime._codegen.Codegen`)."""
    gen.threads = threads
    stages = gen.build_stages(params, parts)
    sync_name = gen.buf(sync)
    gen.globals["barrier"] = spin_barrier
    names = [name for name, _ in gen.args]
    arrays = [g() for _, g in gen.args]
    groups = {name: i for i, name in enumerate(names)}
    for i, a in enumerate(arrays):  # arrays under two names (views of one buffer) are one
        for j in range(i):
            if isinstance(a, np.ndarray) and isinstance(arrays[j], np.ndarray) and np.may_share_memory(a, arrays[j]):
                groups[names[i]] = groups[names[j]]
                break
    before, end = place_barriers(stages, groups)
    return source(stages, names, threads, sync_name, before, end)


def place_barriers(stages: list[Stage], groups: dict[str, int]) -> tuple[list[bool], bool]:
    """Where threads must meet: before stage i (``before[i]``) and at the end of each step.

    Two stages conflict when one writes an array the other reads or writes (``groups`` maps
    argument names to memory: names of overlapping arrays share a group) and they may run on
    different threads (not both whole stages, which all run on thread 0), unless both touch
    that array only at their own items of one split (``Stage.local``), or only in their own
    thread's row (``Stage.rows``), or -- from one step to the next, when a barrier lies between
    a step's end and the same stages two steps on -- only in the row of their step's parity
    (``Stage.parity``)."""
    def key(names):
        return {groups.get(n, n) for n in names}

    info = [(key(s.reads), key(s.writes), s.part, key(s.local), s.bounds, key(s.rows), key(s.parity))
            for s in stages]

    def clash(a, b, next_step: bool = False) -> bool:
        (ra, wa, pa, la, ba, oa, qa), (rb, wb, pb, lb, bb, ob, qb) = a, b
        if not (pa or pb):
            return False  # both on thread 0, in program order
        shared = (wa & (rb | wb)) | (ra & wb)
        if pa and pb and ba == bb:
            shared -= la & lb  # each thread touches only its own items of these, in both
        shared -= oa & ob
        if next_step:
            shared -= qa & qb
        return bool(shared)

    before = [False] * len(stages)
    since: list = []
    first_segment: list = []
    seen_barrier = False
    for i, s in enumerate(info):
        if any(clash(o, s) for o in since):
            before[i] = True
            since = []
            seen_barrier = True
        since.append(s)
        if not seen_barrier:
            first_segment.append(s)
    # the next step's first segment follows this step's last one: meet at the end if they clash
    # (with no barrier inside the step, the step clashes with itself unless nothing clashes)
    end = any(clash(a, b, next_step=seen_barrier) for a in since for b in first_segment)
    return before, end


def source(stages: list[Stage], arg_names: list[str], threads: int, sync: str,
           before: list[bool], end: bool) -> str:
    """The parallel fused loop's source: ``fused(p, t0, n, *args)`` for thread ``p``."""
    ind = " " * 8
    body: list[str] = []

    def barrier():
        body.append(f"{ind}if barrier({sync}, {threads}):")
        body.append(f"{ind}    return t0")

    for stage, meet in zip(stages, before):
        if meet:
            barrier()
        if stage.part:
            body += [ind + line for line in stage.lines]
        else:
            body.append(f"{ind}if p == 0:")
            body += [ind + "    " + line for line in stage.lines]
    if end:
        barrier()
    if not body:
        body = [f"{ind}pass"]
    header = [
        "# Generated by neuroproc's compiled backend (parallel loop, one call per thread). Do not edit.",
        "from numba import njit",
        "",
        "",
        "@njit(cache=True, nogil=True)",
        f"def fused(p, t0, n, {', '.join(arg_names)}):",
        "    for k in range(n):",
        "        t = t0 + k + 1",
    ]
    return "\n".join(header + body + ["    return t0 + n", ""])


def run_threads(fused, threads: int, sync: np.ndarray, t0: int, n: int, args: list) -> int:
    """Run ``n`` steps after ``t0`` on ``threads`` threads (this one is thread 0)."""
    sync[:] = 0
    errors: list[BaseException] = []

    def work(p: int) -> None:
        try:
            fused(p, t0, n, *args)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller below
            errors.append(exc)
            sync[2] = 1

    workers = [threading.Thread(target=work, args=(p,), name=f"neuroproc-part-{p}", daemon=True)
               for p in range(1, threads)]
    for w in workers:
        w.start()
    try:
        t = fused(0, t0, n, *args)
    except BaseException:
        sync[2] = 1
        for w in workers:
            w.join()
        raise
    for w in workers:
        w.join()
    if errors:
        raise errors[0]
    return int(t)
