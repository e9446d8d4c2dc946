"""The pairing engine's instance as numpy arrays: costs of many pairs in one call.

A pair's score is `depth(p) + depth(q) + 1 - cost`, where `cost = 2 * common_prefix_len +
same_site` (+ FORBIDDEN_COST for a forbidden pair). Everyone placed adds their depth whatever
the partner, so the engine minimises the cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from riposte.coffee.engine import Agent

type Ints = NDArray[np.int64]
type Bools = NDArray[np.bool_]

# A forbidden pair costs more than any allowed swap can gain, so the search always removes it.
FORBIDDEN_COST = 1_000_000
# Up to this many distinct service paths, common prefixes come from a table (2,048^2 bytes):
# one lookup per pair instead of comparing each level.
PREFIX_TABLE_LIMIT = 2_048


def path_levels(service_path: str) -> tuple[str, ...]:
    return tuple(level for level in (part.strip() for part in service_path.split("/")) if level)


class Instance:
    """Agents 0..n-1. `anc[i, d]` is agent i's tree node at depth d, and a value of its own
    below its depth, so that the common prefix of i and j is `(anc[i] == anc[j]).sum()`."""

    def __init__(self, agents: Sequence[Agent], ends_a: Ints, ends_b: Ints):
        """`ends_a[k]`, `ends_b[k]`: a forbidden pair (-1 for an agent not in this round)."""
        n = len(agents)
        self.n = n
        path_index: dict[str, int] = {}
        site_index: dict[str, int] = {}
        # Comprehensions with setdefault: one dict lookup per agent, no Python loop body.
        self.path = np.array(
            [path_index.setdefault(a.service_path, len(path_index)) for a in agents],
            dtype=np.int64,
        )
        self.site: Ints = np.array(
            [site_index.setdefault(a.site, len(site_index)) for a in agents], dtype=np.int64
        )
        node_index: dict[tuple[str, ...], int] = {}
        rows = []
        for service_path in path_index:
            levels = path_levels(service_path)
            rows.append(
                [
                    node_index.setdefault(levels[: d + 1], len(node_index))
                    for d in range(len(levels))
                ]
            )
        self.node_count = len(node_index)
        depth_of_path = np.array([len(row) for row in rows], dtype=np.int64)
        width = max(1, int(depth_of_path.max(initial=0)))
        table = np.full((len(rows), width), -1, dtype=np.int64)
        for p, row in enumerate(rows):
            table[p, : len(row)] = row
        anc = table[self.path] if n else np.empty((0, width), dtype=np.int64)
        own = self.node_count + np.arange(n, dtype=np.int64)
        self.anc: Ints = np.where(anc < 0, own[:, None], anc)
        self.depth: Ints = depth_of_path[self.path] if n else np.empty(0, dtype=np.int64)
        self.prefix: NDArray[np.int8] | None = None
        if len(rows) <= PREFIX_TABLE_LIMIT:
            same = (table[:, None, :] == table[None, :, :]) & (table >= 0)[:, None, :]
            self.prefix = same.sum(axis=2, dtype=np.int8)
        keep = (ends_a >= 0) & (ends_b >= 0) & (ends_a != ends_b)
        ends_a, ends_b = ends_a[keep], ends_b[keep]
        keys = np.sort(np.minimum(ends_a, ends_b) * n + np.maximum(ends_a, ends_b))
        self.fkeys: Ints = keys[np.r_[True, keys[1:] != keys[:-1]]] if keys.size else keys
        self._fset: set[int] | None = None
        # Each agent's forbidden partners, sorted (CSR): `neighbours[start[i]:start[i + 1]]`.
        low, high = self.fkeys // max(n, 1), self.fkeys % max(n, 1)
        ends = np.concatenate([low, high])
        order = np.lexsort((np.concatenate([high, low]), ends))
        self.neighbours: Ints = np.concatenate([high, low])[order]
        self.start: Ints = np.searchsorted(ends[order], np.arange(n + 1))

    def cost_lower_bound(self, members: Ints) -> int:
        """No pairing of `members` (an even number) costs less. The common prefixes sum to at
        least sum over tree nodes of max(0, size - m/2), since at most m - size of a node's
        agents can meet someone outside it; likewise at least size - m/2 pairs share a site
        of that size. The two sums bound separate parts of the cost, so they add up."""
        half = members.size // 2
        anc = self.anc[members]
        nodes = np.bincount(anc[anc < self.node_count], minlength=self.node_count)
        sites = np.bincount(self.site[members])
        return int(2 * np.maximum(nodes - half, 0).sum() + np.maximum(sites - half, 0).sum())

    def common_prefix(self, x: Ints, y: Ints) -> Ints:
        if self.prefix is not None:
            return self.prefix[self.path[x], self.path[y]].astype(np.int64)
        return (self.anc[x] == self.anc[y]).sum(axis=1)

    def forbidden(self, x: Ints, y: Ints) -> Bools:
        if not self.fkeys.size:
            return np.zeros(len(x), dtype=bool)
        keys = np.minimum(x, y) * self.n + np.maximum(x, y)
        pos = np.searchsorted(self.fkeys, keys)
        pos[pos == self.fkeys.size] = 0
        return self.fkeys[pos] == keys

    def forbidden_with(self, x: int, y: Ints) -> Bools:
        """`forbidden(x, y)` for one agent x against many: a search in x's own partners."""
        partners = self.neighbours[self.start[x] : self.start[x + 1]]
        if not partners.size:
            return np.zeros(len(y), dtype=bool)
        pos = np.searchsorted(partners, y)
        pos[pos == partners.size] = 0
        return partners[pos] == y

    def cost_from(self, x: int, y: Ints) -> Ints:
        xx = np.full(len(y), x)
        return self.cost_allowed(xx, y) + FORBIDDEN_COST * self.forbidden_with(x, y)

    def cost_allowed(self, x: Ints, y: Ints) -> Ints:
        """The cost as if the pair were allowed: the search checks the few moves it makes."""
        return 2 * self.common_prefix(x, y) + (self.site[x] == self.site[y])

    def cost(self, x: Ints, y: Ints) -> Ints:
        return self.cost_allowed(x, y) + FORBIDDEN_COST * self.forbidden(x, y)

    def score(self, x: Ints, y: Ints) -> Ints:
        return self.depth[x] + self.depth[y] + 1 - self.cost(x, y)

    def score_from(self, x: int, y: Ints) -> Ints:
        return self.depth[x] + self.depth[y] + 1 - self.cost_from(x, y)

    def allowed(self, a: int, b: int) -> bool:
        if self._fset is None:  # built on first use: the sampled search never needs it
            self._fset = set(self.fkeys.tolist())
        return a != b and min(a, b) * self.n + max(a, b) not in self._fset

    def pair_cost(self, a: int, b: int) -> int:
        return int(self.cost(np.array([a]), np.array([b]))[0])
