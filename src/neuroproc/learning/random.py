"""Random numbers of the bit-approximate learning model (Lava's ``learning.random``).

:class:`TraceRandom` holds one number for stochastic rounding after a trace decays (a float in
[0, 1)) and one after an impulse is added (an int in [0, 128)), each from its own
``np.random.default_rng`` generator; :class:`ConnVarRandom` holds one float for rounding the
synaptic variables after a learning phase (seed 2 by default -- Lava's models never pass the
rule's seed, see :mod:`neuroproc.learning.connection`). Each draws its first numbers at
construction and new ones on :meth:`advance`.

The models keep the same streams as arrays (:func:`stream_state`) that numba code advances
exactly as numpy does (:mod:`neuroproc.learning._pcg`), so both backends draw identical numbers.
"""
from __future__ import annotations

import numpy as np

from neuroproc.learning._pcg import export_state
from neuroproc.learning.constants import W_TRACE

__all__ = ["AbstractRandomGenerator", "ConnVarRandom", "TraceRandom", "stream_state"]


class AbstractRandomGenerator:
    """A holder of random numbers that :meth:`advance` replaces."""

    def advance(self) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement advance().")


class TraceRandom(AbstractRandomGenerator):
    """Random numbers for the traces: ``random_trace_decay`` (float) and
    ``random_impulse_addition`` (int in [0, 2**7))."""

    def __init__(self, seed_trace_decay: int | None = 0, seed_impulse_addition: int | None = 1) -> None:
        self._rng_trace_decay = np.random.default_rng(seed=seed_trace_decay)
        self._rng_impulse_addition = np.random.default_rng(seed=seed_impulse_addition)
        self._random_trace_decay = 0.0
        self._random_impulse_addition = 0
        self.advance()

    @property
    def random_trace_decay(self) -> float:
        return self._random_trace_decay

    @property
    def random_impulse_addition(self) -> int:
        return self._random_impulse_addition

    def advance(self) -> None:
        """Draw a new number of each kind (decay first)."""
        self._random_trace_decay = self._rng_trace_decay.random(1)[0]
        self._random_impulse_addition = self._rng_impulse_addition.integers(0, 2 ** W_TRACE, size=1, dtype=int)[0]


class ConnVarRandom(AbstractRandomGenerator):
    """The random number for stochastic rounding of the synaptic variables."""

    def __init__(self, seed_stochastic_rounding: int | None = 2) -> None:
        self._rng = np.random.default_rng(seed=seed_stochastic_rounding)
        self._random_stochastic_round = self._rng.random(1)[0]

    @property
    def random_stochastic_round(self) -> float:
        return self._random_stochastic_round

    def advance(self) -> None:
        self._random_stochastic_round = self._rng.random(1)[0]


def stream_state(x_random: TraceRandom, y_random: TraceRandom,
                 conn_random: ConnVarRandom) -> tuple[np.ndarray, np.ndarray]:
    """The five streams as ``(states uint64[5, 6], values float64[5])``.

    Rows: x decay, x impulse, y decay, y impulse, synaptic rounding; ``values`` holds the
    current number of each (the impulse numbers are integers, exact in float64).
    """
    gens = (x_random._rng_trace_decay, x_random._rng_impulse_addition, y_random._rng_trace_decay,
            y_random._rng_impulse_addition, conn_random._rng)
    states = np.stack([export_state(g) for g in gens])
    values = np.array([x_random.random_trace_decay, x_random.random_impulse_addition, y_random.random_trace_decay,
                       y_random.random_impulse_addition, conn_random.random_stochastic_round], np.float64)
    return states, values
