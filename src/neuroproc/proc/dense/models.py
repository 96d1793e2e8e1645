"""Dense models: floating point (``floating_pt``) and bit-accurate with Loihi (``bit_accurate_loihi``,
``fixed_pt``), as in Lava 0.10.

Both share :class:`AbstractPyDenseModel`: send the previous ``a_buff`` (the one-step synaptic
delay that lets recurrent loops run), receive ``s_in``, accumulate, and keep the result in
``a_buff`` for the next step. Hooks: ``prepare_weights`` (before the first accumulation),
``accumulate`` and ``scale_accumulation``.
"""
from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import scipy.sparse as sp

from neuroproc._validation import check_finite_numbers, short_repr, who
from neuroproc.chips import ACCUMULATOR_BITS, ChipResources, ChipSpec, inputs_per_block
from neuroproc.compiler.linear_map import LinearMap
from neuroproc.decorators import implements, requires, tag
from neuroproc.exceptions import CompilationError, PrecisionWarning, ValidationError
from neuroproc.model import LavaPyType, PyLoihiProcessModel
from neuroproc.proc.dense.process import MAX_MESSAGE_BITS, DelayDense, Dense
from neuroproc.py_ports import PyInPort, PyOutPort
from neuroproc.resources import CPU
from neuroproc.sync import LoihiProtocol
from neuroproc.utils.fixed_point import determine_sign_mode, loihi_weights

