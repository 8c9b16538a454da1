/* Unit tests for the DFA engine's out-of-band symbol (policy-blob.md 6.6,
 * 7.4): patterns with dfa_pat_oob() in concatenation, union, star and
 * difference, construction and both minimizers, dfa_step_oob(), and the
 * kernel table layout of dfa_compress() (BASE bit 29, slot base - 1).
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

static int fold_or(void *ctx, const uint32_t *ids, size_t n,
		   struct dfa_accept *out)
{
	(void)ctx;
	for (size_t i = 0; i < n; i++)
		out->v[0] |= ids[i];
	return 0;
}

static dfa_pat_t glob(struct dfa_ctx *c, const char *g, bool xattr)
{
	const char *err = NULL;
	dfa_pat_t p = 0;

	if (dfa_glob(c, g, strlen(g),
		     xattr ? DFA_GLOB_XATTR : DFA_GLOB_DEFAULT, &p, &err))
		fail_msg("glob '%s': %s", g, err);
	return p;
}

static dfa_pat_t lit(struct dfa_ctx *c, const char *s)
{
	return dfa_pat_bytes(c, s, strlen(s));
}

static dfa_pat_t cat3(struct dfa_ctx *c, dfa_pat_t x, dfa_pat_t y,
		      dfa_pat_t z)
{
	return dfa_pat_cat(c, x, dfa_pat_cat(c, y, z));
}

static struct dfa *build(struct dfa_ctx *c, dfa_pat_t p, bool minimize)
{
	struct dfa_builder *b = dfa_builder_create(c);
	struct dfa_limits lim = { .no_minimize = !minimize };
	struct dfa *d = NULL;

	dfa_add(b, p, 1);
	assert_int_equal(dfa_build(b, fold_or, NULL, &lim, &d), 0);
	return d;
}

/*
 * Run @d over @s, where '|' stands for the out-of-band symbol; return
 * the accept word 0 of the state reached.
 */
static uint32_t run(const struct dfa *d, const char *s)
{
	dfa_state_t q = DFA_START;

	for (; *s && q != DFA_DEAD; s++)
		q = *s == '|' ? dfa_step_oob(d, q) :
				dfa_step(d, q, (uint8_t)*s);
	return dfa_state_accept(d, q)->v[0];
}

/* The same walk over compressed tables. */
static uint32_t trun(const struct dfa_tables *t, const char *s)
{
	dfa_state_t q = DFA_START;

	for (; *s && q != DFA_DEAD; s++)
		q = *s == '|' ? dfa_tables_step_oob(t, q) :
				dfa_tables_step(t, q, (uint8_t)*s);
	return t->accept[q].v[0];
}

static void test_oob_cat_matches_only_with_oob_between(void **state)
{
	struct fixture *f = *state;
	struct dfa_ctx *c = f->c;
	struct dfa *d = build(c, cat3(c, lit(c, "ab"), dfa_pat_oob(c),
				      lit(c, "cd")), true);

	assert_int_equal(run(d, "ab|cd"), 1);
	assert_int_equal(run(d, "abcd"), 0);
	assert_int_equal(run(d, "ab|"), 0);
	assert_int_equal(run(d, "a|bcd"), 0);
	assert_int_equal(run(d, "ab||cd"), 0);
	assert_int_equal(run(d, "|abcd"), 0);
	assert_int_equal(dfa_step_oob(d, DFA_START), DFA_DEAD);
	assert_int_equal(dfa_step_oob(d, DFA_DEAD), DFA_DEAD);
	assert_true(dfa_has_oob(d));
	/* dead, start, a, ab, ab|, ab|c, ab|cd */
	assert_int_equal(dfa_nstates(d), 7);
}

