"""wasmforge.report layer (see DESIGN.md)."""
