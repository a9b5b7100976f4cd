"""Decoding errors: one type, with the absolute byte offset and the section it occurred in."""

from __future__ import annotations

from wasmforge.errors import WasmforgeError


class WasmDecodeError(WasmforgeError):
    """The bytes are not a well-formed module at ``offset`` (absolute, in bytes).

    ``section`` names the section being read (``None`` in the header), ``path`` the
    file when the module was read from one.
    """

    def __init__(
        self, offset: int, section: str | None, message: str, *, path: str | None = None
    ) -> None:
        self.offset = offset
        self.section = section
        self.path = path
        self.reason = message
        super().__init__(self._render())

    def _render(self) -> str:
        where = f"at offset 0x{self.offset:x}"
        if self.section:
            where += f", in the {self.section} section"
        text = f"{self.reason} ({where})"
        return f"{self.path}: {text}" if self.path else text

    def with_path(self, path: str | None) -> WasmDecodeError:
        """This error, naming ``path`` as the file it came from."""
        if path and not self.path:
            self.path = path
            self.message = self._render()
            self.args = (self.message,)
        return self


class MalformedImmediate(Exception):
    """Internal: a malformed value met by a low-level decoder, with its offset and reason.

    Readers catch it and raise :class:`WasmDecodeError` naming the section and file.
    """

    def __init__(self, offset: int, reason: str) -> None:
        super().__init__(reason)
        self.offset = offset
        self.reason = reason
