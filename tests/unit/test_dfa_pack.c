/* Unit tests for the table packing of dfa_compress() (the equivalence
 * class table only when it makes the tables smaller or when forced,
 * or dropped by by_bytes when the serialization without it is smaller,
 * verifier-valid tables, dense packing of similar rows, the very tables
 * of a plain reference packer) and for the minimizer's hand-over from
 * Moore rounds to Valmari's refinement on automata with deep
 * distinctions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arena.h"
#include "dfa.h"

struct fixture {
	struct arena *a; /* per test */
	struct dfa_ctx *c; /* in a */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->a = arena_create();
	f->c = dfa_ctx_create(f->a);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	arena_destroy(f->a);
	free(f);
	return 0;
}

static int fold_ids(void *ctx, const uint32_t *ids, size_t n,
		    struct dfa_accept *out)
{
	(void)ctx;
	for (size_t i = 0; i < n; i++)
		out->v[ids[i] % DFA_ACCEPT_WORDS] |= 1u << (ids[i] % 32);
	return 0;
}

static struct dfa *build_globs(struct dfa_ctx *c, const char *const *g,
			       size_t n)
{
	struct dfa_builder *b = dfa_builder_create(c);
	struct dfa *d = NULL;

	for (size_t i = 0; i < n; i++) {
		const char *err = NULL;
		dfa_pat_t p;

		if (dfa_glob(c, g[i], strlen(g[i]), DFA_GLOB_DEFAULT, &p,
			     &err))
			fail_msg("glob '%s': %s", g[i], err);
		dfa_add(b, p, (uint32_t)i);
	}
	assert_int_equal(dfa_build(b, fold_ids, NULL, NULL, &d), 0);
	return d;
}

/* The kernel verifier's checks (policy-blob.md 6.4) and agreement. */
static void check_tables(const struct dfa *d, const struct dfa_tables *t)
{
	assert_int_equal(t->nstates, dfa_nstates(d));
	assert_int_equal(t->def[0], 0);
	for (uint32_t s = 0; s < t->nstates; s++) {
		assert_true(t->def[s] < t->nstates);
		assert_true((size_t)(t->base[s] & DFA_BASE_INDEX) + 255 <
			    t->nnext);
		for (int b = 0; b < 256; b++)
			if (dfa_tables_step(t, s, (uint8_t)b) !=
			    dfa_step(d, s, (uint8_t)b))
				fail_msg("state %u byte %d differs", s, b);
	}
	for (uint32_t i = 0; i < t->nnext; i++) {
		assert_true(t->next[i] < t->nstates);
		assert_true(t->check[i] < t->nstates);
		if (t->check[i] == 0)
			assert_int_equal(t->next[i], 0);
	}
}

static struct dfa_tables *pack(struct fixture *f, const struct dfa *d,
			       bool ec, bool always)
{
	struct dfa_compress_opts o = { .use_ec = ec, .ec_always = always };
	struct dfa_tables *t = NULL;
	const char *err = NULL;

	assert_int_equal(dfa_compress(d, f->a, &o, &t, &err), 0);
	check_tables(d, t);
	return t;
}

static void test_pack_ec_only_when_smaller(void **state)
{
	struct fixture *f = *state;
	static const char *const small[] = { "/a", "/b/c" };
	static const char *const wide[] = {
		"/usr/lib/**", "/usr/share/*/x{a,b,c}*", "/etc/[a-f]*.conf",
		"/home/*/.config/**", "/proc/[0-9]*/status", "/tmp/**",
		"/var/log/*.log", "/dev/tty[0-9]", "/srv/{www,ftp}/**",
	};
	struct dfa *d = build_globs(f->c, small, 2);
	struct dfa_tables *a = pack(f, d, true, false);
	struct dfa_tables *e = pack(f, d, true, true);
	struct dfa_tables *n = pack(f, d, false, false);

	/* a tiny automaton does not pay for the 256-byte EC table */
	assert_true(e->has_ec);
	assert_false(n->has_ec);
	assert_false(a->has_ec);
	assert_true(dfa_tables_bytes(a) <= dfa_tables_bytes(e));
	assert_true(dfa_tables_bytes(a) <= dfa_tables_bytes(n));
	d = build_globs(f->c, wide, sizeof(wide) / sizeof(wide[0]));
	a = pack(f, d, true, false);
	e = pack(f, d, true, true);
	n = pack(f, d, false, false);
	assert_true(dfa_tables_bytes(a) <= dfa_tables_bytes(e));
	assert_true(dfa_tables_bytes(a) <= dfa_tables_bytes(n));
}

