"""Fuzz graphs of library Processes (RingBuffer, Dense, LIF, Monitor), which both backends run.

Oracle: the python backend's single run. The compiled backend's single run, and split runs on
both backends (some non-blocking, some with a ``set`` of a Var in between, applied identically
on both) must give the same Monitor traces and Var values bit for bit. Some specs ask for more
steps than the Monitors hold: both backends must then raise the Monitor's SimulationError at the
first step that does not fit, blocking or not, and keep the state readable. Some run
``RunContinuous`` on the compiled backend (no Monitor), pause it, and must equal a python run
of as many steps. A few templates (chain; recurrent with fan-in; fan-out to two
populations that meet again) keep the number of distinct fused loops (numba compilations) small;
sizes, weights, parameters, data, steps and splits are random.
"""
from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

import numpy as np

from neuroproc import Loihi1SimCfg, Monitor, NeuroprocError, RunContinuous, RunSteps, SimulationError
from neuroproc.proc import io
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.lif.process import LIF

TEMPLATES = ("chain", "recurrent", "fan")


@dataclass
class LibSpec:
    seed: int
    template: str
    tag: str
    steps: int
    #: (num_steps, blocking, whether lif0.v is set before the run)
    splits: list = field(default_factory=list)
    #: "runs" (whole and split), "overflow" (Monitors hold fewer steps than run), "continuous"
    mode: str = "runs"


def generate_lib(seed: int) -> LibSpec:
    rng = random.Random(seed)
    steps = rng.randint(1, 60)
    splits, left = [], steps
    while left:
        k = rng.randint(1, left)
        splits.append((k, rng.random() < 0.7, rng.random() < 0.3 and bool(splits)))
        left -= k
    mode = rng.choice(("runs", "runs", "runs", "overflow", "continuous"))
    return LibSpec(seed, rng.choice(TEMPLATES), rng.choice(("floating_pt", "fixed_pt")), steps, splits, mode)


def _lif(rng, n, fixed, name):
    if fixed:
        return LIF(shape=(n,), du=int(rng.integers(0, 4096)), dv=int(rng.integers(0, 4096)),
                   vth=int(rng.integers(1, 30)), bias_mant=int(rng.integers(0, 40)), name=name)
    return LIF(shape=(n,), du=float(rng.random()), dv=float(rng.random()), vth=float(rng.uniform(0.5, 3)),
               bias_mant=float(rng.uniform(0, 0.3)), name=name)


def _dense(rng, n_out, n_in, fixed, name):
    w = rng.integers(-30, 60, (n_out, n_in)) if fixed else rng.normal(0.3, 0.8, (n_out, n_in))
    return Dense(weights=w.astype(float), name=name)


def build_lib(spec: LibSpec):
    """(anchor, monitor, {name: Process}) for ``spec``; the same spec builds the same network."""
    rng = np.random.default_rng(spec.seed)
    fixed = spec.tag == "fixed_pt"
    n_in, n0, n1 = (int(x) for x in rng.integers(1, 7, 3))
    data = (rng.random((n_in, int(rng.integers(1, 9)))) < 0.5).astype(float)
    src = io.source.RingBuffer(data=data, name="src")
    lif0 = _lif(rng, n0, fixed, "lif0")
    d0 = _dense(rng, n0, n_in, fixed, "dense0")
    src.s_out.connect(d0.s_in)
    d0.a_out.connect(lif0.a_in)
    procs = {"src": src, "lif0": lif0, "dense0": d0}
    if spec.template == "recurrent":
        rec = _dense(rng, n0, n0, fixed, "dense_rec")
        lif0.s_out.connect(rec.s_in)
        rec.a_out.connect(lif0.a_in)  # fan-in with dense0
        procs["dense_rec"] = rec
    elif spec.template == "fan":
        lif1 = _lif(rng, n1, fixed, "lif1")
        d1 = _dense(rng, n1, n_in, fixed, "dense1")
        d01 = _dense(rng, n1, n0, fixed, "dense01")
        src.s_out.connect(d1.s_in)      # fan-out of the source
        d1.a_out.connect(lif1.a_in)
        lif0.s_out.connect(d01.s_in)
        d01.a_out.connect(lif1.a_in)    # fan-in at lif1
        procs.update(lif1=lif1, dense1=d1, dense01=d01)
    sink = io.sink.RingBuffer(shape=(n0,), buffer=max(spec.steps, 1), name="sink")
    lif0.s_out.connect(sink.a_in)
    procs["sink"] = sink
    if spec.mode == "continuous":
        return lif0, None, procs
    mon = Monitor(name="mon")
    for name in ("lif0", "lif1"):
        if name in procs:
            mon.probe(procs[name].v, spec.steps)
            mon.probe(procs[name].s_out, spec.steps)
    return lif0, mon, procs


