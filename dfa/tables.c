/* Access to built automata, Graphviz rendering, and comb compression
 * into the kernel's base/next/check/default tables with the matchers
 * over both forms. Phase: automata to tables; knows no ABI widths
 * beyond the size estimate of dfa_tables_bytes().
 */
#include "dfa.h"
#include "dfa_int.h"
#include "arena.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint32_t dfa_nstates(const struct dfa *d)
{
	return d->nstates;
}

uint32_t dfa_nclasses(const struct dfa *d)
{
	return d->nclasses;
}

uint32_t dfa_byte_class(const struct dfa *d, uint8_t byte)
{
	return d->ec[byte];
}

dfa_state_t dfa_step(const struct dfa *d, dfa_state_t s, uint8_t byte)
{
	uint32_t lo, hi, k = d->ec[byte];

	if (s >= d->nstates)
		return DFA_DEAD;
	lo = d->toff[s];
	hi = d->toff[s + 1];
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (d->tcls[mid] == k)
			return d->tdst[mid];
		if (d->tcls[mid] < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return DFA_DEAD;
}

dfa_state_t dfa_step_oob(const struct dfa *d, dfa_state_t s)
{
	if (!d->oob || s >= d->nstates)
		return DFA_DEAD;
	return d->oob[s];
}

bool dfa_has_oob(const struct dfa *d)
{
	return d->oob != NULL;
}

dfa_state_t dfa_match(const struct dfa *d, dfa_state_t s, const void *buf,
		      size_t n)
{
	const uint8_t *p = buf;

	for (size_t i = 0; i < n && s != DFA_DEAD; i++)
		s = dfa_step(d, s, p[i]);
	return s;
}

const struct dfa_accept *dfa_state_accept(const struct dfa *d, dfa_state_t s)
{
	return &d->accept[s < d->nstates ? s : 0];
}

uint32_t dfa_state_ntrans(const struct dfa *d, dfa_state_t s)
{
	return d->toff[s + 1] - d->toff[s];
}

dfa_state_t dfa_state_trans(const struct dfa *d, dfa_state_t s, uint32_t i,
			    uint32_t *cls)
{
	uint32_t t = d->toff[s] + i;

	*cls = d->tcls[t];
	return d->tdst[t];
}

/* --- Graphviz ------------------------------------------------------------ */

struct sbuf {
	char *p; /* malloc'd text */
	size_t n; /* used */
	size_t cap; /* allocated */
};

static void sb_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (b->n + (size_t)n + 1 > b->cap) {
		b->cap = (b->n + (size_t)n + 1) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	va_start(ap, fmt);
	vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->n += (size_t)n;
}

static void sb_byte(struct sbuf *b, unsigned c)
{
	if (c > 32 && c < 127 && c != '"' && c != '\\' && c != '-')
		sb_printf(b, "%c", (char)c);
	else
		sb_printf(b, "\\\\x%02x", c);
}

char *dfa_to_dot(const struct dfa *d, struct arena *a)
{
	struct sbuf b = { 0 };
	char *r;

	sb_printf(&b, "digraph dfa {\n\trankdir=LR;\n");
	sb_printf(&b, "\tnode [shape=circle];\n");
	for (uint32_t s = 1; s < d->nstates; s++) {
		const struct dfa_accept *v = &d->accept[s];
		bool acc = false;

		for (int i = 0; i < DFA_ACCEPT_WORDS; i++)
			acc |= v->v[i] != 0;
		if (acc)
			sb_printf(&b,
				  "\t%u [shape=doublecircle,label=\"%u\\n%x %x %x %x\"];\n",
				  s, s, v->v[0], v->v[1], v->v[2], v->v[3]);
		else
			sb_printf(&b, "\t%u;\n", s);
	}
	for (uint32_t s = 1; s < d->nstates; s++) {
		uint32_t to[256];

		for (int c = 0; c < 256; c++)
			to[c] = dfa_step(d, s, (uint8_t)c);
		for (uint32_t t = d->toff[s]; t < d->toff[s + 1]; t++) {
			uint32_t dst = d->tdst[t];
			bool dup = false;

			for (uint32_t u = d->toff[s]; u < t; u++)
				dup |= d->tdst[u] == dst;
			if (dup)
				continue;
			sb_printf(&b, "\t%u -> %u [label=\"", s, dst);
			for (int c = 0; c < 256; c++) {
				int e = c;

				if (to[c] != dst)
					continue;
				while (e < 255 && to[e + 1] == dst)
					e++;
				sb_byte(&b, (unsigned)c);
				if (e > c) {
					sb_printf(&b, "-");
					sb_byte(&b, (unsigned)e);
				}
				c = e;
			}
			sb_printf(&b, "\"];\n");
		}
		if (dfa_step_oob(d, s))
			sb_printf(&b, "\t%u -> %u [label=\"<oob>\"];\n", s,
				  dfa_step_oob(d, s));
	}
	sb_printf(&b, "}\n");
	r = arena_strndup(a, b.p, b.n);
	free(b.p);
	return r;
}

/* --- comb compression ---------------------------------------------------- */

/*
 * Note [comb-packing]
 * Each state keeps its most frequent target as DEFAULT and stores only the
 * other columns, in a window of NEXT/CHECK starting at its base; windows
 * interleave as long as no two states claim one slot (Tarjan and Yao,
 * "Storing a sparse table", CACM 1979). Bases are chosen first fit: a
 * union-find over free slots jumps straight to the next free slot for the
 * first column, and the search is bounded so that packing stays linear;
 * the table is then extended so every base + 255 is inside it
 * (policy-blob.md 6.4). A state with an out-of-band transition is placed
 * with its columns shifted by one, its out-of-band slot (base - 1) as
 * column 0, so its base is at least 1 (Note [out-of-band]).
 */

#define COMB_FREE UINT32_MAX
#define COMB_TRIES 512
#define COMB_TAIL_TRIES 64

struct comb {
	uint32_t *next; /* malloc'd */
	uint32_t *check; /* malloc'd, COMB_FREE when unused */
	uint32_t *nf; /* union-find: smallest free slot >= i */
	size_t cap; /* allocated entries */
	size_t end; /* entries in use (past the last claimed slot) */
};

static void comb_reserve(struct comb *cb, size_t need)
{
	size_t cap = cb->cap;

	if (need <= cap)
		return;
	while (cap < need)
		cap = cap ? cap * 2 : 4096;
	cb->next = xrealloc(cb->next, cap * sizeof(uint32_t));
	cb->check = xrealloc(cb->check, cap * sizeof(uint32_t));
	cb->nf = xrealloc(cb->nf, (cap + 1) * sizeof(uint32_t));
	for (size_t i = cb->cap; i < cap; i++) {
		cb->next[i] = 0;
		cb->check[i] = COMB_FREE;
		cb->nf[i] = (uint32_t)i;
	}
	cb->nf[cap] = (uint32_t)cap;
	cb->cap = cap;
}

/* Smallest free slot at or after @i (slots past cap are free). */
static size_t comb_free_from(struct comb *cb, size_t i)
{
	size_t r = i;

	if (i >= cb->cap)
		return i;
	while (cb->nf[r] != r)
		r = cb->nf[r];
	while (cb->nf[i] != r) {
		size_t n = cb->nf[i];

		cb->nf[i] = (uint32_t)r;
		i = n;
	}
	return r;
}

static void comb_claim(struct comb *cb, size_t p, uint32_t s, uint32_t to)
{
	cb->check[p] = s;
	cb->next[p] = to;
	cb->nf[p] = (uint32_t)(p + 1);
	if (p + 1 > cb->end)
		cb->end = p + 1;
}

/* Index of the first column of @col whose slot is taken, or @n. */
static uint32_t comb_conflict(const struct comb *cb, size_t base,
			      const uint32_t *col, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		size_t p = base + col[i];

		if (p < cb->cap && cb->check[p] != COMB_FREE)
			return i;
	}
	return n;
}

