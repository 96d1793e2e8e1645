"""Every Lava reference case of the connection processes (``r2/cases.json``, kinds ``delay``,
``conv`` and ``convintime``) rebuilt from its spec and stored arrays, on both backends.

The cases are read from ``cases.json`` at collection time, so cases added to the folder later
(held-back seeds and parameters) are run too. Graph per kind (README of r2): ``RB(input) -> conn
-> sink`` (``delaydense_lif_*``: ``conn -> LIF -> sink``), a Monitor on the connection's buffer
where the case stores it. Everything is compared with ``assert_array_equal``: bit for bit, floats
included (the models add in Lava's order).
"""
from __future__ import annotations

import json

import numpy as np
import pytest
import scipy.sparse as sp

from neuroproc import Loihi2SimCfg, Monitor, RunSteps
from neuroproc.proc.conv.process import Conv
from neuroproc.proc.conv_in_time.process import ConvInTime
from neuroproc.proc.dense.process import DelayDense
from neuroproc.proc.io import sink, source
from neuroproc.proc.lif.process import LIF
from neuroproc.proc.sparse.process import DelaySparse
from neuroproc.utils.fixed_point import SignMode
from tests.conftest import reference_dir

KINDS = ("delay", "conv", "convintime")


def _cases() -> list:
    ref = reference_dir()
    if ref is None or not (ref / "r2" / "cases.json").is_file():
        return [pytest.param(None, marks=pytest.mark.skip(reason="r2 reference data not found"))]
    cases = json.loads((ref / "r2" / "cases.json").read_text())["cases"]
    return sorted(name for name, spec in cases.items() if spec["kind"] in KINDS)


@pytest.fixture(scope="module")
def specs(refdir) -> dict:
    return json.loads((refdir / "r2" / "cases.json").read_text())["cases"]


def _conn_kwargs(spec: dict) -> dict:
    """The connection parameters a case gives (absent ones keep Lava's defaults)."""
    kw = {k: spec[k] for k in ("num_message_bits", "weight_exp", "num_weight_bits") if k in spec}
    mode = spec.get("sign_mode")
    if mode is not None and mode != "auto":
        kw["sign_mode"] = SignMode[mode] if isinstance(mode, str) else SignMode(int(mode))
    return kw


def _build_delay(spec, ref):
    kw = _conn_kwargs(spec)
    if spec["conn"] == "DelaySparse":
        mask = ref["sparse_mask"].astype(bool)
        conn = DelaySparse(sp.csr_matrix(ref["weights"] * mask), delays=sp.csr_matrix(ref["delays"] * mask),
                           max_delay=spec.get("max_delay", 0), name="conn", **kw)
        weights_after = lambda: conn.weights_csr().toarray()  # noqa: E731
    else:
        conn = DelayDense(ref["weights"], delays=ref["delays"], max_delay=spec.get("max_delay", 0), name="conn", **kw)
        weights_after = conn.weights.get
    return conn, conn.a_buff, weights_after


def run_case(spec: dict, ref: dict, backend: str) -> dict:
    """Build the case's network, run it, return what the case stores (same keys)."""
    steps = spec["T"]
    fixed = spec["model"] == "fixed"
    src = source.RingBuffer(data=ref["input"], name="src")
    if spec["kind"] == "delay":
        conn, buff, weights_after = _build_delay(spec, ref)
    else:
        conn, buff, weights_after = BUILDERS[spec["kind"]](spec, ref)
    src.s_out.connect(conn.s_in)
    mon = Monitor(name="mon")
    out: dict = {}
    lif = None
    if "lif" in spec:
        lif = LIF(shape=conn.a_out.shape, name="lif", **spec["lif"])
        conn.a_out.connect(lif.a_in)
        snk = sink.RingBuffer(shape=lif.s_out.shape, buffer=steps, name="snk")
        lif.s_out.connect(snk.a_in)
        mon.probe(lif.v, steps)
        mon.probe(lif.u, steps)
    else:
        snk = sink.RingBuffer(shape=conn.a_out.shape, buffer=steps, name="snk")
        conn.a_out.connect(snk.a_in)
    if buff is not None and "a_buff" in ref:
        mon.probe(buff, steps)
    cfg = Loihi2SimCfg(select_tag="fixed_pt" if fixed else "floating_pt", backend=backend)
    try:
        src.run(RunSteps(steps), cfg)
        assert src.runtime.backend.name == backend, getattr(src.runtime.backend, "reason", None)
        data = mon.get_data()
        out["spikes" if lif is not None else "a_out"] = snk.data.get()
        if lif is not None:
            out["v"], out["u"] = data["lif"]["v"], data["lif"]["u"]
        if buff is not None and "a_buff" in ref:
            out["a_buff"] = data["conn"][buff.name]
        for key in ("weights_after_run", "weight_after_run"):
            if key in ref:
                out[key] = weights_after()
    finally:
        src.stop()
    return out


def _build_conv(spec, ref):
    conn = Conv(weight=ref["weight"], input_shape=tuple(spec["input_shape"]), padding=spec["padding"],
                stride=spec["stride"], dilation=spec["dilation"], groups=spec["groups"], name="conn",
                **_conn_kwargs(spec))
    assert conn.output_shape == tuple(spec["output_shape"])
    return conn, conn.a_buf, conn.weight.get


def _build_conv_in_time(spec, ref):
    conn = ConvInTime(weights=ref["weights"], name="conn", **_conn_kwargs(spec))
    return conn, conn.a_buff, conn.weights.get


BUILDERS: dict = {"conv": _build_conv, "convintime": _build_conv_in_time}


@pytest.mark.parametrize("backend", ["python", "compiled"])
@pytest.mark.parametrize("name", _cases())
def test_connection_case_matches_lava(load_ref, specs, name, backend):
    spec, ref = specs[name], load_ref(f"r2/{name}")
    got = run_case(spec, ref, backend)
    assert got, name
    for key, value in got.items():
        assert key in ref, f"{name}: the case stores no {key}"
        np.testing.assert_array_equal(value, ref[key], err_msg=f"{name}: {key} ({backend})")
