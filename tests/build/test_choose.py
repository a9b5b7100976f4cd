"""Choosing the toolchain for a crate: what it needs (edition, rust-version, Cargo.lock) and the hints."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.build.test_toolchain import make_fake
from wasmforge.build.choose import ToolchainCannotRead, choose, explain_cargo_failure, read_needs, release_for_rustc
from wasmforge.build.toolchain import find_all, resolve


def _crate(root: Path, edition: str = "2021", lock: int | None = None, extra: str = "") -> Path:
    (root / "src").mkdir(parents=True)
    (root / "Cargo.toml").write_text(f'[package]\nname = "c"\nversion = "0.1.0"\nedition = "{edition}"\n{extra}')
    (root / "src" / "lib.rs").write_text("")
    if lock is not None:
        (root / "Cargo.lock").write_text(f"# generated\nversion = {lock}\n\n[[package]]\nname = \"c\"\n")
    return root


@pytest.fixture
def fakes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two installed fake toolchains, 1.63.1 and 1.99.0 (Debian's /usr/bin/rustc 1.63.0 may be found too)."""
    installed = tmp_path / "toolchains"
    make_fake(installed / "rust-1.63.1", release="1.63.1")
    make_fake(installed / "rust-1.99.0", release="1.99.0")
    monkeypatch.setenv("WASMFORGE_TOOLCHAINS", str(installed))
    monkeypatch.setenv("WASMFORGE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("WASMFORGE_RUSTC", raising=False)
    return installed


def test_needs_are_read_from_manifest_and_lock(tmp_path: Path) -> None:
    needs = read_needs(_crate(tmp_path / "c", "2024", lock=4, extra='rust-version = "1.80"\n'))
    assert (needs.edition, needs.rust_version, needs.lock_version) == ("2024", "1.80", 4)
    assert [n.minimum for n in needs.needs] == [(1, 85, 0), (1, 80, 0), (1, 78, 0)]


def test_edition_inherited_from_the_workspace(tmp_path: Path) -> None:
    (tmp_path / "Cargo.toml").write_text('[workspace]\nmembers = ["c"]\n[workspace.package]\nedition = "2024"\n')
    (tmp_path / "Cargo.lock").write_text("version = 4\n")
    crate = tmp_path / "c"
    (crate / "src").mkdir(parents=True)
    (crate / "Cargo.toml").write_text('[package]\nname = "c"\nversion = "0.1.0"\nedition.workspace = true\n')
    needs = read_needs(crate)
    assert needs.edition == "2024" and needs.lock_file == tmp_path / "Cargo.lock"


def test_default_is_the_newest(fakes: Path, tmp_path: Path) -> None:
    choice = choose(_crate(tmp_path / "c"))
    assert choice.toolchain.version == "1.99.0"
    assert choice.reason.startswith("rust 1.99.0 (newest of ") and choice.reason.endswith(" with wasm32-unknown-unknown)")


def test_asked_for_toolchain_is_used_with_the_reason(fakes: Path, tmp_path: Path) -> None:
    choice = choose(_crate(tmp_path / "c"), "1.63")
    assert choice.toolchain.version == "1.63.1" and choice.reason == "rust 1.63.1 (--toolchain 1.63)"


def test_too_old_toolchain_is_refused_naming_the_one_that_could(fakes: Path, tmp_path: Path) -> None:
    with pytest.raises(ToolchainCannotRead) as caught:
        choose(_crate(tmp_path / "c", "2024"), "1.63")
    assert "edition 2024 (Cargo.toml) needs cargo 1.85 or newer" in caught.value.message
    assert "--toolchain 1.63 is rust 1.63.1" in caught.value.message
    assert caught.value.hint is not None and caught.value.hint.startswith("build with --toolchain 1.99 (")


def test_newer_lock_file_names_its_file_and_offers_deleting_it(fakes: Path, tmp_path: Path) -> None:
    crate = _crate(tmp_path / "c", lock=4)
    with pytest.raises(ToolchainCannotRead) as caught:
        choose(crate, "1.63")
    assert caught.value.message.startswith(f"{crate / 'Cargo.lock'}: Cargo.lock version 4 needs cargo 1.78")
    assert "delete Cargo.lock" in (caught.value.hint or "")


def test_nothing_new_enough_says_how_to_get_one(fakes: Path, tmp_path: Path) -> None:
    with pytest.raises(ToolchainCannotRead) as caught:
        choose(_crate(tmp_path / "c", extra='rust-version = "1.120"\n'))
    assert "rustc 1.120 or newer" in caught.value.message
    assert "make toolchains" in (caught.value.hint or "")


def test_default_passes_over_toolchains_that_cannot_read_the_crate(fakes: Path, tmp_path: Path) -> None:
    make_fake(fakes / "rust-1.100.0", release="1.100.0")
    crate = _crate(tmp_path / "c", extra='rust-version = "1.99"\n')
    assert choose(crate).toolchain.version == "1.100.0"
    assert [t.version for t in find_all()][:3] == ["1.100.0", "1.99.0", "1.63.1"]


CARGO_165_MSRV = """\
error: package `hashbrown v0.16.1` cannot be built because it requires rustc 1.65.0 or newer, while the currently active rustc version is 1.63.0
Either upgrade to rustc 1.65.0 or newer, or use
cargo update -p hashbrown@0.16.1 --precise ver
"""
CARGO_196_MSRV = "error: rustc 1.80.0 is not supported by the following package:\n  syn@2.0.117 requires rustc 1.85\n"
CARGO_165_EDITION = """\
error: failed to parse manifest at `/c/Cargo.toml`

Caused by:
  feature `edition2024` is required
"""
CARGO_165_LOCK = "error: failed to parse lock file at: /c/Cargo.lock\n\nCaused by:\n  lock file version 4 requires `-Znext-lockfile-bump`\n"


def test_cargo_failures_of_an_old_toolchain_get_a_hint(fakes: Path) -> None:
    everything = find_all()
    new, old = everything[0], resolve("1.63")
    msrv = explain_cargo_failure(CARGO_165_MSRV, old, everything)
    assert msrv is not None and msrv.startswith("hashbrown 0.16.1 needs rustc 1.65, and this is rust 1.63.1")
    assert "--toolchain 1.99" in msrv and "cargo update -p hashbrown --precise" in msrv
    assert "syn 2.0.117 needs rustc 1.85" in (explain_cargo_failure(CARGO_196_MSRV, old, everything) or "")
    assert "edition 2024 needs cargo 1.85" in (explain_cargo_failure(CARGO_165_EDITION, old, everything) or "")
    assert explain_cargo_failure("error[E0308]: mismatched types", old, everything) is None
    assert explain_cargo_failure(CARGO_165_MSRV, new, everything) is not None  # none newer: says how to get one
    assert "make toolchains" in (explain_cargo_failure(CARGO_165_MSRV, new, everything) or "")


def test_lock_file_message_of_cargo(fakes: Path) -> None:
    old = resolve("1.63")
    text = "error: failed to parse lock file\n  lock file version `4` was found, but this version of Cargo does not understand this lock file\n"
    assert "Cargo.lock version 4 needs cargo 1.78" in (explain_cargo_failure(text, old, find_all()) or "")
    assert os.environ["WASMFORGE_TOOLCHAINS"] == str(fakes)


def _index_entry(name: str, vers: str, rust_version: str | None, yanked: bool = False) -> bytes:
    entry = {"name": name, "vers": vers, "deps": [], "cksum": "0", "features": {}, "yanked": yanked}
    if rust_version:
        entry["rust_version"] = rust_version
    return vers.encode() + b"\0" + json.dumps(entry).encode() + b"\0"


def test_release_for_rustc_reads_cargos_index_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cargo" / "registry" / "index" / "index.crates.io-0123" / ".cache" / "lo" / "ck"
    cache.mkdir(parents=True)
    body = b"".join(
        _index_entry("lock_api", v, rv, y)
        for v, rv, y in [
            ("0.3.4", "1.31", False), ("0.4.10", "1.49", False), ("0.4.11", "1.49", True),
            ("0.4.12", "1.56", False), ("0.4.13", "1.64", False), ("0.4.14", "1.71", False), ("0.4.9", None, False),
        ]
    )
    (cache / "lock_api").write_bytes(b"\x03\x02\x00\x00\x00" + b"etag\0" + body)
    environ = {"CARGO_HOME": str(tmp_path / "cargo")}
    assert release_for_rustc("lock_api", "0.4.14", (1, 63, 0), environ=environ) == "0.4.12"
    assert release_for_rustc("lock_api", "0.4.14", (1, 50, 0), environ=environ) == "0.4.10"  # 0.4.11 is yanked
    assert release_for_rustc("lock_api", "0.4.14", (1, 40, 0), environ=environ) is None  # 0.3 is not compatible
    assert release_for_rustc("nothing", "1.0.0", (1, 63, 0), environ=environ) is None
