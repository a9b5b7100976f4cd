"""wasmforge.cli layer (see DESIGN.md)."""
