"""The descriptor section: records written by the support crate, read back as dataclasses."""

from __future__ import annotations

import struct
from typing import Any

import pytest

from tests.conftest import corpus_dir
from wasmforge.bindgen.descriptors import (
    FORMAT_VERSION,
    DescriptorError,
    Kind,
    Receiver,
    Type,
    parse,
    read,
)


def _s(text: str) -> bytes:
    raw = text.encode()
    return struct.pack("<H", len(raw)) + raw


def _record(kind: int, body: bytes, version: int = FORMAT_VERSION) -> bytes:
    return b"wf" + bytes([version, kind]) + struct.pack("<I", len(body)) + body


def _function(name: str, params: list[tuple[str, bytes]], result: bytes, doc: str = "") -> bytes:
    body = _s(f"__wf_fn_{name}") + _s(name) + _s(doc) + bytes([len(params)])
    for pname, ptype in params:
        body += _s(pname) + ptype + b"\0"  # no default
    return _record(1, body + result)


def test_parse_function_record() -> None:
    data = _function("greet", [("name", bytes([Kind.STR]))], bytes([Kind.STRING]), doc=" Greets.\n\n More.")
    desc = parse(data)
    (fn,) = desc.functions
    assert (fn.symbol, fn.name, fn.doc) == ("__wf_fn_greet", "greet", "Greets.\n\nMore.")
    assert [(p.name, str(p.type)) for p in fn.params] == [("name", "&str")]
    assert fn.result == Type(Kind.STRING)


def test_nested_types_read_back() -> None:
    ty = bytes([Kind.RESULT, Kind.OPTION, Kind.VEC, Kind.U64])
    (fn,) = parse(_function("f", [], ty)).functions
    assert str(fn.result) == "Result<Option<Vec<u64>>, _>"
    cls = bytes([Kind.CLASS_MUT, 7]) + b"Counter"
    (fn,) = parse(_function("g", [("c", cls)], bytes([Kind.UNIT]))).functions
    assert str(fn.params[0].type) == "&mut Counter"


def test_newer_format_version_is_refused_with_a_clear_message() -> None:
    data = _function("f", [], bytes([Kind.UNIT]))
    newer = data[:2] + bytes([FORMAT_VERSION + 1]) + data[3:]
    with pytest.raises(DescriptorError, match=f"version {FORMAT_VERSION + 1} is newer") as info:
        parse(newer, origin="x.wasm")
    assert "x.wasm" in str(info.value)
    assert info.value.hint and "upgrade" in info.value.hint


def test_truncated_record_names_the_offset() -> None:
    data = _function("f", [], bytes([Kind.UNIT]))
    with pytest.raises(DescriptorError, match="offset 0x"):
        parse(data[:-3], origin="x.wasm")


def test_unknown_type_tag_is_reported() -> None:
    with pytest.raises(DescriptorError, match="unknown type tag 0x7f"):
        parse(_function("f", [], bytes([0x7F])))


def test_bad_magic_is_reported() -> None:
    with pytest.raises(DescriptorError, match="starting with 'wf'"):
        parse(b"xx" + bytes(10))


def test_unknown_record_kind_is_skipped() -> None:
    data = _record(99, b"future stuff") + _function("f", [], bytes([Kind.UNIT]))
    assert [f.name for f in parse(data).functions] == ["f"]


def test_duplicate_records_are_merged() -> None:
    data = _function("f", [], bytes([Kind.UNIT]))
    assert len(parse(data + data).functions) == 1


def test_methods_attach_to_their_class() -> None:
    cls = _record(2, _s("Counter") + _s(" Counts.") + _s("__wf_drop_Counter") + _s("") * 4)
    method = _record(
        3,
        _s("Counter") + _s("__wf_m_Counter_get") + _s("get") + _s("") + bytes([1, 0, 0, Kind.U64]),
    )
    desc = parse(cls + method)
    (c,) = desc.classes
    assert (c.name, c.doc, c.drop_symbol) == ("Counter", "Counts.", "__wf_drop_Counter")
    assert [(m.name, m.receiver) for m in c.methods] == [("get", Receiver.REF)]


def test_method_of_unknown_class_is_an_error() -> None:
    method = _record(3, _s("Nope") + _s("s") + _s("get") + _s("") + bytes([1, 0, 0, Kind.U64]))
    with pytest.raises(DescriptorError, match="unknown class Nope"):
        parse(method)


def test_read_real_crate(build_crate: Any) -> None:
    desc = read(build_crate("wf_types"))
    names = {f.name for f in desc.functions}
    assert {"echo_u8", "upper", "checked_div", "r#type"} <= names
    assert desc.has_runtime
    (acct,) = desc.classes
    assert acct.doc == "A bank account."
    assert {m.name for m in acct.methods} == {
        "new", "owner", "balance", "deposit", "withdraw", "transfer", "merged", "maybe_split", "bank_name",
        "close_out", "rename",
    }
    upper = next(f for f in desc.functions if f.name == "upper")
    assert (str(upper.params[0].type), str(upper.result)) == ("&str", "String")
    echo = next(f for f in desc.functions if f.name == "echo_u8")
    assert echo.doc == "Returns its argument."


def test_module_without_support_crate_lists_numeric_exports() -> None:
    path = corpus_dir("rust") / "add.1.63.release.wasm"
    desc = read(path)
    assert not desc.functions and not desc.has_runtime
    assert [(r.name, r.params, r.results) for r in desc.raw_exports] == [
        ("add", ("f64", "f64"), ("f64",)),
        ("add_random", ("f64",), ("f64",)),
    ]
    assert ("Math", "random") in desc.module_imports
