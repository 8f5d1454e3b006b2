/*
 * graph._brandes: betweenness, closeness and harmonic closeness of an undirected weighted graph in
 * one pass of Brandes' algorithm (Brandes 2001, "A faster algorithm for betweenness centrality",
 * J. Math. Sociol. 25(2)), one Dijkstra per source.
 *
 * Every single-source pass yields the distances (so closeness and harmonic closeness come for
 * free), the shortest-path counts and, walking the settled nodes backwards, each node's dependency
 * on the source. Distances are compared exactly, as networkx does: the caller puts edge lengths on
 * a dyadic grid so that equal path lengths are equal floats whatever the order of the sum.
 *
 * The graph arrives in CSR form (indptr, indices, weights: both directions of each edge). The
 * arrays are read through the buffer protocol (no numpy C API, so nothing but a C compiler is
 * needed to build), and the GIL is released while computing, so threads run sources in parallel.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * An indexed binary min-heap of nodes keyed by their tentative distance, with decrease-key: it
 * never holds more than n entries, and a node's position is kept in pos (-1: not in the heap).
 */
typedef struct {
    int32_t *a;
    int32_t *pos;
    const double *key;
    Py_ssize_t len;
} heap;

static inline void heap_up(heap *h, Py_ssize_t i) {
    int32_t v = h->a[i];
    double k = h->key[v];
    while (i > 0) {
        Py_ssize_t p = (i - 1) >> 1;
        int32_t u = h->a[p];
        if (h->key[u] <= k) break;
        h->a[i] = u;
        h->pos[u] = (int32_t)i;
        i = p;
    }
    h->a[i] = v;
    h->pos[v] = (int32_t)i;
}

static inline int32_t heap_pop(heap *h) {
    int32_t top = h->a[0];
    h->pos[top] = -1;
    int32_t last = h->a[--h->len];
    Py_ssize_t n = h->len;
    if (n == 0) return top;
    double k = h->key[last];
    Py_ssize_t i = 0;
    for (;;) {
        Py_ssize_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && h->key[h->a[c + 1]] < h->key[h->a[c]]) c++;
        int32_t u = h->a[c];
        if (h->key[u] >= k) break;
        h->a[i] = u;
        h->pos[u] = (int32_t)i;
        i = c;
    }
    h->a[i] = last;
    h->pos[last] = (int32_t)i;
    return top;
}

typedef struct {
    int32_t to;
    double w;
} arc;

/*
 * Run sources [lo, hi). Adds each node's dependency to bc (summed over ordered pairs, so twice the
 * undirected count) and writes closeness and harmonic closeness of each source s into clo[s - lo]
 * and har[s - lo]. Returns 0, or -1 when out of memory.
 */
static int run(Py_ssize_t n, const int64_t *indptr, const int64_t *indices, const double *w,
               Py_ssize_t lo, Py_ssize_t hi, double *bc, double *clo, double *har) {
    Py_ssize_t m = indptr[n];
    double *dist = malloc((size_t)n * sizeof(double));
    double *sigma = calloc((size_t)n, sizeof(double));
    double *delta = calloc((size_t)n, sizeof(double));
    int32_t *order = malloc((size_t)n * sizeof(int32_t));
    int32_t *pos = malloc((size_t)n * sizeof(int32_t));
    int32_t *ha = malloc((size_t)n * sizeof(int32_t));
    arc *adj = malloc((size_t)(m ? m : 1) * sizeof(arc));
    int rc = 0;
    if (!dist || !sigma || !delta || !order || !pos || !ha || !adj) {
        rc = -1;
        goto out;
    }
    for (Py_ssize_t k = 0; k < m; k++) {
        adj[k].to = (int32_t)indices[k];
        adj[k].w = w[k];
    }
    heap h = {ha, pos, dist, 0};
    for (Py_ssize_t i = 0; i < n; i++) {
        dist[i] = INFINITY;
        pos[i] = -1;
    }
    for (Py_ssize_t s = lo; s < hi; s++) {
        Py_ssize_t settled = 0;
        double total = 0.0, inverse = 0.0;
        dist[s] = 0.0;
        sigma[s] = 1.0;
        h.a[0] = (int32_t)s;
        pos[s] = 0;
        h.len = 1;
        while (h.len > 0) {
            int32_t v = heap_pop(&h);
            order[settled++] = v;
            double dv = dist[v];
            if (v != s) {
                total += dv;
                inverse += 1.0 / dv;
            }
            double sv = sigma[v];
            const arc *e = adj + indptr[v], *end = adj + indptr[v + 1];
            for (; e < end; e++) {
                int32_t x = e->to;
                double nd = dv + e->w;
                double dx = dist[x];
                if (nd < dx) {
                    dist[x] = nd;
                    sigma[x] = sv;
                    if (pos[x] < 0) {
                        h.a[h.len] = x;
                        pos[x] = (int32_t)h.len++;
                    }
                    heap_up(&h, pos[x]);
                } else if (nd == dx) {
                    sigma[x] += sv;
                }
            }
        }
        /* dependencies, farthest first: delta(v) = sum over successors x of
           sigma(v)/sigma(x) * (1 + delta(x)); v precedes x when dist(v) + w(v, x) = dist(x) */
        for (Py_ssize_t i = settled - 1; i > 0; i--) {
            int32_t x = order[i];
            double coeff = (1.0 + delta[x]) / sigma[x];
            double dx = dist[x];
            const arc *e = adj + indptr[x], *end = adj + indptr[x + 1];
            for (; e < end; e++) {
                int32_t v = e->to;
                if (dist[v] + e->w == dx) delta[v] += sigma[v] * coeff;
            }
            bc[x] += delta[x];
        }
        double r1 = (double)(settled - 1);
        clo[s - lo] = total > 0.0 ? (r1 / total) * (r1 / (double)(n > 1 ? n - 1 : 1)) : 0.0;
        har[s - lo] = inverse;
        for (Py_ssize_t i = 0; i < settled; i++) {
            int32_t v = order[i];
            dist[v] = INFINITY;
            sigma[v] = 0.0;
            delta[v] = 0.0;
        }
    }
out:
    free(dist);
    free(sigma);
    free(delta);
    free(order);
    free(pos);
    free(ha);
    free(adj);
    return rc;
}

