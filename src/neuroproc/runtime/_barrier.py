"""What the parallel fused loop needs besides the kernels: a spin barrier and active views by part.

The threads of a parallel fused loop (:mod:`neuroproc.runtime._parallel`) run the same steps, each
on its part of the neurons, and meet at :func:`spin_barrier` where one part's results feed
another's. A barrier costs well under a microsecond while both threads run; a thread-pool
hand-off per step would cost tens (see the design notes), more than a step of most networks.

``sync`` is an int64 array of 3: arrivals, generation, abort. A thread that fails sets the abort
flag (from Python, after its exception); every thread then leaves its barriers at once and the
loop returns early, so a failure never leaves a partner spinning.
"""
from __future__ import annotations

import numba
import numpy as np
from numba import njit

__all__ = ["SPIN_BEFORE_YIELD", "active_view_part", "merge_view", "spin_barrier"]

if numba.config.DISABLE_JIT:  # no threads run the loop then (the backend stays serial)
    def atomic_add(arr, i, val):
        old = arr[i]
        arr[i] += val
        return old

    def atomic_load(arr, i):
        return arr[i]

    def sched_yield():
        return 0
else:
    from llvmlite import ir
    from numba.core import cgutils, types
    from numba.extending import intrinsic

    @intrinsic
    def atomic_add(typingctx, arr, i, val):
        """``arr[i] += val`` atomically (sequentially consistent); returns the old value."""
        sig = arr.dtype(arr, i, arr.dtype)

        def codegen(context, builder, signature, args):
            aryty = signature.args[0]
            ary = context.make_array(aryty)(context, builder, args[0])
            ptr = cgutils.get_item_pointer(context, builder, aryty, ary, [args[1]])
            return builder.atomic_rmw("add", ptr, args[2], "seq_cst")

        return sig, codegen

    @intrinsic
    def atomic_load(typingctx, arr, i):
        """``arr[i]`` of an int64 array, as one sequentially consistent atomic load."""
        sig = arr.dtype(arr, i)

        def codegen(context, builder, signature, args):
            aryty = signature.args[0]
            ary = context.make_array(aryty)(context, builder, args[0])
            ptr = cgutils.get_item_pointer(context, builder, aryty, ary, [args[1]])
            return builder.load_atomic(ptr, "seq_cst", 8)

        return sig, codegen

    @intrinsic
    def sched_yield(typingctx):
        """libc's ``sched_yield()`` (declared in the IR, so the loop stays cacheable)."""
        sig = types.int32()

        def codegen(context, builder, signature, args):
            fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(ir.IntType(32), []),
                                                "sched_yield")
            return builder.call(fn, [])

        return sig, codegen

#: busy-wait iterations before each ``sched_yield()``: a partner descheduled on a busy machine
#: gets the core back soon, an idle one costs no system call
SPIN_BEFORE_YIELD = 2000


@njit(cache=True)
def spin_barrier(sync, nthreads):
    """Wait until ``nthreads`` threads arrived; returns True when the run was aborted.

    The last thread to arrive resets the count and bumps the generation; the others spin on the
    generation. The atomics order every memory access before the barrier before those after it.
    """
    if atomic_load(sync, 2) != 0:
        return True
    gen = atomic_load(sync, 1)
    if atomic_add(sync, 0, np.int64(1)) == nthreads - 1:
        atomic_add(sync, 0, np.int64(-nthreads))
        atomic_add(sync, 1, np.int64(1))
        return False
    spins = 0
    while atomic_load(sync, 1) == gen:
        if atomic_load(sync, 2) != 0:
            return True
        spins += 1
        if spins >= SPIN_BEFORE_YIELD:
            sched_yield()
            spins = 0
    return False


@njit(cache=True)
def merge_view(part_idx, part_counts, bounds, idx, count):
    """Join the parts' active views into one: part ``q`` wrote its (ascending) indices to
    ``part_idx[bounds[q]:bounds[q] + part_counts[q]]``; they go to ``idx`` behind each other, so
    ``idx[:count[0]]`` lists them all, ascending, as one step over all items writes them."""
    k = 0
    for q in range(part_counts.size):
        lo = bounds[q]
        for i in range(part_counts[q]):
            idx[k + i] = part_idx[lo + i]
        k += part_counts[q]
    count[0] = k


@njit(cache=True)
def active_view_part(buf, lo, hi, idx, part_counts, p):
    """:func:`~neuroproc.runtime.kernels.active_view` of the items ``lo:hi`` of ``buf``: their
    indices to ``idx[lo:]``, their number to ``part_counts[p]`` (for :func:`merge_view`)."""
    flat = buf.reshape(buf.size)
    k = lo
    for j in range(np.uint64(lo), np.uint64(hi)):  # unsigned: no negative-index fix-up
        idx[k] = j
        k += np.int64(flat[j] != 0)
    part_counts[p] = k - lo
