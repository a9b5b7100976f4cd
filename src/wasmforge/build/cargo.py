"""Running cargo for a wasm target and reading what it needs from the crate.

:func:`inspect_crate` asks ``cargo metadata`` about the crate (name, library crate types,
whether it depends on the support crate, ``[package.metadata.wasmforge]``) and checks that
it can become a module at all: a ``cdylib`` library, else a binary (a ``#![no_main]`` bin
for ``wasm32-unknown-unknown`` links into the same module as the cdylib; a bin for WASI is a
command); :func:`compile` runs ``cargo build`` with cargo's own
progress passed through to the terminal and returns the raw module's path.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from wasmforge.build.choose import explain_cargo_failure
from wasmforge.build.features import FeatureAttribute, read_crate_features
from wasmforge.build.toolchain import TARGET, Toolchain
from wasmforge.errors import WasmforgeError

__all__ = ["PROFILES", "BuildError", "CrateInfo", "CrateError", "compile", "crate_root", "inspect_crate"]

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
    #: the crate root built (``src/lib.rs`` unless ``[lib] path`` says otherwise; a bin's ``src/main.rs``).
    lib_path: Path | None = None
    #: the binary target built when the crate has no cdylib (cargo names its module ``<bin_name>.wasm``).
    bin_name: str | None = None

    @property
    def artifact(self) -> str:
        """The file stem of the module cargo links: the bin's name, or the library's."""
        return self.bin_name if self.bin_name is not None else self.lib_name

    @property
    def nightly_features(self) -> tuple[FeatureAttribute, ...]:
        """The ``#![feature(...)]`` names of the crate root."""
        return tuple(read_crate_features(self.lib_path or self.root / "src" / "lib.rs"))

    @property
    def bootstrap_reason(self) -> str | None:
        """Why the build sets ``RUSTC_BOOTSTRAP=1``, or None when the crate needs no nightly feature.

        ``[package.metadata.wasmforge] nightly-features = true`` asks for it (for features enabled
        somewhere the crate root does not show, e.g. in a build script's ``cargo:rustc-cfg``);
        ``false`` refuses it whatever the source says.
        """
        setting = self.settings.get("nightly-features")
        if setting is False:
            return None
        if setting is True:
            return "[package.metadata.wasmforge] nightly-features = true"
        features = self.nightly_features
        if not features:
            return None
        root = self.lib_path or self.root / "src" / "lib.rs"
        try:
            shown = root.relative_to(self.root)
        except ValueError:
            shown = root
        names = ", ".join(f.name for f in features)
        return f"{shown}:{features[0].line} enables #![feature({names})]"


