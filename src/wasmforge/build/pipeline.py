"""``wasmforge build``: crate -> raw module -> descriptors -> glue -> strip -> wasm-opt -> package.

The toolchain is the newest that can read the crate (:mod:`wasmforge.build.choose`) unless
one is asked for. The descriptors are read from the raw module, before anything strips
custom sections. Then the toolchain's sections go (DWARF, ``producers``,
``target_features``, the descriptor section, and ``name`` unless profiling) and the crate's
own custom sections stay (``[package.metadata.wasmforge] keep-sections`` / ``drop-sections``
adjust that). ``wasm-opt`` runs on the stripped module, which gives a smaller result with less
time and memory than optimizing the DWARF-laden one, with the features named by the raw
module's ``target_features``; if it fails or writes an invalid module, the stripped module is
used and a note says why. The size ladder reports the raw, stripped and optimized modules
and lists the custom sections kept.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from wasmforge import _progress
from wasmforge.bindgen import descriptors as _descriptors
from wasmforge.bindgen import python as _python
from wasmforge.build.cargo import PROFILES, CrateError, CrateInfo, compile, crate_root, inspect_crate
from wasmforge.build.choose import choose
from wasmforge.build.exports import unused_exports, without_exports
from wasmforge.build.optimize import OptimizeError, optimize, wasm_opt_args
from wasmforge.build.toolchain import TARGET, WASI_SPELLINGS, Toolchain, ToolchainNotFound, find_wasm_opt
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
    #: why that toolchain, e.g. ``"rust 1.96.0 (newest of 2 with wasm32-unknown-unknown)"``.
    toolchain_reason: str = ""
    #: the custom sections left in the final module: (name, bytes the section takes).
    kept_sections: tuple[tuple[str, int], ...] = ()
    #: whether the build set ``RUSTC_BOOTSTRAP=1``.
    bootstrap: bool = False
    #: the target triple cargo built for.
    target: str = TARGET
    #: ``command`` (a WASI program: ``wasm`` alone, no Python package), ``reactor`` or ``library``.
    kind: str = "library"
    #: for a ``#[wasm_bindgen]`` crate, what was bound (e.g. ``"3 function(s), 1 struct(s)"``), else empty.
    wasm_bindgen: str = ""

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
            "toolchain": None
            if self.toolchain is None
            else {"version": self.toolchain.version, "rustc": str(self.toolchain.rustc), "reason": self.toolchain_reason},
            "kept_sections": [{"name": n, "size": size} for n, size in self.kept_sections],
            "rustc_bootstrap": self.bootstrap,
            "target": self.target,
            "kind": self.kind,
            "wasm_bindgen": self.wasm_bindgen or None,
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


#: custom sections the toolchain and wasmforge write: gone from the package unless kept by name.
TOOL_SECTIONS = frozenset({"name", "producers", "target_features", "linking", _descriptors.SECTION_NAME})


def _is_tool_section(name: str) -> bool:
    return name in TOOL_SECTIONS or name.startswith((".debug_", "reloc.")) or name in ("external_debug_info", "sourceMappingURL")


def _section_list(crate: CrateInfo, key: str) -> frozenset[str]:
    value = crate.settings.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CrateError(
            f"{crate.root / 'Cargo.toml'}: {key} = {value!r} in [package.metadata.wasmforge] is not a list of section names",
            hint=f'write e.g. {key} = ["my-section"]',
        )
    return frozenset(value)


def sections_to_keep(module: Any, crate: CrateInfo, *, keep_names: bool) -> frozenset[str]:
    """The custom sections the package keeps: the crate's own, plus ``keep-sections``, minus ``drop-sections``."""
    keep, drop = _section_list(crate, "keep-sections"), _section_list(crate, "drop-sections")
    names = {s.name for s in module.sections if s.is_custom}
    own = {n for n in names if not _is_tool_section(n)}
    return frozenset(((own | keep) - drop) | ({"name"} if keep_names else set()))


