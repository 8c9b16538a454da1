/* Unit tests for the table packing of dfa_compress() (the equivalence
 * class table only when it makes the tables smaller or when forced,
 * or dropped by by_bytes when the serialization without it is smaller,
 * verifier-valid tables, dense packing of similar rows) and for the
 * minimizer's hand-over from Moore rounds to Valmari's refinement on
 * automata with deep distinctions.
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
		T(test_min_deep_distinctions_stay_minimal),
		T(test_min_ignores_useless_targets),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