/*
 * Note [comb-packing]: first fit; on a clash in column i, move the base so
 * that column i lands on the next free slot.
 */
static size_t comb_place(struct comb *cb, const uint32_t *col, uint32_t n)
{
	size_t base, tries = 0;
	uint32_t i = 0;

	if (!n)
		return 0;
	base = comb_free_from(cb, col[0]) - col[0];
	for (;;) {
		i = comb_conflict(cb, base, col, n);
		if (i == n)
			return base;
		if (++tries == COMB_TRIES && cb->end > base + 256) {
			/* retry in the sparse tail before extending */
			base = comb_free_from(cb, cb->end - 256 + col[0]) -
			       col[0];
			continue;
		}
		if (tries > COMB_TRIES + COMB_TAIL_TRIES)
			return cb->end;
		base = comb_free_from(cb, base + col[i] + 1) - col[i];
	}
}

int dfa_compress(const struct dfa *d, struct arena *a,
		 const struct dfa_compress_opts *opts, struct dfa_tables **out,
		 const char **err)
{
	struct dfa_tables *t;
	struct comb cb = { 0 };
	bool ec = opts ? opts->use_ec : true;
	uint32_t ncol = ec ? d->nclasses : 256, n = d->nstates;
	uint32_t row[256], col[257], cnt[256], tg[256], oob;

	if (opts && opts->max_states && n > opts->max_states) {
		*err = arena_sprintf(a, "automaton exceeds %u states",
				     opts->max_states);
		return -E2BIG;
	}
	t = arena_alloc(a, sizeof(*t));
	t->nstates = n;
	t->has_ec = ec;
	t->nclasses = ncol;
	for (int b = 0; b < 256; b++)
		t->ec[b] = ec ? d->ec[b] : (uint8_t)b;
	t->base = arena_alloc_array(a, n, sizeof(uint32_t));
	t->def = arena_alloc_array(a, n, sizeof(uint32_t));
	t->accept = arena_alloc_array(a, n, sizeof(struct dfa_accept));
	memcpy(t->accept, d->accept, n * sizeof(struct dfa_accept));
	comb_reserve(&cb, 4096);
	for (uint32_t s = 1; s < n; s++) {
		uint32_t ntg = 0, best = 0, nc = 0;
		size_t base;

		memset(row, 0, sizeof(row));
		if (ec) {
			for (uint32_t i = d->toff[s]; i < d->toff[s + 1]; i++)
				row[d->tcls[i]] = d->tdst[i];
		} else {
			for (int b = 0; b < 256; b++)
				row[b] = dfa_step(d, s, (uint8_t)b);
		}
		for (uint32_t c = 0; c < ncol; c++) {
			uint32_t q;

			for (q = 0; q < ntg && tg[q] != row[c]; q++)
				;
			if (q == ntg) {
				tg[ntg] = row[c];
				cnt[ntg++] = 0;
			}
			cnt[q]++;
		}
		for (uint32_t q = 1; q < ntg; q++)
			if (cnt[q] > cnt[best] ||
			    (cnt[q] == cnt[best] && tg[q] < tg[best]))
				best = q;
		t->def[s] = tg[best];
		oob = dfa_step_oob(d, s);
		if (oob && oob != t->def[s])
			col[nc++] = 0;
		for (uint32_t c = 0; c < ncol; c++)
			if (row[c] != t->def[s])
				col[nc++] = c + !!oob;
		base = comb_place(&cb, col, nc);
		comb_reserve(&cb, base + 257);
		for (uint32_t i = 0; i < nc; i++)
			comb_claim(&cb, base + col[i], s,
				   oob && !col[i] ? oob : row[col[i] - !!oob]);
		t->base[s] = (uint32_t)base + !!oob;
		if (oob) {
			t->base[s] |= DFA_BASE_OOB;
			t->has_oob = true;
		}
	}
	{
		size_t len = cb.end;

		for (uint32_t s = 0; s < n; s++)
			if ((size_t)(t->base[s] & DFA_BASE_INDEX) + 256 > len)
				len = (size_t)(t->base[s] & DFA_BASE_INDEX) + 256;
		if (len > 0xffffffu + 1) {
			free(cb.next);
			free(cb.check);
			free(cb.nf);
			*err = arena_sprintf(a, "automaton exceeds %u table entries",
					     0xffffffu + 1);
			return -E2BIG;
		}
		comb_reserve(&cb, len);
		t->nnext = (uint32_t)len;
		t->next = arena_alloc_array(a, len, sizeof(uint32_t));
		t->check = arena_alloc_array(a, len, sizeof(uint32_t));
		for (size_t i = 0; i < len; i++) {
			if (cb.check[i] == COMB_FREE)
				continue;
			t->next[i] = cb.next[i];
			t->check[i] = cb.check[i];
		}
	}
	free(cb.next);
	free(cb.check);
	free(cb.nf);
	*out = t;
	return 0;
}

