"""Embedding a custom section."""

from __future__ import annotations

from wasmforge.binary import Module, replace_sections
from wasmforge.errors import UsageError


def add_custom_section(module: Module, name: str, data: bytes, *, replace: bool = False) -> Module:
    """A new module with custom section ``name`` holding ``data`` appended at the end.

    With ``replace`` an existing section of that name is replaced in place instead; without it,
    adding a second section of a name that exists is allowed (the format permits duplicates).
    """
    if not name:
        raise UsageError("a custom section needs a non-empty name")
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes on the command line arrive as lone surrogates
        raise UsageError(f"custom section name {name!r} is not valid UTF-8") from None
    if replace and module.custom_sections(name):
        first = module.custom_sections(name)[0]
        return replace_sections(
            module, {name: data}, drop=lambda s: s.is_custom and s.name == name and s.offset != first.offset
        )
    return replace_sections(module, append_customs=[(name, data)])
