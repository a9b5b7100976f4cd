"""The package type-checks with ``mypy --strict`` and passes ruff's lint, as configured in
pyproject.toml (skipped where the tools are not installed)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=REPO, capture_output=True, text=True, check=False, timeout=600)


def test_mypy_strict():
    pytest.importorskip("mypy")
    result = _run([sys.executable, "-m", "mypy", "--strict", "src/wasmforge"])
    assert result.returncode == 0, result.stdout[-4000:]


def test_ruff():
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    if not Path(ruff).exists():
        pytest.skip("ruff is not installed")
    result = _run([ruff, "check", "src", "tests"])
    assert result.returncode == 0, result.stdout[-4000:]
