/* Access to built automata, Graphviz rendering, and comb compression
 * into the kernel's base/next/check/default tables with the matchers
 * over both forms. Phase: automata to tables; knows no ABI widths
 * beyond the size estimate of dfa_tables_bytes().
 */
#include "dfa.h"
#include "dfa_int.h"
#include "arena.h"

#include <endian.h>
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
 * "Storing a sparse table", CACM 1979). Bases are chosen first fit: from
 * the first candidate base, a clash in column i moves the base so that
 * column i lands on the next free slot, and the search is bounded so that
 * packing stays linear (after COMB_TRIES clashes it retries just below the
 * end of the table, then gives up and takes the end); the table is then
 * extended so every base + 255 is inside it (policy-blob.md 6.4). A state
 * with an out-of-band transition is placed with its columns shifted by
 * one, its out-of-band slot (base - 1) as column 0, so its base is at
 * least 1 (Note [out-of-band]).
 *
 * Note [comb-window]
 * The same first fit, found faster: the occupancy bitmap tells for
 * COMB_WIN consecutive bases at once which fit (a base fits when no
 * stored column lands on a taken slot; one unaligned 64-bit load per
 * column gives at least 56 bits), and between such windows the clash
 * rule above jumps ahead. Every base skipped either way does not fit, so
 * the first fit found is the one of Note [comb-packing]; that walk meets
 * at most one clash per base, so when the first fit is fewer than
 * COMB_TRIES bases past the first candidate the bound cannot have cut it
 * short. Otherwise the walk of Note [comb-packing] is replayed, bound
 * included (Note [comb-walk]). Free slots are found in the bitmap, with
 * a second level that marks full 64-slot words.
 *
 * Note [comb-walk]
 * The replayed walk goes a window at a time too: with the occupancy of
 * each stored column under COMB_WIN consecutive bases in one word,
 * finding the first clashing column and the next base where that column
 * is free are a bit test and a count of trailing zeros, and only a move
 * past the window reads the table again. Every base is visited and every
 * clash counted as the walk does, so it stops where the walk stops; its
 * last few steps (the retry in the tail) and rows wider than
 * COMB_WALK_COLS are walked as written.
 */

#define COMB_TRIES 4096
#define COMB_TAIL_TRIES 64
#define COMB_WALK_COLS 16 /* widest row walked by comb_walk_fast() */
#define COMB_WIN 56 /* bases tested at once (Note [comb-window]) */
#define COMB_WIN_MASK (((uint64_t)1 << COMB_WIN) - 1)
#define COMB_ORDER_MAX 2048 /* most states packed in every order */

struct comb {
	uint32_t *next; /* malloc'd */
	uint32_t *check; /* malloc'd, valid where the occ bit is set */
	uint64_t *occ; /* bit i set when slot i is taken; cap / 64 + 8 words */
	uint64_t *full; /* bit w set when occ word w is all taken */
	size_t cap; /* allocated entries, a multiple of 512 */
	size_t end; /* entries in use (past the last claimed slot) */
};

static size_t comb_full_words(size_t cap)
{
	return cap / 4096 + 2;
}

static void comb_reserve(struct comb *cb, size_t need)
{
	size_t cap = cb->cap, ow, nw;

	if (need <= cap)
		return;
	while (cap < need)
		cap = cap ? cap * 2 : 512;
	cb->next = xrealloc(cb->next, cap * sizeof(uint32_t));
	cb->check = xrealloc(cb->check, cap * sizeof(uint32_t));
	ow = cb->cap ? cb->cap / 64 + 8 : 0;
	nw = cap / 64 + 8;
	cb->occ = xrealloc(cb->occ, nw * sizeof(uint64_t));
	memset(cb->occ + ow, 0, (nw - ow) * sizeof(uint64_t));
	ow = cb->cap ? comb_full_words(cb->cap) : 0;
	nw = comb_full_words(cap);
	cb->full = xrealloc(cb->full, nw * sizeof(uint64_t));
	memset(cb->full + ow, 0, (nw - ow) * sizeof(uint64_t));
	cb->cap = cap;
}