/*
 * by_bytes: the smaller serialization of the best layouts with and without
 * classes, as be_build wants. The two random glob sets (found by search)
 * have a layout with classes that wins by the estimate of 4 bytes an
 * entry and 268 for the EC table, but loses by 16 bytes serialized.
 */
static void test_pack_by_bytes_keeps_smaller_serialization(void **state)
{
	struct fixture *f = *state;
	static const char *const g1[] = {
		"[^/][0-9]y?", "*/etc/tty/etc/", "?", "**y[a-f]", "[0-9]",
		".conftty[a-f]**", "/etc/y", "?/usr/lib/?tty[0-9]",
		"[^/][0-9]/proc/", "*/usr/lib/y", "x", "*/usr/lib/?y*[a-f]",
	};
	static const char *const g2[] = {
		"[0-9]**/usr/lib/[^/]y", "**", "[^/]x/etc/y[0-9]",
		"/proc/x**tty", "?", ".conf/etc/", "[a-f]**tty**{a,b,c}",
		"/proc//etc/[a-f]/usr/lib/[a-f]*", "tty[0-9]??[a-f]", "**.conf",
	};
	static const char *const wide[] = {
		"/usr/lib/**", "/usr/share/*/x{a,b,c}*", "/etc/[a-f]*.conf",
		"/home/*/.config/**", "/proc/[0-9]*/status", "/tmp/**",
	};
	struct dfa_compress_opts o = { .use_ec = true, .by_bytes = true };
	struct dfa *ds[3];
	int dropped = 0;

	ds[0] = build_globs(f->c, g1, sizeof(g1) / sizeof(g1[0]));
	ds[1] = build_globs(f->c, g2, sizeof(g2) / sizeof(g2[0]));
	ds[2] = build_globs(f->c, wide, sizeof(wide) / sizeof(wide[0]));
	for (int k = 0; k < 3; k++) {
		struct dfa_tables *a = pack(f, ds[k], true, false);
		struct dfa_tables *n = pack(f, ds[k], false, false);
		struct dfa_tables *t = NULL, *w;
		size_t ba = dfa_tables_bytes(a), bn = dfa_tables_bytes(n);
		const char *err = NULL;

		assert_int_equal(dfa_compress(ds[k], f->a, &o, &t, &err), 0);
		check_tables(ds[k], t);
		w = bn < ba ? n : a;
		dropped += a->has_ec && bn < ba;
		assert_int_equal(dfa_tables_bytes(t), dfa_tables_bytes(w));
		assert_int_equal(t->has_ec, w->has_ec);
		assert_int_equal(t->nnext, w->nnext);
		assert_memory_equal(t->base, w->base,
				    t->nstates * sizeof(uint32_t));
		assert_memory_equal(t->next, w->next,
				    t->nnext * sizeof(uint32_t));
	}
	assert_true(dropped > 0);
}

static void test_pack_similar_rows_densely(void **state)
{
	struct fixture *f = *state;
	char buf[600][32];
	const char *g[600];
	struct dfa *d;
	struct dfa_tables *t;
	size_t stored = 0;

	/* 600 literals: long chains of one-transition rows */
	for (int i = 0; i < 600; i++) {
		snprintf(buf[i], sizeof(buf[i]), "/usr/lib/p%03d/lib%d.so", i,
			 i * 7 % 13);
		g[i] = buf[i];
	}
	d = build_globs(f->c, g, 600);
	t = pack(f, d, true, false);
	for (uint32_t i = 0; i < t->nnext; i++)
		stored += t->check[i] != 0;
	/* the comb leaves few holes: at most a window of slack */
	assert_true(t->nnext <= stored + 2 * 256 + 1);
}

