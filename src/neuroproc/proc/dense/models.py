"""Dense models: floating point (``floating_pt``) and bit-accurate with Loihi (``bit_accurate_loihi``,
``fixed_pt``), as in Lava 0.10.

Both share :class:`AbstractPyDenseModel`: send the previous ``a_buff`` (the one-step synaptic
delay that lets recurrent loops run), receive ``s_in``, accumulate, and keep the result in
``a_buff`` for the next step. Hooks: ``prepare_weights`` (before the first accumulation),
``accumulate`` and ``scale_accumulation``.
"""
from __future__ import annotations

import numpy as np

from neuroproc._validation import check_finite_numbers, short_repr
from neuroproc.decorators import implements, requires, tag
from neuroproc.exceptions import CompilationError, ValidationError
from neuroproc.model import LavaPyType, PyLoihiProcessModel
from neuroproc.proc.dense.process import MAX_MESSAGE_BITS, Dense
from neuroproc.py_ports import PyInPort, PyOutPort
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol
from neuroproc.utils.fixed_point import determine_sign_mode, loihi_weights

__all__ = [
    "AbstractPyDenseModel",
    "AbstractPyDenseModelBitAcc",
    "BitAccConnectionTypes",
    "FloatConnectionTypes",
    "PyDenseModelBitAcc",
    "PyDenseModelFloat",
]


class FloatConnectionTypes:
    """Types of the float connection models (Dense, Sparse): float64 ``weights``, ``a_buff``
    and ``a_out``."""

    a_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, float)
    a_buff: np.ndarray = LavaPyType(np.ndarray, float)
    weights: np.ndarray = LavaPyType(np.ndarray, float)


class BitAccConnectionTypes:
    """Types of the bit-accurate connection models (Dense, Sparse): int32 ``weights`` (8-bit
    precision), ``a_buff`` (declared 16-bit, holds the int64 sum) and ``a_out`` (int32 message)."""

    a_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, np.int32, precision=16)
    a_buff: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=16)
    weights: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=8)


class AbstractPyDenseModel(PyLoihiProcessModel):
    """Shared Dense step; subclasses fix the types and may override the hooks."""

    s_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, bool, precision=1)
    num_message_bits: np.ndarray = LavaPyType(np.ndarray, int, precision=5)

    def __init__(self, proc_params=None):
        super().__init__(proc_params)
        self.weights_set = False

    @classmethod
    def check_var_value(cls, name: str, value, who: str) -> None:
        check_finite_numbers(value, who)
        if name == "num_message_bits":
            arr = np.asarray(value)
            if not _is_integral(value) or arr.size != 1 or not 0 <= arr.item() <= MAX_MESSAGE_BITS:
                raise ValidationError(
                    f"{who}: expected an int in [0, {MAX_MESSAGE_BITS}] (got {short_repr(value)}). "
                    "Use 0 for binary spikes or the payload width of graded spikes.")

    @classmethod
    def partition(cls, proc):
        """Partition hook (distributed runtime): the outputs (rows of ``weights``) split into
        ranges aligned with the population ``a_out`` feeds; each rank keeps its rows whole, so
        every output adds its inputs in the original order. Cost per row: its synapses.

        A float Dense with graded spikes is not split (None: it runs whole on every rank): its
        ``W @ s`` is BLAS's, whose summation order depends on the number of rows."""
        from neuroproc.runtime.distributed.hooks import Part, PartitionSpec

        graded = np.asarray(proc.num_message_bits.init).reshape(-1)[0] > 0
        if graded and np.dtype(cls.lava_py_types()["weights"].d_type).kind == "f":
            return None
        n_out, n_in = proc.weights.shape
        rows = Part(0, 1)
        fixed = cls.split_params(proc)
        return PartitionSpec(units=n_out, members={"weights": rows, "a_buff": rows, "a_out": rows},
                             cost=float(n_in), align="a_out", delayed=("s_in",), params=lambda start, stop: dict(fixed))

    @classmethod
    def split_params(cls, proc) -> dict:
        """``proc_params`` every rank's part must use, decided from the whole connection (none)."""
        return {}

    def prepare_weights(self) -> None:
        """Called once, before the first accumulation.

        With binary spikes the weights are kept column-major (same values, so ``weights.get()``
        is unchanged): the columns of active inputs are then contiguous rows of ``W.T``.
        """
        if self.num_message_bits[0] == 0:
            self.weights = np.asfortranarray(self.weights)

    def accumulate(self, s_in: np.ndarray) -> np.ndarray:
        """Summed synaptic input of this step.

        Binary spikes add the columns of the active inputs and touch no other column. Lava
        computes ``W[:, s].sum(axis=1)``; numpy builds ``W[:, s]`` column-major and so adds the
        active columns one after the other, in ascending input order (a sequential sum, not a
        pairwise one; only a single output row is contiguous and summed pairwise). Summing the
        rows of ``W.T`` of the active inputs over axis 0 performs the very same additions in the
        same order, in both cases -- bit-identical floats -- while gathering contiguous rows:
        about twice as fast. Graded spikes use ``W @ s``.
        """
        if self.num_message_bits[0] > 0:
            return self.weights.dot(s_in)
        return self.weights.T.take(s_in.nonzero()[0], axis=0).sum(axis=0)

    def scale_accumulation(self, acc: np.ndarray) -> np.ndarray:
        """What is kept in ``a_buff`` from the accumulation (identity by default)."""
        return acc

    def run_spk(self) -> None:
        if not self.weights_set:
            self.prepare_weights()
            self.weights_set = True
        self.a_out.send(self.a_buff)
        self.a_buff = self.scale_accumulation(self.accumulate(self.s_in.recv()))


