"""Value, reference, heap and composite types of the binary format, as plain data.

Types are immutable and hashable. ``str(t)`` gives the text-format spelling, which the
text printer and the CLI use.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class NumType(enum.Enum):
    """Number and vector types, by their one-byte code."""

    I32 = 0x7F
    I64 = 0x7E
    F32 = 0x7D
    F64 = 0x7C
    V128 = 0x7B

    @property
    def code(self) -> int:
        """The type's byte in the binary format."""
        return self.value

    def __str__(self) -> str:
        return self.name.lower()

    def __repr__(self) -> str:
        return f"NumType.{self.name}"


class PackedType(enum.Enum):
    """Packed storage types of struct and array fields (GC proposal)."""

    I8 = 0x78
    I16 = 0x77

    @property
    def code(self) -> int:
        """The type's byte in the binary format."""
        return self.value

    def __str__(self) -> str:
        return self.name.lower()


class AbsHeap(enum.IntEnum):
    """Abstract heap types, by their one-byte code (also the shorthand nullable reference type)."""

    NOEXN = 0x74
    NOFUNC = 0x73
    NOEXTERN = 0x72
    NONE = 0x71
    FUNC = 0x70
    EXTERN = 0x6F
    ANY = 0x6E
    EQ = 0x6D
    I31 = 0x6C
    STRUCT = 0x6B
    ARRAY = 0x6A
    EXN = 0x69
    CONT = 0x68
    NOCONT = 0x75


@dataclass(frozen=True, slots=True)
class HeapType:
    """An abstract heap type (``abstract``) or a concrete one (type ``index``)."""

    abstract: AbsHeap | None = None
    index: int | None = None
    shared: bool = False

    def __str__(self) -> str:
        text = self.abstract.name.lower() if self.abstract is not None else str(self.index)
        return f"(shared {text})" if self.shared else text


@dataclass(frozen=True, slots=True)
class RefType:
    """A reference type: ``(ref null? heap)``."""

    nullable: bool
    heap: HeapType

    def __str__(self) -> str:
        h = self.heap
        if self.nullable and h.abstract is not None and not h.shared:
            return f"{h.abstract.name.lower()}ref"
        return f"(ref {'null ' if self.nullable else ''}{h})"


FUNCREF = RefType(True, HeapType(AbsHeap.FUNC))
EXTERNREF = RefType(True, HeapType(AbsHeap.EXTERN))

ValType = NumType | RefType
StorageType = NumType | RefType | PackedType


@dataclass(frozen=True, slots=True)
class FuncType:
    """A function signature."""

    params: tuple[ValType, ...] = ()
    results: tuple[ValType, ...] = ()

    def __str__(self) -> str:
        p = ", ".join(map(str, self.params))
        r = ", ".join(map(str, self.results))
        return f"({p}) -> ({r})" if len(self.results) != 1 else f"({p}) -> {r}"


@dataclass(frozen=True, slots=True)
class FieldType:
    """A struct field or array element: storage type and mutability."""

    storage: StorageType
    mutable: bool


@dataclass(frozen=True, slots=True)
class StructType:
    """A GC struct type."""

    fields: tuple[FieldType, ...] = ()


@dataclass(frozen=True, slots=True)
class ArrayType:
    """A GC array type."""

    field: FieldType


CompType = FuncType | StructType | ArrayType


@dataclass(frozen=True, slots=True)
class SubType:
    """One entry of the type index space.

    ``explicit`` records whether the binary used the ``sub``/``sub final`` form, so
    that re-encoding reproduces it (a plain composite type means final, no supertypes).
    """

    comp: CompType
    final: bool = True
    supertypes: tuple[int, ...] = ()
    explicit: bool = False


@dataclass(frozen=True, slots=True)
class RecGroup:
    """A recursion group; ``explicit`` is False for a lone type written without ``rec``."""

    types: tuple[SubType, ...]
    explicit: bool = False


@dataclass(frozen=True, slots=True)
class Limits:
    """Size limits of a table or memory, with the flags of threads, memory64 and custom pages."""

    min: int
    max: int | None = None
    shared: bool = False
    is64: bool = False
    page_size_log2: int | None = None

    @property
    def flags(self) -> int:
        """The limits flag byte of the binary format."""
        return (
            (1 if self.max is not None else 0)
            | (2 if self.shared else 0)
            | (4 if self.is64 else 0)
            | (8 if self.page_size_log2 is not None else 0)
        )


@dataclass(frozen=True, slots=True)
class TableType:
    """A table's element type and limits."""

    elem: RefType
    limits: Limits


@dataclass(frozen=True, slots=True)
class MemoryType:
    """A memory's limits."""

    limits: Limits


@dataclass(frozen=True, slots=True)
class GlobalType:
    """A global's value type and mutability (and sharedness, for shared-everything threads)."""

    type: ValType
    mutable: bool
    shared: bool = False


@dataclass(frozen=True, slots=True)
class TagType:
    """An exception tag: attribute (0: exception) and its function type index."""

    attribute: int
    type_index: int


class ExternKind(enum.IntEnum):
    """Kinds of imports and exports."""

    FUNC = 0
    TABLE = 1
    MEMORY = 2
    GLOBAL = 3
    TAG = 4

    def __str__(self) -> str:
        return self.name.lower()
