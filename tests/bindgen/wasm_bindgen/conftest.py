"""Fixtures of the wasm-bindgen tests: the test crates built once per session with a modern toolchain."""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from pathlib import Path

import pytest

CRATES = Path(__file__).resolve().parents[1] / "crates"
#: today's wasm-bindgen dependency tree needs this rustc (unicode-ident's MSRV).
WASM_BINDGEN_RUST = (1, 71, 0)


@pytest.fixture(scope="session")
def modern_toolchain():
    """The newest toolchain that can build wasm-bindgen from crates.io, or a clean skip."""
    from tests.conftest import wasm_toolchains

    found = [tc for tc in wasm_toolchains() if tc.version_tuple >= WASM_BINDGEN_RUST]
    if not found:
        pytest.skip("wasm-bindgen from crates.io needs rust >= 1.71 with the wasm32 target; run 'make toolchains'")
    return found[0]


@pytest.fixture(scope="session")
def wbg_target(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One CARGO_TARGET_DIR for these crates, so wasm-bindgen and its macros compile once."""
    return tmp_path_factory.mktemp("wbg-target")


def build(toolchain, name: str, out: Path, target: Path):
    """``wasmforge build`` of ``crates/<name>`` (cargo may reach crates.io)."""
    from tests.conftest import build_package, cargo_env

    return build_package(toolchain, CRATES / name, out, target, env=cargo_env(toolchain, online=True))


#: the newest wasm-bindgen release of each older schema version the glue supports (the crate's own
#: Cargo.lock pins the newest, 0.2.130): crates/wbg_basic is built against each and every glue
#: test runs on each. Their rust-versions (1.77 to 1.81) are below the modern toolchain's.
OLDER_RELEASES = ("0.2.129", "0.2.127", "0.2.121", "0.2.120", "0.2.118", "0.2.117", "0.2.114")


def _import_as(name: str, package_dir: Path):
    spec = importlib.util.spec_from_file_location(name, package_dir / "__init__.py", submodule_search_locations=[str(package_dir)])
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def wbg_builds(modern_toolchain, wbg_target, tmp_path_factory):
    """Build crates/wbg_basic against one wasm-bindgen release (None: as locked), once per session."""
    import shutil

    made: dict[str | None, tuple] = {}

    def get(release: str | None):
        if release not in made:
            out = tmp_path_factory.mktemp("wbg-packages")
            crate = CRATES / "wbg_basic"
            if release is not None:
                crate = tmp_path_factory.mktemp(f"wbg-{release}") / "wbg_basic"
                shutil.copytree(CRATES / "wbg_basic", crate, ignore=shutil.ignore_patterns("target", "Cargo.lock"))
                toml = crate / "Cargo.toml"
                toml.write_text(toml.read_text(encoding="utf-8").replace('wasm-bindgen = "0.2"', f'wasm-bindgen = "={release}"'), encoding="utf-8")
            from tests.conftest import build_package, cargo_env

            result = build_package(modern_toolchain, crate, out, wbg_target, env=cargo_env(modern_toolchain, online=True))
            name = "wbg_basic" if release is None else f"wbg_basic_{release.replace('.', '_')}"
            made[release] = (result, _import_as(name, result.package_dir))
        return made[release]

    yield get
    for key in [k for k in sys.modules if k == "wbg_basic" or k.startswith(("wbg_basic.", "wbg_basic_"))]:
        sys.modules.pop(key, None)


def _releases() -> list[str | None]:
    # The run of the suites on the host layer's fallback path (tests/host/test_fallback.py) checks
    # the call path, which the older schemas do not change: it builds only the locked crate.
    return [None] if os.environ.get("WASMFORGE_HOST_FASTPATH") == "0" else [None, *OLDER_RELEASES]


@pytest.fixture(scope="session", params=_releases(), ids=lambda r: f"wasm-bindgen-{r or 'locked'}")
def wbg_basic(request, wbg_builds):
    """(BuildResult, imported package) of crates/wbg_basic, once as locked and once per older release."""
    return wbg_builds(request.param)


@pytest.fixture(scope="session")
def wbg_locked(wbg_builds):
    """(BuildResult, imported package) of crates/wbg_basic with its locked wasm-bindgen."""
    return wbg_builds(None)