static int want(Py_buffer *b, Py_ssize_t itemsize, Py_ssize_t count, const char *name) {
    if (b->itemsize != itemsize || b->len != itemsize * count) {
        PyErr_Format(PyExc_ValueError, "%s: expected %zd items of %zd bytes", name, count,
                     itemsize);
        return -1;
    }
    return 0;
}

PyDoc_STRVAR(allpairs_doc,
             "allpairs(n, indptr, indices, weights, lo, hi, bc, clo, har)\n\n"
             "Brandes from sources lo..hi-1 of an undirected CSR graph (int64 indptr and "
             "indices, float64 weights). Adds dependencies (ordered pairs) into bc (float64, n) "
             "and writes Wasserman-Faust closeness and harmonic closeness of the sources into "
             "clo and har (float64, hi - lo). Releases the GIL.");

static PyObject *allpairs(PyObject *self, PyObject *args) {
    Py_ssize_t n, lo, hi;
    Py_buffer indptr, indices, weights, bc, clo, har;
    if (!PyArg_ParseTuple(args, "ny*y*y*nnw*w*w*", &n, &indptr, &indices, &weights, &lo, &hi,
                          &bc, &clo, &har))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t m = indices.len / 8;
    if (n < 0 || n > INT32_MAX || lo < 0 || hi < lo || hi > n) {
        PyErr_SetString(PyExc_ValueError, "need 0 <= lo <= hi <= n < 2**31");
        goto out;
    }
    if (want(&indptr, 8, n + 1, "indptr") || want(&indices, 8, m, "indices") ||
        want(&weights, 8, m, "weights") || want(&bc, 8, n, "bc") ||
        want(&clo, 8, hi - lo, "clo") || want(&har, 8, hi - lo, "har"))
        goto out;
    const int64_t *ip = indptr.buf, *ix = indices.buf;
    if (ip[0] != 0 || ip[n] != m) {
        PyErr_SetString(PyExc_ValueError, "indptr does not match indices");
        goto out;
    }
    for (Py_ssize_t i = 0; i < n; i++)
        if (ip[i] > ip[i + 1]) {
            PyErr_SetString(PyExc_ValueError, "indptr is not monotone");
            goto out;
        }
    const double *wt = weights.buf;
    for (Py_ssize_t k = 0; k < m; k++)
        if (ix[k] < 0 || ix[k] >= n || !(wt[k] > 0.0) || !isfinite(wt[k])) {
            PyErr_SetString(PyExc_ValueError,
                            "indices must be nodes and weights finite and positive");
            goto out;
        }
    int rc;
    Py_BEGIN_ALLOW_THREADS rc = run(n, ip, ix, wt, lo, hi, bc.buf, clo.buf, har.buf);
    Py_END_ALLOW_THREADS if (rc < 0) {
        PyErr_NoMemory();
        goto out;
    }
    result = Py_NewRef(Py_None);
out:
    PyBuffer_Release(&indptr);
    PyBuffer_Release(&indices);
    PyBuffer_Release(&weights);
    PyBuffer_Release(&bc);
    PyBuffer_Release(&clo);
    PyBuffer_Release(&har);
    return result;
}

static PyMethodDef methods[] = {
    {"allpairs", allpairs, METH_VARARGS, allpairs_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_brandes",
    "Betweenness, closeness and harmonic closeness in one Brandes pass (compiled).", -1, methods,
};

PyMODINIT_FUNC PyInit__brandes(void) { return PyModule_Create(&module); }
