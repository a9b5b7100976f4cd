"""Which toolchain builds a crate: the newest that can read it, or the one asked for.

A crate says what it needs in files cargo reads before compiling anything: the edition and
``rust-version`` in ``Cargo.toml`` and the format version of ``Cargo.lock``. An old cargo
cannot parse a newer edition or lock file, so :func:`choose` passes over the toolchains that
cannot read the crate, and a toolchain asked for with ``--toolchain`` that cannot read it is
refused before cargo runs, naming the toolchain that could. :func:`explain_cargo_failure`
turns cargo's own words for the same problems (in a dependency, say) into that hint.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wasmforge.build.toolchain import TARGET, Toolchain, examine, newest_first, not_found_error, resolve
from wasmforge.errors import WasmforgeError

__all__ = [
    "Choice", "CrateNeeds", "ToolchainCannotRead", "choose", "explain_cargo_failure", "read_needs", "release_for_rustc",
]

Version = tuple[int, int, int]

#: the first cargo/rustc release that reads each edition.
EDITIONS: dict[str, Version] = {"2015": (1, 0, 0), "2018": (1, 31, 0), "2021": (1, 56, 0), "2024": (1, 85, 0)}
#: the first cargo release that reads each Cargo.lock format version.
LOCK_VERSIONS: dict[int, Version] = {1: (1, 0, 0), 2: (1, 41, 0), 3: (1, 53, 0), 4: (1, 78, 0)}
#: the first cargo release that knows each dependency resolver.
RESOLVERS: dict[str, Version] = {"1": (1, 0, 0), "2": (1, 51, 0), "3": (1, 84, 0)}


class ToolchainCannotRead(WasmforgeError):
    """The chosen toolchain is too old for the crate's manifest or lock file."""


def _version(text: str) -> Version:
    numbers = [int(n) for n in re.findall(r"\d+", text.split("-")[0])[:3]]
    numbers += [0] * (3 - len(numbers))
    return (numbers[0], numbers[1], numbers[2])


def _show(version: Version) -> str:
    return f"{version[0]}.{version[1]}" + (f".{version[2]}" if version[2] else "")


@dataclass(frozen=True, slots=True)
class Need:
    """One thing the crate needs of cargo or rustc."""

    #: the lowest release that provides it.
    minimum: Version
    #: what needs it, e.g. ``"edition 2024 (Cargo.toml)"``.
    what: str
    #: whether cargo's version decides (else rustc's).
    of_cargo: bool
    #: the file that says so.
    file: Path | None = None


@dataclass(frozen=True, slots=True)
class CrateNeeds:
    """What a crate's manifest and lock file ask of the toolchain."""

    manifest: Path
    edition: str | None = None
    rust_version: str | None = None
    resolver: str | None = None
    lock_file: Path | None = None
    lock_version: int | None = None

    @property
    def needs(self) -> tuple[Need, ...]:
        """Each requirement with the release that meets it."""
        found: list[Need] = []
        if self.edition in EDITIONS:
            found.append(Need(EDITIONS[self.edition], f"edition {self.edition} (Cargo.toml)", True))
        if self.rust_version:
            found.append(Need(_version(self.rust_version), f"rust-version = {self.rust_version!r} (Cargo.toml)", False))
        if self.resolver in RESOLVERS:
            found.append(Need(RESOLVERS[self.resolver], f"resolver = {self.resolver!r} (Cargo.toml)", True))
        if self.lock_version is not None:
            minimum = LOCK_VERSIONS.get(self.lock_version, (99, 0, 0))
            found.append(Need(minimum, f"Cargo.lock version {self.lock_version}", True, self.lock_file))
        return tuple(found)

    def unmet(self, toolchain: Toolchain) -> list[Need]:
        """The needs ``toolchain`` does not meet."""
        rustc, cargo = toolchain.version_tuple, _version(toolchain.cargo_version)
        return [n for n in self.needs if (cargo if n.of_cargo else rustc) < n.minimum]


def _toml(path: Path) -> dict[str, Any] | None:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None  # cargo reports a broken manifest better than we would


