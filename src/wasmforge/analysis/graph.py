"""The size graph: items with shallow sizes, edges between them, a meta-root, dominators.

Nothing here knows about WebAssembly: ``wasmforge.analysis.ir.build`` fills a graph in from a
module. Items are dense integer ids ``0 .. len(graph) - 1``; the meta-root is the extra node
``graph.meta_root == len(graph)`` with an edge to every root. Every walk is iterative, so deep
graphs never reach Python's recursion limit.
"""

from __future__ import annotations

import enum
import re
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from wasmforge.errors import UsageError


def compile_patterns(patterns: list[str]) -> list[re.Pattern[str]]:
    """The regular expressions of ``--regex`` arguments; :class:`UsageError` for one that does not compile."""
    compiled = []
    for p in patterns:
        try:
            compiled.append(re.compile(p))
        # OverflowError: "a{99999999999}"; RecursionError: thousands of nested groups
        except (re.error, OverflowError, RecursionError) as err:
            raise UsageError(f"invalid regular expression {p!r}: {err}") from None
    return compiled


class ItemKind(enum.IntEnum):
    """What an item of the graph stands for."""

    HEADER = 0  # section headers (id, size, count fields) and the magic bytes
    FUNCTION = 1
    IMPORT = 2
    TYPE = 3
    TABLE = 4
    MEMORY = 5
    GLOBAL = 6
    TAG = 7
    EXPORT = 8
    ELEMENT = 9
    DATA = 10
    CUSTOM = 11
    NAME_SUBSECTION = 12
    #: a zero-byte stand-in for "any function this call_indirect can reach"
    INDIRECT = 13

    @property
    def is_data(self) -> bool:
        """Data the program may read at run time without a reference the graph can see."""
        return self in (ItemKind.DATA, ItemKind.GLOBAL)


