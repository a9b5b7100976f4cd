"""Running cargo for ``wasm32-unknown-unknown`` and reading what it needs from the crate.

:func:`inspect_crate` asks ``cargo metadata`` about the crate (name, library crate types,
whether it depends on the support crate, ``[package.metadata.wasmforge]``) and checks that
it can become a module at all; :func:`compile` runs ``cargo build`` with cargo's own
progress passed through to the terminal and returns the raw module's path.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from wasmforge.build.toolchain import TARGET, Toolchain
from wasmforge.errors import WasmforgeError

__all__ = ["PROFILES", "BuildError", "CrateInfo", "CrateError", "compile", "inspect_crate"]

#: build profiles wasmforge knows, by their CLI flag.
PROFILES = ("release", "dev", "profiling")
#: name of the support crate as a dependency.
SUPPORT_CRATE = "wasmforge"


class CrateError(WasmforgeError):
    """The crate cannot be built into a module (no Cargo.toml, not a cdylib, ...)."""


class BuildError(WasmforgeError):
    """cargo failed; its own diagnostics were already shown."""

    exit_code = 1


@dataclass(frozen=True, slots=True)
class CrateInfo:
    """What wasmforge needs to know about a crate."""

    #: the crate folder (holding Cargo.toml).
    root: Path
    #: the package name (``my-crate``).
    name: str
    #: the package version from Cargo.toml.
    version: str
    #: the library target name as rustc sees it (``my_crate``): the module is ``<lib_name>.wasm``.
    lib_name: str
    crate_types: tuple[str, ...]
    #: whether the crate depends on the support crate ``wasmforge``.
    uses_support_crate: bool
    #: ``[package.metadata.wasmforge]``.
    settings: Mapping[str, Any] = field(default_factory=dict)
    #: cargo's target folder for this crate (before any override).
    target_dir: Path = Path("target")

    @property
    def needs_bootstrap(self) -> bool:
        """Whether the crate enables ``default_alloc_error_handler`` (``no_std`` + ``alloc`` before Rust 1.68)."""
        lib = self.root / "src" / "lib.rs"
        try:
            return "default_alloc_error_handler" in lib.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False


def _cargo_env(toolchain: Toolchain, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = toolchain.env()
    env.update(extra or {})
    return env


def inspect_crate(path: str | os.PathLike[str], toolchain: Toolchain) -> CrateInfo:
    """Read the crate at ``path`` (a folder or its Cargo.toml) with ``cargo metadata``.

    Raises :class:`CrateError` with a one-line fix when the crate is not a ``cdylib``.
    """
    # Absolute, because cargo runs inside the crate folder.
    root = Path(path).absolute()
    if root.name == "Cargo.toml":
        root = root.parent
    manifest = root / "Cargo.toml"
    if not manifest.is_file():
        raise CrateError(
            f"{root}: no Cargo.toml here",
            hint="point 'wasmforge build' at a crate folder, or create one with 'wasmforge new NAME'",
        )
    proc = subprocess.run(
        [str(toolchain.cargo), "metadata", "--no-deps", "--format-version", "1", "--manifest-path", str(manifest)],
        env=_cargo_env(toolchain),
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        first = next((line for line in proc.stderr.splitlines() if line.strip()), "cargo metadata failed")
        raise CrateError(f"{manifest}: {first.removeprefix('error: ').strip()}", hint="fix Cargo.toml and try again")
    meta = json.loads(proc.stdout)
    package = next(
        (p for p in meta["packages"] if Path(p["manifest_path"]).resolve() == manifest.resolve()),
        None,
    )
    if package is None:
        raise CrateError(
            f"{manifest}: is a workspace manifest without a package",
            hint="run 'wasmforge build' on the member crate's folder",
        )
    lib = next((t for t in package["targets"] if "lib" in t["kind"] or "cdylib" in t["kind"]), None)
    crate_types = tuple(lib["crate_types"]) if lib else ()
    if "cdylib" not in crate_types:
        raise CrateError(
            f"{manifest}: crate {package['name']} is not a cdylib, so it does not link into a module",
            hint='add [lib] crate-type = ["cdylib", "rlib"] to Cargo.toml',
        )
    uses_support = any(d["name"] == SUPPORT_CRATE for d in package.get("dependencies", []))
    settings = (package.get("metadata") or {}).get("wasmforge") or {}
    return CrateInfo(
        root=root,
        name=package["name"],
        version=package.get("version") or "0.0.0",
        lib_name=lib["name"].replace("-", "_") if lib else package["name"].replace("-", "_"),
        crate_types=crate_types,
        uses_support_crate=uses_support,
        settings=settings,
        target_dir=Path(meta.get("target_directory") or root / "target"),
    )


def _run_streaming(
    args: list[str], env: Mapping[str, str], sink: IO[str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    """Run cargo with its stderr going to ``sink`` as it comes (a terminal keeps cargo's progress bar)."""
    try:
        fd = sink.fileno()
    except (AttributeError, OSError, ValueError):
        fd = None
    if fd is not None:
        sink.flush()
        color = ["--color", "always"] if sink.isatty() else []
        done = subprocess.run(args + color, env=env, stdout=fd, stderr=fd, cwd=cwd)
        return subprocess.CompletedProcess(args, done.returncode, "", "")
    # Not a real file (e.g. captured output): copy cargo's lines through as they arrive.
    with subprocess.Popen(
        args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=cwd
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            sink.write(line)
        code = proc.wait()
    return subprocess.CompletedProcess(args, code, "", "")


def compile(
    crate: CrateInfo,
    toolchain: Toolchain,
    *,
    profile: str = "release",
    target_dir: str | os.PathLike[str] | None = None,
    stderr: IO[str] | None = None,
    quiet: bool = False,
) -> Path:
    """Run ``cargo build --lib --target wasm32-unknown-unknown`` for ``profile``; the raw module's path.

    cargo's progress and diagnostics go to ``stderr`` (default: ours) as they come, unless
    ``quiet`` (then they are kept and shown only on failure). Network use is cargo's own
    business (``CARGO_NET_OFFLINE=true`` keeps it offline). The ``profiling`` profile
    inherits ``release`` and keeps debug info off (names stay, the build keeps the name section).
    """
    if profile not in PROFILES:
        raise CrateError(f"unknown profile {profile!r}", hint=f"use one of {', '.join(PROFILES)}")
    # absolute: cargo runs in the crate folder, and would read a relative one from there
    out_root = Path(target_dir).resolve() if target_dir else crate.target_dir
    extra = {"CARGO_TARGET_DIR": str(out_root)}
    args = [str(toolchain.cargo), "build", "--lib", "--target", TARGET, "--manifest-path", str(crate.root / "Cargo.toml")]
    if profile == "release":
        args.append("--release")
    elif profile == "profiling":
        # A custom profile defined through cargo's environment config, so crates need not declare it.
        args += ["--profile", "profiling"]
        extra["CARGO_PROFILE_PROFILING_INHERITS"] = "release"
    if crate.needs_bootstrap:
        extra["RUSTC_BOOTSTRAP"] = "1"
    # Run in the crate folder so its own .cargo/config.toml applies, as with plain cargo.
    env = _cargo_env(toolchain, extra)
    sink = stderr if stderr is not None else sys.stderr
    if quiet:
        proc = subprocess.run(args, env=env, capture_output=True, text=True, cwd=crate.root)
        if proc.returncode != 0:
            sink.write(proc.stderr)
    else:
        proc = _run_streaming(args, env, sink, crate.root)
    if proc.returncode != 0:
        raise BuildError(f"cargo build of {crate.name} failed (exit code {proc.returncode})", hint="see cargo's messages above")
    folder = "debug" if profile == "dev" else profile
    wasm = out_root / TARGET / folder / f"{crate.lib_name}.wasm"
    if not wasm.is_file():
        raise BuildError(f"cargo finished but {wasm} is missing", hint='check [lib] crate-type includes "cdylib"')
    return wasm