def _workspace_root(root: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest folder at or above ``root`` whose Cargo.toml has ``[workspace]``."""
    for folder in (root, *root.parents):
        data = _toml(folder / "Cargo.toml") if (folder / "Cargo.toml").is_file() else None
        if data is not None and "workspace" in data:
            return folder, data
    return None


def _inherited(value: Any, key: str, workspace: dict[str, Any] | None) -> Any:
    """A ``package`` field, following ``key.workspace = true`` to ``[workspace.package]``."""
    if isinstance(value, dict) and value.get("workspace") is True:
        return ((workspace or {}).get("workspace", {}).get("package") or {}).get(key)
    return value


def read_needs(root: Path) -> CrateNeeds:
    """The crate's edition, ``rust-version``, resolver and lock file version (missing ones are None)."""
    manifest = root / "Cargo.toml"
    data = _toml(manifest) or {}
    ws = _workspace_root(root)
    workspace = ws[1] if ws else None
    package = data.get("package") or {}
    edition = _inherited(package.get("edition"), "edition", workspace)
    rust_version = _inherited(package.get("rust-version"), "rust-version", workspace)
    resolver = package.get("resolver") or ((workspace or {}).get("workspace") or {}).get("resolver")
    lock = (ws[0] if ws else root) / "Cargo.lock"
    lock_version: int | None = None
    if lock.is_file():
        match = re.search(r"(?m)^version\s*=\s*(\d+)\s*$", lock.read_text(encoding="utf-8", errors="replace")[:4096])
        # A lock file without a version line is format 1 or 2 (cargo before 1.53); both read everywhere.
        lock_version = int(match.group(1)) if match else None
    return CrateNeeds(
        manifest=manifest,
        edition=str(edition) if edition is not None else None,
        rust_version=str(rust_version) if rust_version is not None else None,
        resolver=str(resolver) if resolver is not None else None,
        lock_file=lock if lock.is_file() else None,
        lock_version=lock_version,
    )


@dataclass(frozen=True, slots=True)
class Choice:
    """The toolchain a build uses and why."""

    toolchain: Toolchain
    #: one line for the user, e.g. ``"rust 1.96.0 (newest of 2 with wasm32-unknown-unknown)"``.
    reason: str
    #: every usable toolchain, newest first.
    toolchains: tuple[Toolchain, ...]
    needs: CrateNeeds


def _select_hint(toolchain: Toolchain, newest: Toolchain | None) -> str:
    short = ".".join(toolchain.version.split(".")[:2])
    if newest is not None and toolchain == newest:
        return f"build with --toolchain {short} ({toolchain.rustc}), or leave --toolchain out to use the newest"
    return f"build with --toolchain {short} ({toolchain.rustc})"


def _cannot_read(toolchain: Toolchain, unmet: Sequence[Need], usable: Sequence[Toolchain], needs: CrateNeeds, how: str) -> ToolchainCannotRead:
    what = "; ".join(f"{n.what} needs {'cargo' if n.of_cargo else 'rustc'} {_show(n.minimum)} or newer" for n in unmet)
    able = next((t for t in usable if not needs.unmet(t)), None)
    message = f"{unmet[0].file or needs.manifest}: {what}, but {how} is {toolchain.label} (cargo {toolchain.cargo_version})"
    if able is not None:
        hint = _select_hint(able, usable[0] if usable else None)
        if all(n.file is not None and n.file == needs.lock_file for n in unmet):
            hint += f", or delete Cargo.lock to let {toolchain.label} write one it reads"
        return ToolchainCannotRead(message, hint=hint)
    return ToolchainCannotRead(
        message,
        hint="install a newer Rust: 'make toolchains' in wasmforge's checkout (Rust 1.96), or rustup "
        f"with 'rustup target add {TARGET}'",
    )


def choose(
    root: Path,
    requested: str | Toolchain | None = None,
    *,
    environ: Mapping[str, str] | None = None,
) -> Choice:
    """The toolchain to build the crate at ``root`` with, and the reason.

    ``requested`` is ``--toolchain`` (a release, a path, or a :class:`Toolchain`); without it,
    ``$WASMFORGE_RUSTC`` when set, else the newest usable toolchain that can read the crate.
    Raises :class:`ToolchainCannotRead` when the chosen (or every) toolchain is too old.
    """
    environ = dict(os.environ if environ is None else environ)
    needs = read_needs(root)
    candidates = examine(environ, cwd=root)
    usable = newest_first(candidates)
    if isinstance(requested, Toolchain) or requested:
        tc = requested if isinstance(requested, Toolchain) else resolve(str(requested), environ, cwd=root)
        how = "the toolchain asked for" if isinstance(requested, Toolchain) else f"--toolchain {requested}"
        unmet = needs.unmet(tc)
        if unmet:
            raise _cannot_read(tc, unmet, usable, needs, how)
        return Choice(tc, f"{tc.label} ({how})", tuple(usable), needs)
    if not usable:
        raise not_found_error(candidates, environ)
    if environ.get("WASMFORGE_RUSTC"):
        tc = usable[0]
        unmet = needs.unmet(tc)
        if unmet:
            raise _cannot_read(tc, unmet, usable, needs, "WASMFORGE_RUSTC")
        return Choice(tc, f"{tc.label} (from WASMFORGE_RUSTC)", tuple(usable), needs)
    for index, tc in enumerate(usable):
        if needs.unmet(tc):
            continue
        if index == 0:
            of = f"newest of {len(usable)}" if len(usable) > 1 else "the only toolchain"
            return Choice(tc, f"{tc.label} ({of} with {TARGET})", tuple(usable), needs)
        skipped = "; ".join(f"{t.label}: {self_unmet}" for t in usable[:index] for self_unmet in [needs.unmet(t)[0].what])
        return Choice(tc, f"{tc.label} (newest that reads the crate; passed over {skipped})", tuple(usable), needs)
    newest = usable[0]
    raise _cannot_read(newest, needs.unmet(newest), usable, needs, "the newest toolchain found")


# ---- cargo's own words for the same problems ---------------------------------------------------------

_EDITION = re.compile(r"feature `edition(\d{4})` is required|older than the `(\d{4})` edition|edition `?(\d{4})`? is unstable")
_LOCK = re.compile(r"lock file version `?(\d+)`? was found")
_MSRV = re.compile(
    r"package `(?P<name>[\w-]+) v(?P<version>[^`]+)` cannot be built because it requires rustc (?P<needs>[\d.]+)"
    r"|(?P<name2>[\w-]+)@(?P<version2>[\d.]+[^ ]*) requires rustc (?P<needs2>[\d.]+)"
)


def explain_cargo_failure(output: str, toolchain: Toolchain, toolchains: Sequence[Toolchain]) -> str | None:
    """A hint for a cargo failure caused by a too-old toolchain (edition, lock file, a dependency's MSRV)."""
    others = [t for t in toolchains if t.version_tuple > toolchain.version_tuple]

    def newer(minimum: Version, of_cargo: bool) -> Toolchain | None:
        return next((t for t in others if (_version(t.cargo_version) if of_cargo else t.version_tuple) >= minimum), None)

    def hint_for(minimum: Version, of_cargo: bool, what: str, pin: str | None = None) -> str:
        able = newer(minimum, of_cargo)
        parts = [f"{what} needs {'cargo' if of_cargo else 'rustc'} {_show(minimum)}, and this is {toolchain.label}"]
        if able is not None:
            parts.append(_select_hint(able, toolchains[0] if toolchains else None))
        else:
            parts.append("install a newer Rust ('make toolchains' gives 1.96)")
        if pin:
            parts.append(pin)
        return "; ".join(parts)

    if match := _EDITION.search(output):
        edition = next(g for g in match.groups() if g)
        return hint_for(EDITIONS.get(edition, (99, 0, 0)), True, f"edition {edition}")
    if match := _LOCK.search(output):
        lock = int(match.group(1))
        return hint_for(LOCK_VERSIONS.get(lock, (99, 0, 0)), True, f"Cargo.lock version {lock}")
    if match := _MSRV.search(output):
        name = match.group("name") or match.group("name2")
        version = match.group("version") or match.group("version2")
        needs = _version(match.group("needs") or match.group("needs2"))
        older = release_for_rustc(name, version, toolchain.version_tuple)
        if older is not None:
            pin = f"or keep this toolchain: cargo update -p {name} --precise {older} (the newest compatible release for rustc {toolchain.version} in cargo's index cache)"
        else:
            pin = f"or keep this toolchain and pin an older release: cargo update -p {name} --precise <a version whose rust-version <= {toolchain.version}>"
        return hint_for(needs, False, f"{name} {version}", pin)
    return None


def _index_cache_files(name: str, environ: Mapping[str, str]) -> list[Path]:
    """Where cargo keeps its sparse-index entry for ``name`` (one folder per registry and cargo release)."""
    home = Path(environ["CARGO_HOME"]) if environ.get("CARGO_HOME") else Path(environ.get("HOME", str(Path.home()))) / ".cargo"
    lower = name.lower()
    if len(lower) <= 2:
        prefix = Path(str(len(lower)))
    elif len(lower) == 3:
        prefix = Path("3") / lower[0]
    else:
        prefix = Path(lower[:2]) / lower[2:4]
    return sorted((home / "registry" / "index").glob(f"*/.cache/{prefix}/{lower}"))


def _compatible(a: Version, b: Version) -> bool:
    """Whether two releases are semver-compatible (same major; same minor below 1.0)."""
    return a[0] == b[0] and (a[0] != 0 or a[1] == b[1])


def release_for_rustc(
    name: str, failing: str, rustc: Version, *, environ: Mapping[str, str] | None = None
) -> str | None:
    """The newest release of ``name`` compatible with ``failing`` that declares it builds on ``rustc``.

    Read from cargo's local cache of the crates.io index (the failed build just fetched it):
    after a 5-byte header and the cache key, it holds ``version NUL json NUL`` pairs. Releases
    without a ``rust_version`` do not count. None when nothing fits or the cache is unreadable.
    """
    import json

    environ = os.environ if environ is None else environ
    target = _version(failing)
    best: tuple[Version, str] | None = None
    for path in _index_cache_files(name, environ):
        try:
            fields = path.read_bytes()[5:].split(b"\0")
        except OSError:
            continue
        for raw in fields[2::2]:
            try:
                entry = json.loads(raw)
            except ValueError:
                continue
            if not isinstance(entry, dict) or entry.get("yanked") or not entry.get("rust_version"):
                continue
            vers = str(entry.get("vers", ""))
            if "-" in vers:
                continue  # pre-releases are never picked by a caret requirement
            release = _version(vers)
            if release < target and _compatible(release, target) and _version(str(entry["rust_version"])) <= rustc:
                if best is None or release > best[0]:
                    best = (release, vers)
    return best[1] if best else None
