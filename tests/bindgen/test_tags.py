"""The descriptor format's numbers come from one table (``bindgen/tags.py``): the reader uses it,
and the support crate's ``src/tags.rs`` is generated from it (``scripts/gen_tags.py``)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from wasmforge.bindgen import descriptors, support_crate, tags

REPO = Path(__file__).resolve().parents[2]


def test_checked_in_rust_file_is_what_the_script_writes() -> None:
    assert (support_crate() / "src" / "tags.rs").read_text(encoding="utf-8") == tags.render_rust()
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "gen_tags.py"), "--check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_script_check_reports_a_stale_file(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_tags", REPO / "scripts" / "gen_tags.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    crate = tmp_path / "crate"
    (crate / "src").mkdir(parents=True)
    (crate / "src" / "tags.rs").write_text(tags.render_rust().replace("0x27", "0x29"))
    script.support_crate = lambda: crate  # type: ignore[attr-defined]
    sys.argv = ["gen_tags.py", "--check"]
    assert script.main() == 1
    sys.argv = ["gen_tags.py"]
    assert script.main() == 0
    assert (crate / "src" / "tags.rs").read_text() == tags.render_rust()


def test_reader_uses_the_table() -> None:
    assert descriptors.Kind is tags.Kind and descriptors.Receiver is tags.Receiver
    assert descriptors.FORMAT_VERSION == tags.FORMAT_VERSION
    assert descriptors.FLAT_ELEMENTS is tags.FLAT_ELEMENTS


def test_rust_file_holds_every_tag_and_no_other_source_defines_one() -> None:
    text = tags.render_rust()
    consts = {m[1]: int(m[2], 0) for m in re.finditer(r"pub const (\w+): u8 = (0x[0-9a-f]+|\d+);", text)}
    assert {n.removeprefix("TAG_"): v for n, v in consts.items() if n.startswith("TAG_")} == {k.name: k.value for k in tags.Kind}
    assert {n.removeprefix("KIND_"): v for n, v in consts.items() if n.startswith("KIND_")} == {k.name: k.value for k in tags.RecordKind}
    assert {n.removeprefix("RECV_"): v for n, v in consts.items() if n.startswith("RECV_")} == {r.name: r.value for r in tags.Receiver}
    assert consts["VERSION"] == tags.FORMAT_VERSION
    for source in (support_crate() / "src").glob("*.rs"):
        if source.name != "tags.rs":
            assert not re.search(r"const (TAG|KIND|RECV)_\w+: u8 =", source.read_text()), source


def test_flat_elements_and_leaf_types_reach_the_crate_through_the_generated_macros() -> None:
    text = tags.render_rust()
    flat = re.search(r"macro_rules! for_flat_elements \{\n    \(\$m:ident\) => \{ \$m!\(([^)]*)\); \};", text)
    assert flat is not None
    assert {tags.Kind[t.strip().upper()] for t in flat[1].split(",")} == tags.FLAT_ELEMENTS
    src = support_crate() / "src"
    assert "crate::tags::for_flat_elements!(flat_seq);" in (src / "abi.rs").read_text()
    assert "crate::tags::for_leaf_types!(leaves);" in (src / "desc.rs").read_text()
