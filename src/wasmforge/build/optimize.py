"""Running binaryen's ``wasm-opt`` with the features the module was compiled for."""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from wasmforge.errors import WasmforgeError

__all__ = ["OptimizeError", "feature_flags", "optimize", "wasm_opt_args"]

# LLVM feature names (target_features section) whose binaryen flag is spelled differently.
_BINARYEN_NAMES = {"simd128": "simd", "atomics": "threads", "multimemory": "multimemory"}
_KNOWN = {
    "sign-ext", "mutable-globals", "nontrapping-float-to-int", "nontrapping-fptoint", "bulk-memory",
    "simd", "threads", "exception-handling", "tail-call", "reference-types", "multivalue", "gc",
    "memory64", "relaxed-simd", "extended-const", "multimemory", "strings", "typed-function-references",
}


class OptimizeError(WasmforgeError):
    """wasm-opt failed or the metadata asks for something impossible."""


def feature_flags(target_features: Sequence[tuple[str, str]] | None) -> list[str]:
    """wasm-opt flags allowing exactly the features the module declares.

    Without a ``target_features`` section (Rust before 1.70 writes none), the module is
    taken as MVP plus mutable globals, the features of LLVM's generic wasm32 CPU then.
    """
    flags = ["--mvp-features"]
    if not target_features:
        return flags + ["--enable-mutable-globals"]
    for prefix, name in target_features:
        if prefix in ("+", "="):
            name = _BINARYEN_NAMES.get(name, name)
            if name == "nontrapping-fptoint":
                name = "nontrapping-float-to-int"
            if name in _KNOWN:
                flags.append(f"--enable-{name}")
    return sorted(set(flags), key=flags.index)


def wasm_opt_args(setting: Any, default: Any = "-Oz") -> list[str] | None:
    """The optimization arguments from a ``[package.metadata.wasmforge]`` value.

    ``"-Oz"``/``"Oz"``/``"z"``/``"3"`` give one level, a list gives raw arguments, ``false``
    turns wasm-opt off (None).
    """
    if setting is None:
        setting = default
    if setting is False:
        return None
    if isinstance(setting, str):
        level = setting.lstrip("-").removeprefix("O")
        if level not in ("", "0", "1", "2", "3", "4", "s", "z"):
            raise OptimizeError(
                f"wasm-opt level {setting!r} in [package.metadata.wasmforge] is not one of -O0..-O4, -Os, -Oz",
                hint='write e.g. wasm-opt = "-Oz", or wasm-opt = false to skip it',
            )
        return [f"-O{level}"]
    if isinstance(setting, list) and all(isinstance(a, str) for a in setting):
        return list(setting)
    raise OptimizeError(
        f"wasm-opt setting {setting!r} in [package.metadata.wasmforge] is neither a level, a list nor false",
        hint='write e.g. wasm-opt = "-Oz"',
    )


def optimize(
    wasm: bytes,
    wasm_opt: str | os.PathLike[str],
    args: Sequence[str],
    *,
    target_features: Sequence[tuple[str, str]] | None = None,
    keep_names: bool = False,
    env: Mapping[str, str] | None = None,
) -> bytes:
    """Run ``wasm-opt`` on the module's bytes; returns the optimized bytes."""
    with tempfile.TemporaryDirectory(prefix="wasmforge-opt-") as tmp:
        src, dst = Path(tmp) / "in.wasm", Path(tmp) / "out.wasm"
        src.write_bytes(wasm)
        cmd = [str(wasm_opt), str(src), "-o", str(dst), *feature_flags(target_features), *args]
        if keep_names:
            cmd.append("--debuginfo")
        proc = subprocess.run(cmd, capture_output=True, text=True, env=None if env is None else dict(env))
        if proc.returncode != 0:
            first = next((line for line in proc.stderr.splitlines() if line.strip()), "no message")
            raise OptimizeError(f"wasm-opt failed: {first}", hint=f"command: {' '.join(cmd)}")
        return dst.read_bytes()
