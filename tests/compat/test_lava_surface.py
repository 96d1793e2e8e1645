"""The Lava surface added to neuroproc's core: ports, processes, decorators, errors, models."""
from __future__ import annotations

import gc

import numpy as np
import pytest

from neuroproc import (
    CPU,
    AbstractProcess,
    AbstractProcessModel,
    AsyncProtocol,
    InPort,
    LavaPyType,
    Loihi2SimCfg,
    LoihiProtocol,
    OutPort,
    PyInPort,
    PyLoihiProcessModel,
    PyOutPort,
    PyRefPort,
    RefPort,
    RunSteps,
    Var,
    VarPort,
    implements,
    requires,
    tag,
)
from neuroproc.exceptions import (
    AliasError,
    ConcatIndexError,
    ConcatShapeError,
    DecoratorError,
    DuplicateConnectionError,
    PortKindError,
    ReshapeError,
    ShapeError,
    TransposeIndexError,
    TransposeShapeError,
    ValidationError,
    VarNotSharableError,
)
from neuroproc.model import PyLoihiModelToPyAsyncModel
from neuroproc.process import LogConfig, ProcessServer
from neuroproc.proc.dense.process import Dense
from neuroproc.proc.lif.process import LIF
from neuroproc.variable import VarServer


class Box(AbstractProcess):
    def __init__(self, shape=(2,), **kwargs):
        super().__init__(shape=shape, **kwargs)
        self.x = Var(shape=shape, init=0)
        self.s_out = OutPort(shape=shape)


# -- errors keep their type and are the builtin Lava raises ------------------------------------------
@pytest.mark.parametrize("cls, builtins", [
    (ShapeError, (ValueError, AssertionError)),
    (ReshapeError, (ShapeError, AssertionError)),
    (ConcatIndexError, (ShapeError, IndexError)),
    (PortKindError, (TypeError, AssertionError, ValueError)),
    (DecoratorError, (TypeError, AssertionError, ValueError)),
    (AliasError, (AssertionError, ValueError)),
])
def test_errors_subclass_the_builtins_lava_raises(cls, builtins):
    assert issubclass(cls, builtins)


def test_port_errors_carry_lavas_names():
    op = OutPort((2, 3, 1))
    with pytest.raises(ReshapeError, match=r"cannot reshape \(2, 3, 1\) into \(5,\)"):
        op.reshape((5,))
    with pytest.raises(ConcatShapeError):
        op.concat_with(OutPort((2, 4, 1)), axis=0)
    with pytest.raises(ConcatIndexError):
        op.concat_with(OutPort((2, 3, 1)), axis=3)
    with pytest.raises(PortKindError):
        op.concat_with(InPort((2, 3, 1)), axis=0)
    with pytest.raises(TransposeShapeError):
        op.transpose((0, 0, 1, 2))
    with pytest.raises(TransposeIndexError):
        op.transpose((0, 1, 3))
    ip = InPort((2, 3, 1))
    op.connect(ip)
    with pytest.raises(DuplicateConnectionError):
        op.connect(ip)
    with pytest.raises(AssertionError):  # shape mismatch, as Lava asserts it
        op.connect(InPort((3, 2, 1)))
    with pytest.raises(TypeError):
        RefPort((2,)).connect(InPort((2,)))


def test_transpose_with_negative_axes_is_a_permutation():
    assert OutPort((1, 2, 3)).transpose((-1, 0, 1)).shape == (3, 1, 2)


def test_src_and_dst_ports_follow_hierarchy_and_virtual_ports():
    op1, op2, op3 = OutPort((2,)), OutPort((2,)), OutPort((2,))
    ip1, ip2, ip3 = InPort((2,)), InPort((2,)), InPort((2,))
    op3.connect_from([op1, op2])
    op3.connect(ip3)
    ip3.connect([ip1, ip2])
    assert op1.get_dst_ports() == [ip1, ip2]
    assert ip2.get_src_ports() == [op1, op2]
    assert op3.size == 2
    a, b = OutPort((1, 2)), InPort((2,))
    a.flatten().connect(b)
    assert a.get_dst_ports() == [b] and b.get_src_ports() == [a]


def test_implicit_var_port_is_named_as_lava_names_it_and_registered():
    box = Box()
    box._x_implicit_port = None  # an attribute that takes the first name
    ref = RefPort((2,))
    ref.connect_var(box.x)
    vp = ref.get_dst_ports()[0]
    assert isinstance(vp, VarPort) and vp.name == "_x_implicit_port_1"
    assert vp.process is box and box.var_ports.has(vp)
    assert ref.get_dst_vars() == [box.x]


def test_var_port_rules():
    with pytest.raises(VarNotSharableError):
        VarPort(Var((2,), shareable=False))
    parent, child = VarPort(Var((2,))), VarPort(Var((2,)))
    parent.connect(child)
    assert child.in_connections == [parent]
    with pytest.raises(TypeError):
        parent.connect(InPort((2,)))
    with pytest.raises(TypeError):
        child.connect_from(OutPort((2,)))


