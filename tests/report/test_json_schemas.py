"""Every ``--json`` document carries its ``schema`` version first and matches the JSON Schema in
``docs/schemas/``, which ``docs/json-output.md`` describes."""

from __future__ import annotations

from pathlib import Path

import pytest
import wasmtime

from tests.conftest import REPO, check_json, real_modules, rust_modules
from wasmforge.cli.main import build_parser
from wasmforge.report.schema import SCHEMA_VERSIONS, schema_id

SCHEMAS = REPO / "docs" / "schemas"
#: commands with --json whose document is documented elsewhere (the host layer's `run`: docs/host-api.md)
ELSEWHERE = {"run"}

WAT = """(module
  (import "env" "log" (func $log (param i32)))
  (type $pair (func (param i32 i32) (result i32)))
  (table 2 funcref) (memory (export "memory") 1) (global $g (mut i32) (i32.const 8))
  (tag $oops (param i32))
  (func $add (export "add") (type $pair) local.get 0 local.get 1 i32.add)
  (func $dead (result i32) global.get $g)
  (func $main (export "main") i32.const 1 i32.const 2 call $add call $log)
  (elem (i32.const 0) $add $main)
  (data (i32.const 16) "hello")
  (@custom "note" "hi"))"""


@pytest.fixture(scope="module")
def modules(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    own = tmp_path_factory.mktemp("json") / "sample.wasm"
    own.write_bytes(wasmtime.wat2wasm(WAT))
    # real modules, and Rust builds whose v0 symbols once made a dependency print to stdout
    picked = [p for p in real_modules() if p.stat().st_size < 400_000][:3]
    picked += [p for p in rust_modules() if p.name.startswith(("bloaty.1.96.release", "bloaty.1.63.release"))]
    return [own, *picked]


def test_every_json_command_has_a_schema_file_and_a_section_in_the_docs() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    with_json = {name for name, p in sub.choices.items() if "--json" in p._option_string_actions}
    assert with_json - ELSEWHERE == set(SCHEMA_VERSIONS)
    doc = (REPO / "docs" / "json-output.md").read_text()
    for command, version in SCHEMA_VERSIONS.items():
        assert (SCHEMAS / f"{command}.v{version}.json").is_file(), command
        assert f"`{schema_id(command)}`" in doc, command


@pytest.mark.parametrize("command", ["headers", "details", "symbols", "top", "dominators", "monos", "garbage",
                                     "crates"])
def test_module_command_output_matches_its_schema(run_cli, modules: list[Path], command: str) -> None:
    for module in modules:
        code, out, err = run_cli(command, module, "--json")
        assert code in (0, 1), (module, err)
        check_json(command, out)


def test_top_with_retaining_paths_matches_its_schema(run_cli, modules: list[Path]) -> None:
    code, out, _ = run_cli("top", modules[0], "--json", "--retained", "--retaining-paths")
    assert code == 0 and "retaining_path" in check_json("top", out)["items"][0]  # type: ignore[index]


def test_section_paths_and_diff_match_their_schemas(run_cli, modules: list[Path]) -> None:
    own = modules[0]
    check_json("section", run_cli("section", own, "type", "--json")[1])
    for flag in ((), ("--descending",)):
        code, out, err = run_cli("paths", own, "add", "--json", *flag)
        assert code == 0, err
        check_json("paths", out)
    for other in modules[1:2] or modules[:1]:
        code, out, _ = run_cli("diff", own, other, "--json")
        check_json("diff", out)


def test_edits_match_their_schemas(run_cli, modules: list[Path], tmp_path: Path) -> None:
    own = modules[0]
    code, out, err = run_cli("strip", own, "-o", tmp_path / "s.wasm", "--json")
    assert code == 0, err
    check_json("strip", out)
    (tmp_path / "note.bin").write_bytes(b"x")
    code, out, err = run_cli("add-section", own, "extra", "--from", tmp_path / "note.bin", "-o", tmp_path / "a.wasm",
                             "--json")
    assert code == 0, err
    check_json("add-section", out)


def test_doctor_matches_its_schema(run_cli) -> None:
    code, out, _ = run_cli("doctor", "--json")
    assert code in (0, 1)
    check_json("doctor", out)
