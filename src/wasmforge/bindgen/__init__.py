"""wasmforge.bindgen layer (see DESIGN.md)."""
