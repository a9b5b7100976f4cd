"""Fuzzing wasmforge: generated and mutated modules through every command and the host."""
