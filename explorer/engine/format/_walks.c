/* Forward walks over parent columns: the compiled twins of format/pure/walks.py.
 * Columns are buffers of C ints (array('i')), parents earlier revisions or -1; the byte
 * buffers have one slot past the last revision (the null revision's). A parent outside
 * [-1, rev) is refused with ValueError rather than read out of bounds. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static int columns(Py_buffer *p1, Py_buffer *p2, Py_ssize_t *count)
{
	if (p1->itemsize != sizeof(int) || p2->itemsize != sizeof(int) || p1->len != p2->len) {
		PyErr_SetString(PyExc_ValueError, "parents must be two array('i') of one length");
		return -1;
	}
	*count = p1->len / (Py_ssize_t)sizeof(int);
	return 0;
}

static int bad_parent(Py_ssize_t rev)
{
	PyErr_Format(PyExc_ValueError, "revision %zd: parent is not an earlier revision", rev);
	return -1;
}

PyObject *kernels_raise_to_parents(PyObject *self, PyObject *args)
{
	Py_buffer p1, p2, values;
	Py_ssize_t start, count, rev;
	PyObject *result = NULL;

	if (!PyArg_ParseTuple(args, "y*y*w*n:raise_to_parents", &p1, &p2, &values, &start))
		return NULL;
	if (columns(&p1, &p2, &count) < 0)
		goto done;
	if (values.len < count + 1) {
		PyErr_SetString(PyExc_ValueError, "values need one byte a revision and one more");
		goto done;
	}
	{
		const int *a = p1.buf, *b = p2.buf;
		unsigned char *v = values.buf, *null = v + count;
		for (rev = start < 0 ? 0 : start; rev < count; rev++) {
			int x = a[rev], y = b[rev];
			unsigned char value = v[rev], pa, pb;
			if (x < -1 || x >= rev || y < -1 || y >= rev) {
				bad_parent(rev);
				goto done;
			}
			pa = x < 0 ? *null : v[x];
			pb = y < 0 ? *null : v[y];
			if (pa > value)
				value = pa;
			if (pb > value)
				value = pb;
			v[rev] = value;
		}
	}
	result = Py_NewRef(Py_None);
done:
	PyBuffer_Release(&p1);
	PyBuffer_Release(&p2);
	PyBuffer_Release(&values);
	return result;
}

PyObject *kernels_mark_labelled_parents(PyObject *self, PyObject *args)
{
	Py_buffer p1, p2, labels, excluded, marks;
	Py_ssize_t count, rev;
	PyObject *result = NULL;

	if (!PyArg_ParseTuple(args, "y*y*y*y*w*:mark_labelled_parents", &p1, &p2, &labels,
	                      &excluded, &marks))
		return NULL;
	if (columns(&p1, &p2, &count) < 0)
		goto done;
	if (labels.itemsize != sizeof(int) || labels.len != p1.len || marks.len < count ||
	    excluded.len < count) {
		PyErr_SetString(PyExc_ValueError, "labels: an array('i') as long as the parents; "
		                                  "excluded and marks: a byte a revision");
		goto done;
	}
	{
		const int *a = p1.buf, *b = p2.buf, *label = labels.buf;
		const unsigned char *out = excluded.buf;
		unsigned char *m = marks.buf;
		for (rev = 0; rev < count; rev++) {
			int x = a[rev], y = b[rev];
			unsigned char rooted = 2;
			if (x < -1 || x >= rev || y < -1 || y >= rev) {
				bad_parent(rev);
				goto done;
			}
			if (out[rev]) {
				m[rev] |= 1;
				continue;
			}
			if (x >= 0 && label[x] == label[rev]) {
				m[x] |= 1;
				if (!out[x])
					rooted = 0;
			}
			if (y >= 0 && label[y] == label[rev]) {
				m[y] |= 1;
				if (!out[y])
					rooted = 0;
			}
			m[rev] |= rooted;
		}
	}
	result = Py_NewRef(Py_None);
done:
	PyBuffer_Release(&p1);
	PyBuffer_Release(&p2);
	PyBuffer_Release(&labels);
	PyBuffer_Release(&excluded);
	PyBuffer_Release(&marks);
	return result;
}

PyObject *kernels_first_bad_parent(PyObject *self, PyObject *args)
{
	Py_buffer p1, p2;
	Py_ssize_t count, rev, bad = -1;

	if (!PyArg_ParseTuple(args, "y*y*:first_bad_parent", &p1, &p2))
		return NULL;
	if (columns(&p1, &p2, &count) < 0) {
		PyBuffer_Release(&p1);
		PyBuffer_Release(&p2);
		return NULL;
	}
	{
		const int *a = p1.buf, *b = p2.buf;
		for (rev = 0; rev < count; rev++) {
			if (a[rev] < -1 || a[rev] >= rev || b[rev] < -1 || b[rev] >= rev) {
				bad = rev;
				break;
			}
		}
	}
	PyBuffer_Release(&p1);
	PyBuffer_Release(&p2);
	return PyLong_FromSsize_t(bad);
}

PyObject *kernels_mark_parents(PyObject *self, PyObject *args)
{
	Py_buffer p1, p2, marks;
	Py_ssize_t count, rev;
	PyObject *result = NULL;

	if (!PyArg_ParseTuple(args, "y*y*w*:mark_parents", &p1, &p2, &marks))
		return NULL;
	if (columns(&p1, &p2, &count) < 0)
		goto done;
	if (marks.len < count + 1) {
		PyErr_SetString(PyExc_ValueError, "marks need one byte a revision and one more");
		goto done;
	}
	{
		const int *a = p1.buf, *b = p2.buf;
		unsigned char *m = marks.buf;
		for (rev = 0; rev < count; rev++) {
			int x = a[rev], y = b[rev];
			if (x < -1 || x >= rev || y < -1 || y >= rev) {
				bad_parent(rev);
				goto done;
			}
			m[x < 0 ? count : x] = 1;
			m[y < 0 ? count : y] = 1;
		}
	}
	result = Py_NewRef(Py_None);
done:
	PyBuffer_Release(&p1);
	PyBuffer_Release(&p2);
	PyBuffer_Release(&marks);
	return result;
}
