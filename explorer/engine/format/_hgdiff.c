/*
 * Mercurial's own deltas in C: explorer/engine/format/pure/hgdiff.py, step for step.
 *
 * The pure module explains the algorithm (hg's bdiff: prefix and suffix cut,
 * popularity limit, longest-match recursion with its tie-breaks and the
 * position table it never clears, block shifting); this file runs the same
 * steps on arrays. Lines are numbered by class (equal bytes, equal class;
 * a's lines absent from b get -1) through a hash table whose order decides
 * nothing (the hash is hg's, chosen for speed, not for the output). Where a line occurs in b is a chain from its last occurrence
 * down, as hg walks it.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define HEADER 12
#define WINDOW 30000

typedef Py_ssize_t ssize;

typedef struct {
	const char *text;
	ssize n;    /* lines */
	ssize *off; /* off[i]: where line i starts; off[n]: the size */
	ssize *cls; /* class of each line; -1: a line of a that b lacks */
	uint32_t *hash;
} lines;

typedef struct {
	ssize a1, a2, b1, b2;
} quad;

typedef struct {
	quad *items;
	ssize count, capacity;
} quads;

typedef struct {
	ssize i, k; /* the a line last matched with this b line, and the run ending there */
} ending;

typedef struct {
	lines a, b;
	ssize *last;   /* per class: its last line in b (the chain's head) */
	ssize *count;  /* per class: its lines in b */
	ssize *prev;   /* per b line: the class's line before it in b, or -1 */
	ssize *starts; /* per a line: head of its chain, or -1 (absent or too common) */
	ending *pos; /* per b line */
} hg_matcher;

static void *zeroed(ssize count, size_t size)
{
	return PyMem_Calloc(count > 0 ? (size_t)count : 1, size);
}

static int push(quads *list, ssize a1, ssize a2, ssize b1, ssize b2)
{
	if (list->count == list->capacity) {
		ssize capacity = list->capacity ? 2 * list->capacity : 64;
		quad *items = PyMem_Realloc(list->items, (size_t)capacity * sizeof(quad));
		if (items == NULL) {
			PyErr_NoMemory();
			return -1;
		}
		list->items = items;
		list->capacity = capacity;
	}
	list->items[list->count++] = (quad){a1, a2, b1, b2};
	return 0;
}

/* -- lines and their classes ------------------------------------------------------------ */

/* The lines of text, and a hash of each (diffutils' rotate-and-add, hg's too: cheap,
 * and only ever a hint: equal classes need equal bytes). */
static int split(const char *text, ssize size, lines *out)
{
	ssize n = 0, i;
	uint32_t h = 0;
	const char *p = text, *end = text + size;
	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		n++;
		p++;
	}
	n += size > 0 && text[size - 1] != '\n';
	out->text = text;
	out->n = n;
	out->off = zeroed(n + 1, sizeof(ssize));
	out->cls = zeroed(n, sizeof(ssize));
	out->hash = zeroed(n, sizeof(uint32_t));
	if (out->off == NULL || out->cls == NULL || out->hash == NULL) {
		PyErr_NoMemory();
		return -1;
	}
	n = 0;
	for (i = 0; i < size; i++) {
		h = (unsigned char)text[i] + (h << 7 | h >> 25);
		if (text[i] == '\n') {
			out->hash[n] = h;
			out->off[++n] = i + 1;
			h = 0;
		}
	}
	if (n < out->n)
		out->hash[n] = h;
	out->off[out->n] = size;
	return 0;
}

static int same_line(const lines *x, ssize i, const lines *y, ssize j)
{
	ssize size = x->off[i + 1] - x->off[i];
	return x->hash[i] == y->hash[j] && size == y->off[j + 1] - y->off[j] &&
	       memcmp(x->text + x->off[i], y->text + y->off[j], (size_t)size) == 0;
}

/* The class of line i of l in the table of b's classes (slot -> a b line of the class),
 * added when add is set; -1 when absent. */
static ssize lookup(hg_matcher *m, ssize *slots, ssize mask, const lines *l, ssize i, int add,
                    ssize *classes)
{
	ssize s = (ssize)(l->hash[i] & (uint64_t)mask);
	for (; slots[s] >= 0; s = (s + 1) & mask)
		if (same_line(l, i, &m->b, slots[s]))
			return m->b.cls[slots[s]];
	if (!add)
		return -1;
	slots[s] = i;
	return (*classes)++;
}

