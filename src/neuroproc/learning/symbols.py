"""Lava's symbol view of a learning rule (``lava.magma.core.learning.symbolic_equation``'s
``Symbol`` classes): a flat :class:`SymbolList` of operators, dependencies, variables, literals
and bracketed sub-lists.

Rules are parsed by :class:`~neuroproc.learning.symbolic_equation.SymbolicEquation`'s tokenizer
and recursive-descent parser; this module only presents a parsed rule the way Lava's classes do
(:func:`symbols_from_tokens`) and offers their ``find`` factories, which match one symbol at the
start of a string (spaces removed) and return it with the rest of the string, or ``(None, expr)``.
"""
from __future__ import annotations

import re
from typing import Any

from neuroproc.exceptions import ValidationError
from neuroproc.learning import string_symbols as sym

__all__ = ["Addition", "BracketExpression", "Dependency", "Expression", "FactorSym", "Literal", "Multiplication",
           "Operator", "SgnExpression", "Subtraction", "Symbol", "SymbolList", "Uk", "Variable", "X0", "Y0",
           "symbols_from_tokens"]


class Symbol:
    """One symbol: its text ``expr``; ``str()`` is ``ClassName(expr)``."""

    def __init__(self, expr: str = "") -> None:
        self._expr = expr

    @property
    def expr(self) -> str:
        return self._expr

    @expr.setter
    def expr(self, expr: str) -> None:
        self._expr = expr

    def __str__(self) -> str:
        return f"{type(self).__name__}({self._expr})"

    @classmethod
    def _match(cls, expr: str, pattern: str, symbol: Any = None):
        m = re.match(pattern, expr)
        if m is None:
            return None, expr
        symbol = cls() if symbol is None else symbol
        symbol.expr = m.group()
        return symbol, expr[m.end():]


class SymbolList(Symbol):
    """Symbols in rule order; ``expr`` is their texts joined."""

    def __init__(self) -> None:
        super().__init__("")
        self._list: list[Symbol] = []

    @property
    def list(self) -> list[Symbol]:
        return self._list

    def append(self, symbol: Symbol) -> None:
        self._list.append(symbol)
        self._expr += symbol.expr

    def __str__(self) -> str:
        return "[" + ", ".join(str(s) for s in self._list) + "]"


class Operator(Symbol):
    """``+``, ``-`` or ``*``."""


class Addition(Operator):
    @staticmethod
    def find(expr: str):
        return Addition._match(expr, r"\+")


class Subtraction(Operator):
    @staticmethod
    def find(expr: str):
        return Subtraction._match(expr, r"-")


class Multiplication(Operator):
    @staticmethod
    def find(expr: str):
        return Multiplication._match(expr, r"\*")


class FactorSym(Symbol):
    """A factor of a product."""


class Dependency(FactorSym):
    """``x0``, ``y0`` or ``u<k>``."""


class X0(Dependency):
    @staticmethod
    def find(expr: str):
        return X0._match(expr, sym.X0)


class Y0(Dependency):
    @staticmethod
    def find(expr: str):
        return Y0._match(expr, sym.Y0)


class Uk(Dependency):
    """``u<k>``: the dependency active every ``2**k``-th epoch (``decimate_exponent`` k, one digit)."""

    def __init__(self, expr: str = "") -> None:
        super().__init__(expr)
        self.decimate_exponent: int | None = None

    @staticmethod
    def find(expr: str):
        symbol, rest = Uk._match(expr, r"u\d")
        if symbol is not None:
            symbol.decimate_exponent = int(symbol.expr[1:])
        return symbol, rest


class Variable(FactorSym):
    """A trace (``x1``, ``x2``, ``y1``, ``y2``, ``y3``) or a synaptic variable (``w``, ``d``, ``t``)."""

    @staticmethod
    def find(expr: str):
        return Variable._match(expr, r"x[12]|y[123]|w|d|t")


class Expression(FactorSym):
    """A bracketed sub-expression: ``sub_expr`` (its text) and ``symbol_list`` (its symbols)."""

    OPEN = "("

    def __init__(self, expr: str = "") -> None:
        super().__init__(expr)
        self.sub_expr: str | None = None
        self.symbol_list: SymbolList | None = None

    def __str__(self) -> str:
        return f"{type(self).__name__}({self.symbol_list})"

    @classmethod
    def find(cls, expr: str):
        if not expr.startswith(cls.OPEN):
            return None, expr
        depth = 0
        for m in re.finditer(r"[()]", expr):
            depth += 1 if m.group() == "(" else -1
            if depth == 0:
                symbol = cls(expr)  # Lava keeps the whole string it was given as the symbol's text
                symbol.sub_expr = expr[len(cls.OPEN):m.start()]
                return symbol, expr[m.end():]
        raise ValidationError(f"{cls.__name__}.find: the bracket opened at column {len(cls.OPEN)} is never closed "
                              f"(got {expr!r}). Add the closing ')'.")


