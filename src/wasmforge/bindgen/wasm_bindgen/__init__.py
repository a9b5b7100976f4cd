"""Python as a wasm-bindgen target: ``#[wasm_bindgen]`` crates bound into Python packages.

:mod:`.describe` runs the module's describe functions (untrusted, under limits),
:mod:`.section` decodes the ``__wasm_bindgen_unstable`` section, :mod:`.types` reads the
type streams, :mod:`.generate` writes the glue, and :mod:`.runtime` is what the glue calls.
"""
