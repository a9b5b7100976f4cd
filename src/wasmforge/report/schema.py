"""The versioned shapes of the JSON documents that ``--json`` writes (``docs/json-output.md``
describes each, ``docs/schemas/`` holds their JSON Schemas).

Every document is an object whose first field is ``"schema": "wasmforge.<command>/<version>"``.
A version goes up when a field is removed, renamed or changes meaning; added fields keep it.
"""

from __future__ import annotations

from typing import Any

#: the current version of each command's JSON document
SCHEMA_VERSIONS: dict[str, int] = {
    "headers": 1, "details": 1, "section": 1, "symbols": 1, "strip": 1, "add-section": 1,
    "top": 1, "dominators": 1, "paths": 1, "monos": 1, "garbage": 1, "diff": 1, "crates": 1,
    "build": 1, "pack": 1, "doctor": 1,
}


def schema_id(command: str) -> str:
    """``"wasmforge.top/1"``: what the ``schema`` field of ``command``'s JSON says."""
    return f"wasmforge.{command}/{SCHEMA_VERSIONS[command]}"


def with_schema(command: str, document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with its ``schema`` field first."""
    return {"schema": schema_id(command), **document}


__all__ = ["SCHEMA_VERSIONS", "schema_id", "with_schema"]
