"""wasmforge: Rust to WebAssembly and back into Python.

Layers (bottom to top): ``binary``, ``text``, ``analysis``, ``transform``, ``host``,
``bindgen``, ``build``, ``report``, ``cli``. A layer imports only from layers below it.
Importing this package is cheap: nothing heavy is imported until a layer is used.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