static int classify(hg_matcher *m)
{
	ssize size = 4, i, classes = 0, limit, bn = m->b.n;
	ssize *slots;
	while (size < 2 * (bn + 1))
		size *= 2;
	slots = PyMem_Malloc((size_t)size * sizeof(ssize));
	m->last = zeroed(bn, sizeof(ssize));
	m->count = zeroed(bn, sizeof(ssize));
	m->prev = zeroed(bn, sizeof(ssize));
	m->starts = zeroed(m->a.n, sizeof(ssize));
	m->pos = zeroed(bn, sizeof(ending));
	if (!slots || !m->last || !m->count || !m->prev || !m->starts || !m->pos) {
		PyMem_Free(slots);
		PyErr_NoMemory();
		return -1;
	}
	memset(slots, 0xff, (size_t)size * sizeof(ssize)); /* every slot -1 */
	for (i = 0; i < bn; i++) {
		ssize c = lookup(m, slots, size - 1, &m->b, i, 1, &classes);
		m->b.cls[i] = c;
		m->prev[i] = m->count[c] ? m->last[c] : -1;
		m->last[c] = i;
		m->count[c]++;
	}
	limit = bn >= 31000 ? bn / 1000 : 1000000 / (bn + 1);
	for (i = 0; i < m->a.n; i++) {
		ssize c = lookup(m, slots, size - 1, &m->a, i, 0, &classes);
		m->a.cls[i] = c;
		m->starts[i] = c >= 0 && m->count[c] <= limit ? m->last[c] : -1;
	}
	PyMem_Free(slots);
	return 0;
}

/* -- the search ------------------------------------------------------------------------- */

/* hg's longest match in the region: a[*mi, *mi + k) == b[*mj, *mj + k), k returned. */
static ssize longest(hg_matcher *m, ssize a1, ssize a2, ssize b1, ssize b2, ssize *omi,
                     ssize *omj)
{
	const ssize *ac = m->a.cls, *bc = m->b.cls;
	ending *pos = m->pos;
	ssize mi = a1, mj = b1, mk = 0, i, j, k, half, bhalf;
	if (a2 - a1 > WINDOW)
		a1 = a2 - WINDOW;
	half = (a1 + a2 - 1) / 2;
	bhalf = (b1 + b2 - 1) / 2;
	for (i = a1; i < a2; i++) {
		for (j = m->starts[i]; j >= b2; j = m->prev[j])
			;
		for (; j >= b1; j = m->prev[j]) {
			for (k = 1; j - k >= b1 && i - k >= a1; k++) {
				if (pos[j - k].i == i - k) { /* an earlier run, or a zeroed entry */
					k += pos[j - k].k;
					break;
				}
				if (ac[i - k] != bc[j - k])
					break;
			}
			pos[j].i = i;
			pos[j].k = k;
			if (k > mk) {
				mi = i;
				mj = j;
				mk = k;
			} else if (k == mk) {
				if (i > mi && i <= half && j > b1) {
					mi = i;
					mj = j;
				} else if (i == mi && (mj > bhalf || i == a1)) {
					mj = j;
				}
			}
		}
	}
	if (mk) {
		mi -= mk - 1;
		mj -= mk - 1;
	}
	while (mi + mk < a2 && mj + mk < b2 && ac[mi + mk] == bc[mj + mk])
		mk++;
	*omi = mi;
	*omj = mj;
	return mk;
}

/* The blocks in hg's order: a region's left part, its run, its right part. A stack
 * entry with a2 < 0 is a run found (a1, j, k in a1, b1, b2), to emit when popped. */
static int recurse(hg_matcher *m, quads *blocks)
{
	quads stack = {NULL, 0, 0};
	int status = push(&stack, 0, m->a.n, 0, m->b.n);
	while (status == 0 && stack.count) {
		quad q = stack.items[--stack.count];
		ssize i, j, k;
		if (q.a2 < 0) {
			status = push(blocks, q.a1, q.a1 + q.b2, q.b1, q.b1 + q.b2);
			continue;
		}
		k = longest(m, q.a1, q.a2, q.b1, q.b2, &i, &j);
		if (k == 0)
			continue;
		if (push(&stack, i + k, q.a2, j + k, q.b2) || push(&stack, i, -1, j, k) ||
		    push(&stack, q.a1, i, q.b1, j))
			status = -1;
	}
	PyMem_Free(stack.items);
	if (status == 0)
		status = push(blocks, m->a.n, m->a.n, m->b.n, m->b.n);
	return status;
}

static void shift(const hg_matcher *m, quads *blocks)
{
	ssize n;
	for (n = 0; n + 1 < blocks->count; n++) {
		quad *cur = &blocks->items[n], *nxt = &blocks->items[n + 1];
		if (cur->a2 != nxt->a1 && cur->b2 != nxt->b1)
			continue;
		while (cur->a2 < m->a.n && cur->b2 < m->b.n && nxt->a1 < nxt->a2 && nxt->b1 < nxt->b2 &&
		       m->a.cls[cur->a2] == m->b.cls[cur->b2]) {
			cur->a2++;
			cur->b2++;
			nxt->a1++;
			nxt->b1++;
		}
	}
}