def test_inport_reduce_op_accepts_only_sum():
    from neuroproc.compat.lava.shims.reduce_ops import ReduceSum

    assert InPort((2,), reduce_op=ReduceSum).reduce_op is ReduceSum
    with pytest.raises(ValueError, match="fan-in is always summed"):
        InPort((2,), reduce_op=object)


# -- processes --------------------------------------------------------------------------------------
def test_process_and_var_ids_count_in_creation_order():
    ProcessServer().reset_server()
    VarServer().reset_server()
    a, b = Box(), Box()
    assert (a.id, b.id) == (0, 1)
    assert ProcessServer().processes == [a, b] and ProcessServer().get_next_id() == 2
    assert [v.id for v in (a.x, b.x)] == [0, 1]
    del b
    gc.collect()  # a Process and its Vars reference each other
    assert ProcessServer().num_processes == 1  # weakly held: the server keeps nothing alive


def test_sub_processes_assigned_as_attributes_are_listed():
    class Holder(AbstractProcess):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.inner = Box()

    h = Holder()
    assert h.procs.members == [h.inner] and h.procs.name == "sub-Process"


def test_register_sub_procs_and_alias_validation():
    parent, child, stranger = Box(), Box(), Box()
    parent.register_sub_procs({"child": child})
    assert child.parent_proc is parent and child.is_sub_proc_of(parent)
    parent.x.alias(child.x)
    parent.validate_var_aliases()
    parent.x.alias(stranger.x)
    with pytest.raises(AliasError, match="not in a sub-Process"):
        parent.validate_var_aliases()
    with pytest.raises(AliasError, match="shareable"):
        Var((2,), shareable=False).alias(child.x)


def test_log_config_is_checked():
    assert Box(log_config=LogConfig(level=10)).log_config.level == 10
    with pytest.raises(ValidationError, match="needs a file name"):
        LogConfig(logs_to_file=True)
    with pytest.raises(ValidationError, match="log_config must be a LogConfig"):
        Box(log_config="debug")


def test_compile_marks_the_process_and_run_sets_its_model():
    lif = LIF(shape=(2,), vth=1)
    assert not lif.is_compiled and lif.model is None
    lif.compile(Loihi2SimCfg(backend="python"))
    assert lif.is_compiled
    lif.run(condition=RunSteps(num_steps=1), run_cfg=Loihi2SimCfg(backend="python"))
    assert type(lif.model).__name__ == "PyLifModelFloat"
    lif.stop()
    with pytest.raises(ValueError, match="needs a run_cfg"):
        LIF(shape=(1,)).run(condition=RunSteps(num_steps=1))


# -- decorators ---------------------------------------------------------------------------------------
def test_tags_and_requirements_extend_the_parents():
    @tag("a")
    @requires(CPU)
    class Base(AbstractProcessModel):
        pass

    @tag("b")
    class Child(Base):
        pass

    assert Child.tags == ["a", "b"] and Base.tags == ["a"]
    assert Child.required_resources == [CPU]


def test_decorators_refuse_what_lava_refuses():
    class SyncA(LoihiProtocol):
        pass

    @implements(proc=Box, protocol=LoihiProtocol)
    class Model(AbstractProcessModel):
        pass

    with pytest.raises(DecoratorError, match="inherits protocol LoihiProtocol"):
        implements(protocol=AsyncProtocol)(type("Sub", (Model,), {}))
    implements(protocol=SyncA)(type("Narrower", (Model,), {}))  # a sub-protocol is fine
    for deco in (tag("x"), requires(CPU), implements(proc=Box)):
        with pytest.raises(AssertionError, match="decorates ProcessModel classes only"):
            deco(Box)
    with pytest.raises(AssertionError, match="must be an AbstractProcess subclass"):
        implements(proc=Box())


# -- models ---------------------------------------------------------------------------------------------
class AsyncCfg(Loihi2SimCfg):
    def select(self, proc, proc_models):
        model = super().select(proc, proc_models)
        return PyLoihiModelToPyAsyncModel(model) if issubclass(model, PyLoihiProcessModel) else model


def _lif_dense_lif(run_cfg):
    w = (np.arange(80).reshape(8, 10) - 25) * 2
    a = LIF(shape=(10,), du=0, dv=0, bias_mant=20 + np.arange(10), bias_exp=6, vth=20)
    b = LIF(shape=(8,), du=4000, dv=4000, vth=1024)
    d = Dense(weights=w)
    a.s_out.connect(d.s_in)
    d.a_out.connect(b.a_in)
    b.run(condition=RunSteps(num_steps=5), run_cfg=run_cfg)
    b.run(condition=RunSteps(num_steps=3), run_cfg=run_cfg)  # a second run resumes
    out = b.u.get(), b.v.get(), type(b.model)
    b.stop()
    return out


