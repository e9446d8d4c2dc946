"""Edmonds' blossom algorithm, cardinality only: grow a matching by augmenting paths.

Used by the pairing engine (engine.py) on small instances only, after its heuristics, so that
nobody is left out who could be placed. It starts from the engine's matching and only flips the
edges along each augmenting path, so the rest of the engine's work is kept. This is the classic
O(V^3) form (one breadth-first search per free vertex, blossoms contracted by relabelling bases).
"""

from __future__ import annotations

from collections import deque


def augment_matching(adjacency: list[list[int]], match: list[int], roots: list[int]) -> None:
    """Augment `match` (match[v] = mate or -1) in place from each free vertex in `roots`.

    When no augmenting path starts at a free vertex, none will after later augmentations
    (Berge, and Edmonds' lemma), so one pass over the roots gives a maximum matching among them.
    """
    for root in roots:
        if match[root] != -1:
            continue
        parent = _find_path(adjacency, match, root)
        if parent is None:
            continue
        end, p = parent
        while end != -1:
            previous = p[end]
            after = match[previous]
            match[end], match[previous] = previous, end
            end = after


def _find_path(
    adjacency: list[list[int]], match: list[int], root: int
) -> tuple[int, list[int]] | None:
    n = len(adjacency)
    used = [False] * n
    parent = [-1] * n
    base = list(range(n))
    used[root] = True
    queue = deque([root])
    while queue:
        v = queue.popleft()
        for to in adjacency[v]:
            if base[v] == base[to] or match[v] == to:
                continue
            if to == root or (match[to] != -1 and parent[match[to]] != -1):
                # An edge between two even vertices: an odd cycle, contracted to its base.
                current = _lowest_common_base(match, parent, base, v, to)
                blossom = [False] * n
                _mark_path(match, parent, base, blossom, v, current, to)
                _mark_path(match, parent, base, blossom, to, current, v)
                for i in range(n):
                    if blossom[base[i]]:
                        base[i] = current
                        if not used[i]:
                            used[i] = True
                            queue.append(i)
            elif parent[to] == -1:
                parent[to] = v
                if match[to] == -1:
                    return to, parent
                used[match[to]] = True
                queue.append(match[to])
    return None


def _lowest_common_base(
    match: list[int], parent: list[int], base: list[int], a: int, b: int
) -> int:
    seen = [False] * len(match)
    while True:
        a = base[a]
        seen[a] = True
        if match[a] == -1:
            break
        a = parent[match[a]]
    while True:
        b = base[b]
        if seen[b]:
            return b
        b = parent[match[b]]


def _mark_path(
    match: list[int],
    parent: list[int],
    base: list[int],
    blossom: list[bool],
    v: int,
    stop: int,
    child: int,
) -> None:
    while base[v] != stop:
        blossom[base[v]] = blossom[base[match[v]]] = True
        parent[v] = child
        child = match[v]
        v = parent[match[v]]
