"""Finding a Rust toolchain that can build for ``wasm32-unknown-unknown``, and the wasm tools around it.

:func:`find` looks at candidate ``rustc`` binaries in a fixed order and returns the first whose
sysroot really holds the wasm32 standard library, as a :class:`Toolchain` that knows how to run
its own cargo (:meth:`Toolchain.env`). Candidates, in order:

1. ``$WASMFORGE_RUSTC`` (with ``$WASMFORGE_CARGO``) — when set, the only candidate;
2. ``rustc`` on ``PATH``;
3. ``~/.cargo/bin/rustc`` (rustup's proxy);
4. ``/usr/bin/rustc`` (Debian's ``rustc cargo libstd-rust-dev-wasm32 lld``);
5. ``<toolchains>/*/bin/rustc``, the toolchains ``make toolchains`` installs
   (:func:`toolchains_dir`: ``$WASMFORGE_TOOLCHAINS``, else ``~/.cache/wasmforge/toolchains``).

``rustc --print target-libdir --target wasm32-unknown-unknown`` prints a path even when the target
is not installed, so a candidate only counts when that directory exists and holds ``libcore-*.rlib``.
Of the usable candidates, :func:`find` returns the newest release (the first found among equals).

Probing runs several subprocesses per candidate, so :func:`examine` keeps its results in
``<cache>/toolchains.json``, keyed by the paths and modification times of every file a result
depends on (rustc, cargo, the target library folder, rustup's settings and toolchain files):
a result is reused only while all of them are unchanged.

:func:`check_environment` gathers everything ``wasmforge doctor`` reports: the toolchain, the
linker, ``wasm-opt``, the ``wasmtime`` Python package and the wabt tools, each with the command
that installs what is missing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wasmforge.errors import WasmforgeError

__all__ = [
    "DEBIAN_PACKAGES",
    "TARGET",
    "WASI_SPELLINGS",
    "WASI_TARGETS",
    "WABT_TOOLS",
    "Candidate",
    "Check",
    "EnvironmentReport",
    "Tool",
    "Toolchain",
    "ToolchainNotFound",
    "add_rustup_target",
    "apt_install_command",
    "cache_dir",
    "check_environment",
    "examine",
    "find",
    "find_all",
    "find_tool",
    "find_wasm_linker",
    "find_wasm_opt",
    "newest_first",
    "not_found_error",
    "probe",
    "resolve",
    "toolchains_dir",
]

#: the target triple every wasmforge build compiles for.
TARGET = "wasm32-unknown-unknown"
#: the WASI target's names, newest first: Rust 1.84 renamed ``wasm32-wasi`` to ``wasm32-wasip1``.
WASI_TARGETS: tuple[str, ...] = ("wasm32-wasip1", "wasm32-wasi")
#: what ``--target`` accepts for WASI; each toolchain builds it under the name it knows.
WASI_SPELLINGS = frozenset({"wasi", "wasip1", *WASI_TARGETS})
#: Debian packages giving a cargo/rustc pair with the wasm32 standard library (Rust 1.63 on Debian 12).
DEBIAN_PACKAGES: tuple[str, ...] = ("rustc", "cargo", "libstd-rust-dev-wasm32", "lld")
#: the wabt command-line tools doctor looks for.
WABT_TOOLS: tuple[str, ...] = ("wasm-objdump", "wasm-validate", "wasm2wat", "wat2wasm", "wasm-strip")

# A cold rustup proxy can take a few seconds; a hung binary should not hang discovery forever.
_PROBE_TIMEOUT = 60.0


class ToolchainNotFound(WasmforgeError):
    """No cargo/rustc pair whose sysroot holds the ``wasm32-unknown-unknown`` standard library."""


@dataclass(frozen=True, slots=True)
class Toolchain:
    """A cargo/rustc pair that can build for ``wasm32-unknown-unknown``.

    ``rustc`` and ``cargo`` are the real binaries (for rustup, the ones inside the toolchain's
    folder, not the proxies in ``~/.cargo/bin``), so builds use this toolchain whatever a
    ``rust-toolchain`` file or ``PATH`` would pick.
    """

    #: the rustc binary.
    rustc: Path
    #: the cargo binary run for builds.
    cargo: Path
    #: rustc's release, e.g. ``"1.63.0"`` or ``"1.97.0-nightly"``.
    version: str
    #: cargo's version, e.g. ``"1.65.0"``.
    cargo_version: str
    #: ``"stable"``, ``"beta"``, ``"nightly"`` or ``"dev"``; only nightly and dev accept ``-Z`` flags.
    channel: str
    #: rustc's commit date (``YYYY-MM-DD``) when it reports one.
    commit_date: str | None
    #: rustc's host triple.
    host: str
    #: the LLVM version rustc was built with, when it reports one.
    llvm_version: str | None
    #: rustc's sysroot.
    sysroot: Path
    #: where the wasm32 standard library lives (it holds ``libcore-*.rlib``).
    target_libdir: Path
    #: whether the toolchain is managed by rustup.
    is_rustup: bool
    #: the rustup toolchain name (e.g. ``"stable-x86_64-unknown-linux-gnu"``), if managed by rustup.
    rustup_toolchain: str | None
    #: which candidate it came from: ``"WASMFORGE_RUSTC"``, ``"PATH"``, ``"~/.cargo/bin"`` or ``"/usr/bin"``.
    found_via: str

    @property
    def bin_dir(self) -> Path:
        """The folder holding this toolchain's rustc."""
        return self.rustc.parent

    @property
    def version_tuple(self) -> tuple[int, int, int]:
        """``version`` as numbers, e.g. ``(1, 63, 0)``, for feature checks."""
        return _version_tuple(self.version)

    @property
    def allows_unstable(self) -> bool:
        """Whether ``-Z`` flags (``-Zbuild-std`` and friends) work without ``RUSTC_BOOTSTRAP``."""
        return self.channel in ("nightly", "dev")

    def env(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment to run this toolchain's cargo with.

        Starts from ``base`` (default: ``os.environ``), puts the toolchain's bin folders first on
        ``PATH`` so that cargo and its subcommands find the matching rustc, and sets ``RUSTC``
        and ``CARGO``. ``RUSTUP_TOOLCHAIN`` is dropped: the binaries are already chosen.
        """
        env = dict(os.environ if base is None else base)
        first = list(dict.fromkeys([str(self.rustc.parent), str(self.cargo.parent)]))
        rest = [p for p in env.get("PATH", os.defpath).split(os.pathsep) if p and p not in first]
        env["PATH"] = os.pathsep.join(first + rest)
        env["RUSTC"] = str(self.rustc)
        env["CARGO"] = str(self.cargo)
        env.pop("RUSTUP_TOOLCHAIN", None)
        return env

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary of every field."""
        return {
            "rustc": str(self.rustc),
            "cargo": str(self.cargo),
            "version": self.version,
            "cargo_version": self.cargo_version,
            "channel": self.channel,
            "commit_date": self.commit_date,
            "host": self.host,
            "llvm_version": self.llvm_version,
            "sysroot": str(self.sysroot),
            "target_libdir": str(self.target_libdir),
            "is_rustup": self.is_rustup,
            "rustup_toolchain": self.rustup_toolchain,
            "found_via": self.found_via,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Toolchain:
        """The inverse of :meth:`to_dict`."""
        return cls(
            rustc=Path(data["rustc"]),
            cargo=Path(data["cargo"]),
            version=str(data["version"]),
            cargo_version=str(data["cargo_version"]),
            channel=str(data["channel"]),
            commit_date=data.get("commit_date"),
            host=str(data["host"]),
            llvm_version=data.get("llvm_version"),
            sysroot=Path(data["sysroot"]),
            target_libdir=Path(data["target_libdir"]),
            is_rustup=bool(data["is_rustup"]),
            rustup_toolchain=data.get("rustup_toolchain"),
            found_via=str(data["found_via"]),
        )

    @property
    def label(self) -> str:
        """A short name for messages, e.g. ``"rust 1.96.0"``."""
        return f"rust {self.version}"

    def triple_for(self, target: str) -> str | None:
        """The triple this toolchain builds ``target`` as (``--target``'s text), or None without its std.

        ``wasm32-unknown-unknown`` is every toolchain's; a WASI spelling (``wasm32-wasi``,
        ``wasm32-wasip1``, ``wasi``) becomes whichever of the two names has a standard library
        in the sysroot, as ``rustup target add`` or Debian's ``libstd-rust-dev-wasm32`` put it.
        """
        if target == TARGET:
            return TARGET
        if target not in WASI_SPELLINGS:
            return None
        for triple in WASI_TARGETS:
            if _has_target_std(self.sysroot / "lib" / "rustlib" / triple / "lib"):
                return triple
        return None


@dataclass(frozen=True, slots=True)
class Candidate:
    """One rustc that discovery looked at: the toolchain it gave, or why it was passed over."""

    #: the rustc path as found (may be a rustup proxy).
    rustc: Path
    #: where it was found: ``"WASMFORGE_RUSTC"``, ``"PATH"``, ``"~/.cargo/bin"`` or ``"/usr/bin"``.
    found_via: str
    #: the usable toolchain, or None.
    toolchain: Toolchain | None = None
    #: rustc's release when it ran, e.g. ``"1.95.0"``.
    version: str | None = None
    #: whether it is managed by rustup (known once it ran).
    is_rustup: bool = False
    #: the rustup toolchain name, if any.
    rustup_toolchain: str | None = None
    #: the cargo paired with it, if one was found.
    cargo: Path | None = None
    #: that cargo's version, if it ran.
    cargo_version: str | None = None
    #: the wasm32 standard library folder, when it is really there.
    target_libdir: Path | None = None
    #: why it cannot be used (None when ``toolchain`` is set).
    problem: str | None = None
    #: the command that would make it usable, when there is one.
    fix: str | None = None

    @property
    def usable(self) -> bool:
        """Whether this candidate gave a toolchain."""
        return self.toolchain is not None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {
            "rustc": str(self.rustc),
            "found_via": self.found_via,
            "usable": self.usable,
            "version": self.version,
            "is_rustup": self.is_rustup,
            "rustup_toolchain": self.rustup_toolchain,
            "cargo": str(self.cargo) if self.cargo else None,
            "cargo_version": self.cargo_version,
            "target_libdir": str(self.target_libdir) if self.target_libdir else None,
            "problem": self.problem,
            "fix": self.fix,
        }

    def to_cache(self) -> dict[str, Any]:
        """:meth:`to_dict` plus the toolchain, for the discovery cache."""
        data = self.to_dict()
        data["toolchain"] = self.toolchain.to_dict() if self.toolchain else None
        return data

    @classmethod
    def from_cache(cls, data: Mapping[str, Any]) -> Candidate:
        """The inverse of :meth:`to_cache`."""
        tc = data.get("toolchain")
        return cls(
            rustc=Path(data["rustc"]),
            found_via=data["found_via"],
            toolchain=Toolchain.from_dict(tc) if tc else None,
            version=data.get("version"),
            is_rustup=bool(data.get("is_rustup")),
            rustup_toolchain=data.get("rustup_toolchain"),
            cargo=Path(data["cargo"]) if data.get("cargo") else None,
            cargo_version=data.get("cargo_version"),
            target_libdir=Path(data["target_libdir"]) if data.get("target_libdir") else None,
            problem=data.get("problem"),
            fix=data.get("fix"),
        )


@dataclass(frozen=True, slots=True)
class Tool:
    """An external program found on the system."""

    #: the program's name, e.g. ``"wasm-opt"``.
    name: str
    #: where it is.
    path: Path
    #: its version as it reports it (e.g. ``"108"`` for wasm-opt), or None if it would not say.
    version: str | None


class _ProbeFailed(Exception):
    """A probe command could not run or exited with an error."""


def _run(argv: Sequence[str | os.PathLike[str]], env: Mapping[str, str], cwd: Path | None) -> str:
    """Run a probe command; its stdout, or _ProbeFailed with the first line of what went wrong."""
    try:
        proc = subprocess.run(
            [str(a) for a in argv],
            capture_output=True,
            text=True,
            env=dict(env),
            cwd=cwd,
            timeout=_PROBE_TIMEOUT,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise _ProbeFailed(f"'{Path(argv[0]).name} {' '.join(map(str, argv[1:]))}' timed out") from None
    except OSError as err:
        raise _ProbeFailed(err.strerror or str(err)) from None
    if proc.returncode != 0:
        lines = [ln.strip() for ln in (proc.stderr or proc.stdout).splitlines() if ln.strip()]
        detail = lines[0] if lines else f"exit status {proc.returncode}"
        raise _ProbeFailed(detail)
    return proc.stdout


def _version_tuple(version: str) -> tuple[int, int, int]:
    """``"1.63.0"`` / ``"1.97.0-nightly"`` -> ``(1, 63, 0)``; missing parts are 0."""
    numbers = [int(n) for n in re.findall(r"\d+", version.split("-")[0])[:3]]
    while len(numbers) < 3:
        numbers.append(0)
    return (numbers[0], numbers[1], numbers[2])


def _channel(release: str) -> str:
    """The release channel from rustc's ``release:`` line."""
    for channel in ("nightly", "beta", "dev"):
        if f"-{channel}" in release:
            return channel
    return "stable"


def _parse_verbose_version(text: str) -> dict[str, str]:
    """The ``key: value`` lines of ``rustc -vV``."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip()] = value.strip()
    return fields


def _is_rustup_proxy(path: Path) -> bool:
    """Whether ``path`` is one of rustup's proxies (a link to, or copy of, the rustup binary)."""
    try:
        resolved = path.resolve()
    except OSError:
        return False
    if resolved.stem == "rustup":
        return True
    # Some installs hard-link the proxies instead of symlinking them.
    sibling = path.parent / "rustup"
    try:
        return sibling.exists() and os.path.samefile(sibling, path)
    except OSError:
        return False


def _rustup_toolchain_name(sysroot: Path) -> str | None:
    """The rustup toolchain a sysroot belongs to, judged by rustup's folder layout."""
    if sysroot.parent.name == "toolchains" or (sysroot / "lib" / "rustlib" / "multirust-channel-manifest.toml").exists():
        return sysroot.name
    return None


def _has_target_std(libdir: Path) -> bool:
    """Whether ``libdir`` exists and holds the target's ``libcore-*.rlib``."""
    return libdir.is_dir() and any(libdir.glob("libcore-*.rlib"))


def _which(name: str, environ: Mapping[str, str]) -> Path | None:
    """``name`` looked up on the ``PATH`` of ``environ``."""
    found = shutil.which(name, path=environ.get("PATH", os.defpath))
    return Path(found) if found else None


def _is_root() -> bool:
    """Whether this process runs as root (package installs then need no sudo)."""
    geteuid = getattr(os, "geteuid", None)
    return bool(geteuid and geteuid() == 0)


def apt_install_command(*packages: str) -> str:
    """The apt-get command installing ``packages`` (with ``sudo`` unless running as root)."""
    prefix = "" if _is_root() else "sudo "
    return f"{prefix}apt-get install -y {' '.join(packages)}"


def _install_hint(packages: Sequence[str], what: str) -> str:
    """How to install ``what``: an apt-get command where apt exists, else a sentence."""
    if shutil.which("apt-get"):
        return apt_install_command(*packages)
    return f"install {what} with your system's package manager"


def _rustup_add_target_command(toolchain_name: str | None) -> str:
    """The rustup command adding the wasm32 target to a toolchain."""
    command = f"rustup target add {TARGET}"
    return f"{command} --toolchain {toolchain_name}" if toolchain_name else command


def _home(environ: Mapping[str, str]) -> Path:
    """The user's home folder according to ``environ``."""
    home = environ.get("HOME")
    return Path(home) if home else Path.home()


def cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """wasmforge's cache folder: ``$WASMFORGE_CACHE``, else ``$XDG_CACHE_HOME/wasmforge``, else ``~/.cache/wasmforge``."""
    environ = os.environ if environ is None else environ
    if environ.get("WASMFORGE_CACHE"):
        return Path(environ["WASMFORGE_CACHE"]).expanduser()
    xdg = environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else _home(environ) / ".cache") / "wasmforge"


def toolchains_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where ``make toolchains`` installs toolchains: ``$WASMFORGE_TOOLCHAINS``, else ``<cache>/toolchains``."""
    environ = os.environ if environ is None else environ
    if environ.get("WASMFORGE_TOOLCHAINS"):
        return Path(environ["WASMFORGE_TOOLCHAINS"]).expanduser()
    return cache_dir(environ) / "toolchains"


def _candidate_paths(environ: Mapping[str, str]) -> list[tuple[Path, str]]:
    """The rustc binaries to try, in order, each with where it was found (duplicates removed)."""
    override = environ.get("WASMFORGE_RUSTC")
    if override:
        located = _which(override, environ) if os.sep not in override else None
        # absolute: Path("./rustc") prints as "rustc", which a subprocess would look up on PATH
        return [(located or Path(override).expanduser().absolute(), "WASMFORGE_RUSTC")]
    raw: list[tuple[Path, str]] = []
    on_path = _which("rustc", environ)
    if on_path:
        raw.append((on_path, "PATH"))
    raw.append((_home(environ) / ".cargo" / "bin" / "rustc", "~/.cargo/bin"))
    raw.append((Path("/usr/bin/rustc"), "/usr/bin"))
    installed = toolchains_dir(environ)
    if installed.is_dir():
        raw += [(path, "wasmforge toolchains") for path in sorted(installed.glob("*/bin/rustc"))]
    seen: set[str] = set()
    unique: list[tuple[Path, str]] = []
    for path, via in raw:
        # /bin is often a link to /usr/bin: compare resolved paths, but keep proxies apart from
        # what they point to (every rustup proxy resolves to the same rustup binary).
        key = str(path.resolve()) if path.exists() and not _is_rustup_proxy(path) else str(path)
        if key in seen:
            continue
        seen.add(key)
        unique.append((path, via))
    return unique


def _pick_cargo(
    rustc: Path, real_rustc: Path, sysroot: Path, is_rustup: bool, environ: Mapping[str, str]
) -> Path | None:
    """The cargo that belongs with a rustc: the override, the toolchain's own, or the one beside it."""
    override = environ.get("WASMFORGE_CARGO")
    if override:
        located = _which(override, environ) if os.sep not in override else None
        return located or Path(override).expanduser().absolute()
    places = [real_rustc.parent / "cargo", rustc.parent / "cargo"]
    if is_rustup:
        places.insert(0, sysroot / "bin" / "cargo")
    for place in places:
        if place.is_file() and os.access(place, os.X_OK):
            return place
    return _which("cargo", environ)


def probe(
    rustc: Path,
    found_via: str = "PATH",
    *,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Candidate:
    """Examine one rustc: whether it (and a cargo beside it) can build for wasm32-unknown-unknown."""
    environ = dict(os.environ if environ is None else environ)
    # Discovery must never make rustup download a toolchain.
    environ.setdefault("RUSTUP_AUTO_INSTALL", "0")
    rustc = Path(rustc)
    if not rustc.exists():
        return Candidate(rustc, found_via, problem=f"{rustc} does not exist")
    try:
        info = _parse_verbose_version(_run([rustc, "-vV"], environ, cwd))
        sysroot = Path(_run([rustc, "--print", "sysroot"], environ, cwd).strip())
    except _ProbeFailed as err:
        return Candidate(rustc, found_via, problem=f"{rustc} does not run: {err}")
    release = info.get("release") or "unknown"
    toolchain_name = _rustup_toolchain_name(sysroot)
    is_rustup = _is_rustup_proxy(rustc) or toolchain_name is not None
    # Through a proxy, rustup picks the toolchain per folder; pin the real binary instead.
    real_rustc = rustc
    inner = sysroot / "bin" / rustc.name
    if is_rustup and inner.is_file():
        real_rustc = inner

    cargo = _pick_cargo(rustc, real_rustc, sysroot, is_rustup, environ)
    cargo_version: str | None = None
    cargo_problem: str | None = None
    if cargo is None:
        cargo_problem = f"no cargo found for rustc {release}"
    else:
        try:
            words = _run([cargo, "--version"], environ, cwd).split()
            cargo_version = words[1] if len(words) > 1 else "unknown"
        except _ProbeFailed as err:
            cargo_problem = f"{cargo} does not run: {err}"

    libdir: Path | None = None
    target_problem: str | None = None
    try:
        libdir = Path(_run([real_rustc, "--print", "target-libdir", "--target", TARGET], environ, cwd).strip())
    except _ProbeFailed as err:
        target_problem = f"rustc {release} does not know the {TARGET} target: {err}"
    else:
        if not libdir.is_dir():
            target_problem = f"rustc {release} lacks the {TARGET} standard library ({libdir} does not exist)"
        elif not _has_target_std(libdir):
            target_problem = f"rustc {release} lacks the {TARGET} standard library ({libdir} holds no libcore-*.rlib)"

    if target_problem:
        if is_rustup:
            fix: str | None = _rustup_add_target_command(toolchain_name)
        elif sysroot == Path("/usr"):
            fix = _install_hint(["libstd-rust-dev-wasm32", "lld"], "the wasm32 standard library")
        else:
            fix = None
    elif cargo_problem:
        fix = "rustup component add cargo" if is_rustup else _install_hint(["cargo"], "cargo")
    else:
        fix = None
    problem = target_problem or cargo_problem
    common: dict[str, Any] = dict(
        version=release,
        is_rustup=is_rustup,
        rustup_toolchain=toolchain_name,
        cargo=cargo,
        cargo_version=cargo_version,
        target_libdir=libdir if target_problem is None else None,
        problem=problem,
        fix=fix,
    )
    if problem or cargo is None or cargo_version is None or libdir is None:
        return Candidate(rustc, found_via, **common)
    commit_date = info.get("commit-date")
    toolchain = Toolchain(
        rustc=real_rustc,
        cargo=cargo,
        version=release,
        cargo_version=cargo_version,
        channel=_channel(release),
        commit_date=None if commit_date in (None, "unknown") else commit_date,
        host=info.get("host", ""),
        llvm_version=info.get("LLVM version"),
        sysroot=sysroot,
        target_libdir=libdir,
        is_rustup=is_rustup,
        rustup_toolchain=toolchain_name,
        found_via=found_via,
    )
    return Candidate(rustc, found_via, toolchain=toolchain, **common)


# ---- the discovery cache -----------------------------------------------------------------------

_CACHE_FORMAT = 1
_CACHE_LIMIT = 64  # entries; the oldest go first


def _stamp(path: Path) -> list[int] | None:
    """What identifies a file's version: modification time, size and inode (None when absent)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size, st.st_ino]


def _rustup_inputs(cwd: Path | None, environ: Mapping[str, str]) -> list[Path]:
    """The files that decide which toolchain a rustup proxy runs: settings and rust-toolchain files."""
    rustup_home = Path(environ["RUSTUP_HOME"]) if environ.get("RUSTUP_HOME") else _home(environ) / ".rustup"
    paths = [rustup_home / "settings.toml"]
    folder = (cwd or Path.cwd()).absolute()
    for parent in (folder, *folder.parents):
        paths += [parent / "rust-toolchain", parent / "rust-toolchain.toml"]
    return paths


def _inputs(candidate: Candidate, cwd: Path | None, environ: Mapping[str, str]) -> list[Path]:
    """Every file whose change could change a probe's result."""
    paths = [candidate.rustc]
    if candidate.toolchain is not None:
        paths += [candidate.toolchain.rustc, candidate.toolchain.cargo, candidate.toolchain.target_libdir]
    elif candidate.cargo is not None:
        paths.append(candidate.cargo)
    if candidate.target_libdir is None and candidate.version is not None:
        # Adding the target later creates the folder; watch its parents too.
        paths.append(candidate.rustc.parent.parent / "lib" / "rustlib")
    if candidate.is_rustup or _is_rustup_proxy(candidate.rustc):
        paths += _rustup_inputs(cwd, environ)
    return paths


def _cache_key(rustc: Path, found_via: str, environ: Mapping[str, str]) -> str:
    """A cache entry's key: the candidate and the settings probing reads besides files."""
    settings = [environ.get(name, "") for name in ("WASMFORGE_CARGO", "RUSTUP_TOOLCHAIN", "RUSTUP_HOME", "CARGO_HOME")]
    cargo_on_path = _which("cargo", environ)
    return json.dumps([str(rustc), found_via, settings, str(cargo_on_path or "")])


def _cache_file(environ: Mapping[str, str]) -> Path:
    return cache_dir(environ) / "toolchains.json"


def _load_cache(environ: Mapping[str, str]) -> dict[str, Any]:
    try:
        data = json.loads(_cache_file(environ).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != _CACHE_FORMAT or not isinstance(data.get("entries"), dict):
        return {}
    return dict(data["entries"])


def _save_cache(entries: Mapping[str, Any], environ: Mapping[str, str]) -> None:
    """Write the cache; a read-only or full disk only costs the next run its probes."""
    from wasmforge._files import write_atomic

    kept = dict(list(entries.items())[-_CACHE_LIMIT:])
    try:
        _cache_file(environ).parent.mkdir(parents=True, exist_ok=True)
        write_atomic(_cache_file(environ), json.dumps({"format": _CACHE_FORMAT, "entries": kept}, indent=1))
    except (OSError, WasmforgeError):
        pass


def _cached(entry: Any) -> Candidate | None:
    """The candidate of a cache entry whose files are all unchanged, else None."""
    try:
        inputs = entry["inputs"]
        if any(_stamp(Path(path)) != stamp for path, stamp in inputs):
            return None
        return Candidate.from_cache(entry["candidate"])
    except (KeyError, TypeError, ValueError):
        return None


def examine(
    environ: Mapping[str, str] | None = None, *, cwd: Path | None = None, use_cache: bool = True
) -> list[Candidate]:
    """Every candidate rustc, in discovery order, each probed (see the module docstring).

    With ``use_cache`` (the default) a candidate whose files are unchanged since its last probe
    is not probed again; ``use_cache=False`` probes everything and refreshes the cache.
    """
    environ = dict(os.environ if environ is None else environ)
    entries = _load_cache(environ)
    changed = False
    found: list[Candidate] = []
    for path, via in _candidate_paths(environ):
        key = _cache_key(path, via, environ)
        candidate = _cached(entries[key]) if use_cache and key in entries else None
        if candidate is None:
            candidate = probe(path, via, environ=environ, cwd=cwd)
            entries.pop(key, None)
            inputs = [[str(p), _stamp(p)] for p in dict.fromkeys(_inputs(candidate, cwd, environ))]
            entries[key] = {"inputs": inputs, "candidate": candidate.to_cache()}
            changed = True
        found.append(candidate)
    if changed:
        _save_cache(entries, environ)
    return found


def newest_first(candidates: Sequence[Candidate]) -> list[Toolchain]:
    """The usable toolchains, newest release first; discovery order among equals."""
    usable = [c.toolchain for c in candidates if c.toolchain is not None]
    unique = list({(str(t.rustc), str(t.cargo)): t for t in reversed(usable)}.values())[::-1]
    return sorted(unique, key=lambda t: t.version_tuple, reverse=True)


def find_all(environ: Mapping[str, str] | None = None, *, cwd: Path | None = None) -> list[Toolchain]:
    """Every usable toolchain, newest release first (discovery order among equal releases)."""
    return newest_first(examine(environ, cwd=cwd))


def _not_found_hint(candidates: Sequence[Candidate], environ: Mapping[str, str]) -> str:
    """The fix to suggest when no candidate is usable."""
    if environ.get("WASMFORGE_RUSTC"):
        first = candidates[0] if candidates else None
        fix = f"run '{first.fix}', or " if first and first.fix else ""
        return f"{fix}point WASMFORGE_RUSTC (and WASMFORGE_CARGO) at a toolchain with the {TARGET} target, or unset it"
    rustup = [c for c in candidates if c.is_rustup and c.fix]
    debian = _install_hint(list(DEBIAN_PACKAGES), f"Rust with the {TARGET} target")
    if rustup:
        return f"run '{rustup[0].fix}' (or 'wasmforge doctor --add-target'), or install Debian's toolchain: {debian}"
    return f"install Debian's toolchain: '{debian}', or rustup and 'rustup target add {TARGET}'"


def not_found_error(candidates: Sequence[Candidate], environ: Mapping[str, str]) -> ToolchainNotFound:
    tried = "; ".join(f"{c.rustc}: {c.problem}" for c in candidates) or "no rustc found"
    return ToolchainNotFound(
        f"no Rust toolchain can build for {TARGET} (tried {tried})",
        hint=_not_found_hint(candidates, environ),
    )


def find(environ: Mapping[str, str] | None = None, *, cwd: Path | None = None) -> Toolchain:
    """The newest cargo/rustc pair that can build for ``wasm32-unknown-unknown``.

    ``environ`` defaults to ``os.environ``; ``cwd`` is where the probes run (it matters for
    rustup, which honours a ``rust-toolchain`` file there). Raises :class:`ToolchainNotFound`
    naming every candidate tried and why it was passed over.
    """
    environ = dict(os.environ if environ is None else environ)
    candidates = examine(environ, cwd=cwd)
    usable = newest_first(candidates)
    if usable:
        return usable[0]
    raise not_found_error(candidates, environ)


def resolve(spec: str, environ: Mapping[str, str] | None = None, *, cwd: Path | None = None) -> Toolchain:
    """The toolchain named by ``--toolchain``: a release (``1.96``, ``1.63.0``, ``rust1.96``) or a path.

    A path may be the rustc binary, its ``bin`` folder or the folder holding ``bin/rustc``.
    A release picks the newest usable toolchain whose version starts with it.
    """
    environ = dict(os.environ if environ is None else environ)
    text = spec.strip()
    release = text.removeprefix("rust").removeprefix("-")
    if re.fullmatch(r"\d+(\.\d+){0,2}", release) and os.sep not in text:
        usable = find_all(environ, cwd=cwd)
        wanted = release.split(".")
        for tc in usable:
            if tc.version.split("-")[0].split(".")[: len(wanted)] == wanted:
                return tc
        known = ", ".join(tc.version for tc in usable) or "none"
        raise ToolchainNotFound(
            f"--toolchain {spec}: no toolchain of that release has the {TARGET} target (found: {known})",
            hint="run 'wasmforge doctor' to see every toolchain; 'make toolchains' installs Rust 1.96",
        )
    path = Path(text).expanduser().absolute()
    for rustc in (path, path / "rustc", path / "bin" / "rustc"):
        if rustc.is_file():
            environ.pop("WASMFORGE_CARGO", None)
            candidate = probe(rustc, "--toolchain", environ=environ, cwd=cwd)
            if candidate.toolchain is not None:
                return candidate.toolchain
            raise ToolchainNotFound(f"--toolchain {spec}: {candidate.problem}", hint=candidate.fix or f"pick a toolchain with the {TARGET} target")
    raise ToolchainNotFound(
        f"--toolchain {spec}: neither a release number nor a rustc (looked for {path}, {path / 'bin' / 'rustc'})",
        hint="write e.g. --toolchain 1.96 or --toolchain ~/.cache/wasmforge/toolchains/rust-1.96.0",
    )


def add_rustup_target(candidate: Candidate, *, environ: Mapping[str, str] | None = None) -> int:
    """Run ``rustup target add wasm32-unknown-unknown`` for a rustup candidate; rustup's exit status.

    Output goes straight to this process's stdout/stderr (rustup shows download progress).
    Raises :class:`ToolchainNotFound` when the candidate is not managed by rustup or rustup is missing.
    """
    environ = dict(os.environ if environ is None else environ)
    if not candidate.is_rustup:
        raise ToolchainNotFound(f"{candidate.rustc} is not managed by rustup", hint="install the target another way")
    rustup = candidate.rustc.parent / "rustup"
    if not rustup.exists():
        found = _which("rustup", environ)
        if found is None:
            raise ToolchainNotFound("rustup is not on PATH", hint=f"run '{_rustup_add_target_command(candidate.rustup_toolchain)}' by hand")
        rustup = found
    argv = [str(rustup), "target", "add", TARGET]
    if candidate.rustup_toolchain:
        argv += ["--toolchain", candidate.rustup_toolchain]
    return subprocess.run(argv, env=environ, check=False).returncode


# ---- other tools -------------------------------------------------------------------------------


def _tool_version(path: Path, args: Sequence[str] = ("--version",), env: Mapping[str, str] | None = None) -> str | None:
    """The first line a tool prints for ``--version``, or None."""
    try:
        text = _run([path, *args], os.environ if env is None else env, None)
    except _ProbeFailed:
        return None
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line or None


def find_tool(
    name: str, *, environ: Mapping[str, str] | None = None, version_args: Sequence[str] = ("--version",)
) -> Tool | None:
    """A program on ``PATH`` with the first line of its version output, or None if absent."""
    path = _which(name, os.environ if environ is None else environ)
    if path is None:
        return None
    return Tool(name, path, _tool_version(path, version_args))


def find_wasm_opt(*, environ: Mapping[str, str] | None = None) -> Tool | None:
    """binaryen's ``wasm-opt``; ``version`` is its release number (e.g. ``"108"``)."""
    tool = find_tool("wasm-opt", environ=environ)
    if tool is None or tool.version is None:
        return tool
    match = re.search(r"version\s+(\d+)", tool.version)
    return Tool(tool.name, tool.path, match.group(1) if match else tool.version)


def find_wasm_linker(toolchain: Toolchain | None = None, *, environ: Mapping[str, str] | None = None) -> Tool | None:
    """The wasm linker rustc would use: the toolchain's own ``rust-lld``, else ``rust-lld`` or ``wasm-ld`` on PATH."""
    environ = os.environ if environ is None else environ
    places: list[Path] = []
    if toolchain is not None:
        places.append(toolchain.sysroot / "lib" / "rustlib" / toolchain.host / "bin" / "rust-lld")
    for name in ("rust-lld", "wasm-ld"):
        found = _which(name, environ)
        if found:
            places.append(found)
    for path in places:
        if path.is_file():
            args = ("-flavor", "wasm", "--version") if path.name == "rust-lld" else ("--version",)
            run_env = dict(os.environ)
            if toolchain is not None and path.is_relative_to(toolchain.sysroot):
                # An unpacked toolchain's linker finds its libLLVM the way its rustc wrapper does.
                libs = [str(p) for p in sorted((toolchain.sysroot / "lib").glob("*-linux-gnu"))]
                run_env["LD_LIBRARY_PATH"] = os.pathsep.join(libs + [run_env.get("LD_LIBRARY_PATH", "")]).rstrip(os.pathsep)
            return Tool(path.name, path, _tool_version(path, args, run_env))
    return None


# ---- the environment report behind `wasmforge doctor` ------------------------------------------


@dataclass(frozen=True, slots=True)
class Check:
    """One line of the environment report."""

    #: what was checked, e.g. ``"rustc"`` or ``"wasm-opt"``.
    name: str
    #: whether it is present and usable.
    ok: bool
    #: whether wasmforge cannot work without it.
    required: bool
    #: what was found, or what is missing.
    detail: str
    #: where it is, if found.
    path: str | None = None
    #: its version, if known.
    version: str | None = None
    #: the command that fixes it, if it is missing.
    fix: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {
            "name": self.name,
            "ok": self.ok,
            "required": self.required,
            "detail": self.detail,
            "path": self.path,
            "version": self.version,
            "fix": self.fix,
        }


@dataclass(frozen=True, slots=True)
class EnvironmentReport:
    """Everything ``wasmforge doctor`` reports."""

    #: the checks, in display order.
    checks: tuple[Check, ...]
    #: the toolchain builds would use, if any.
    toolchain: Toolchain | None
    #: every rustc candidate examined.
    candidates: tuple[Candidate, ...]
    #: every usable toolchain, newest first (``toolchain`` is the first).
    toolchains: tuple[Toolchain, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether every required check passed."""
        return all(c.ok for c in self.checks if c.required)

    @property
    def missing_required(self) -> list[Check]:
        """The required checks that failed."""
        return [c for c in self.checks if c.required and not c.ok]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {
            "ok": self.ok,
            "target": TARGET,
            "toolchain": self.toolchain.to_dict() if self.toolchain else None,
            "checks": [c.to_dict() for c in self.checks],
            "candidates": [c.to_dict() for c in self.candidates],
            "toolchains": [t.to_dict() for t in self.toolchains],
        }


def _toolchain_checks(candidates: Sequence[Candidate], toolchain: Toolchain | None) -> list[Check]:
    """The rustc, cargo and target checks of the chosen candidate, plus a line for each other one.

    The chosen candidate is the one giving ``toolchain``, else the first whose rustc ran (the one
    a fix helps most).
    """
    debian = _install_hint(list(DEBIAN_PACKAGES), f"Rust with the {TARGET} target")
    chosen = next((c for c in candidates if toolchain is not None and c.toolchain == toolchain), None) or next(
        (c for c in candidates if c.version is not None), None
    )
    std = f"{TARGET} std"
    if chosen is None:
        tried = "; ".join(c.problem for c in candidates if c.problem)
        checks = [
            Check("rustc", False, True, f"no rustc found ({tried})" if tried else "no rustc found", fix=debian),
            Check("cargo", False, True, "no cargo found", fix=debian),
            Check(std, False, True, "no toolchain to hold it", fix=debian),
        ]
    else:
        rustup = f", rustup {chosen.rustup_toolchain}" if chosen.rustup_toolchain else ""
        tc = chosen.toolchain
        channel = f" ({tc.channel}{rustup})" if tc else (f" (rustup {chosen.rustup_toolchain})" if rustup else "")
        rustc_path = str(tc.rustc if tc else chosen.rustc)
        checks = [Check("rustc", True, True, f"{chosen.version}{channel}", rustc_path, chosen.version)]
        if chosen.cargo_version:
            checks.append(Check("cargo", True, True, chosen.cargo_version, str(chosen.cargo), chosen.cargo_version))
        else:
            fix = "rustup component add cargo" if chosen.is_rustup else _install_hint(["cargo"], "cargo")
            checks.append(Check("cargo", False, True, f"no working cargo for rustc {chosen.version}", fix=fix))
        if chosen.target_libdir is not None:
            checks.append(Check(std, True, True, "installed", str(chosen.target_libdir)))
        else:
            checks.append(Check(std, False, True, chosen.problem or "missing", fix=chosen.fix or debian))
    for candidate in candidates:
        if candidate is chosen:
            continue
        if candidate.version is None and candidate.problem and candidate.problem.endswith("does not exist"):
            continue  # an absent default location is not worth a line
        if candidate.usable:
            summary = f"usable too (--toolchain {_short_release(candidate.version)})"
        elif candidate.version and candidate.target_libdir is None:
            # The full problem (with the library path) stays in candidates; the line stays short.
            summary = "target not installed"
        else:
            summary = candidate.problem or "unusable"
        if candidate.version:
            owner = f"rustup {candidate.rustup_toolchain}" if candidate.rustup_toolchain else "rustc"
            summary = f"{owner} {candidate.version}: {summary}"
        checks.append(
            Check(
                f"other rustc ({candidate.found_via})",
                candidate.usable,
                False,
                summary,
                str(candidate.rustc),
                candidate.version,
                candidate.fix,
            )
        )
    return checks


def _short_release(version: str | None) -> str:
    """``"1.63.0"`` -> ``"1.63"``: what ``--toolchain`` takes."""
    return ".".join((version or "?").split("-")[0].split(".")[:2])


def _python_package_version(name: str) -> str | None:
    """An installed distribution's version, without importing it."""
    from importlib import metadata  # 90 ms to import: only doctor needs it

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def check_environment(environ: Mapping[str, str] | None = None, *, cwd: Path | None = None) -> EnvironmentReport:
    """Look for everything wasmforge uses and say, for each missing piece, how to get it."""
    environ = dict(os.environ if environ is None else environ)
    candidates = examine(environ, cwd=cwd, use_cache=False)
    usable = newest_first(candidates)
    toolchain = usable[0] if usable else None
    checks: list[Check] = [
        Check("python", True, True, f"{sys.version.split()[0]}", sys.executable, sys.version.split()[0]),
    ]
    checks += _toolchain_checks(candidates, toolchain)

    linker = find_wasm_linker(toolchain, environ=environ)
    if linker:
        checks.append(Check("wasm linker", True, False, f"{linker.name} ({linker.version or 'version unknown'})", str(linker.path), linker.version))
    else:
        checks.append(Check("wasm linker", False, False, "neither rust-lld nor wasm-ld found", fix=_install_hint(["lld"], "lld")))

    wasm_opt = find_wasm_opt(environ=environ)
    if wasm_opt:
        checks.append(Check("wasm-opt", True, False, f"binaryen {wasm_opt.version or '?'}", str(wasm_opt.path), wasm_opt.version))
    else:
        checks.append(Check("wasm-opt", False, False, "not found (used to shrink modules)", fix=_install_hint(["binaryen"], "binaryen")))

    wasmtime_version = _python_package_version("wasmtime")
    if wasmtime_version:
        checks.append(Check("wasmtime (Python)", True, True, wasmtime_version, version=wasmtime_version))
    else:
        checks.append(
            Check("wasmtime (Python)", False, True, "not installed", fix=f"{sys.executable} -m pip install wasmtime")
        )

    wabt = [tool for name in WABT_TOOLS if (tool := find_tool(name, environ=environ)) is not None]
    if wabt:
        names = " ".join(t.name for t in wabt)
        checks.append(Check("wabt", True, False, names, str(wabt[0].path.parent), wabt[0].version))
    else:
        checks.append(Check("wabt", False, False, "not found (used for cross-checks)", fix=_install_hint(["wabt"], "wabt")))
    return EnvironmentReport(tuple(checks), toolchain, tuple(candidates), tuple(usable))
