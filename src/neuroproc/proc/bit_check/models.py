"""BitCheck's model (CPU, any tag): reads the watched Var after every step."""
from __future__ import annotations

from typing import Any

import numpy as np

from neuroproc.decorators import implements, requires
from neuroproc.model import LavaPyType, PyLoihiProcessModel
from neuroproc.proc.bit_check.process import BitCheck
from neuroproc.py_ports import PyRefPort
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol

__all__ = ["AbstractBitCheckModel", "AbstractPyBitCheckModel", "LoihiBitCheckModel"]


class AbstractPyBitCheckModel(PyLoihiProcessModel):
    """Types of the BitCheck models."""

    state: Any = LavaPyType(PyRefPort.VEC_DENSE, int)
    bits: Any = LavaPyType(int, int)
    layerid: Any = LavaPyType(int, int)
    debug: Any = LavaPyType(int, int)
    _overflowed: Any = LavaPyType(int, int)


class AbstractBitCheckModel(AbstractPyBitCheckModel):
    """Post-management: read the Var, set ``_overflowed = 1`` if any value needs more than
    ``bits`` signed bits (checked as ``(x << (32 - bits)) >> (32 - bits) == x`` in int32)."""

    def post_guard(self) -> bool:
        return True

    def run_post_mgmt(self) -> None:
        value = self.state.read()
        overflow = self.check_bit_overflow(value)
        if overflow:
            self._overflowed = 1
        self._print_debug(value, self.time_step, overflow)

    def _print_debug(self, value: np.ndarray, time_step: int, overflow: bool) -> None:
        """With ``debug == 1``: the value read at ``time_step`` and, on overflow, its details."""
        if self.debug != 1:
            return
        print(f"Value is: {value} at time step: {time_step}")
        if overflow:
            if self.layerid:
                print(f"layer id number: {self.layerid}")
            print(f"value.max: overflows {self.bits} bits {value.max()}")
            print(f"max signed value {self.max_signed_int_per_bits(self.bits)}")
            print(f"value.min: overflows {self.bits} bits {value.min()}")
            print(f"min signed value {self.min_signed_int_per_bits(self.bits)}")

    # -- compiled backend: the check is a kernel; debug output is printed between one-step blocks
    def kernel(self):
        from neuroproc.proc.bit_check._kernels import bit_check_spec

        return bit_check_spec()

    @property
    def host_every(self) -> int:
        """The host-block hook: one-step blocks while ``debug == 1`` (it prints every step)."""
        return 1 if self.debug == 1 else 1 << 30

    def host_before(self, time_step: int, count: int) -> None:
        return None

    def host_after(self, time_step: int, count: int) -> None:
        if self.debug == 1 and count > 0:
            value = self.state.read()
            self._print_debug(value, time_step + count, self.check_bit_overflow(value))

    def check_bit_overflow(self, value: np.ndarray) -> bool:
        """True when some entry of ``value`` (as int32) does not fit ``bits`` signed bits."""
        value = np.asarray(value).astype(np.int32)
        shift = (32 - np.asarray(self.bits)).astype(np.int32)  # int32 shifts, so bits fall off
        return not np.all(((value << shift) >> shift) == value)

    @staticmethod
    def max_unsigned_int_per_bits(bits: int) -> int:
        return (1 << bits) - 1

    @staticmethod
    def min_signed_int_per_bits(bits: int) -> int:
        return -1 << (bits - 1)

    @staticmethod
    def max_signed_int_per_bits(bits: int) -> int:
        return (1 << (bits - 1)) - 1


@implements(proc=BitCheck, protocol=LoihiProtocol)
@requires(CPU)
class LoihiBitCheckModel(AbstractBitCheckModel):
    """BitCheck on the CPU (untagged: fits every ``select_tag``). The check runs in the
    post-management phase, through a RefPort; its kernel reads the Var through the kernel hook's
    ``ref_ports``."""
