"""wasmforge.binary layer (see DESIGN.md)."""
