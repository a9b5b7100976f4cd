"""``wasmforge build``: crate -> raw module -> descriptors -> glue -> wasm-opt -> strip -> package.

The descriptors are read from the raw module, before anything strips custom sections.
``wasm-opt`` runs on the unstripped module so it can read ``target_features``; the size
ladder reports the raw module, the raw module stripped, and the final (optimized and
stripped) module.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from wasmforge.bindgen import descriptors as _descriptors
from wasmforge.bindgen import python as _python
from wasmforge.build.cargo import PROFILES, CrateError, CrateInfo, compile, inspect_crate
from wasmforge.build.optimize import optimize, wasm_opt_args
from wasmforge.build.toolchain import Toolchain, find, find_wasm_opt
from wasmforge.errors import WasmforgeError

__all__ = ["BuildResult", "NoExportsError", "SizeStep", "build", "output_dir"]


class NoExportsError(WasmforgeError):
    """The crate built but exposes nothing to Python."""


@dataclass(frozen=True, slots=True)
class SizeStep:
    """One rung of the size ladder."""

    #: ``raw``, ``stripped`` or ``optimized``.
    step: str
    size: int
    #: what was done to get here.
    detail: str


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What ``build`` made."""

    crate: CrateInfo
    profile: str
    #: the Python package folder (``<out_dir>/<package>``).
    package_dir: Path
    package: str
    #: the module inside the package.
    wasm: Path
    #: the module exactly as cargo linked it.
    raw_wasm: Path
    sizes: tuple[SizeStep, ...]
    descriptors: _descriptors.Descriptors
    #: remarks for the user (e.g. wasm-opt missing).
    notes: tuple[str, ...] = ()
    toolchain: Toolchain | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {
            "crate": self.crate.name,
            "profile": self.profile,
            "package": self.package,
            "package_dir": str(self.package_dir),
            "wasm": str(self.wasm),
            "raw_wasm": str(self.raw_wasm),
            "sizes": [{"step": s.step, "size": s.size, "detail": s.detail} for s in self.sizes],
            "functions": [f.name for f in self.descriptors.functions] + [r.name for r in self.descriptors.raw_exports],
            "classes": [c.name for c in self.descriptors.classes],
            "imports": [i.name for i in self.descriptors.imports],
            "notes": list(self.notes),
        }


def output_dir(crate: CrateInfo, out_dir: str | os.PathLike[str] | None) -> Path:
    """Where the package folder goes: ``--out-dir``, else ``<crate>/pkg``."""
    return Path(out_dir) if out_dir else crate.root / "pkg"


def _package_for(crate: CrateInfo) -> str:
    name = crate.settings.get("package")
    if name is not None and (not isinstance(name, str) or not name.isidentifier()):
        raise CrateError(
            f"{crate.root / 'Cargo.toml'}: package = {name!r} in [package.metadata.wasmforge] is not a Python identifier",
            hint='write e.g. package = "my_module"',
        )
    return name or _python.package_name(crate.lib_name)


def _check_exports(crate: CrateInfo, desc: _descriptors.Descriptors) -> None:
    if desc.functions or desc.classes or desc.raw_exports:
        return
    manifest = crate.root / "Cargo.toml"
    if not crate.uses_support_crate and not desc.has_runtime:
        raise NoExportsError(
            f"{manifest}: crate {crate.name} exports no functions and does not use the support crate",
            hint="add wasmforge to [dependencies] (see 'wasmforge new') and mark pub fns #[wasmforge::export]",
        )
    raise NoExportsError(
        f"{manifest}: crate {crate.name} exports nothing to Python",
        hint="mark pub fns #[wasmforge::export] (or add #[no_mangle] pub extern \"C\" fns)",
    )


def build(
    path: str | os.PathLike[str] = ".",
    *,
    profile: str = "release",
    out_dir: str | os.PathLike[str] | None = None,
    target_dir: str | os.PathLike[str] | None = None,
    toolchain: Toolchain | None = None,
    stderr: IO[str] | None = None,
    quiet: bool = False,
    env: Mapping[str, str] | None = None,
) -> BuildResult:
    """Build the crate at ``path`` into a Python package folder; see the module docstring."""
    from wasmforge.binary.module import read_module
    from wasmforge.transform import strip, validate

    if profile not in PROFILES:
        raise CrateError(f"unknown profile {profile!r}", hint=f"use one of {', '.join(PROFILES)}")
    tc = toolchain or find()
    crate = inspect_crate(path, tc)
    package = _package_for(crate)
    raw_path = compile(crate, tc, profile=profile, target_dir=target_dir, stderr=stderr, quiet=quiet)
    raw = raw_path.read_bytes()
    module = read_module(raw)
    desc = _descriptors.read(module)
    _check_exports(crate, desc)
    files = _python.render(desc, package, crate=crate.name)  # refuse unbindable signatures before more work

    keep_names = profile == "profiling"
    notes: list[str] = []
    stripped = strip(module, keep_names=keep_names)
    what = "custom sections removed" + (" (name section kept)" if keep_names else "")
    sizes = [SizeStep("raw", len(raw), f"cargo build ({profile})"), SizeStep("stripped", stripped.size_after, what)]
    final = bytes(stripped.module.buffer)

    setting_key = {"release": "wasm-opt", "dev": "wasm-opt-dev", "profiling": "wasm-opt-profiling"}[profile]
    default = {"release": "-Oz", "dev": False, "profiling": crate.settings.get("wasm-opt", "-Oz")}[profile]
    args = wasm_opt_args(crate.settings.get(setting_key), default)
    if args is not None:
        tool = find_wasm_opt()
        if tool is None:
            notes.append("wasm-opt not found: skipped optimization (install binaryen, e.g. apt-get install binaryen)")
        else:
            optimized = optimize(raw, tool.path, args, target_features=module.target_features, keep_names=keep_names)
            result = strip(read_module(optimized), keep_names=keep_names)
            final = bytes(result.module.buffer)
            sizes.append(SizeStep("optimized", len(final), f"wasm-opt {' '.join(args)}, then stripped"))

    # The invariant of every module wasmforge writes: it validates, or nothing is written.
    validate(final, what=f"the built module of {crate.name}")
    target = output_dir(crate, out_dir)
    generated = _python.generate(desc, final, target, package, crate=crate.name, files=files)
    return BuildResult(
        crate=crate,
        profile=profile,
        package_dir=generated.path,
        package=package,
        wasm=generated.path / f"{package}.wasm",
        raw_wasm=raw_path,
        sizes=tuple(sizes),
        descriptors=desc,
        notes=tuple(notes),
        toolchain=tc,
    )
