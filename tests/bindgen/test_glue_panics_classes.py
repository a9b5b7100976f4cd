"""Classes (ownership, close, use after close) and panics (message, location, poisoning)."""

from __future__ import annotations

import gc
from typing import Any

import pytest


@pytest.fixture
def t(bind_crate: Any) -> Any:
    inst = bind_crate("wf_types").load()
    yield inst
    inst.close()


@pytest.fixture(scope="module")
def mod(bind_crate: Any) -> Any:
    return bind_crate("wf_types")


def test_constructor_methods_and_static_functions(t: Any) -> None:
    acct = t.Account("ada", 10)
    assert acct.owner() == "ada"
    assert acct.deposit(5) == 15
    assert acct.balance() == 15
    assert t.Account.bank_name() == "wasmforge bank"
    assert t.balance_of(acct) == 15


def test_result_method_raises_rust_error(t: Any, mod: Any) -> None:
    acct = t.Account("ada", 1)
    with pytest.raises(mod.RustError, match="insufficient funds: 1 < 2"):
        acct.withdraw(2)
    assert acct.withdraw(1) == 0


def test_objects_as_arguments_and_results(t: Any) -> None:
    a, b = t.Account("a", 3), t.Account("b", 4)
    a.transfer(b, 2)
    assert (a.balance(), b.balance()) == (1, 6)
    m = t.Account.merged(a, b)
    assert isinstance(m, t.Account) and (m.owner(), m.balance()) == ("a&b", 7)
    half = m.maybe_split(2)
    assert half is not None and half.balance() == 3
    assert m.maybe_split(0) is None


def test_wrong_object_type_is_type_error(t: Any) -> None:
    with pytest.raises(TypeError, match="Account"):
        t.balance_of("not an account")


def test_use_after_close_raises(t: Any, mod: Any) -> None:
    acct = t.Account("x", 1)
    acct.close()
    assert acct.closed
    with pytest.raises(mod.ClosedError, match="closed"):
        acct.balance()
    with pytest.raises(mod.ClosedError, match="closed"):
        t.balance_of(acct)
    acct.close()  # twice is harmless


def test_context_manager_closes(t: Any) -> None:
    with t.Account("x", 1) as acct:
        assert acct.balance() == 1
    assert acct.closed


def test_finalizer_frees_rust_memory(t: Any) -> None:
    # Objects dropped without close() are freed by their finalizer: memory use stays flat.
    for _ in range(3000):
        t.Account("y" * 1000, 1)
    gc.collect()
    size = t._wf_rt.memory.size
    for _ in range(3000):
        t.Account("y" * 1000, 1)
    gc.collect()
    assert t._wf_rt.memory.size == size


def test_panic_raises_rust_panic_with_message_and_location(t: Any, mod: Any) -> None:
    with pytest.raises(mod.RustPanic) as info:
        t.panics("it broke: ✗")
    assert info.value.message == "it broke: ✗"
    assert info.value.file == "src/lib.rs"
    assert info.value.line > 0 and info.value.column > 0
    assert "src/lib.rs" in str(info.value)


def test_panic_poisons_the_instance(t: Any, mod: Any) -> None:
    with pytest.raises(mod.RustPanic):
        t.out_of_bounds(7)
    assert t.poisoned
    with pytest.raises(mod.InstancePoisoned):
        t.echo_u8(1)


def test_bounds_check_panic_message(t: Any, mod: Any) -> None:
    with pytest.raises(mod.RustPanic, match="index out of bounds: the len is 3 but the index is 7"):
        t.out_of_bounds(7)


def test_close_after_panic_does_not_raise(t: Any, mod: Any) -> None:
    acct = t.Account("z", 1)
    with pytest.raises(mod.RustPanic):
        t.panics("boom")
    acct.close()
    assert acct.closed


def test_instances_are_independent(bind_crate: Any, mod: Any) -> None:
    with mod.load() as one, mod.load() as two:
        with pytest.raises(mod.RustPanic):
            one.panics("only one")
        assert two.echo_u8(5) == 5


def test_objects_outliving_their_instance_close_quietly(bind_crate: Any) -> None:
    mod = bind_crate("wf_types")
    inst = mod.load()
    acct = inst.Account("q", 1)
    inst.close()
    acct.close()
    assert acct.closed


def test_methods_taking_self_consume_the_object(t: Any, mod: Any) -> None:
    acct = t.Account("ada", 7)
    assert acct.close_out() == 7
    assert acct.closed
    with pytest.raises(mod.ClosedError):
        acct.balance()
    renamed = t.Account("a", 1).rename("b")
    assert (renamed.owner(), renamed.balance()) == ("b", 1)


def test_reset_replaces_a_poisoned_shared_instance(mod: Any) -> None:
    with pytest.raises(mod.RustPanic):
        mod.panics("shared")
    with pytest.raises(mod.InstancePoisoned):
        mod.echo_u8(1)
    mod.reset()
    assert mod.echo_u8(1) == 1
