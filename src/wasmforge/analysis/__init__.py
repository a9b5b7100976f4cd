"""wasmforge.analysis layer (see DESIGN.md)."""
