"""The all-pairs shortest-path metrics (betweenness, closeness, harmonic) with compiled code,
optionally split over worker processes.

These are the only super-linear metrics: one Dijkstra per source. Betweenness runs igraph's
weighted Brandes algorithm; closeness and harmonic closeness share one pass of scipy's Dijkstra
(in row blocks, so memory stays bounded). Neither library releases the GIL, so parallel work uses
processes ("spawn": safe inside a threaded web server). The work splits exactly: betweenness from
disjoint source sets adds up (igraph's subset betweenness), and distance rows are independent.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import igraph as ig
import numpy as np
import scipy.sparse as sp
import scipy.sparse.csgraph as csgraph

__all__ = ["PARALLEL_MIN_NODES", "AllPairs", "default_workers"]

#: Below this many stakeholders the worker start-up (about a second) costs more than it saves.
PARALLEL_MIN_NODES = 3000
#: Cells of the distance block computed at once (about 32 MB).
_CHUNK_CELLS = 4_000_000


def default_workers(n: int) -> int:
    """Return the number of worker processes for a graph of ``n`` nodes (1: in process)."""
    if n < PARALLEL_MIN_NODES:
        return 1
    return max(1, min(2, os.cpu_count() or 1))


def _graph(n: int, src: np.ndarray, dst: np.ndarray) -> ig.Graph:
    return ig.Graph(n=n, edges=np.column_stack([src, dst]).tolist())


def betweenness_raw(n, src, dst, dist, sources=None) -> np.ndarray:
    """igraph's undirected weighted betweenness (each unordered pair once) from ``sources``."""
    if n == 0:
        return np.zeros(0)
    g = _graph(n, src, dst)
    kw = {} if sources is None else {"sources": sources}
    return np.asarray(g.betweenness(weights=dist.tolist(), directed=False, **kw), dtype=float)


def closeness_harmonic_rows(n, src, dst, dist, start=0, stop=None):
    """Wasserman–Faust closeness and harmonic closeness of the nodes ``start:stop``."""
    stop = n if stop is None else stop
    clo = np.zeros(stop - start)
    har = np.zeros(stop - start)
    if n == 0 or len(src) == 0:
        return clo, har
    L = sp.csr_array(
        (np.concatenate([dist, dist]), (np.concatenate([src, dst]), np.concatenate([dst, src]))),
        shape=(n, n),
    )
    step = max(1, _CHUNK_CELLS // n)
    for lo in range(start, stop, step):
        rows = np.arange(lo, min(stop, lo + step))
        d = csgraph.dijkstra(L, directed=True, indices=rows)
        reach = np.isfinite(d)
        d[~reach] = 0.0
        tot = d.sum(axis=1)
        r1 = reach.sum(axis=1) - 1.0
        with np.errstate(divide="ignore", invalid="ignore"):
            c = np.where(tot > 0, r1 / tot * (r1 / max(n - 1, 1)), 0.0)
            inv = np.where(d > 0, 1.0 / d, 0.0)
        clo[rows - start] = c
        har[rows - start] = inv.sum(axis=1)
    return clo, har


class AllPairs:
    """Betweenness (raw igraph counts), closeness and harmonic closeness of an edge list.

    ``AllPairs(n, src, dst, dist, workers=k)`` starts the work (in ``k`` worker processes when
    ``k > 1``); :meth:`result` waits for it and returns the three arrays in node-index order. Start
    it early and compute other metrics meanwhile.
    """

    def __init__(self, n, src, dst, dist, *, workers: int = 1) -> None:
        self.n = n
        self._args = (n, np.asarray(src), np.asarray(dst), np.asarray(dist, dtype=float))
        self._pool: ProcessPoolExecutor | None = None
        self._parts: list[tuple[str, int, Future]] = []
        self._done: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        if workers > 1 and n > 0 and len(src) > 0:
            try:
                self._start(workers)
            except (OSError, RuntimeError, AssertionError):
                # e.g. inside a daemonic process, which may not have children: stay in process
                self._shutdown()

    def _start(self, workers: int) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx)
        bounds = np.linspace(0, self.n, workers + 1).astype(int).tolist()
        for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
            f = self._pool.submit(betweenness_raw, *self._args, list(range(lo, hi)))
            self._parts.append(("b", lo, f))
        for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
            f = self._pool.submit(closeness_harmonic_rows, *self._args, lo, hi)
            self._parts.append(("c", lo, f))

    def result(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return ``(betweenness_raw, closeness, harmonic)``."""
        if self._done is not None:
            return self._done
        done = None
        if self._pool is not None:
            try:
                done = self._collect()
            except BrokenProcessPool:
                done = None  # a worker died (killed, out of memory): compute in process
            finally:
                self._shutdown()
        if done is None:
            btw = betweenness_raw(*self._args)
            clo, har = closeness_harmonic_rows(*self._args)
            done = (btw, clo, har)
        self._done = done
        return done

    def _collect(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        btw = np.zeros(self.n)
        clo = np.zeros(self.n)
        har = np.zeros(self.n)
        for kind, lo, f in self._parts:
            if kind == "b":
                btw += f.result()
            else:
                c, h = f.result()
                clo[lo : lo + len(c)] = c
                har[lo : lo + len(h)] = h
        return btw, clo, har

    def _shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None
        self._parts = []
