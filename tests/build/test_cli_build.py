"""The ``new``, ``build`` and ``pack`` commands: output, JSON, exit codes, one-line errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.build.conftest import EXAMPLES
from tests.conftest import check_json


def test_build_prints_size_ladder(run_cli: Any, toolchain: Any, wasm_opt: Any, build_target_dir: Path, tmp_path: Path) -> None:
    code, out, err = run_cli(
        "build", EXAMPLES / "hello", "--out-dir", tmp_path, "--target-dir", build_target_dir, "-q", "--toolchain", toolchain.rustc
    )
    assert code == 0, err
    assert "package hello (release): 4 function(s), typed glue" in out
    lines = out.splitlines()
    assert lines[2] == f"toolchain: rust {toolchain.version} (--toolchain {toolchain.rustc})"
    assert [line.split()[0] for line in lines[3:]] == ["step", "raw", "stripped", "optimized"]
    assert (tmp_path / "hello" / "__init__.py").is_file()


def test_build_json(run_cli: Any, toolchain: Any, build_target_dir: Path, tmp_path: Path) -> None:
    code, out, _ = run_cli(
        "build", EXAMPLES / "counter", "--dev", "--json", "--out-dir", tmp_path, "--target-dir", build_target_dir, "-q",
        "--toolchain", toolchain.rustc,
    )
    assert code == 0
    data = check_json("build", out)
    assert data["profile"] == "dev" and data["classes"] == ["Counter"]
    assert [s["step"] for s in data["sizes"]] == ["raw", "stripped"]
    assert data["toolchain"]["version"] == toolchain.version


def test_build_passes_cargo_output_through(run_cli: Any, toolchain: Any, build_target_dir: Path, tmp_path: Path) -> None:
    code, _, err = run_cli(
        "build", EXAMPLES / "pixels", "--out-dir", tmp_path, "--target-dir", build_target_dir, "--toolchain", toolchain.rustc
    )
    assert code == 0
    assert "Finished" in err


def test_build_bad_path_is_one_line_error(run_cli: Any, tmp_path: Path) -> None:
    code, out, err = run_cli("build", tmp_path / "nowhere")
    assert code == 2 and out == ""
    assert err.startswith("error: ") and "no Cargo.toml" in err
    assert len(err.strip().splitlines()) == 2 and err.splitlines()[1].startswith("hint: ")


def test_build_profiles_are_exclusive(run_cli: Any) -> None:
    code, _, err = run_cli("build", "--dev", "--release")
    assert code == 2 and "not allowed with" in err


def test_new_then_pack(run_cli: Any, toolchain: Any, build_target_dir: Path, tmp_path: Path) -> None:
    code, out, _ = run_cli("new", tmp_path / "demo")
    assert code == 0 and "created crate demo" in out
    code, out, err = run_cli("pack", tmp_path / "demo", "--target-dir", build_target_dir, "-q", "--toolchain", toolchain.rustc)
    assert code == 0, err
    assert (tmp_path / "demo" / "dist" / "demo-0.1.0-py3-none-any.whl").is_file()
    assert "wheel: " in out
    code, out, err = run_cli("pack", tmp_path / "demo", "--target-dir", build_target_dir, "-q", "--json")
    assert code == 0, err
    assert check_json("pack", out)["wheel"] == str(tmp_path / "demo" / "dist" / "demo-0.1.0-py3-none-any.whl")


def test_new_bad_name(run_cli: Any, tmp_path: Path) -> None:
    code, _, err = run_cli("new", tmp_path / "9lives")
    assert code == 2 and "not a valid crate name" in err


def test_help_ends_with_examples(run_cli: Any) -> None:
    for command in ("new", "build", "pack"):
        code, out, _ = run_cli(command, "--help")
        assert code == 0 and "examples:" in out


def test_build_relative_path(run_cli: Any, toolchain: Any, build_target_dir: Path, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(EXAMPLES.parent)
    code, out, err = run_cli("build", "examples/nostd", "--out-dir", tmp_path, "--target-dir", build_target_dir, "-q")
    assert code == 0, err
    assert (tmp_path / "nostd" / "nostd.wasm").is_file()
