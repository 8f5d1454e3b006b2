"""Array views of an analytic graph for the compiled engines (igraph, scipy's csgraph).

The vertex order is ``G``'s node order, so index ``i`` of every array is node ``nodes[i]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import igraph as ig
import networkx as nx
import numpy as np
import scipy.sparse as sp

__all__ = ["Arrays", "arrays"]


@dataclass
class Arrays:
    """The undirected view ``G`` as index arrays (built once, shared by the metrics)."""

    nodes: list[int]
    index: dict[int, int]
    src: np.ndarray  # edge sources (indices), one entry per undirected edge
    dst: np.ndarray
    strength: np.ndarray
    distance: np.ndarray

    @property
    def n(self) -> int:
        return len(self.nodes)

    def _sym(self, values: np.ndarray) -> sp.csr_array:
        rows = np.concatenate([self.src, self.dst])
        cols = np.concatenate([self.dst, self.src])
        data = np.concatenate([values, values])
        return sp.csr_array((data, (rows, cols)), shape=(self.n, self.n))

    @cached_property
    def W(self) -> sp.csr_array:
        """Symmetric strength matrix (CSR, sorted indices)."""
        return self._sym(self.strength)

    @cached_property
    def L(self) -> sp.csr_array:
        """Symmetric distance (edge length) matrix (CSR)."""
        return self._sym(self.distance)

    @cached_property
    def igraph(self) -> ig.Graph:
        """The undirected igraph graph with the same vertex order."""
        g = ig.Graph(n=self.n, edges=np.column_stack([self.src, self.dst]).tolist())
        return g

    def to_ids(self, values) -> dict[int, float]:
        """Map a per-index sequence back to ``{node id: float}``."""
        return {v: float(x) for v, x in zip(self.nodes, values, strict=True)}


def arrays(G: nx.Graph) -> Arrays:
    """Return the array view of ``G`` (edges with ``strength`` and ``distance`` attributes)."""
    nodes = list(G)
    index = {v: i for i, v in enumerate(nodes)}
    m = G.number_of_edges()
    src = np.empty(m, dtype=np.int64)
    dst = np.empty(m, dtype=np.int64)
    strength = np.empty(m, dtype=float)
    distance = np.empty(m, dtype=float)
    for k, (u, v, d) in enumerate(G.edges(data=True)):
        src[k] = index[u]
        dst[k] = index[v]
        strength[k] = d.get("strength", 1.0)
        distance[k] = d.get("distance", 1.0)
    return Arrays(nodes, index, src, dst, strength, distance)