def _lto_enabled(crate: CrateInfo, env: Mapping[str, str]) -> bool:
    """Whether the release profile links with LTO (environment override, else the workspace's Cargo.toml)."""
    import tomllib

    value: Any = env.get("CARGO_PROFILE_RELEASE_LTO")
    if value is None:
        for folder in (crate.root, *crate.root.parents):
            manifest = folder / "Cargo.toml"
            if not manifest.is_file():
                continue
            try:
                data = tomllib.loads(manifest.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                break
            profile = (data.get("profile") or {}).get("release") or {}
            if "lto" in profile or "workspace" in data:
                value = profile.get("lto")
                break
    if isinstance(value, str):
        return value.strip().lower() not in ("false", "off", "no", "")
    return bool(value)


@dataclass(frozen=True, slots=True)
class _Shrunk:
    stripped: int
    final: bytes
    optimized: bool
    notes: tuple[str, ...]
    #: whether ``final`` was validated before (a cached result, checked by its digest).
    validated: bool = False


def _shrink_cached(
    raw_module: Any, crate: CrateInfo, profile: str, keep: frozenset[str], cache: Path
) -> tuple[_Shrunk, list[str] | None]:
    """:func:`_shrink`, reusing the last result when the module, settings and wasm-opt are unchanged.

    An unchanged crate's rebuild then costs little more than cargo's own no-op: wasm-opt is
    most of the pipeline's time. The result sits beside cargo's output (``cache`` + ``.json``/``.wasm``).
    """
    import hashlib
    import json

    from wasmforge import __version__
    from wasmforge._files import write_atomic

    tool = find_wasm_opt()
    stamp = None
    if tool is not None:
        st = tool.path.stat()
        stamp = [str(tool.path), st.st_mtime_ns, st.st_size]
    settings = {k: crate.settings.get(k) for k in ("wasm-opt", "wasm-opt-dev", "wasm-opt-profiling")}
    key = hashlib.sha256(bytes(raw_module.buffer)).hexdigest() + json.dumps(
        [__version__, profile, sorted(keep), stamp, settings], sort_keys=True, default=str
    )
    meta_path, wasm_path = cache.with_suffix(".json"), cache.with_suffix(".wasm")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("key") == key:
            final = wasm_path.read_bytes()
            if hashlib.sha256(final).hexdigest() == meta["final_sha256"]:
                shrunk = _Shrunk(int(meta["stripped"]), final, bool(meta["optimized"]), tuple(meta["notes"]), True)
                return shrunk, meta["args"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    shrunk, args = _shrink(raw_module, crate, profile, keep)
    from wasmforge.transform import validate

    try:
        validate(shrunk.final, what=f"the built module of {crate.name}")
    except WasmforgeError:
        return shrunk, args  # build() reports it; only valid results are cached
    shrunk = dataclasses.replace(shrunk, validated=True)
    try:
        write_atomic(wasm_path, shrunk.final)
        record = {
            "key": key, "final_sha256": hashlib.sha256(shrunk.final).hexdigest(), "stripped": shrunk.stripped,
            "optimized": shrunk.optimized, "notes": list(shrunk.notes), "args": args,
        }
        write_atomic(meta_path, json.dumps(record))
    except (OSError, WasmforgeError):
        pass  # no cache this time; the build itself is fine
    return shrunk, args


def _shrink(raw_module: Any, crate: CrateInfo, profile: str, keep: frozenset[str]) -> tuple[_Shrunk, list[str] | None]:
    """Strip, then run wasm-opt with the raw module's features; falls back to the stripped module."""
    from wasmforge.binary.module import read_module
    from wasmforge.transform import strip, validate

    keep_names = profile == "profiling"
    stripped = strip(raw_module, keep=keep)
    final = bytes(stripped.module.buffer)
    setting_key = {"release": "wasm-opt", "dev": "wasm-opt-dev", "profiling": "wasm-opt-profiling"}[profile]
    default = {"release": "-Oz", "dev": False, "profiling": crate.settings.get("wasm-opt", "-Oz")}[profile]
    args = wasm_opt_args(crate.settings.get(setting_key), default)
    if args is None:
        return _Shrunk(stripped.size_after, final, False, ()), None
    tool = find_wasm_opt()
    if tool is None:
        note = "wasm-opt not found: skipped optimization (install binaryen, e.g. apt-get install binaryen)"
        return _Shrunk(stripped.size_after, final, False, (note,)), None
    version = f"binaryen {tool.version}" if tool.version else "wasm-opt"
    _progress.step(f"wasm-opt {' '.join(args)}")
    try:
        optimized = optimize(final, tool.path, args, target_features=raw_module.target_features, keep_names=keep_names)
        result = bytes(strip(read_module(optimized), keep=keep).module.buffer)
        validate(result, what=f"wasm-opt's output ({version})")
    except (OptimizeError, WasmforgeError) as err:
        note = (
            f"{version} could not optimize this module ({err.message}); the package holds the stripped, "
            "unoptimized module. A newer binaryen (one that knows the features in target_features) fixes this"
        )
        return _Shrunk(stripped.size_after, final, False, (note,)), None
    return _Shrunk(stripped.size_after, result, True, ()), args


def build(
    path: str | os.PathLike[str] = ".",
    *,
    profile: str = "release",
    out_dir: str | os.PathLike[str] | None = None,
    target_dir: str | os.PathLike[str] | None = None,
    toolchain: Toolchain | str | None = None,
    stderr: IO[str] | None = None,
    quiet: bool = False,
    env: Mapping[str, str] | None = None,
    explain_size: bool = False,
    target: str = TARGET,
) -> BuildResult:
    """Build the crate at ``path`` into a Python package folder; see the module docstring.

    ``target``: ``wasm32-unknown-unknown``, or WASI (``wasm32-wasi``, ``wasm32-wasip1`` or
    ``wasi``: the toolchain's name for it). A WASI command (a bin crate) becomes
    ``<out_dir>/<bin>.wasm`` alone, run with ``wasmforge run``; a WASI library gets its glue.

    ``toolchain``: a :class:`Toolchain`, or ``--toolchain``'s text (a release such as ``"1.63"``
    or a path); by default the newest toolchain that can read the crate. ``env`` adds variables
    to cargo's environment. ``explain_size`` builds a release profile without LTO a second
    time with ``lto = true`` and reports what it would save.
    """
    from wasmforge.binary.module import read_module

    if profile not in PROFILES:
        raise CrateError(f"unknown profile {profile!r}", hint=f"use one of {', '.join(PROFILES)}")
    root = crate_root(path)
    choice = choose(root, toolchain)
    tc, triple, reason_text = _toolchain_for_target(choice, target, explicit=toolchain is not None)
    crate = inspect_crate(root, tc, stderr=stderr, toolchains=choice.toolchains)
    package = _package_for(crate)
    notes: list[str] = []
    reason = crate.bootstrap_reason
    cargo_env = dict(env or {})
    bootstrap = reason is not None and not tc.allows_unstable and "RUSTC_BOOTSTRAP" not in {**os.environ, **cargo_env}
    if bootstrap:
        notes.append(f"set RUSTC_BOOTSTRAP=1 for cargo ({reason}): nightly features on {tc.label}")
    _progress.step(f"cargo build ({profile}) of {crate.name}")
    raw_path = compile(
        crate, tc, profile=profile, target_dir=target_dir, stderr=stderr, quiet=quiet,
        bootstrap=bootstrap, env=cargo_env, toolchains=choice.toolchains, target=triple,
    )
    _progress.step("reading descriptors, rendering glue")
    raw = raw_path.read_bytes()
    module = read_module(raw)
    from wasmforge.binary.wasi import kind_of

    kind = kind_of(module).kind
    files: Any = None
    bound = ""
    wbg = _wasm_bindgen(raw, module, crate, package, notes)
    if wbg is not None:  # a #[wasm_bindgen] crate: its own ABI, glue and shipped module
        files, module, bound = wbg
        desc = _descriptors.Descriptors(version=_descriptors.FORMAT_VERSION)
    else:
        desc = _descriptors.read(module)
    if wbg is None and kind != "command":
        _check_exports(crate, desc)
        files = _python.render(desc, package, crate=crate.name)  # refuse unbindable signatures before more work

    keep_names = profile == "profiling"
    keep = sections_to_keep(module, crate, keep_names=keep_names)
    unused = unused_exports(module)
    cache = raw_path.parent / f".wasmforge-{crate.artifact}"
    shrunk, args = _shrink_cached(without_exports(module, unused), crate, profile, keep, cache)
    notes += shrunk.notes
    what = "toolchain's custom sections removed" + (" (name section kept)" if keep_names else "")
    if unused:
        what += f"; unused exports {', '.join(unused)} dropped"
    built = f"{profile}, {tc.label}" + (f", {triple}" if triple != TARGET else "")
    sizes = [SizeStep("raw", len(raw), f"cargo build ({built})"), SizeStep("stripped", shrunk.stripped, what)]
    if args is not None:
        sizes.append(SizeStep("optimized", len(shrunk.final), f"wasm-opt {' '.join(args)} of the stripped module"))
    final_module = read_module(shrunk.final)
    kept = tuple((s.name, s.end - s.offset) for s in final_module.sections if s.is_custom)

    if profile == "release" and not _lto_enabled(crate, {**os.environ, **cargo_env}):
        notes.append(_lto_note(crate, tc, shrunk, target_dir, cargo_env, keep, explain_size, stderr, triple))

    _progress.step("validating, writing the package")
    # The invariant of every module wasmforge writes: it validates, or nothing is written
    # (a cached result was validated when it was made, and its digest is checked).
    if not shrunk.validated:
        from wasmforge.transform import validate

        validate(shrunk.final, what=f"the built module of {crate.name}")
    destination = output_dir(crate, out_dir)
    if kind == "command":
        from wasmforge._files import write_atomic

        # A program, not a library: there is nothing to bind, the module is the product.
        package, package_dir = crate.artifact, destination
        destination.mkdir(parents=True, exist_ok=True)
        wasm = destination / f"{crate.artifact}.wasm"
        write_atomic(wasm, shrunk.final)
    else:
        package_dir = _python.generate(desc, shrunk.final, destination, package, crate=crate.name, files=files).path
        wasm = package_dir / f"{package}.wasm"
    return BuildResult(
        crate=crate,
        profile=profile,
        package_dir=package_dir,
        package=package,
        wasm=wasm,
        raw_wasm=raw_path,
        sizes=tuple(sizes),
        descriptors=desc,
        notes=tuple(notes),
        toolchain=tc,
        toolchain_reason=reason_text,
        kept_sections=kept,
        bootstrap=bootstrap,
        target=triple,
        kind=kind,
        wasm_bindgen=bound,
    )


def _wasm_bindgen(
    raw: bytes, module: Any, crate: CrateInfo, package: str, notes: list[str]
) -> tuple[dict[str, str], Any, str] | None:
    """The glue and the module to ship of a wasm-bindgen crate, or None for any other crate."""
    from wasmforge.binary.module import read_module
    from wasmforge.bindgen.wasm_bindgen import describe, generate

    customs = [s.name for s in module.sections if s.is_custom]
    if not describe.is_wasm_bindgen(customs, [(i.module, i.name) for i in module.imports]):
        return None
    binding = generate.bind(raw, what=f"crate {crate.name}")
    bound = (
        f"{len(binding.functions)} function(s), {len(binding.classes)} struct(s), {len(binding.enums)} enum(s), "
        f"{len(binding.imports)} import(s)"
    )
    notes.append(
        f"wasm-bindgen crate (wasm-bindgen {binding.program.version}, schema {binding.program.schema}): "
        f"bound {bound} for its ABI"
    )
    return generate.render(binding, package, crate=crate.name), read_module(generate.shipped_module(raw, binding)), bound


def _toolchain_for_target(choice: Any, target: str, *, explicit: bool) -> tuple[Toolchain, str, str]:
    """(toolchain, triple, reason): the chosen toolchain if it has ``target``'s std, else the newest that has it."""
    if target != TARGET and target not in WASI_SPELLINGS:
        known = ", ".join([TARGET, *sorted(WASI_SPELLINGS)])
        raise CrateError(f"--target {target}: not a target wasmforge builds", hint=f"use one of {known}")
    tc: Toolchain = choice.toolchain
    triple = tc.triple_for(target)
    if triple is not None:
        return tc, triple, choice.reason.replace(f"with {TARGET}", f"with {triple}")
    having = [t for t in choice.toolchains if t.triple_for(target) is not None]
    usable = [t for t in having if not choice.needs.unmet(t)]
    if usable and not explicit:
        other = usable[0]
        triple = other.triple_for(target)
        assert triple is not None
        return other, triple, f"{other.label} (newest with the {triple} standard library; {tc.label} lacks it)"
    if having:
        names = ", ".join(t.label for t in having)
        hint = f"build with --toolchain {'.'.join(having[0].version.split('.')[:2])} (toolchains with it: {names})"
    else:
        hint = (
            "install Debian's libstd-rust-dev-wasm32 (Rust 1.63's wasm32-wasi), or rustup and "
            "'rustup target add wasm32-wasip1'"
        )
    raise ToolchainNotFound(f"{tc.label} has no standard library for {target} ({tc.sysroot}/lib/rustlib)", hint=hint)


def _lto_note(
    crate: CrateInfo,
    tc: Toolchain,
    shrunk: _Shrunk,
    target_dir: str | os.PathLike[str] | None,
    cargo_env: Mapping[str, str],
    keep: frozenset[str],
    explain_size: bool,
    stderr: IO[str] | None,
    triple: str = TARGET,
) -> str:
    """The note for a release profile without LTO; with ``explain_size``, measured by an LTO build."""
    from wasmforge.binary.module import read_module

    if not explain_size:
        return (
            "[profile.release] has no lto = true: link-time optimization often makes a module several times "
            "smaller (measure it: wasmforge build --explain-size)"
        )
    # A separate target folder, so the LTO build does not invalidate the ordinary one.
    out = Path(target_dir) if target_dir else crate.target_dir
    lto_env = {**cargo_env, "CARGO_PROFILE_RELEASE_LTO": "true"}
    raw = compile(
        crate, tc, profile="release", target_dir=out / "wasmforge-lto", stderr=stderr, quiet=True, env=lto_env, target=triple
    )
    lto_module = read_module(raw.read_bytes())
    with_lto, _ = _shrink(without_exports(lto_module, unused_exports(lto_module)), crate, "release", keep)
    before, after = len(shrunk.final), len(with_lto.final)
    saved = before - after
    share = f"{100 * saved / before:.0f}%" if before else "0%"
    return (
        f"[profile.release] has no lto = true: with it this module is {after:,} bytes instead of {before:,} "
        f"({'saves' if saved >= 0 else 'costs'} {abs(saved):,} bytes, {share}); add lto = true under [profile.release]"
    )