static void test_oob_is_not_a_byte(void **state)
{
	struct fixture *f = *state;
	struct dfa_ctx *c = f->c;
	struct dfa_byteset all = { { 0 } };
	dfa_pat_t oob = dfa_pat_oob(c);
	struct dfa *d;

	dfa_byteset_add_range(&all, 0, 255);
	d = build(c, dfa_pat_cat(c, dfa_pat_class(c, &all), oob), true);
	for (unsigned b = 0; b < 256; b++) {
		dfa_state_t q = dfa_step(d, DFA_START, (uint8_t)b);

		assert_int_not_equal(q, DFA_DEAD);
		assert_int_equal(dfa_state_accept(d, q)->v[0], 0);
		assert_int_not_equal(dfa_step_oob(d, q), DFA_DEAD);
		assert_int_equal(dfa_step(d, q, (uint8_t)b), DFA_DEAD);
	}
	/* neither dfa_pat_any() nor a complement matches it */
	assert_false(dfa_has_oob(build(c, dfa_pat_any(c), true)));
	assert_false(dfa_has_oob(build(c, dfa_pat_not(c, lit(c, "x")),
				       true)));
	assert_int_equal(run(build(c, dfa_pat_not(c, lit(c, "x")), true),
			     "a|"), 0);
	/* a union with dfa_pat_any() keeps its out-of-band strings */
	d = build(c, dfa_pat_union(c, dfa_pat_any(c),
				   dfa_pat_cat(c, lit(c, "a"), oob)), true);
	assert_int_equal(run(d, "a|"), 1);
	assert_int_equal(run(d, "b|"), 0);
	assert_int_equal(run(d, "anything"), 1);
}

static void test_oob_union_and_star(void **state)
{
	struct fixture *f = *state;
	struct dfa_ctx *c = f->c;
	dfa_pat_t oob = dfa_pat_oob(c);
	dfa_pat_t ao = dfa_pat_cat(c, lit(c, "a"), oob);
	struct dfa *d = build(c, dfa_pat_star(c, ao), true);

	assert_int_equal(run(d, ""), 1);
	assert_int_equal(run(d, "a|"), 1);
	assert_int_equal(run(d, "a|a|a|"), 1);
	assert_int_equal(run(d, "a|a"), 0);
	assert_int_equal(run(d, "aa|"), 0);
	/* cyclic: dead, start (accepting), after a */
	assert_int_equal(dfa_nstates(d), 3);
	d = build(c, dfa_pat_union(c, ao, lit(c, "b")), true);
	assert_int_equal(run(d, "a|"), 1);
	assert_int_equal(run(d, "b"), 1);
	assert_int_equal(run(d, "b|"), 0);
	assert_int_equal(run(d, "a"), 0);
}

static void test_oob_diff_keeps_oob_strings(void **state)
{
	struct fixture *f = *state;
	struct dfa_ctx *c = f->c;
	dfa_pat_t oob = dfa_pat_oob(c);
	dfa_pat_t x = cat3(c, glob(c, "/a/*", false), oob, glob(c, "*", true));
	dfa_pat_t y = cat3(c, lit(c, "/a/b"), oob, lit(c, "v"));
	struct dfa *d = build(c, dfa_pat_diff(c, x, y), true);
	bool empty = false;

	assert_int_equal(run(d, "/a/b|w"), 1);
	assert_int_equal(run(d, "/a/c|v"), 1);
	assert_int_equal(run(d, "/a/b|v"), 0);
	assert_int_equal(run(d, "/a/b"), 0);
	d = build(c, dfa_pat_diff(c, y, x), true);
	assert_int_equal(dfa_nstates(d), 2);
	assert_int_equal(dfa_pat_is_empty(c, dfa_pat_diff(c, y, x), 0,
					  &empty), 0);
	assert_true(empty);
	assert_int_equal(dfa_pat_is_empty(c, dfa_pat_diff(c, x, y), 0,
					  &empty), 0);
	assert_false(empty);
	/* the pattern walk agrees: ab<oob> is not empty, ab<oob> & ab is */
	assert_int_equal(dfa_pat_is_empty(c, dfa_pat_inter(c,
					  dfa_pat_cat(c, lit(c, "ab"), oob),
					  lit(c, "ab")), 0, &empty), 0);
	assert_true(empty);
}

