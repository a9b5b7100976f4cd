"""Safe output files, shared by every layer that writes one.

A regular file is written through a temporary file in the same folder, flushed to disk and
renamed over the target, so a failed or interrupted write leaves the old file whole. A symbolic
link is written *through*: the link stays and the file it points to gets the content (atomically
when that is a regular file). A device or pipe (``/dev/null``, a FIFO, a terminal) is written
directly: it must never be replaced by a regular file. ``/dev/stdout``, ``/dev/fd/N`` and
``/proc/self/fd/N`` write to the process's own descriptor, at its current position. Binary
data is never written to a terminal.

An output that is one of the command's ``inputs`` (the same file by device and inode, whatever
the spelling: ``./in.wasm``, a symbolic or a hard link) is refused before anything is written.

Temporary files are named ``NAME.wasmforge-tmp-PID-XXXXXXXX`` beside the target; one left by a
killed process is removed on the next write to the same path.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from wasmforge.errors import UsageError, WasmforgeError

#: the marker in the name of our temporary files: ``NAME`` + ``TMP_MARKER`` + ``PID-XXXXXXXX``
TMP_MARKER = ".wasmforge-tmp-"
#: a temporary file of a live process older than this is taken as abandoned too (PID reuse)
STALE_AFTER_SECONDS = 24 * 3600
#: as the kernel's own limit on a chain of symbolic links
_MAX_LINKS = 40


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _cannot(target: str, e: OSError) -> WasmforgeError:
    return WasmforgeError(f"{target}: cannot write: {e.strerror or e}")


@dataclass(frozen=True, slots=True)
class _Destination:
    """Where the bytes of a write to some path really go."""

    #: the path to replace (a symbolic link chain followed to its end) or to open
    path: str
    #: the file found there (not following a link), None when it does not exist yet
    st: os.stat_result | None
    #: write straight into the file (a device, a pipe, a /proc descriptor link), not via a rename
    direct: bool = False
    #: one of this process's own descriptors to write to (``/dev/stdout``, ``/proc/self/fd/1``)
    own_fd: int | None = None


def _own_fd(link: str) -> int | None:
    """The descriptor number when ``link`` is ``/proc/<this process>/fd/N``."""
    folder = os.path.realpath(os.path.dirname(os.path.abspath(link)))
    name = os.path.basename(link)
    if name.isdigit() and folder in (f"/proc/{os.getpid()}/fd", f"/proc/{os.getpid()}/task/{os.getpid()}/fd"):
        return int(name)
    return None


def _resolve(target: str) -> _Destination:
    """Follow ``target``'s chain of symbolic links to the file a write must change."""
    path = target
    for _ in range(_MAX_LINKS):
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            return _Destination(path, None)
        if not stat.S_ISLNK(st.st_mode):
            return _Destination(path, st, direct=not stat.S_ISREG(st.st_mode) and not stat.S_ISDIR(st.st_mode))
        if os.path.realpath(os.path.dirname(os.path.abspath(path))).startswith("/proc/"):
            # a /proc descriptor link names an open file, not a path: renaming over it is
            # impossible or wrong, and the file may be a pipe, a socket or a deleted file
            fd = _own_fd(path)
            try:
                followed = os.stat(path)
            except OSError:
                followed = None
            return _Destination(path, followed, direct=True, own_fd=fd)
        link = os.readlink(path)
        path = os.path.join(os.path.dirname(path), link)
    raise WasmforgeError(f"{target}: cannot write: too many levels of symbolic links")


def _identity(st: os.stat_result) -> tuple[int, int]:
    return st.st_dev, st.st_ino


def refuse_inputs(path: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str]]) -> None:
    """Raise :class:`UsageError` when ``path`` is one of ``inputs``: the same regular file by
    device and inode, whatever the spelling (``./a.wasm``, symbolic or hard links)."""
    target = os.fspath(path)
    try:
        out = os.stat(target)
    except OSError:
        return  # a new file cannot be an input
    if not stat.S_ISREG(out.st_mode):
        return  # devices and pipes: `wat /dev/stdin -o /dev/stdout` reads one end, writes another
    for source in inputs:
        name = os.fspath(source)
        if name == "-":
            continue
        try:
            if _identity(os.stat(name)) == _identity(out):
                same = "" if os.path.abspath(name) == os.path.abspath(target) else f" ({name})"
                raise UsageError(f"{target} is the input file{same}, expected a new output path",
                                 hint="pick another output path (or --in-place, where a command offers it)")
        except OSError:
            continue


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, owned by someone else
    return True


