"""Process declaration: Vars and Ports as attributes, proc_params, names, Var before a run."""
from __future__ import annotations

import numpy as np
import pytest

from neuroproc import AbstractProcess, InPort, OutPort, ShapeError, ValidationError, Var


class Decl(AbstractProcess):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.v = Var(shape=(3,), init=kwargs.get("v0", 1.5))
        self.inp = InPort(shape=(3,))
        self.out = OutPort(shape=(3,))


def test_members_are_collected_and_named():
    p = Decl(name="decl")
    assert p.vars.member_names == ["v"] and p.vars.v is p.v
    assert p.in_ports.inp is p.inp and p.out_ports.out is p.out
    assert p.v.name == "v" and p.v.process is p
    assert p.v.who == "decl::Decl.v"
    with pytest.raises(AttributeError, match=r"has no Var 'vv'. Did you mean 'v'\?"):
        p.vars.vv


def test_default_names_are_unique():
    assert Decl().name != Decl().name


def test_proc_params_are_write_once():
    p = Decl(alpha=1)
    assert p.proc_params["alpha"] == 1 and p.proc_params.get("beta", 7) == 7
    p.proc_params["beta"] = 2
    with pytest.raises(KeyError, match="already set. Use proc_params.overwrite"):
        p.proc_params["alpha"] = 3
    p.proc_params.overwrite("alpha", 3)
    assert p.proc_params["alpha"] == 3


def test_assigning_before_super_init_is_a_helpful_error():
    class Early(AbstractProcess):
        def __init__(self):
            self.v = Var(shape=(1,))
            super().__init__()

    with pytest.raises(RuntimeError, match=r"call super\(\).__init__\(\*\*kwargs\) before assigning"):
        Early()


def test_var_get_set_before_a_run():
    p = Decl(v0=2.0)
    np.testing.assert_array_equal(p.v.get(), [2.0, 2.0, 2.0])
    p.v.set(np.array([1.0, 2.0, 3.0]))
    assert p.v.get(idx=1) == 2.0
    p.v.set(9.0, idx=0)
    np.testing.assert_array_equal(p.v.get(), [9.0, 2.0, 3.0])
    with pytest.raises(ShapeError, match=r"decl\w*::Decl.v.set: value has shape \(2,\)|Decl.v.set"):
        p.v.set(np.zeros(2))


def test_var_shape_and_alias_validation():
    with pytest.raises(ShapeError, match="shape must be a positive int"):
        Var(shape=(0,))
    a, b = Decl(), Decl()
    with pytest.raises(ShapeError, match="cannot alias"):
        a.v.alias(Var(shape=(2,)))
    a.v.alias(b.v)
    assert a.v.resolve() is b.v
    with pytest.raises(ValidationError, match="name must be a non-empty str"):
        Decl(name="")
