"""wat, disasm and decompile on damaged modules: a clean exit (0, or 2 with one error line naming
the file), never a traceback, whatever bytes are flipped or cut."""

from __future__ import annotations

import random

import pytest

from tests.conftest import rust_modules
from tests.text.test_golden import GOLDEN

COMMANDS = (["wat"], ["wat", "--fold"], ["disasm"], ["decompile"])


def _sources() -> list[bytes]:
    import wasmtime

    out = [bytes(wasmtime.wat2wasm((GOLDEN / name).read_text())) for name in ("basic.wat", "features.wat")]
    out += [p.read_bytes() for p in rust_modules() if p.name in ("add.1.96.release.wasm", "primes_nostd.1.63.oz.wasm")]
    return out


def _damaged() -> list[tuple[str, bytes]]:
    rng = random.Random(6)
    cases = []
    for n, data in enumerate(_sources()):
        for _ in range(12):
            flipped = bytearray(data)
            for _ in range(rng.randint(1, 4)):
                flipped[rng.randrange(8, len(flipped))] = rng.randrange(256)
            cases.append((f"src{n}-flip{len(cases)}", bytes(flipped)))
        for cut in sorted(rng.sample(range(9, len(data)), 6)):
            cases.append((f"src{n}-cut{cut}", data[:cut]))
    return cases


@pytest.mark.parametrize("name,data", _damaged(), ids=[c[0] for c in _damaged()])
def test_damaged_module_exits_cleanly(run_cli, tmp_path, name, data):
    path = tmp_path / f"{name}.wasm"
    path.write_bytes(data)
    for argv in COMMANDS:
        code, _, err = run_cli(*argv, path)
        assert "Traceback" not in err, (argv, err)
        assert code in (0, 2), (argv, code, err)
        if code == 2:
            lines = err.splitlines()
            assert 1 <= len(lines) <= 2 and lines[0].startswith("error: ") and path.name in lines[0], (argv, err)