@implements(proc=Dense, protocol=LoihiProtocol)
@tag("floating_pt")
@requires(CPU)
class PyDenseModelFloat(FloatConnectionTypes, AbstractPyDenseModel):
    """Float Dense (tag ``floating_pt``): float64 weights, ``a_buff`` and ``a_out``.

    Ignores ``weight_exp``, ``num_weight_bits`` and ``sign_mode``.
    """

    def kernel(self):
        from neuroproc.proc.dense._kernels import float_spec

        return float_spec(self)


class AbstractPyDenseModelBitAcc(AbstractPyDenseModel):
    """Loihi's weight conversion and input scaling, shared by the bit-accurate Dense and Sparse.

    On the first step the weights are converted once (cast toward zero to int32, sign mode
    from the ``sign_mode`` parameter or the weights, clip to 8 bits, keep ``num_weight_bits``)
    and written back into the ``weights`` Var; a later ``set`` is used as given, without a new
    conversion, as in Lava. Every step the accumulation (int64) is scaled by
    ``2**weight_exp``: ``acc << weight_exp``, or an arithmetic (floor) ``acc >> -weight_exp``.
    ``a_out`` is declared 16-bit but is an int32 message: nothing saturates it.
    """

    @classmethod
    def check_var_value(cls, name: str, value, who: str) -> None:
        super().check_var_value(name, value, who)
        if name == "weights" and not _is_integral(value):
            raise ValidationError(
                f"{who}: {cls.__name__} needs whole-number weights (got {short_repr(value)}). "
                "Scale and round them first, e.g. np.round(w * 2**k).astype(int), or use the "
                "float model.")

    def __init__(self, proc_params=None):
        super().__init__(proc_params)
        params = self.proc_params
        self.weight_exp = int(params.get("weight_exp", 0))
        self.num_weight_bits = int(params.get("num_weight_bits", 8))
        self.sign_mode = params.get("sign_mode")

    @classmethod
    def split_params(cls, proc) -> dict:
        """The sign mode the whole weight matrix decides (a rank's rows alone might decide
        another, and so clip differently)."""
        if proc.proc_params.get("sign_mode") is not None:
            return {}
        if proc.proc_params.get("row_blocks") is not None:
            raise CompilationError(
                f"{proc.who}: {cls.__name__} built from RowBlocks needs an explicit sign_mode under "
                "the distributed runtime (got None: the whole matrix would have to be made on every "
                "rank to decide it). Pass sign_mode=SignMode.MIXED (or EXCITATORY/INHIBITORY).")
        return {"sign_mode": determine_sign_mode(np.asarray(proc.weights.init).astype(np.int32))}

    def prepare_weights(self) -> None:
        converted, self.sign_mode = loihi_weights(self.weights, self.sign_mode, self.num_weight_bits)
        self.weights[...] = converted
        super().prepare_weights()

    def scale_accumulation(self, acc: np.ndarray) -> np.ndarray:
        if self.weight_exp > 0:
            return np.left_shift(acc, self.weight_exp)
        return np.right_shift(acc, -self.weight_exp)


@implements(proc=Dense, protocol=LoihiProtocol)
@tag("bit_accurate_loihi", "fixed_pt")
@requires(CPU)
class PyDenseModelBitAcc(BitAccConnectionTypes, AbstractPyDenseModelBitAcc):
    """Bit-accurate Dense (tags ``bit_accurate_loihi``, ``fixed_pt``).

    Types: ``weights`` int32 (8-bit precision), ``a_buff`` int32 declared (holds the int64
    sum), ``a_out`` int32 (16-bit precision), ``s_in`` bool (1 bit; graded values arrive as
    int32).
    """

    def kernel(self):
        from neuroproc.proc.dense._kernels import bitacc_spec

        return bitacc_spec(self)



def _is_integral(value) -> bool:
    arr = np.asarray(value)
    return arr.dtype.kind in "iub" or bool(np.all(arr == np.trunc(arr)))