__all__ = [
    "AbstractPyDelayDenseModel",
    "AbstractPyDelayModel",
    "AbstractPyDenseModel",
    "AbstractPyDenseModelBitAcc",
    "BitAccConnectionTypes",
    "FloatConnectionTypes",
    "PyDelayDenseModelBitAcc",
    "PyDelayDenseModelFloat",
    "PyDenseModelBitAcc",
    "PyDenseModelFloat",
    "delay_linear_map",
    "float_linear_map",
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

    a_out: PyOutPort
    a_buff: np.ndarray
    weights: np.ndarray

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
    def chip_resources(cls, proc, chip: ChipSpec) -> ChipResources | None:
        """Deployment hook (:mod:`neuroproc.chips`): one synapse per non-zero weight, one input axon
        per input. Graded input needs a chip with graded spikes wide enough (else host only). The
        output is a dendritic sum; sent off the chip it would carry Loihi's 24-bit accumulator."""
        bits = int(np.asarray(proc.num_message_bits._host_value()).ravel()[0])
        if bits and (not chip.graded_spikes or bits > chip.max_payload_bits):
            return None
        m = cls.linear_matrix(proc)
        if sp.issparse(m):
            nz = sp.csr_matrix(m)
            nz.eliminate_zeros()
            synapses, fan_in, pattern = int(nz.nnz), np.diff(nz.indptr), nz
        else:  # (n_out, n_in), or a stack of such matrices, one per delay (every tap is a synapse)
            nonzero = (np.asarray(m) != 0).reshape((-1,) + np.shape(m)[-2:])
            synapses = int(nonzero.sum())
            fan_in = nonzero.sum(axis=(0, 2))
            pattern = nonzero.any(axis=0)
        return ChipResources(synapses=synapses, max_fan_in=int(fan_in.max(initial=0)), in_axons=int(m.shape[-1]),
                             split_in_axons=inputs_per_block(pattern),
                             weight_bits=int(proc.proc_params.get("num_weight_bits", 8)), in_payload_bits=bits,
                             out_payload_bits=ACCUMULATOR_BITS)

    @classmethod
    def split_params(cls, proc) -> dict:
        """``proc_params`` every rank's part must use, decided from the whole connection (none)."""
        return {}

    @classmethod
    def linear_map(cls, proc) -> LinearMap | None:
        """The fold stage's hook (:mod:`neuroproc.compiler.linear_map`): graded input makes this a
        linear map ``W s`` with a delay of one step and ``a_buff`` pending; binary input
        (``num_message_bits=0``) the map ``W (s != 0)`` (``binary_input``), which may head a chain."""
        m = cls.graded_linear_map(proc)
        if m is None or m.refused or int(np.asarray(proc.num_message_bits._host_value()).ravel()[0]) > 0:
            return m
        return dataclasses.replace(m, binary_input=True)

    @classmethod
    def graded_linear_map(cls, proc) -> LinearMap | None:
        """The linear map of graded input (float models; None by default)."""
        return None

    @classmethod
    def linear_matrix(cls, proc):
        """The weight matrix (n_out, n_in) from the Process's Var values."""
        return np.asarray(proc.weights._host_value(), dtype=np.float64)

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
        s_in = self.s_in.recv()
        self.a_buff = self.scale_accumulation(self.accumulate(s_in))
        self.spikes_received(s_in)

    def spikes_received(self, s_in: np.ndarray) -> None:
        """Hook: called with this step's input after the accumulation (plastic connections
        update their traces here); nothing by default."""


@implements(proc=Dense, protocol=LoihiProtocol)
@tag("floating_pt")
@requires(CPU)
class PyDenseModelFloat(FloatConnectionTypes, AbstractPyDenseModel):
    """Float Dense (tag ``floating_pt``): float64 weights, ``a_buff`` and ``a_out``.

    Ignores ``weight_exp``, ``num_weight_bits`` and ``sign_mode``.
    """

    @classmethod
    def graded_linear_map(cls, proc) -> LinearMap | None:
        return float_linear_map(cls, proc)

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
        if name == "weights" and not _is_integral(value) and not _lava_layer_active():
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

    #: Loihi stores 8 weight bits plus a sign: weights outside are clipped (with a warning)
    WEIGHT_RANGE = (-256, 255)

    @classmethod
    def linear_map(cls, proc) -> LinearMap | None:
        return LinearMap("s_in", "a_out", refused=(
            f"bit-accurate {type(proc).__name__} never fold: each truncates its weights to num_weight_bits and "
            "shifts its sum by 2**weight_exp, which do not compose into one weight matrix"))

    def prepare_weights(self) -> None:
        self.weights[...] = self.convert_weights()
        super().prepare_weights()

    def convert_weights(self) -> np.ndarray:
        """Hook: the weights the synapses hold, from the initial ones (once, on the first step)."""
        lo, hi = self.WEIGHT_RANGE
        w = np.asarray(self.weights)
        if w.size and (w.min() < lo or w.max() > hi):
            warnings.warn(
                f"{who(getattr(self.proc_params, '_owner', None), 'weights')} ({type(self).__name__}): weights "
                f"in [{w.min()}, {w.max()}] exceed Loihi's 8 bits plus sign and are clipped to "
                f"[{lo}, {hi}] as Lava does (got {short_repr(w)}). Scale them into range and keep "
                "their magnitude with weight_exp.",
                PrecisionWarning, stacklevel=3)
        converted, self.sign_mode = loihi_weights(self.weights, self.sign_mode, self.num_weight_bits)
        return converted

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



def float_linear_map(model_cls, proc) -> LinearMap:
    """``a_out = W s_in`` one step later, ``a_buff`` pending: the float connections' linear map."""
    from neuroproc.proc.passthrough.models import merge_linear_chain

    pending = np.asarray(proc.a_buff._host_value(), dtype=np.float64).reshape(1, -1)
    # the matrix is built only if a fold needs it (a Sparse's would be a copy of its weights)
    return LinearMap("s_in", "a_out", lambda: model_cls.linear_matrix(proc), merge_linear_chain, delay=1,
                     pending=pending, values=np.asarray(proc.weights.init))


# -- delays (DelayDense here, DelaySparse in neuroproc.proc.sparse.models) ---------------------------
class AbstractPyDelayModel(AbstractPyDenseModel):
    """Dense's step with a ring buffer of future inputs: ``a_buff`` is (n_out, max_delay + 1).

    Each step: send column 0; accumulate this step's input into one column per delay (hook
    ``accumulate`` returns (n_out, max_delay + 1)), scale it (bit-accurate: ``weight_exp``), clear
    column 0, shift the columns down by one and add. Lava rolls the *flattened* buffer; because
    column 0 is cleared first, that equals the per-row shift done here.
    """

    delays: np.ndarray

    #: the largest delay the model accepts (None: any); checked on the first step, as in Lava
    max_delay_allowed: int | None = None

    @classmethod
    def partition(cls, proc):
        """Partition hook (distributed runtime): as the connection without delays, with the
        ``delays`` split like ``weights`` and ``a_buff``'s rows (all its delay columns) kept."""
        from dataclasses import replace

        spec = super().partition(proc)
        if spec is None:
            return None
        return replace(spec, members=spec.members | {"delays": spec.members["weights"]})

    @classmethod
    def check_var_value(cls, name: str, value, who: str) -> None:
        super().check_var_value(name, value, who)
        if name == "delays":
            arr = np.asarray(value)
            if arr.dtype.kind not in "iu" and not _is_integral(value) or (arr.size and arr.min() < 0):
                raise ValidationError(f"{who}: expected whole numbers >= 0 (got {short_repr(value)}). "
                                      "Delays count time steps.")

    def prepare_weights(self) -> None:
        """Weights keep their layout; the delays are checked against ``max_delay_allowed``."""
        if self.max_delay_allowed is not None and self.delays.size and int(self.delays.max()) > self.max_delay_allowed:
            raise ValidationError(
                f"{type(self).__name__}: delays must be in [0, {self.max_delay_allowed}] on Loihi 2 (got "
                f"{int(self.delays.max())}). Use smaller delays or the float model.")

    def run_spk(self) -> None:
        if not self.weights_set:
            self.prepare_weights()
            self.weights_set = True
        self.a_out.send(self.a_buff[:, 0])
        acc = self.scale_accumulation(self.accumulate(self.s_in.recv()))
        self.a_buff[:, 0] = 0
        self.a_buff = np.roll(self.a_buff, -1, axis=1)
        self.a_buff += acc

    def _spikes(self, s_in: np.ndarray) -> np.ndarray:
        """What Lava multiplies: bool spikes (``num_message_bits = 0``) or the graded values."""
        return s_in if self.num_message_bits[0] > 0 else s_in.astype(bool)


class AbstractPyDelayDenseModel(AbstractPyDelayModel):
    """DelayDense accumulation in Lava's order: for every delay ``k`` the matrix
    ``where(delays == k, W, 0) * s`` summed along its rows (numpy's pairwise sum over each row,
    zeros included, which the kernel reproduces)."""

    @staticmethod
    def get_delay_wgts_mat(weights: np.ndarray, delays: np.ndarray, max_delay: int) -> np.ndarray:
        """The weights of delay ``k`` in rows ``k * n_out`` to ``(k + 1) * n_out - 1``, zeros
        elsewhere, for k = 0..max_delay: shape ((max_delay + 1) n_out, n_in) (Lava's layout)."""
        return np.vstack([np.where(delays == k, weights, 0) for k in range(max_delay + 1)])

    def accumulate(self, s_in: np.ndarray) -> np.ndarray:
        s = self._spikes(s_in)
        cols = self.a_buff.shape[1]
        stacked = self.get_delay_wgts_mat(self.weights, self.delays, cols - 1)
        return (stacked * s).sum(axis=1).reshape(cols, self.weights.shape[0]).T


class FloatDelayTypes(FloatConnectionTypes):
    """Float types plus int ``delays``."""

    delays: np.ndarray = LavaPyType(np.ndarray, int)


class BitAccDelayTypes(BitAccConnectionTypes):
    """Bit-accurate types plus 6-bit int32 ``delays``."""

    delays: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=6)