def _cargo_env(toolchain: Toolchain, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = toolchain.env()
    env.update(extra or {})
    return env


def crate_root(path: str | os.PathLike[str]) -> Path:
    """The absolute crate folder of ``path`` (a folder or its Cargo.toml); :class:`CrateError` without a Cargo.toml."""
    # Absolute, because cargo runs inside the crate folder.
    root = Path(path).absolute()
    if root.name == "Cargo.toml":
        root = root.parent
    if not (root / "Cargo.toml").is_file():
        raise CrateError(
            f"{root}: no Cargo.toml here",
            hint="point 'wasmforge build' at a crate folder, or create one with 'wasmforge new NAME'",
        )
    return root


def inspect_crate(
    path: str | os.PathLike[str],
    toolchain: Toolchain,
    *,
    stderr: IO[str] | None = None,
    toolchains: Sequence[Toolchain] | None = None,
) -> CrateInfo:
    """Read the crate at ``path`` (a folder or its Cargo.toml) with ``cargo metadata``.

    Raises :class:`CrateError` with a one-line fix when the crate is not a ``cdylib``; when
    cargo fails, its whole message goes to ``stderr`` first (``toolchains``: the others known,
    to name one that could read the crate).
    """
    root = crate_root(path)
    manifest = root / "Cargo.toml"
    proc = subprocess.run(
        [str(toolchain.cargo), "metadata", "--no-deps", "--format-version", "1", "--manifest-path", str(manifest)],
        env=_cargo_env(toolchain),
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        # cargo's whole message: the first line alone often hides the reason ("failed to parse manifest").
        sink = stderr if stderr is not None else sys.stderr
        sink.write(proc.stderr if proc.stderr.endswith("\n") or not proc.stderr else proc.stderr + "\n")
        lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
        first = next((ln for ln in lines if ln.startswith("error")), lines[0] if lines else "cargo metadata failed")
        hint = explain_cargo_failure(proc.stderr, toolchain, toolchains) if toolchains is not None else None
        raise CrateError(
            f"{manifest}: cargo metadata failed: {first.removeprefix('error: ').strip()}",
            hint=hint or "see cargo's message above; fix Cargo.toml and try again",
        )
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
    settings = (package.get("metadata") or {}).get("wasmforge") or {}
    binary = None if "cdylib" in crate_types else _pick_bin(manifest, package, settings)
    if "cdylib" not in crate_types and binary is None:
        raise CrateError(
            f"{manifest}: crate {package['name']} is neither a cdylib nor a binary, so it does not link into a module",
            hint='add [lib] crate-type = ["cdylib", "rlib"] to Cargo.toml (or a src/main.rs)',
        )
    root_source = binary if binary is not None else lib
    uses_support = any(d["name"] == SUPPORT_CRATE for d in package.get("dependencies", []))
    return CrateInfo(
        root=root,
        name=package["name"],
        version=package.get("version") or "0.0.0",
        lib_name=lib["name"].replace("-", "_") if lib else package["name"].replace("-", "_"),
        crate_types=crate_types,
        uses_support_crate=uses_support,
        settings=settings,
        target_dir=Path(meta.get("target_directory") or root / "target"),
        lib_path=Path(root_source["src_path"]) if root_source and root_source.get("src_path") else None,
        bin_name=binary["name"] if binary is not None else None,
    )


def _pick_bin(manifest: Path, package: Mapping[str, Any], settings: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The bin target to build: ``[package.metadata.wasmforge] bin``, the one named as the package, or the only one."""
    bins: list[Mapping[str, Any]] = [t for t in package["targets"] if "bin" in t["kind"]]
    if not bins:
        return None
    wanted = settings.get("bin")
    if wanted is not None:
        found = next((t for t in bins if t["name"] == wanted), None)
        if found is None:
            names = ", ".join(t["name"] for t in bins)
            raise CrateError(f"{manifest}: bin = {wanted!r} in [package.metadata.wasmforge] names no binary (binaries: {names})")
        return found
    same = next((t for t in bins if t["name"] == package["name"]), None)
    if same is not None or len(bins) == 1:
        return same or bins[0]
    names = ", ".join(t["name"] for t in bins)
    raise CrateError(
        f"{manifest}: crate {package['name']} has several binaries ({names}) and no cdylib",
        hint=f'pick one: bin = "{bins[0]["name"]}" under [package.metadata.wasmforge]',
    )


# Enough of cargo's output to recognise why it failed; its first lines can be long progress.
_KEEP_OUTPUT = 256 * 1024
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\r")


def _run_on_terminal(args: list[str], env: Mapping[str, str], fd: int, cwd: Path) -> tuple[int, str]:
    """Run cargo on a pseudo-terminal copied to ``fd``: cargo keeps its progress bar and colours, we keep a copy."""
    import fcntl
    import pty
    import termios

    master, slave = pty.openpty()
    try:
        fcntl.ioctl(slave, termios.TIOCSWINSZ, fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8))
        attrs = termios.tcgetattr(slave)
        attrs[1] &= ~termios.ONLCR  # our own terminal turns "\n" into "\r\n" already
        termios.tcsetattr(slave, termios.TCSANOW, attrs)
    except (OSError, termios.error):
        pass
    try:
        proc = subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, cwd=cwd)
    finally:
        os.close(slave)
    kept = bytearray()
    try:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: cargo closed the terminal
                break
            if not data:
                break
            os.write(fd, data)
            kept += data
            del kept[:-_KEEP_OUTPUT]
    finally:
        os.close(master)
        code = proc.wait()
    return code, _ANSI.sub("", kept.decode("utf-8", "replace"))


def _run_streaming(args: list[str], env: Mapping[str, str], sink: IO[str], cwd: Path) -> tuple[int, str]:
    """Run cargo with its output going to ``sink`` as it comes; its exit status and (the end of) its output."""
    try:
        fd: int | None = sink.fileno()
    except (AttributeError, OSError, ValueError):
        fd = None
    if fd is not None and os.isatty(fd) and sys.platform != "win32":
        sink.flush()
        return _run_on_terminal(args, env, fd, cwd)
    kept: list[str] = []
    size = 0
    with subprocess.Popen(
        args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True, cwd=cwd
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            sink.write(line)
            kept.append(line)
            size += len(line)
            while size > _KEEP_OUTPUT and len(kept) > 1:
                size -= len(kept.pop(0))
        code = proc.wait()
    sink.flush()
    return code, "".join(kept)


def compile(
    crate: CrateInfo,
    toolchain: Toolchain,
    *,
    profile: str = "release",
    target_dir: str | os.PathLike[str] | None = None,
    stderr: IO[str] | None = None,
    quiet: bool = False,
    bootstrap: bool = False,
    env: Mapping[str, str] | None = None,
    toolchains: Sequence[Toolchain] | None = None,
    target: str = TARGET,
) -> Path:
    """Run ``cargo build --lib --target wasm32-unknown-unknown`` for ``profile``; the raw module's path.

    ``target`` is the triple (one the toolchain has the std of); a crate without a cdylib builds
    its binary (``--bin NAME``) instead of the library.

    ``bootstrap`` sets ``RUSTC_BOOTSTRAP=1`` (the caller decides, from
    :attr:`CrateInfo.bootstrap_reason`); ``env`` adds variables (e.g. a profile override);
    ``toolchains`` are the others known, to name one in the hint when this one is too old.

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
    which = ["--bin", crate.bin_name] if crate.bin_name is not None else ["--lib"]
    args = [str(toolchain.cargo), "build", *which, "--target", target, "--manifest-path", str(crate.root / "Cargo.toml")]
    if profile == "release":
        args.append("--release")
    elif profile == "profiling":
        # A custom profile defined through cargo's environment config, so crates need not declare it.
        args += ["--profile", "profiling"]
        extra["CARGO_PROFILE_PROFILING_INHERITS"] = "release"
    if bootstrap:
        extra["RUSTC_BOOTSTRAP"] = "1"
    extra.update(env or {})
    # Run in the crate folder so its own .cargo/config.toml applies, as with plain cargo.
    run_env = _cargo_env(toolchain, extra)
    sink = stderr if stderr is not None else sys.stderr
    if quiet:
        proc = subprocess.run(args, env=run_env, capture_output=True, text=True, cwd=crate.root, stdin=subprocess.DEVNULL)
        code, output = proc.returncode, proc.stderr
        if code != 0:
            sink.write(output)
    else:
        code, output = _run_streaming(args, run_env, sink, crate.root)
    if code != 0:
        hint = explain_cargo_failure(output, toolchain, toolchains or ())
        raise BuildError(
            f"cargo build of {crate.name} failed (exit code {code}) with {toolchain.label}",
            hint=hint or "see cargo's messages above",
        )
    folder = "debug" if profile == "dev" else profile
    wasm = out_root / target / folder / f"{crate.artifact}.wasm"
    if not wasm.is_file():
        hint = None if crate.bin_name is not None else 'check [lib] crate-type includes "cdylib"'
        raise BuildError(f"cargo finished but {wasm} is missing", hint=hint)
    return wasm
