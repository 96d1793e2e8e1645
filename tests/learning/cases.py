"""Rebuild the learning cases of the Lava reference data (``r2/cases.json``) from their spec.

Kinds: ``learn_rb`` (RingBuffer pre/post spikes into a LearningDense/LearningSparse),
``stdp_lif2lif`` (LIF -> LearningDense -> LIF, post spikes back as bap) and ``rstdp_lif2lif``
(as Lava's test: the post neuron is ``RSTDPLIF`` from :mod:`tests.learning.rstdp_lif`, the reward
reaches it through a binary Dense). :func:`run_case` runs a case in pieces of ``split_every``
steps with Monitors attached and returns the recorded values under the reference's keys.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from neuroproc import Loihi2SimCfg, Monitor, RunSteps
from neuroproc.learning.constants import GradedSpikeCfg
from neuroproc.learning.learning_rule import Loihi2FLearningRule
from neuroproc.proc import io
from neuroproc.proc.dense.process import Dense, LearningDense
from neuroproc.proc.learning_rules import RewardModulatedSTDP, STDPLoihi
from neuroproc.proc.lif.process import LIF
from neuroproc.proc.sparse.process import LearningSparse
from tests.learning.rstdp_lif import RSTDPLIF

KINDS = ("learn_rb", "stdp_lif2lif", "rstdp_lif2lif")
_RULES = {"STDPLoihi": STDPLoihi, "Loihi2FLearningRule": Loihi2FLearningRule,
          "RewardModulatedSTDP": RewardModulatedSTDP}


def learning_cases(cases: dict) -> list[str]:
    return sorted(k for k, v in cases.items() if v.get("kind") in KINDS)


def make_rule(spec: dict):
    kw = {k: v for k, v in spec["rule"].items() if k != "cls"}
    return _RULES[spec["rule"]["cls"]](**kw)


def _lif(params: dict, n: int, cls=LIF, **extra):
    return cls(shape=(n,), du=params["du"], dv=params["dv"], vth=params["vth"],
               bias_mant=np.asarray(params["bias_mant"]), **extra)


def build(spec: dict, ref: dict):
    """(runner process, conn, monitored {ref key: (process, var name)}, sinks {ref key: sink})."""
    rule = make_rule(spec)
    kind = spec["kind"]
    if kind == "learn_rb":
        n_out, n_in = ref["weights_init"].shape
        kw = {"num_message_bits": spec.get("num_message_bits", 0)}
        if "graded_spike_cfg" in spec:
            kw["graded_spike_cfg"] = GradedSpikeCfg[spec["graded_spike_cfg"]]
        for key in ("tag_1", "tag_2"):
            if f"{key}_init" in ref:
                kw[key] = ref[f"{key}_init"]
        if spec.get("sparse"):
            conn = LearningSparse(sp.csr_matrix(ref["weights_init"] * ref["sparse_mask"]), learning_rule=rule, **kw)
        else:
            conn = LearningDense(ref["weights_init"], learning_rule=rule, **kw)
        pre = io.source.RingBuffer(data=ref["pre_input"])
        post = io.source.RingBuffer(data=ref["post_input"])
        sink = io.sink.RingBuffer(shape=(n_out,), buffer=spec["T"])
        pre.s_out.connect(conn.s_in)
        post.s_out.connect(conn.s_in_bap)
        conn.a_out.connect(sink.a_in)
        probes = {f"mon_{k}": (conn, k) for k in ("weights", "tag_1", "tag_2", "x1", "x2", "tx", "x0", "y1",
                                                  "ty", "y0")}
        return pre, conn, probes, {"a_out_sink": sink}
    w0 = np.asarray(spec["w0"], float)
    n_out, n_in = w0.shape
    pre = _lif(spec["pre"], n_in)
    conn = LearningDense(w0, learning_rule=rule)
    if kind == "stdp_lif2lif":
        post = _lif(spec["post"], n_out)
        post.s_out.connect(conn.s_in_bap)
    else:
        post = _lif(spec["post"], n_out, cls=RSTDPLIF, learning_rule=rule)
        reward = io.source.RingBuffer(data=ref["reward_input"])
        reward_dense = Dense(np.eye(n_out))
        reward.s_out.connect(reward_dense.s_in)
        reward_dense.a_out.connect(post.a_third_factor_in)
        post.s_out_bap.connect(conn.s_in_bap)
        post.s_out_y1.connect(conn.s_in_y1)
        post.s_out_y2.connect(conn.s_in_y2)
        post.s_out_y3.connect(conn.s_in_y3)
    pre.s_out.connect(conn.s_in)
    conn.a_out.connect(post.a_in)
    pre_sink = io.sink.RingBuffer(shape=(n_in,), buffer=spec["T"])
    post_sink = io.sink.RingBuffer(shape=(n_out,), buffer=spec["T"])
    pre.s_out.connect(pre_sink.a_in)
    post.s_out.connect(post_sink.a_in)
    probes = {f"mon_conn_{k}": (conn, k) for k in ("weights", "x1", "tx", "y1", "ty", "tag_1", "y2")}
    probes.update({"mon_pre_v": (pre, "v"), "mon_post_v": (post, "v"), "mon_post_u": (post, "u")})
    if kind == "rstdp_lif2lif":
        probes.update({"mon_post_y1": (post, "y1"), "mon_post_y2": (post, "y2")})
    return pre, conn, probes, {"pre_spikes": pre_sink, "post_spikes": post_sink}


def run_case(spec: dict, ref: dict, backend: str = "python") -> dict:
    """Run the case as the reference did (pieces of ``split_every`` steps); the values of the
    reference keys it can produce, plus ``final_weights`` and ``backend``."""
    runner, conn, probes, sinks = build(spec, ref)
    wanted = {k: v for k, v in probes.items() if k in ref}
    mon = Monitor()
    for key, (proc, name) in wanted.items():
        mon.probe(getattr(proc, name), spec["T"])
    cfg = Loihi2SimCfg(select_tag="fixed_pt" if spec["model"] == "fixed" else "floating_pt", backend=backend)
    split = {k: [] for k in ("weights", "tag_1", "tag_2", "x1", "x2", "y1") if f"split_{k}" in ref}
    out: dict = {}
    try:
        done = 0
        for stop in ref.get("split_steps", [spec["T"]]):
            runner.run(RunSteps(int(stop) - done), cfg)
            done = int(stop)
            for k, values in split.items():
                values.append(_dense(conn, k))
        data = mon.get_data()
        for key, (proc, name) in wanted.items():
            out[key] = data[proc.name][name]
        for key, sink in sinks.items():
            out[key] = sink.data.get()
        for k, values in split.items():
            out[f"split_{k}"] = np.array(values)
        out["final_weights"] = _dense(conn, "weights")
        out["backend"] = runner.runtime.backend.name
    finally:
        runner.stop()
    return out


def _dense(conn, key: str) -> np.ndarray:
    if isinstance(conn, LearningSparse) and key in ("weights", "tag_1", "tag_2"):
        return (conn.weights_csr() if key == "weights" else conn.tag_csr(key)).toarray()
    return getattr(conn, key).get()
