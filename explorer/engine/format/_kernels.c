/*
 * Compiled delta kernels: the C counterparts of explorer/engine/format/pure/.
 * This file: applying deltas, and the module; _bdiff.c: making them; _hgdiff.c:
 * making them as Mercurial does.
 *
 * apply_delta(base, delta, limit=-1)   one delta, one copy of the text
 * apply_deltas(base, deltas, sizes=None)
 *     a whole chain folded in one pass, as Mercurial's C mpatch folds it: the
 *     deltas are combined pairwise into one list of fragments applying to the
 *     base (pointers into the deltas), and the bytes are copied once, at the
 *     end. No text in between is ever built.
 *
 * Both must give exactly what the pure functions give, and raise the same
 * errors: the checks are the pure code's, in the same order (each hunk's
 * header, range and data in turn; the declared size after each delta), and
 * the messages are formatted the same. Stores can be hostile: every field is
 * a signed 32-bit number read into 64-bit arithmetic, every range is checked
 * against the text the delta applies to before a byte is touched, and a text
 * may not grow past the size declared for it.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define HEADER 12

/* -- errors: the pure module's classes, so callers catch one kind ---------------------- */

static PyObject *error_class(const char *name)
{
	PyObject *module = PyImport_ImportModule("explorer.engine.format.pure.mpatch");
	PyObject *cls;
	if (module == NULL)
		return NULL;
	cls = PyObject_GetAttrString(module, name);
	Py_DECREF(module);
	return cls;
}

static void raise_instance(PyObject *cls, PyObject *exc)
{
	if (exc != NULL) {
		PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
		Py_DECREF(exc);
	}
	Py_XDECREF(cls);
}

/* PatchError(message, position, delta_index); takes the reference to message. */
static void patch_error(PyObject *message, int64_t position, Py_ssize_t index)
{
	PyObject *cls;
	if (message == NULL)
		return;
	cls = error_class("PatchError");
	if (cls == NULL) {
		Py_DECREF(message);
		return;
	}
	raise_instance(cls, PyObject_CallFunction(cls, "OLn", message, (long long)position, index));
	Py_DECREF(message);
}

static void size_error(int64_t size, long long declared, Py_ssize_t index)
{
	PyObject *cls = error_class("TextSizeError");
	if (cls == NULL)
		return;
	raise_instance(cls, PyObject_CallFunction(cls, "LLn", (long long)size, declared, index));
}

/* -- hunks -------------------------------------------------------------------------------- */

static int64_t be32(const unsigned char *p)
{
	uint32_t u = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) |
	             (uint32_t)p[3];
	return u <= INT32_MAX ? (int64_t)u : (int64_t)u - 4294967296LL;
}

typedef struct {
	int64_t start, end;  /* replaced range of the text the delta applies to */
	int64_t data, length; /* where the new bytes are in the delta, and how many */
} hunk;

/*
 * Read and check the hunk at *pos of a delta of size bytes, against a text of
 * total bytes whose previous hunk ended at last_end; advance *pos past it.
 * 0, or -1 with PatchError raised (naming delta index).
 */
static int next_hunk(const unsigned char *delta, int64_t size, int64_t *pos, int64_t total,
                     int64_t last_end, Py_ssize_t index, hunk *h)
{
	int64_t at = *pos, stop;
	if (size - at < HEADER) {
		patch_error(PyUnicode_FromFormat("truncated hunk header (%lld of 12 bytes)",
		                                 (long long)(size - at)),
		            at, index);
		return -1;
	}
	h->start = be32(delta + at);
	h->end = be32(delta + at + 4);
	h->length = be32(delta + at + 8);
	if (!(last_end <= h->start && h->start <= h->end && h->end <= total)) {
		PyObject *message = PyUnicode_FromFormat(
		    "hunk replaces [%lld:%lld] of a %lld-byte text", (long long)h->start,
		    (long long)h->end, (long long)total);
		if (message != NULL && h->start < last_end) {
			PyObject *after = PyUnicode_FromFormat(" after a hunk ending at %lld",
			                                       (long long)last_end);
			PyUnicode_AppendAndDel(&message, after);
		}
		patch_error(message, at, index);
		return -1;
	}
	h->data = at + HEADER;
	stop = h->data + h->length;
	if (!(h->data <= stop && stop <= size)) {
		patch_error(PyUnicode_FromFormat("hunk data of %lld bytes runs past the delta's end",
		                                 (long long)h->length),
		            at, index);
		return -1;
	}
	*pos = stop;
	return 0;
}

