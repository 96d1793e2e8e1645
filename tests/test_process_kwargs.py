"""A keyword that no parameter, Var or attribute of a Process takes is refused, with a suggestion."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import AbstractProcess, Monitor, ValidationError, Var
from neuroproc.proc import io
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.lif.process import LIF


@pytest.mark.parametrize("kwargs, hint", [
    ({"vth_": 2.0}, "Did you mean 'vth'?"),
    ({"dV": 0.3}, "Did you mean 'dv'?"),
    ({"bias": 0.5}, "Did you mean 'bias_exp' or 'bias_mant'?"),
])
def test_misspelled_lif_keywords_raise_with_a_suggestion(kwargs, hint):
    key = next(iter(kwargs))
    with pytest.raises(ValidationError, match=rf"^lif::LIF: unknown keyword '{key}', which would be "
                                              rf"stored and never used \(got {key}=.*{hint}"):
        LIF(shape=(2,), name="lif", **kwargs)


def test_the_library_processes_take_their_own_keywords():
    LIF(shape=(2,), u=1, v=2, du=0.1, dv=0.2, bias_mant=0.5, bias_exp=1, vth=3, name="a",
        log_config=None)
    Dense(weights=np.eye(2), weight_exp=1, num_weight_bits=7, num_message_bits=0, name="d")
    io.source.RingBuffer(data=np.zeros((2, 3)), name="s")
    io.sink.RingBuffer(shape=(2,), buffer=3, name="k")
    Monitor(name="m")
    with pytest.raises(ValidationError, match=r"unknown keyword 'weigth_exp'.*Did you mean 'weight_exp'"):
        Dense(weights=np.eye(2), weigth_exp=1)
    with pytest.raises(ValidationError, match=r"unknown keyword 'shap'.*Did you mean 'shape'"):
        io.sink.RingBuffer(shape=(2,), buffer=3, shap=(2,))


class KwargsOnly(AbstractProcess):
    """Lava's tutorial style: the constructor reads its own keywords."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.size = kwargs.get("size", 2)
        self.state = Var(shape=(kwargs.get("n", 1),), init=kwargs.get("init_state", 0))


class Declared(AbstractProcess):
    def __init__(self, shape=(1,), gain=1.0, **kwargs):
        super().__init__(shape=shape, gain=gain, **kwargs)
        self.state = Var(shape=shape, init=kwargs.get("state", 0))
        self.extra = kwargs.get("extra")


class Child(Declared):
    def __init__(self, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.offset = offset


def test_what_is_taken_by_a_var_or_an_attribute_counts_as_used():
    KwargsOnly(n=3, init_state=1.0, anything=5)  # reads its keywords itself: never checked
    Declared(shape=(2,), gain=2.0, state=1.0, extra="x")  # a Var and an attribute took them
    Child(offset=1.0, gain=3.0, state=2.0)  # the bases' parameters count
    with pytest.raises(ValidationError, match=r"unknown keyword 'ofset'.*Did you mean 'offset'"):
        Child(ofset=1.0)
    with pytest.raises(ValidationError, match=r"^Declared_\d+::Declared: unknown keyword 'gian'"):
        Declared(gian=2.0)


def test_other_keywords_stay_parameters_for_models_and_run_configs():
    src = io.source.RingBuffer(data=np.zeros((1, 2)), precision="float")
    assert src.proc_params["precision"] == "float"
    lif = LIF(shape=(1,), u0=0.0, threshold_hint=3)  # nothing like a LIF keyword: kept
    assert lif.proc_params["threshold_hint"] == 3
