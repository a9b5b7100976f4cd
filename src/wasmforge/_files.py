"""Safe output files, shared by every layer that writes one.

A regular file is written through a temporary file in the same folder, flushed to disk and
renamed over the target, so a failed or interrupted write leaves the old file whole. A
device or pipe (``/dev/null``, ``/dev/stdout``, a FIFO) is written directly: it must never
be replaced by a regular file.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from wasmforge.errors import WasmforgeError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_output(
    path: str | os.PathLike[str],
    *,
    binary: bool = False,
    encoding: str = "utf-8",
    errors: str = "strict",
    newline: str | None = None,
) -> Iterator[IO[Any]]:
    """A file object whose contents replace ``path`` only once the ``with`` block succeeds.

    Raises :class:`WasmforgeError` (one line naming the path) when the folder is missing,
    ``path`` is a folder, or the write fails.
    """
    target = os.fspath(path)
    mode = "wb" if binary else "w"
    text_args: dict[str, Any] = {} if binary else {"encoding": encoding, "errors": errors, "newline": newline}
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise WasmforgeError(f"{target}: cannot write: {e.strerror or e}") from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise WasmforgeError(f"{target}: is a directory, expected a file name")
    if st is not None and not stat.S_ISREG(st.st_mode):
        try:
            with open(target, mode, **text_args) as stream:
                yield stream
        except OSError as e:
            raise WasmforgeError(f"{target}: cannot write: {e.strerror or e}") from None
        return
    folder = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(folder):
        raise WasmforgeError(f"{target}: the folder {folder} does not exist", hint="create it first or pick another path")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=folder)
    except OSError as e:
        raise WasmforgeError(f"{target}: cannot write: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, mode, **text_args) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp makes the file private: keep the old file's mode, or give a new one the
        # mode a plain open() would.
        os.chmod(tmp, stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise WasmforgeError(f"{target}: cannot write: {e.strerror or e}") from None
        raise


def write_atomic(path: str | os.PathLike[str], data: bytes | str, **options: Any) -> None:
    """Write ``data`` (bytes, or text with ``atomic_output``'s text options) safely to ``path``."""
    with atomic_output(path, binary=isinstance(data, bytes), **options) as f:
        f.write(data)
