"""Options of the text printers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PrintOptions:
    """How :func:`print_module` writes a module.

    ``fold``: folded S-expressions instead of flat instructions. ``names``: use the ``name``
    section. ``generate_names``: invent names (``$f3``, ``$p0``, imports as ``$module.field``)
    for items without one. ``inline_exports``: write ``(export "x")`` inside the exported
    item rather than as separate fields.
    """

    fold: bool = False
    names: bool = True
    generate_names: bool = False
    inline_exports: bool = False
