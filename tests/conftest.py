"""Shared fixtures: where the shared corpus is, and helpers to run the CLI in-process."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
#: ../shared beside the checkout, or WASMFORGE_SHARED.
SHARED = Path(os.environ.get("WASMFORGE_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus"


def pytest_configure(config: pytest.Config) -> None:
    """Under CI (``CI=true``) a missing corpus is an error: its ~8,000 tests would only skip."""
    if os.environ.get("CI", "").lower() in ("true", "1") and not CORPUS.is_dir():
        raise pytest.UsageError(
            f"the shared corpus is missing at {CORPUS} (CI=true)\n"
            "hint: put shared/ beside the checkout, or set WASMFORGE_SHARED to the folder that holds corpus/")


def corpus_dir(name: str) -> Path:
    """A corpus folder, or a clean skip of the calling test when the corpus is absent."""
    path = CORPUS / name
    if not path.is_dir():
        pytest.skip(f"shared corpus {name!r} not present at {path}")
    return path


def spec_modules() -> list[Path]:
    """Every module file of the spec corpus (empty when the corpus is absent)."""
    root = CORPUS / "spec"
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*.wasm"))


def real_modules() -> list[Path]:
    """The real-world modules of the corpus (empty when absent)."""
    root = CORPUS / "real"
    return sorted(root.glob("*.wasm")) if root.is_dir() else []


def rust_modules() -> list[Path]:
    """The Rust-built modules of the corpus (empty when absent)."""
    root = CORPUS / "rust"
    return sorted(root.glob("*.wasm")) if root.is_dir() else []


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]):
    """Run ``wasmforge ARGS`` in-process; returns (exit_code, stdout, stderr)."""
    from wasmforge.cli.main import main

    def run(*args: str) -> tuple[int, str, str]:
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse exits for --help and usage errors
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


# ---- Rust toolchains: every build test runs once per toolchain with the wasm32 target ----------

#: the first release that counts as modern (edition 2024); CI must have one.
MODERN_RUST = (1, 85, 0)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def wasm_toolchains() -> list:
    """Every toolchain with the wasm32 target, newest first (discovery is cached on disk)."""
    from wasmforge.build.toolchain import find_all

    return find_all()


def toolchain_id(tc) -> str:
    """The test id of a toolchain: ``rust1.63``, ``rust1.96``."""
    major, minor, _ = tc.version_tuple
    return f"rust{major}.{minor}"


def _toolchain_params() -> list:
    found = wasm_toolchains()
    params = [pytest.param(tc, id=toolchain_id(tc)) for tc in found]
    if not any(tc.version_tuple >= MODERN_RUST for tc in found):
        # Locally the suite runs with what is installed; CI must test the modern toolchain too.
        params.append(pytest.param("missing-modern", id="rust-modern"))
    return params


@pytest.fixture(scope="session", params=_toolchain_params())
def toolchain(request: pytest.FixtureRequest):
    """A Rust toolchain with the wasm32 target; tests using it run once per toolchain found.

    Ids are ``rust1.63``, ``rust1.96``, ... When no modern toolchain (>= 1.85) is installed, the
    ``rust-modern`` case skips, or fails under ``CI=true`` (``make toolchains`` installs one).
    """
    tc = request.param
    if tc == "missing-modern":
        message = "no modern Rust toolchain (>= 1.85) with the wasm32-unknown-unknown target; run 'make toolchains'"
        if _in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return tc


@pytest.fixture(scope="session")
def toolchain_target_dir(toolchain, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CARGO_TARGET_DIR of the session for this toolchain (kept apart so builds do not overwrite each other)."""
    return tmp_path_factory.mktemp(f"target-{toolchain_id(toolchain)}")


def cargo_env(toolchain, *, online: bool = False, **extra: str) -> dict[str, str]:
    """The environment to run ``toolchain``'s cargo with; ``online`` lets cargo before 1.68 reach crates.io.

    Old cargo knows crates.io's sparse protocol only as an unstable feature (the git index needs
    github.com, which CI machines may not reach); ``RUSTFLAGS`` is dropped so crates' own
    ``.cargo/config.toml`` rustflags apply.
    """
    env = toolchain.env()
    env.pop("RUSTFLAGS", None)
    env.pop("RUSTC_BOOTSTRAP", None)
    if online and tuple(int(n) for n in toolchain.cargo_version.split("-")[0].split(".")[:2]) < (1, 68):
        env["__CARGO_TEST_CHANNEL_OVERRIDE_DO_NOT_USE_THIS"] = "nightly"
        env["CARGO_UNSTABLE_SPARSE_REGISTRY"] = "true"
    env.update(extra)
    return env


def cargo_build(toolchain, crate: Path, target_dir: Path, *, release: bool = True, online: bool = False) -> Path:
    """``cargo build [--release] --target wasm32-unknown-unknown`` of ``crate`` with ``toolchain``; the module's path.

    Offline unless ``online``; fails the test with cargo's whole output when cargo fails.
    """
    import json
    import subprocess

    args = [str(toolchain.cargo), "build", "--lib", "--target", "wasm32-unknown-unknown"]
    args += ["--release"] if release else []
    args += [] if online else ["--offline"]
    env = cargo_env(toolchain, online=online, CARGO_TARGET_DIR=str(target_dir))
    proc = subprocess.run(args, cwd=crate, env=env, capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        pytest.fail(f"cargo build of {crate} with rust {toolchain.version} failed:\n{proc.stderr}")
    meta = subprocess.run(
        [str(toolchain.cargo), "metadata", "--no-deps", "--format-version", "1", "--offline"],
        cwd=crate, env=env, capture_output=True, text=True, check=True,
    )
    package = next(
        p for p in json.loads(meta.stdout)["packages"] if Path(p["manifest_path"]).resolve().parent == Path(crate).resolve()
    )
    lib = next(t for t in package["targets"] if "cdylib" in t["kind"])
    return target_dir / "wasm32-unknown-unknown" / ("release" if release else "debug") / f"{lib['name'].replace('-', '_')}.wasm"


def build_package(toolchain, crate: Path, out_dir: Path, target_dir: Path, **options: object):
    """``wasmforge build`` of ``crate`` with ``toolchain`` (quiet); the BuildResult."""
    from wasmforge.build import build

    return build(crate, toolchain=toolchain, out_dir=out_dir, target_dir=target_dir, quiet=True, **options)  # type: ignore[arg-type]


def check_json(command: str, out: str) -> dict[str, object]:
    """The JSON document ``command`` printed, checked: ``schema`` first, naming the current version,
    and the whole document valid against ``docs/schemas/<command>.v<N>.json``."""
    import json

    from wasmforge.report.schema import SCHEMA_VERSIONS, schema_id

    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema not installed (optional; pip install jsonschema)")
    document = json.loads(out)
    assert next(iter(document)) == "schema" and document["schema"] == schema_id(command)
    schema = json.loads((REPO / "docs" / "schemas" / f"{command}.v{SCHEMA_VERSIONS[command]}.json").read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    errors = sorted(cls(schema).iter_errors(document), key=lambda e: list(e.path))
    assert not errors, f"{command}: {errors[0].message} at {list(errors[0].path)}"
    return dict(document)