/*
 * Empties @cb for another packing, keeping its storage: only slots below
 * end were claimed.
 */
static void comb_reset(struct comb *cb)
{
	size_t e = cb->end < cb->cap ? cb->end : cb->cap;

	if (cb->cap) {
		memset(cb->occ, 0, (e / 64 + 1) * sizeof(uint64_t));
		memset(cb->full, 0, (e / 4096 + 1) * sizeof(uint64_t));
	}
	cb->end = 0;
}

/* Smallest free slot at or after @i (slots past cap are free). */
static size_t comb_free_from(const struct comb *cb, size_t i)
{
	size_t w = i / 64, sw;
	uint64_t x, y;

	if (i >= cb->cap)
		return i;
	x = ~cb->occ[w] & (~(uint64_t)0 << (i % 64));
	if (x)
		return 64 * w + (size_t)__builtin_ctzll(x);
	w++;
	for (sw = w / 64; 4096 * sw < cb->cap; sw++) {
		y = ~cb->full[sw];
		if (sw == w / 64)
			y &= ~(uint64_t)0 << (w % 64);
		if (y) {
			w = 64 * sw + (size_t)__builtin_ctzll(y);
			if (64 * w >= cb->cap)
				return cb->cap;
			return 64 * w + (size_t)__builtin_ctzll(~cb->occ[w]);
		}
	}
	return cb->cap;
}

/* State @s takes the slots @base + @col[j] for its @n targets @to. */
static void comb_claim(struct comb *cb, size_t base, const uint32_t *col,
		       const uint32_t *to, uint32_t n, uint32_t s)
{
	for (uint32_t j = 0; j < n; j++) {
		size_t p = base + col[j], w = p / 64;

		cb->check[p] = s;
		cb->next[p] = to[j];
		cb->occ[w] |= (uint64_t)1 << (p % 64);
		if (cb->occ[w] == ~(uint64_t)0)
			cb->full[w / 64] |= (uint64_t)1 << (w % 64);
	}
	if (base + col[n - 1] + 1 > cb->end)
		cb->end = base + col[n - 1] + 1;
}

/*
 * Occupancy bits of slots @p .. @p + COMB_WIN - 1 in the low bits, with
 * one unaligned load (zero past the table; the bits above are not set).
 */
static uint64_t comb_occ_win(const struct comb *cb, size_t p)
{
	uint64_t v;

	if (p >= cb->cap)
		return 0;
	memcpy(&v, (const unsigned char *)cb->occ + p / 8, sizeof(v));
	return le64toh(v) >> (p % 8);
}

/*
 * The smallest of the @n columns @col whose slot from @base is taken, or
 * UINT32_MAX when the row fits.
 */
static uint32_t comb_conflict(const struct comb *cb, size_t base,
			      const uint32_t *col, uint32_t n)
{
	for (uint32_t j = 0; j < n; j++) {
		size_t p = base + col[j];

		if (p < cb->cap && (cb->occ[p / 64] >> (p % 64) & 1))
			return col[j];
	}
	return UINT32_MAX;
}

/* Bit j set when the @n columns @col fit at base @base + j < COMB_WIN. */
static uint64_t comb_fits(const struct comb *cb, size_t base,
			  const uint32_t *col, uint32_t n)
{
	uint64_t taken = ~COMB_WIN_MASK;

	for (uint32_t j = 0; j < n && ~taken; j++)
		taken |= comb_occ_win(cb, base + col[j]);
	return ~taken;
}

/*
 * Note [comb-walk]: the first COMB_TRIES - 1 clashes of the bounded walk
 * of the @n columns @col from @base, in windows of COMB_WIN bases. True with
 * *@base the fit when the walk fits before its COMB_TRIES-th clash, else
 * false with *@base where that clash happens.
 */