@dataclass(frozen=True, eq=False)
class ItemGraph:
    """Items (name, shallow size, kind), edges and roots; derived data is computed on first use."""

    #: item names, twiggy's conventions (``code[3]``, ``data[1]``, ``"function names" subsection``)
    names: Sequence[str]
    #: shallow size in bytes of each item; they add up to ``file_size``
    sizes: list[int]
    kinds: list[ItemKind]
    #: successors of each item (sorted, no duplicates), and of the meta-root last
    edges: list[list[int]]
    #: items the meta-root points at: exports, the start section, section headers, tables, ...
    roots: list[int]
    #: size of the whole file
    file_size: int
    #: function index (in the module's function index space) of each FUNCTION/IMPORT item
    function_index: dict[int, int]
    #: the name-section symbol of each named function item, as written (mangled)
    symbols: dict[int, str]

    def __len__(self) -> int:
        return len(self.names)

    @property
    def meta_root(self) -> int:
        """The node id of the meta-root (not an item)."""
        return len(self.names)

    # -- lookups -------------------------------------------------------------------------
    @cached_property
    def by_name(self) -> dict[str, int]:
        """Item id by name (the first item of that name when names repeat)."""
        out: dict[str, int] = {}
        for i, name in enumerate(self.names):
            out.setdefault(name, i)
        return out

    def find(self, patterns: list[str], *, regex: bool = False) -> list[int]:
        """Items named by ``patterns``: exact names, or regular expressions searched in names.

        Raises :class:`UsageError` for an invalid regular expression or a name that matches nothing.
        """
        if regex:
            compiled = compile_patterns(patterns)
            return [i for i, name in enumerate(self.names) if any(c.search(name) for c in compiled)]
        out = []
        for p in patterns:
            i = self.by_name.get(p)
            if i is None:
                raise UsageError(f"no item named {p!r}", hint="names are listed by 'wasmforge top'; use --regex to match part of a name")
            out.append(i)
        return out

    # -- structure ------------------------------------------------------------------------
    @cached_property
    def predecessors(self) -> list[list[int]]:
        """Predecessors of each node (the meta-root included as a predecessor of roots)."""
        preds: list[list[int]] = [[] for _ in range(len(self.edges))]
        for src, tos in enumerate(self.edges):
            for t in tos:
                preds[t].append(src)
        return preds

    @cached_property
    def _dfs(self) -> tuple[list[int], list[int]]:
        """Reverse postorder of the nodes reachable from the meta-root, and each node's position
        in it (-1 when unreachable)."""
        edges = self.edges
        n = len(edges)
        seen = bytearray(n)
        post: list[int] = []
        root = self.meta_root
        seen[root] = 1
        stack = [(root, iter(edges[root]))]
        push = stack.append
        pop = stack.pop
        while stack:
            node, it = stack[-1]
            for nxt in it:
                if not seen[nxt]:
                    seen[nxt] = 1
                    push((nxt, iter(edges[nxt])))
                    break
            else:
                pop()
                post.append(node)
        post.reverse()
        order = [-1] * n
        for i, node in enumerate(post):
            order[node] = i
        return post, order

    @cached_property
    def reachable(self) -> bytearray:
        """1 for every item reachable from a root, 0 for garbage (indexable by item id)."""
        _, order = self._dfs
        return bytearray(1 if o >= 0 else 0 for o in order[: len(self.names)])

    @cached_property
    def immediate_dominators(self) -> list[int]:
        """The immediate dominator of each node (the meta-root for roots, -1 when unreachable).

        Lengauer and Tarjan's algorithm with path compression, O(E log N): the iterative
        intersection of Cooper, Harvey and Kennedy is quadratic on a long call chain whose
        functions all reach one shared item (each intersection walks the whole chain).
        """
        edges = self.edges
        preds = self.predecessors
        n = len(edges)
        root = self.meta_root
        # depth-first preorder: vertex[k] is the k-th node visited, parent[k] its tree parent
        # (both as preorder numbers); num[node] is -1 for nodes no root reaches
        num = [-1] * n
        vertex = [root]
        parent = [0]
        num[root] = 0
        stack = [(0, iter(edges[root]))]
        while stack:
            k, it = stack[-1]
            for nxt in it:
                if num[nxt] == -1:
                    num[nxt] = len(vertex)
                    vertex.append(nxt)
                    parent.append(k)
                    stack.append((num[nxt], iter(edges[nxt])))
                    break
            else:
                stack.pop()
        count = len(vertex)
        semi = list(range(count))
        label = list(range(count))
        ancestor = [-1] * count
        dom = [0] * count
        bucket: list[list[int]] = [[] for _ in range(count)]

        def evaluate(v: int) -> int:
            if ancestor[v] == -1:
                return v
            # compress the forest path above v, iteratively (chains are deep)
            path = []
            x = v
            while ancestor[ancestor[x]] != -1:
                path.append(x)
                x = ancestor[x]
            for x in reversed(path):
                a = ancestor[x]
                if semi[label[a]] < semi[label[x]]:
                    label[x] = label[a]
                ancestor[x] = ancestor[a]
            return label[v]

        for w in range(count - 1, 0, -1):
            sw = semi[w]
            for p in preds[vertex[w]]:
                v = num[p]
                if v == -1:
                    continue
                su = semi[evaluate(v)]
                if su < sw:
                    sw = su
            semi[w] = sw
            bucket[sw].append(w)
            pw = parent[w]
            ancestor[w] = pw
            for v in bucket[pw]:
                u = evaluate(v)
                dom[v] = u if semi[u] < semi[v] else pw
            bucket[pw] = []
        for w in range(1, count):
            if dom[w] != semi[w]:
                dom[w] = dom[dom[w]]
        idom = [-1] * n
        idom[root] = root
        for w in range(1, count):
            idom[vertex[w]] = vertex[dom[w]]
        return idom

    @cached_property
    def dominator_children(self) -> list[list[int]]:
        """Children of each node in the dominator tree, largest retained size first (ties in
        file order)."""
        idom = self.immediate_dominators
        children: list[list[int]] = [[] for _ in range(len(self.edges))]
        for node in range(len(self.names)):  # in id order, so ties stay in file order
            d = idom[node]
            if d != -1:
                children[d].append(node)
        retained = self.retained_sizes
        for c in children:
            if len(c) > 1:
                c.sort(key=lambda i: -retained[i])
        return children

    @cached_property
    def retained_sizes(self) -> list[int]:
        """Bytes each node keeps alive: its size plus the sizes of the items it dominates.

        Unreachable items retain their own size; the meta-root's entry is the reachable total.
        """
        sizes = list(self.sizes) + [0]
        idom = self.immediate_dominators
        root = self.meta_root
        # children come after their dominator in reverse postorder: sum from the end
        for node in reversed(self._dfs[0]):
            if node != root:
                sizes[idom[node]] += sizes[node]
        return sizes

    @cached_property
    def shortest_paths(self) -> list[int]:
        """For each node, the previous node on one shortest path from the meta-root (-1: none)."""
        edges = self.edges
        parent = [-1] * len(edges)
        root = self.meta_root
        parent[root] = root
        queue = deque([root])
        while queue:
            node = queue.popleft()
            for nxt in edges[node]:
                if parent[nxt] == -1:
                    parent[nxt] = node
                    queue.append(nxt)
        return parent

    def retaining_path(self, item: int) -> list[int]:
        """One shortest chain of items from a root down to ``item`` (empty when unreachable)."""
        parent = self.shortest_paths
        if parent[item] == -1:
            return []
        path = [item]
        root = self.meta_root
        while parent[path[-1]] != root:
            path.append(parent[path[-1]])
        path.reverse()
        return path

    def percent(self, size: int) -> float:
        """``size`` as a percentage of the file size."""
        return size / self.file_size * 100.0 if self.file_size else 0.0


__all__ = ["ItemGraph", "ItemKind", "compile_patterns"]
