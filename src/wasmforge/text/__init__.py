"""wasmforge.text layer (see DESIGN.md)."""
