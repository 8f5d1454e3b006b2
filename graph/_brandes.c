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

/* Bucket queues serve edge lengths within this ratio of each other (SPEC's lengths: 1 to 10). */
#define MAX_SPREAD 1e5

typedef struct {
    double dist;
    double sigma;
    double delta;
    int32_t pos; /* heap: the place in the heap, -1 when not in it; buckets: 1 once settled */
    int32_t pad;
} state;

/* A 4-ary min-heap of nodes keyed by state.dist, with decrease-key (at most n entries). */
typedef struct {
    int32_t *a;
    state *st;
    Py_ssize_t len;
} heap;

static inline void heap_up(heap *h, Py_ssize_t i) {
    int32_t v = h->a[i];
    double k = h->st[v].dist;
    while (i > 0) {
        Py_ssize_t p = (i - 1) >> 2;
        int32_t u = h->a[p];
        if (h->st[u].dist <= k) break;
        h->a[i] = u;
        h->st[u].pos = (int32_t)i;
        i = p;
    }
    h->a[i] = v;
    h->st[v].pos = (int32_t)i;
}

static inline int32_t heap_pop(heap *h) {
    int32_t top = h->a[0];
    h->st[top].pos = -1;
    int32_t last = h->a[--h->len];
    Py_ssize_t n = h->len;
    if (n == 0) return top;
    double k = h->st[last].dist;
    Py_ssize_t i = 0;
    for (;;) {
        Py_ssize_t c = 4 * i + 1;
        if (c >= n) break;
        Py_ssize_t e = c + 4 < n ? c + 4 : n;
        Py_ssize_t b = c;
        double bk = h->st[h->a[c]].dist;
        for (Py_ssize_t j = c + 1; j < e; j++) {
            double kj = h->st[h->a[j]].dist;
            if (kj < bk) {
                bk = kj;
                b = j;
            }
        }
        if (bk >= k) break;
        int32_t u = h->a[b];
        h->a[i] = u;
        h->st[u].pos = (int32_t)i;
        i = b;
    }
    h->a[i] = last;
    h->st[last].pos = (int32_t)i;
    return top;
}

typedef struct {
    int32_t to;
    double w;
} arc;

/*
 * Run sources [lo, hi) with the heap. Adds each node's dependency to bc (summed over ordered
 * pairs, so twice the undirected count) and writes closeness and harmonic closeness of each source
 * s into clo[s - lo] and har[s - lo]. Returns 0, or -1 when out of memory.
 */
static int run(Py_ssize_t n, const int64_t *indptr, const int64_t *indices, const double *w,
               Py_ssize_t lo, Py_ssize_t hi, double *bc, double *clo, double *har) {
    Py_ssize_t m = indptr[n];
    state *st = malloc((size_t)(n ? n : 1) * sizeof(state));
    int32_t *order = malloc((size_t)(n ? n : 1) * sizeof(int32_t));
    int32_t *ha = malloc((size_t)(n ? n : 1) * sizeof(int32_t));
    arc *adj = malloc((size_t)(m ? m : 1) * sizeof(arc));
    int rc = 0;
    if (!st || !order || !ha || !adj) {
        rc = -1;
        goto out;
    }
    for (Py_ssize_t k = 0; k < m; k++) {
        adj[k].to = (int32_t)indices[k];
        adj[k].w = w[k];
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        st[i].dist = INFINITY;
        st[i].sigma = 0.0;
        st[i].delta = 0.0;
        st[i].pos = -1;
        st[i].pad = 0;
    }
    heap h = {ha, st, 0};
    for (Py_ssize_t s = lo; s < hi; s++) {
        Py_ssize_t settled = 0;
        double total = 0.0, inverse = 0.0;
        st[s].dist = 0.0;
        st[s].sigma = 1.0;
        h.a[0] = (int32_t)s;
        st[s].pos = 0;
        h.len = 1;
        while (h.len > 0) {
            int32_t v = heap_pop(&h);
            order[settled++] = v;
            double dv = st[v].dist;
            if (v != s) {
                total += dv;
                inverse += 1.0 / dv;
            }
            double sv = st[v].sigma;
            const arc *e = adj + indptr[v], *end = adj + indptr[v + 1];
            for (; e < end; e++) {
                state *x = st + e->to;
                double nd = dv + e->w;
                if (nd < x->dist) {
                    x->dist = nd;
                    x->sigma = sv;
                    if (x->pos < 0) {
                        h.a[h.len] = e->to;
                        x->pos = (int32_t)h.len++;
                    }
                    heap_up(&h, x->pos);
                } else if (nd == x->dist) {
                    x->sigma += sv;
                }
            }
        }
        for (Py_ssize_t i = settled - 1; i > 0; i--) {
            int32_t x = order[i];
            state *sx = st + x;
            double coeff = (1.0 + sx->delta) / sx->sigma;
            double dx = sx->dist;
            const arc *e = adj + indptr[x], *end = adj + indptr[x + 1];
            for (; e < end; e++) {
                state *v = st + e->to;
                if (v->dist + e->w == dx) v->delta += v->sigma * coeff;
            }
            bc[x] += sx->delta;
        }
        double r1 = (double)(settled - 1);
        clo[s - lo] = total > 0.0 ? (r1 / total) * (r1 / (double)(n > 1 ? n - 1 : 1)) : 0.0;
        har[s - lo] = inverse;
        for (Py_ssize_t i = 0; i < settled; i++) {
            state *v = st + order[i];
            v->dist = INFINITY;
            v->sigma = 0.0;
            v->delta = 0.0;
        }
    }
out:
    free(st);
    free(order);
    free(ha);
    free(adj);
    return rc;
}