static bool comb_walk_fast(const struct comb *cb, const uint32_t *col,
			   uint32_t n, size_t *base)
{
	uint64_t t[COMB_WALK_COLS]; /* bit j: column c taken at base b + j */
	size_t b = *base, tries = 0;
	uint32_t c, j;
	uint64_t x, fit; /* bit j: the row fits at b + j */

	for (;;) {
		fit = COMB_WIN_MASK;
		for (c = 0; c < n; c++) {
			t[c] = comb_occ_win(cb, b + col[c]) | ~COMB_WIN_MASK;
			fit &= ~t[c];
		}
		for (j = 0;;) {
			if (fit >> j & 1) {
				*base = b + j;
				return true;
			}
			for (c = 0; !(t[c] >> j & 1); c++)
				;
			if (++tries == COMB_TRIES) {
				*base = b + j;
				return false;
			}
			x = (~t[c] >> j) & ~(uint64_t)1;
			if (!x)
				break;
			j += (uint32_t)__builtin_ctzll(x);
		}
		b = comb_free_from(cb, b + j + col[c] + 1) - col[c];
	}
}

/* Note [comb-packing]: the bounded walk, from the first candidate @base. */
static size_t comb_walk(struct comb *cb, const uint32_t *col, uint32_t n,
			size_t base)
{
	size_t tries = 0;
	uint32_t i;

	if (n <= COMB_WALK_COLS) {
		if (comb_walk_fast(cb, col, n, &base))
			return base;
		tries = COMB_TRIES - 1;
	}
	for (;;) {
		i = comb_conflict(cb, base, col, n);
		if (i == UINT32_MAX)
			return base;
		if (++tries == COMB_TRIES && cb->end > base + 256) {
			/* retry in the sparse tail before extending */
			base = comb_free_from(cb, cb->end - 256 + col[0]) -
			       col[0];
			continue;
		}
		if (tries > COMB_TRIES + COMB_TAIL_TRIES)
			return cb->end;
		base = comb_free_from(cb, base + i + 1) - i;
	}
}

/*
 * Note [comb-packing], Note [comb-window]: the base of the @n columns
 * @col, first fit from slot @from.
 */
static size_t comb_place(struct comb *cb, const uint32_t *col, uint32_t n,
			 size_t from)
{
	size_t first, base;
	uint64_t fit;
	uint32_t i;

	if (!n)
		return 0;
	first = comb_free_from(cb, from + col[0]) - col[0];
	if (n == 1)
		return first;
	base = first;
	for (;;) {
		fit = comb_fits(cb, base, col, n);
		if (fit) {
			base += (size_t)__builtin_ctzll(fit);
			break;
		}
		base += COMB_WIN;
		i = comb_conflict(cb, base, col, n);
		if (i == UINT32_MAX)
			break;
		base = comb_free_from(cb, base + i + 1) - i;
		if (base - first >= COMB_TRIES)
			return comb_walk(cb, col, n, first);
	}
	if (base - first >= COMB_TRIES)
		return comb_walk(cb, col, n, first);
	return base;
}

/*
 * Every state's row: its default and the columns it stores; rows with
 * the same column set share a mask id (Note [comb-packing]).
 */
struct crows {
	uint32_t *def; /* default target per state */
	uint32_t *off; /* state s stores col/to[off[s], off[s + 1]) */
	uint32_t *col; /* columns, ascending (shifted by one with OOB) */
	uint32_t *to; /* target per stored column */
	size_t cap; /* entries allocated in col and to */
	uint32_t *mid; /* mask id per state (rows with columns only) */
	uint32_t *rep; /* first state per mask id */
	uint32_t nmask; /* distinct column sets */
};

static void crows_free(struct crows *cr)
{
	free(cr->def);
	free(cr->off);
	free(cr->col);
	free(cr->to);
	free(cr->mid);
	free(cr->rep);
}

/* Room for @more entries past @at in col and to. */
static void crows_reserve(struct crows *cr, size_t at, size_t more)
{
	if (at + more <= cr->cap)
		return;
	while (at + more > cr->cap)
		cr->cap = cr->cap ? 2 * cr->cap : 1024;
	cr->col = xrealloc(cr->col, cr->cap * sizeof(uint32_t));
	cr->to = xrealloc(cr->to, cr->cap * sizeof(uint32_t));
}

