"""Helpers of the twiggy comparison: twiggy's command lines in ours, and its outputs parsed."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

#: expectations we cannot run: ELF input (not a wasm profiler's job), a fixture the snapshot lacks,
#: and a test of twiggy's -o that expects empty stdout
SKIPPED = {"top_mono": "fixture mono.wasm is missing from twiggy's snapshot",
           "output_to_file": "twiggy's -o test: checked separately by tests/cli/test_profile.py"}


def load_commands(root: Path) -> list[tuple[str, list[str]]]:
    """(expectation name, twiggy argv) of every runnable expectation."""
    out = []
    lines = (root / "COMMANDS.tsv").read_text(encoding="utf-8").splitlines()[1:]
    for line in lines:
        name, _test, _cmd, argv = line.split("\t")
        if name.startswith("elf_") or name in SKIPPED:
            continue
        out.append((name, json.loads(argv)))
    return out


def translate(argv: list[str], root: Path) -> list[str]:
    """twiggy's argv as wasmforge's: fixture paths made absolute, monos' options renamed
    (twiggy ``-m``/``-n``/``-g`` are wasmforge ``-g``/``-m``/``--only-generics``)."""
    cmd, rest = argv[0], argv[1:]
    out = [cmd]
    for a in rest:
        if a.startswith("./fixtures/"):
            out.append(str(root / a[2:]))
        elif cmd == "monos" and a == "-m":
            out.append("-g")
        elif cmd == "monos" and a == "-n":
            out.append("-m")
        elif cmd == "monos" and a == "-g":
            out.append("--only-generics")
        else:
            out.append(a)
    return out + ["--twiggy-compatible"]


def output_format(argv: list[str]) -> str:
    for k, a in enumerate(argv):
        if a == "-f":
            return argv[k + 1]
    return "text"


def text_rows(text: str) -> list[list[str]]:
    """The data rows of a text table (header and rule dropped), cells stripped."""
    rows = []
    for line in text.splitlines()[2:]:
        rows.append([c.strip() for c in line.split("┊")])
    return rows


def json_items(data: Any) -> list[dict[str, Any]]:
    """Twiggy's JSON is a list (or {"items": [...]} for dominators); ours is {"items": [...]}."""
    if isinstance(data, dict):
        return list(data["items"])
    return list(data)


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))
