#!/usr/bin/env python3
"""Write the support crate's ``src/tags.rs`` from ``src/wasmforge/bindgen/tags.py``.

    python scripts/gen_tags.py           # rewrite the file
    python scripts/gen_tags.py --check   # exit 1 if the checked-in file differs

The descriptor format's numbers are defined once, in Python; tests/bindgen/test_tags.py checks
that the checked-in Rust file is what this script writes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from wasmforge.bindgen import support_crate  # noqa: E402
from wasmforge.bindgen.tags import render_rust  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="only compare; exit 1 when the file is stale")
    args = ap.parse_args()
    path = support_crate() / "src" / "tags.rs"
    text = render_rust()
    if args.check:
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            print(f"error: {path} is stale", file=sys.stderr)
            print("hint: run python scripts/gen_tags.py", file=sys.stderr)
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
