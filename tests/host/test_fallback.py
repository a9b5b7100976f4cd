"""The public-API fallback of the host layer: forced by WASMFORGE_HOST_FASTPATH=0, checked at start-up."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-W", "always", "-c", code],
        capture_output=True, text=True, env={**os.environ, **env}, cwd=ROOT, timeout=120,
    )


def test_the_fast_path_is_on_for_the_tested_wasmtime():
    from wasmforge.host import _raw

    assert _raw.FAST, _raw.FALLBACK_REASON


def test_the_environment_variable_forces_the_fallback_without_a_warning():
    proc = _python(
        "from wasmforge.host import _raw, load\n"
        "print(_raw.FAST, _raw.FALLBACK_REASON)\n"
        "add = load(b'(module (func (export \"add\") (param i32 i32) (result i32)"
        " local.get 0 local.get 1 i32.add))').exports.add\n"
        "print(add(40, 2), add(-1, 0))\n",
        WASMFORGE_HOST_FASTPATH="0",
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["False WASMFORGE_HOST_FASTPATH=0", "42 -1"]
    assert "Warning" not in proc.stderr


def test_an_untested_wasmtime_falls_back_with_one_warning(monkeypatch: pytest.MonkeyPatch):
    from wasmforge.host import _raw

    monkeypatch.setattr(_raw, "_installed_version", lambda: "999.0.0")
    monkeypatch.delenv(_raw.FASTPATH_ENV, raising=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fast, reason = _raw._decide()
    assert not fast
    assert "999.0.0 is not a tested version" in reason
    assert [str(w.message) for w in caught if w.category is RuntimeWarning] == [
        f"wasmforge.host: {reason}; using wasmtime's public API instead of the fast call path (slower, correct)"
    ]


def test_a_missing_internal_falls_back(monkeypatch: pytest.MonkeyPatch):
    import wasmtime

    from wasmforge.host import _raw

    monkeypatch.delattr(wasmtime.Func, "_from_raw")
    assert _raw._missing_internals() == "wasmtime.Func._from_raw is missing"


def test_host_and_bindings_suites_pass_on_the_fallback_path():
    # The whole host and bindings suites again, on wasmtime's public API only. Left out: the
    # test that the fast path is on, this test, and the glue countdown's floor of 100 exact
    # depths (the public API spends more Python frames per level; it is exact-or-raises there
    # too, and tests/host/test_reentry.py checks that on this path).
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "tests/host", "tests/bindgen",
         "--deselect", "tests/host/test_fallback.py::test_the_fast_path_is_on_for_the_tested_wasmtime",
         "--deselect", "tests/host/test_fallback.py::test_host_and_bindings_suites_pass_on_the_fallback_path",
         "--deselect",
         "tests/bindgen/test_glue_safety.py::test_every_depth_of_a_python_rust_countdown_is_exact_or_raises"],
        capture_output=True, text=True, cwd=ROOT, timeout=1800,
        env={**os.environ, "WASMFORGE_HOST_FASTPATH": "0"},
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout
