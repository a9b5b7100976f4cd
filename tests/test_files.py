"""Safe output files: regular files are replaced only after a whole write; devices are written
to, never replaced."""

import os
import stat

import pytest

from wasmforge._files import atomic_output, write_atomic
from wasmforge.errors import WasmforgeError


def test_new_file_gets_the_usual_mode(tmp_path):
    target = tmp_path / "out.bin"
    write_atomic(target, b"abc")
    mask = os.umask(0)
    os.umask(mask)
    assert target.read_bytes() == b"abc"
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask


def test_existing_file_keeps_its_mode(tmp_path):
    target = tmp_path / "tool.sh"
    target.write_text("old")
    target.chmod(0o750)
    write_atomic(target, "new")
    assert target.read_text() == "new" and stat.S_IMODE(target.stat().st_mode) == 0o750


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "keep.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_output(target) as f:
        f.write("half")
        raise RuntimeError("interrupted")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_device_is_written_not_replaced():
    write_atomic("/dev/null", b"discarded")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_fifo_is_written_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        write_atomic(fifo, b"through")
        assert os.read(reader, 100) == b"through"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_missing_folder_and_directory_are_one_line_errors(tmp_path):
    with pytest.raises(WasmforgeError, match="does not exist"):
        write_atomic(tmp_path / "no" / "such.txt", "x")
    with pytest.raises(WasmforgeError, match="is a directory"):
        write_atomic(tmp_path, "x")