typedef struct {
    double dist;
    double sigma;
} pair;

/* A growable vector of nodes (one bucket of the bucket queue). */
typedef struct {
    int32_t *a;
    Py_ssize_t len, cap;
} vec;

static inline int vec_push(vec *b, int32_t x) {
    if (b->len == b->cap) {
        Py_ssize_t cap = b->cap ? 2 * b->cap : 64;
        int32_t *a = realloc(b->a, (size_t)cap * sizeof(int32_t));
        if (!a) return -1;
        b->a = a;
        b->cap = cap;
    }
    b->a[b->len++] = x;
    return 0;
}

/*
 * The same pass with a bucket queue (Dial's algorithm with buckets narrower than the shortest edge,
 * after Dinitz): bucket k holds nodes at distance about [k*width, (k+1)*width) with width half the
 * shortest edge, so no node of a bucket can improve or precede another of the same bucket. Every
 * node of the lowest non-empty bucket is therefore final, and any order inside a bucket is a valid
 * order for the dependency walk. Stale entries (a node moved to a lower bucket) are skipped.
 *
 * Since a node's predecessors are all settled before it, one scan of its edges when it is settled
 * finds them (settled neighbours at exactly the right distance: its path count is their sum, and
 * they are listed for the dependency walk) and relaxes the others. The walk back then reads only
 * those lists, not every edge again.
 */
