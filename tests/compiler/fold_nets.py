"""Small networks of Dense, Sparse or Conv connections for the fold tests.

``connection(kind, stage, ...)`` builds the connection from position ``stage`` to ``stage + 1``
of :data:`SHAPES`: Dense and Sparse act on vectors (6 -> 5 -> 4), Conv on images
((3, 3, 1) -> (2, 2, 2) -> (1, 1, 3)), so two stages chain and two at one stage run in parallel.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from neuroproc import Loihi1SimCfg, RunSteps
from neuroproc.proc.conv.process import Conv
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.io import sink, source
from neuroproc.proc.sparse.process import Sparse

KINDS = ("dense", "sparse", "conv")
STEPS = 12
SHAPES = {"dense": [(6,), (5,), (4,)], "sparse": [(6,), (5,), (4,)], "conv": [(3, 3, 1), (2, 2, 2), (1, 1, 3)]}
KERNELS = [(2, 2, 2, 1), (3, 2, 2, 2)]


def connection(kind, stage, rng, *, binary=False, zero=False, name=None):
    bits = 0 if binary else 24
    if kind == "conv":
        w = np.zeros(KERNELS[stage]) if zero else rng.normal(size=KERNELS[stage])
        return Conv(weight=w, input_shape=SHAPES[kind][stage], num_message_bits=bits, name=name)
    n_out, n_in = SHAPES[kind][stage + 1][0], SHAPES[kind][stage][0]
    w = np.zeros((n_out, n_in)) if zero else rng.normal(size=(n_out, n_in))
    if kind == "sparse":
        if not zero:
            w[rng.random(w.shape) < 0.4] = 0.0
            w[0, 0] = 1.5  # at least one stored weight
        return Sparse(sp.csr_matrix(w), num_message_bits=bits, name=name)
    return Dense(w, num_message_bits=bits, name=name)


def source_data(kind, rng, steps=STEPS):
    """Graded values with exact zeros (which binary spikes do not count)."""
    data = rng.normal(size=SHAPES[kind][0] + (steps,))
    data[rng.random(data.shape) < 0.3] = 0.0
    return data


def cfg(fold, backend="python"):
    return Loihi1SimCfg(select_tag="floating_pt", fold=fold, backend=backend)


def run(build, fold, backend="python", steps=STEPS):
    """Build a network with ``build()`` -> (sender, receiver sink, extras), run it and return what
    the sink received, (*shape, steps), and the extras."""
    src, out, extra = build()
    try:
        src.run(RunSteps(steps), cfg(fold, backend))
        return out.data.get().copy(), extra
    finally:
        src.stop()


def sink_for(kind, stage=2, name="out"):
    return sink.RingBuffer(SHAPES[kind][stage], buffer=STEPS, name=name)


def ring(data, name="src"):
    return source.RingBuffer(data=data, name=name)


def tolerance(ref) -> float:
    """Equal up to float rounding: 1e-12 of the largest value (a few ulps of each sum's terms)."""
    return 1e-12 * max(float(np.abs(ref).max()), 1.0)