/* The @i-th of a family of profile-like globs. */
static void gen_glob(char *buf, size_t sz, int i)
{
	static const char *const w[] = {
		"alpha", "gamma", "lima", "papa", "romeo", "sierra", "tango",
		"vim", "perl", "gnupg", "kde", "qt", "git", "spool", "node",
		"curl", "xorg", "boost", "ruby", "apt", "cron", "dbus", "font",
	};
	const char *a = w[i * 7 % 23], *b = w[i * 11 % 23], *top = w[i % 5];
	int k = i * 37 % 1000;

	switch (i % 8) {
	case 0:
		snprintf(buf, sz, "/usr/{lib,lib64}/%s%d/**", a, k);
		break;
	case 1:
		snprintf(buf, sz, "/home/*/.%s%d/{%s,%s}/*.{txt,py}", a, k, b,
			 top);
		break;
	case 2:
		snprintf(buf, sz, "/srv/**/%s%d*", a, k);
		break;
	case 3:
		snprintf(buf, sz, "/opt/%s%d/[a-f]*/**", a, k);
		break;
	case 4:
		snprintf(buf, sz, "/var/%s%d/?\?/*", a, k);
		break;
	case 5:
		snprintf(buf, sz, "/etc/%s%d{,.d}/*.conf", a, k);
		break;
	case 6:
		snprintf(buf, sz, "/%s/%s%d/**/%s/*.{db,so.[0-9]*}", top, a, k,
			 b);
		break;
	default:
		snprintf(buf, sz, "/tmp/%s%d-*/**", a, k);
		break;
	}
}

/*
 * 600 profile-like globs: thousands of states, some of whose rows find
 * their first fit more than COMB_TRIES slots past the first candidate
 * (Note [comb-window]).
 */
static void test_pack_large_automaton_valid(void **state)
{
	struct fixture *f = *state;
	static char buf[600][80];
	const char *g[600];
	struct dfa *d;

	for (int i = 0; i < 600; i++) {
		gen_glob(buf[i], sizeof(buf[i]), i);
		g[i] = buf[i];
	}
	d = build_globs(f->c, g, 600);
	assert_true(dfa_nstates(d) > 2048);
	pack(f, d, true, false);
	pack(f, d, false, false);
}

/*
 * A reference packer: Note [comb-packing] as written, one base at a
 * time, with none of dfa_compress()'s shortcuts (windows, the replayed
 * walk, column-set ids found by hashing, the sorted orders). Its choice
 * of layout follows dfa_compress()'s documented rules, so the two must
 * agree entry for entry.
 */
#define REF_TRIES 4096
#define REF_TAIL_TRIES 64
#define REF_ORDER_MAX 2048

struct ref_row {
	uint32_t n; /* stored columns */
	uint32_t col[257]; /* ascending, shifted by one with OOB */
	uint32_t to[257]; /* target per column */
	uint32_t def; /* default target */
	bool oob; /* has an out-of-band transition */
};

struct ref_comb {
	uint8_t *occ; /* slot taken */
	uint32_t *next, *check; /* per slot */
	size_t cap, end; /* slots allocated, past the last taken */
};

struct ref_layout {
	uint32_t *base, *def; /* per state */
	struct ref_comb cb;
	size_t len; /* NEXT entries */
	bool ec; /* columns are classes */
};

/* Rows of @d over classes (@ec) or bytes, defaults by weight. */
static struct ref_row *ref_rows(const struct dfa *d, bool ec)
{
	uint32_t n = dfa_nstates(d), nk = dfa_nclasses(d);
	struct ref_row *r = calloc(n, sizeof(*r));
	uint32_t *w = calloc(n, sizeof(*w)), rep[256], csize[256] = { 0 };

