"""Neuro-core limits of Loihi 1 and Loihi 2, and what a Process needs of them.

A ProcessModel says whether (and how) its Process could run on neuro-cores through the classmethod
hook ``chip_resources(proc, chip)``: it returns a :class:`ChipResources` (compartments, synapses,
axons, spike payload) or None for "host only". A model without the hook is host only. The
deployment report (:mod:`neuroproc.report`) asks every leaf's model, so user models take part by
defining the same hook; nothing here names a Process class.

Limits, with their sources (numbers per core unless said otherwise)
--------------------------------------------------------------------
Loihi 1 (:data:`LOIHI1`)
    * 128 neuro-cores per chip, 1,024 compartments per core, 128 KB of synaptic memory per core,
      4,096 input (fan-in) and 4,096 output (fan-out) axons per core (16 MB of synaptic memory per
      chip): M. Davies et al., "Loihi: A
      Neuromorphic Manycore Processor with On-Chip Learning", IEEE Micro 38(1):82-99, 2018
      (doi:10.1109/MM.2018.112130359), chip overview and core description. Nengo-Loihi checks the
      same per-core numbers before it builds a model (``nengo_loihi/block.py``: ``MAX_COMPARTMENTS
      = 1024``, ``MAX_IN_AXONS = 4096``, ``MAX_OUT_AXONS = 4096``, ``MAX_SYNAPSE_BITS = 1048576``,
      i.e. 128 KiB).
    * Spikes are binary: no payload; the compartment is a fixed current-based leaky
      integrate-and-fire model (Davies et al. 2018).
    * Programmable on-chip synaptic learning (sum-of-products rules over traces): Davies et al. 2018.
Loihi 2 (:data:`LOIHI2`)
    * 128 neuro-cores and 1 M neurons per chip, hence up to 8,192 neurons per core; graded spikes
      with an integer payload; three-factor learning; neuron models programmed in microcode (so
      resonate-and-fire or adaptive-threshold neurons run on the cores): Intel Labs, "Taking Neuromorphic Computing
      to the Next Level with Loihi 2", technology brief, 2021 (open-neuromorphic.org's Loihi 2
      summary repeats 128 cores and 1 M neurons).
    * Assumed, not found in those sources: 128 KB of synaptic memory per core (the Loihi 1 value:
      16 MB per chip / 128 cores), 4,096 input and 4,096 output axons per core (the Loihi 1
      numbers) and at most 32 payload bits per graded spike (Lava's ``num_message_bits`` bound).

Traffic model of the chip boundary (:func:`bytes_per_event`)
------------------------------------------------------------
Each spike that crosses between host and chip is one event of ``SPIKE_MESSAGE_BITS`` = 32 bits that
names its destination, as the host-to-chip spike record of Intel's Loihi SNIP examples does (a
16-bit axon id, an 8-bit core id and an 8-bit chip id, packed: ``SpikesIn`` in
``intel-nrc-ecosystem/models``, ``.../benchmarkSnips/myspiking.h``), plus the payload of a graded
spike, and the whole rounded up to bytes. Assumptions: binary spikes carry no payload; a graded
spike carries ``num_message_bits`` of its receiver (host -> chip) or the sender's declared output
payload (chip -> host); zeros are not sent.

Core count (:func:`cores_needed`)
---------------------------------
A Process's compartments and synapses may be split over cores by neurons (each core keeps the
synapses onto its own compartments), as Nengo-Loihi splits blocks; each core then needs an input
axon for every presynaptic source its compartments receive from (all inputs of a dense matrix,
the receptive fields of a convolution's block: :func:`inputs_per_block`), so more cores may be
needed than compartments and memory ask for; one neuron's whole fan-in must fit into one core's
synaptic memory. A synapse costs ``weight_bits`` (8 unless the model says
otherwise: 131,072 synapses fill 128 KiB). Each Process (with the connection Processes that only
feed it) gets cores of its own, as Nengo-Loihi's greedy allocator gives each block its own cores,
so the count is an upper bound where small Processes could share a core.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from neuroproc._validation import short_repr
from neuroproc.exceptions import ValidationError

__all__ = [
    "ACCUMULATOR_BITS",
    "LOIHI1",
    "LOIHI2",
    "SPIKE_MESSAGE_BITS",
    "ChipResources",
    "ChipSpec",
    "bytes_per_event",
    "chip_spec",
    "cores_needed",
    "inputs_per_block",
    "neuron_resources",
]

#: width of a neuro-core's dendritic sum (the bit-accurate Dense and Conv models wrap at 24 bits, as
#: Lava's do); the payload a connection's output would carry if it were sent off the chip
ACCUMULATOR_BITS = 24
#: bits of one spike event across the host <-> chip link, without payload (see the module docstring)
SPIKE_MESSAGE_BITS = 32


@dataclass(frozen=True)
class ChipSpec:
    """A neuromorphic chip: per-core limits and what its cores support (sources in the module docstring)."""

    name: str
    cores: int
    compartments_per_core: int
    synapse_bits_per_core: int
    in_axons_per_core: int
    out_axons_per_core: int
    #: graded spikes (a payload per spike); a chip without them takes binary spikes only
    graded_spikes: bool
    max_payload_bits: int
    on_chip_learning: bool
    three_factor_learning: bool
    #: neuron models beyond Loihi 1's fixed leaky integrate-and-fire compartment (microcode)
    programmable_neurons: bool = False
    sources: tuple = field(default=(), compare=False)


LOIHI1 = ChipSpec("Loihi1", cores=128, compartments_per_core=1024, synapse_bits_per_core=128 * 1024 * 8,
                  in_axons_per_core=4096, out_axons_per_core=4096, graded_spikes=False, max_payload_bits=0,
                  on_chip_learning=True, three_factor_learning=False,
                  sources=("Davies et al., IEEE Micro 38(1), 2018", "nengo_loihi/block.py"))
LOIHI2 = ChipSpec("Loihi2", cores=128, compartments_per_core=8192, synapse_bits_per_core=128 * 1024 * 8,
                  in_axons_per_core=4096, out_axons_per_core=4096, graded_spikes=True, max_payload_bits=32,
                  on_chip_learning=True, three_factor_learning=True, programmable_neurons=True,
                  sources=("Intel Labs, Loihi 2 technology brief, 2021",
                           "assumed: synaptic memory and axons per core as Loihi 1, payload <= 32 bits"))
_CHIPS = {"loihi1": LOIHI1, "loihi2": LOIHI2}


def chip_spec(target) -> ChipSpec:
    """The :class:`ChipSpec` for ``target``: ``'Loihi1'``, ``'Loihi2'`` (any case) or a ChipSpec."""
    if isinstance(target, ChipSpec):
        return target
    if isinstance(target, str) and target.lower().replace(" ", "").replace("_", "") in _CHIPS:
        return _CHIPS[target.lower().replace(" ", "").replace("_", "")]
    raise ValidationError(f"deployment target must be 'Loihi1', 'Loihi2' or a ChipSpec (got {short_repr(target)}). "
                          "Pass target='Loihi2', for example.")


@dataclass(frozen=True)
class ChipResources:
    """What one Process needs on neuro-cores; returned by a model's ``chip_resources(proc, chip)`` hook.

    Attributes
    ----------
    compartments : int
        Neuron compartments (0 for a connection).
    synapses : int
        Stored synapses (non-zero weights).
    max_fan_in : int
        The most synapses onto one compartment (the row of the weight matrix with most entries).
    in_axons : int
        Input axons: one per presynaptic source (the size of the input port).
    out_axons : int
        Output axons: one per compartment that sends spikes off its core.
    weight_bits : int
        Synaptic memory per synapse.
    in_payload_bits, out_payload_bits : int
        Payload of each spike received / sent (0 for binary spikes).
    split_in_axons : callable or None
        ``split_in_axons(k)``: the most input axons one core needs when the outputs are split into
        ``k`` contiguous blocks (:func:`inputs_per_block`); None if every core needs all ``in_axons``.
    """

    compartments: int = 0
    synapses: int = 0
    max_fan_in: int = 0
    in_axons: int = 0
    out_axons: int = 0
    weight_bits: int = 8
    in_payload_bits: int = 0
    out_payload_bits: int = 0
    split_in_axons: Callable[[int], int] | None = field(default=None, compare=False, repr=False)

    def axons_when_split(self, k: int) -> int:
        """The most input axons one core needs with the outputs split over ``k`` cores."""
        return self.in_axons if self.split_in_axons is None else int(self.split_in_axons(k))

    def __add__(self, other: ChipResources) -> ChipResources:
        """Two Processes on the same cores: counts add, the larger payloads and weight widths win."""
        split = None
        if self.split_in_axons is not None or other.split_in_axons is not None:
            def split(k: int, a: ChipResources = self, b: ChipResources = other) -> int:
                return a.axons_when_split(k) + b.axons_when_split(k)
        return ChipResources(self.compartments + other.compartments, self.synapses + other.synapses,
                             self.max_fan_in + other.max_fan_in, self.in_axons + other.in_axons,
                             self.out_axons + other.out_axons, max(self.weight_bits, other.weight_bits),
                             max(self.in_payload_bits, other.in_payload_bits),
                             max(self.out_payload_bits, other.out_payload_bits), split)


def neuron_resources(n: int) -> ChipResources:
    """A population of ``n`` neurons: one compartment and one output axon each, binary spikes out.
    Its synapses and input axons belong to the connections that feed it, so what reaches its input
    port straight from the host is a dendritic sum (``ACCUMULATOR_BITS`` of payload)."""
    return ChipResources(compartments=int(n), out_axons=int(n), in_payload_bits=ACCUMULATOR_BITS)


def inputs_per_block(matrix) -> Callable[[int], int]:
    """For a connection matrix ``(n_out, n_in)``: ``f(k)``, the most distinct inputs that any of
    ``k`` contiguous blocks of outputs (as equal as possible) receives from. A convolution's blocks
    see only their receptive fields; a dense matrix's see every input."""
    m = sp.csr_matrix(matrix)
    m.eliminate_zeros()

    def count(k: int) -> int:
        bounds = np.linspace(0, m.shape[0], max(1, min(int(k), m.shape[0])) + 1).astype(np.int64)
        return max((np.unique(m.indices[m.indptr[a]:m.indptr[b]]).size for a, b in zip(bounds[:-1], bounds[1:])),
                   default=0)

    return count


