"""Progress on stderr: layers report, the CLI draws it only on a terminal, after a second, never with -q."""

from __future__ import annotations

import io
import time

import wasmtime

from wasmforge import _progress
from wasmforge.analysis import build
from wasmforge.cli import _common
from wasmforge.cli._common import TerminalProgress, progress_reporter


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _module(functions: int) -> bytes:
    body = "".join(f'(func (export "f{i}") (result i32) i32.const {i})' for i in range(functions))
    return wasmtime.wat2wasm(f"(module {body})")


def test_the_graph_builder_reports_decoding_every_body() -> None:
    seen: list[tuple[str, int, int]] = []
    with _progress.reporting(lambda task, done, total: seen.append((task, done, total))):
        build(_module(600))
    assert seen[0] == ("decoding function bodies", 0, 600)
    assert seen[-1] == ("decoding function bodies", 600, 600)


def test_without_a_reporter_nothing_is_reported() -> None:
    assert _progress.active() is None
    _progress.advance("anything", 1, 2)  # a no-op


def test_progress_shows_only_on_a_terminal_and_never_quiet() -> None:
    assert progress_reporter(False, io.StringIO()) is None
    assert progress_reporter(True, _Terminal()) is None
    reporter = progress_reporter(False, _Terminal())
    assert isinstance(reporter, TerminalProgress)
    reporter.close()


def test_short_work_draws_nothing(monkeypatch) -> None:
    err = _Terminal()
    monkeypatch.setattr("sys.stderr", err)
    reporter = TerminalProgress()
    reporter("decoding function bodies", 0, 10)
    reporter("decoding function bodies", 10, 10)
    reporter.close()
    assert err.getvalue() == ""


def test_long_work_draws_its_task_on_stderr(monkeypatch) -> None:
    err = _Terminal()
    monkeypatch.setattr("sys.stderr", err)
    monkeypatch.setattr(_common.TerminalProgress, "DELAY", 0.01)
    reporter = TerminalProgress()
    reporter("decoding function bodies", 5, 10)
    time.sleep(0.2)
    reporter("decoding function bodies", 7, 10)
    reporter.close()
    assert "decoding function bodies" in err.getvalue() and "7/10" in err.getvalue()


def test_hidden_tasks_clear_the_display(monkeypatch) -> None:
    err = _Terminal()
    monkeypatch.setattr("sys.stderr", err)
    monkeypatch.setattr(_common.TerminalProgress, "DELAY", 0.0)
    reporter = TerminalProgress(hide=("cargo build",))
    reporter("cargo build (release) of hello", 0, 0)
    time.sleep(0.1)
    reporter.close()
    assert "cargo build" not in err.getvalue()


def test_quiet_cli_run_prints_no_progress(run_cli, tmp_path) -> None:
    path = tmp_path / "m.wasm"
    path.write_bytes(_module(3))
    code, _, err = run_cli("top", path, "-q")
    assert code == 0 and err == ""


def test_printers_report_each_function_they_write() -> None:
    from wasmforge.binary import read_module
    from wasmforge.text import StringSink, disassemble, print_module

    module = read_module(_module(300))
    for printer, task in ((print_module, "printing functions"), (disassemble, "disassembling functions")):
        seen: list[tuple[str, int, int]] = []
        with _progress.reporting(lambda task, done, total, seen=seen: seen.append((task, done, total))):
            printer(module, StringSink())
        assert seen[0] == (task, 0, 300) and seen[-1] == (task, 300, 300), printer