	for (int b = 255; b >= 0; b--) {
		rep[dfa_byte_class(d, (uint8_t)b)] = (uint32_t)b;
		csize[dfa_byte_class(d, (uint8_t)b)]++;
	}
	for (uint32_t s = 1; s < n; s++) {
		uint32_t tk[256], def = 0, oob = dfa_step_oob(d, s);
		uint32_t sh = oob != 0;

		for (uint32_t k = 0; k < nk; k++) {
			tk[k] = dfa_step(d, s, (uint8_t)rep[k]);
			w[tk[k]] += ec ? 1 : csize[k];
		}
		for (uint32_t k = 0; k < nk; k++)
			if (w[tk[k]] > w[def] || (w[tk[k]] == w[def] &&
						  tk[k] < def))
				def = tk[k];
		for (uint32_t k = 0; k < nk; k++)
			w[tk[k]] = 0;
		r[s].def = def;
		r[s].oob = sh;
		if (oob && oob != def) {
			r[s].col[r[s].n] = 0;
			r[s].to[r[s].n++] = oob;
		}
		for (uint32_t c = 0; c < (ec ? nk : 256); c++) {
			uint32_t t = tk[ec ? c : dfa_byte_class(d, (uint8_t)c)];

			if (t == def)
				continue;
			r[s].col[r[s].n] = c + sh;
			r[s].to[r[s].n++] = t;
		}
	}
	free(w);
	return r;
}

static bool ref_taken(const struct ref_comb *cb, size_t p)
{
	return p < cb->cap && cb->occ[p];
}

static size_t ref_free_from(const struct ref_comb *cb, size_t i)
{
	while (ref_taken(cb, i))
		i++;
	return i;
}

/* The smallest column of @r taken from @base, or UINT32_MAX. */
static uint32_t ref_conflict(const struct ref_comb *cb, size_t base,
			     const struct ref_row *r)
{
	for (uint32_t j = 0; j < r->n; j++)
		if (ref_taken(cb, base + r->col[j]))
			return r->col[j];
	return UINT32_MAX;
}

static size_t ref_walk(const struct ref_comb *cb, const struct ref_row *r,
		       size_t base)
{
	size_t tries = 0;

	for (;;) {
		uint32_t i = ref_conflict(cb, base, r);

		if (i == UINT32_MAX)
			return base;
		if (++tries == REF_TRIES && cb->end > base + 256) {
			base = ref_free_from(cb, cb->end - 256 + r->col[0]) -
			       r->col[0];
			continue;
		}
		if (tries > REF_TRIES + REF_TAIL_TRIES)
			return cb->end;
		base = ref_free_from(cb, base + i + 1) - i;
	}
}

static void ref_grow(struct ref_comb *cb, size_t need)
{
	size_t cap = cb->cap ? cb->cap : 256;

	if (need <= cb->cap)
		return;
	while (cap < need)
		cap *= 2;
	cb->occ = realloc(cb->occ, cap);
	cb->next = realloc(cb->next, cap * sizeof(uint32_t));
	cb->check = realloc(cb->check, cap * sizeof(uint32_t));
	memset(cb->occ + cb->cap, 0, cap - cb->cap);
	memset(cb->next + cb->cap, 0, (cap - cb->cap) * sizeof(uint32_t));
	memset(cb->check + cb->cap, 0, (cap - cb->cap) * sizeof(uint32_t));
	cb->cap = cap;
}

static bool ref_same_cols(const struct ref_row *a, const struct ref_row *b)
{
	return a->n == b->n &&
	       !memcmp(a->col, b->col, a->n * sizeof(a->col[0]));
}

/* The packing order's key of row @r (ties: state order). */
static uint64_t ref_key(const struct ref_row *r, int ord)
{
	uint64_t nc = r->n, span = nc ? r->col[nc - 1] - r->col[0] : 0;

	if (ord == 1)
		return 257 - nc;
	if (ord == 2)
		return (257 - span) << 9 | (257 - nc);
	if (ord == 3)
		return nc;
	return 0;
}

