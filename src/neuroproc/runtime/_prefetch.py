"""Software prefetch for kernels bound by memory latency (sparse weights larger than the cache).

``prefetch(arr, i)`` hints the CPU to load the cache line of ``arr[i]`` (``llvm.prefetch``: read,
high locality). It never faults and does no bounds check: call it with a valid index. Under
``NUMBA_DISABLE_JIT`` it does nothing.
"""
from __future__ import annotations

import numba
from numba import njit

__all__ = ["prefetch", "prefetch_range"]

if numba.config.DISABLE_JIT:
    def prefetch(arr, i):
        pass
else:
    from llvmlite import ir
    from numba.core import cgutils, types
    from numba.extending import intrinsic

    @intrinsic
    def prefetch(typingctx, arr, i):
        sig = types.void(arr, i)

        def codegen(context, builder, signature, args):
            aryty = signature.args[0]
            ary = context.make_array(aryty)(context, builder, args[0])
            ptr = cgutils.get_item_pointer(context, builder, aryty, ary, [args[1]])
            i8p = ir.IntType(8).as_pointer()
            i32 = ir.IntType(32)
            fn = builder.module.declare_intrinsic(
                "llvm.prefetch", [i8p], ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32]))
            builder.call(fn, [builder.bitcast(ptr, i8p), i32(0), i32(3), i32(1)])
            return context.get_dummy_value()

        return sig, codegen


@njit(cache=True)
def prefetch_range(arr, lo, hi):
    """Prefetch ``arr[lo:hi]``, one hint per 64-byte cache line."""
    if hi > lo:
        step = max(1, 64 // arr.itemsize)
        for q in range(lo, hi, step):
            prefetch(arr, q)
        prefetch(arr, hi - 1)