/* -- the delta -------------------------------------------------------------------------- */

static void put32(char *out, ssize value)
{
	uint32_t v = (uint32_t)value;
	out[0] = (char)(v >> 24);
	out[1] = (char)(v >> 16);
	out[2] = (char)(v >> 8);
	out[3] = (char)v;
}

static PyObject *emit(const hg_matcher *m, const quads *blocks, ssize start)
{
	const ssize *ao = m->a.off, *bo = m->b.off;
	ssize size = 0, la = 0, lb = 0, n;
	PyObject *out;
	char *w;
	for (n = 0; n < blocks->count; n++) {
		const quad *h = &blocks->items[n];
		if (h->a1 != la || h->b1 != lb)
			size += HEADER + bo[h->b1] - bo[lb];
		la = h->a2;
		lb = h->b2;
	}
	out = PyBytes_FromStringAndSize(NULL, size);
	if (out == NULL)
		return NULL;
	w = PyBytes_AS_STRING(out);
	la = lb = 0;
	for (n = 0; n < blocks->count; n++) {
		const quad *h = &blocks->items[n];
		if (h->a1 != la || h->b1 != lb) {
			ssize length = bo[h->b1] - bo[lb];
			put32(w, start + ao[la]);
			put32(w + 4, start + ao[h->a1]);
			put32(w + 8, length);
			memcpy(w + HEADER, m->b.text + bo[lb], (size_t)length);
			w += HEADER + length;
		}
		la = h->a2;
		lb = h->b2;
	}
	return out;
}

static ssize cut_prefix(const char *a, const char *b, ssize limit)
{
	ssize i, cut = 0;
	for (i = 0; i < limit && a[i] == b[i]; i++)
		if (a[i] == '\n')
			cut = i + 1;
	return cut;
}

static ssize cut_suffix(const char *a, ssize la, const char *b, ssize lb, ssize limit)
{
	ssize i, cut = 0;
	for (i = 0; i < limit && a[la - 1 - i] == b[lb - 1 - i]; i++)
		if (a[la - 1 - i] == '\n')
			cut = i;
	return cut;
}

static void release(hg_matcher *m)
{
	PyMem_Free(m->a.off);
	PyMem_Free(m->a.cls);
	PyMem_Free(m->a.hash);
	PyMem_Free(m->b.hash);
	PyMem_Free(m->b.off);
	PyMem_Free(m->b.cls);
	PyMem_Free(m->last);
	PyMem_Free(m->count);
	PyMem_Free(m->prev);
	PyMem_Free(m->starts);
	PyMem_Free(m->pos);
}

static PyObject *hg_delta(const char *a, ssize la, const char *b, ssize lb, int prune_suffix)
{
	ssize shorter = la < lb ? la : lb, start, tail = 0;
	hg_matcher m;
	quads blocks = {NULL, 0, 0};
	PyObject *out = NULL;
	if (la > UINT32_MAX || lb > UINT32_MAX) /* hg's limit; offsets are 32-bit */
		return PyErr_Format(PyExc_ValueError, "bdiff inputs too large");
	start = cut_prefix(a, b, shorter);
	if (prune_suffix)
		tail = cut_suffix(a, la, b, lb, shorter - start);
	memset(&m, 0, sizeof(m));
	if (split(a + start, la - start - tail, &m.a) == 0 &&
	    split(b + start, lb - start - tail, &m.b) == 0 && classify(&m) == 0 &&
	    recurse(&m, &blocks) == 0) {
		shift(&m, &blocks);
		out = emit(&m, &blocks, start);
	}
	PyMem_Free(blocks.items);
	release(&m);
	return out;
}

static PyObject *parse_and_diff(PyObject *args, const char *format, int prune_suffix)
{
	Py_buffer a, b;
	PyObject *out;
	if (!PyArg_ParseTuple(args, format, &a, &b))
		return NULL;
	out = hg_delta(a.buf, a.len, b.buf, b.len, prune_suffix);
	PyBuffer_Release(&a);
	PyBuffer_Release(&b);
	return out;
}

PyObject *kernels_hg_storage_diff(PyObject *self, PyObject *args)
{
	return parse_and_diff(args, "y*y*:storage_diff", 1);
}

PyObject *kernels_hg_textdiff(PyObject *self, PyObject *args)
{
	return parse_and_diff(args, "y*y*:textdiff", 0);
}
