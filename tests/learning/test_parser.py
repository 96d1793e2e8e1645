"""The rule-string parser: product series equal to what Lava parses (stored in cases.json and
worked out by hand), and errors that name the rule, the token and its column."""
from __future__ import annotations

import json

import pytest

from neuroproc.exceptions import ValidationError
from neuroproc.learning.learning_rule import Loihi2FLearningRule, Loihi3FLearningRule, LoihiLearningRule
from neuroproc.learning.product_series import ProductSeries
from neuroproc.learning.symbolic_equation import SymbolicEquation, tokenize
from neuroproc.learning.utils import float_to_literal
from neuroproc.proc.learning_rules import RewardModulatedSTDP, STDPLoihi


def _series(rule: str, target: str = "dw"):
    ps = ProductSeries(SymbolicEquation(target, rule))
    return [(p.dependency, p.s_mantissa, p.s_exp, [(f.state_var, f.const, f.is_sgn) for f in p.factors])
            for p in ps.products]


def test_every_parsed_rule_of_the_reference_equals_lavas(refdir):
    cases = json.loads((refdir / "r2" / "cases.json").read_text())["cases"]
    checked = 0
    for case in cases.values():
        lr = case.get("learning_rule")
        if not lr:
            continue
        for target, want in lr["parsed_product_series"].items():
            got = ProductSeries(SymbolicEquation(target, lr[target])).products
            assert [(p.dependency, p.s_mantissa, p.s_exp, p.scale) for p in got] == \
                [(w["dependency"], w["s_mantissa"], w["s_exp"], w["scale"]) for w in want]
            assert [[(f.state_var, f.const, f.is_sgn) for f in p.factors] for p in got] == \
                [[(f["state_var"], f["const"], f["is_sgn"]) for f in w["factors"]] for w in want]
            checked += 1
    assert checked >= 14


@pytest.mark.parametrize("rule, want", [
    # literals multiply into the scale; N * 2^E and 2^E forms; the sign of a product
    ("x0 * y1", [("x0", 1, 7, [("y1", None, False)])]),
    ("- 3 * y0 * x1 * 2^-2", [("y0", -3, 5, [("x1", None, False)])]),
    ("x0*2*2^-1*y1", [("x0", 2, 6, [("y1", None, False)])]),
    # an even mantissa beyond 3 bits is halved into the exponent
    ("16 * x0", [("x0", 4, 9, [])]),
    ("12 * y0 * x2", [("y0", 6, 8, [("x2", None, False)])]),
    # brackets: (var +/- const), (const - var) = -(var - const), (-const), sgn(var + const)
    ("x0 * (x1 - 2)", [("x0", 1, 7, [("x1", -2, False)])]),
    ("x0 * (3 - y2)", [("x0", -1, 7, [("y2", -3, False)])]),
    ("u0 * (-2) * t", [("u", -2, 7, [("t", None, False)])]),
    ("u3 * sgn(w + 1) * d", [("u", 1, 7, [("w", 1, True), ("d", None, False)])]),
    ("y0 * (x1 + 2^-1)", [("y0", 1, 7, [("x1", 0.5, False)])]),
    # a second dependency is a 0/1 factor
    ("x0 * y0 * y1", [("x0", 1, 7, [("y0", None, False), ("y1", None, False)])]),
    ("x0*y1 - y0*x1 + u0*x2", [("x0", 1, 7, [("y1", None, False)]), ("y0", -1, 7, [("x1", None, False)]),
                               ("u", 1, 7, [("x2", None, False)])]),
])
def test_products(rule, want):
    assert _series(rule) == want


def test_decimate_exponent_and_spaces():
    ps = ProductSeries(SymbolicEquation("dd", "  u2 * d  -  u2*  x1 * y1"))
    assert ps.decimate_exponent == 2
    assert [p.decimate_exponent for p in ps.products] == [2, 2]


