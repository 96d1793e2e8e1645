"""The kernel hook: how a model offers its ``run_spk`` to the compiled backend.

A model returns a :class:`KernelSpec` from ``kernel()``. The compiled backend then calls, every
time step ``t`` and with no Python in between:

* ``early(t, *arrays, *params, *early_out_bufs)`` for every model first: messages a model sends
  before it receives (Dense sends last step's accumulation this way);
* ``step(t, *arrays, *params, *in_bufs, *out_bufs)`` for every model, in an order where each
  model runs after the models whose (non-early) messages it receives.

``arrays`` name model attributes that are numpy arrays; the kernel updates them in place, so
``Var.get``/``set`` between runs see the same buffers. ``params(model)`` returns extra read-only
arrays (e.g. scalar Vars broadcast to a shape), rebuilt at every ``run`` call. ``prepare(model)``
runs in Python before each ``run`` call's loop (once-only conversions that ``run_spk`` would do on
its first step). ``in_bufs`` hold what each in-port receives this step (fan-in already summed, in
the dtype ``recv`` would return); ``out_bufs`` take what each out-port sends (in the port's dtype).
Kernels are ``numba.njit(cache=True)`` functions defined at module level.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["KernelSpec"]


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
    #: per in-port, the numpy dtype kinds the kernel handles ('' = any); others fall back
    in_kinds: tuple[str, ...] = ()
    #: names the generated code shows; defaults to the step function's name
    label: str = ""
