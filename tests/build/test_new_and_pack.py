"""``new`` gives a crate that builds and passes its own test; ``pack`` gives an installable wheel."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="module")
def new_crate(toolchain: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from wasmforge.build import create_crate

    return create_crate(tmp_path_factory.mktemp("new") / "hello-crate")


@pytest.fixture(scope="module")
def packed(new_crate: Path, build_target_dir: Path) -> tuple[Any, Path]:
    from wasmforge.build import pack

    return pack(new_crate, target_dir=build_target_dir, quiet=True)


def test_new_crate_layout(new_crate: Path) -> None:
    toml = (new_crate / "Cargo.toml").read_text()
    assert 'crate-type = ["cdylib", "rlib"]' in toml
    assert 'lto = true' in toml and 'opt-level = "z"' in toml and 'panic = "abort"' in toml
    from wasmforge.bindgen import support_crate

    # the support crate is copied in, so the crate builds offline and after being moved
    assert 'wasmforge = { path = "wasmforge-support" }' in toml
    vendored = new_crate / "wasmforge-support"
    assert (vendored / "Cargo.toml").read_text() == (support_crate() / "Cargo.toml").read_text()
    assert sorted(p.name for p in (vendored / "src").iterdir()) == sorted(
        p.name for p in (support_crate() / "src").iterdir()
    )
    # ... with its attribute macro crate, which the template's lib.rs uses
    assert (vendored / "macros" / "src" / "lib.rs").read_text() == (support_crate() / "macros" / "src" / "lib.rs").read_text()
    assert "#[wasmforge::export]" in (new_crate / "src" / "lib.rs").read_text()
    assert (new_crate / "tests" / "test_hello_crate.py").is_file()


def test_new_crate_passes_its_own_python_test(new_crate: Path, build_target_dir: Path) -> None:
    env = dict(os.environ, CARGO_TARGET_DIR=str(build_target_dir))
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=new_crate,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 passed" in proc.stdout


def test_new_crate_still_builds_after_being_moved(new_crate: Path, build_target_dir: Path, tmp_path: Path) -> None:
    import shutil

    from wasmforge.build import build

    moved = tmp_path / "elsewhere" / "hello-crate"
    shutil.copytree(new_crate, moved, ignore=shutil.ignore_patterns("target", "pkg", "dist"))
    result = build(moved, profile="release", target_dir=build_target_dir, out_dir=tmp_path / "out", quiet=True)
    assert (tmp_path / "out" / "hello_crate" / "__init__.py").is_file() and result.sizes[-1].size > 0


def test_new_refuses_bad_name_and_existing_folder(tmp_path: Path) -> None:
    from wasmforge.build import NewCrateError, create_crate

    with pytest.raises(NewCrateError, match="not a valid crate name"):
        create_crate(tmp_path / "1bad")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("")
    with pytest.raises(NewCrateError, match="not empty"):
        create_crate(tmp_path / "full")


def test_wheel_name_and_contents(packed: tuple[Any, Path]) -> None:
    result, wheel = packed
    assert wheel.name == "hello_crate-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as zf:
        names = sorted(zf.namelist())
        own = [n for n in names if not n.startswith("hello_crate/_wasmforge/")]
        assert own == sorted(
            [
                "hello_crate/__init__.py",
                "hello_crate/__init__.pyi",
                "hello_crate/py.typed",
                "hello_crate/hello_crate.wasm",
                "hello_crate-0.1.0.dist-info/METADATA",
                "hello_crate-0.1.0.dist-info/WHEEL",
                "hello_crate-0.1.0.dist-info/RECORD",
            ]
        )
        # The runtime travels inside the package: the host layer, the glue runtime, the error base.
        assert {"hello_crate/_wasmforge/bindgen/runtime.py", "hello_crate/_wasmforge/host/_instance.py",
                "hello_crate/_wasmforge/errors.py"} <= set(names)
        assert "Tag: py3-none-any" in zf.read("hello_crate-0.1.0.dist-info/WHEEL").decode()
        metadata = zf.read("hello_crate-0.1.0.dist-info/METADATA").decode()
        requires = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
        from wasmforge.build.wheel import runtime_requirement

        # the range wasmforge itself declares (pyproject.toml), whatever order metadata keeps it in
        assert requires[0] == f"Requires-Dist: {runtime_requirement('wasmtime')}"
        assert requires[1:] == ['Requires-Dist: numpy>=1.26; extra == "numpy"']
        assert "wasmforge" not in metadata.replace("Generator", "")
        record = list(csv.reader(io.StringIO(zf.read("hello_crate-0.1.0.dist-info/RECORD").decode())))
        for path, digest, size in record:
            if path.endswith("RECORD"):
                assert (digest, size) == ("", "")
                continue
            data = zf.read(path)
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            assert digest == f"sha256={expected}" and int(size) == len(data)


def test_wheel_is_reproducible(packed: tuple[Any, Path], tmp_path: Path) -> None:
    from wasmforge.build import write_wheel

    result, wheel = packed
    again = write_wheel(result.package_dir, tmp_path, name=result.package, version="0.1.0")
    assert again.read_bytes() == wheel.read_bytes()


def test_wheel_installs_from_pypi_alone_into_a_fresh_venv(packed: tuple[Any, Path], tmp_path: Path) -> None:
    # As a user installs it: a new venv, the wheel and PyPI (for wasmtime), no wasmforge checkout.
    _, wheel = packed
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    clean_env = {"PATH": str(env_dir / "bin"), "HOME": os.environ.get("HOME", str(tmp_path))}
    install = subprocess.run(
        [str(py), "-m", "pip", "install", "--disable-pip-version-check", "-q", str(wheel)],
        capture_output=True, text=True, env=clean_env, timeout=600,
    )
    assert install.returncode == 0, install.stderr
    script = (
        "import importlib.metadata as md, importlib.util, shutil, hello_crate\n"
        "assert shutil.which('cargo') is None\n"
        "assert importlib.util.find_spec('wasmforge') is None, 'wasmforge must not be installed'\n"
        "print(hello_crate.greet('world'))\n"
        "print([r for r in md.requires('hello_crate') if 'extra' not in r])\n"
    )
    run = subprocess.run([str(py), "-c", script], capture_output=True, text=True, env=clean_env, cwd=tmp_path, timeout=120)
    assert run.returncode == 0, run.stderr
    greeting, requires = run.stdout.strip().splitlines()
    assert greeting == "Hello, world!"
    from wasmforge.build.wheel import runtime_requirement

    assert requires == repr([runtime_requirement("wasmtime")])