class BracketExpression(Expression):
    """``( ... )``."""


class SgnExpression(Expression):
    """``sgn( ... )``."""

    OPEN = "sgn("


class Literal(Symbol):
    """An integer ``N``, ``N*2^E`` or ``2^E`` (each with an optional sign); ``val`` is its value
    truncated to an integer, as Lava's (``2^-3`` has ``val`` 0)."""

    _FORMS = (r"[+-]?\d+\*2\^[+-]?\d+", r"[+-]?2\^[+-]?\d+", r"[+-]?\d+")

    def __init__(self, expr: str = "") -> None:
        super().__init__(expr)
        self.mantissa, self.base, self.exponent = 0, 1, 0
        self.literal_type: int | None = None

    def to_int(self) -> None:
        """Split ``expr`` into ``mantissa * base ** exponent``."""
        head, _, exp = self._expr.partition("^")
        if self.literal_type == 0:
            self.mantissa, self.base, self.exponent = int(head[:-2]), 2, int(exp)
        elif self.literal_type == 1:
            self.mantissa, self.base, self.exponent = int(int(head) / 2), 2, int(exp)
        else:
            self.mantissa, self.base, self.exponent = int(self._expr), 1, 0

    @property
    def val(self) -> int:
        return int(self.mantissa * self.base ** self.exponent)

    @staticmethod
    def find(expr: str):
        for kind, pattern in enumerate(Literal._FORMS):
            symbol, rest = Literal._match(expr, pattern)
            if symbol is not None:
                symbol.literal_type = kind
                symbol.to_int()
                return symbol, rest
        return None, expr


def symbols_from_tokens(tokens: list) -> SymbolList:
    """The :class:`SymbolList` of a tokenized rule (the tokens of
    :func:`~neuroproc.learning.symbolic_equation.tokenize`, ending with ``'end'``), grouped as
    Lava's classes find them: signs are operators, ``N*2^E`` and ``2^E`` are one literal."""
    out, k = _symbols(tokens, 0)
    return out


def _symbols(tokens: list, k: int) -> tuple[SymbolList, int]:
    out = SymbolList()
    while tokens[k].kind != "end" and tokens[k].text != ")":
        tok = tokens[k]
        if tok.kind == "op" and tok.text in "+-*":
            out.append({"+": Addition, "-": Subtraction, "*": Multiplication}[tok.text](tok.text))
            k += 1
        elif tok.text == "(" or (tok.text == "sgn" and tokens[k + 1].text == "("):
            cls = BracketExpression if tok.text == "(" else SgnExpression
            k += 1 if tok.text == "(" else 2
            inner, end = _symbols(tokens, k)
            text = "".join(t.text for t in tokens[k:end])
            expression = cls(cls.OPEN + text + ")")
            expression.sub_expr, expression.symbol_list = text, inner
            out.append(expression)
            k = end + 1
        elif tok.kind == "num":
            literal, k = _literal(tokens, k)
            out.append(literal)
        elif tok.text == sym.X0 or tok.text == sym.Y0:
            out.append((X0 if tok.text == sym.X0 else Y0)(tok.text))
            k += 1
        elif re.fullmatch(r"u\d+", tok.text):
            uk = Uk(tok.text)
            uk.decimate_exponent = int(tok.text[1:])
            out.append(uk)
            k += 1
        else:
            out.append(Variable(tok.text))
            k += 1
    return out, k


def _literal(tokens: list, k: int) -> tuple[Literal, int]:
    """The literal starting at token ``k`` (``N*2^E``, ``2^E`` or ``N``) and the next token's index."""
    def power(at: int) -> int | None:  # tokens "2 ^ [sign] M" from ``at``: the index after them
        if tokens[at].text != "2" or tokens[at + 1].text != "^":
            return None
        at += 2
        if tokens[at].text in ("+", "-"):
            at += 1
        return at + 1 if tokens[at].kind == "num" else None

    end, kind = k + 1, 2
    if tokens[k + 1].text == "*" and (p := power(k + 2)) is not None:
        end, kind = p, 0
    elif (p := power(k)) is not None:
        end, kind = p, 1
    symbol = Literal("".join(t.text for t in tokens[k:end]))
    symbol.literal_type = kind
    symbol.to_int()
    return symbol, end
