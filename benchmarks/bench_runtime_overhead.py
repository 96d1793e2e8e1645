"""Per-model, per-step overhead of the python backend, against the same loop written by hand.

A chain of trivial Processes (each receives a small vector and sends it on) is run through the
full runtime (greenlet scheduler, channels, typed copies) and, in the same run, as a plain
Python loop calling equivalent functions. Prints µs per model per step, as wall-clock time and as
this process's CPU time (``time.process_time``, less sensitive to other load on the machine).
Goal: <= 3 µs per model per step.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import best_time, report  # noqa: E402

from neuroproc import (  # noqa: E402
    CPU,
    AbstractProcess,
    InPort,
    LavaPyType,
    Loihi1SimCfg,
    LoihiProtocol,
    OutPort,
    PyInPort,
    PyLoihiProcessModel,
    PyOutPort,
    RunSteps,
    implements,
    requires,
)

SHAPE = (4,)


class Stage(AbstractProcess):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.a_in = InPort(shape=SHAPE)
        self.s_out = OutPort(shape=SHAPE)


@implements(proc=Stage, protocol=LoihiProtocol)
@requires(CPU)
class PyStage(PyLoihiProcessModel):
    a_in = LavaPyType(PyInPort.VEC_DENSE, float)
    s_out = LavaPyType(PyOutPort.VEC_DENSE, float)

    def run_spk(self):
        self.s_out.send(self.a_in.recv())


def neuroproc_chain(n_models: int, steps: int) -> tuple[float, float]:
    """Best wall and best CPU time (seconds) of ``steps`` steps of a chain of ``n_models``."""
    procs = [Stage() for _ in range(n_models)]
    for a, b in zip(procs, procs[1:]):
        a.s_out.connect(b.a_in)
    cfg = Loihi1SimCfg(backend="python")
    procs[0].run(condition=RunSteps(1), run_cfg=cfg)  # compile outside the timing
    cpu = []

    def run():
        c0 = time.process_time()
        procs[0].run(condition=RunSteps(steps), run_cfg=cfg)
        cpu.append(time.process_time() - c0)

    t = best_time(run, repeat=3)
    procs[0].stop()
    return t, min(cpu)


def handwritten_chain(n_models: int, steps: int) -> float:
    """The same work without a framework: a list of functions passing a copied array along."""
    def stage(x):
        return np.array(x, dtype=float)

    stages = [stage] * n_models

    def go():
        for _ in range(steps):
            x = np.zeros(SHAPE)
            for f in stages:
                x = f(x)

    return best_time(go, repeat=3)


def main() -> None:
    rows = []
    for n_models, steps in ((3, 20000), (101, 1000)):
        t_np, cpu_np = neuroproc_chain(n_models, steps)
        t_hand = handwritten_chain(n_models, steps)
        per_np = t_np / steps / n_models * 1e6
        per_hand = t_hand / steps / n_models * 1e6
        rows.append({"models": n_models, "steps": steps,
                     "neuroproc_us_per_model_step": per_np,
                     "neuroproc_cpu_us_per_model_step": cpu_np / steps / n_models * 1e6,
                     "handwritten_us_per_model_step": per_hand,
                     "ratio": per_np / per_hand,
                     "goal_us": 3.0, "meets_goal": per_np <= 3.0})
    report("runtime_overhead (python backend)", rows, {"lava_0_10_us_per_model_step": "100-300"})


if __name__ == "__main__":
    main()
