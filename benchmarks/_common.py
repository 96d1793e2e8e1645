"""Shared benchmark plumbing: timing, peak memory, and the table + JSON report."""
from __future__ import annotations

import json
import resource
import sys
import time


def best_time(fn, repeat: int = 3) -> float:
    """Best wall time of ``repeat`` calls of ``fn`` (seconds)."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (MiB)."""
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 2**20


def report(name: str, rows: list[dict], extra: dict | None = None) -> None:
    """Print ``rows`` as an aligned table, then one JSON line with everything."""
    cols = list(rows[0])
    width = {c: max(len(c), *(len(_fmt(r[c])) for r in rows)) for c in cols}
    print(f"# {name}")
    print("  ".join(c.ljust(width[c]) for c in cols))
    for r in rows:
        print("  ".join(_fmt(r[c]).ljust(width[c]) for c in cols))
    print(json.dumps({"benchmark": name, "rows": rows, **(extra or {})}))


def _fmt(v) -> str:
    return f"{v:.3f}" if isinstance(v, float) else str(v)