/* Hash table of the distinct column sets, by mask id. */
struct cmasks {
	uint32_t *tab; /* malloc'd, UINT32_MAX when empty */
	size_t cap; /* slots, a power of two */
};

/*
 * Note [comb-packing]: rows with the same column set. Slots only get
 * taken, so a base that did not fit a column set never fits it later:
 * the next row with that set is searched from just past the last one's
 * base, which is exactly where first fit would put it. The sets are
 * numbered once per row table, for every packing order; this gives state
 * @s, whose @n columns were just stored, the id of its set.
 */
static void crows_mask_id(struct crows *cr, struct cmasks *h, uint32_t s,
			  uint32_t n)
{
	const uint32_t *c = cr->col + cr->off[s];
	uint64_t x = n;
	size_t j;

	for (uint32_t i = 0; i < n; i++)
		x = (x ^ c[i]) * 0x9e3779b97f4a7c15ull;
	j = (size_t)(x >> (64 - __builtin_ctzll(h->cap)));
	while (h->tab[j] != UINT32_MAX) {
		uint32_t r = cr->rep[h->tab[j]], i = 0;
		const uint32_t *o = cr->col + cr->off[r];

		if (cr->off[r + 1] - cr->off[r] == n)
			while (i < n && o[i] == c[i])
				i++;
		if (i == n)
			break;
		j = (j + 1) & (h->cap - 1);
	}
	if (h->tab[j] == UINT32_MAX) {
		cr->rep[cr->nmask] = s;
		h->tab[j] = cr->nmask++;
	}
	cr->mid[s] = h->tab[j];
}

/*
 * The defaults of every state with classes (@dec) and without (@dby): the
 * most frequent target, a class weighing one or its bytes (classes
 * without a transition go to the dead state), ties to the smaller state.
 */
static void comb_defaults(const struct dfa *d, uint32_t *dec, uint32_t *dby)
{
	uint32_t csize[256] = { 0 };

	for (int b = 0; b < 256; b++)
		csize[d->ec[b]]++;
	for (uint32_t s = 1; s < d->nstates; s++) {
		uint32_t tg[257], c1[257], c2[257], ntg = 0, q = 0;
		uint32_t lo = d->toff[s], hi = d->toff[s + 1];
		uint32_t l1 = hi - lo, l2 = 0, b1 = 0, b2 = 0;

		/* runs of one target, counted in registers */
		for (uint32_t i = lo, e; i < hi; i = e) {
			uint32_t t = d->tdst[i], w = 0;

			for (e = i; e < hi && d->tdst[e] == t; e++)
				w += csize[d->tcls[e]];
			for (q = 0; q < ntg && tg[q] != t; q++)
				;
			if (q == ntg) {
				tg[ntg] = t;
				c1[ntg] = c2[ntg] = 0;
				ntg++;
			}
			c1[q] += e - i;
			c2[q] += w;
			l2 += w;
		}
		if (l1 < d->nclasses) {
			for (q = 0; q < ntg && tg[q] != DFA_DEAD; q++)
				;
			if (q == ntg) {
				tg[ntg] = DFA_DEAD;
				c1[ntg] = c2[ntg] = 0;
				ntg++;
			}
			c1[q] += d->nclasses - l1;
			c2[q] += 256 - l2;
		}
		for (q = 1; q < ntg; q++) {
			if (c1[q] > c1[b1] ||
			    (c1[q] == c1[b1] && tg[q] < tg[b1]))
				b1 = q;
			if (c2[q] > c2[b2] ||
			    (c2[q] == c2[b2] && tg[q] < tg[b2]))
				b2 = q;
		}
		dec[s] = tg[b1];
		dby[s] = tg[b2];
	}
}

