/*
 * Compiled delta creation: explorer/engine/format/pure/bdiff.py in C.
 *
 * The same algorithm, step for step, so the delta is the same byte for byte:
 * the line-aligned prefix and suffix, then regions matched by anchors (lines,
 * or windows of 2-8 lines, unique in b's side) or by the longest run, with the
 * same work counted against the same budget (the budget decides when regions
 * fall back to one diagonal pass, so the counts must match the pure code's
 * exactly). Lines are numbered once (equal lines, equal numbers) and compared
 * as numbers; the pure code's dicts keyed by lines become arrays indexed by
 * line number or by position in b, with an epoch stamp standing for "in this
 * call's dict". Nothing depends on hashing order.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define HEADER 12
#define SMALL 64
#define PAIRS_PER_LINE 8
#define MIN_PAIRS 4096
#define WORK_PER_LINE 32
#define MIN_WORK 200000

typedef Py_ssize_t ssize;

typedef struct {
	ssize n;    /* lines */
	ssize *off; /* off[i]: where line i starts, from the region's start; off[n]: its size */
	ssize *id;  /* line numbers: equal lines, equal numbers */
} lines;

typedef struct {
	ssize i, j, k;
} block;

typedef struct {
	block *items;
	ssize count, capacity;
} blocks;

typedef struct {
	ssize a1, a2, b1, b2;
	int where; /* the pure code holds b's positions for this region (counts work once) */
} region;

typedef struct {
	lines a, b;
	ssize ids;
	int64_t work, budget;
	ssize *first, *positions; /* positions[first[id]:first[id + 1]]: where id is in b */
	uint32_t epoch;
	uint32_t *id_stamp;  /* per line number: stamp of the call that set id_count/id_last */
	ssize *id_count, *id_last;
	uint32_t *end_stamp; /* per b line: the longest-run search's ends dict */
	ssize *end_i, *end_k;
} matcher;

/* -- growable arrays ----------------------------------------------------------------------- */

static int grow(void **items, ssize *capacity, ssize need, size_t size)
{
	ssize cap = *capacity ? *capacity : 16;
	void *bigger;
	if (need <= *capacity)
		return 0;
	while (cap < need) {
		if (cap > PY_SSIZE_T_MAX / 2 / (ssize)size) {
			PyErr_NoMemory();
			return -1;
		}
		cap *= 2;
	}
	bigger = PyMem_Realloc(*items, (size_t)cap * size);
	if (bigger == NULL) {
		PyErr_NoMemory();
		return -1;
	}
	*items = bigger;
	*capacity = cap;
	return 0;
}

static int add_block(blocks *list, ssize i, ssize j, ssize k)
{
	if (grow((void **)&list->items, &list->capacity, list->count + 1, sizeof(block)) < 0)
		return -1;
	list->items[list->count].i = i;
	list->items[list->count].j = j;
	list->items[list->count].k = k;
	list->count++;
	return 0;
}

static void *alloc(ssize count, size_t size)
{
	void *p;
	if (count < 1)
		count = 1;
	if ((size_t)count > SIZE_MAX / size) {
		PyErr_NoMemory();
		return NULL;
	}
	p = PyMem_Calloc((size_t)count, size);
	if (p == NULL)
		PyErr_NoMemory();
	return p;
}

/* -- lines ---------------------------------------------------------------------------------- */

static ssize count_lines(const char *text, ssize size)
{
	ssize n = 0;
	const char *p = text, *end = text + size;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		n++;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return n;
}

static int split_lines(const char *text, ssize size, lines *out)
{
	ssize n = count_lines(text, size), i = 0;
	const char *p = text, *end = text + size;
	out->n = n;
	out->off = alloc(n + 1, sizeof(ssize));
	out->id = alloc(n, sizeof(ssize));
	if (out->off == NULL || out->id == NULL)
		return -1;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		out->off[i++] = p - text;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	out->off[n] = size;
	return 0;
}

