"""The float graded product ``W @ s`` in its fixed order (neuroproc.proc.dense._graded_kernels):
it reproduces Lava's reference data for every float graded case, it equals an interpreted second
implementation with exact rational arithmetic, and it rounds each term once (a fused multiply-add)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from neuroproc.proc.dense._graded_kernels import _fma_python, graded_matvec
from tests.proc.dense.graded_order import fixed_order_dot


def _float_graded_cases(refdir):
    cases = json.loads((refdir / "r2" / "cases.json").read_text())["cases"]
    return {name: spec for name, spec in cases.items()
            if spec.get("model") == "float" and (spec.get("num_message_bits") or 0) > 0}


def _products(refdir, load_ref):
    """(case, weights, input, what Lava computed) for every float graded product in the references."""
    out = []
    for name, spec in sorted(_float_graded_cases(refdir).items()):
        ref = load_ref(f"r2/{name}")
        if spec["kind"] == "learn_rb":      # a_out_sink[:, t] = W(before step t's learning) @ s[t - 1]
            weights = [ref["weights_init"], *ref["mon_weights"][:-1]]
            pre = ref["pre_input"]
            for t in range(1, pre.shape[1]):
                out.append((name, weights[t - 1], pre[:, t - 1], ref["a_out_sink"][:, t]))
        else:                               # the Dense's a_buff after step t: W @ s[t]
            for t in range(ref["input"].shape[1]):
                out.append((name, ref["weights"], ref["input"][:, t], ref["a_buff"][t]))
    return out


def test_the_fixed_order_reproduces_every_float_graded_reference_case(refdir, load_ref):
    products = _products(refdir, load_ref)
    names = {name for name, *_ in products}
    assert len(names) >= 4 and any(name.startswith("learn_") for name in names), names
    wrong = [(name, i) for i, (name, w, s, want) in enumerate(products)
             if graded_matvec(w, s).tobytes() != np.asarray(want, np.float64).tobytes()]
    assert not wrong, wrong[:10]
    # the references tell orders apart: a plain sequential sum misses some of them
    sequential = 0
    for _, w, s, want in products:
        acc = np.zeros(w.shape[0])
        for j in range(w.shape[1]):
            acc = acc + w[:, j] * float(s[j])
        sequential += not np.array_equal(acc, want)
    assert sequential > 10


@pytest.mark.parametrize("n_out", [1, 2, 3, 5])
def test_the_product_equals_the_interpreted_fixed_order(n_out):
    rng = np.random.default_rng(n_out)
    for n_in in [*range(1, 14), 31, 64, 129]:
        w = rng.normal(size=(n_out, n_in)) * 10.0 ** rng.integers(-3, 4, (n_out, n_in))
        s = rng.integers(-200, 200, n_in) * (rng.random(n_in) < 0.6)
        for x in (s, s.astype(float) / 7, s != 0):
            want = fixed_order_dot(w, x)
            assert graded_matvec(w, x).tobytes() == want.tobytes(), (n_out, n_in, x.dtype)
            assert graded_matvec(np.asfortranarray(w), x).tobytes() == want.tobytes()


def test_each_term_is_rounded_once():
    a, b = 1 + 2.0 ** -52, 1 - 2.0 ** -52      # a * b = 1 - 2**-104 exactly: rounded alone, 1.0
    assert a * b - 1.0 == 0.0
    # one row (-1, a) . (1, b): -1, then fma(a, b, -1) = -2**-104
    assert graded_matvec(np.array([[-1.0, a]]), np.array([1.0, b]))[0] == -(2.0 ** -104)
    assert _fma_python(a, b, -1.0) == -(2.0 ** -104)
    assert _fma_python(2.0, 3.0, 1.0) == 7.0