/*
 * Appends at @at the columns of state @s over bytes: the bytes set in @bs
 * (shifted by @sh), each to its class's target in @row when tagged with
 * @s, else to the dead state. Returns the new end.
 */
static size_t comb_byte_cols(const struct dfa *d, const uint64_t *bs,
			     const uint64_t *row, uint32_t s, uint32_t sh,
			     struct crows *cr, size_t at)
{
	for (uint32_t q = 0; q < 4; q++) {
		for (uint64_t x = bs[q]; x; x &= x - 1) {
			uint32_t b = 64 * q + (uint32_t)__builtin_ctzll(x);
			uint64_t v = row[d->ec[b]];

			cr->col[at] = b + sh;
			cr->to[at++] = v >> 32 == s ? (uint32_t)v : DFA_DEAD;
		}
	}
	return at;
}

/*
 * The rows of @d over classes (@ec) or bytes, with the defaults @def of
 * comb_defaults(); a state's out-of-band slot is column 0 when it needs
 * one (Note [out-of-band]). Rows over bytes whose state has the same
 * default in @cls (rows over classes, or NULL) store the bytes of the
 * classes stored there.
 */
static void comb_rows(const struct dfa *d, bool ec, const uint32_t *def,
		      const struct crows *cls, struct crows *cr)
{
	uint32_t n = d->nstates, nk = d->nclasses;
	uint64_t row[256] = { 0 }; /* state << 32 | target, per class */
	uint64_t cbits[256][4]; /* bytes of each class */
	struct cmasks h = { NULL, 64 };
	size_t at = 0;

	memset(cr, 0, sizeof(*cr));
	memset(cbits, 0, nk * sizeof(cbits[0]));
	for (int b = 0; b < 256; b++)
		cbits[d->ec[b]][b / 64] |= (uint64_t)1 << (b % 64);
	cr->def = xcalloc(n + 1, sizeof(uint32_t));
	cr->off = xcalloc(n + 2, sizeof(uint32_t));
	cr->mid = xmalloc(((size_t)n + 1) * sizeof(uint32_t));
	cr->rep = xmalloc(((size_t)n + 1) * sizeof(uint32_t));
	while (h.cap < 2 * (size_t)n)
		h.cap *= 2;
	h.tab = xmalloc(h.cap * sizeof(uint32_t));
	memset(h.tab, 0xff, h.cap * sizeof(uint32_t));
	for (uint32_t s = 1; s < n; s++) {
		uint32_t lo = d->toff[s], hi = d->toff[s + 1], oob, ds, sh;
		size_t from = at;

		cr->off[s] = (uint32_t)at;
		cr->mid[s] = UINT32_MAX;
		ds = cr->def[s] = def[s];
		oob = dfa_step_oob(d, s);
		sh = !!oob;
		crows_reserve(cr, at, 258);
		if (oob && oob != ds) {
			cr->col[at] = 0;
			cr->to[at++] = oob;
		}
		if (ec && ds == DFA_DEAD) {
			for (uint32_t i = lo; i < hi; i++) {
				if (d->tdst[i] == DFA_DEAD)
					continue;
				cr->col[at] = d->tcls[i] + sh;
				cr->to[at++] = d->tdst[i];
			}
		} else if (ec) {
			/* the unlisted classes go to the dead state */
			uint32_t k = 0;

			for (uint32_t i = lo; i < hi; i++, k++) {
				for (; k < d->tcls[i]; k++) {
					cr->col[at] = k + sh;
					cr->to[at++] = DFA_DEAD;
				}
				if (d->tdst[i] != ds) {
					cr->col[at] = k + sh;
					cr->to[at++] = d->tdst[i];
				}
			}
			for (; k < nk; k++) {
				cr->col[at] = k + sh;
				cr->to[at++] = DFA_DEAD;
			}
		} else if (cls && cls->def[s] == ds) {
			/* the bytes of the classes stored over classes */
			uint64_t bs[4] = { 0, 0, 0, 0 };

			for (uint32_t j = cls->off[s] + (at > from);
			     j < cls->off[s + 1]; j++) {
				uint32_t k = cls->col[j] - sh;

				row[k] = (uint64_t)s << 32 | cls->to[j];
				for (uint32_t q = 0; q < 4; q++)
					bs[q] |= cbits[k][q];
			}
			at = comb_byte_cols(d, bs, row, s, sh, cr, at);
		} else {
			uint64_t b0 = 0, b1 = 0, b2 = 0, b3 = 0, bs[4];

			for (uint32_t i = lo; i < hi; i++) {
				const uint64_t *c = cbits[d->tcls[i]];
				uint32_t t = d->tdst[i];

				/* the stored bytes, or their complement */
				uint64_t hit = -(uint64_t)((t == ds) !=
							   (ds == DFA_DEAD));

				row[d->tcls[i]] = (uint64_t)s << 32 | t;
				b0 |= c[0] & hit;
				b1 |= c[1] & hit;
				b2 |= c[2] & hit;
				b3 |= c[3] & hit;
			}
			bs[0] = b0;
			bs[1] = b1;
			bs[2] = b2;
			bs[3] = b3;
			for (uint32_t q = 0; ds != DFA_DEAD && q < 4; q++)
				bs[q] = ~bs[q];
			at = comb_byte_cols(d, bs, row, s, sh, cr, at);
		}
		if (at > from)
			crows_mask_id(cr, &h, s, (uint32_t)(at - from));
	}
	cr->off[n] = (uint32_t)at;
	if (n)
		cr->off[0] = 0;
	free(h.tab);
}

