"""Generated files: deterministic, headed, and identical to the checked-in golden copies.

Run with ``BLESS=1`` to rewrite the golden files after an intended change of the generator.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from wasmforge.bindgen import descriptors, python

GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.fixture(scope="module")
def files(build_crate: Any) -> dict[str, str]:
    return python.render(descriptors.read(build_crate("wf_types")), "wf_types", crate="wf_types")


@pytest.mark.parametrize("crate", ["wf_types", "wf_attrs", "wf_compound", "wf_variants", "wf_callbacks", "wf_containers", "wf_syntax"])
@pytest.mark.parametrize("name", ["__init__.py", "__init__.pyi"])
def test_matches_golden(build_crate: Any, crate: str, name: str) -> None:
    files = python.render(descriptors.read(build_crate(crate)), crate, crate=crate)
    golden = GOLDEN / crate / name
    if os.environ.get("BLESS"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(files[name], encoding="utf-8")
    assert golden.exists(), f"{golden} missing; run with BLESS=1"
    assert files[name] == golden.read_text(encoding="utf-8")


def test_output_is_deterministic(build_crate: Any, files: dict[str, str]) -> None:
    again = python.render(descriptors.read(build_crate("wf_types")), "wf_types", crate="wf_types")
    assert again == files


def test_files_are_headed_do_not_edit(files: dict[str, str]) -> None:
    for name in ("__init__.py", "__init__.pyi"):
        assert files[name].startswith(python.HEADER + "\n")


def test_generate_writes_package_directory(build_crate: Any, tmp_path: Path) -> None:
    wasm = build_crate("wf_types")
    pkg = python.generate(descriptors.read(wasm), wasm, tmp_path, "wf_types")
    assert sorted(p.name for p in pkg.path.iterdir()) == [
        "__init__.py", "__init__.pyi", "_wasmforge", "py.typed", "wf_types.wasm"
    ]
    assert (pkg.path / "wf_types.wasm").read_bytes() == wasm.read_bytes()


def test_empty_module_is_refused() -> None:
    with pytest.raises(python.GenerateError, match="exports nothing"):
        python.render(descriptors.Descriptors(version=1), "empty")


def test_package_name_from_crate_name() -> None:
    assert python.package_name("my-crate") == "my_crate"
    assert python.package_name("class") == "class_"
    assert python.package_name("2d") == "_2d"


def test_glue_for_another_runtime_api_refuses_to_import(files: dict[str, str], tmp_path: Path) -> None:
    import importlib
    import sys

    from wasmforge.bindgen.runtime import RUNTIME_API

    pkg = tmp_path / "old_glue"
    for name, text in files.items():
        (pkg / name).parent.mkdir(parents=True, exist_ok=True)
        (pkg / name).write_text(text)
    text = files["__init__.py"].replace(f"_wf_require_api({RUNTIME_API}, __name__)", "_wf_require_api(0, __name__)")
    assert text != files["__init__.py"]
    (pkg / "__init__.py").write_text(text)
    sys.path.insert(0, str(tmp_path))
    try:
        with pytest.raises(ImportError, match="rebuild it with 'wasmforge build'"):
            importlib.import_module("old_glue")
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("old_glue", None)


def test_reserved_names_are_refused_or_renamed() -> None:
    from wasmforge.bindgen.descriptors import ClassDescriptor, Descriptors, Function, Kind, Method, Receiver, Type

    unit = Type(Kind.UNIT)
    clash = Descriptors(version=1, functions=(Function("__wf_fn_close", "close", "", (), unit),), has_runtime=True)
    with pytest.raises(python.GenerateError, match="'close' clashes"):
        python.render(clash, "pkg")
    method = Method("Door", "__wf_m_Door_close", "close", "", Receiver.MUT, (), unit)
    cls = ClassDescriptor("Door", "", "__wf_drop_Door", (method,))
    files = python.render(Descriptors(version=1, classes=(cls,), has_runtime=True), "pkg")
    assert "def close_(self):" in files["__init__.py"]
    assert "def close_(self) -> None" in files["__init__.pyi"]