static uint64_t hash_bytes(const char *p, ssize size)
{
	uint64_t h = 1469598103934665603ULL;
	ssize i;
	for (i = 0; i < size; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
	return h;
}

/*
 * Number the lines of both texts: a line is its bytes with its newline, so a last
 * line without one differs from the same line with one (as the pure keys do).
 */
static int number_lines(const char *ta, lines *a, const char *tb, lines *b, ssize *ids)
{
	ssize total = a->n + b->n, capacity = 16, mask, next = 0, t;
	ssize *slots, *owner_len;
	const char **owner;
	while (capacity < 2 * total)
		capacity *= 2;
	mask = capacity - 1;
	slots = alloc(capacity, sizeof(ssize));
	owner = alloc(total, sizeof(char *));
	owner_len = alloc(total, sizeof(ssize));
	if (slots == NULL || owner == NULL || owner_len == NULL) {
		PyMem_Free(slots);
		PyMem_Free((void *)owner);
		PyMem_Free(owner_len);
		return -1;
	}
	for (t = 0; t < capacity; t++)
		slots[t] = -1;
	for (t = 0; t < total; t++) {
		lines *l = t < a->n ? a : b;
		const char *text = t < a->n ? ta : tb;
		ssize i = t < a->n ? t : t - a->n;
		const char *line = text + l->off[i];
		ssize len = l->off[i + 1] - l->off[i];
		ssize slot = (ssize)(hash_bytes(line, len) & (uint64_t)mask);
		for (;;) {
			ssize id = slots[slot];
			if (id < 0) {
				slots[slot] = next;
				owner[next] = line;
				owner_len[next] = len;
				l->id[i] = next++;
				break;
			}
			if (owner_len[id] == len && memcmp(owner[id], line, (size_t)len) == 0) {
				l->id[i] = id;
				break;
			}
			slot = (slot + 1) & mask;
		}
	}
	*ids = next;
	PyMem_Free(slots);
	PyMem_Free((void *)owner);
	PyMem_Free(owner_len);
	return 0;
}

/* -- runs of equal lines ---------------------------------------------------------------------- */

static ssize extend(const matcher *m, ssize i, ssize j, ssize limit)
{
	const ssize *a = m->a.id + i, *b = m->b.id + j;
	ssize k = 0;
	while (k < limit && a[k] == b[k])
		k++;
	return k;
}

static ssize extend_back(const matcher *m, ssize i, ssize j, ssize limit)
{
	ssize k = 0;
	while (k < limit && m->a.id[i - 1 - k] == m->b.id[j - 1 - k])
		k++;
	return k;
}

static void next_epoch(matcher *m)
{
	m->epoch++;
	if (m->epoch == 0) { /* wrapped: no stamp may look current */
		memset(m->id_stamp, 0, (size_t)(m->ids ? m->ids : 1) * sizeof(uint32_t));
		memset(m->end_stamp, 0, (size_t)(m->b.n ? m->b.n : 1) * sizeof(uint32_t));
		m->epoch = 1;
	}
}

/* -- anchors ---------------------------------------------------------------------------------- */

static uint64_t hash_window(const ssize *ids, ssize width)
{
	uint64_t h = 1469598103934665603ULL;
	ssize t;
	for (t = 0; t < width; t++)
		h = (h ^ (uint64_t)ids[t]) * 1099511628211ULL;
	return h;
}

typedef struct {
	ssize *slot_pos; /* a b position whose window stands for the slot's key, or -1 */
	ssize *count, *last;
	ssize mask;
} windows;

static ssize find_window(const windows *w, const ssize *b_ids, const ssize *key, ssize width)
{
	ssize slot = (ssize)(hash_window(key, width) & (uint64_t)w->mask);
	for (;;) {
		ssize p = w->slot_pos[slot];
		if (p < 0 || memcmp(b_ids + p, key, (size_t)width * sizeof(ssize)) == 0)
			return slot;
		slot = (slot + 1) & w->mask;
	}
}

/*
 * The maximal runs through a window of width lines unique in b[b1:b2], in order of
 * their anchors in a (pure: _anchored_runs).
 */
static int anchored_runs(matcher *m, ssize a1, ssize a2, ssize b1, ssize b2, ssize width,
                         blocks *runs)
{
	const ssize *ia = m->a.id, *ib = m->b.id;
	windows w = {NULL, NULL, NULL, 0};
	ssize i, last = a2 - width, p, capacity = 16;
	int status = -1;
	runs->count = 0;
	if (width == 1) {
		next_epoch(m);
		for (p = b1; p < b2; p++) {
			ssize id = ib[p];
			if (m->id_stamp[id] != m->epoch) {
				m->id_stamp[id] = m->epoch;
				m->id_count[id] = 0;
			}
			m->id_count[id]++;
			m->id_last[id] = p;
		}
	} else {
		ssize count = b2 - width + 1 - b1;
		while (capacity < 2 * count)
			capacity *= 2;
		w.mask = capacity - 1;
		w.slot_pos = alloc(capacity, sizeof(ssize));
		w.count = alloc(capacity, sizeof(ssize));
		w.last = alloc(capacity, sizeof(ssize));
		if (w.slot_pos == NULL || w.count == NULL || w.last == NULL)
			goto done;
		for (p = 0; p < capacity; p++)
			w.slot_pos[p] = -1;
		for (p = b1; p <= b2 - width; p++) {
			ssize slot = find_window(&w, ib, ib + p, width);
			if (w.slot_pos[slot] < 0)
				w.slot_pos[slot] = p;
			w.count[slot]++;
			w.last[slot] = p;
		}
	}
	i = a1;
	while (i <= last) {
		ssize j, back = 0, ahead = width, unique;
		if (width == 1) {
			ssize id = ia[i];
			unique = m->id_stamp[id] == m->epoch && m->id_count[id] == 1;
			j = unique ? m->id_last[id] : -1;
		} else {
			ssize slot = find_window(&w, ib, ia + i, width);
			unique = w.slot_pos[slot] >= 0 && w.count[slot] == 1;
			j = unique ? w.last[slot] : -1;
		}
		if (!unique) {
			i++;
			continue;
		}
		if (i > a1 && j > b1 && ia[i - 1] == ib[j - 1])
			back = extend_back(m, i, j, Py_MIN(i - a1, j - b1));
		if (i + width < a2 && j + width < b2 && ia[i + width] == ib[j + width])
			ahead += extend(m, i + width, j + width, Py_MIN(a2 - i, b2 - j) - width);
		if (add_block(runs, i - back, j - back, back + ahead) < 0)
			goto done;
		i += ahead;
	}
	status = 0;
done:
	PyMem_Free(w.slot_pos);
	PyMem_Free(w.count);
	PyMem_Free(w.last);
	return status;
}

static ssize bisect_left(const ssize *items, ssize lo, ssize hi, ssize value)
{
	while (lo < hi) {
		ssize mid = lo + (hi - lo) / 2;
		if (items[mid] < value)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The runs, in a order, that also follow each other in b and save the most bytes
 * (pure: _heaviest_chain); into chain.
 */
static int heaviest_chain(const matcher *m, const blocks *runs, blocks *chain)
{
	const ssize *off = m->a.off;
	ssize r, n, count = 0, length = 0, at, stop;
	block *kept = NULL;
	int64_t *weights = NULL, *totals = NULL, total;
	ssize *ends = NULL, *lasts = NULL, *previous = NULL;
	int sorted = 1, status = -1;

	chain->count = 0;
	kept = alloc(runs->count, sizeof(block));
	weights = alloc(runs->count, sizeof(int64_t));
	if (kept == NULL || weights == NULL)
		goto done;
	for (r = 0; r < runs->count; r++) {
		const block *run = &runs->items[r];
		int64_t weight = (int64_t)off[run->i + run->k] - off[run->i] - HEADER;
		if (weight > 0) {
			if (count && kept[count - 1].j >= run->j)
				sorted = 0;
			kept[count] = *run;
			weights[count++] = weight;
		}
	}
	if (sorted) {
		for (r = 0; r < count; r++)
			if (add_block(chain, kept[r].i, kept[r].j, kept[r].k) < 0)
				goto done;
		status = 0;
		goto done;
	}
	ends = alloc(count, sizeof(ssize));
	totals = alloc(count, sizeof(int64_t));
	lasts = alloc(count, sizeof(ssize));
	previous = alloc(count, sizeof(ssize));
	if (ends == NULL || totals == NULL || lasts == NULL || previous == NULL)
		goto done;
	for (n = 0; n < count; n++) {
		ssize j = kept[n].j;
		at = bisect_left(ends, 0, length, j);
		total = weights[n] + (at ? totals[at - 1] : 0);
		previous[n] = at ? lasts[at - 1] : -1;
		stop = at;
		while (stop < length && totals[stop] <= total)
			stop++;
		if (stop == at && at < length && ends[at] == j)
			continue; /* a heavier chain already ends at this b line */
		if (stop != at + 1) {
			ssize tail = length - stop;
			memmove(ends + at + 1, ends + stop, (size_t)tail * sizeof(ssize));
			memmove(totals + at + 1, totals + stop, (size_t)tail * sizeof(int64_t));
			memmove(lasts + at + 1, lasts + stop, (size_t)tail * sizeof(ssize));
			length = at + 1 + tail;
		}
		ends[at] = j;
		totals[at] = total;
		lasts[at] = n;
	}
	for (n = lasts[length - 1]; n >= 0; n = previous[n])
		if (add_block(chain, kept[n].i, kept[n].j, kept[n].k) < 0)
			goto done;
	for (r = 0; r < chain->count / 2; r++) {
		block swap = chain->items[r];
		chain->items[r] = chain->items[chain->count - 1 - r];
		chain->items[chain->count - 1 - r] = swap;
	}
	status = 0;
done:
	PyMem_Free(kept);
	PyMem_Free(weights);
	PyMem_Free(ends);
	PyMem_Free(totals);
	PyMem_Free(lasts);
	PyMem_Free(previous);
	return status;
}

/* The chain's runs without the lines each shares with the run before it (pure: _clipped). */
static int clipped(const blocks *chain, blocks *out)
{
	ssize r, end_a = -1, end_b = -1;
	for (r = 0; r < chain->count; r++) {
		const block *run = &chain->items[r];
		ssize clip = Py_MAX((ssize)0, Py_MAX(end_a - run->i, end_b - run->j));
		if (clip < run->k) {
			if (add_block(out, run->i + clip, run->j + clip, run->k - clip) < 0)
				return -1;
			end_a = run->i + run->k;
			end_b = run->j + run->k;
		}
	}
	return 0;
}

/* pure: _Matcher._anchored; the runs into out (empty when no width anchors). */
static int anchored(matcher *m, ssize a1, ssize a2, ssize b1, ssize b2, blocks *out)
{
	static const ssize widths[] = {1, 2, 4, 8};
	blocks runs = {NULL, 0, 0}, chain = {NULL, 0, 0};
	int w, status = -1;
	out->count = 0;
	for (w = 0; w < 4; w++) {
		ssize width = widths[w];
		if (Py_MIN(a2 - a1, b2 - b1) < width)
			break;
		m->work += (int64_t)width * (a2 - a1 + b2 - b1);
		if (anchored_runs(m, a1, a2, b1, b2, width, &runs) < 0 ||
		    heaviest_chain(m, &runs, &chain) < 0)
			goto done;
		if (chain.count) {
			if (clipped(&chain, out) < 0)
				goto done;
			break;
		}
	}
	status = 0;
done:
	PyMem_Free(runs.items);
	PyMem_Free(chain.items);
	return status;
}

/* -- longest run and diagonal ------------------------------------------------------------- */

/* pure: _Matcher._longest. */
static block longest(matcher *m, ssize a1, ssize a2, ssize b1, ssize b2)
{
	const ssize *ia = m->a.id, *ib = m->b.id;
	ssize limit = Py_MAX((ssize)MIN_PAIRS, PAIRS_PER_LINE * (a2 - a1 + b2 - b1)) / (a2 - a1);
	ssize middle = (a1 + a2) / 2, best_i = a1, best_j = b1, best_k = 0, best_off = 0, i;
	int64_t work = m->work + (a2 - a1);
	block found;
	next_epoch(m);
	for (i = a1; i < a2; i++) {
		ssize id = ia[i], lo, hi, t;
		if (work > m->budget)
			break;
		lo = bisect_left(m->positions, m->first[id], m->first[id + 1], b1);
		hi = bisect_left(m->positions, lo, m->first[id + 1], b2);
		if (!(0 < hi - lo && hi - lo <= limit))
			continue;
		for (t = lo; t < hi; t++) {
			ssize j = m->positions[t], walked = 1, joined = 0, k, off;
			while (i - walked >= a1 && j - walked >= b1) {
				ssize at = j - walked;
				if (m->end_stamp[at] == m->epoch && m->end_i[at] == i - walked) {
					joined = m->end_k[at];
					break;
				}
				if (ia[i - walked] != ib[j - walked])
					break;
				walked++;
			}
			work += walked;
			k = walked + joined;
			m->end_stamp[j] = m->epoch;
			m->end_i[j] = i;
			m->end_k[j] = k;
			off = i >= middle ? i - middle : middle - i;
			if (k > best_k || (k == best_k && off < best_off)) {
				best_i = i;
				best_j = j;
				best_k = k;
				best_off = off;
			}
		}
	}
	m->work = work;
	if (best_k) {
		best_i -= best_k - 1;
		best_j -= best_k - 1;
	}
	best_k += extend(m, best_i + best_k, best_j + best_k,
	                 Py_MIN(a2 - best_i, b2 - best_j) - best_k);
	found.i = best_i;
	found.j = best_j;
	found.k = best_k;
	return found;
}

/* pure: _Matcher._diagonal; the runs appended to found. */
static int diagonal(matcher *m, ssize a1, ssize a2, ssize b1, ssize b2, blocks *found)
{
	blocks runs[2] = {{NULL, 0, 0}, {NULL, 0, 0}};
	ssize span = Py_MIN(a2 - a1, b2 - b1), side, r, best = -1;
	int64_t best_bytes = -1;
	int status = -1;
	for (side = 0; side < 2; side++) {
		ssize i = side ? a2 - span : a1, j = side ? b2 - span : b1, t = 0;
		int64_t matched = 0;
		while (t < span) {
			ssize k = extend(m, i + t, j + t, span - t);
			if (k) {
				if (add_block(&runs[side], i + t, j + t, k) < 0)
					goto done;
				matched += m->a.off[i + t + k] - m->a.off[i + t];
			}
			t += k + 1;
		}
		if (matched > best_bytes) {
			best = side;
			best_bytes = matched;
		}
	}
	for (r = 0; r < runs[best].count; r++)
		if (add_block(found, runs[best].items[r].i, runs[best].items[r].j,
		              runs[best].items[r].k) < 0)
			goto done;
	status = 0;
done:
	PyMem_Free(runs[0].items);
	PyMem_Free(runs[1].items);
	return status;
}

/* -- regions -------------------------------------------------------------------------------- */

static int disjoint(matcher *m, ssize a1, ssize a2, ssize b1, ssize b2)
{
	ssize p;
	next_epoch(m);
	for (p = b1; p < b2; p++)
		m->id_stamp[m->b.id[p]] = m->epoch;
	for (p = a1; p < a2; p++)
		if (m->id_stamp[m->a.id[p]] == m->epoch)
			return 0;
	return 1;
}

static int compare_blocks(const void *x, const void *y)
{
	const block *p = x, *q = y;
	if (p->i != q->i)
		return p->i < q->i ? -1 : 1;
	if (p->j != q->j)
		return p->j < q->j ? -1 : 1;
	return p->k < q->k ? -1 : p->k > q->k;
}

/* pure: _Matcher.blocks; sorted, with the empty block at the ends last. */
static int match(matcher *m, blocks *found)
{
	region *stack = NULL;
	ssize depth = 0, capacity = 0, r;
	blocks runs = {NULL, 0, 0};
	int status = -1;
	if (grow((void **)&stack, &capacity, 1, sizeof(region)) < 0)
		goto done;
	stack[depth].a1 = 0;
	stack[depth].a2 = m->a.n;
	stack[depth].b1 = 0;
	stack[depth].b2 = m->b.n;
	stack[depth++].where = 0;
	while (depth) {
		region g = stack[--depth];
		int big = Py_MIN(g.a2 - g.a1, g.b2 - g.b1) > SMALL;
		ssize end_a, end_b;
		if (g.a1 >= g.a2 || g.b1 >= g.b2 || (!big && disjoint(m, g.a1, g.a2, g.b1, g.b2)))
			continue;
		runs.count = 0;
		if (big && m->work < m->budget) {
			if (anchored(m, g.a1, g.a2, g.b1, g.b2, &runs) < 0)
				goto done;
			g.where = 0;
		}
		if (!runs.count && m->work < m->budget) {
			block best;
			if (!g.where) {
				g.where = 1;
				m->work += g.b2 - g.b1;
			}
			best = longest(m, g.a1, g.a2, g.b1, g.b2);
			if (best.k && add_block(&runs, best.i, best.j, best.k) < 0)
				goto done;
		}
		if (!runs.count && m->work >= m->budget) {
			if (diagonal(m, g.a1, g.a2, g.b1, g.b2, found) < 0)
				goto done;
			continue;
		}
		if (grow((void **)&stack, &capacity, depth + runs.count + 1, sizeof(region)) < 0)
			goto done;
		end_a = g.a1;
		end_b = g.b1;
		for (r = 0; r < runs.count; r++) {
			block run = runs.items[r];
			region sub = {end_a, run.i, end_b, run.j, g.where};
			stack[depth++] = sub;
			if (add_block(found, run.i, run.j, run.k) < 0)
				goto done;
			end_a = run.i + run.k;
			end_b = run.j + run.k;
		}
		if (runs.count) {
			region rest = {end_a, g.a2, end_b, g.b2, g.where};
			stack[depth++] = rest;
		}
	}
	if (found->count)
		qsort(found->items, (size_t)found->count, sizeof(block), compare_blocks);
	status = add_block(found, m->a.n, m->b.n, 0);
done:
	PyMem_Free(stack);
	PyMem_Free(runs.items);
	return status;
}

/* -- the delta --------------------------------------------------------------------------------- */

static ssize common_prefix(const char *a, const char *b, ssize limit)
{
	ssize p = 0;
	while (p < limit && a[p] == b[p])
		p++;
	return p;
}

/* pure: _aligned_prefix. */
static ssize aligned_prefix(const char *a, ssize la, const char *b, ssize lb)
{
	ssize p = common_prefix(a, b, Py_MIN(la, lb));
	while (p > 0 && a[p - 1] != '\n')
		p--;
	return p;
}

/* pure: _aligned_suffix. */
static ssize aligned_suffix(const char *a, ssize la, const char *b, ssize lb, ssize start)
{
	ssize limit = Py_MIN(la, lb) - start, same = 0, at_a, at_b;
	const char *newline;
	while (same < limit && a[la - 1 - same] == b[lb - 1 - same])
		same++;
	at_a = la - same;
	at_b = lb - same;
	if ((at_a == start || a[at_a - 1] == '\n') && (at_b == start || b[at_b - 1] == '\n'))
		return same;
	newline = memchr(a + at_a, '\n', (size_t)(la - at_a));
	return newline == NULL ? 0 : la - (newline - a) - 1;
}

static int too_big(ssize value)
{
	if (value > INT32_MAX) {
		PyErr_SetString(PyExc_OverflowError, "a delta field past 2**31 - 1");
		return 1;
	}
	return 0;
}

static void put32(char *out, ssize value)
{
	uint32_t v = (uint32_t)value;
	out[0] = (char)(v >> 24);
	out[1] = (char)(v >> 16);
	out[2] = (char)(v >> 8);
	out[3] = (char)v;
}

static PyObject *one_hunk(const char *b, ssize start, ssize end_a, ssize end_b)
{
	PyObject *out;
	char *p;
	if (too_big(end_a) || too_big(end_b - start))
		return NULL;
	out = PyBytes_FromStringAndSize(NULL, HEADER + end_b - start);
	if (out == NULL)
		return NULL;
	p = PyBytes_AS_STRING(out);
	put32(p, start);
	put32(p + 4, end_a);
	put32(p + 8, end_b - start);
	memcpy(p + HEADER, b + start, (size_t)(end_b - start));
	return out;
}

typedef struct {
	ssize a1, a2, b1, b2;
} hunk;

/* pure: _hunks, then the delta's bytes. */
static PyObject *write_hunks(const matcher *m, const blocks *found, const char *b, ssize start)
{
	const ssize *off_a = m->a.off, *off_b = m->b.off;
	hunk *hunks = NULL;
	ssize count = 0, capacity = 0, last_a = 0, last_b = 0, r, size = 0;
	PyObject *out = NULL;
	char *p;
	for (r = 0; r < found->count; r++) {
		const block *run = &found->items[r];
		if (run->i > last_a || run->j > last_b) {
			if (count && off_a[last_a] - off_a[hunks[count - 1].a2] <= HEADER) {
				hunks[count - 1].a2 = run->i;
				hunks[count - 1].b2 = run->j;
			} else {
				if (grow((void **)&hunks, &capacity, count + 1, sizeof(hunk)) < 0)
					goto done;
				hunks[count].a1 = last_a;
				hunks[count].a2 = run->i;
				hunks[count].b1 = last_b;
				hunks[count].b2 = run->j;
				count++;
			}
		}
		last_a = run->i + run->k;
		last_b = run->j + run->k;
	}
	for (r = 0; r < count; r++) {
		if (too_big(start + off_a[hunks[r].a2]) ||
		    too_big(off_b[hunks[r].b2] - off_b[hunks[r].b1]))
			goto done;
		size += HEADER + off_b[hunks[r].b2] - off_b[hunks[r].b1];
	}
	out = PyBytes_FromStringAndSize(NULL, size);
	if (out == NULL)
		goto done;
	p = PyBytes_AS_STRING(out);
	for (r = 0; r < count; r++) {
		ssize lo = start + off_b[hunks[r].b1], hi = start + off_b[hunks[r].b2];
		put32(p, start + off_a[hunks[r].a1]);
		put32(p + 4, start + off_a[hunks[r].a2]);
		put32(p + 8, hi - lo);
		memcpy(p + HEADER, b + lo, (size_t)(hi - lo));
		p += HEADER + hi - lo;
	}
done:
	PyMem_Free(hunks);
	return out;
}

static int prepare(matcher *m)
{
	ssize id, p;
	m->budget = (int64_t)WORK_PER_LINE * (m->a.n + m->b.n) + MIN_WORK;
	m->first = alloc(m->ids + 1, sizeof(ssize));
	m->positions = alloc(m->b.n, sizeof(ssize));
	m->id_stamp = alloc(m->ids, sizeof(uint32_t));
	m->id_count = alloc(m->ids, sizeof(ssize));
	m->id_last = alloc(m->ids, sizeof(ssize));
	m->end_stamp = alloc(m->b.n, sizeof(uint32_t));
	m->end_i = alloc(m->b.n, sizeof(ssize));
	m->end_k = alloc(m->b.n, sizeof(ssize));
	if (!m->first || !m->positions || !m->id_stamp || !m->id_count || !m->id_last ||
	    !m->end_stamp || !m->end_i || !m->end_k)
		return -1;
	for (p = 0; p < m->b.n; p++) /* where each line number is in b, ascending */
		m->first[m->b.id[p] + 1]++;
	for (id = 0; id < m->ids; id++)
		m->first[id + 1] += m->first[id];
	for (p = 0; p < m->b.n; p++) /* id_count as a fill counter: stale once an epoch starts */
		m->positions[m->first[m->b.id[p]] + m->id_count[m->b.id[p]]++] = p;
	return 0;
}

static void release(matcher *m)
{
	PyMem_Free(m->a.off);
	PyMem_Free(m->a.id);
	PyMem_Free(m->b.off);
	PyMem_Free(m->b.id);
	PyMem_Free(m->first);
	PyMem_Free(m->positions);
	PyMem_Free(m->id_stamp);
	PyMem_Free(m->id_count);
	PyMem_Free(m->id_last);
	PyMem_Free(m->end_stamp);
	PyMem_Free(m->end_i);
	PyMem_Free(m->end_k);
}

static PyObject *delta(const char *a, ssize la, const char *b, ssize lb)
{
	ssize start, tail, end_a, end_b;
	matcher m;
	blocks found = {NULL, 0, 0};
	PyObject *out = NULL;
	if (la == lb && memcmp(a, b, (size_t)la) == 0)
		return PyBytes_FromStringAndSize(NULL, 0);
	start = aligned_prefix(a, la, b, lb);
	tail = aligned_suffix(a, la, b, lb, start);
	end_a = la - tail;
	end_b = lb - tail;
	if (start == end_a || start == end_b)
		return one_hunk(b, start, end_a, end_b);
	memset(&m, 0, sizeof(m));
	if (split_lines(a + start, end_a - start, &m.a) == 0 &&
	    split_lines(b + start, end_b - start, &m.b) == 0 &&
	    number_lines(a + start, &m.a, b + start, &m.b, &m.ids) == 0 && prepare(&m) == 0) {
		if (match(&m, &found) == 0)
			out = write_hunks(&m, &found, b, start);
	}
	PyMem_Free(found.items);
	release(&m);
	return out;
}

PyObject *kernels_diff(PyObject *self, PyObject *args)
{
	Py_buffer a, b;
	PyObject *out;
	if (!PyArg_ParseTuple(args, "y*y*:diff", &a, &b))
		return NULL;
	out = delta(a.buf, a.len, b.buf, b.len);
	PyBuffer_Release(&a);
	PyBuffer_Release(&b);
	return out;
}
