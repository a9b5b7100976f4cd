"""Size profiling as data: the item graph of a module, and one pure analysis per question.

>>> from wasmforge.analysis import build, top
>>> graph = build("app.wasm")            # doctest: +SKIP
>>> top(graph, max_items=10).rows[0]     # doctest: +SKIP

Each analysis returns a frozen dataclass; ``wasmforge.report`` renders them.
"""

from wasmforge.analysis.crates import CrateRow, Crates, FunctionEntry, OtherEntry, crates
from wasmforge.analysis.demangle import crate_of, demangle, display_name, generic_function, module_path
from wasmforge.analysis.diff import Diff, DiffRow, diff
from wasmforge.analysis.dominators import DominatorRow, Dominators, dominators
from wasmforge.analysis.garbage import Garbage, GarbageRow, garbage
from wasmforge.analysis.graph import ItemGraph, ItemKind
from wasmforge.analysis.ir import build
from wasmforge.analysis.monos import MonoGroup, Monos, monos
from wasmforge.analysis.paths import PathNode, Paths, paths
from wasmforge.analysis.top import Top, TopRow, top

__all__ = [
    "CrateRow", "Crates", "Diff", "DiffRow", "DominatorRow", "Dominators", "FunctionEntry", "Garbage",
    "GarbageRow", "ItemGraph", "ItemKind", "MonoGroup", "Monos", "OtherEntry", "PathNode", "Paths", "Top", "TopRow",
    "build", "crate_of", "crates", "demangle", "diff", "display_name", "dominators", "garbage",
    "generic_function", "module_path", "monos", "paths", "top",
]
