/*
 * Compiled delta kernels: the C counterparts of explorer/engine/format/pure/.
 *
 * apply_delta(base, delta, limit=-1)   one delta, one copy of the text
 * apply_deltas(base, deltas, sizes=None)
 *     a whole chain folded in one pass, as Mercurial's C mpatch folds it: the
 *     text is held as a list of pieces (pointers into the base and into the
 *     deltas), each delta rewrites that list, and the bytes are copied once,
 *     at the end. No text in between is ever built.
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

typedef struct {
	const char *data;
	int64_t length;
} piece;

typedef struct {
	piece *items;
	Py_ssize_t count, capacity;
} pieces;

/* Append a piece, joining it to the last one when it continues it in memory. */
static int push(pieces *list, const char *data, int64_t length)
{
	piece *last;
	if (length == 0)
		return 0;
	last = list->count ? &list->items[list->count - 1] : NULL;
	if (last != NULL && last->data + last->length == data) {
		last->length += length;
		return 0;
	}
	if (list->count == list->capacity) {
		Py_ssize_t capacity = list->capacity ? 2 * list->capacity : 64;
		piece *items;
		if (capacity > PY_SSIZE_T_MAX / (Py_ssize_t)sizeof(piece)) {
			PyErr_NoMemory();
			return -1;
		}
		items = PyMem_Realloc(list->items, (size_t)capacity * sizeof(piece));
		if (items == NULL) {
			PyErr_NoMemory();
			return -1;
		}
		list->items = items;
		list->capacity = capacity;
	}
	list->items[list->count].data = data;
	list->items[list->count].length = length;
	list->count++;
	return 0;
}

/* A position in a list of pieces: piece index, offset in it. */
typedef struct {
	const pieces *list;
	Py_ssize_t index;
	int64_t offset;
} cursor;

/* Move n bytes on, copying the pieces passed over into out (when not NULL). */
static int advance(cursor *at, int64_t n, pieces *out)
{
	while (n > 0) {
		const piece *p = &at->list->items[at->index];
		int64_t take = p->length - at->offset;
		if (take > n)
			take = n;
		if (out != NULL && push(out, p->data + at->offset, take) < 0)
			return -1;
		at->offset += take;
		n -= take;
		if (at->offset == p->length) {
			at->index++;
			at->offset = 0;
		}
	}
	return 0;
}

/*
 * Rewrite the text held in *old (total bytes) by one delta into *new; the new
 * size in *total. -1 with PatchError raised (naming delta index).
 */
static int fold(const pieces *old, int64_t *total, Py_buffer *delta, Py_ssize_t index,
                pieces *new)
{
	const unsigned char *d = delta->buf;
	int64_t size = delta->len, pos = 0, last_end = 0, grown = 0;
	cursor at = {old, 0, 0};
	hunk h;
	new->count = 0;
	while (pos < size) {
		if (next_hunk(d, size, &pos, *total, last_end, index, &h) < 0)
			return -1;
		if (advance(&at, h.start - last_end, new) < 0 ||
		    advance(&at, h.end - h.start, NULL) < 0 ||
		    push(new, (const char *)d + h.data, h.length) < 0)
			return -1;
		grown += h.length - (h.end - h.start);
		last_end = h.end;
	}
	if (advance(&at, *total - last_end, new) < 0)
		return -1;
	*total += grown;
	return 0;
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

static PyObject *join(const pieces *list, int64_t total)
{
	PyObject *result;
	char *out;
	Py_ssize_t i;
	if (total > PY_SSIZE_T_MAX)
		return PyErr_NoMemory();
	result = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)total);
	if (result == NULL)
		return NULL;
	out = PyBytes_AS_STRING(result);
	for (i = 0; i < list->count; i++) {
		memcpy(out, list->items[i].data, (size_t)list->items[i].length);
		out += list->items[i].length;
	}
	return result;
}

static PyObject *fold_chain(Py_buffer *base, Py_buffer *deltas, Py_ssize_t n, PyObject *sizes)
{
	pieces a = {NULL, 0, 0}, b = {NULL, 0, 0};
	pieces *text = &a, *next = &b, *swap;
	int64_t total = base->len;
	PyObject *result = NULL;
	Py_ssize_t i;
	long long declared;

	if (push(text, base->buf, base->len) < 0)
		goto done;
	for (i = 0; i < n; i++) {
		if (deltas[i].len) {
			if (fold(text, &total, &deltas[i], i, next) < 0)
				goto done;
			swap = text;
			text = next;
			next = swap;
		}
		declared = declared_size(sizes, i);
		if (declared == -2)
			goto done;
		if (declared >= 0 && total > declared) {
			size_error(total, declared, i);
			goto done;
		}
	}
	result = join(text, total);
done:
	PyMem_Free(a.items);
	PyMem_Free(b.items);
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

/* -- module ------------------------------------------------------------------------------- */

static PyMethodDef methods[] = {
    {"apply_delta", (PyCFunction)(void (*)(void))apply_delta, METH_VARARGS | METH_KEYWORDS,
     "apply_delta(base, delta, limit=-1) -> bytes: one delta applied to base."},
    {"apply_deltas", (PyCFunction)(void (*)(void))apply_deltas, METH_VARARGS | METH_KEYWORDS,
     "apply_deltas(base, deltas, sizes=None) -> bytes: a chain folded in one pass."},
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