static int ref_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Rows with the same column set: @set[s] is the first state with the
 * columns of state s.
 */
static uint32_t *ref_sets(const struct ref_row *r, uint32_t n)
{
	uint32_t *set = calloc(n, sizeof(*set));
	uint32_t *first = calloc(n, sizeof(*first));
	uint32_t nf = 0;

	for (uint32_t s = 1; s < n; s++) {
		uint32_t j = 0;

		while (j < nf && !ref_same_cols(&r[first[j]], &r[s]))
			j++;
		if (j == nf)
			first[nf++] = s;
		set[s] = first[j];
	}
	free(first);
	return set;
}

static void ref_pack(const struct ref_row *r, const uint32_t *set,
		     uint32_t n, int ord, struct ref_layout *l)
{
	uint64_t *key = calloc(n, sizeof(*key));
	size_t *last = calloc(n, sizeof(*last)); /* 1 + last base per set */

	memset(l, 0, sizeof(*l));
	l->base = calloc(n, sizeof(uint32_t));
	l->def = calloc(n, sizeof(uint32_t));
	for (uint32_t s = 1; s < n; s++)
		key[s - 1] = ref_key(&r[s], ord) << 32 | s;
	qsort(key, n - 1, sizeof(*key), ref_cmp_u64);
	for (uint32_t i = 0; i + 1 < n; i++) {
		uint32_t s = (uint32_t)key[i], c0 = r[s].col[0];
		size_t base = 0;

		l->def[s] = r[s].def;
		if (r[s].n) {
			base = ref_free_from(&l->cb, last[set[s]] + c0) - c0;
			base = ref_walk(&l->cb, &r[s], base);
			last[set[s]] = base + 1;
			ref_grow(&l->cb, base + 257);
			for (uint32_t j = 0; j < r[s].n; j++) {
				size_t p = base + r[s].col[j];

				l->cb.occ[p] = 1;
				l->cb.next[p] = r[s].to[j];
				l->cb.check[p] = s;
				if (p + 1 > l->cb.end)
					l->cb.end = p + 1;
			}
		}
		l->base[s] = (uint32_t)base + r[s].oob;
		if (r[s].oob)
			l->base[s] |= DFA_BASE_OOB;
	}
	l->len = l->cb.end;
	for (uint32_t s = 0; s < n; s++)
		if ((l->base[s] & DFA_BASE_INDEX) + 256 > l->len)
			l->len = (l->base[s] & DFA_BASE_INDEX) + 256;
	free(key);
	free(last);
}

static void ref_layout_free(struct ref_layout *l)
{
	free(l->base);
	free(l->def);
	free(l->cb.occ);
	free(l->cb.next);
	free(l->cb.check);
}

static size_t ref_table(size_t entries, size_t width)
{
	return (12 + entries * width + 7) & ~(size_t)7;
}

/* dfa_tables_bytes() of @n states and @m NEXT entries. */
static size_t ref_bytes(size_t n, size_t m, bool ec)
{
	return 24 + 3 * ref_table(n, 4) + ref_table(n, 2) +
	       2 * ref_table(m, 2) + (ec ? ref_table(256, 1) : 0);
}