static void test_oob_minimization_distinguishes_oob(void **state)
{
	struct fixture *f = *state;
	struct dfa_ctx *c = f->c;
	dfa_pat_t oob = dfa_pat_oob(c);
	dfa_pat_t p, q;
	struct dfa *d, *raw;

	/* (a|b)<oob>c: a and b lead to one state */
	p = cat3(c, glob(c, "{a,b}", false), oob, lit(c, "c"));
	assert_int_equal(dfa_nstates(build(c, p, true)), 5);
	/* a<oob>c | bc: a and b lead to different states */
	q = dfa_pat_union(c, cat3(c, lit(c, "a"), oob, lit(c, "c")),
			  lit(c, "bc"));
	d = build(c, q, true);
	assert_int_not_equal(dfa_step(d, DFA_START, 'a'),
			     dfa_step(d, DFA_START, 'b'));
	assert_int_equal(run(d, "a|c"), 1);
	assert_int_equal(run(d, "bc"), 1);
	assert_int_equal(run(d, "b|c"), 0);
	assert_int_equal(run(d, "ac"), 0);
	/* cyclic (Valmari): x* <oob> z | y* */
	p = dfa_pat_union(c, cat3(c, dfa_pat_star(c, lit(c, "x")), oob,
				  lit(c, "z")),
			  dfa_pat_star(c, lit(c, "y")));
	d = build(c, p, true);
	raw = build(c, p, false);
	assert_true(dfa_nstates(d) <= dfa_nstates(raw));
	{
		static const char *const in[] = {
			"x|z", "xxx|z", "|z", "yy", "", "y|z", "x", "xz",
			"xy|z", "x|", "x|zz",
		};

		for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
			assert_int_equal(run(d, in[i]), run(raw, in[i]));
	}
	assert_int_equal(run(d, "xx|z"), 1);
	assert_int_equal(run(d, "yy"), 1);
	assert_int_equal(run(d, "y|z"), 0);
}

/* Every state and symbol: tables and automaton agree. */
static void check_tables(const struct dfa *d, const struct dfa_tables *t)
{
	bool any = false;

	assert_int_equal(t->nstates, dfa_nstates(d));
	for (dfa_state_t s = 0; s < dfa_nstates(d); s++) {
		uint32_t b = t->base[s], o = dfa_step_oob(d, s);

		for (unsigned x = 0; x < 256; x++)
			assert_int_equal(dfa_tables_step(t, s, (uint8_t)x),
					 dfa_step(d, s, (uint8_t)x));
		assert_int_equal(dfa_tables_step_oob(t, s), o);
		/* bit 29 exactly on states with an out-of-band transition */
		assert_int_equal(!!(b & DFA_BASE_OOB), o != DFA_DEAD);
		assert_int_equal(b & ~(DFA_BASE_OOB | DFA_BASE_INDEX), 0);
		if (o) {
			any = true;
			/* verifier: the slot base - 1 exists */
			assert_true((b & DFA_BASE_INDEX) >= 1);
		}
		assert_true((b & DFA_BASE_INDEX) + 255 < t->nnext);
	}
	assert_int_equal(t->has_oob, any);
	assert_int_equal(t->has_oob, dfa_has_oob(d));
}

static void test_oob_tables_agree_with_automaton(void **state)
{
	struct fixture *f = *state;
	struct dfa_ctx *c = f->c;
	dfa_pat_t oob = dfa_pat_oob(c);
	dfa_pat_t p = dfa_pat_union_n(c, (dfa_pat_t[]){
		cat3(c, glob(c, "/usr/bin/foo*", false), oob,
		     dfa_pat_cat(c, dfa_pat_byte(c, 0), oob)),
		cat3(c, glob(c, "/usr/bin/f*", false), oob,
		     cat3(c, dfa_pat_byte(c, 0), glob(c, "ba{r,z}", true),
			  oob)),
		glob(c, "/usr/**", false),
		dfa_pat_star(c, dfa_pat_cat(c, lit(c, "q"), oob)),
	}, 4);
	struct dfa *d = build(c, p, true);

	for (int ec = 0; ec < 2; ec++) {
		struct dfa_compress_opts o = { .use_ec = ec };
		struct dfa_tables *t = NULL;
		const char *err = NULL;

		assert_int_equal(dfa_compress(d, f->a, &o, &t, &err), 0);
		check_tables(d, t);
		assert_true(t->has_oob);
		assert_int_equal(trun(t, "/usr/bin/foo1|\0|"), 0);
		assert_int_equal(trun(t, "/usr/bin/foo1|"), 0);
		assert_int_equal(trun(t, "/usr/x"), 1);
		assert_int_equal(trun(t, "q|q|"), 1);
		assert_int_equal(trun(t, "q|q"), 0);
		assert_int_equal(run(d, "q|q|"), 1);
	}
}

