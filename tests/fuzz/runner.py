"""Run one fuzz graph under its scenario and judge the result against the oracle.

Verdicts: ``ok``; ``wrong`` (other values, or another error/step than the oracle's); ``lost``
(the oracle fails the run, the runtime did not report it); ``crash`` (an exception that is not
a documented neuroproc error, or a broken promise after an error: state not readable, or a
stopped network that runs again); ``hang`` is judged by the caller (a time limit).
"""
from __future__ import annotations

import re
import time

from neuroproc import (
    DeadlockError,
    Loihi1SimCfg,
    NeuroprocError,
    RunContinuous,
    RunSteps,
    RuntimeStateError,
    SimulationError,
)
from tests.fuzz.generator import build, state_var
from tests.fuzz.oracle import Oracle, Outcome

CFG = Loihi1SimCfg(select_sub_proc_model=True, backend="python")


def _top(proc):
    while getattr(proc, "parent_proc", None) is not None:
        proc = proc.parent_proc
    return proc.name


def _actual_error(exc) -> Outcome:
    if isinstance(exc, SimulationError):
        return Outcome("sim", exc.time_step, {_top(exc.process)}, phase=exc.phase)
    m = re.search(r"Deadlock at time step (\d+)", str(exc))
    return Outcome("dead", int(m.group(1)) if m else None, {_top(p) for p, _ in exc.waiting})


def _state(spec, procs, pokers):
    return {"v": {n.ident: float(state_var(procs[n.ident]).get()[0]) for n in spec.nodes},
            "seen": {k: [float(x) for x in pokers[k].seen.get()] for k, _ in spec.pokers}}


def _match_error(expected: Outcome, actual: Outcome) -> bool:
    if expected.kind != actual.kind or expected.step != actual.step:
        return False
    if expected.kind == "sim":
        return bool(actual.culprits) and actual.culprits <= expected.culprits
    return actual.culprits == expected.culprits


def _after_error(spec, procs, pokers, anchor) -> str | None:
    """After an error: nothing runs on, the state stays readable, run() is refused."""
    try:
        _state(spec, procs, pokers)
    except Exception as exc:  # noqa: BLE001 - any failure here is a finding
        return f"state not readable after the error: {exc!r}"
    if anchor.runtime is not None:
        return "runtime still attached after the error was reported"
    try:
        anchor.run(condition=RunSteps(1))
    except RuntimeStateError:
        return None
    except Exception as exc:  # noqa: BLE001
        return f"run() after the error raised {exc!r}, not RuntimeStateError"
    return "run() after the error ran again"


def run_graph(spec) -> tuple[str, str]:
    """Return (verdict, detail) for ``spec``."""
    procs, pokers = build(spec)
    anchor = procs[spec.nodes[0].ident]
    oracle = Oracle(spec)
    expected = None
    try:
        try:
            if spec.scenario == "whole":
                expected = oracle.run(spec.steps)
                anchor.run(condition=RunSteps(spec.steps), run_cfg=CFG)
            elif spec.scenario == "split":
                for k, sets in spec.splits:
                    for ident, value in sets.items():
                        state_var(procs[ident]).set(value)
                        oracle.set(ident, value)
                    expected = oracle.run(k)
                    anchor.run(condition=RunSteps(k), run_cfg=CFG)
                    if expected is not None:
                        break
                    got = _state(spec, procs, pokers)
                    if got != oracle.state():
                        return "wrong", f"after a split at step {oracle.t}: {got} != {oracle.state()}"
            elif spec.scenario == "nonblocking":
                expected = oracle.run(spec.steps)
                anchor.run(condition=RunSteps(spec.steps, blocking=False), run_cfg=CFG)
                anchor.wait()
            else:
                anchor.run(condition=RunContinuous(), run_cfg=CFG)
                time.sleep(0.005)
                anchor.pause()
                expected = oracle.run(anchor.runtime.time_step)
                if expected is not None:
                    return "lost", f"paused at {anchor.runtime.time_step} past the oracle's {expected}"
        except (SimulationError, DeadlockError) as exc:
            actual = _actual_error(exc)
            if spec.scenario == "continuous":
                # the pause came after the failing step: the oracle must fail there too
                expected = oracle.run(actual.step - oracle.t) if actual.step and actual.step > oracle.t else expected
            if expected is None:
                return "wrong", f"unexpected {type(exc).__name__}: {exc}"
            if not _match_error(expected, actual):
                return "wrong", f"expected {expected}, got {actual}: {exc}"
            broken = _after_error(spec, procs, pokers, anchor)
            return ("crash", broken) if broken else ("ok", "")
        except NeuroprocError as exc:
            return "crash", f"undocumented {type(exc).__name__}: {exc}"
        except Exception as exc:  # noqa: BLE001
            return "crash", f"{type(exc).__name__}: {exc}"
        if expected is not None:
            return "lost", f"the oracle fails with {expected}; the run returned normally"
        got = _state(spec, procs, pokers)
        if got != oracle.state():
            return "wrong", f"at step {oracle.t}: {got} != {oracle.state()}"
        if anchor.runtime.time_step != oracle.t:
            return "wrong", f"time step {anchor.runtime.time_step} != {oracle.t}"
        return "ok", ""
    finally:
        try:
            anchor.stop()
        except NeuroprocError:
            pass