/* -- one delta ---------------------------------------------------------------------------- */

static PyObject *apply_one(Py_buffer *base, Py_buffer *delta, long long limit)
{
	const unsigned char *d = delta->buf;
	const char *src = base->buf;
	int64_t size = delta->len, total = base->len, pos = 0, last_end = 0, out_size = total;
	PyObject *result;
	char *out;
	hunk h;

	while (pos < size) { /* check every hunk and size the text before writing it */
		if (next_hunk(d, size, &pos, total, last_end, 0, &h) < 0)
			return NULL;
		out_size += h.length - (h.end - h.start);
		last_end = h.end;
	}
	if (limit >= 0 && out_size > limit) {
		size_error(out_size, limit, 0);
		return NULL;
	}
	if (out_size > PY_SSIZE_T_MAX)
		return PyErr_NoMemory();
	result = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)out_size);
	if (result == NULL)
		return NULL;
	out = PyBytes_AS_STRING(result);
	pos = last_end = 0;
	while (pos < size) { /* checked above: only reads here */
		h.start = be32(d + pos);
		h.end = be32(d + pos + 4);
		h.length = be32(d + pos + 8);
		memcpy(out, src + last_end, (size_t)(h.start - last_end));
		out += h.start - last_end;
		memcpy(out, d + pos + HEADER, (size_t)h.length);
		out += h.length;
		last_end = h.end;
		pos += HEADER + h.length;
	}
	memcpy(out, src + last_end, (size_t)(total - last_end));
	return result;
}

static PyObject *apply_delta(PyObject *self, PyObject *args, PyObject *kwargs)
{
	static char *keywords[] = {"base", "delta", "limit", NULL};
	Py_buffer base, delta;
	long long limit = -1;
	PyObject *result;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "y*y*|L:apply_delta", keywords, &base,
	                                 &delta, &limit))
		return NULL;
	result = apply_one(&base, &delta, limit);
	PyBuffer_Release(&base);
	PyBuffer_Release(&delta);
	return result;
}

/* -- a chain of deltas, folded ----------------------------------------------------------- */

/*
 * A delta decoded: fragments (start, end, len, data) replacing [start, end) of the
 * text it applies to by len bytes at data. Two of them, the second applying to the
 * first's output, combine into one applying to the first's input (Mercurial's
 * mpatch.c: gather, discard, combine). Folding halves of the chain in turn costs
 * the hunks times the depth, whatever the text's size; the text is then copied once.
 */
typedef struct {
	int64_t start, end, len;
	const char *data;
} frag;

typedef struct {
	frag *items;
	Py_ssize_t head, count; /* items[head:count] are live */
	int owned;              /* allocated by combine (else a view of the decoded deltas) */
} flist;

static void release_list(flist *list)
{
	if (list->owned)
		PyMem_Free(list->items);
	list->items = NULL;
	list->owned = 0;
}

/*
 * Move the fragments of src that start before cut (in src's output, shifted by offset)
 * to out (or drop them when out is NULL), splitting the one across cut; the offset
 * past them.
 */