/* A packed layout, before it is copied into the arena. */
struct clayout {
	uint32_t *base; /* per state, with DFA_BASE_OOB */
	uint32_t *def; /* per state */
	struct comb cb; /* next/check */
	size_t len; /* NEXT entries */
	bool oob; /* some state has DFA_BASE_OOB */
	bool ec; /* columns are classes */
};

static void clayout_free(struct clayout *l)
{
	free(l->base);
	free(l->def);
	free(l->cb.next);
	free(l->cb.check);
	free(l->cb.occ);
	free(l->cb.full);
}

/* Packing orders of Note [comb-packing]. */
enum comb_order {
	COMB_BY_STATE, /* state order */
	COMB_BY_COUNT, /* most stored columns first */
	COMB_BY_SPAN, /* widest column span first, then most columns */
	COMB_BY_FEW, /* fewest stored columns first */
	COMB__N
};

/*
 * Digit @pass (0: the less significant) of the key of state @s in order
 * @ord: fewest or most stored columns, then (COMB_BY_SPAN) widest span.
 */
static uint32_t comb_digit(const struct crows *cr, uint32_t s,
			   enum comb_order ord, int pass)
{
	uint32_t lo = cr->off[s], hi = cr->off[s + 1];

	if (ord == COMB_BY_FEW)
		return hi - lo;
	if (pass)
		return 257 - (hi > lo ? cr->col[hi - 1] - cr->col[lo] : 0);
	return 257 - (hi - lo);
}

/*
 * The states 1 .. @n - 1 in packing order @ord, into @out: a counting
 * sort on each digit of the order's key, least significant first, each
 * pass stable, so ties stay in state order.
 */
static void comb_sort(const struct crows *cr, uint32_t n,
		      enum comb_order ord, uint32_t *out)
{
	int np = ord == COMB_BY_SPAN ? 2 : 1;
	uint32_t *tmp, *dig; /* tmp: the order after pass 0; dig: digits */

	if (ord == COMB_BY_STATE || n < 2) {
		for (uint32_t s = 1; s < n; s++)
			out[s - 1] = s;
		return;
	}
	tmp = xmalloc(2 * ((size_t)n + 1) * sizeof(uint32_t));
	dig = tmp + n + 1;
	for (int p = 0; p < np; p++) {
		uint32_t cnt[259] = { 0 };
		uint32_t *dst = p == np - 1 ? out : tmp;

		for (uint32_t i = 0; i + 1 < n; i++) {
			dig[i] = comb_digit(cr, p ? tmp[i] : i + 1, ord, p);
			cnt[dig[i] + 1]++;
		}
		for (int b = 0; b < 258; b++)
			cnt[b + 1] += cnt[b];
		for (uint32_t i = 0; i + 1 < n; i++)
			dst[cnt[dig[i]]++] = p ? tmp[i] : i + 1;
	}
	free(tmp);
}