/* The kernel's xattr walk (policy-blob.md 7.4) over compressed tables. */
static void test_oob_xattr_walk_over_tables(void **state)
{
	struct fixture *f = *state;
	struct dfa_ctx *c = f->c;
	dfa_pat_t oob = dfa_pat_oob(c), nul = dfa_pat_byte(c, 0);
	/* /usr/bin/foo* xattrs=(security.x user.foo=bar) */
	dfa_pat_t p = cat3(c, glob(c, "/usr/bin/foo*", false), oob,
			   cat3(c, nul, glob(c, "**", true),
				cat3(c, oob, nul, glob(c, "bar", true))));
	struct dfa *d = build(c, p, true);
	struct dfa_tables *t = NULL;
	const char *err = NULL;
	dfa_state_t s;

	assert_int_equal(dfa_compress(d, f->a, NULL, &t, &err), 0);
	check_tables(d, t);
	s = dfa_tables_match(t, DFA_START, "/usr/bin/foox", 13);
	assert_int_not_equal(s, DFA_DEAD);
	s = dfa_tables_step_oob(t, s);
	assert_int_not_equal(s, DFA_DEAD);
	s = dfa_tables_step(t, s, 0);
	s = dfa_tables_match(t, s, "any\0value", 9);
	assert_int_not_equal(s, DFA_DEAD);
	s = dfa_tables_step_oob(t, s);
	s = dfa_tables_step(t, s, 0);
	assert_int_equal(t->accept[dfa_tables_match(t, s, "bar", 3)].v[0], 1);
	assert_int_equal(t->accept[dfa_tables_match(t, s, "baz", 3)].v[0], 0);
	/* a path alone does not match */
	s = dfa_tables_match(t, DFA_START, "/usr/bin/foox", 13);
	assert_int_equal(t->accept[s].v[0], 0);
}

static void test_oob_absent_leaves_tables_plain(void **state)
{
	struct fixture *f = *state;
	struct dfa_ctx *c = f->c;
	struct dfa *d = build(c, dfa_pat_union(c, glob(c, "/a/**", false),
					       glob(c, "/b/{x,y}*", false)),
			      true);
	struct dfa_tables *t = NULL;
	const char *err = NULL;

	assert_false(dfa_has_oob(d));
	assert_int_equal(dfa_compress(d, f->a, NULL, &t, &err), 0);
	assert_false(t->has_oob);
	check_tables(d, t);
	/* a context that knows the symbol builds plain automata without it */
	(void)dfa_pat_oob(c);
	d = build(c, glob(c, "/a/**", false), true);
	assert_false(dfa_has_oob(d));
	assert_int_equal(dfa_compress(d, f->a, NULL, &t, &err), 0);
	assert_false(t->has_oob);
}

static void test_oob_dot_shows_oob_edge(void **state)
{
	struct fixture *f = *state;
	struct dfa_ctx *c = f->c;
	struct dfa *d = build(c, dfa_pat_cat(c, lit(c, "a"), dfa_pat_oob(c)),
			      true);

	assert_non_null(strstr(dfa_to_dot(d, f->a), "<oob>"));
}

int main(void)
{
#define T(x) cmocka_unit_test_setup_teardown(x, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_oob_cat_matches_only_with_oob_between),
		T(test_oob_is_not_a_byte),
		T(test_oob_union_and_star),
		T(test_oob_diff_keeps_oob_strings),
		T(test_oob_minimization_distinguishes_oob),
		T(test_oob_tables_agree_with_automaton),
		T(test_oob_xattr_walk_over_tables),
		T(test_oob_absent_leaves_tables_plain),
		T(test_oob_dot_shows_oob_edge),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