def _result(mon, procs):
    out = {f"mon.{p}.{k}": a for p, d in mon.get_data().items() for k, a in d.items()} if mon else {}
    for name, proc in procs.items():
        for var in proc.vars:
            out[f"{name}.{var.name}"] = var.get()
    return out


def _set_value(spec, k, procs):
    rng = np.random.default_rng(spec.seed * 1000 + k)
    v = procs["lif0"].v
    if spec.tag == "fixed_pt":
        return v, rng.integers(-500, 500, v.shape).astype(float)
    return v, rng.normal(0, 1, v.shape)


def _run(spec, backend, split):
    anchor, mon, procs = build_lib(spec)
    cfg = Loihi1SimCfg(select_tag=spec.tag, backend=backend)
    try:
        if not split:
            anchor.run(condition=RunSteps(spec.steps), run_cfg=cfg)
        else:
            for k, (n, blocking, do_set) in enumerate(spec.splits):
                if do_set:
                    var, value = _set_value(spec, k, procs)
                    var.set(value)
                anchor.run(condition=RunSteps(n, blocking=blocking), run_cfg=cfg)
                if not blocking:
                    anchor.wait()
        name = anchor.runtime.backend.name
        return name, _result(mon, procs)
    finally:
        anchor.stop()


def _diff(a, b) -> str | None:
    if a.keys() != b.keys():
        return f"keys {sorted(a)} != {sorted(b)}"
    for k in a:
        if not np.array_equal(a[k], b[k]):
            return f"{k}: {a[k]} != {b[k]}"
    return None


def _overflow(spec, backend, blocking):
    """Run one step more than the Monitors hold: the error must come, at that step."""
    anchor, mon, procs = build_lib(spec)
    cfg = Loihi1SimCfg(select_tag=spec.tag, backend=backend)
    try:
        try:
            anchor.run(condition=RunSteps(spec.steps + 1, blocking=blocking), run_cfg=cfg)
            if not blocking:
                anchor.wait()
        except SimulationError as exc:
            if exc.time_step != spec.steps + 1 or "Monitor" not in str(exc):
                return "wrong", f"{backend}: {exc}"
            try:
                _result(mon, procs)
            except Exception as err:  # noqa: BLE001
                return "crash", f"{backend}: state not readable after the error: {err!r}"
            return None
        return "lost", f"{backend} (blocking={blocking}): {spec.steps + 1} steps into {spec.steps} rows"
    finally:
        anchor.stop()


def _continuous(spec):
    anchor, _, procs = build_lib(spec)
    anchor.run(condition=RunContinuous(), run_cfg=Loihi1SimCfg(select_tag=spec.tag, backend="compiled"))
    time.sleep(0.002)
    anchor.pause()
    steps = anchor.runtime.time_step
    got = _result(None, procs)
    anchor.stop()
    ref_anchor, _, ref_procs = build_lib(spec)
    if steps:
        ref_anchor.run(condition=RunSteps(steps), run_cfg=Loihi1SimCfg(select_tag=spec.tag, backend="python"))
    ref = _result(None, ref_procs)
    ref_anchor.stop()
    d = _diff(ref, got)
    return ("wrong", f"compiled RunContinuous paused at {steps} vs python: {d}") if d else None


def run_lib(spec: LibSpec) -> tuple[str, str]:
    """Verdict for ``spec``: python whole vs compiled whole vs split runs on both backends."""
    try:
        if spec.mode == "overflow":
            for backend in ("python", "compiled"):
                for blocking in (True, False):
                    bad = _overflow(spec, backend, blocking)
                    if bad:
                        return bad
            return "ok", ""
        if spec.mode == "continuous":
            bad = _continuous(spec)
            return bad or ("ok", "")
        _, ref = _run(spec, "python", split=False)
        name, comp = _run(spec, "compiled", split=False)
        if name != "compiled":
            return "crash", f"the compiled backend fell back to {name}"
        d = _diff(ref, comp)
        if d:
            return "wrong", f"compiled vs python, one run: {d}"
        _, py_split = _run(spec, "python", split=True)
        _, c_split = _run(spec, "compiled", split=True)
        d = _diff(py_split, c_split)
        if d:
            return "wrong", f"compiled vs python, split runs: {d}"
        if not any(s[2] for s in spec.splits):
            d = _diff(ref, py_split)
            if d:
                return "wrong", f"split vs whole: {d}"
    except NeuroprocError as exc:
        return "crash", f"{type(exc).__name__}: {exc}"
    except Exception as exc:  # noqa: BLE001 - any other exception is a finding
        return "crash", f"{type(exc).__name__}: {exc}"
    return "ok", ""
