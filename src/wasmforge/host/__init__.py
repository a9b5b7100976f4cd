"""wasmforge.host layer (see DESIGN.md)."""