/*
 * Note [comb-packing]: states are placed first fit in order @ord; the
 * decreasing orders put the dense rows at the low bases and let the
 * sparse ones fill the holes between them (ties in state order). @l is
 * either zeroed or a layout of an earlier packing of the same automaton,
 * whose storage is reused.
 */
static void comb_pack(const struct dfa *d, const struct crows *cr,
		      enum comb_order ord, struct clayout *l)
{
	uint32_t n = d->nstates;
	uint32_t *key = xmalloc(((size_t)n + 1) * sizeof(uint32_t));
	size_t *last = xmalloc(((size_t)cr->nmask + 1) * sizeof(size_t));
	size_t len = n ? 256 : 0; /* every base + 256, state 0's included */

	if (l->base) {
		comb_reset(&l->cb);
		l->oob = false;
	} else {
		l->base = xcalloc(n ? n : 1, sizeof(uint32_t));
		l->def = xcalloc(n ? n : 1, sizeof(uint32_t));
	}
	comb_reserve(&l->cb, 512);
	comb_sort(cr, n, ord, key);
	memset(last, 0xff, ((size_t)cr->nmask + 1) * sizeof(size_t));
	memcpy(l->def, cr->def, n * sizeof(uint32_t));
	for (uint32_t i = 0; i + 1 < n; i++) {
		uint32_t s = key[i];
		uint32_t nc = cr->off[s + 1] - cr->off[s];
		bool oob = d->oob && d->oob[s];
		size_t base = 0;

		if (nc) {
			const uint32_t *col = cr->col + cr->off[s];
			size_t *lb = &last[cr->mid[s]];

			base = comb_place(&l->cb, col, nc,
					  *lb == SIZE_MAX ? 0 : *lb + 1);
			*lb = base;
			if (base + 257 > l->cb.cap)
				comb_reserve(&l->cb, base + 257);
			comb_claim(&l->cb, base, col, cr->to + cr->off[s], nc,
				   s);
		}
		l->base[s] = (uint32_t)base + oob;
		if (base + oob + 256 > len)
			len = base + oob + 256;
		if (oob) {
			l->base[s] |= DFA_BASE_OOB;
			l->oob = true;
		}
	}
	l->len = l->cb.end > len ? l->cb.end : len;
	free(key);
	free(last);
}

static size_t table_size(size_t entries, size_t width)
{
	return (12 + entries * width + 7) & ~(size_t)7;
}

/* dfa_tables_bytes() of tables with @n states and @m NEXT entries. */
static size_t tables_bytes(size_t n, size_t m, bool ec)
{
	size_t sz = 24;

	sz += 2 * table_size(n, 4); /* ACCEPT, ACCEPT2 */
	sz += table_size(n, 4); /* BASE */
	sz += table_size(n, 2); /* DEFAULT */
	sz += 2 * table_size(m, 2); /* NEXT, CHECK */
	if (ec)
		sz += table_size(256, 1);
	return sz;
}

