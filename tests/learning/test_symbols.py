"""Lava's symbol view of a rule (``SymbolicEquation.symbol_list`` and the symbols' ``find``
factories), built on neuroproc's tokenizer; expectations are those of Lava's own tests."""
from __future__ import annotations

import pytest

from neuroproc.learning.symbolic_equation import (
    BracketExpression,
    Literal,
    SgnExpression,
    SymbolicEquation,
    SymbolList,
    Uk,
    Variable,
    X0,
)


def test_symbol_list_groups_as_lava():
    se = SymbolicEquation("dw", "x0*(-1)*2^-1*y1 + y0*1*2^1*x1")
    assert isinstance(se.symbol_list, SymbolList)
    assert str(se.symbol_list) == (
        "[X0(x0), Multiplication(*), BracketExpression([Subtraction(-), Literal(1)]), Multiplication(*), "
        "Literal(2^-1), Multiplication(*), Variable(y1), Addition(+), Y0(y0), Multiplication(*), "
        "Literal(1*2^1), Multiplication(*), Variable(x1)]")


def test_symbol_list_of_sgn_and_uk():
    symbols = SymbolicEquation("dt", "u3 * sgn(t - 2) * 3 * 2^-2").symbol_list.list
    assert [type(s).__name__ for s in symbols] == ["Uk", "Multiplication", "SgnExpression", "Multiplication",
                                                   "Literal"]
    assert symbols[0].decimate_exponent == 3
    assert symbols[2].sub_expr == "t-2"
    assert str(symbols[2]) == "SgnExpression([Variable(t), Subtraction(-), Literal(2)])"
    assert (symbols[4].mantissa, symbols[4].base, symbols[4].exponent) == (3, 2, -2)


@pytest.mark.parametrize("expr, val, rest", [("1*2^3", 8, ""), ("+2^-3", 0, ""), ("-2^+3", -8, ""),
                                             ("-3*y1", -3, "*y1"), ("+2*2^-3", 0, "")])
def test_literal_find(expr, val, rest):
    symbol, remaining = Literal.find(expr)
    assert symbol.val == val and remaining == rest


def test_find_returns_none_and_the_expression_when_absent():
    assert X0.find("n") == (None, "n")
    assert Uk.find("u") == (None, "u")
    assert Variable.find("y4") == (None, "y4")
    assert Variable.find("y3*w")[1] == "*w"


def test_expressions_find_their_closing_bracket():
    symbol, rest = BracketExpression.find("(w + (3))*y1")
    assert symbol.sub_expr == "w + (3)" and rest == "*y1"
    with pytest.raises(ValueError, match=r"SgnExpression.find: the bracket opened at column 4 is never closed"):
        SgnExpression.find("sgn(w + 3")