def _ceil_div(a: int, b: int) -> int:
    return -(-int(a) // int(b))


def cores_needed(res: ChipResources, chip: ChipSpec) -> tuple[int, str | None]:
    """``(cores, problem)``: the cores ``res`` needs on ``chip``, and why it cannot fit (or None).

    Cores are the most any one resource asks for (compartments, synaptic memory, output axons;
    at least one), raised until no core needs more input axons than it has (each core needs an
    axon for every input its outputs receive from). It cannot fit if even one core per
    compartment needs too many input axons, or one compartment's fan-in exceeds one core's
    synaptic memory.
    """
    syn_bits = res.synapses * res.weight_bits
    cores = max(1, _ceil_div(res.compartments, chip.compartments_per_core),
                _ceil_div(syn_bits, chip.synapse_bits_per_core), _ceil_div(res.out_axons, chip.out_axons_per_core))
    if res.max_fan_in * res.weight_bits > chip.synapse_bits_per_core:
        return cores, (f"one compartment's fan-in of {res.max_fan_in} synapses x {res.weight_bits} bits exceeds "
                       f"a {chip.name} core's {chip.synapse_bits_per_core // 8192} KiB of synaptic memory")
    limit = chip.in_axons_per_core
    if res.axons_when_split(cores) <= limit:
        return cores, None
    # more cores, each with fewer outputs, may each need fewer input axons (a convolution's blocks
    # see only their receptive fields): double, then search back for the fewest cores that fit
    most = max(res.compartments, 1)
    k = cores
    while k < most and res.axons_when_split(k) > limit:
        k = min(2 * k, most)
    if res.axons_when_split(k) > limit:
        return cores, (f"{res.in_axons} input axons, but a {chip.name} core has {limit} and no split of its "
                       f"{res.compartments} compartments over cores brings a core under that")
    lo = max(cores, k // 2)
    while lo < k:
        mid = (lo + k) // 2
        if res.axons_when_split(mid) <= limit:
            k = mid
        else:
            lo = mid + 1
    return k, None


def bytes_per_event(payload_bits: int) -> int:
    """Bytes of one spike event across the host <-> chip link: 32 bits of address plus the payload."""
    return _ceil_div(SPIKE_MESSAGE_BITS + int(payload_bits), 8)
