"""Writing a ``py3-none-any`` wheel of a generated package with ``zipfile``.

The wheel holds the package folder as generated (glue, stub, ``py.typed``, its private copy
of the runtime, the module) and the ``.dist-info`` files: ``METADATA``, ``WHEEL`` and
``RECORD`` with sha256 digests. It needs only ``wasmtime`` (numpy is an optional extra): no
wasmforge, no Rust.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import zipfile
from pathlib import Path

from wasmforge import __version__ as _wasmforge_version
from wasmforge._files import atomic_output
from wasmforge.errors import WasmforgeError

__all__ = ["WheelError", "wheel_name", "write_wheel"]

# A fixed timestamp keeps wheels of the same inputs byte-identical.
_EPOCH = (2020, 1, 1, 0, 0, 0)


class WheelError(WasmforgeError):
    """The package folder or the version cannot make a wheel."""


def _dist_name(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name)


def wheel_name(name: str, version: str) -> str:
    """``{name}-{version}-py3-none-any.whl`` with the name normalised as wheels require."""
    return f"{_dist_name(name)}-{version}-py3-none-any.whl"


#: what a generated package needs at run time, when wasmforge's own metadata cannot say.
_FALLBACK_REQUIREMENTS = {"wasmtime": "wasmtime>=50,<51", "numpy": "numpy>=1.26"}


def runtime_requirement(dist: str) -> str:
    """The requirement on ``dist`` a generated package states: the range wasmforge itself is tested with."""
    from importlib.metadata import PackageNotFoundError, requires

    try:
        declared = requires("wasmforge") or []
    except PackageNotFoundError:
        declared = []
    for line in declared:
        spec = line.split(";")[0].strip()
        if re.match(rf"{re.escape(dist)}\b", spec, re.IGNORECASE):
            return spec.replace(" ", "")
    return _FALLBACK_REQUIREMENTS[dist]


def _record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def write_wheel(
    package_dir: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    name: str,
    version: str,
    summary: str = "",
    requires_python: str = ">=3.11",
) -> Path:
    """Write the wheel of the package folder ``package_dir`` into ``out_dir``; returns its path.

    The distribution is called ``name``; it requires only ``wasmtime`` at run time.
    """
    pkg = Path(package_dir)
    if not (pkg / "__init__.py").is_file():
        raise WheelError(f"{pkg}: not a generated package (no __init__.py)", hint="run 'wasmforge build' first")
    if not re.fullmatch(r"\d+(\.\d+)*([a-z]+\d*)?(\.post\d+)?(\.dev\d+)?", version):
        raise WheelError(f"version {version!r} is not a PEP 440 version", hint="use e.g. 0.1.0 in Cargo.toml")
    dist = _dist_name(name)
    info = f"{dist}-{version}.dist-info"
    files: list[tuple[str, bytes]] = []
    for path in sorted(pkg.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and not path.name.endswith((".pyc", ".tmp")):
            files.append((f"{pkg.name}/{path.relative_to(pkg).as_posix()}", path.read_bytes()))
    metadata = "\n".join(
        [
            "Metadata-Version: 2.1",
            f"Name: {name}",
            f"Version: {version}",
            f"Summary: {summary or f'Python bindings of the Rust crate {name} (WebAssembly)'}",
            f"Requires-Python: {requires_python}",
            f"Requires-Dist: {runtime_requirement('wasmtime')}",
            "Provides-Extra: numpy",
            f"Requires-Dist: {runtime_requirement('numpy')}; extra == \"numpy\"",
            "",
            "",
        ]
    )
    wheel = "\n".join(
        ["Wheel-Version: 1.0", f"Generator: wasmforge {_wasmforge_version}", "Root-Is-Purelib: true", "Tag: py3-none-any", "", ""]
    )
    files.append((f"{info}/METADATA", metadata.encode()))
    files.append((f"{info}/WHEEL", wheel.encode()))
    record = "\n".join([_record_line(p, d) for p, d in files] + [f"{info}/RECORD,,", ""])
    files.append((f"{info}/RECORD", record.encode()))

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    target = out / wheel_name(name, version)
    with atomic_output(target, binary=True) as f, zipfile.ZipFile(f, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for arcname, data in files:
            entry = zipfile.ZipInfo(arcname, date_time=_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            zf.writestr(entry, data)
    return target
