"""Hand-written baselines for neuroproc's compiled backend: LIF networks in plain numpy and numba.

* :mod:`.networks` -- deterministic networks as plain dicts: the E/I network of Lava's
  tutorial (400 neurons, dense), a Vogels-Abbott-sized CUBA network (4000, 2 %), a large one
  (40,000, 0.25 %) and a 100-neuron per-step-overhead network.
* :mod:`.numpy_loops` -- ``run_numpy(net, steps)``: Lava 0.10's float LIF/Dense equations, step by
  step, with Lava's summation order (bit-identical to the Lava reference data).
* :mod:`.numba_loops` -- ``run_numba(net, steps)``: one event-driven ``@njit`` loop per network
  kind (dense, CSR pre-major, CSR on two threads), bit-identical to the numpy loop.

Benchmark (prints a table and one JSON line)::

    python -m benchmarks.baselines.runners [--quick] [--only ei_critical,cuba,...]
"""
