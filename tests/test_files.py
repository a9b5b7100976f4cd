"""Safe output files: regular files are replaced only after a whole write; devices are written
to, never replaced."""

import os
import signal
import stat
import subprocess
import sys

import pytest

from wasmforge._files import TMP_MARKER, atomic_output, write_atomic
from wasmforge.errors import UsageError, WasmforgeError


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


# -- symbolic links and the process's own descriptors ----------------------------------------------

def test_symlink_is_written_through_and_stays_a_link(tmp_path):
    real = tmp_path / "real.wasm"
    real.write_bytes(b"old")
    real.chmod(0o640)
    link = tmp_path / "link.wasm"
    link.symlink_to("real.wasm")
    write_atomic(link, b"new")
    assert link.is_symlink() and os.readlink(link) == "real.wasm"
    assert real.read_bytes() == b"new" and stat.S_IMODE(real.stat().st_mode) == 0o640


def test_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "link.wasm"
    link.symlink_to(tmp_path / "made.wasm")
    write_atomic(link, b"made")
    assert link.is_symlink() and (tmp_path / "made.wasm").read_bytes() == b"made"


def test_symlink_loop_is_one_line_error(tmp_path):
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    with pytest.raises(WasmforgeError, match="symbolic links"):
        write_atomic(tmp_path / "a", b"x")


_WRITE_TO_STDOUT = """
import os, sys
from wasmforge._files import write_atomic
print("before", flush=True)
write_atomic(sys.argv[1], b"MODULE")
print("after")
"""


@pytest.mark.parametrize("spelling", ["/dev/stdout", "/proc/self/fd/1", "link"])
def test_dev_stdout_redirected_to_a_file_is_written_at_its_position(tmp_path, spelling):
    # as root, renaming over /dev/stdout would replace the system's link with a regular file
    link = tmp_path / "link"
    link.symlink_to("/dev/stdout")
    target = str(link) if spelling == "link" else spelling
    captured = tmp_path / "captured.txt"
    before = os.lstat("/dev/stdout")
    with open(captured, "wb") as out:
        subprocess.run([sys.executable, "-c", _WRITE_TO_STDOUT, target], stdout=out, check=True)
    assert captured.read_bytes() == b"before\nMODULEafter\n"
    assert stat.S_ISLNK(os.lstat("/dev/stdout").st_mode) and os.lstat("/dev/stdout").st_ino == before.st_ino
    assert link.is_symlink()


# -- never over an input ----------------------------------------------------------------------------

@pytest.mark.parametrize("spelling", ["same", "dot", "symlink", "hardlink"])
def test_output_that_is_an_input_is_refused_in_any_spelling(tmp_path, monkeypatch, spelling):
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "in.wasm"
    source.write_bytes(b"input")
    if spelling == "symlink":
        (tmp_path / "alias.wasm").symlink_to("in.wasm")
    elif spelling == "hardlink":
        os.link(source, tmp_path / "alias.wasm")
    out = {"same": str(source), "dot": "./in.wasm"}.get(spelling, "alias.wasm")
    with pytest.raises(UsageError, match="is the input file"):
        write_atomic(out, b"output", inputs=["in.wasm"])
    assert source.read_bytes() == b"input"


def test_other_outputs_beside_inputs_are_written(tmp_path):
    source = tmp_path / "in.wasm"
    source.write_bytes(b"input")
    write_atomic(tmp_path / "out.wasm", b"output", inputs=[source, "-", tmp_path / "missing.wasm"])
    write_atomic("/dev/null", b"output", inputs=["/dev/null"])  # devices are not inputs to protect
    assert (tmp_path / "out.wasm").read_bytes() == b"output"


# -- temporary files ----------------------------------------------------------------------------------

_KILLED_MID_WRITE = """
import sys, time
from wasmforge._files import atomic_output
with atomic_output(sys.argv[1], binary=True) as f:
    f.write(b"x" * 100_000)
    f.flush()
    print("writing", flush=True)
    time.sleep(60)
"""


def test_temporary_of_a_killed_write_is_recognisable_and_removed_next_time(tmp_path):
    target = tmp_path / "out.wasm"
    target.write_bytes(b"old")
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_MID_WRITE, str(target)], stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline() == b"writing\n"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    left = [p.name for p in tmp_path.iterdir() if p.name != "out.wasm"]
    assert len(left) == 1 and left[0].startswith(f"out.wasm{TMP_MARKER}{proc.pid}-")
    assert target.read_bytes() == b"old"
    write_atomic(target, b"new")
    assert [p.name for p in tmp_path.iterdir()] == ["out.wasm"] and target.read_bytes() == b"new"


def test_temporaries_of_live_writers_and_other_files_are_kept(tmp_path):
    target = tmp_path / "out.wasm"
    live = tmp_path / f"out.wasm{TMP_MARKER}{os.getpid()}-abcd1234"
    live.write_bytes(b"in progress")
    other = tmp_path / "out.wasm.bak"
    other.write_bytes(b"user's")
    write_atomic(target, b"new")
    assert live.exists() and other.exists()


def test_binary_data_is_never_written_to_a_terminal():
    import pty

    controller, terminal = pty.openpty()
    try:
        with pytest.raises(WasmforgeError, match="terminal"):
            write_atomic(os.ttyname(terminal), b"\0asm")
        write_atomic(os.ttyname(terminal), "text is fine\n")
        assert os.read(controller, 100).startswith(b"text is fine")
    finally:
        os.close(controller)
        os.close(terminal)
