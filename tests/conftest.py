"""Shared fixtures: where the shared corpus is, and helpers to run the CLI in-process."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
#: ../shared beside the checkout, or WASMFORGE_SHARED.
SHARED = Path(os.environ.get("WASMFORGE_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus"


def pytest_configure(config: pytest.Config) -> None:
    """Under CI (``CI=true``) a missing corpus is an error: its ~8,000 tests would only skip."""
    if os.environ.get("CI", "").lower() in ("true", "1") and not CORPUS.is_dir():
        raise pytest.UsageError(
            f"the shared corpus is missing at {CORPUS} (CI=true)\n"
            "hint: put shared/ beside the checkout, or set WASMFORGE_SHARED to the folder that holds corpus/")


def corpus_dir(name: str) -> Path:
    """A corpus folder, or a clean skip of the calling test when the corpus is absent."""
    path = CORPUS / name
    if not path.is_dir():
        pytest.skip(f"shared corpus {name!r} not present at {path}")
    return path


def spec_modules() -> list[Path]:
    """Every module file of the spec corpus (empty when the corpus is absent)."""
    root = CORPUS / "spec"
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*.wasm"))


def real_modules() -> list[Path]:
    """The real-world modules of the corpus (empty when absent)."""
    root = CORPUS / "real"
    return sorted(root.glob("*.wasm")) if root.is_dir() else []


def rust_modules() -> list[Path]:
    """The Rust-built modules of the corpus (empty when absent)."""
    root = CORPUS / "rust"
    return sorted(root.glob("*.wasm")) if root.is_dir() else []


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]):
    """Run ``wasmforge ARGS`` in-process; returns (exit_code, stdout, stderr)."""
    from wasmforge.cli.main import main

    def run(*args: str) -> tuple[int, str, str]:
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse exits for --help and usage errors
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def check_json(command: str, out: str) -> dict[str, object]:
    """The JSON document ``command`` printed, checked: ``schema`` first, naming the current version,
    and the whole document valid against ``docs/schemas/<command>.v<N>.json``."""
    import json

    from wasmforge.report.schema import SCHEMA_VERSIONS, schema_id

    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema not installed (optional; pip install jsonschema)")
    document = json.loads(out)
    assert next(iter(document)) == "schema" and document["schema"] == schema_id(command)
    schema = json.loads((REPO / "docs" / "schemas" / f"{command}.v{SCHEMA_VERSIONS[command]}.json").read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    errors = sorted(cls(schema).iter_errors(document), key=lambda e: list(e.path))
    assert not errors, f"{command}: {errors[0].message} at {list(errors[0].path)}"
    return dict(document)
