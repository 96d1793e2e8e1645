"""Rebuild and run the neuron cases of Lava's round-2 reference data (``r2/cases.json``).

Every case is ``RingBuffer(input) -> Dense(weights[, num_message_bits]) -> neuron -> sink``
(RF: a second ``Dense(weights2)`` into ``a_imag_in``; ProdNeuron: into ``a_in2``), with Monitors
on the neuron Vars stored in the case and on the first Dense's ``a_buff``. The models are the
ones the case names (``process_models``, Lava's class paths mapped to neuroproc's by module
name), forced through ``exception_proc_model_map``, so the class names are checked too.
"""
from __future__ import annotations

import importlib
import json

import numpy as np

from neuroproc import Loihi2SimCfg, Monitor, RunSteps
from neuroproc.proc import io
from neuroproc.proc.dense.process import Dense

#: npz keys that are not Monitors of the neuron
NOT_NEURON_VARS = {"input", "weights", "weights2", "s_out", "a_buff", "weights_after_run"}
#: the in-port the second Dense feeds, per neuron
SECOND_INPUT = {"RF": ("a_real_in", "a_imag_in"), "RF_IZ": ("a_real_in", "a_imag_in"),
                "ProdNeuron": ("a_in1", "a_in2")}


#: the case kinds built as source -> Dense -> neuron -> sink
NEURON_KINDS = {"neuron", "rf", "sdn", "graded"}


def _names(spec: dict) -> set[str]:
    return {path.rpartition(".")[2] for path in spec.get("process_models", {})}


def cases_of(refdir, neurons: set[str]) -> dict[str, dict]:
    """Every case (shared, and held-back ones dropped beside them) whose ``process_models`` name
    one of these neuron classes."""
    cases = json.loads((refdir / "r2" / "cases.json").read_text())["cases"]
    mine = {name: spec for name, spec in sorted(cases.items()) if _names(spec) & neurons}
    other = {name: spec["kind"] for name, spec in mine.items() if spec.get("kind") not in NEURON_KINDS}
    assert not other, f"cases of {sorted(neurons)} in a graph this runner does not build: {other}"
    return mine


def lava_class(path: str):
    """neuroproc's class for a Lava class path (``lava.proc.x.y.Name`` -> ``neuroproc.proc.x.y.Name``)."""
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module("neuroproc" + module[len("lava"):]), name)


def _neuron_class(spec: dict, models: dict) -> type:
    """The case's neuron: the Process that is neither a RingBuffer nor a connection."""
    if "neuron" in spec:
        return next(c for c in models if c.__name__ == spec["neuron"])
    return next(c for c in models if c.__name__ not in ("RingBuffer", "Dense"))


def neuron_kwargs(spec: dict) -> dict:
    kwargs = {k: np.asarray(v) if isinstance(v, list) else v for k, v in spec["params"].items()}
    for state in ("u", "v", "i"):  # initial states are stored as u0, v0, ...
        if f"{state}0" in kwargs:
            kwargs[state] = kwargs.pop(f"{state}0")
    if "act_mode" in kwargs:
        from neuroproc.proc.sdn.process import ActivationMode

        kwargs["act_mode"] = ActivationMode[kwargs["act_mode"]]
    return kwargs


def run_case(spec: dict, ref: dict, backend: str) -> dict:
    """Build the case's network, run it on ``backend``, return what the npz holds."""
    models = {lava_class(p): lava_class(m) for p, m in spec["process_models"].items()}
    neuron_cls = _neuron_class(spec, models)
    steps, n_out = spec["T"], spec["n_out"]
    dense_kw = {"num_message_bits": spec["num_message_bits"]} if "num_message_bits" in spec else {}
    src = io.source.RingBuffer(data=ref["input"])
    neuron = neuron_cls(shape=(n_out,), **neuron_kwargs(spec))
    sink = io.sink.RingBuffer(shape=(n_out,), buffer=steps)
    first, second = SECOND_INPUT.get(neuron_cls.__name__, ("a_in", None))
    dense = Dense(ref["weights"], **dense_kw)
    src.s_out.connect(dense.s_in)
    dense.a_out.connect(getattr(neuron, first))
    if second is not None:
        dense2 = Dense(ref["weights2"], **dense_kw)
        src.s_out.connect(dense2.s_in)
        dense2.a_out.connect(getattr(neuron, second))
    neuron.s_out.connect(sink.a_in)
    var_keys = [k for k in spec["keys"] if k not in NOT_NEURON_VARS]
    mon = Monitor()
    for key in var_keys:
        mon.probe(getattr(neuron, key), steps)
    mon.probe(dense.a_buff, steps)
    tag = "fixed_pt" if spec["model"] == "fixed" else "floating_pt"
    cfg = Loihi2SimCfg(select_tag=tag, exception_proc_model_map=models, backend=backend)
    try:
        neuron.run(RunSteps(steps), cfg)
        data = mon.get_data()
        got = {key: data[neuron.name][key] for key in var_keys}
        got.update(s_out=sink.data.get(), a_buff=data[dense.name]["a_buff"],
                   weights_after_run=dense.weights.get(), backend=neuron.runtime.backend.name)
        return got
    finally:
        neuron.stop()


def mismatches(spec: dict, ref: dict, got: dict) -> list[str]:
    """Keys whose values differ from Lava's (exact comparison, NaN equal to NaN)."""
    bad = []
    for key in spec["keys"]:
        if key in ("input", "weights", "weights2"):
            continue
        want, have = np.asarray(ref[key]), np.asarray(got[key], dtype=np.float64)
        if want.shape != have.shape or not np.array_equal(want, have, equal_nan=True):
            diff = (np.nanmax(np.abs(want - have)) if want.shape == have.shape else f"shape {have.shape}")
            bad.append(f"{spec['name']}[{got['backend']}].{key}: max |diff| {diff}")
    return bad


def check_all(refdir, load_ref, neurons: set[str], backend: str) -> list[str]:
    """Run every case of ``neurons`` on ``backend``; returns the case names (asserting all match)."""
    cases = cases_of(refdir, neurons)
    assert cases, f"no r2 reference case for {sorted(neurons)}"
    bad: list[str] = []
    for name, spec in cases.items():
        got = run_case(spec, load_ref(f"r2/{name}"), backend)
        assert got["backend"] == backend, f"{name}: ran on {got['backend']}"
        bad += mismatches(spec, load_ref(f"r2/{name}"), got)
    assert not bad, "\n".join(bad)
    return list(cases)