static int64_t gather(flist *out, flist *src, int64_t cut, int64_t offset)
{
	while (src->head < src->count) {
		frag *s = &src->items[src->head];
		int64_t c, l;
		if (s->start + offset >= cut)
			break;
		if (s->start + offset + s->len <= cut) {
			offset += s->len - (s->end - s->start);
			if (out != NULL)
				out->items[out->count++] = *s;
			src->head++;
			continue;
		}
		c = cut - offset; /* split: the bytes before cut, then the rest */
		if (s->end < c)
			c = s->end;
		l = cut - offset - s->start;
		if (s->len < l)
			l = s->len;
		offset += s->start + l - c;
		if (out != NULL) {
			frag front = {s->start, c, l, s->data};
			out->items[out->count++] = front;
		}
		s->start = c;
		s->len -= l;
		s->data += l;
		break;
	}
	return offset;
}

/* The fragments of a then b as one list applying to a's input; 0 or -1 (MemoryError). */
static int combine(flist *a, flist *b, flist *c)
{
	Py_ssize_t size = 2 * ((a->count - a->head) + (b->count - b->head)) + 1, r;
	int64_t offset = 0, post;
	c->items = PyMem_Malloc((size_t)size * sizeof(frag));
	c->head = c->count = 0;
	c->owned = 1;
	if (c->items == NULL) {
		PyErr_NoMemory();
		return -1;
	}
	for (r = b->head; r < b->count; r++) {
		const frag *h = &b->items[r];
		frag put;
		offset = gather(c, a, h->start, offset);
		post = gather(NULL, a, h->end, offset);
		put.start = h->start - offset;
		put.end = h->end - post;
		put.len = h->len;
		put.data = h->data;
		c->items[c->count++] = put;
		offset = post;
	}
	memcpy(c->items + c->count, a->items + a->head,
	       (size_t)(a->count - a->head) * sizeof(frag));
	c->count += a->count - a->head;
	return 0;
}

static int fold(flist *leaves, Py_ssize_t lo, Py_ssize_t hi, flist *out)
{
	flist x = {NULL, 0, 0, 0}, y = {NULL, 0, 0, 0};
	Py_ssize_t mid = lo + (hi - lo) / 2;
	int status = -1;
	if (hi - lo == 1) {
		*out = leaves[lo];
		return 0;
	}
	if (fold(leaves, lo, mid, &x) == 0 && fold(leaves, mid, hi, &y) == 0)
		status = combine(&x, &y, out);
	release_list(&x);
	release_list(&y);
	return status;
}

/*
 * The folded fragments applied to base: the text of total bytes. Each fragment is
 * checked again before any byte is copied (a fold gone wrong must not write past
 * the text: SystemError).
 */
static PyObject *apply_folded(Py_buffer *base, const flist *list, int64_t total)
{
	const char *src = base->buf;
	int64_t last = 0, written = 0;
	PyObject *result;
	char *out;
	Py_ssize_t r;
	if (total > PY_SSIZE_T_MAX)
		return PyErr_NoMemory();
	result = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)total);
	if (result == NULL)
		return NULL;
	out = PyBytes_AS_STRING(result);
	for (r = list->head; r <= list->count; r++) {
		int64_t start = r < list->count ? list->items[r].start : base->len;
		int64_t end = r < list->count ? list->items[r].end : base->len;
		int64_t len = r < list->count ? list->items[r].len : 0;
		if (start < last || end < start || end > base->len || len < 0 ||
		    written + (start - last) + len > total)
			goto broken;
		memcpy(out + written, src + last, (size_t)(start - last));
		written += start - last;
		if (len)
			memcpy(out + written, list->items[r].data, (size_t)len);
		written += len;
		last = end;
	}
	if (written == total)
		return result;
broken:
	Py_DECREF(result);
	PyErr_SetString(PyExc_SystemError, "mpatch fold: fragments out of order");
	return NULL;
}

/* The size declared for the text delta i makes (-1: none); -2 on error. */
static long long declared_size(PyObject *sizes, Py_ssize_t i)
{
	long long value;
	if (sizes == NULL)
		return -1;
	if (i >= PySequence_Fast_GET_SIZE(sizes)) {
		PyErr_SetString(PyExc_IndexError, "list index out of range");
		return -2;
	}
	value = PyLong_AsLongLong(PySequence_Fast_GET_ITEM(sizes, i));
	if (value == -1 && PyErr_Occurred()) {
		if (!PyErr_ExceptionMatches(PyExc_OverflowError))
			return -2;
		PyErr_Clear(); /* past any text: no limit, as the pure comparison finds */
		return -1;
	}
	return value < 0 ? -1 : value;
}