dfa_state_t dfa_tables_step(const struct dfa_tables *t, dfa_state_t s,
			    uint8_t byte)
{
	uint32_t pos = (t->base[s] & DFA_BASE_INDEX) + t->ec[byte];

	if (t->check[pos] == s)
		return t->next[pos];
	return t->def[s];
}

dfa_state_t dfa_tables_step_oob(const struct dfa_tables *t, dfa_state_t s)
{
	uint32_t pos;

	if (!(t->base[s] & DFA_BASE_OOB))
		return DFA_DEAD;
	pos = (t->base[s] & DFA_BASE_INDEX) - 1;
	if (t->check[pos] == s)
		return t->next[pos];
	return t->def[s];
}

dfa_state_t dfa_tables_match(const struct dfa_tables *t, dfa_state_t s,
			     const void *buf, size_t n)
{
	const uint8_t *p = buf;

	for (size_t i = 0; i < n && s != DFA_DEAD; i++)
		s = dfa_tables_step(t, s, p[i]);
	return s;
}

static size_t table_size(size_t entries, size_t width)
{
	return (12 + entries * width + 7) & ~(size_t)7;
}

size_t dfa_tables_bytes(const struct dfa_tables *t)
{
	size_t n = t->nstates, m = t->nnext, sz = 24;

	sz += 2 * table_size(n, 4); /* ACCEPT, ACCEPT2 */
	sz += table_size(n, 4); /* BASE */
	sz += table_size(n, 2); /* DEFAULT */
	sz += 2 * table_size(m, 2); /* NEXT, CHECK */
	if (t->has_ec)
		sz += table_size(256, 1);
	return sz;
}
