"""Removing custom sections (names, producers, DWARF, anything else), as ``wasm-strip`` does."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from wasmforge.binary import Module, Section, replace_sections


@dataclass(frozen=True, slots=True)
class StripResult:
    """The stripped module and what went: the removed sections' names and the sizes before and after."""

    module: Module
    removed: tuple[str, ...]
    size_before: int
    size_after: int

    @property
    def saved(self) -> int:
        """Bytes removed."""
        return self.size_before - self.size_after


def is_debug_section(section: Section) -> bool:
    """DWARF and related sections (``.debug_*``, ``external_debug_info``, ``sourceMappingURL``)."""
    return section.is_custom and (
        section.name.startswith(".debug_") or section.name in ("external_debug_info", "sourceMappingURL")
    )


def strip(module: Module, *, keep: Collection[str] = (), keep_names: bool = False, debug_only: bool = False) -> StripResult:
    """Remove custom sections: all of them, or only debug info with ``debug_only``.

    ``keep`` names sections to leave in place; ``keep_names`` keeps the ``name`` section.
    """
    kept = set(keep) | ({"name"} if keep_names else set())

    def drop(section: Section) -> bool:
        if not section.is_custom or section.name in kept:
            return False
        return is_debug_section(section) if debug_only else True

    removed = tuple(s.name for s in module.sections if drop(s))
    result = replace_sections(module, drop=drop) if removed else module
    return StripResult(result, removed, module.size, result.size)
