"""The all-pairs shortest-path metrics (betweenness, closeness, harmonic) with compiled code,
split over threads.

These are the only super-linear metrics: one Dijkstra per source. ``graph._brandes`` (C, built at
install) computes all three in one pass of Brandes' algorithm per source and releases the GIL, so
sources split over threads and the rest of the analysis runs in Python meanwhile. The work splits
exactly: dependencies from disjoint source sets add up, and each source's closeness is its own.

Where the module is not built (a source checkout without a compiler), the same numbers come from
igraph's weighted betweenness and scipy's Dijkstra, split over worker processes, since neither
releases the GIL. Both paths agree with networkx (the tests run both).
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import igraph as ig
import numpy as np
import scipy.sparse as sp
import scipy.sparse.csgraph as csgraph

try:
    from graph import _brandes
except ImportError:  # not built: the igraph and scipy fallback below
    _brandes = None

__all__ = ["COMPILED", "PARALLEL_MIN_NODES", "AllPairs", "brandes", "default_workers"]

#: Whether the compiled one-pass kernel is available.
COMPILED = _brandes is not None
#: Below this many stakeholders worker processes (about a second to start) cost more than they
#: save; threads for the compiled kernel pay off from :data:`THREAD_MIN_NODES`.
PARALLEL_MIN_NODES = 3000
THREAD_MIN_NODES = 300
#: Cells of the distance block computed at once (about 32 MB).
_CHUNK_CELLS = 4_000_000


def default_workers(n: int) -> int:
    """Return the number of workers for a graph of ``n`` nodes (1: in the calling thread):
    threads for the compiled kernel, else processes (at most 2)."""
    if n < (THREAD_MIN_NODES if COMPILED else PARALLEL_MIN_NODES):
        return 1
    cores = os.cpu_count() or 1
    return max(1, cores if COMPILED else min(2, cores))


def _csr(n: int, src, dst, dist) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Both directions of each edge as CSR arrays (int64 indptr and indices, float64 lengths)."""
    L = sp.csr_array(
        (
            np.concatenate([dist, dist]).astype(float),
            (np.concatenate([src, dst]), np.concatenate([dst, src])),
        ),
        shape=(n, n),
    )
    L.sum_duplicates()
    return (
        np.ascontiguousarray(L.indptr, dtype=np.int64),
        np.ascontiguousarray(L.indices, dtype=np.int64),
        np.ascontiguousarray(L.data, dtype=float),
    )


def brandes(csr, n: int, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The compiled pass over sources ``lo:hi``: ``(dependencies, closeness, harmonic)``, the
    dependencies summed over ordered pairs (twice igraph's undirected count)."""
    bc = np.zeros(n)
    clo = np.zeros(hi - lo)
    har = np.zeros(hi - lo)
    indptr, indices, weights = csr
    _brandes.allpairs(n, indptr, indices, weights, lo, hi, bc, clo, har)
    return bc, clo, har


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

    ``AllPairs(n, src, dst, dist, workers=k)`` starts the work (in ``k`` threads, or worker
    processes without the compiled kernel, when ``k > 1``); :meth:`result` waits for it and
    returns the three arrays in node-index order. Start it early and compute other metrics
    meanwhile. ``compiled=False`` forces the igraph and scipy path.
    """

    def __init__(
        self, n, src, dst, dist, *, workers: int = 1, compiled: bool | None = None
    ) -> None:
        self.n = n
        self._args = (n, np.asarray(src), np.asarray(dst), np.asarray(dist, dtype=float))
        self._pool: ProcessPoolExecutor | ThreadPoolExecutor | None = None
        self._parts: list[tuple[str, int, Future]] = []
        self._done: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self.compiled = COMPILED if compiled is None else compiled and COMPILED
        if self.compiled:
            self._start_threads(max(1, workers))
            return
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

    def _start_threads(self, workers: int) -> None:
        n = self.n
        csr = _csr(*self._args)
        if workers == 1 or n < 2:
            self._done = self._combine([(0, brandes(csr, n, 0, n))])
            return
        # more blocks than threads: sources differ in cost, so the threads stay busy to the end
        blocks = np.linspace(0, n, 4 * workers + 1).astype(int).tolist()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="brandes")
        for lo, hi in zip(blocks[:-1], blocks[1:], strict=True):
            self._parts.append(("t", lo, self._pool.submit(brandes, csr, n, lo, hi)))

    def _combine(self, parts) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        btw = np.zeros(self.n)
        clo = np.zeros(self.n)
        har = np.zeros(self.n)
        for lo, (b, c, h) in parts:
            btw += b
            clo[lo : lo + len(c)] = c
            har[lo : lo + len(h)] = h
        return btw / 2.0, clo, har

    def result(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return ``(betweenness_raw, closeness, harmonic)``."""
        if self._done is not None:
            return self._done
        if self.compiled:
            try:
                self._done = self._combine([(lo, f.result()) for _, lo, f in self._parts])
            finally:
                self._shutdown()
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