@implements(proc=DelayDense, protocol=LoihiProtocol)
@tag("floating_pt")
@requires(CPU)
class PyDelayDenseModelFloat(FloatDelayTypes, AbstractPyDelayDenseModel):
    """Float DelayDense (tag ``floating_pt``): float64 weights and ``a_buff``, int delays."""

    @classmethod
    def graded_linear_map(cls, proc) -> LinearMap | None:
        return delay_linear_map(cls, proc)

    def kernel(self):
        from neuroproc.proc.dense._delay_kernels import delay_dense_spec

        return delay_dense_spec(self, bitacc=False)


@implements(proc=DelayDense, protocol=LoihiProtocol)
@tag("bit_accurate_loihi", "fixed_pt")
@requires(CPU)
class PyDelayDenseModelBitAcc(BitAccDelayTypes, AbstractPyDenseModelBitAcc, AbstractPyDelayDenseModel):
    """Bit-accurate DelayDense (tags ``bit_accurate_loihi``, ``fixed_pt``): Dense's weight
    conversion on the first step, delays of at most 63 steps (6 bits), int64 sums scaled by
    ``2**weight_exp`` and added to the int32 ``a_buff`` (wrapping as numpy's int32 does)."""

    max_delay_allowed = 63

    def kernel(self):
        from neuroproc.proc.dense._delay_kernels import delay_dense_spec

        return delay_dense_spec(self, bitacc=True)


def delay_linear_map(model_cls, proc) -> LinearMap:
    """A delay connection whose synapses all have the same delay ``d`` is ``W s`` ``d + 1`` steps
    later, with the first ``d + 1`` columns of ``a_buff`` pending."""
    from neuroproc.proc.passthrough.models import merge_linear_chain

    delays = np.asarray(proc.delays._host_value())
    buf = np.asarray(proc.a_buff._host_value(), dtype=np.float64)
    if delays.size == 0 or (delays != delays.flat[0]).any():
        return LinearMap("s_in", "a_out", refused=(
            f"{who(proc)} has per-synapse delays that differ: it is not one matrix with one delay"))
    d = int(delays.flat[0])
    if d >= buf.shape[1] or buf[:, d + 1:].any():
        return LinearMap("s_in", "a_out", refused=(
            f"{who(proc)}: its delay ({d}) or its a_buff reaches beyond max_delay ({buf.shape[1] - 1})"))
    return LinearMap("s_in", "a_out", lambda: model_cls.linear_matrix(proc), merge_linear_chain, delay=d + 1,
                     pending=buf[:, :d + 1].T.copy(), values=np.asarray(proc.weights.init))


def _lava_layer_active() -> bool:
    """Under ``neuroproc.compat.lava`` a Lava program gets Lava's behaviour: fractional weights of
    a bit-accurate connection are cast toward zero (its int32 weights Var), not refused."""
    from neuroproc.compat.lava._behaviour import active

    return active()


def _is_integral(value) -> bool:
    arr = np.asarray(value)
    return arr.dtype.kind in "iub" or bool(np.all(arr == np.trunc(arr)))


from neuroproc.proc.dense.learning_models import (  # noqa: E402  (built on the models above)
    PyLearningDenseModelBitApproximate,
    PyLearningDenseModelFloat,
)

__all__ = sorted([*__all__, "PyLearningDenseModelBitApproximate", "PyLearningDenseModelFloat"])
