"""Start-up cost: building the parser (``wasmforge --help``) and ``wasmforge headers`` load none
of the heavy modules; they are imported inside the handlers that need them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

#: modules that must stay out of a plain start-up: third-party weight, the opcode table, the
#: instruction decoder and the encoder (``headers`` reads section headers only).
HEAVY = ("wasmtime", "rich", "numpy", "hypothesis", "wasmforge.binary._opcodes", "wasmforge.binary.instructions",
         "wasmforge.binary.encoder", "wasmforge.analysis", "wasmforge.host", "wasmforge.bindgen",
         "wasmforge.transform")

_PROBE = """
import contextlib, io, json, sys
from wasmforge.cli.main import build_parser, main
if not sys.argv[1:]:
    build_parser()
else:  # what a run of the command loads, and no more
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            code = main(sys.argv[1:])
        except SystemExit as exc:
            code = exc.code
    assert code == 0, code
print(json.dumps(sorted(sys.modules)))
"""


def _loaded(*argv: str) -> set[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    proc = subprocess.run([sys.executable, "-c", _PROBE, *argv], capture_output=True, text=True, env=env,
                          cwd=REPO, timeout=120, check=True)
    return set(json.loads(proc.stdout))


def _heavy(loaded: set[str]) -> list[str]:
    return sorted(m for m in loaded if any(m == h or m.startswith(h + ".") for h in HEAVY))


def test_building_the_parser_loads_nothing_heavy() -> None:
    assert _heavy(_loaded()) == []


def test_help_loads_nothing_heavy() -> None:
    assert _heavy(_loaded("--help")) == []


def test_headers_reads_without_the_opcode_table_or_encoder(tmp_path: Path) -> None:
    module = tmp_path / "m.wasm"
    # a type, a function and its body: headers must not decode the body
    module.write_bytes(b"\0asm\x01\0\0\0\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00\x0a\x04\x01\x02\x00\x0b")
    loaded = _loaded("headers", str(module))
    assert "wasmforge.binary.module" in loaded  # the probe really read the module
    assert _heavy(loaded) == []
    # nor the standard modules that cost milliseconds each, when Python's start-up has
    # not loaded them already (bench/decode.py prints the start-up time against Python's own)
    baseline = _python_startup_modules()
    assert {"typing", "pathlib", "dataclasses", "inspect", "shutil"} & (loaded - baseline) == set()


def _python_startup_modules() -> set[str]:
    proc = subprocess.run([sys.executable, "-c", "import contextlib, io, json, sys; print(json.dumps(sorted(sys.modules)))"],
                          capture_output=True, text=True, timeout=60, check=True)
    return set(json.loads(proc.stdout))


@pytest.mark.parametrize("argv", [["top", "--help"], ["details", "--help"]])
def test_command_help_loads_nothing_heavy(argv: list[str]) -> None:
    assert _heavy(_loaded(*argv)) == []


def test_command_groups_list_exactly_what_each_module_registers():
    import argparse
    import importlib

    from wasmforge.cli.main import COMMAND_GROUPS

    for module, commands in COMMAND_GROUPS.items():
        sub = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(f"wasmforge.cli.{module}").register(sub)
        assert tuple(sub.choices) == commands, module


def test_a_command_registers_only_its_group_and_help_lists_all(run_cli):
    from wasmforge.cli.main import COMMAND_GROUPS, _command_of, build_parser

    assert _command_of(["--color", "never", "headers", "x.wasm"]) == "headers"
    headers_only = build_parser("headers")._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert set(headers_only) == set(COMMAND_GROUPS["inspect"])
    code, out, _ = run_cli("--help")
    assert code == 0 and all(c in out for cmds in COMMAND_GROUPS.values() for c in cmds)
    code, _, err = run_cli("nosuchcommand")
    assert code == 2 and "invalid choice" in err and "headers" in err
