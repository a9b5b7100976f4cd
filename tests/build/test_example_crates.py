"""The example crates, built by the pipeline and called through their generated packages."""

from __future__ import annotations

import math
from typing import Any

import pytest


def test_hello_strings_options_results(example_package: Any) -> None:
    hello = example_package("hello")
    assert hello.greet("wörld") == "Hello, wörld!"
    assert hello.greet("") == "Hello, !"
    assert hello.first_word("  rust wasm ") == "rust"
    assert hello.first_word("   ") is None
    assert hello.parse_celsius("212F") == 100.0
    assert hello.parse_celsius("-40C") == -40.0
    with pytest.raises(hello.RustError, match="unknown unit"):
        hello.parse_celsius("10K")
    with pytest.raises(hello.RustError, match="bad number"):
        hello.parse_celsius("xC")
    assert hello.repeat("ab", 3, None) == "ab,ab,ab"
    assert hello.repeat("ab", 2, "→") == "ab→ab"
    assert hello.repeat("ab", 0, None) == ""


def test_hello_docstrings_come_from_rust(example_package: Any) -> None:
    hello = example_package("hello")
    assert hello.greet.__doc__.startswith("Greets someone by name.")
    assert "fn greet(name: &str) -> String" in hello.greet.__doc__


def test_counter_class(example_package: Any) -> None:
    counter = example_package("counter")
    with counter.Counter(10, 5) as c:
        assert (c.tick(), c.tick(), c.value()) == (15, 20, 20)
        assert c.history().tolist() == [10, 15]
        assert c.rewind(15) == 15 and c.value() == 15
        with pytest.raises(counter.RustError, match="99 was never reached"):
            c.rewind(99)
        fork = counter.Counter.fork(c)
        assert fork.tick() == 20 and c.value() == 15
        fork.close()
    with pytest.raises(counter.ClosedError):
        c.value()
    assert counter.Counter.__doc__.startswith("Counts up in steps")


def test_counter_overflow_panics_and_poisons(example_package: Any) -> None:
    counter = example_package("counter")
    with counter.load() as inst:
        c = inst.Counter(2**64 - 1, 1)
        with pytest.raises(counter.RustPanic, match="counter overflowed u64"):
            c.tick()
        assert inst.poisoned
        c.close()  # closing after the panic is harmless


def test_pixels_grayscale_large_buffer(example_package: Any) -> None:
    pixels = example_package("pixels")
    width, height = 1024, 1024  # 4 MiB of RGBA
    rgba = bytes([200, 100, 50, 255]) * (width * height)
    gray = pixels.grayscale(rgba)
    expected = (200 * 299 + 100 * 587 + 50 * 114 + 500) // 1000
    assert len(gray) == width * height
    assert gray[0] == expected and gray[-1] == expected
    assert pixels.grayscale(b"") == b""


def test_pixels_numpy_in_place(example_package: Any) -> None:
    np = pytest.importorskip("numpy")
    pixels = example_package("pixels")
    img = np.zeros((64, 64, 4), dtype=np.uint8)
    img[..., 0] = 255
    img[..., 3] = 7
    pixels.grayscale_in_place(img)
    assert (img[..., 0] == 76).all() and (img[..., 2] == 76).all() and (img[..., 3] == 7).all()
    hist = pixels.histogram(img)
    assert hist[76] == 64 * 64 * 3 and hist[7] == 64 * 64


def test_callbacks_python_functions_called_from_rust(example_package: Any) -> None:
    callbacks = example_package("callbacks")
    lines: list[str] = []
    inst = callbacks.load(log=lines.append, transform=math.sqrt, ask=lambda q: f"Ferris ({q})", reenter=lambda d: 0)
    assert inst.map([4.0, 9.0]).tolist() == [2.0, 3.0]
    assert lines == ["mapping 2 values"]
    assert inst.greet_asked() == "Hello, Ferris (who?)!"
    inst.close()


def test_callbacks_are_reentrant(example_package: Any) -> None:
    callbacks = example_package("callbacks")
    holder: dict[str, Any] = {}
    inst = callbacks.load(log=print, transform=abs, ask=str, reenter=lambda d: holder["inst"].countdown(d))
    holder["inst"] = inst
    assert inst.countdown(20) == 20
    inst.close()


def test_callback_exception_reaches_the_caller(example_package: Any) -> None:
    callbacks = example_package("callbacks")

    class Oops(Exception):
        pass

    def bad(x: float) -> float:
        raise Oops("from Python")

    inst = callbacks.load(log=print, transform=bad, ask=str, reenter=int)
    with pytest.raises(Oops, match="from Python"):
        inst.map([1.0])
    inst.close()


def test_callback_result_of_wrong_type_is_type_error(example_package: Any) -> None:
    callbacks = example_package("callbacks")
    inst = callbacks.load(log=print, transform=float, ask=lambda q: 42, reenter=int)
    with pytest.raises(TypeError):
        inst.greet_asked()
    inst.close()


def test_callbacks_need_their_imports(example_package: Any) -> None:
    callbacks = example_package("callbacks")
    with pytest.raises(callbacks.NeedsImports, match="load"):
        callbacks.map  # noqa: B018
    with pytest.raises(TypeError, match="transform"):
        callbacks.load(log=print, ask=str, reenter=int)


def test_nostd_module(example_package: Any, build_example: Any) -> None:
    nostd = example_package("nostd")
    assert [nostd.nth_prime(i) for i in range(5)] == [2, 3, 5, 7, 11]
    assert nostd.doubled([1, 2, 2**31]).tolist() == [2, 4, 0]
    assert nostd.divide(7, 2) == 3
    assert build_example("nostd").sizes[-1].size < 10_000


def test_nostd_panic_handler_reports_message(example_package: Any) -> None:
    nostd = example_package("nostd")
    with nostd.load() as inst:
        with pytest.raises(nostd.RustPanic) as info:
            inst.divide(5, 0)
        assert info.value.message == "divide 5 by zero"
        assert info.value.file == "src/lib.rs" and info.value.line > 0