/* dfa_compress(@d, @o) must give the reference's tables exactly. */
static void check_reference(struct fixture *f, const struct dfa *d,
			    const struct dfa_compress_opts *o)
{
	uint32_t n = dfa_nstates(d);
	struct ref_layout best[2], cur, *l;
	bool have[2] = { false, false };
	struct dfa_tables *t = NULL;
	const char *err = NULL;

	for (int k = 0; k < 8; k++) {
		bool kec = k < 4 ? o->use_ec : false;
		int ord = k % 4;
		struct ref_row *r;
		uint32_t *set;

		if ((k >= 4 && (!o->use_ec || o->ec_always)) ||
		    (ord != 1 && n > REF_ORDER_MAX))
			continue;
		r = ref_rows(d, kec);
		set = ref_sets(r, n);
		ref_pack(r, set, n, ord, &cur);
		free(set);
		free(r);
		cur.ec = kec;
		if (!have[kec] || cur.len < best[kec].len) {
			if (have[kec])
				ref_layout_free(&best[kec]);
			best[kec] = cur;
			have[kec] = true;
		} else {
			ref_layout_free(&cur);
		}
	}
	if (!have[0])
		l = &best[1];
	else if (!have[1] || best[0].len * 4 < best[1].len * 4 + 268)
		l = &best[0];
	else
		l = &best[1];
	if (o->by_bytes && l->ec && have[0] &&
	    ref_bytes(n, best[0].len, false) < ref_bytes(n, l->len, true))
		l = &best[0];
	assert_int_equal(dfa_compress(d, f->a, o, &t, &err), 0);
	check_tables(d, t);
	assert_int_equal(t->has_ec, l->ec);
	assert_int_equal(t->nnext, l->len);
	assert_memory_equal(t->base, l->base, n * sizeof(uint32_t));
	assert_memory_equal(t->def, l->def, n * sizeof(uint32_t));
	ref_grow(&l->cb, l->len);
	assert_memory_equal(t->next, l->cb.next, l->len * sizeof(uint32_t));
	assert_memory_equal(t->check, l->cb.check, l->len * sizeof(uint32_t));
	for (int i = 0; i < 2; i++)
		if (have[i])
			ref_layout_free(&best[i]);
}

/* Options dfa_compress() is checked against the reference with. */
static const struct dfa_compress_opts ref_opts[] = {
	{ .use_ec = true },
	{ .use_ec = true, .by_bytes = true },
	{ .use_ec = true, .ec_always = true },
	{ .use_ec = false },
};

/*
 * Profile-like glob sets small enough to be packed in all four orders
 * and large enough for one (some of whose rows are placed by the
 * replayed walk): dfa_compress() gives exactly the reference's tables.
 */
static void test_pack_matches_reference(void **state)
{
	struct fixture *f = *state;
	static char buf[600][80];
	const char *g[600];
	static const size_t sizes[] = { 5, 40, 150, 600 };

	for (int i = 0; i < 600; i++) {
		gen_glob(buf[i], sizeof(buf[i]), i);
		g[i] = buf[i];
	}
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		struct dfa *d = build_globs(f->c, g, sizes[k]);

		for (size_t o = 0; o < sizeof(ref_opts) / sizeof(ref_opts[0]);
		     o++)
			check_reference(f, d, &ref_opts[o]);
	}
}

/*
 * Globs with an out-of-band transition between two parts, as the
 * backend builds for attachment conditions: the shifted rows and their
 * out-of-band column match the reference too.
 */
static void test_pack_oob_matches_reference(void **state)
{
	struct fixture *f = *state;
	struct dfa_builder *b = dfa_builder_create(f->c);
	struct dfa *d = NULL;
	char x[80], y[80];

	for (int i = 0; i < 120; i++) {
		const char *err = NULL;
		dfa_pat_t p, q;

		gen_glob(x, sizeof(x), i);
		gen_glob(y, sizeof(y), i * 5 + 3);
		if (dfa_glob(f->c, x, strlen(x), DFA_GLOB_DEFAULT, &p, &err) ||
		    dfa_glob(f->c, y, strlen(y), DFA_GLOB_DEFAULT, &q, &err))
			fail_msg("glob: %s", err);
		if (i % 3)
			p = dfa_pat_cat(f->c, p, dfa_pat_cat(f->c,
							    dfa_pat_oob(f->c),
							    q));
		dfa_add(b, p, (uint32_t)i);
	}
	assert_int_equal(dfa_build(b, fold_ids, NULL, NULL, &d), 0);
	assert_true(dfa_has_oob(d));
	for (size_t o = 0; o < sizeof(ref_opts) / sizeof(ref_opts[0]); o++)
		check_reference(f, d, &ref_opts[o]);
}