/*
 * Decode and check every delta in order, as the pure code applies them: each hunk
 * against the text its delta applies to, the declared size after each delta. The
 * fragments go to frags, one leaf list per non-empty delta; the final size to *total.
 */
static int decode_chain(Py_buffer *deltas, Py_ssize_t n, PyObject *sizes, frag *frags,
                        Py_ssize_t room, flist *leaves, Py_ssize_t *count, int64_t *total)
{
	Py_ssize_t i, used = 0;
	*count = 0;
	for (i = 0; i < n; i++) {
		const unsigned char *d = deltas[i].buf;
		int64_t size = deltas[i].len, pos = 0, last_end = 0, grown = 0;
		Py_ssize_t first = used;
		long long declared;
		hunk h;
		while (pos < size) {
			if (next_hunk(d, size, &pos, *total, last_end, i, &h) < 0)
				return -1;
			if (used == room) { /* count_hunks saw every header decoded: cannot happen */
				PyErr_SetString(PyExc_SystemError, "mpatch: more hunks than counted");
				return -1;
			}
			frags[used].start = h.start;
			frags[used].end = h.end;
			frags[used].len = h.length;
			frags[used++].data = (const char *)d + h.data;
			grown += h.length - (h.end - h.start);
			last_end = h.end;
		}
		*total += grown;
		declared = declared_size(sizes, i);
		if (declared == -2)
			return -1;
		if (declared >= 0 && *total > declared) {
			size_error(*total, declared, i);
			return -1;
		}
		if (used > first) {
			flist leaf = {frags + first, 0, used - first, 0};
			leaves[(*count)++] = leaf;
		}
	}
	return 0;
}

/*
 * Hunk headers in a delta, walked as decoding walks them (it stops at the first bad
 * one): the fragments are allocated for the hunks there are, not for the most a
 * delta of that size could hold (a hostile one is all data).
 */
static Py_ssize_t count_hunks(const Py_buffer *delta)
{
	const unsigned char *d = delta->buf;
	int64_t pos = 0, size = delta->len, length;
	Py_ssize_t count = 0;
	while (size - pos >= HEADER) {
		count++;
		length = be32(d + pos + 8);
		if (length < 0)
			break;
		pos += HEADER + length;
	}
	return count;
}

static PyObject *fold_chain(Py_buffer *base, Py_buffer *deltas, Py_ssize_t n, PyObject *sizes)
{
	Py_ssize_t i, hunks = 0, count = 0;
	int64_t total = base->len;
	frag *frags;
	flist *leaves, folded = {NULL, 0, 0, 0};
	PyObject *result = NULL;
	for (i = 0; i < n; i++)
		hunks += count_hunks(&deltas[i]);
	frags = PyMem_Malloc((size_t)(hunks ? hunks : 1) * sizeof(frag));
	leaves = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(flist));
	if (frags == NULL || leaves == NULL) {
		PyErr_NoMemory();
		goto done;
	}
	if (decode_chain(deltas, n, sizes, frags, hunks, leaves, &count, &total) < 0)
		goto done;
	if (count == 0) {
		result = PyBytes_FromStringAndSize(base->buf, base->len);
		goto done;
	}
	if (fold(leaves, 0, count, &folded) == 0)
		result = apply_folded(base, &folded, total);
	release_list(&folded);
done:
	PyMem_Free(frags);
	PyMem_Free(leaves);
	return result;
}

