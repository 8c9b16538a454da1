/* Hash-consed regex terms for the DFA engine: smart constructors that keep
 * every term normalized (ACI unions and intersections, byte classes as
 * 256-bit sets, empty/epsilon/star simplifications) and Brzozowski
 * derivatives with a memo table. Phase: patterns; knows no rule ids.
 */
#include "dfa.h"
#include "dfa_int.h"
#include "arena.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/*
 * Note [derivative-terms]
 * Brzozowski (1964): the derivative of a regex r by byte b matches
 * { w : bw in L(r) }. With unions and intersections normalized as sorted,
 * duplicate-free sets (associativity, commutativity, idempotence), a term
 * has finitely many distinct derivatives, so exploring derivatives builds
 * a DFA. Owens, Reppy and Turon, "Regular-expression derivatives
 * re-examined" (JFP 2009) add complement, intersection and character sets
 * and report automata close to minimal. We add one more rewrite: in a
 * union, a kid whose alphabet lies inside S is dropped when S* is also a
 * kid (x <= alpha(x)* <= S*), which collapses the residuals of overlapping
 * '**' globs.
 */

/*
 * Note [out-of-band]
 * The alphabet has a 257th symbol, DFA_SYM_OOB, that no byte equals (the
 * kernel's out-of-band transition, policy-blob.md 6.6; used between an
 * attachment path and its xattr values). Byte sets and byte classes never
 * hold it: a term records in its oob bits whether its derivative by it
 * may be non-empty and whether any matched string may contain it.
 * dfa_pat_any() is bytes*, so path rules never grow out-of-band
 * transitions; complement (DFA_T_NOT) is taken relative to the universe
 * (bytes | <oob>)*, so a difference keeps the out-of-band strings of its
 * minuend, and dfa_pat_not() intersects with bytes* again.
 */

static void dfa_buf_free(void *p)
{
	free(p);
}

/*
 * Note [mapped-buffers]
 * A growing buffer past DFA_MAP_MIN bytes lives in its own mapping, grown
 * by mremap: a copying realloc faults in every page of the new copy
 * (about 8 us each here) while the old one stays resident, and the
 * transition and key arrays of a big automaton double several times. The
 * mapping keeps its length in a header before the elements.
 */
#define DFA_MAP_MIN ((size_t)2 << 20)
#define DFA_MAP_HDR ((size_t)64)

static size_t map_len(size_t bytes)
{
	return (bytes + DFA_MAP_HDR + 4095) & ~(size_t)4095;
}

static void dfa_map_free(void *p)
{
	uint8_t *base = (uint8_t *)p - DFA_MAP_HDR;
	size_t len;

	memcpy(&len, base, sizeof(len));
	munmap(base, len);
}

/*
 * Move or grow @b's elements into a mapping of @bytes; false when the
 * system has none to give (the heap is tried next).
 */
