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
