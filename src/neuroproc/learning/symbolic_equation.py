"""Tokenizer and parser of learning-rule strings (Lava's ``symbolic_equation``).

A rule is a sum of products; each product is one *dependency* times factors::

    rule     := [+|-] product { (+|-) product }
    product  := factor { * factor }
    factor   := literal | name | "sgn" "(" inner ")" | "(" inner ")"
    literal  := INT | "2" "^" [+|-] INT                 (INT * 2^E is INT times 2^E)
    name     := x0 | y0 | u<k> | x1 | x2 | y1 | y2 | y3 | w | d | t
    inner    := [+|-] atom [ (+|-) atom ]               (one variable and/or one constant)
    atom     := name | literal [ * 2 ^ [+|-] INT ]

Spaces are ignored. Every error names the rule (``dw``, ``dd``, ``dt``), the offending token
and its column (1-based, in the string as given), says what is allowed, and repeats the rule
with a caret under the token. :class:`SymbolicEquation` holds the parse; the product series
(dependency, scale, factors) is built from it by
:class:`~neuroproc.learning.product_series.ProductSeries`. Lava's symbol classes
(``SymbolList``, ``Literal``, ``Variable``, ...) are re-exported from
:mod:`neuroproc.learning.symbols`; ``SymbolicEquation.symbol_list`` presents a rule with them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NoReturn

from neuroproc.exceptions import ValidationError
from neuroproc.learning import string_symbols as sym
from neuroproc.learning.symbols import (Addition, BracketExpression, Dependency, Expression, FactorSym, Literal,
                                        Multiplication, Operator, SgnExpression, Subtraction, Symbol, SymbolList, Uk,
                                        Variable, X0, Y0, symbols_from_tokens)

__all__ = ["Addition", "Bracket", "BracketExpression", "Constant", "Dependency", "Expression", "FactorSym", "Literal",
           "Multiplication", "Name", "Operator", "SgnExpression", "Subtraction", "Symbol", "SymbolList",
           "SymbolicEquation", "Term", "Token", "Uk", "Variable", "X0", "Y0", "tokenize"]

_TOKEN = re.compile(r"\s*(?:(?P<num>\d+)|(?P<name>[A-Za-z_][A-Za-z_0-9]*)|(?P<op>[-+*^()]))")
_VARIABLES = sym.TRACES | sym.SYNAPTIC_VARIABLES
_TRACE_HINT = "Traces are x1, x2, y1, y2, y3"
_FACTOR_HINT = ("Factors are the dependencies x0, y0, u0..u9, the traces x1, x2, y1, y2, y3, the synaptic "
                "variables w, d, t, integers, 2^E, sgn(...) and (var +/- constant)")


@dataclass(frozen=True)
class Token:
    """One token: ``kind`` is ``'num'``, ``'name'``, ``'op'`` or ``'end'``; ``col`` is 1-based."""

    kind: str
    text: str
    col: int


def tokenize(target: str, rule: str) -> list[Token]:
    """The tokens of ``rule`` followed by an ``'end'`` token; raises on a stray character."""
    tokens, pos = [], 0
    while pos < len(rule):
        if rule[pos:].strip() == "":
            break
        m = _TOKEN.match(rule, pos)
        if m is None or m.end() == pos:
            col = pos + 1 + (len(rule[pos:]) - len(rule[pos:].lstrip()))
            _fail(target, rule, col, f"unexpected character {rule[col - 1]!r}",
                  "Rules use names, integers and the operators + - * ^ ( )")
        kind = m.lastgroup or "op"
        tokens.append(Token(kind, m.group(kind), m.start(kind) + 1))
        pos = m.end()
    tokens.append(Token("end", "", len(rule) + 1))
    return tokens


@dataclass(frozen=True)
class Constant:
    """``mantissa * 2**exponent``."""

    mantissa: int
    exponent: int
    col: int

    @property
    def value(self) -> float:
        return self.mantissa * 2.0 ** self.exponent if self.exponent < 0 else self.mantissa * 2 ** self.exponent


@dataclass(frozen=True)
class Name:
    """A dependency (``x0``, ``y0``, ``u<k>``) or a variable (trace, ``w``, ``d``, ``t``)."""

    name: str
    col: int

    @property
    def is_uk(self) -> bool:
        return self.name[0] == "u"


@dataclass(frozen=True)
class Bracket:
    """``(±var ± const)``, ``(±const)`` or ``sgn(var ± const)``, normalised to
    ``sign * (var + const)`` (``var`` None for a constant, which is then ``literal``)."""

    is_sgn: bool
    var: str | None
    const: float | None
    sign: int
    literal: Constant | None
    col: int


@dataclass(frozen=True)
class Term:
    """One product: its sign and its factors in order."""

    sign: int
    items: tuple = field(default_factory=tuple)
    col: int = 1


class SymbolicEquation:
    """A parsed learning rule: ``target`` (``'dw'``, ``'dd'`` or ``'dt'``) and its terms."""

    def __init__(self, target: str, str_learning_rule: str) -> None:
        if target not in sym.LEARNING_RULE_TARGETS:
            raise ValidationError(f"SymbolicEquation.target: unknown target (got {target!r}). "
                                  "Use 'dw', 'dd' or 'dt'.")
        if not isinstance(str_learning_rule, str):
            raise ValidationError(f"{target}: a learning rule must be a string (got "
                                  f"{type(str_learning_rule).__name__}). Write it e.g. as 'x0 * y1 - y0 * x1'.")
        self._target = target
        self._rule = str_learning_rule
        self._tokens = tokenize(target, str_learning_rule)
        self._pos = 0
        self._terms = self._parse_rule()
        self._symbols: SymbolList | None = None

    @property
    def target(self) -> str:
        return self._target

    @property
    def str_learning_rule(self) -> str:
        return self._rule

    @property
    def terms(self) -> tuple[Term, ...]:
        return self._terms

    @property
    def symbol_list(self) -> SymbolList:
        """The rule as Lava's flat list of symbols (built from the tokens on first use)."""
        if self._symbols is None:
            self._symbols = symbols_from_tokens(self._tokens)
        return self._symbols

    def fail(self, col: int, what: str, hint: str) -> NoReturn:
        """Raise a ValidationError about column ``col`` of this rule."""
        _fail(self._target, self._rule, col, what, hint)

    # -- recursive descent ---------------------------------------------------------------------
    def _peek(self) -> Token:
        return self._tokens[self._pos]

    def _next(self) -> Token:
        tok = self._tokens[self._pos]
        self._pos += 1
        return tok

    def _expect(self, text: str, hint: str) -> Token:
        tok = self._next()
        if tok.text != text or tok.kind != "op":
            self.fail(tok.col, f"expected '{text}' but found {_show(tok)}", hint)
        return tok

    def _parse_rule(self) -> tuple[Term, ...]:
        if self._peek().kind == "end":
            self.fail(1, "empty rule", "Write a sum of products such as 'x0 * y1 - y0 * x1'")
        terms = []
        sign = self._sign()
        terms.append(self._parse_term(sign))
        while self._peek().kind == "op" and self._peek().text in "+-":
            terms.append(self._parse_term(self._sign()))
        tok = self._peek()
        if tok.kind != "end":
            self.fail(tok.col, f"unexpected {_show(tok)}", "Products are joined by + or -, factors by *")
        return tuple(terms)

    def _sign(self) -> int:
        tok = self._peek()
        if tok.kind == "op" and tok.text in "+-":
            self._next()
            return -1 if tok.text == "-" else 1
        return 1

    def _parse_term(self, sign: int) -> Term:
        col = self._peek().col
        items = [self._parse_factor()]
        while self._peek().kind == "op" and self._peek().text == "*":
            self._next()
            items.append(self._parse_factor())
        return Term(sign, tuple(items), col)

    def _parse_factor(self):
        tok = self._peek()
        if tok.kind == "num":
            return self._parse_literal(allow_times=False)
        if tok.kind == "name":
            self._next()
            if tok.text == "sgn":
                self._expect("(", "sgn is written sgn(w), sgn(d + 2) etc.")
                return self._parse_inner(tok.col, is_sgn=True)
            return self._check_name(tok)
        if tok.kind == "op" and tok.text == "(":
            self._next()
            return self._parse_inner(tok.col, is_sgn=False)
        if tok.kind == "op" and tok.text in "+-":
            self.fail(tok.col, f"a sign inside a product ({tok.text!r})",
                      "Put signs between products or inside brackets, e.g. x0 * (-2) * y1")
        self.fail(tok.col, f"expected a factor but found {_show(tok)}", _FACTOR_HINT)

    def _parse_literal(self, allow_times: bool) -> Constant:
        tok = self._next()
        if tok.kind != "num":
            self.fail(tok.col, f"expected an integer but found {_show(tok)}", "Write e.g. 3 or 2^-4")
        if tok.text == "2" and self._peek().text == "^":
            self._next()
            return Constant(1, self._signed_int(), tok.col)
        if self._peek().text == "^":
            self.fail(self._peek().col, f"only 2 can be raised to a power (got {tok.text}^)",
                      "Write constants as N, 2^E or N * 2^E")
        lit = Constant(int(tok.text), 0, tok.col)
        if allow_times and self._peek().text == "*":
            self._next()
            two = self._next()
            if two.text != "2" or self._peek().text != "^":
                self.fail(two.col, f"expected 2^E after '{tok.text} *' but found {_show(two)}",
                          "Inside brackets a constant is N, 2^E or N * 2^E")
            self._next()
            lit = Constant(lit.mantissa, self._signed_int(), tok.col)
        return lit

    def _signed_int(self) -> int:
        sign = self._sign()
        tok = self._next()
        if tok.kind != "num":
            self.fail(tok.col, f"expected an integer exponent but found {_show(tok)}", "Write e.g. 2^-3")
        return sign * int(tok.text)

    def _check_name(self, tok: Token) -> Name:
        name = tok.text
        if name in sym.SPIKE_DEPENDENCIES or name in _VARIABLES or re.fullmatch(r"u\d+", name):
            return Name(name, tok.col)
        if re.fullmatch(r"[xy]\d+", name):
            self.fail(tok.col, f"unknown factor {name!r}", _TRACE_HINT)
        self.fail(tok.col, f"unknown factor {name!r}", _FACTOR_HINT)

    def _parse_inner(self, col: int, is_sgn: bool) -> Bracket:
        atoms: list[tuple[int, Constant | Name]] = []
        first = True
        while True:
            tok = self._peek()
            if tok.kind == "op" and tok.text in "+-":
                sign = self._sign()
            elif first:
                sign = 1
            else:
                break
            first = False
            tok = self._peek()
            if tok.kind == "num":
                atoms.append((sign, self._parse_literal(allow_times=True)))
            elif tok.kind == "name" and tok.text != "sgn":
                self._next()
                name = self._check_name(tok)
                if name.is_uk:
                    self.fail(tok.col, f"{name.name} inside brackets",
                              "u<k> is a dependency: write it as a factor of the product")
                atoms.append((sign, name))
            else:
                self.fail(tok.col, f"expected a variable or a constant but found {_show(tok)}",
                          "Brackets hold (var), (constant) or (var +/- constant); they do not nest")
            if len(atoms) > 2:
                self.fail(tok.col, "too many terms in brackets", "Brackets hold (var +/- constant)")
        self._expect(")", "Brackets hold (var), (constant) or (var +/- constant)")
        names = [(s, a) for s, a in atoms if isinstance(a, Name)]
        lits = [(s, a) for s, a in atoms if isinstance(a, Constant)]
        if len(names) > 1 or len(lits) > 1:
            self.fail(col, "brackets must hold one variable and at most one constant",
                      "Write e.g. (x1 - 2) or sgn(w + 1)")
        if not names:
            if is_sgn:
                self.fail(col, "sgn() of a constant", "Apply sgn to w, d or t, e.g. sgn(w - 2)")
            s, lit = lits[0]
            return Bracket(False, None, None, s, lit, col)
        var_sign, var = names[0]
        const = lits[0][0] * lits[0][1].value if lits else None
        if is_sgn:
            if var.name not in sym.SYNAPTIC_VARIABLES:
                self.fail(var.col, f"sgn() of {var.name!r}", "sgn applies to the synaptic variables w, d, t")
            if var_sign < 0:
                self.fail(var.col, "the variable in sgn() cannot be negated",
                          "Move the sign out: -sgn(w) is written as (-1) * sgn(w)")
        if var_sign < 0 and const is not None:
            const = -const  # -(var) + c  ==  -(var - c)
        return Bracket(is_sgn, var.name, const, var_sign, None, col)


def _show(tok: Token) -> str:
    return "the end of the rule" if tok.kind == "end" else repr(tok.text)


def _fail(target: str, rule: str, col: int, what: str, hint: str) -> NoReturn:
    caret = " " * (col - 1) + "^"
    raise ValidationError(f"{target}: {what} at column {col}. {hint}.\n    {rule}\n    {caret}")
