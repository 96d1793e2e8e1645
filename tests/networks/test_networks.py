"""The network algebra builds the same Process graph a user would build by hand."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import csr_matrix

import neuroproc.frameworks.loihi2 as lv
from neuroproc import Monitor
from neuroproc.exceptions import CompilationError, ValidationError
from neuroproc.networks import NetworkList
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.graded.process import GradedVec as GradedVecProc
from neuroproc.proc.graded.process import InvSqrt, NormVecDelay
from neuroproc.proc.io import sink, source
from neuroproc.proc.lif.process import LIF
from neuroproc.proc.prodneuron.process import ProdNeuron
from neuroproc.proc.sparse.process import Sparse
from neuroproc.report import deployment_report

T = 8
EXP = 8
# values and weights on grids that 8-bit fixed point holds exactly (mixed-sign weights keep 7
# magnitude bits: multiples of 2/128 in base 7)
RNG = np.random.default_rng(3)
X = RNG.integers(-8, 9, size=(3, T)) / 8
W1 = RNG.integers(-4, 5, size=(3, 3)) / 4
W2 = RNG.integers(-4, 5, size=(3, 3)) / 4
W3 = RNG.integers(0, 5, size=(2, 3)) / 4
LIF_KW = dict(shape=(2,), du=1024, dv=512, vth=40, bias_mant=0)


def _graded_conn(cls, w):
    return cls(weights=w * 2 ** 7, num_message_bits=24, num_weight_bits=8, weight_exp=-7)


def _by_algebra():
    inp = lv.InputVec(X, exp=EXP)
    u = lv.GradedVec(shape=(3,), vth=1, exp=EXP)
    u << inp
    v = lv.GradedVec(shape=(3,), vth=1, exp=EXP)
    v << lv.GradedDense(weights=W1) @ inp + lv.GradedSparse(weights=csr_matrix(W2)) @ inp
    p = lv.GradedVec(shape=(3,), vth=1, exp=EXP)
    p << u * v
    norm = lv.NormalizeNet(shape=(3,), exp=EXP)
    norm << p
    lif = lv.LIFVec(**LIF_KW)
    lif << lv.GradedDense(weights=W3) @ v
    outs = {}
    for key, net in (("u", u), ("v", v), ("p", p), ("norm", norm)):
        outs[key] = lv.OutputVec(shape=(3,), buffer=T)
        outs[key] << net
    return inp.main, lif.main, {k: o.outport_plug for k, o in outs.items()}


def _by_hand():
    inp = source.RingBuffer(data=X * 2 ** EXP)
    u, v, p = (GradedVecProc(shape=(3,), vth=1, exp=EXP) for _ in range(3))
    eye = np.eye(3)
    ident = _graded_conn(Sparse, csr_matrix(eye))
    inp.s_out.connect(ident.s_in)
    ident.a_out.connect(u.a_in)
    d1, s2 = _graded_conn(Dense, W1), _graded_conn(Sparse, csr_matrix(W2))
    for conn in (d1, s2):
        inp.s_out.connect(conn.s_in)
        conn.a_out.connect(v.a_in)
    prod = ProdNeuron(shape=(3,), vth=1, exp=EXP)
    ea, eb, eo = (_graded_conn(Sparse, eye) for _ in range(3))
    u.s_out.connect(ea.s_in)
    ea.a_out.connect(prod.a_in1)
    v.s_out.connect(eb.s_in)
    eb.a_out.connect(prod.a_in2)
    prod.s_out.connect(eo.s_in)
    eo.a_out.connect(p.a_in)
    norm = NormVecDelay(shape=(3,), vth=1, exp=EXP)
    inv = InvSqrt(shape=(1,), fp_base=EXP)
    squares = Dense(weights=np.ones((1, 3)), num_message_bits=24)
    spread = Dense(weights=np.ones((3, 1)), num_message_bits=24)
    norm.s2_out.connect(squares.s_in)
    squares.a_out.connect(inv.a_in)
    inv.s_out.connect(spread.s_in)
    spread.a_out.connect(norm.a_in2)
    ident_p = _graded_conn(Sparse, csr_matrix(eye))
    p.s_out.connect(ident_p.s_in)
    ident_p.a_out.connect(norm.a_in1)
    lif = LIF(**LIF_KW)
    d3 = _graded_conn(Dense, W3)
    v.s_out.connect(d3.s_in)
    d3.a_out.connect(lif.a_in)
    sinks = {}
    for key, src in (("u", u), ("v", v), ("p", p), ("norm", norm)):
        sinks[key] = sink.RingBuffer(shape=(3,), buffer=T)
        src.s_out.connect(sinks[key].a_in)
    return inp, lif, sinks


def _run(build, backend):
    root, lif, sinks = build()
    mon_v, mon_u = Monitor(), Monitor()
    mon_v.probe(lif.v, T)
    mon_u.probe(lif.u, T)
    root.run(condition=lv.RunSteps(T), run_cfg=lv.Loihi2SimCfg(select_tag="fixed_pt", backend=backend))
    out = {k: s.data.get().copy() for k, s in sinks.items()}
    out["lif_v"] = mon_v.get_data()[lif.name]["v"].copy()
    out["lif_u"] = mon_u.get_data()[lif.name]["u"].copy()
    root.stop()
    return out


@pytest.fixture(scope="module")
def results():
    return {(how, backend): _run(build, backend)
            for how, build in (("algebra", _by_algebra), ("hand", _by_hand))
            for backend in ("python", "compiled")}


@pytest.mark.parametrize("backend", ["python", "compiled"])
def test_algebra_equals_hand_built(results, backend):
    algebra, hand = results[("algebra", backend)], results[("hand", backend)]
    assert algebra.keys() == hand.keys()
    for key in algebra:
        np.testing.assert_array_equal(algebra[key], hand[key], err_msg=key)
    # the network is not silent: every stage carries values
    for key in ("u", "v", "p", "norm"):
        assert np.count_nonzero(algebra[key]) > 0, key
    assert np.count_nonzero(algebra["lif_v"]) > 0


def test_backends_agree(results):
    for key, value in results[("algebra", "python")].items():
        np.testing.assert_array_equal(value, results[("algebra", "compiled")][key], err_msg=key)


def test_values_follow_fixed_point_algebra(results):
    """Independent expectation: u = x and v = W1 x + W2 x in base 8 (one step later, Dense's
    delay), p = u * v in base 8 (two steps after v); identity and exact weights lose nothing."""
    out = results[("algebra", "python")]
    x = (X * 2 ** EXP).astype(np.int64)
    u = np.zeros((3, T), np.int64)
    u[:, 1:] = x[:, :-1]
    v = np.zeros((3, T), np.int64)
    v[:, 1:] = ((W1 * 128).astype(np.int64) @ x[:, :-1] >> 7) + ((W2 * 128).astype(np.int64) @ x[:, :-1] >> 7)
    v[np.abs(v) <= 1] = 0
    p = np.zeros((3, T), np.int64)
    p[:, 2:] = (u[:, :-2] * v[:, :-2]) >> EXP
    p[np.abs(p) <= 1] = 0
    np.testing.assert_array_equal(out["u"], u)
    np.testing.assert_array_equal(out["v"], v)
    np.testing.assert_array_equal(out["p"], p)


def test_fan_in_sums_and_vector_copies():
    a, b = lv.InputVec(np.array([[1.0], [2.0]]), exp=4), lv.InputVec(np.array([[10.0], [20.0]]), exp=4)
    total = lv.GradedVec(shape=(2,), vth=0)
    summands = lv.GradedDense(weights=np.eye(2)) @ a + lv.GradedDense(weights=1.5 * np.eye(2)) @ b
    assert isinstance(summands, NetworkList) and len(summands) == 2
    assert (total << summands) is total
    out = lv.OutputVec(shape=(2,), buffer=3)
    out << total
    total.run(condition=lv.RunSteps(3), run_cfg=lv.Loihi2SimCfg(select_tag="fixed_pt"))
    data = out.get_data()
    total.stop()
    expected = (np.array([1, 2]) + 1.5 * np.array([10, 20])) * 2 ** 4
    np.testing.assert_array_equal(data[:, 1:], np.stack([expected, expected], axis=1))


def test_matrix_product_builds_a_product_vector():
    a, b = lv.GradedDense(weights=np.eye(2)), lv.GradedDense(weights=np.eye(2))
    prod = a * b
    assert isinstance(prod, lv.ProductVec) and prod.shape == (2,)
    assert [p.process for p in prod.in_port.in_connections] == [a.main]
    assert [p.process for p in prod.in_port2.in_connections] == [b.main]


def test_algebra_appears_in_the_deployment_report():
    root, _, sinks = _by_algebra()
    report = deployment_report(root, lv.Loihi2SimCfg(select_tag="fixed_pt"))
    names = [row.model for row in report.processes]
    # source, 4 sinks, u/v/p, LIF, W1, W2, W3, identities into u and into the norm, the product's
    # 3 identities and ProdNeuron, the norm's NormVecDelay, InvSqrt and 2 Dense
    assert len(names) == 1 + 4 + 3 + 1 + 3 + 2 + 4 + 4
    assert names.count("PyProdNeuronModelFixed") == 1 and names.count("InvSqrtModelFP") == 1


def test_errors_name_the_fix():
    with pytest.raises(ValidationError, match=r"ProductVec: '<<' takes a pair of networks"):
        lv.ProductVec(shape=(2,)) << lv.GradedVec(shape=(2,))
    with pytest.raises(ValidationError, match=r"InputVec: Loihi 2 I/O adapters"):
        lv.InputVec(np.ones((2, 1)), loihi2=True)
    with pytest.raises(CompilationError, match=r"Loihi2HwCfg: there is no Loihi 2 hardware"):
        lv.Loihi2HwCfg()
    with pytest.raises(TypeError):
        lv.GradedVec(shape=(2,)) << 3


def test_input_vec_leaves_its_argument_alone():
    vec = np.ones((2, 3))
    lv.InputVec(vec, exp=3)
    np.testing.assert_array_equal(vec, np.ones((2, 3)))


@pytest.mark.parametrize("cls", [lv.GradedDense, lv.GradedSparse])
def test_float_weights_are_cast_toward_zero_in_their_base(cls):
    w = np.array([[0.3, -0.3], [1.0, 0.0]])
    inp = lv.InputVec(np.array([[1.0], [0.0]]), exp=7)
    mat = cls(weights=csr_matrix(w) if cls is lv.GradedSparse else w)
    out = lv.GradedVec(shape=(2,), vth=0)
    out << mat @ inp
    rec = lv.OutputVec(shape=(2,), buffer=2)
    rec << out
    out.run(condition=lv.RunSteps(2), run_cfg=lv.Loihi2SimCfg(select_tag="fixed_pt"))
    data = rec.get_data()
    out.stop()
    # 0.3 * 128 = 38.4 -> 38; input 1.0 in base 7 = 128; (38 * 128) >> 7 = 38
    np.testing.assert_array_equal(data[:, 1], [38, 128])