@pytest.mark.parametrize("rule, message", [
    ("x0 * y1 * x3", r"dw: unknown factor 'x3' at column 11\. Traces are x1, x2, y1, y2, y3\."),
    ("x0 * z", r"dw: unknown factor 'z' at column 6\. Factors are"),
    ("x0 * y1 +", r"dw: expected a factor but found the end of the rule at column 10"),
    ("y1 * x1", r"dw: product without a dependency at column 1\."),
    ("x0 * (y1", r"dw: expected '\)' but found the end of the rule at column 9"),
    ("x0 * 3^2", r"dw: only 2 can be raised to a power \(got 3\^\) at column 7"),
    ("x0 * sgn(x1)", r"dw: sgn\(\) of 'x1' at column 10\. sgn applies to the synaptic variables w, d, t"),
    ("x0 * sgn(-w)", r"the variable in sgn\(\) cannot be negated at column 11"),
    ("x0 * -2 * y1", r"a sign inside a product \('-'\) at column 6"),
    ("x0 * y1 $ 2", r"unexpected character '\$' at column 9"),
    ("x0 * ((y1))", r"expected a variable or a constant but found '\(' at column 7"),
    ("x0 * (y1 + 2 + 3)", r"too many terms in brackets"),
    ("x0 * (2 + 3)", r"brackets must hold one variable and at most one constant at column 6"),
    ("u0 * x1 + u1 * y1", r"u1 after u0 at column 11\. All u<k> of a rule must share the same k"),
    ("9 * x0", r"scale mantissa 9 out of range at column 1"),
    ("x0 * 2^9", r"scale exponent 9 out of range"),
    ("", r"dw: empty rule at column 1"),
])
def test_errors_point_at_the_token(rule, message):
    with pytest.raises(ValidationError, match=message) as info:
        LoihiLearningRule(dw=rule)
    assert isinstance(info.value, ValueError)


def test_error_shows_the_rule_with_a_caret():
    with pytest.raises(ValidationError) as info:
        LoihiLearningRule(dt="x0 * y1 * x3")
    lines = str(info.value).splitlines()
    assert lines[1].strip() == "x0 * y1 * x3"
    assert lines[2].index("^") - lines[1].index("x") == 10


def test_tokens_carry_columns():
    toks = tokenize("dw", " x0*2^-1")
    assert [(t.kind, t.text, t.col) for t in toks] == [
        ("name", "x0", 2), ("op", "*", 4), ("num", "2", 5), ("op", "^", 6), ("op", "-", 7), ("num", "1", 8),
        ("end", "", 9)]


@pytest.mark.parametrize("value, literal", [(0, "0"), (1, "(1)"), (-2, "(-2)"), (0.5, "(1) * 2 ^ -1"),
                                            (1.5, "(1) * 2 ^ 1"), (-1.5, "(-1) * 2 ^ 1"), (0.3, "(1) * 2 ^ -2"),
                                            (3, "(3)"), (2.5, "(2) * 2 ^ 0")])
def test_float_to_literal_quantises(value, literal):
    assert float_to_literal(value) == literal


def test_rule_parameters_and_active_traces():
    rule = Loihi2FLearningRule(dw="x0 * y1 + y0 * x1", dd="u0 * x2 * y3", x1_impulse=16, x1_tau=10, t_epoch=2,
                               rng_seed=3)
    assert rule.active_traces == {"x1", "x2", "y1", "y3"}
    assert rule.active_traces_per_dependency == {"x0": {"y1"}, "y0": {"x1"}, "u": {"x2", "y3"}}
    assert list(rule.active_product_series) == ["dw", "dd"] and rule.dt is None
    assert (rule.t_epoch, rule.rng_seed, rule.decimate_exponent) == (2, 3, 0)
    rule.dw_str = "x0 * 2"
    assert rule.dw.products[0].s_mantissa == 2


@pytest.mark.parametrize("kwargs, message", [
    ({}, "no learning rule was given"),
    ({"dw": "x0", "x1_tau": -1}, r"x1_tau: must not be negative \(got -1\)"),
    ({"dw": "x0", "y2_impulse": float("nan")}, "y2_impulse: expected a finite number"),
    ({"dw": "x0", "t_epoch": 0}, r"t_epoch: expected an int >= 1 \(got 0\)"),
    ({"dw": 3}, "a learning rule must be a string"),
])
def test_rule_validation(kwargs, message):
    with pytest.raises(ValidationError, match=message):
        LoihiLearningRule(**kwargs)


def test_shipped_rules():
    stdp = STDPLoihi(learning_rate=0.5, A_plus=2, A_minus=-1.5, tau_plus=5, tau_minus=15, t_epoch=4)
    assert stdp.dw_str == "(1) * 2 ^ -1 * (-1) * 2 ^ 1 * x0 * y1 +(1) * 2 ^ -1 * (2) * y0 * x1"
    assert (stdp.x1_tau, stdp.y1_tau, stdp.x1_impulse, stdp.y1_impulse) == (5, 15, 16, 16)
    r = RewardModulatedSTDP(1, 2, -2, 10, 10, 16, 16, 0.5, rng_seed=0)
    assert isinstance(r, Loihi3FLearningRule)
    assert r.dw_str == " u0 * t * y2 " and r.dt_str.endswith("- u0 * t * (1) * 2 ^ -1")
    assert (r.y1_impulse, r.y1_tau, r.x1_impulse) == (0, 65535, 16)