static bool map_grow(struct dfa_ctx *c, struct dfa_buf *b, size_t bytes)
{
	size_t len = map_len(bytes);
	uint8_t *base;

	if (b->mapped) {
		size_t old;

		base = (uint8_t *)b->p - DFA_MAP_HDR;
		memcpy(&old, base, sizeof(old));
		base = mremap(base, old, len, MREMAP_MAYMOVE);
		if (base == MAP_FAILED)
			return false;
		memcpy(base, &len, sizeof(len));
		b->p = base + DFA_MAP_HDR;
		arena_own_update(c->a, b->slot, b->p);
		return true;
	}
	base = mmap(NULL, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return false;
	memcpy(base, &len, sizeof(len));
	if (b->p) {
		memcpy(base + DFA_MAP_HDR, b->p, b->bytes);
		free(b->p);
		arena_own_update(c->a, b->slot, NULL);
	}
	b->p = base + DFA_MAP_HDR;
	b->slot = arena_own(c->a, b->p, dfa_map_free);
	b->mapped = true;
	return true;
}

/* Grow @b's heap array to @bytes, out of a mapping if it is in one. */
static void heap_grow(struct dfa_ctx *c, struct dfa_buf *b, size_t bytes)
{
	void *p;

	if (!b->p) {
		b->p = xmalloc(bytes);
		b->slot = arena_own(c->a, b->p, dfa_buf_free);
	} else if (!b->mapped) {
		b->p = xrealloc(b->p, bytes);
		arena_own_update(c->a, b->slot, b->p);
	} else {
		p = xmalloc(bytes);
		memcpy(p, b->p, b->bytes);
		dfa_map_free(b->p);
		arena_own_update(c->a, b->slot, NULL);
		b->p = p;
		b->slot = arena_own(c->a, b->p, dfa_buf_free);
		b->mapped = false;
	}
}

void *dfa_buf_grow(struct dfa_ctx *c, struct dfa_buf *b, size_t esz,
		   size_t need)
{
	size_t cap;

	if (!need)
		need = 1;
	if (need <= b->cap)
		return b->p;
	cap = b->cap ? b->cap : 16;
	/* past 4 MB grow by half: a copying realloc holds both arrays */
	while (cap < need)
		cap += cap * esz < ((size_t)4 << 20) ? cap : cap / 2;
	c->bytes += (cap - b->cap) * esz;
	if (c->bytes > c->peak)
		c->peak = c->bytes;
	if (cap * esz <= DFA_MAP_MIN || !map_grow(c, b, cap * esz))
		heap_grow(c, b, cap * esz);
	b->bytes = cap * esz;
	b->cap = cap;
	return b->p;
}

void dfa_buf_release(struct dfa_ctx *c, struct dfa_buf *b)
{
	if (!b->p)
		return;
	if (b->mapped)
		dfa_map_free(b->p);
	else
		free(b->p);
	arena_own_update(c->a, b->slot, NULL);
	c->bytes -= b->bytes;
	memset(b, 0, sizeof(*b));
}

void dfa_htab_release(struct dfa_ctx *c, struct dfa_htab *h)
{
	if (!h->slot)
		return;
	free(h->slot);
	arena_own_update(c->a, h->own, NULL);
	c->bytes -= h->cap * sizeof(*h->slot);
	memset(h, 0, sizeof(*h));
}

void dfa_htab_init(struct dfa_ctx *c, struct dfa_htab *h, size_t cap)
{
	h->slot = xcalloc(cap, sizeof(*h->slot));
	h->cap = cap;
	h->n = 0;
	h->own = arena_own(c->a, h->slot, dfa_buf_free);
	c->bytes += cap * sizeof(*h->slot);
	if (c->bytes > c->peak)
		c->peak = c->bytes;
}

void dfa_htab_grow(struct dfa_ctx *c, struct dfa_htab *h)
{
	size_t cap = h->cap * 2;
	uint64_t *s = xcalloc(cap, sizeof(*s));

	for (size_t i = 0; i < h->cap; i++) {
		uint64_t v = h->slot[i];
		size_t j;

		if (!v)
			continue;
		j = dfa_htab_hash(v) & (cap - 1);
		while (s[j])
			j = (j + 1) & (cap - 1);
		s[j] = v;
	}
	free(h->slot);
	c->bytes += h->cap * sizeof(*s);
	if (c->bytes > c->peak)
		c->peak = c->bytes;
	h->slot = s;
	h->cap = cap;
	arena_own_update(c->a, h->own, s);
}

static uint32_t mix32(uint32_t h, uint32_t v)
{
	h ^= v + 0x9e3779b9u + (h << 6) + (h >> 2);
	h *= 0x85ebca6bu;
	return h ^ (h >> 13);
}

void dfa_byteset_add_range(struct dfa_byteset *s, unsigned lo, unsigned hi)
{
	for (unsigned i = lo; i <= hi && i < 256; i++)
		dfa_byteset_add(s, (uint8_t)i);
}

/* --- byte sets ----------------------------------------------------------- */

static uint32_t set_hash(const struct dfa_byteset *s)
{
	uint32_t h = 7;

	for (int i = 0; i < 4; i++) {
		h = mix32(h, (uint32_t)s->w[i]);
		h = mix32(h, (uint32_t)(s->w[i] >> 32));
	}
	return h;
}

uint32_t dfa_set_intern(struct dfa_ctx *c, const struct dfa_byteset *s)
{
	uint32_t h = set_hash(s);
	size_t j;
	struct dfa_byteset *v;

	if (dfa_htab_full(&c->shash))
		dfa_htab_grow(c, &c->shash);
	j = h & (c->shash.cap - 1);
	while (c->shash.slot[j]) {
		uint64_t e = c->shash.slot[j];
		uint32_t id = dfa_htab_id(e);

		if (dfa_htab_hash(e) == h &&
		    !memcmp(dfa_set_at(c, id), s, sizeof(*s)))
			return id;
		j = (j + 1) & (c->shash.cap - 1);
	}
	v = dfa_buf_reserve(c, &c->sets, sizeof(*v), c->sets.n + 1);
	v[c->sets.n] = *s;
	dfa_htab_put(&c->shash, j, (uint32_t)c->sets.n++, h);
	return (uint32_t)(c->sets.n - 1);
}

static uint32_t set_union(struct dfa_ctx *c, uint32_t x, uint32_t y)
{
	struct dfa_byteset s;
	uint32_t *e;

	if (x == y || y == c->set_none)
		return x;
	if (x == c->set_none)
		return y;
	e = c->ucache[(mix32(x, y) >> 8) & 4095];
	if (e[0] == x && e[1] == y)
		return e[2];
	for (int i = 0; i < 4; i++)
		s.w[i] = dfa_set_at(c, x)->w[i] | dfa_set_at(c, y)->w[i];
	e[0] = x;
	e[1] = y;
	e[2] = dfa_set_intern(c, &s);
	return e[2];
}

static uint32_t set_inter(struct dfa_ctx *c, uint32_t x, uint32_t y)
{
	struct dfa_byteset s;

	if (x == y || y == c->set_all)
		return x;
	if (x == c->set_all)
		return y;
	for (int i = 0; i < 4; i++)
		s.w[i] = dfa_set_at(c, x)->w[i] & dfa_set_at(c, y)->w[i];
	return dfa_set_intern(c, &s);
}

static bool set_subset(const struct dfa_ctx *c, uint32_t x, uint32_t y)
{
	const struct dfa_byteset *a = dfa_set_at(c, x), *b = dfa_set_at(c, y);

	for (int i = 0; i < 4; i++)
		if (a->w[i] & ~b->w[i])
			return false;
	return true;
}

/* --- interning ----------------------------------------------------------- */

static uint32_t term_hash(const struct dfa_ctx *c, uint8_t kind, uint32_t a,
			  uint32_t b, const uint32_t *kids)
{
	uint32_t h = mix32(kind, b);

	if (kind == DFA_T_OR || kind == DFA_T_AND) {
		for (uint32_t i = 0; i < b; i++)
			h = mix32(h, kids[i]);
		return h;
	}
	(void)c;
	return mix32(h, a);
}

static bool term_equal(const struct dfa_ctx *c, uint32_t id, uint8_t kind,
		       uint32_t a, uint32_t b, const uint32_t *kids)
{
	const struct dfa_term *t = dfa_term_at(c, id);

	if (t->kind != kind || t->b != b)
		return false;
	if (kind == DFA_T_OR || kind == DFA_T_AND)
		return !memcmp(dfa_kids_at(c, t->a), kids, b * sizeof(*kids));
	return t->a == a;
}

static void term_props(struct dfa_ctx *c, struct dfa_term *t)
{
	const struct dfa_term *x, *y;
	uint32_t *k;

	switch (t->kind) {
	case DFA_T_EMPTY:
	case DFA_T_EPS:
	case DFA_T_OOB:
		t->nullable = t->kind == DFA_T_EPS;
		t->first = t->alpha = c->set_none;
		t->oob = t->kind == DFA_T_OOB ? DFA_OOB_FIRST | DFA_OOB_ALPHA :
						0;
		break;
	case DFA_T_CLASS:
		t->first = t->alpha = t->a;
		break;
	case DFA_T_CAT:
		x = dfa_term_at(c, t->a);
		y = dfa_term_at(c, t->b);
		t->nullable = x->nullable && y->nullable;
		t->first = x->nullable ? set_union(c, x->first, y->first) :
					 x->first;
		t->oob = (x->oob & DFA_OOB_FIRST) |
			 (x->nullable ? y->oob & DFA_OOB_FIRST : 0) |
			 ((x->oob | y->oob) & DFA_OOB_ALPHA);
		t->alpha = DFA_ALPHA_LAZY;
		break;
	case DFA_T_OR:
	case DFA_T_AND:
		k = dfa_kids_at(c, t->a);
		x = dfa_term_at(c, k[0]);
		t->nullable = x->nullable;
		t->first = x->first;
		t->oob = x->oob;
		t->alpha = DFA_ALPHA_LAZY;
		for (uint32_t i = 1; i < t->b; i++) {
			k = dfa_kids_at(c, t->a);
			x = dfa_term_at(c, k[i]);
			if (t->kind == DFA_T_OR) {
				t->nullable |= x->nullable;
				t->first = set_union(c, t->first, x->first);
				t->oob |= x->oob;
			} else {
				t->nullable &= x->nullable;
				t->first = set_inter(c, t->first, x->first);
				t->oob &= x->oob;
			}
		}
		break;
	case DFA_T_NOT:
		t->nullable = !dfa_term_at(c, t->a)->nullable;
		t->first = t->alpha = c->set_all;
		t->oob = DFA_OOB_FIRST | DFA_OOB_ALPHA;
		break;
	case DFA_T_STAR:
		x = dfa_term_at(c, t->a);
		t->nullable = 1;
		t->first = x->first;
		t->oob = x->oob;
		t->alpha = DFA_ALPHA_LAZY;
		break;
	}
}

static uint32_t term_intern(struct dfa_ctx *c, uint8_t kind, uint32_t a,
			    uint32_t b, const uint32_t *kids)
{
	uint32_t h = term_hash(c, kind, a, b, kids);
	size_t j;
	struct dfa_term t = { 0 };
	uint32_t id;

	if (dfa_htab_full(&c->thash))
		dfa_htab_grow(c, &c->thash);
	j = h & (c->thash.cap - 1);
	while (c->thash.slot[j]) {
		uint64_t e = c->thash.slot[j];

		id = dfa_htab_id(e);
		if (dfa_htab_hash(e) == h &&
		    term_equal(c, id, kind, a, b, kids))
			return id;
		j = (j + 1) & (c->thash.cap - 1);
	}
	t.kind = kind;
	t.a = a;
	t.b = b;
	t.hash = h;
	if (kind == DFA_T_OR || kind == DFA_T_AND) {
		uint32_t *dst = dfa_buf_reserve(c, &c->kids, sizeof(uint32_t),
						c->kids.n + b);

		memcpy(dst + c->kids.n, kids, b * sizeof(*kids));
		t.a = (uint32_t)c->kids.n;
		c->kids.n += b;
	}
	term_props(c, &t);
	id = (uint32_t)c->terms.n;
	dfa_buf_reserve(c, &c->terms, sizeof(t), c->terms.n + 1);
	*dfa_term_at(c, id) = t;
	c->terms.n++;
	dfa_htab_put(&c->thash, j, id, h);
	return id;
}

/*
 * The alphabet of @t (bytes any matched string may contain, a superset),
 * computed on first use: only unions holding a star of a class need it.
 */
static uint32_t term_alpha(struct dfa_ctx *c, uint32_t t)
{
	struct dfa_term x = *dfa_term_at(c, t);
	uint32_t r;

	if (x.alpha != DFA_ALPHA_LAZY)
		return x.alpha;
	switch (x.kind) {
	case DFA_T_CAT:
		r = set_union(c, term_alpha(c, x.a), term_alpha(c, x.b));
		break;
	case DFA_T_STAR:
		r = term_alpha(c, x.a);
		break;
	default:
		r = term_alpha(c, *dfa_kids_at(c, x.a));
		for (uint32_t i = 1; i < x.b; i++) {
			uint32_t k = term_alpha(c, *dfa_kids_at(c, x.a + i));

			r = x.kind == DFA_T_OR ? set_union(c, r, k) :
						 set_inter(c, r, k);
		}
		break;
	}
	dfa_term_at(c, t)->alpha = r;
	return r;
}

struct dfa_ctx *dfa_ctx_create(struct arena *a)
{
	struct dfa_ctx *c = arena_alloc(a, sizeof(*c));
	struct dfa_byteset s = { { 0 } };

	c->a = a;
	dfa_htab_init(c, &c->thash, 1024);
	dfa_htab_init(c, &c->shash, 64);
	c->set_none = dfa_set_intern(c, &s);
	memset(&s, 0xff, sizeof(s));
	c->set_all = dfa_set_intern(c, &s);
	c->empty = term_intern(c, DFA_T_EMPTY, 0, 0, NULL);
	c->eps = term_intern(c, DFA_T_EPS, 0, 0, NULL);
	c->full = term_intern(c, DFA_T_STAR,
			      term_intern(c, DFA_T_CLASS, c->set_all, 0, NULL),
			      0, NULL);
	c->oobt = term_intern(c, DFA_T_OOB, 0, 0, NULL);
	{
		uint32_t k[2] = { dfa_term_at(c, c->full)->a, c->oobt };

		c->univ = term_intern(c, DFA_T_STAR,
				      term_intern(c, DFA_T_OR, 0, 2, k), 0,
				      NULL);
	}
	return c;
}

/* --- smart constructors -------------------------------------------------- */

static uint32_t mk_class(struct dfa_ctx *c, uint32_t set)
{
	if (set == c->set_none)
		return c->empty;
	return term_intern(c, DFA_T_CLASS, set, 0, NULL);
}

static bool is_star_class(const struct dfa_ctx *c, uint32_t t, uint32_t *set)
{
	const struct dfa_term *x = dfa_term_at(c, t);

	if (x->kind != DFA_T_STAR)
		return false;
	x = dfa_term_at(c, x->a);
	if (x->kind != DFA_T_CLASS)
		return false;
	*set = x->a;
	return true;
}

static uint32_t mk_cat(struct dfa_ctx *c, uint32_t x, uint32_t y)
{
	const struct dfa_term *tx = dfa_term_at(c, x), *ty;
	uint32_t sx, sy;

	if (x == c->empty || y == c->empty)
		return c->empty;
	if (x == c->eps)
		return y;
	if (y == c->eps)
		return x;
	if (tx->kind == DFA_T_CAT) {
		uint32_t l = tx->a, r = tx->b;

		return mk_cat(c, l, mk_cat(c, r, y));
	}
	if (is_star_class(c, x, &sx)) {
		ty = dfa_term_at(c, y);
		if (is_star_class(c, y, &sy)) {
			if (set_subset(c, sy, sx))
				return x;
			if (set_subset(c, sx, sy))
				return y;
		}
		if (ty->kind == DFA_T_CAT && is_star_class(c, ty->a, &sy)) {
			uint32_t z = ty->b;

			if (set_subset(c, sx, sy))
				return y;
			if (set_subset(c, sy, sx))
				return mk_cat(c, x, z);
		}
	}
	return term_intern(c, DFA_T_CAT, x, y, NULL);
}

/*
 * Sort @v ascending. Unions usually arrive sorted (derivatives of sorted
 * residuals keep the order of their creation), so check that first; large
 * ones are radix-sorted, skipping bytes every element shares.
 */
static void sort_u32(struct dfa_ctx *c, uint32_t *v, size_t n)
{
	uint32_t *tmp, *src = v, *dst, or_all = 0, and_all = UINT32_MAX;
	size_t i;

	for (i = 1; i < n && v[i - 1] <= v[i]; i++)
		;
	if (i >= n)
		return;
	if (n <= 16) {
		for (i = 1; i < n; i++) {
			uint32_t x = v[i];
			size_t j = i;

			while (j && v[j - 1] > x) {
				v[j] = v[j - 1];
				j--;
			}
			v[j] = x;
		}
		return;
	}
	tmp = dfa_buf_reserve(c, &c->sortbuf, sizeof(uint32_t), n);
	dst = tmp;
	for (i = 0; i < n; i++) {
		or_all |= v[i];
		and_all &= v[i];
	}
	for (unsigned sh = 0; sh < 32; sh += 8) {
		size_t cnt[256] = { 0 };
		uint32_t *t;

		if (!(((or_all ^ and_all) >> sh) & 0xff))
			continue;
		for (i = 0; i < n; i++)
			cnt[(src[i] >> sh) & 0xff]++;
		for (size_t k = 0, sum = 0; k < 256; k++) {
			size_t x = cnt[k];

			cnt[k] = sum;
			sum += x;
		}
		for (i = 0; i < n; i++)
			dst[cnt[(src[i] >> sh) & 0xff]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
}

static bool starred(const struct dfa_ctx *c, uint32_t t, uint32_t *set,
		    uint32_t *rest)
{
	const struct dfa_term *x = dfa_term_at(c, t);

	if (x->kind != DFA_T_CAT || !is_star_class(c, x->a, set))
		return false;
	*rest = x->b;
	return true;
}

/* Position of @t in the sorted array @v of @n terms, or @n. */
static size_t sorted_find(const uint32_t *v, size_t n, uint32_t t)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid] == t)
			return mid;
		if (v[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return n;
}

/*
 * In the sorted, duplicate-free union stack[base, base+n), drop r when
 * T*r is a kid (r <= T*r), and S*r when T*r is a kid with S < T. Returns
 * the new count. Applied to unions of at most 64 kids (larger ones are
 * flattened into state keys, where the scan would cost more than it
 * saves), so normalization stays idempotent.
 */
static size_t or_drop_starred(struct dfa_ctx *c, size_t base, size_t n)
{
	uint32_t idx[64], set[64], rest[64], m = 0, hkey[128];
	uint8_t head[128], nxt[64], slot[64];
	size_t j = 0;

	for (size_t i = 0; i < n && m < 64; i++) {
		uint32_t t = *dfa_stack_at(c, base + i);

		if (starred(c, t, &set[m], &rest[m]))
			idx[m++] = (uint32_t)i;
	}
	if (!m)
		return n;
	/* chain the starred kids by rest: only equal rests compare sets */
	memset(head, 0xff, sizeof(head));
	for (uint32_t k = 0; k < m; k++) {
		uint32_t h = (rest[k] * 0x9e3779b1u) >> 25;

		while (head[h] != 0xff && hkey[h] != rest[k])
			h = (h + 1) & 127;
		hkey[h] = rest[k];
		nxt[k] = head[h];
		head[h] = (uint8_t)k;
		slot[k] = (uint8_t)h;
	}
	for (uint32_t i = 0; i < m; i++) {
		uint32_t *v = dfa_stack_at(c, base);
		size_t at = sorted_find(v, n, rest[i]);

		if (at < n)
			v[at] = UINT32_MAX;
		for (uint32_t k = head[slot[i]]; k != 0xff; k = nxt[k])
			if (k != i && set[k] != set[i] &&
			    set_subset(c, set[k], set[i]))
				v[idx[k]] = UINT32_MAX;
	}
	for (size_t i = 0; i < n; i++) {
		uint32_t t = *dfa_stack_at(c, base + i);

		if (t != UINT32_MAX)
			*dfa_stack_at(c, base + j++) = t;
	}
	c->stack.n = base + j;
	return j;
}

/*
 * Normalize the union of the terms on the stack from @base to the top, in
 * place; return the new count. Flattens nested unions, drops empty kids,
 * merges classes, sorts, removes duplicates and subsumed kids.
 */
size_t dfa_or_normalize(struct dfa_ctx *c, size_t base)
{
	size_t top = c->stack.n, n, i, j, nstar = 0;
	uint32_t cls = c->set_none, set;
	bool any_nullable = false, full = false, any_oob = false;

	for (i = base; i < top; i++) {
		uint32_t t = *dfa_stack_at(c, i);
		const struct dfa_term *x = dfa_term_at(c, t);

		if (x->kind == DFA_T_OR) {
			uint32_t off = x->a, cnt = x->b;

			for (j = 0; j < cnt; j++)
				dfa_stack_push(c, *dfa_kids_at(c, off + j));
		} else {
			dfa_stack_push(c, t);
		}
	}
	n = 0;
	for (i = top; i < c->stack.n; i++) {
		uint32_t t = *dfa_stack_at(c, i);
		const struct dfa_term *x = dfa_term_at(c, t);

		if (t == c->empty)
			continue;
		if (t == c->full)
			full = true;
		if (t == c->univ) {
			*dfa_stack_at(c, base) = c->univ;
			c->stack.n = base + 1;
			return 1;
		}
		any_oob |= (x->oob & DFA_OOB_ALPHA) != 0;
		if (x->kind == DFA_T_CLASS) {
			cls = set_union(c, cls, x->a);
			continue;
		}
		if (x->nullable && t != c->eps)
			any_nullable = true;
		if (is_star_class(c, t, &set))
			nstar++;
		*dfa_stack_at(c, base + n++) = t;
	}
	c->stack.n = base + n;
	if (full && !any_oob) {
		*dfa_stack_at(c, base) = c->full;
		c->stack.n = base + 1;
		return 1;
	}
	if (cls != c->set_none)
		dfa_stack_push(c, mk_class(c, cls));
	n = c->stack.n - base;
	sort_u32(c, dfa_stack_at(c, base), n);
	j = 0;
	for (i = 0; i < n; i++) {
		uint32_t t = *dfa_stack_at(c, base + i);

		if (j && *dfa_stack_at(c, base + j - 1) == t)
			continue;
		if (t == c->eps && any_nullable)
			continue;
		*dfa_stack_at(c, base + j++) = t;
	}
	n = j;
	c->stack.n = base + n;
	if (nstar) {
		size_t sbase = base + n;

		for (i = 0; i < n; i++) {
			uint32_t t = *dfa_stack_at(c, base + i);

			if (is_star_class(c, t, &set))
				dfa_stack_push(c, t);
		}
		j = 0;
		for (i = 0; i < n; i++) {
			uint32_t t = *dfa_stack_at(c, base + i);
			uint32_t al = term_alpha(c, t);
			bool drop = false;

			if (dfa_term_at(c, t)->oob & DFA_OOB_ALPHA)
				al = UINT32_MAX;
			for (size_t k = sbase;
			     k < c->stack.n && !drop && al != UINT32_MAX; k++) {
				uint32_t s = *dfa_stack_at(c, k);

				if (s != t && is_star_class(c, s, &set) &&
				    set_subset(c, al, set))
					drop = true;
			}
			if (!drop)
				*dfa_stack_at(c, base + j++) = t;
		}
		n = j;
	}
	c->stack.n = base + n;
	if (n > 1 && n <= 64)
		n = or_drop_starred(c, base, n);
	return n;
}

uint32_t dfa_mk_or_stack(struct dfa_ctx *c, size_t base)
{
	size_t n = dfa_or_normalize(c, base);
	uint32_t r;

	if (n == 0)
		r = c->empty;
	else if (n == 1)
		r = *dfa_stack_at(c, base);
	else
		r = term_intern(c, DFA_T_OR, 0, (uint32_t)n,
				dfa_stack_at(c, base));
	c->stack.n = base;
	return r;
}

static uint32_t mk_or(struct dfa_ctx *c, uint32_t x, uint32_t y)
{
	size_t base = c->stack.n;

	if (x == y)
		return x;
	dfa_stack_push(c, x);
	dfa_stack_push(c, y);
	return dfa_mk_or_stack(c, base);
}

static uint32_t mk_and_stack(struct dfa_ctx *c, size_t base)
{
	size_t top = c->stack.n, n = 0, i, j;
	uint32_t cls = c->set_all, set, r;
	bool have_cls = false;

	for (i = base; i < top; i++) {
		uint32_t t = *dfa_stack_at(c, i);
		const struct dfa_term *x = dfa_term_at(c, t);

		if (x->kind == DFA_T_AND) {
			uint32_t off = x->a, cnt = x->b;

			for (j = 0; j < cnt; j++)
				dfa_stack_push(c, *dfa_kids_at(c, off + j));
		} else {
			dfa_stack_push(c, t);
		}
	}
	for (i = top; i < c->stack.n; i++) {
		uint32_t t = *dfa_stack_at(c, i);
		const struct dfa_term *x = dfa_term_at(c, t);

		if (t == c->empty) {
			c->stack.n = base;
			return c->empty;
		}
		if (t == c->univ)
			continue;
		if (x->kind == DFA_T_CLASS) {
			cls = set_inter(c, cls, x->a);
			have_cls = true;
			continue;
		}
		*dfa_stack_at(c, base + n++) = t;
	}
	c->stack.n = base + n;
	if (have_cls) {
		if (cls == c->set_none) {
			c->stack.n = base;
			return c->empty;
		}
		dfa_stack_push(c, mk_class(c, cls));
	}
	n = c->stack.n - base;
	sort_u32(c, dfa_stack_at(c, base), n);
	j = 0;
	for (i = 0; i < n; i++) {
		uint32_t t = *dfa_stack_at(c, base + i);

		if (j && *dfa_stack_at(c, base + j - 1) == t)
			continue;
		*dfa_stack_at(c, base + j++) = t;
	}
	n = j;
	j = 0;
	for (i = 0; i < n; i++) {
		uint32_t t = *dfa_stack_at(c, base + i);
		bool drop = false;

		if (is_star_class(c, t, &set)) {
			for (size_t k = 0; k < n && !drop; k++) {
				uint32_t o = *dfa_stack_at(c, base + k);

				if (k != i &&
				    !(dfa_term_at(c, o)->oob & DFA_OOB_ALPHA) &&
				    set_subset(c, term_alpha(c, o), set) &&
				    !(is_star_class(c, o, &cls) &&
				      cls == set))
					drop = true;
			}
		}
		if (!drop)
			*dfa_stack_at(c, base + j++) = t;
	}
	n = j;
	if (n == 0)
		r = c->univ;
	else if (n == 1)
		r = *dfa_stack_at(c, base);
	else
		r = term_intern(c, DFA_T_AND, 0, (uint32_t)n,
				dfa_stack_at(c, base));
	c->stack.n = base;
	return r;
}

static uint32_t mk_and(struct dfa_ctx *c, uint32_t x, uint32_t y)
{
	size_t base = c->stack.n;

	if (x == y)
		return x;
	dfa_stack_push(c, x);
	dfa_stack_push(c, y);
	return mk_and_stack(c, base);
}

static uint32_t mk_not(struct dfa_ctx *c, uint32_t x)
{
	const struct dfa_term *t = dfa_term_at(c, x);

	if (t->kind == DFA_T_NOT)
		return t->a;
	if (x == c->empty)
		return c->univ;
	if (x == c->univ)
		return c->empty;
	return term_intern(c, DFA_T_NOT, x, 0, NULL);
}

static uint32_t mk_star(struct dfa_ctx *c, uint32_t x)
{
	const struct dfa_term *t = dfa_term_at(c, x);

	if (x == c->empty || x == c->eps)
		return c->eps;
	if (t->kind == DFA_T_STAR)
		return x;
	return term_intern(c, DFA_T_STAR, x, 0, NULL);
}

/* --- derivatives --------------------------------------------------------- */

static uint32_t memo_hash(uint32_t t, uint32_t byte)
{
	uint64_t h = ((uint64_t)t << 8 | byte) * 0x9e3779b97f4a7c15ull;

	return (uint32_t)(h >> 32) ^ (uint32_t)h;
}

static struct dfa_memo_ent *memo_slot(struct dfa_ctx *c, uint32_t t,
				      uint32_t byte)
{
	struct dfa_memo_ent *m = c->memo.p;
	size_t cap = c->memo.cap, j = memo_hash(t, byte) & (cap - 1);

	while (m[j].t != UINT32_MAX && (m[j].t != t || m[j].byte != byte))
		j = (j + 1) & (cap - 1);
	return &m[j];
}

static void memo_grow(struct dfa_ctx *c)
{
	struct dfa_buf old = c->memo;
	size_t cap = old.cap ? old.cap * 2 : 4096;
	struct dfa_memo_ent *m = xmalloc(cap * sizeof(*m));

	for (size_t i = 0; i < cap; i++)
		m[i].t = UINT32_MAX;
	c->memo.p = m;
	c->memo.cap = cap;
	c->bytes += (cap - old.cap) * sizeof(*m);
	if (c->bytes > c->peak)
		c->peak = c->bytes;
	for (size_t i = 0; i < old.cap; i++) {
		struct dfa_memo_ent *e = &((struct dfa_memo_ent *)old.p)[i];

		if (e->t != UINT32_MAX)
			*memo_slot(c, e->t, e->byte) = *e;
	}
	if (old.p) {
		free(old.p);
		arena_own_update(c->a, old.slot, m);
	} else {
		c->memo.slot = arena_own(c->a, m, dfa_buf_free);
	}
}

static uint32_t deriv_compute(struct dfa_ctx *c, uint32_t t, uint32_t byte)
{
	struct dfa_term x = *dfa_term_at(c, t);
	size_t base;
	uint32_t r;

	switch (x.kind) {
	case DFA_T_CAT:
		r = mk_cat(c, dfa_deriv(c, x.a, byte), x.b);
		if (dfa_term_at(c, x.a)->nullable)
			r = mk_or(c, r, dfa_deriv(c, x.b, byte));
		return r;
	case DFA_T_OR:
	case DFA_T_AND:
		base = c->stack.n;
		for (uint32_t i = 0; i < x.b; i++) {
			uint32_t k = *dfa_kids_at(c, x.a + i);

			r = dfa_deriv(c, k, byte);
			if (x.kind == DFA_T_AND && r == c->empty) {
				c->stack.n = base;
				return c->empty;
			}
			dfa_stack_push(c, r);
		}
		if (x.kind == DFA_T_OR)
			return dfa_mk_or_stack(c, base);
		return mk_and_stack(c, base);
	case DFA_T_NOT:
		return mk_not(c, dfa_deriv(c, x.a, byte));
	case DFA_T_STAR:
		return mk_cat(c, dfa_deriv(c, x.a, byte), t);
	default:
		return c->empty;
	}
}

/*
 * The derivative of term @t by @byte, a byte or DFA_SYM_OOB (Notes
 * [derivative-terms], [out-of-band]).
 */
uint32_t dfa_deriv(struct dfa_ctx *c, uint32_t t, uint32_t byte)
{
	const struct dfa_term *x = dfa_term_at(c, t);
	struct dfa_memo_ent *m;
	uint32_t r;

	if (byte == DFA_SYM_OOB ? !(x->oob & DFA_OOB_FIRST) :
				  !dfa_byteset_has(dfa_set_at(c, x->first),
						   (uint8_t)byte)) {
		if (x->kind == DFA_T_NOT)
			return c->univ;
		return c->empty;
	}
	switch (x->kind) {
	case DFA_T_CLASS:
	case DFA_T_OOB:
		return c->eps;
	case DFA_T_CAT:
		if (dfa_term_at(c, x->a)->kind == DFA_T_OOB)
			return x->b;
		if (dfa_term_at(c, x->a)->kind == DFA_T_CLASS) {
			uint32_t set = dfa_term_at(c, x->a)->a;

			if (dfa_byteset_has(dfa_set_at(c, set), (uint8_t)byte))
				return x->b;
			return c->empty;
		}
		break;
	default:
		break;
	}
	if ((c->nmemo + 1) * 2 > c->memo.cap)
		memo_grow(c);
	m = memo_slot(c, t, byte);
	if (m->t != UINT32_MAX)
		return m->r;
	r = deriv_compute(c, t, byte);
	if ((c->nmemo + 1) * 2 > c->memo.cap)
		memo_grow(c);
	m = memo_slot(c, t, byte);
	m->t = t;
	m->byte = byte;
	m->r = r;
	c->nmemo++;
	return r;
}

/* --- public constructors ------------------------------------------------- */

dfa_pat_t dfa_pat_empty(struct dfa_ctx *c)
{
	return c->empty;
}

dfa_pat_t dfa_pat_epsilon(struct dfa_ctx *c)
{
	return c->eps;
}

dfa_pat_t dfa_pat_any(struct dfa_ctx *c)
{
	return c->full;
}

dfa_pat_t dfa_pat_byte(struct dfa_ctx *c, uint8_t b)
{
	struct dfa_byteset s = { { 0 } };

	if (c->byte_term[b])
		return c->byte_term[b];
	dfa_byteset_add(&s, b);
	c->byte_term[b] = mk_class(c, dfa_set_intern(c, &s));
	return c->byte_term[b];
}

dfa_pat_t dfa_pat_bytes(struct dfa_ctx *c, const void *s, size_t n)
{
	const uint8_t *p = s;
	uint32_t r = c->eps;

	while (n--)
		r = mk_cat(c, dfa_pat_byte(c, p[n]), r);
	return r;
}

dfa_pat_t dfa_pat_class(struct dfa_ctx *c, const struct dfa_byteset *set)
{
	return mk_class(c, dfa_set_intern(c, set));
}

dfa_pat_t dfa_pat_cat(struct dfa_ctx *c, dfa_pat_t x, dfa_pat_t y)
{
	return mk_cat(c, x, y);
}

dfa_pat_t dfa_pat_union(struct dfa_ctx *c, dfa_pat_t x, dfa_pat_t y)
{
	return mk_or(c, x, y);
}

dfa_pat_t dfa_pat_union_n(struct dfa_ctx *c, const dfa_pat_t *v, size_t n)
{
	size_t base = c->stack.n;

	for (size_t i = 0; i < n; i++)
		dfa_stack_push(c, v[i]);
	return dfa_mk_or_stack(c, base);
}

dfa_pat_t dfa_pat_inter(struct dfa_ctx *c, dfa_pat_t x, dfa_pat_t y)
{
	return mk_and(c, x, y);
}

dfa_pat_t dfa_pat_diff(struct dfa_ctx *c, dfa_pat_t x, dfa_pat_t y)
{
	if (y == c->empty)
		return x;
	return mk_and(c, x, mk_not(c, y));
}

dfa_pat_t dfa_pat_not(struct dfa_ctx *c, dfa_pat_t x)
{
	return mk_and(c, c->full, mk_not(c, x));
}

dfa_pat_t dfa_pat_oob(struct dfa_ctx *c)
{
	c->has_oob = true;
	return c->oobt;
}

dfa_pat_t dfa_pat_complement(struct dfa_ctx *c, dfa_pat_t x,
			     dfa_pat_t universe)
{
	return dfa_pat_diff(c, universe, x);
}

dfa_pat_t dfa_pat_star(struct dfa_ctx *c, dfa_pat_t x)
{
	return mk_star(c, x);
}

dfa_pat_t dfa_pat_plus(struct dfa_ctx *c, dfa_pat_t x)
{
	return mk_cat(c, x, mk_star(c, x));
}

dfa_pat_t dfa_pat_opt(struct dfa_ctx *c, dfa_pat_t x)
{
	return mk_or(c, x, c->eps);
}

bool dfa_pat_nullable(const struct dfa_ctx *c, dfa_pat_t x)
{
	return dfa_term_at(c, x)->nullable;
}

bool dfa_pat_match(struct dfa_ctx *c, dfa_pat_t x, const void *s, size_t n)
{
	const uint8_t *p = s;

	for (size_t i = 0; i < n && x != c->empty; i++)
		x = dfa_deriv(c, x, p[i]);
	return dfa_term_at(c, x)->nullable;
}

static uint32_t seen_hash_of(void *env, uint32_t t)
{
	(void)env;
	return mix32(1, t);
}

int dfa_pat_is_empty(struct dfa_ctx *c, dfa_pat_t x, uint32_t max_states,
		     bool *empty)
{
	struct dfa_htab seen = { 0 };
	struct dfa_buf queue = { 0 };
	size_t head = 0;
	int rc = 0;

	if (!max_states)
		max_states = DFA_DEFAULT_MAX_STATES;
	dfa_htab_init(c, &seen, 64);
	*empty = true;
	dfa_buf_reserve(c, &queue, sizeof(uint32_t), 1);
	((uint32_t *)queue.p)[queue.n++] = x;
	dfa_htab_put(&seen, seen_hash_of(NULL, x) & (seen.cap - 1), x,
		     seen_hash_of(NULL, x));
	while (head < queue.n) {
		uint32_t t = ((uint32_t *)queue.p)[head++];

		if (dfa_term_at(c, t)->nullable) {
			*empty = false;
			break;
		}
		for (unsigned b = 0; b <= DFA_SYM_OOB; b++) {
			uint32_t d = dfa_deriv(c, t, b);
			uint32_t hd;
			size_t j;

			if (d == c->empty)
				continue;
			if (dfa_htab_full(&seen))
				dfa_htab_grow(c, &seen);
			hd = seen_hash_of(NULL, d);
			j = hd & (seen.cap - 1);
			while (seen.slot[j] && dfa_htab_id(seen.slot[j]) != d)
				j = (j + 1) & (seen.cap - 1);
			if (seen.slot[j])
				continue;
			if (seen.n >= max_states) {
				rc = -E2BIG;
				goto out;
			}
			dfa_htab_put(&seen, j, d, hd);
			dfa_buf_reserve(c, &queue, sizeof(uint32_t),
					queue.n + 1);
			((uint32_t *)queue.p)[queue.n++] = d;
		}
	}
out:
	dfa_htab_release(c, &seen);
	dfa_buf_release(c, &queue);
	return rc;
}
