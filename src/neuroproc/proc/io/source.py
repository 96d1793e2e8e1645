"""``RingBuffer`` source: sends column ``(t-1) % T`` of its data at time step ``t``."""
from __future__ import annotations

import numpy as np

from neuroproc._validation import check_finite_numbers, short_repr
from neuroproc.decorators import implements, requires, tag
from neuroproc.exceptions import ShapeError, ValidationError
from neuroproc.model import LavaPyType, PyLoihiProcessModel
from neuroproc.ports import OutPort
from neuroproc.process import AbstractProcess
from neuroproc.py_ports import PyOutPort
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol
from neuroproc.variable import Var

__all__ = ["PySendModelFixed", "PySendModelFloat", "RingBuffer"]


class RingBuffer(AbstractProcess):
    """Replays ``data`` (shape ``(*shape, T)``) on ``s_out``, one column per step, wrapping around.

    Vars: ``data``. Ports: ``s_out`` (shape ``data.shape[:-1]``).
    """

    def __init__(self, data, name: str | None = None, **kwargs):
        data = np.asarray(data)
        if data.ndim < 2:
            raise ShapeError(f"RingBuffer {name or ''}: data must have shape (*shape, T) with a time axis "
                             f"last (got shape {data.shape}). Use data[np.newaxis, :] for one channel.")
        super().__init__(name=name, **kwargs)
        self.data = Var(shape=data.shape, init=data)
        self.s_out = OutPort(shape=data.shape[:-1])

    def __repr__(self) -> str:
        return f"source.RingBuffer(name={self.name!r}, data={short_repr(self.data.init)})"


class AbstractPySendModel(PyLoihiProcessModel):
    """Shared behaviour; subclasses fix the types."""

    data: np.ndarray
    s_out: PyOutPort

    def kernel(self):
        from neuroproc.proc.io._kernels import source_spec

        return source_spec()

    def run_spk(self) -> None:
        data = self.data
        self.s_out.send(data[..., (self.time_step - 1) % data.shape[-1]])


@implements(proc=RingBuffer, protocol=LoihiProtocol)
@tag("floating_pt")
@requires(CPU)
class PySendModelFloat(AbstractPySendModel):
    """Float data, float messages."""

    data: np.ndarray = LavaPyType(np.ndarray, float)
    s_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, float)


@implements(proc=RingBuffer, protocol=LoihiProtocol)
@tag("fixed_pt")
@requires(CPU)
class PySendModelFixed(AbstractPySendModel):
    """int32 data and messages (24-bit precision on hardware).

    ``data`` must hold whole numbers: 2.7 is refused rather than sent as 2 (under
    ``neuroproc.compat.lava`` a Lava program gets Lava's cast toward zero instead).
    """

    data: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=24)
    s_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, np.int32, precision=24)

    @classmethod
    def check_var_value(cls, name: str, value, who: str) -> None:
        check_finite_numbers(value, who)
        arr = np.asarray(value)
        if (name == "data" and arr.dtype.kind == "f" and not np.all(arr == np.trunc(arr))
                and not _lava_layer_active()):
            bad = float(arr[arr != np.trunc(arr)].ravel()[0])
            raise ValidationError(
                f"{who}: {cls.__name__} sends int32 messages and would truncate {bad!r} (got "
                f"{short_repr(value)}). Round the data first (np.round(data).astype(int)) or use "
                "the float model (select_tag='floating_pt').")


def _lava_layer_active() -> bool:
    """Under ``neuroproc.compat.lava`` a Lava program gets Lava's behaviour: fractional data of
    the fixed-point source is cast toward zero (its int32 data Var), not refused."""
    from neuroproc.compat.lava._behaviour import active

    return active()
