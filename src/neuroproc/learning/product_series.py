"""Product series: a parsed rule as ``sum_k scale_k * dependency_k * prod(factors_k)``
(Lava's ``lava.magma.core.learning.product_series``).

The scale of a product is ``s_mantissa * 2**(s_exp - 7)``: all literals of the product (and the
signs in front of it or of a bracketed constant) multiply into it; a mantissa beyond 3 bits +
sign is halved into the exponent while it is even. Loihi's limits then apply: ``s_mantissa`` in
[-8, 7], exponent (before the +7 offset) in [-7, 8].
"""
from __future__ import annotations

from neuroproc.exceptions import ValidationError
from neuroproc.learning import string_symbols as sym
from neuroproc.learning.symbolic_equation import Bracket, Constant, Name, SymbolicEquation

__all__ = ["Factor", "Product", "ProductSeries"]


class Factor:
    """One factor of a product: ``state_var`` (a trace, ``w``/``d``/``t``, ``x0``/``y0`` or ``C``),
    an optional constant added to it, and whether ``sgn()`` applies."""

    def __init__(self, state_var: str, const: float | None = None, is_sgn: bool = False) -> None:
        if state_var not in sym.FACTOR_STATE_VARS:
            raise ValidationError(f"Factor.state_var: unknown state variable (got {state_var!r}). "
                                  f"Use one of {sorted(sym.FACTOR_STATE_VARS)}.")
        if is_sgn and state_var not in sym.SYNAPTIC_VARIABLES:
            raise ValidationError(f"Factor.is_sgn: sgn() applies to w, d or t (got {state_var!r}). "
                                  "Remove sgn or apply it to a synaptic variable.")
        self._state_var = state_var
        self._const = const
        self._is_sgn = bool(is_sgn)
        const_str = "2C" if state_var in ("w", "t") else "C"
        if state_var == sym.C:
            self._factor_type = sym.C
        elif is_sgn:
            self._factor_type = f"sgn({state_var}+{const_str})"
        else:
            self._factor_type = f"{state_var}+{const_str}"

    @property
    def state_var(self) -> str:
        return self._state_var

    @property
    def const(self) -> float | None:
        return self._const

    @property
    def is_sgn(self) -> bool:
        return self._is_sgn

    @property
    def factor_type(self) -> str:
        return self._factor_type

    def has_const(self) -> bool:
        return self._const is not None

    def __str__(self) -> str:
        return f"({self._factor_type}, C = {self._const})"


class Product:
    """``s_mantissa * 2**(s_exp - 7) * dependency * factors``, contributing to ``target``."""

    def __init__(self, target: str, dependency: str, s_mantissa: int, s_exp: int, factors: list[Factor],
                 decimate_exponent: int | None = None) -> None:
        if target not in sym.LEARNING_RULE_TARGETS:
            raise ValidationError(f"Product.target: unknown target (got {target!r}). Use 'dw', 'dd' or 'dt'.")
        if dependency not in sym.DEPENDENCIES:
            raise ValidationError(f"Product.dependency: unknown dependency (got {dependency!r}). "
                                  "Use 'x0', 'y0' or 'u'.")
        if (decimate_exponent is None) != (dependency != sym.U):
            raise ValidationError(f"Product.decimate_exponent: a decimate exponent goes with the u dependency "
                                  f"only (got dependency {dependency!r}, exponent {decimate_exponent}). "
                                  "Give one exactly when the dependency is 'u'.")
        self._target = target
        self._dependency = dependency
        self._s_mantissa = int(s_mantissa)
        self._s_exp = int(s_exp)
        self._factors = list(factors)
        self._decimate_exponent = decimate_exponent

    @property
    def target(self) -> str:
        return self._target

    @property
    def dependency(self) -> str:
        return self._dependency

    @property
    def decimate_exponent(self) -> int | None:
        return self._decimate_exponent

    @property
    def s_mantissa(self) -> int:
        return self._s_mantissa

    @property
    def s_exp(self) -> int:
        return self._s_exp

    @property
    def scale(self) -> float:
        """The float model's multiplier, ``s_mantissa * 2.0 ** (s_exp - 7)``."""
        return self._s_mantissa * 2.0 ** (self._s_exp - 7)

    @property
    def factors(self) -> list[Factor]:
        return self._factors

    def __str__(self) -> str:
        lines = [f"    Product: dependency={self._dependency}, scaling={self._s_mantissa}*2^({self._s_exp}-7), "
                 f"target={self._target}, num_factors={len(self._factors)}", "        Factors:"]
        lines += [f"            {f}" for f in self._factors]
        return "\n".join(lines) + "\n"


class ProductSeries:
    """The products of one rule, built from a :class:`SymbolicEquation` (or a rule string)."""

    def __init__(self, symbolic_equation: SymbolicEquation) -> None:
        self._target = symbolic_equation.target
        self._decimate_exponent: int | None = None
        self._eq = symbolic_equation
        self._products = [self._product(term) for term in symbolic_equation.terms]
        deps: dict[str, set[str]] = {}
        for p in self._products:
            traces = deps.setdefault(p.dependency, set())
            traces.update(f.state_var for f in p.factors if f.state_var in sym.TRACES)
        self._active_traces_per_dependency = deps

    @property
    def target(self) -> str:
        return self._target

    @property
    def decimate_exponent(self) -> int | None:
        return self._decimate_exponent

    @property
    def products(self) -> list[Product]:
        return self._products

    @property
    def active_traces_per_dependency(self) -> dict[str, set[str]]:
        return self._active_traces_per_dependency

    def _product(self, term) -> Product:
        eq = self._eq
        dependency = None
        decimate = None
        mant, exp = term.sign, 0
        factors = []
        for item in term.items:
            if isinstance(item, Constant):
                mant *= item.mantissa
                exp += item.exponent
            elif isinstance(item, Name) and item.is_uk:
                k = int(item.name[1:])
                if self._decimate_exponent is not None and self._decimate_exponent != k:
                    eq.fail(item.col, f"u{k} after u{self._decimate_exponent}",
                            "All u<k> of a rule must share the same k")
                self._decimate_exponent = decimate = k
                if dependency is None:
                    dependency = sym.U
            elif isinstance(item, Name) and item.name in sym.SPIKE_DEPENDENCIES:
                if dependency is None:
                    dependency = item.name
                else:  # a second dependency is an ordinary 0/1 factor
                    factors.append(Factor(item.name))
            elif isinstance(item, Name):
                factors.append(Factor(item.name))
            elif isinstance(item, Bracket):
                mant *= item.sign
                if item.var is None:
                    assert item.literal is not None  # a constant bracket holds its literal
                    mant *= item.literal.mantissa
                    exp += item.literal.exponent
                else:
                    factors.append(Factor(item.var, item.const, is_sgn=item.is_sgn))
        if dependency is None:
            eq.fail(term.col, "product without a dependency",
                    "Every product needs one of x0 (pre spike), y0 (post spike) or u0..u9 (every epoch)")
        while abs(mant) > 7 and mant % 2 == 0 and exp < 8:
            mant //= 2
            exp += 1
        if not -8 <= mant < 8:
            eq.fail(term.col, f"scale mantissa {mant} out of range",
                    "The constants of a product must reduce to m * 2^e with m in [-8, 7]")
        if not -7 <= exp < 9:
            eq.fail(term.col, f"scale exponent {exp} out of range", "The scale exponent must lie in [-7, 8]")
        return Product(self._target, dependency, mant, exp + 7, factors, decimate)

    def __str__(self) -> str:
        return f"ProductSeries: decimate_exponent={self._decimate_exponent}\n" + "".join(
            str(p) for p in self._products)