def remove_stale_temporaries(path: str) -> list[str]:
    """Remove our temporary files for ``path`` that no live write owns: their process is gone
    (or they are older than :data:`STALE_AFTER_SECONDS`). Returns the names removed."""
    folder = os.path.dirname(os.path.abspath(path))
    prefix = os.path.basename(path) + TMP_MARKER
    removed: list[str] = []
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(prefix):
            continue
        pid_text = entry.name[len(prefix):].partition("-")[0]
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        # only plain files that this user made: never follow a link or remove another's file
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid():
            continue
        abandoned = not pid_text.isdigit() or not _pid_alive(int(pid_text)) or now - st.st_mtime > STALE_AFTER_SECONDS
        if abandoned:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(entry.name)
    return removed


@contextlib.contextmanager
def _direct(target: str, dest: _Destination, mode: str, text_args: dict[str, Any]) -> Iterator[IO[Any]]:
    try:
        if dest.own_fd is not None:
            # our own descriptor: write at its position (a redirected stdout keeps what was
            # printed before), after whatever Python still buffers for it
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(Exception):
                    if stream.fileno() == dest.own_fd:
                        stream.flush()
            out = os.fdopen(os.dup(dest.own_fd), mode, **text_args)
        else:
            out = open(dest.path, mode, **text_args)  # closed by the with below
        with out as stream:
            if "b" in mode and stream.isatty():
                raise WasmforgeError(f"{target}: refusing to write binary data to a terminal",
                                     hint="redirect it to a file or a pipe, or pick another path")
            yield stream
    except OSError as e:
        raise _cannot(target, e) from None


@contextlib.contextmanager
def atomic_output(
    path: str | os.PathLike[str],
    *,
    binary: bool = False,
    encoding: str = "utf-8",
    errors: str = "strict",
    newline: str | None = None,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> Iterator[IO[Any]]:
    """A file object whose contents replace ``path`` only once the ``with`` block succeeds.

    Raises :class:`UsageError` when ``path`` is one of ``inputs`` (see :func:`refuse_inputs`),
    and :class:`WasmforgeError` (one line naming the path) when the folder is missing, ``path``
    is a folder, or the write fails.
    """
    target = os.fspath(path)
    mode = "wb" if binary else "w"
    text_args: dict[str, Any] = {} if binary else {"encoding": encoding, "errors": errors, "newline": newline}
    try:
        dest = _resolve(target)
    except OSError as e:
        raise _cannot(target, e) from None
    refuse_inputs(target, inputs)
    st = dest.st
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise WasmforgeError(f"{target}: is a directory, expected a file name")
    if dest.direct:
        with _direct(target, dest, mode, text_args) as stream:
            yield stream
        return
    folder = os.path.dirname(os.path.abspath(dest.path))
    if not os.path.isdir(folder):
        raise WasmforgeError(f"{target}: the folder {folder} does not exist", hint="create it first or pick another path")
    remove_stale_temporaries(dest.path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f"{os.path.basename(dest.path)}{TMP_MARKER}{os.getpid()}-", dir=folder)
    except OSError as e:
        raise _cannot(target, e) from None
    try:
        with os.fdopen(fd, mode, **text_args) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp makes the file private: keep the old file's mode, or give a new one the
        # mode a plain open() would.
        os.chmod(tmp, stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask())
        os.replace(tmp, dest.path)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise _cannot(target, e) from None
        raise


def write_atomic(path: str | os.PathLike[str], data: bytes | str, *,
                 inputs: Iterable[str | os.PathLike[str]] = (), **options: Any) -> None:
    """Write ``data`` (bytes, or text with ``atomic_output``'s text options) safely to ``path``,
    refusing to write over any of ``inputs``."""
    with atomic_output(path, binary=isinstance(data, bytes), inputs=inputs, **options) as f:
        f.write(data)


def is_stdout(path: str | os.PathLike[str]) -> bool:
    """Whether writing to ``path`` writes to this process's standard output (``-o /dev/stdout``)."""
    try:
        out = os.stat(path)
        return _identity(out) == _identity(os.fstat(sys.stdout.fileno()))
    except (OSError, ValueError, AttributeError):
        return False
