"""``python -m tests.fuzz --n N``: the long fuzz run behind ``make fuzz``.

Seeds ``0 .. N-1`` each give a user-model graph (python backend, against the oracle of
:mod:`tests.fuzz.oracle`); every ``--lib-every``-th seed also a library graph (python vs compiled,
split vs whole, :mod:`tests.fuzz.libgraphs`). Graphs run in worker processes; a graph that takes
longer than ``--timeout`` seconds is a hang (the worker is ended, the next seed goes on), a worker
that dies otherwise is a crash. Prints the counts per verdict and exits non-zero if any is not ok.
"""
from __future__ import annotations

import argparse
import collections
import faulthandler
import subprocess
import sys


def _worker(start: int, stop: int, lib_every: int, timeout: float) -> None:
    from tests.fuzz.generator import generate
    from tests.fuzz.libgraphs import generate_lib, run_lib
    from tests.fuzz.runner import run_graph

    for seed in range(start, stop):
        jobs = [("user", lambda s=seed: run_graph(generate(s)))]
        if lib_every and seed % lib_every == 0:
            jobs.append(("library", lambda s=seed: run_lib(generate_lib(s))))
        for kind, job in jobs:
            print(f"START {seed} {kind}", flush=True)
            faulthandler.dump_traceback_later(timeout, exit=True)
            verdict, detail = job()
            faulthandler.cancel_dump_traceback_later()
            print(f"DONE {seed} {kind} {verdict} {detail[:400]!r}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--seed0", type=int, default=0)
    ap.add_argument("--lib-every", type=int, default=10)
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--worker", nargs=2, type=int, metavar=("START", "STOP"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        _worker(*args.worker, args.lib_every, args.timeout)
        return 0
    counts: collections.Counter = collections.Counter()
    findings = []
    seed, stop = args.seed0, args.seed0 + args.n
    while seed < stop:
        cmd = [sys.executable, "-m", "tests.fuzz", "--worker", str(seed), str(stop),
               "--lib-every", str(args.lib_every), "--timeout", str(args.timeout)]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        current, last = None, seed - 1
        for line in proc.stdout:
            parts = line.rstrip("\n").split(" ", 4)
            if parts[0] == "START":
                current = (int(parts[1]), parts[2])
            elif parts[0] == "DONE":
                counts[(parts[2], parts[3])] += 1
                if parts[3] != "ok":
                    findings.append(f"seed {parts[1]} ({parts[2]}): {parts[3]}: {parts[4]}")
                current, last = None, int(parts[1])
        code = proc.wait()
        if current is None:
            if code == 0:
                break
            findings.append(f"worker exited with {code} after seed {last}")
            counts[("worker", "crash")] += 1
            seed = last + 1
            continue
        verdict = "hang" if code == 1 else "crash"
        counts[(current[1], verdict)] += 1
        findings.append(f"seed {current[0]} ({current[1]}): {verdict} (worker exit code {code})")
        seed = current[0] + 1
    for line in findings:
        print(line)
    total = collections.Counter()
    for (kind, verdict), n in sorted(counts.items()):
        print(f"{kind:8s} {verdict:6s} {n}")
        total[verdict] += n
    print("total graphs:", sum(total.values()), "|", ", ".join(f"{v}: {total[v]}" for v in
                                                              ("ok", "hang", "crash", "wrong", "lost")))
    return 0 if set(total) <= {"ok"} else 1


if __name__ == "__main__":
    sys.exit(main())
