"""BitCheck: reads another Process's Var every step and records whether it ever needed more
bits than a chip would give it (Lava's ``BitCheck``)."""
from __future__ import annotations

from neuroproc._validation import short_repr
from neuroproc.exceptions import ValidationError
from neuroproc.ports import RefPort
from neuroproc.process import AbstractProcess
from neuroproc.variable import Var

__all__ = ["BitCheck"]


class BitCheck(AbstractProcess):
    """Checks, after every step, that a Var fits in ``bits`` signed bits.

    Connect it with ``bitcheck.state.connect_var(var)`` (a ``(1,)`` Var) or
    ``bitcheck.connect_var(var)`` (any shape: the RefPort takes the Var's shape).
    ``overflowed`` is 1 once any value needed more bits, 0 otherwise.

    Parameters
    ----------
    layerid : int, optional
        A label printed with the debug output.
    debug : int
        1 prints the value, and the details of an overflow, every step.
    bits : int
        Signed bit width to check, 1..31.
    shape : tuple of int, optional
        Ignored (as in Lava): the shape is the watched Var's.
    name : str, optional
        Name of the Process.

    Notes
    -----
    Vars: ``layerid``, ``debug``, ``bits``, ``_overflowed``. Port: ``state`` (RefPort).
    The check runs in the post-management phase; the compiled backend fuses it as a kernel that
    reads the Var after its holder's step (with ``debug=1`` in one-step blocks, printing between).
    """

    def __init__(self, *, layerid: int | None = None, debug: int = 0, bits: int = 24,
                 shape: tuple[int, ...] | None = None, name: str | None = None, **kwargs):
        # shape is accepted as Lava does, and ignored: the shape is the watched Var's
        super().__init__(name=name, **kwargs)
        if isinstance(bits, bool) or not isinstance(bits, int) or not 1 <= bits <= 31:
            raise ValidationError(f"{self.who}.bits must be an int in 1..31 (got {short_repr(bits)}).")
        shape = (1,)
        self.state = RefPort(shape)
        self.layerid = Var(shape=shape, init=layerid)
        self.debug = Var(shape=shape, init=debug)
        self.bits = Var(shape=shape, init=bits)
        self._overflowed = Var(shape=shape, init=0)

    def connect_var(self, var: Var) -> None:
        """Watch ``var`` (any shape): a new ``state`` RefPort of its shape.

        Lava also rebuilds ``layerid``, ``debug``, ``bits`` and ``_overflowed`` with the Var's
        shape; they hold one value each, so here they keep shape ``(1,)``.
        """
        self.state = RefPort(var.shape)
        self.state.connect_var(var)

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of the watched Var."""
        return self.state.shape

    @property
    def overflowed(self):
        """1 once a value overflowed ``bits``, else 0 (the Var ``_overflowed``)."""
        return self._overflowed.get()