def test_async_conversion_gives_the_loihi_models_numbers():
    u0, v0, m0 = _lif_dense_lif(Loihi2SimCfg(select_tag="fixed_pt", backend="python"))
    u1, v1, m1 = _lif_dense_lif(AsyncCfg(select_tag="fixed_pt"))
    assert m1.__name__ == m0.__name__ + "Async"
    assert m1.implements_protocol is AsyncProtocol and m1.implements_process is LIF
    assert np.any(u0 != 0)
    np.testing.assert_array_equal(u1, u0)
    np.testing.assert_array_equal(v1, v0)


def test_async_conversion_refuses_other_classes():
    with pytest.raises(TypeError, match="expected a PyLoihiProcessModel class"):
        PyLoihiModelToPyAsyncModel(AbstractProcessModel)


def test_custom_virtual_port_transforms_messages_in_a_run():
    from neuroproc.ports import AbstractPort, AbstractVirtualPort

    class Swap(AbstractVirtualPort):
        """Reverses a message (Lava's hook for user virtual ports)."""

        def get_transform_func_fwd(self):
            return lambda x: x[::-1].copy()

    class Src(AbstractProcess):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.s_out = OutPort((3,))

    class Dst(AbstractProcess):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.a_in = InPort((3,))
            self.got = Var((3,), init=0)

    @implements(proc=Src, protocol=LoihiProtocol)
    class PySrc(PyLoihiProcessModel):
        s_out = LavaPyType(PyOutPort.VEC_DENSE, float)

        def run_spk(self):
            self.s_out.send(np.array([1.0, 2.0, 3.0]))

    @implements(proc=Dst, protocol=LoihiProtocol)
    class PyDst(PyLoihiProcessModel):
        a_in = LavaPyType(PyInPort.VEC_DENSE, float)
        got = LavaPyType(np.ndarray, float)

        def run_spk(self):
            self.got[:] = self.a_in.recv()

    src, dst = Src(), Dst()
    swap = Swap((3,))
    src.s_out._connect_forward([swap], AbstractPort, assert_same_shape=False)
    swap.connect(dst.a_in)
    dst.run(condition=RunSteps(num_steps=1), run_cfg=Loihi2SimCfg(backend="python"))
    np.testing.assert_array_equal(dst.got.get(), [3.0, 2.0, 1.0])
    dst.stop()


class Holder(AbstractProcess):
    def __init__(self, data, **kwargs):
        super().__init__(**kwargs)
        self.data = Var(shape=np.shape(data), init=data)
        self.var_port = VarPort(self.data)


class Writer(AbstractProcess):
    def __init__(self, data, **kwargs):
        super().__init__(data=np.asarray(data), **kwargs)
        self.got = Var(shape=np.shape(data), init=0)
        self.ref = RefPort(shape=np.shape(data))


@implements(proc=Holder, protocol=LoihiProtocol)
class PyHolder(PyLoihiProcessModel):
    data = LavaPyType(np.ndarray, float)


@implements(proc=Writer, protocol=LoihiProtocol)
class PyWriter(PyLoihiProcessModel):
    """Reads the target in step 1, writes its own data in step 2."""

    got = LavaPyType(np.ndarray, float)
    ref = LavaPyType(PyRefPort.VEC_DENSE, float)

    def post_guard(self):
        return True

    def run_post_mgmt(self):
        if self.time_step == 1:
            self.got[:] = self.ref.read()
        elif self.time_step == 2:
            self.ref.write(self.proc_params["data"])


MINE = np.arange(6.0).reshape(2, 3)
THEIRS_32 = np.arange(10.0, 16.0).reshape(3, 2)


@pytest.mark.parametrize("view, theirs, expected_read, expected_write", [
    (lambda r: r.transpose((1, 0)), THEIRS_32, THEIRS_32.T, MINE.T),
    (lambda r: r.reshape((3, 2)), THEIRS_32, THEIRS_32.reshape(2, 3), MINE.reshape(3, 2)),
    (lambda r: r.flatten(), THEIRS_32.ravel(), THEIRS_32.reshape(2, 3), MINE.ravel()),
], ids=["transpose", "reshape", "flatten"])
def test_ref_port_views_transform_reads_and_writes(view, theirs, expected_read, expected_write):
    writer, holder = Writer(MINE), Holder(theirs)
    view(writer.ref).connect(holder.var_port)
    cfg = Loihi2SimCfg(backend="python")
    writer.run(condition=RunSteps(num_steps=1), run_cfg=cfg)
    np.testing.assert_array_equal(writer.got.get(), expected_read)  # read backward through the view
    writer.run(condition=RunSteps(num_steps=1), run_cfg=cfg)
    np.testing.assert_array_equal(holder.data.get(), expected_write)  # written forward through it
    writer.stop()


def test_sub_process_model_base_is_abstract():
    from neuroproc import AbstractSubProcessModel

    with pytest.raises(TypeError, match="is abstract"):
        AbstractSubProcessModel(Box())


def test_sync_domains_are_accepted_and_recorded():
    from neuroproc.sync import SyncDomain

    box = Box()
    domain = SyncDomain("main", LoihiProtocol(), [box])
    domain.add_process([Box()])
    assert len(domain.processes) == 2
    with pytest.raises(ValueError, match="protocol must be a protocol instance"):
        domain.set_protocol("loihi")
