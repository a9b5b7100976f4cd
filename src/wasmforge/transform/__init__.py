"""Edits of a module: strip custom sections, add one, and write the result safely.

Every edit returns a new :class:`~wasmforge.binary.Module` (the input is never changed);
:func:`write_module` validates the result before it atomically replaces the output file.
"""

from wasmforge._files import write_atomic
from wasmforge.transform.custom import add_custom_section
from wasmforge.transform.strip import StripResult, strip
from wasmforge.transform.write import ValidationError, Written, validate, write_module

__all__ = [
    "add_custom_section", "StripResult", "strip", "ValidationError", "Written", "validate", "write_atomic", "write_module",
]
