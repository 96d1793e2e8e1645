"""The kernel hook: how a model offers its ``run_spk`` to the compiled backend.

A model returns a :class:`KernelSpec` from ``kernel()``. The compiled backend then calls, every
time step ``t`` and with no Python in between:

* ``early(t, *arrays, *params, *early_out_bufs)`` for every model first: messages a model sends
  before it receives (Dense sends last step's accumulation this way);
* ``step(t, *arrays, *params, *in_bufs, *out_bufs, *ref_vars)`` for every model, in an order
  where each model runs after the models whose (non-early) messages it receives and whose Vars
  its ref-ports reach (``ref_vars``, see *Ref-ports* below).

``arrays`` name model attributes that are numpy arrays; the kernel updates them in place, so
``Var.get``/``set`` between runs see the same buffers. ``params(model)`` returns extra read-only
arguments, rebuilt at every ``run`` call: arrays (e.g. scalar Vars broadcast to a shape) or
scalars (numba compiles the loop for the types it gets, so a parameter that is the same for
every neuron can be passed as one number, see :func:`scalar_if_uniform` and :func:`item`).
``prepare(model)`` runs in Python before each ``run`` call's loop (once-only conversions that
``run_spk`` would do on its first step); ``setup(model)``, if given, runs once when the backend
is built, for conversions no Var read can tell apart (a weight matrix's memory layout), so that
runs do not pay for them. ``in_bufs`` hold what each in-port receives this step (fan-in already
summed, in the dtype ``recv`` would return; read-only: they may be the sender's own buffer);
``out_bufs`` take what each out-port sends (in the port's dtype). Kernels are
``numba.njit(cache=True)`` functions defined at module level.

Optional fast paths (a kernel without them works unchanged):

* **Active views.** For an in-port named in ``in_views`` the step gets, in place of the buffer,
  the *active view* of this step's message: a 1-D int64 array of the indices (into the flattened
  buffer, ascending) of its non-zero entries -- what a binary-spike consumer such as Dense loops
  over. The view of an out-port's buffer is made once per step and shared by all its readers:
  by the sender's step itself if it lists the port in ``out_views`` (it then gets two more
  arguments right after that port's buffer, ``idx`` (int64, the port's size) and ``count``
  (int64, 1): it writes the indices to ``idx[:count[0]]``), else by the backend (one pass over
  the buffer, :func:`active_view`). Summed fan-in gets a view of the sum.
* **Early copies.** ``early_copies`` lists ``(early port, array attribute)`` pairs for which the
  early kernel does nothing but copy the attribute into the port (Dense: ``a_out <- a_buff``).
  The backend may then use the attribute itself as the port's buffer and drop the copy: it does
  so when the attribute has the port's dtype and shape, no Monitor probes the port, and every
  reader of the port can run before the sender's step (the backend orders them so; where that
  would close a loop it keeps the copy). The attribute must keep its dtype and shape between
  runs (checked before each run).

Ref-ports. For every ref-port named in ``ref_ports`` the step gets, after its out-port
arguments, the array of the Var the ref-port reaches (the holder model's attribute itself, in its
dtype, shaped as the Var) -- what ``read()`` returns in a management phase, and where a write
lands. The backend runs the step after the holder's step, so it sees the Var as the python
backend's post-management phase does (after every ``run_spk`` of the step). An unconnected
ref-port gets zeros of its shape and declared dtype (a scratch array). A step may write the array
in place (a post-management write) if it lists the ref-port in ``ref_writes`` too; the network
is then fused only where no other ref-port or Monitor reaches that Var (their order in the
management phase would decide what they see) and the holder's kernel lists the Var in its
``arrays`` (a Var it turns into ``params`` would not change until the next run). Ref-ports through virtual ports (reshapes of the
Var) are not fused. On the compiled backend the model's
listed ref-ports are bound as on the python backend, so its host hooks may ``read()`` them.

Parts (optional): a kernel may also say how to run its step on a range of its items, so that
the backend can split a step over threads (``RunConfig(threads=...)``). ``part_of`` names the
array attribute whose (flattened) items are split; ``part(t, p, lo, hi, *arrays, *params,
*part_params, *in_bufs, *out_bufs)`` does for items ``lo:hi`` (part ``p``) what ``step`` does for
all: it writes only those items of its outputs and attributes, reads whatever it needs, and gives
for every item the same bits as ``step`` (float sums keep their order: a synapse kernel splits
by *output*). ``part_params(model, bounds)`` returns extra read-only arguments for the parts
(``bounds``: int64, the ``P + 1`` split points; e.g. where each input's synapses cross them).
For an out-port in ``out_views`` a part gets ``idx`` and ``part_counts``: it writes its items'
active indices (ascending) to ``idx[lo:lo + k]`` and ``k`` to ``part_counts[p]``; the backend
joins the parts' lists before any reader sees them. ``part_local`` names the ports and array
attributes that a part reads and writes only at its own items (LIF: all of them; a synapse
kernel: its accumulator and early port), so that threads need not meet between two kernels split
alike. ``early_part`` does the same for the early kernel. Kernels without parts run whole, on one
thread, between the barriers the parts need.

The recording hook. A model that only records (a Monitor) offers no kernel; it returns from
``recordings()`` a list of :class:`Recording`, and the compiled backend writes, at the end of
every step ``t``, row ``t - 1`` of the model's array attribute ``data``: for ``kind='port'`` what
the model's in-port ``port`` received in step ``t`` (fan-in summed), for ``kind='var'`` the Var
its ref-port ``port`` reaches (after the step, as the post-management read does). A step that
does not fit the array (``num_steps`` rows) stops the run with an error naming ``label``. The
python backend runs the same model's ``run_spk``/``run_post_mgmt`` instead.

The fold stage's hooks (``fold_identity``, ``linear_map``) are described in
:mod:`neuroproc.compiler.fold` and :mod:`neuroproc.compiler.linear_map`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numba
import numpy as np
from numba import njit

__all__ = ["KernelSpec", "Recording", "active_view", "bit_patterns", "item", "scalar_if_uniform"]


@dataclass(frozen=True)
class KernelSpec:
    """What a model gives the compiled backend (see the module docstring)."""

    step: Callable
    arrays: tuple[str, ...] = ()
    in_ports: tuple[str, ...] = ()
    out_ports: tuple[str, ...] = ()
    early: Callable | None = None
    early_ports: tuple[str, ...] = ()
    params: Callable | None = None
    prepare: Callable | None = None
    setup: Callable | None = None
    #: per in-port, the numpy dtype kinds the kernel handles ('' = any); others fall back
    in_kinds: tuple[str, ...] = ()
    #: names the generated code shows; defaults to the step function's name
    label: str = ""
    #: in-ports received as active views (indices of the non-zero entries) instead of buffers
    in_views: tuple[str, ...] = ()
    #: out-ports (of ``out_ports``) whose active view the step writes itself
    out_views: tuple[str, ...] = ()
    #: (early port, array attribute) pairs the early kernel only copies; the backend may alias them
    early_copies: tuple[tuple[str, str], ...] = ()
    #: ref-ports whose target Var's array the step gets (after the out-port arguments)
    ref_ports: tuple[str, ...] = ()
    #: those of ``ref_ports`` whose Var the step writes
    ref_writes: tuple[str, ...] = ()
    #: the step on a range of items, for threads (see the module docstring); None: whole steps only
    part: Callable | None = None
    #: the array attribute whose items the parts split
    part_of: str = ""
    #: ``(model, bounds) -> tuple``: extra read-only arguments of the parts
    part_params: Callable | None = None
    #: ports and array attributes a part touches only at its own items ``lo:hi`` (so parts that
    #: split alike need no barrier between them for these)
    part_local: tuple[str, ...] = ()
    #: array attributes (of ``arrays``) that no kernel of the model writes: threads need not
    #: meet around reads of them
    read_only: tuple[str, ...] = ()
    #: the early kernel on a range of items, like ``part`` (``early_part(t, p, lo, hi, *arrays,
    #: *params, *part_params, *early_out_bufs)``); None: it runs whole, on one thread
    early_part: Callable | None = None


@dataclass(frozen=True)
class Recording:
    """One recording a model asks the compiled backend for (see the module docstring)."""

    #: ``'port'`` (messages an in-port receives) or ``'var'`` (the Var a ref-port reaches)
    kind: str
    #: the model's in-port or ref-port
    port: str
    #: the model's array attribute, of shape ``(num_steps, *shape)``; row ``t - 1`` holds step t
    data: str
    num_steps: int
    #: what is recorded, for messages (e.g. ``"lif.v"``)
    label: str = ""


@njit(cache=True)
def active_view(buf, idx, count):
    """Write the indices of the non-zero entries of ``buf`` (flattened) to ``idx``, their number
    to ``count[0]``. Branch-free: every index is written, the count only moves on a non-zero
    entry, so random spike patterns cost no mispredicted branches."""
    flat = buf.reshape(buf.size)
    k = 0
    for j in range(flat.size):
        idx[k] = j
        k += np.int64(flat[j] != 0)
    count[0] = k


def item(x, i):
    """``x[i]`` for an array parameter, ``x`` itself for a scalar one (inside kernels)."""
    return x[i] if isinstance(x, np.ndarray) else x


if not numba.config.DISABLE_JIT:
    from numba.core import types
    from numba.extending import overload

    @overload(item, inline="always")
    def _item_overload(x, i):
        if isinstance(x, types.Array):
            return lambda x, i: x[i]
        return lambda x, i: x


def scalar_if_uniform(value, shape: tuple[int, ...], dtype):
    """A per-item kernel parameter: ``value`` broadcast to ``shape`` in ``dtype``, as one scalar
    when every item has the same bits (the kernel then loads nothing per item; ``0.0`` and
    ``-0.0`` count as different), else as a flat C-contiguous array."""
    arr = np.asarray(value).astype(dtype, copy=False)
    if arr.size == 1:  # a scalar Var: nothing to compare (the common case, kept cheap per run)
        return arr.reshape(1)[0]
    if arr.shape != tuple(shape):
        arr = np.broadcast_to(arr, shape)
    flat = np.ascontiguousarray(arr).reshape(-1)
    bits = bit_patterns(flat) if flat.size else None
    if bits is not None and (bits == bits[0]).all():
        return flat[0]
    return flat


def bit_patterns(arr: np.ndarray) -> np.ndarray | None:
    """The contiguous ``arr``'s items as unsigned integers of their size (a view: equal patterns
    are equal bits, so ``0.0`` and ``-0.0`` differ and a NaN equals itself), or None for an item
    size without an unsigned integer type."""
    unsigned = _UINT.get(arr.itemsize)
    return None if unsigned is None else arr.view(unsigned)


_UINT = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}