/* [ab]* a^100: 101 useful states, told apart only after 100 steps. */
static void test_min_deep_distinctions_stay_minimal(void **state)
{
	struct fixture *f = *state;
	struct dfa_ctx *c = f->c;
	struct dfa_byteset ab = { { 0 } };
	char s[160];
	struct dfa_builder *b = dfa_builder_create(c);
	struct dfa *d = NULL;
	dfa_pat_t p;

	dfa_byteset_add(&ab, 'a');
	dfa_byteset_add(&ab, 'b');
	memset(s, 'a', sizeof(s));
	p = dfa_pat_cat(c, dfa_pat_star(c, dfa_pat_class(c, &ab)),
			dfa_pat_bytes(c, s, 100));
	/* and the same language again under another id: equal values */
	dfa_add(b, p, 0);
	dfa_add(b, dfa_pat_union(c, p, dfa_pat_cat(c, dfa_pat_bytes(c, "b", 1),
						   p)), 0);
	assert_int_equal(dfa_build(b, fold_ids, NULL, NULL, &d), 0);
	assert_int_equal(dfa_nstates(d), 102);
	assert_int_equal(dfa_state_accept(d, dfa_match(d, DFA_START, s,
						       100))->v[0], 1);
	assert_int_equal(dfa_state_accept(d, dfa_match(d, DFA_START, s,
						       150))->v[0], 1);
	assert_int_equal(dfa_state_accept(d, dfa_match(d, DFA_START, s,
						       99))->v[0], 0);
	s[50] = 'b';
	assert_int_equal(dfa_state_accept(d, dfa_match(d, DFA_START, s,
						       151))->v[0], 1);
	assert_int_equal(dfa_state_accept(d, dfa_match(d, DFA_START, s,
						       150))->v[0], 0);
}

static dfa_pat_t g1(struct dfa_ctx *c, const char *g)
{
	const char *err = NULL;
	dfa_pat_t p = 0;

	if (dfa_glob(c, g, strlen(g), DFA_GLOB_DEFAULT, &p, &err))
		fail_msg("glob '%s': %s", g, err);
	return p;
}

/*
 * "1ab" | "2" (ab | (a[b]*c & a[b]*d)): the second branch steps into a
 * state that never accepts (b*c & b*d loops on b), the first does not;
 * both branches still merge, since steps into useless states are no
 * part of a state's signature.
 */
static void test_min_ignores_useless_targets(void **state)
{
	struct fixture *f = *state;
	struct dfa_ctx *c = f->c;
	struct dfa_builder *b = dfa_builder_create(c);
	struct dfa *d = NULL;
	dfa_pat_t y = dfa_pat_union(c, g1(c, "ab"),
				    dfa_pat_inter(c, g1(c, "a{b,bb,bbb}*c"),
						  g1(c, "a{b,bb}*d")));

	dfa_add(b, dfa_pat_union(c, g1(c, "1ab"),
				 dfa_pat_cat(c, g1(c, "2"), y)), 0);
	/* a cycle elsewhere keeps the acyclic pass out */
	dfa_add(b, g1(c, "/x/**"), 1);
	assert_int_equal(dfa_build(b, fold_ids, NULL, NULL, &d), 0);
	assert_int_equal(dfa_step(d, DFA_START, '1'),
			 dfa_step(d, DFA_START, '2'));
	assert_int_equal(dfa_state_accept(d, dfa_match(d, DFA_START, "2ab",
						       3))->v[0], 1);
	assert_int_equal(dfa_match(d, DFA_START, "2abb", 4), DFA_DEAD);
}

int main(void)
{
#define T(x) cmocka_unit_test_setup_teardown(x, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_pack_ec_only_when_smaller),
		T(test_pack_by_bytes_keeps_smaller_serialization),
		T(test_pack_similar_rows_densely),
		T(test_pack_large_automaton_valid),
		T(test_pack_matches_reference),
		T(test_pack_oob_matches_reference),
		T(test_min_deep_distinctions_stay_minimal),
		T(test_min_ignores_useless_targets),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