static int run_buckets(Py_ssize_t n, const int64_t *indptr, const int64_t *indices,
                       const double *w, double wmin, double wmax, Py_ssize_t lo, Py_ssize_t hi,
                       double *bc, double *clo, double *har) {
    Py_ssize_t m = indptr[n];
    double inv = 2.0 / wmin;
    Py_ssize_t nb = (Py_ssize_t)(wmax * inv) + 3;
    /* distance and path count side by side (a node is settled once its count is positive);
       the dependencies apart, read only on the way back */
    pair *st = malloc((size_t)(n ? n : 1) * sizeof(pair));
    double *delta = malloc((size_t)(n ? n : 1) * sizeof(double));
    int32_t *order = malloc((size_t)(n ? n : 1) * sizeof(int32_t));
    /* predecessors of the i-th settled node: preds[pstart[i] .. pstart[i + 1]) */
    int32_t *preds = malloc((size_t)(m ? m : 1) * sizeof(int32_t));
    Py_ssize_t *pstart = malloc((size_t)(n + 1) * sizeof(Py_ssize_t));
    arc *adj = malloc((size_t)(m ? m : 1) * sizeof(arc));
    vec *b = calloc((size_t)nb, sizeof(vec));
    int rc = 0;
    if (!st || !delta || !order || !preds || !pstart || !adj || !b) {
        rc = -1;
        goto out;
    }
    for (Py_ssize_t k = 0; k < m; k++) {
        adj[k].to = (int32_t)indices[k];
        adj[k].w = w[k];
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        st[i].dist = INFINITY;
        st[i].sigma = 0.0;
        delta[i] = 0.0;
    }
    for (Py_ssize_t s = lo; s < hi; s++) {
        Py_ssize_t settled = 0, pending = 1, np_ = 0;
        double total = 0.0, inverse = 0.0;
        st[s].dist = 0.0;
        if (vec_push(&b[0], (int32_t)s) < 0) {
            rc = -1;
            goto out;
        }
        for (Py_ssize_t k = 0; pending > 0; k++) {
            vec *cur = &b[k % nb];
            /* settling pushes into later buckets only, never into this one */
            for (Py_ssize_t j = 0; j < cur->len; j++) {
                int32_t v = cur->a[j];
                pending--;
                pair *sv = st + v;
                if (sv->sigma > 0.0) continue;
                pstart[settled] = np_;
                order[settled++] = v;
                double dv = sv->dist;
                double sigma = v == s ? 1.0 : 0.0;
                const arc *e = adj + indptr[v], *end = adj + indptr[v + 1];
                for (; e < end; e++) {
                    pair *x = st + e->to;
                    if (x->sigma > 0.0) {
                        if (x->dist + e->w == dv) {
                            sigma += x->sigma;
                            preds[np_++] = e->to;
                        }
                        continue;
                    }
                    double nd = dv + e->w;
                    if (nd < x->dist) {
                        x->dist = nd;
                        if (vec_push(&b[(Py_ssize_t)(nd * inv) % nb], e->to) < 0) {
                            rc = -1;
                            goto out;
                        }
                        pending++;
                    }
                }
                sv->sigma = sigma;
                if (v != s) {
                    total += dv;
                    inverse += 1.0 / dv;
                }
            }
            cur->len = 0;
        }
        pstart[settled] = np_;
        for (Py_ssize_t i = settled - 1; i > 0; i--) {
            int32_t x = order[i];
            double coeff = (1.0 + delta[x]) / st[x].sigma;
            for (Py_ssize_t k = pstart[i]; k < pstart[i + 1]; k++) {
                int32_t v = preds[k];
                delta[v] += st[v].sigma * coeff;
            }
            bc[x] += delta[x];
        }
        double r1 = (double)(settled - 1);
        clo[s - lo] = total > 0.0 ? (r1 / total) * (r1 / (double)(n > 1 ? n - 1 : 1)) : 0.0;
        har[s - lo] = inverse;
        for (Py_ssize_t i = 0; i < settled; i++) {
            int32_t v = order[i];
            st[v].dist = INFINITY;
            st[v].sigma = 0.0;
            delta[v] = 0.0;
        }
    }
out:
    free(st);
    free(delta);
    free(order);
    free(preds);
    free(pstart);
    free(adj);
    if (b)
        for (Py_ssize_t i = 0; i < nb; i++) free(b[i].a);
    free(b);
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
             "allpairs(n, indptr, indices, weights, lo, hi, bc, clo, har, queue=0)\n\n"
             "Brandes from sources lo..hi-1 of an undirected CSR graph (int64 indptr and "
             "indices, float64 weights). Adds dependencies (ordered pairs) into bc (float64, n) "
             "and writes Wasserman-Faust closeness and harmonic closeness of the sources into "
             "clo and har (float64, hi - lo). queue: 0 chooses, 1 a heap, 2 buckets. Releases the GIL.");

static PyObject *allpairs(PyObject *self, PyObject *args) {
    Py_ssize_t n, lo, hi;
    int queue = 0;
    Py_buffer indptr, indices, weights, bc, clo, har;
    if (!PyArg_ParseTuple(args, "ny*y*y*nnw*w*w*|i", &n, &indptr, &indices, &weights, &lo, &hi,
                          &bc, &clo, &har, &queue))
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
    double wmin = INFINITY, wmax = 0.0;
    for (Py_ssize_t k = 0; k < m; k++) {
        if (wt[k] < wmin) wmin = wt[k];
        if (wt[k] > wmax) wmax = wt[k];
    }
    /* buckets unless the lengths spread so widely that there would be too many of them */
    int buckets = queue == 2 || (queue == 0 && m > 0 && wmax / wmin <= MAX_SPREAD);
    Py_BEGIN_ALLOW_THREADS if (buckets && m > 0) rc =
        run_buckets(n, ip, ix, wt, wmin, wmax, lo, hi, bc.buf, clo.buf, har.buf);
    else rc = run(n, ip, ix, wt, lo, hi, bc.buf, clo.buf, har.buf);
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