static PyObject *apply_deltas(PyObject *self, PyObject *args, PyObject *kwargs)
{
	static char *keywords[] = {"base", "deltas", "sizes", NULL};
	Py_buffer base, *buffers = NULL;
	PyObject *sequence = NULL, *sizes_arg = Py_None, *sizes = NULL, *result = NULL;
	Py_ssize_t n, held = 0;

	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "y*O|O:apply_deltas", keywords, &base,
	                                 &sequence, &sizes_arg))
		return NULL;
	sequence = PySequence_Fast(sequence, "deltas must be a sequence");
	if (sequence == NULL)
		goto done;
	if (sizes_arg != Py_None) {
		sizes = PySequence_Fast(sizes_arg, "sizes must be a sequence");
		if (sizes == NULL)
			goto done;
	}
	n = PySequence_Fast_GET_SIZE(sequence);
	buffers = PyMem_Calloc(n ? (size_t)n : 1, sizeof(Py_buffer));
	if (buffers == NULL) {
		PyErr_NoMemory();
		goto done;
	}
	for (; held < n; held++)
		if (PyObject_GetBuffer(PySequence_Fast_GET_ITEM(sequence, held), &buffers[held],
		                       PyBUF_SIMPLE) < 0)
			goto done;
	result = fold_chain(&base, buffers, n, sizes);
done:
	while (held > 0)
		PyBuffer_Release(&buffers[--held]);
	PyMem_Free(buffers);
	Py_XDECREF(sequence);
	Py_XDECREF(sizes);
	PyBuffer_Release(&base);
	return result;
}

/* -- module: delta creation is in _bdiff.c ------------------------------------------------------------------------------- */

PyObject *kernels_diff(PyObject *self, PyObject *args);
PyObject *kernels_hg_storage_diff(PyObject *self, PyObject *args); /* _hgdiff.c */
PyObject *kernels_hg_textdiff(PyObject *self, PyObject *args);
PyObject *kernels_raise_to_parents(PyObject *self, PyObject *args);
PyObject *kernels_mark_labelled_parents(PyObject *self, PyObject *args);
PyObject *kernels_first_bad_parent(PyObject *self, PyObject *args);
PyObject *kernels_mark_parents(PyObject *self, PyObject *args);

static PyMethodDef methods[] = {
    {"apply_delta", (PyCFunction)(void (*)(void))apply_delta, METH_VARARGS | METH_KEYWORDS,
     "apply_delta(base, delta, limit=-1) -> bytes: one delta applied to base."},
    {"apply_deltas", (PyCFunction)(void (*)(void))apply_deltas, METH_VARARGS | METH_KEYWORDS,
     "apply_deltas(base, deltas, sizes=None) -> bytes: a chain folded in one pass."},
    {"diff", kernels_diff, METH_VARARGS,
     "diff(a, b) -> bytes: the delta turning a into b, as format.pure.bdiff.diff makes it."},
    {"hg_storage_diff", kernels_hg_storage_diff, METH_VARARGS,
     "hg_storage_diff(a, b) -> bytes: Mercurial's delta, as format.pure.hgdiff.storage_diff."},
    {"hg_textdiff", kernels_hg_textdiff, METH_VARARGS,
     "hg_textdiff(a, b) -> bytes: Mercurial's older delta, as format.pure.hgdiff.textdiff."},
    {"raise_to_parents", kernels_raise_to_parents, METH_VARARGS,
     "raise_to_parents(p1, p2, values, start): as format.pure.walks.raise_to_parents."},
    {"mark_labelled_parents", kernels_mark_labelled_parents, METH_VARARGS,
     "mark_labelled_parents(p1, p2, labels, excluded, marks): as format.pure.walks does it."},
    {"first_bad_parent", kernels_first_bad_parent, METH_VARARGS,
     "first_bad_parent(p1, p2) -> int: as format.pure.walks.first_bad_parent."},
    {"mark_parents", kernels_mark_parents, METH_VARARGS,
     "mark_parents(p1, p2, marks): as format.pure.walks.mark_parents."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_kernels",
    "Compiled delta kernels (see explorer/engine/format/pure for their pure twins).", -1,
    methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__kernels(void)
{
	return PyModule_Create(&module);
}
