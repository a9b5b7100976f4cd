"""The nightly features a crate enables: its crate-level ``#![feature(...)]`` attributes.

A stable toolchain refuses ``#![feature]`` unless ``RUSTC_BOOTSTRAP=1`` is set, so the build
sets it only for crates that really enable one. The crate root is read as Rust tokens, not as
text: comments, strings (raw ones too), character literals and lifetimes are skipped, and
only the inner attributes before the first item count, as rustc sees them. A feature inside
``#![cfg_attr(PREDICATE, feature(...))]`` counts too (the predicate may hold).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["FeatureAttribute", "crate_features"]


@dataclass(frozen=True, slots=True)
class FeatureAttribute:
    """One feature named in a crate-level attribute."""

    name: str
    #: 1-based line of the attribute in the file.
    line: int


_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<line_comment>//[^\n]*)
  | (?P<block_open>/\*)
  | (?P<raw_string>b?r(?P<hashes>\#*)")
  | (?P<string>b?"(?:\\.|[^"\\])*")
  | (?P<char>b?'(?:\\(?:x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]{1,6}\}|.)|[^'\\\n])')
  | (?P<lifetime>'[A-Za-z_][A-Za-z0-9_]*)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def _tokens(text: str) -> list[tuple[str, int]]:
    """Identifiers and punctuation (string literals as ``"``), each with its line; comments dropped."""
    out: list[tuple[str, int]] = []
    pos, line = 0, 1
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        assert match is not None  # the last alternative matches any character
        kind = match.lastgroup if match.lastgroup != "hashes" else "raw_string"
        end = match.end()
        if match.group("block_open"):
            depth, end = 1, match.end()
            while depth and end < len(text):  # block comments nest in Rust
                if text.startswith("/*", end):
                    depth, end = depth + 1, end + 2
                elif text.startswith("*/", end):
                    depth, end = depth - 1, end + 2
                else:
                    end += 1
            kind = "comment"
        elif match.group("raw_string") is not None:
            closing = '"' + match.group("hashes")
            found = text.find(closing, match.end())
            end = len(text) if found < 0 else found + len(closing)
            kind = "string"
        if kind in ("ident", "punct"):
            out.append((match.group(), line))
        elif kind in ("string", "char"):
            out.append(('"', line))
        line += text.count("\n", pos, end)
        pos = end
    return out


def _group_end(tokens: list[tuple[str, int]], start: int) -> int:
    """The index after the bracket group opening at ``start``."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    depth = 0
    for index in range(start, len(tokens)):
        tok = tokens[index][0]
        if tok in pairs:
            depth += 1
        elif tok in pairs.values():
            depth -= 1
            if depth == 0:
                return index + 1
    return len(tokens)


def _features_in(tokens: list[tuple[str, int]]) -> list[FeatureAttribute]:
    """``feature(a, b)`` anywhere in an attribute's tokens (directly or under ``cfg_attr``)."""
    found: list[FeatureAttribute] = []
    for index, (tok, _line) in enumerate(tokens):
        if tok == "feature" and index + 1 < len(tokens) and tokens[index + 1][0] == "(":
            # `feature = "x"` inside cfg(...) is a cargo feature test, not this; only `feature(` counts.
            if index > 0 and tokens[index - 1][0] not in ("[", ",", "("):
                continue
            end = _group_end(tokens, index + 1)
            for name, name_line in tokens[index + 2 : end - 1]:
                if name not in (",", '"') and re.fullmatch(r"[A-Za-z_]\w*", name):
                    found.append(FeatureAttribute(name, name_line))
    return found


def crate_features(source: str) -> list[FeatureAttribute]:
    """The features a crate root's source enables with ``#![feature(...)]`` (in order)."""
    tokens = _tokens(source)
    found: list[FeatureAttribute] = []
    index = 0
    while index + 2 < len(tokens) and tokens[index][0] == "#" and tokens[index + 1][0] == "!" and tokens[index + 2][0] == "[":
        end = _group_end(tokens, index + 2)
        body = tokens[index + 3 : end - 1]
        if body and body[0][0] in ("feature", "cfg_attr"):
            found += _features_in(body)
        index = end
    return found


def read_crate_features(path: Path) -> list[FeatureAttribute]:
    """:func:`crate_features` of a file; an unreadable file enables nothing."""
    try:
        return crate_features(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return []
