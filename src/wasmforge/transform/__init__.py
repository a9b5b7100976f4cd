"""wasmforge.transform layer (see DESIGN.md)."""
