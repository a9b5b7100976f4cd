"""``wasmforge doctor``: the report, its JSON, and the exit status."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

TARGET = "wasm32-unknown-unknown"

FAKE_RUSTC_WITHOUT_TARGET = """\
#!{python}
import sys
args = sys.argv[1:]
if args == ["-vV"]:
    print("rustc 1.70.0\\nhost: x86_64-unknown-linux-gnu\\nrelease: 1.70.0")
elif args[:2] == ["--print", "sysroot"]:
    print({root!r})
elif args[:2] == ["--print", "target-libdir"]:
    print({root!r} + "/lib/rustlib/{target}/lib")
"""


@pytest.fixture
def rustc_without_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """WASMFORGE_RUSTC pointing at a rustc whose wasm32 target is not installed."""
    rustc = tmp_path / "bin" / "rustc"
    rustc.parent.mkdir()
    rustc.write_text(FAKE_RUSTC_WITHOUT_TARGET.format(python=sys.executable, root=str(tmp_path), target=TARGET))
    rustc.chmod(0o755)
    cargo = tmp_path / "bin" / "cargo"
    cargo.write_text(f"#!{sys.executable}\nprint('cargo 1.70.0')\n")
    cargo.chmod(0o755)
    monkeypatch.setenv("WASMFORGE_RUSTC", str(rustc))
    monkeypatch.delenv("WASMFORGE_CARGO", raising=False)
    return rustc


def test_json_lists_required_checks_and_matches_exit_code(run_cli) -> None:
    code, out, _ = run_cli("doctor", "--json")
    report = json.loads(out)
    names = {c["name"] for c in report["checks"]}
    assert {"rustc", "cargo", f"{TARGET} std", "wasmtime (Python)", "wasm-opt", "wabt"} <= names
    assert code == (0 if report["ok"] else 1)
    assert report["ok"] == all(c["ok"] for c in report["checks"] if c["required"])


def test_json_names_toolchain_when_one_is_usable(run_cli) -> None:
    from wasmforge.build import ToolchainNotFound, find

    try:
        expected = find()
    except ToolchainNotFound:
        pytest.skip("no toolchain with the wasm32 target here")
    _, out, _ = run_cli("doctor", "--json")
    report = json.loads(out)
    assert report["toolchain"]["rustc"] == str(expected.rustc)
    assert report["toolchain"]["version"] == expected.version


def test_missing_target_exits_1_with_fix(run_cli, rustc_without_target: Path) -> None:
    code, out, _ = run_cli("doctor")
    assert code == 1
    assert "MISSING" in out
    assert "to fix:" in out
    assert f"missing (required): {TARGET} std" in out


def test_missing_target_json_carries_fix(run_cli, rustc_without_target: Path) -> None:
    code, out, _ = run_cli("doctor", "--json")
    report = json.loads(out)
    std = next(c for c in report["checks"] if c["name"] == f"{TARGET} std")
    assert code == 1 and not report["ok"]
    assert not std["ok"] and std["fix"]
    assert report["candidates"][0]["rustc"] == str(rustc_without_target)


def test_text_report_without_color_has_no_escape_codes(run_cli) -> None:
    code, out, _ = run_cli("--color", "never", "doctor")
    assert code in (0, 1)
    assert "\x1b[" not in out
    assert "rustc" in out and "wasmtime (Python)" in out


def test_help_ends_with_examples(run_cli) -> None:
    code, out, _ = run_cli("doctor", "--help")
    assert code == 0
    assert "examples:" in out and "wasmforge doctor --json" in out


def test_python_dash_m_runs_doctor() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "wasmforge", "doctor", "--json"], capture_output=True, text=True, timeout=120
    )
    report = json.loads(proc.stdout)
    assert proc.returncode == (0 if report["ok"] else 1)


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "wasmforge"
    if not script.exists():
        pytest.skip("wasmforge console script not installed beside this interpreter")
    from wasmforge import __version__

    proc = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"wasmforge {__version__}"


def test_add_target_runs_rustup_then_reports_ok(
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "toolchains" / "stable-x86_64-unknown-linux-gnu"
    (root / "bin").mkdir(parents=True)
    rustc = root / "bin" / "rustc"
    rustc.write_text(FAKE_RUSTC_WITHOUT_TARGET.format(python=sys.executable, root=str(root), target=TARGET))
    cargo = root / "bin" / "cargo"
    cargo.write_text(f"#!{sys.executable}\nprint('cargo 1.70.0')\n")
    libdir = root / "lib" / "rustlib" / TARGET / "lib"
    # rustup stand-in: "installs" the target by creating its core library.
    rustup = root / "bin" / "rustup"
    rustup.write_text(
        f"#!{sys.executable}\nimport pathlib\np = pathlib.Path({str(libdir)!r})\n"
        "p.mkdir(parents=True)\n(p / 'libcore-1.rlib').write_bytes(b'')\n"
    )
    for script in (rustc, cargo, rustup):
        script.chmod(0o755)
    monkeypatch.setenv("WASMFORGE_RUSTC", str(rustc))
    monkeypatch.delenv("WASMFORGE_CARGO", raising=False)

    code, out, err = run_cli("doctor", "--json")
    assert code == 1
    code, out, err = run_cli("doctor", "--add-target", "--json")
    report = json.loads(out)
    assert "rustup target add" in err
    assert report["toolchain"]["target_libdir"] == str(libdir)
    assert report["ok"] == (code == 0)


def test_brackets_in_a_path_are_shown_not_read_as_markup(run_cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    missing = tmp_path / "[/x]" / "rustc"
    monkeypatch.setenv("WASMFORGE_RUSTC", str(missing))
    for color in ("never", "always"):
        code, out, err = run_cli("--color", color, "doctor")
        assert code == 1 and "Traceback" not in err
        assert str(missing) in out