int dfa_compress(const struct dfa *d, struct arena *a,
		 const struct dfa_compress_opts *opts, struct dfa_tables **out,
		 const char **err)
{
	struct dfa_tables *t;
	struct clayout lay[3] = { 0 }, *l, tmp;
	bool have[2] = { false, false };
	struct crows cr = { 0 };
	uint32_t *dec = NULL, *dby = NULL; /* defaults, comb_defaults() */
	int cr_ec = -1;
	bool ec = opts ? opts->use_ec : true;
	uint32_t n = d->nstates;
	size_t len;

	if (opts && opts->max_states && n > opts->max_states) {
		*err = arena_sprintf(a, "automaton exceeds %u states",
				     opts->max_states);
		return -E2BIG;
	}
	/*
	 * Note [comb-packing]: the smallest of the layouts with and without
	 * classes (when allowed; the EC table costs 256 bytes and a 12-byte
	 * header), each in decreasing count order and, for small automata,
	 * in the other orders too. lay[1] keeps the best layout with
	 * classes, lay[0] the best without, lay[2] is the next packing's
	 * storage; ties keep the earlier order.
	 */
	for (int k = 0; k < 2 * COMB__N; k++) {
		bool kec = k < COMB__N ? ec : false;
		enum comb_order ord = (enum comb_order)(k % COMB__N);

		if ((k >= COMB__N && (!ec || (opts && opts->ec_always))) ||
		    (ord != COMB_BY_COUNT && n > COMB_ORDER_MAX))
			continue;
		if (!dec) {
			dec = xcalloc(n + 1, sizeof(uint32_t));
			dby = xcalloc(n + 1, sizeof(uint32_t));
			comb_defaults(d, dec, dby);
		}
		if (cr_ec != (int)kec) {
			struct crows nr;

			comb_rows(d, kec, kec ? dec : dby,
				  cr_ec == 1 ? &cr : NULL, &nr);
			crows_free(&cr);
			cr = nr;
			cr_ec = kec;
		}
		comb_pack(d, &cr, ord, &lay[2]);
		lay[2].ec = kec;
		if (!have[kec] || lay[2].len < lay[kec].len) {
			tmp = lay[kec];
			lay[kec] = lay[2];
			lay[2] = tmp;
			have[kec] = true;
		}
	}
	crows_free(&cr);
	free(dec);
	free(dby);
	if (!have[0])
		l = &lay[1];
	else if (!have[1] || lay[0].len * 4 < lay[1].len * 4 + 268)
		l = &lay[0];
	else
		l = &lay[1];
	if (l->len > 0xffffffu + 1) {
		for (int i = 0; i < 3; i++)
			clayout_free(&lay[i]);
		*err = arena_sprintf(a, "automaton exceeds %u table entries",
				     0xffffffu + 1);
		return -E2BIG;
	}
	if (opts && opts->by_bytes && l->ec && have[0] &&
	    tables_bytes(n, lay[0].len, false) < tables_bytes(n, l->len, true))
		l = &lay[0];
	for (int i = 0; i < 3; i++)
		if (&lay[i] != l)
			clayout_free(&lay[i]);
	ec = l->ec;
	len = l->len;
	t = arena_alloc(a, sizeof(*t));
	t->nstates = n;
	t->has_ec = ec;
	t->has_oob = l->oob;
	t->nclasses = ec ? d->nclasses : 256;
	for (int b = 0; b < 256; b++)
		t->ec[b] = ec ? d->ec[b] : (uint8_t)b;
	t->base = arena_alloc_array(a, n, sizeof(uint32_t));
	t->def = arena_alloc_array(a, n, sizeof(uint32_t));
	t->accept = arena_alloc_array(a, n, sizeof(struct dfa_accept));
	memcpy(t->base, l->base, n * sizeof(uint32_t));
	memcpy(t->def, l->def, n * sizeof(uint32_t));
	memcpy(t->accept, d->accept, n * sizeof(struct dfa_accept));
	comb_reserve(&l->cb, len);
	t->nnext = (uint32_t)len;
	t->next = arena_alloc_array(a, len, sizeof(uint32_t));
	t->check = arena_alloc_array(a, len, sizeof(uint32_t));
	for (size_t i = 0; i < len; i++) {
		if (!(l->cb.occ[i / 64] >> (i % 64) & 1))
			continue;
		t->next[i] = l->cb.next[i];
		t->check[i] = l->cb.check[i];
	}
	clayout_free(l);
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

size_t dfa_tables_bytes(const struct dfa_tables *t)
{
	return tables_bytes(t->nstates, t->nnext, t->has_ec);
}
