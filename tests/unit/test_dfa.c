/* Unit tests for the DFA engine: glob translation (every construct,
 * escape and error), boolean operators, fold, minimization, equivalence
 * classes, compression, determinism and limits, plus seeded property
 * tests against a backtracking reference matcher kept in this file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
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
	unsigned *calls = ctx;

	if (calls)
		(*calls)++;
	for (size_t i = 0; i < n; i++)
		out->v[0] |= ids[i];
	return 0;
}

static dfa_pat_t glob(struct dfa_ctx *c, const char *g)
{
	const char *err = NULL;
	dfa_pat_t p = 0;
	int rc = dfa_glob_sub(c, g, strlen(g), DFA_GLOB_DEFAULT, &p, &err);

	if (rc)
		fail_msg("glob '%s': %s", g, err);
	return p;
}

static struct dfa *build1(struct dfa_ctx *c, dfa_pat_t p)
{
	struct dfa_builder *b = dfa_builder_create(c);
	struct dfa *d = NULL;

	dfa_add(b, p, 1);
	assert_int_equal(dfa_build(b, fold_or, NULL, NULL, &d), 0);
	return d;
}

static uint32_t run(const struct dfa *d, const char *s, size_t n)
{
	return dfa_state_accept(d, dfa_match(d, DFA_START, s, n))->v[0];
}

/* Whole-string match of glob @g against NUL-terminated @s. */
static bool gm(struct dfa_ctx *c, const char *g, const char *s)
{
	struct dfa *d = build1(c, glob(c, g));

	return run(d, s, strlen(s)) != 0;
}

static bool gmn(struct dfa_ctx *c, const char *g, const char *s, size_t n)
{
	struct dfa *d = build1(c, glob(c, g));

	return run(d, s, n) != 0;
}

static const char *glob_err(struct dfa_ctx *c, const char *g)
{
	const char *err = NULL;
	dfa_pat_t p;

	assert_int_equal(dfa_glob(c, g, strlen(g), DFA_GLOB_DEFAULT, &p, &err),
			 -EINVAL);
	return err;
}

/* --- glob translation ---------------------------------------------------- */

static void test_glob_literal_matches_itself_only(void **state)
{
	struct fixture *f = *state;

	assert_true(gm(f->c, "/etc/passwd", "/etc/passwd"));
	assert_false(gm(f->c, "/etc/passwd", "/etc/passwdx"));
	assert_false(gm(f->c, "/etc/passwd", "/etc/passw"));
	assert_true(gm(f->c, "/v.w+x|y(z)^$", "/v.w+x|y(z)^$"));
	assert_false(gm(f->c, "/v.w", "/vaw"));
}

static void test_glob_star_stays_in_component(void **state)
{
	struct fixture *f = *state;

	assert_true(gm(f->c, "/tmp/*", "/tmp/a"));
	assert_true(gm(f->c, "/tmp/*", "/tmp/abc.d"));
	assert_false(gm(f->c, "/tmp/*", "/tmp/a/b"));
	assert_false(gm(f->c, "/tmp/*", "/tmp/"));
	assert_true(gm(f->c, "/tmp/a*", "/tmp/a"));
	assert_true(gm(f->c, "/tmp/*.log", "/tmp/.log"));
	assert_false(gm(f->c, "/tmp/*.log", "/tmp/x/.log"));
	assert_false(gmn(f->c, "/tmp/a*", "/tmp/a\0b", 8));
}

static void test_glob_double_star_crosses_slashes(void **state)
{
	struct fixture *f = *state;

	assert_true(gm(f->c, "/tmp/**", "/tmp/a/b/c"));
	assert_true(gm(f->c, "/tmp/**", "/tmp/a"));
	assert_false(gm(f->c, "/tmp/**", "/tmp/"));
	assert_false(gm(f->c, "/**", "/"));
	assert_false(gm(f->c, "/**", "//"));
	assert_true(gm(f->c, "/a**", "/a"));
	assert_true(gm(f->c, "/a**", "/a/b/"));
	assert_false(gmn(f->c, "/tmp/**", "/tmp/a\0b", 8));
}

static void test_glob_whole_component_star_needs_a_char(void **state)
{
	struct fixture *f = *state;

	assert_false(gm(f->c, "/tmp/*/", "/tmp//"));
	assert_true(gm(f->c, "/tmp/*/", "/tmp/x/"));
	assert_false(gm(f->c, "/tmp/**/", "/tmp//"));
	assert_true(gm(f->c, "/tmp/**/", "/tmp/a/b/"));
	assert_true(gm(f->c, "/tmp/**/x", "/tmp/a/b/x"));
	assert_false(gm(f->c, "/tmp/**/x", "/tmp//x"));
	/* a star after '{' is not right after '/' */
	assert_true(gm(f->c, "/tmp/{*,x}", "/tmp/"));
	assert_true(gm(f->c, "/tmp/{**,}", "/tmp/"));
}

static void test_glob_triple_star_is_double_then_single(void **state)
{
	struct fixture *f = *state;
	dfa_pat_t a = glob(f->c, "/dd/***"), b = glob(f->c, "/dd/**");
	struct dfa *d = build1(f->c, dfa_pat_diff(f->c, a, b));
	struct dfa *e = build1(f->c, dfa_pat_diff(f->c, b, a));

	assert_int_equal(dfa_nstates(d), 2);
	assert_int_equal(dfa_nstates(e), 2);
	assert_false(gm(f->c, "/dd/***", "/dd/"));
	assert_true(gm(f->c, "/dd/***", "/dd/a/b"));
}

static void test_glob_question_mark_is_one_non_slash(void **state)
{
	struct fixture *f = *state;

	assert_true(gm(f->c, "/a?c", "/abc"));
	assert_false(gm(f->c, "/a?c", "/a/c"));
	assert_false(gm(f->c, "/a?c", "/ac"));
	assert_false(gmn(f->c, "/a?c", "/a\0c", 4));
}

static void test_glob_class_and_ranges(void **state)
{
	struct fixture *f = *state;

	assert_true(gm(f->c, "/[abc]", "/b"));
	assert_false(gm(f->c, "/[abc]", "/d"));
	assert_true(gm(f->c, "/[a-cx-z_]", "/y"));
	assert_true(gm(f->c, "/[a-cx-z_]", "/_"));
	assert_false(gm(f->c, "/[a-cx-z_]", "/m"));
	assert_true(gm(f->c, "/[{,}]", "/,"));
	assert_true(gm(f->c, "/[\\]]", "/]"));
	assert_true(gm(f->c, "/[a^]", "/^"));
}

static void test_glob_negated_class_matches_slash_and_nul(void **state)
{
	struct fixture *f = *state;

	assert_true(gm(f->c, "/x[^f]y", "/x/y"));
	assert_true(gmn(f->c, "/x[^f]y", "/x\0y", 4));
	assert_false(gm(f->c, "/x[^f]y", "/xfy"));
	assert_true(gm(f->c, "/x[^f]y", "/xgy"));
}

static void test_glob_alternation_nested_and_empty(void **state)
{
	struct fixture *f = *state;

	assert_true(gm(f->c, "/cc/{,x}", "/cc/"));
	assert_true(gm(f->c, "/cc/{,x}", "/cc/x"));
	assert_false(gm(f->c, "/cc/{,x}", "/cc/y"));
	assert_true(gm(f->c, "/{a,{b,c{d,}}}", "/cd"));
	assert_true(gm(f->c, "/{a,{b,c{d,}}}", "/c"));
	assert_false(gm(f->c, "/{a,{b,c{d,}}}", "/d"));
	assert_true(gm(f->c, "/mnt/{**,}", "/mnt/"));
	assert_true(gm(f->c, "/mnt/{**,}", "/mnt/a/b"));
	assert_true(gm(f->c, "/a,b", "/a,b"));
}

static void test_glob_escapes(void **state)
{
	struct fixture *f = *state;

	assert_true(gm(f->c, "/a\\*", "/a*"));
	assert_false(gm(f->c, "/a\\*", "/ab"));
	assert_true(gm(f->c, "/\\{a\\}\\[\\]\\?\\,\\\\\\^", "/{a}[]?,\\^"));
	assert_true(gm(f->c, "/\\x41", "/A"));
	assert_true(gm(f->c, "/\\d65", "/A"));
	assert_true(gm(f->c, "/\\101", "/A"));
	assert_true(gmn(f->c, "/a\\000b", "/a\0b", 4));
	assert_true(gmn(f->c, "/a\\0b", "/a\0b", 4));
	assert_true(gm(f->c, "/\\q", "/q"));
	assert_true(gm(f->c, "/\\x", "/x"));
	assert_true(gm(f->c, "/\\x2a", "/*"));
	assert_false(gm(f->c, "/\\x2a", "/a"));
}

static void test_glob_xattr_mode_allows_nul(void **state)
{
	struct fixture *f = *state;
	const char *err;
	dfa_pat_t p;
	struct dfa *d;

	assert_int_equal(dfa_glob(f->c, "a*", 2, DFA_GLOB_XATTR, &p, &err), 0);
	d = build1(f->c, p);
	assert_true(run(d, "a\0b", 3));
	assert_false(run(d, "a/b", 3));
	assert_int_equal(dfa_glob(f->c, "a**", 3, DFA_GLOB_XATTR, &p, &err), 0);
	d = build1(f->c, p);
	assert_true(run(d, "a\0/b", 4));
	assert_int_equal(dfa_glob(f->c, "a?", 2, DFA_GLOB_XATTR, &p, &err), 0);
	d = build1(f->c, p);
	assert_true(run(d, "a\0", 2));
	assert_false(run(d, "a/", 2));
}

static void test_glob_error_messages(void **state)
{
	struct fixture *f = *state;
	char deep[128];

	assert_string_equal(glob_err(f->c, "/{a}"),
			    "Regex grouping error: Invalid number of items between {}");
	assert_string_equal(glob_err(f->c, "/{}"),
			    "Regex grouping error: Invalid number of items between {}");
	assert_string_equal(glob_err(f->c, "/{a,b"),
			    "Regex grouping error: Unclosed grouping or character class, expecting close }");
	assert_string_equal(glob_err(f->c, "/[ab"),
			    "Regex grouping error: Unclosed grouping or character class, expecting close }");
	assert_string_equal(glob_err(f->c, "/a}"),
			    "Regex grouping error: Invalid close }, no matching open { detected");
	assert_string_equal(glob_err(f->c, "/a]"),
			    "Regex grouping error: Invalid close ], no matching open [ detected");
	assert_string_equal(glob_err(f->c, "/[]a]"),
			    "Regex grouping error: Invalid close ], no matching open [ detected");
	assert_string_equal(glob_err(f->c, "/[^]a]"),
			    "Regex grouping error: Invalid close ], no matching open [ detected");
	assert_string_equal(glob_err(f->c, "/a\\"),
			    "Regex error: trailing '\\' escape character");
	memset(deep, 0, sizeof(deep));
	for (int i = 0; i < 50; i++)
		deep[i] = '{';
	assert_string_equal(glob_err(f->c, deep),
			    "Regex grouping error: Exceeded maximum nesting of {}");
}

static void test_glob_nesting_of_49_is_accepted(void **state)
{
	struct fixture *f = *state;
	char g[256];
	size_t n = 0;
	dfa_pat_t p;
	const char *err;

	g[n++] = '/';
	for (int i = 0; i < 49; i++)
		g[n++] = '{';
	g[n++] = 'a';
	for (int i = 0; i < 49; i++) {
		g[n++] = ',';
		g[n++] = '}';
	}
	assert_int_equal(dfa_glob(f->c, g, n, DFA_GLOB_DEFAULT, &p, &err), 0);
	assert_true(run(build1(f->c, p), "/a", 2));
	assert_true(run(build1(f->c, p), "/", 1));
}

static void test_glob_is_exact(void **state)
{
	(void)state;
	assert_true(dfa_glob_is_exact("/usr/bin/{bash,dash}", 20));
	assert_true(dfa_glob_is_exact("/a\\*", 4));
	assert_false(dfa_glob_is_exact("/usr/bin/*", 10));
	assert_false(dfa_glob_is_exact("/usr/bin/**", 11));
	assert_false(dfa_glob_is_exact("/usr/bin/ba?h", 13));
	assert_false(dfa_glob_is_exact("/usr/bin/[bd]ash", 16));
	assert_false(dfa_glob_is_exact("/usr/bin/[^b]ash", 16));
}

static void test_glob_sub_subtracts_union_of_operands(void **state)
{
	struct fixture *f = *state;

	assert_true(gm(f->c, "/a/* - /a/b - /a/c", "/a/d"));
	assert_false(gm(f->c, "/a/* - /a/b - /a/c", "/a/b"));
	assert_false(gm(f->c, "/a/* - /a/b - /a/c", "/a/c"));
	assert_true(gm(f->c, "/usr/lib/x86_64-linux-gnu/*",
		       "/usr/lib/x86_64-linux-gnu/a"));
	assert_true(gm(f->c, "/a-b", "/a-b"));
}

static void test_glob_sub_missing_operand_is_an_error(void **state)
{
	struct fixture *f = *state;
	const char *err = NULL;
	dfa_pat_t p;

	assert_int_equal(dfa_glob_sub(f->c, "/a -  - /b", 10, DFA_GLOB_DEFAULT,
				      &p, &err),
			 -EINVAL);
	assert_string_equal(err, "set subtraction: missing operand around ' - '");
	err = NULL;
	assert_int_equal(dfa_glob_sub(f->c, "/a - ", 5, DFA_GLOB_DEFAULT, &p,
				      &err),
			 -EINVAL);
	assert_string_equal(err, "set subtraction: missing operand around ' - '");
}

static void test_glob_sub_equality_from_spec(void **state)
{
	struct fixture *f = *state;
	dfa_pat_t a = glob(f->c, "/a/* - /a/b");
	dfa_pat_t b = glob(f->c, "/a/{[^b/\\000]*,b?*}");

	assert_int_equal(dfa_nstates(build1(f->c, dfa_pat_diff(f->c, a, b))),
			 2);
	assert_int_equal(dfa_nstates(build1(f->c, dfa_pat_diff(f->c, b, a))),
			 2);
}

/* --- operators, fold, minimization --------------------------------------- */

static void test_union_intersection_difference_complement(void **state)
{
	struct fixture *f = *state;
	struct dfa_ctx *c = f->c;
	dfa_pat_t a = glob(c, "/x/*"), b = glob(c, "/x/a*");
	struct dfa *u = build1(c, dfa_pat_union(c, a, glob(c, "/y")));
	struct dfa *i = build1(c, dfa_pat_inter(c, a, glob(c, "/*/ab")));
	struct dfa *d = build1(c, dfa_pat_diff(c, a, b));
	struct dfa *n = build1(c, dfa_pat_complement(c, b, a));
	struct dfa *x = build1(c, dfa_pat_not(c, b));

	assert_true(run(u, "/y", 2) && run(u, "/x/q", 4));
	assert_true(run(i, "/x/ab", 5));
	assert_false(run(i, "/x/a", 4));
	assert_true(run(d, "/x/b", 4));
	assert_false(run(d, "/x/ab", 5));
	assert_true(run(n, "/x/b", 4));
	assert_false(run(n, "/x/ab", 5));
	assert_true(run(x, "", 0));
	assert_true(run(x, "\0\xff", 2));
	assert_false(run(x, "/x/ab", 5));
}

static void test_difference_inside_concatenation(void **state)
{
	struct fixture *f = *state;
	struct dfa_ctx *c = f->c;
	dfa_pat_t field = dfa_pat_diff(c, glob(c, "/m/*"), glob(c, "/m/k"));
	dfa_pat_t p = dfa_pat_cat(c, dfa_pat_byte(c, 7),
				  dfa_pat_cat(c, field, dfa_pat_cat(c,
					dfa_pat_byte(c, 0), glob(c, "ext*"))));
	struct dfa *d = build1(c, p);

	assert_true(run(d, "\7/m/a\0ext4", 10));
	assert_false(run(d, "\7/m/k\0ext4", 10));
	assert_false(run(d, "/m/a\0ext4", 9));
}

static void test_star_plus_opt_bytes_class(void **state)
{
	struct fixture *f = *state;
	struct dfa_ctx *c = f->c;
	struct dfa_byteset s = { { 0 } };
	dfa_pat_t ab = dfa_pat_bytes(c, "ab", 2), cls;

	dfa_byteset_add_range(&s, '0', '9');
	cls = dfa_pat_class(c, &s);
	assert_true(run(build1(c, dfa_pat_star(c, ab)), "", 0));
	assert_true(run(build1(c, dfa_pat_star(c, ab)), "abab", 4));
	assert_false(run(build1(c, dfa_pat_plus(c, ab)), "", 0));
	assert_true(run(build1(c, dfa_pat_plus(c, ab)), "ab", 2));
	assert_true(run(build1(c, dfa_pat_opt(c, cls)), "", 0));
	assert_true(run(build1(c, dfa_pat_opt(c, cls)), "7", 1));
	assert_false(run(build1(c, dfa_pat_opt(c, cls)), "77", 2));
	assert_true(dfa_pat_nullable(c, dfa_pat_star(c, ab)));
	assert_false(dfa_pat_nullable(c, ab));
}

static void test_pattern_emptiness(void **state)
{
	struct fixture *f = *state;
	struct dfa_ctx *c = f->c;
	bool empty = false;

	assert_int_equal(dfa_pat_is_empty(c, glob(c, "/a/* - /a/**"), 0,
					  &empty), 0);
	assert_true(empty);
	assert_int_equal(dfa_pat_is_empty(c, glob(c, "/a/** - /a/*"), 0,
					  &empty), 0);
	assert_false(empty);
}

static void test_fold_called_once_per_distinct_id_set(void **state)
{
	struct fixture *f = *state;
	struct dfa_ctx *c = f->c;
	struct dfa_builder *b = dfa_builder_create(c);
	struct dfa *d;
	unsigned calls = 0;

	dfa_add(b, glob(c, "/a/*"), 1);
	dfa_add(b, glob(c, "/a/b"), 2);
	dfa_add(b, glob(c, "/a/{b,c}"), 4);
	assert_int_equal(dfa_build(b, fold_or, &calls, NULL, &d), 0);
	/* {1}, {1,2,4}, {1,4} */
	assert_int_equal(calls, 3);
	assert_int_equal(run(d, "/a/b", 4), 7);
	assert_int_equal(run(d, "/a/c", 4), 5);
	assert_int_equal(run(d, "/a/d", 4), 1);
}

static int fold_abort(void *ctx, const uint32_t *ids, size_t n,
		      struct dfa_accept *out)
{
	(void)ctx;
	(void)out;
	return n > 1 && ids[1] == 2 ? 42 : 0;
}

static void test_fold_error_aborts_build(void **state)
{
	struct fixture *f = *state;
	struct dfa_builder *b = dfa_builder_create(f->c);
	struct dfa *d = NULL;

	dfa_add(b, glob(f->c, "/a/*"), 1);
	dfa_add(b, glob(f->c, "/a/b"), 2);
	assert_int_equal(dfa_build(b, fold_abort, NULL, NULL, &d), 42);
}

static void test_state_cap_fails_with_message(void **state)
{
	struct fixture *f = *state;
	struct dfa_builder *b = dfa_builder_create(f->c);
	struct dfa_limits lim = { .max_states = 10 };
	struct dfa *d = NULL;

	dfa_add(b, glob(f->c, "/abcdefghijklmnop"), 1);
	assert_int_equal(dfa_build(b, fold_or, NULL, &lim, &d), -E2BIG);
	assert_string_equal(dfa_builder_error(b),
			    "automaton exceeds 10 states");
}

static void test_memory_cap_fails_with_message(void **state)
{
	struct fixture *f = *state;
	struct dfa_builder *b = dfa_builder_create(f->c);
	struct dfa_limits lim = { .max_bytes = 4096 };
	struct dfa *d = NULL;
	char g[64];

	for (int i = 0; i < 300; i++) {
		snprintf(g, sizeof(g), "/p%d/q%d/**", i, i * 7);
		dfa_add(b, glob(f->c, g), (uint32_t)i);
	}
	assert_int_equal(dfa_build(b, fold_or, NULL, &lim, &d), -E2BIG);
	assert_string_equal(dfa_builder_error(b),
			    "automaton exceeds 4096 bytes of memory");
}

static void test_minimize_merges_states_with_equal_values(void **state)
{
	struct fixture *f = *state;
	struct dfa_ctx *c = f->c;
	struct dfa_builder *b = dfa_builder_create(c);
	struct dfa *d;

	/* /ax and /bx lead to the same future once folded */
	dfa_add(b, glob(c, "/a/x"), 2);
	dfa_add(b, glob(c, "/b/x"), 2);
	assert_int_equal(dfa_build(b, fold_or, NULL, NULL, &d), 0);
	/* dead, start, "/", "/a|/b", "/a/", "/a/x" */
	assert_int_equal(dfa_nstates(d), 6);
}

static int fold_zero_for_4(void *ctx, const uint32_t *ids, size_t n,
			   struct dfa_accept *out)
{
	(void)ctx;
	for (size_t i = 0; i < n; i++)
		if (ids[i] != 4)
			out->v[1] |= ids[i];
	return 0;
}

static void test_minimize_uses_every_accept_word(void **state)
{
	struct fixture *f = *state;
	struct dfa_ctx *c = f->c;
	struct dfa_builder *b = dfa_builder_create(c);
	struct dfa *d;

	dfa_add(b, glob(c, "/a"), 1);
	dfa_add(b, glob(c, "/b"), 2);
	dfa_add(b, glob(c, "/c"), 4);
	assert_int_equal(dfa_build(b, fold_zero_for_4, NULL, NULL, &d), 0);
	/* /c folds to zero, so it is not accepting at all */
	assert_int_equal(dfa_state_accept(d, dfa_match(d, 1, "/c", 2))->v[1],
			 0);
	assert_int_equal(dfa_state_accept(d, dfa_match(d, 1, "/a", 2))->v[1],
			 1);
	assert_int_equal(dfa_nstates(d), 5);
}

static void test_empty_rule_set_has_dead_and_start(void **state)
{
	struct fixture *f = *state;
	struct dfa_builder *b = dfa_builder_create(f->c);
	struct dfa *d;
	struct dfa_tables *t;
	const char *err;

	assert_int_equal(dfa_build(b, fold_or, NULL, NULL, &d), 0);
	assert_int_equal(dfa_nstates(d), 2);
	assert_int_equal(dfa_compress(d, f->a, NULL, &t, &err), 0);
	assert_int_equal(t->nstates, 2);
	assert_true(t->nnext >= 256);
	assert_int_equal(dfa_tables_step(t, 1, 'a'), 0);
}

static void test_equivalence_classes_group_bytes(void **state)
{
	struct fixture *f = *state;
	struct dfa *d = build1(f->c, glob(f->c, "/[ab]*/c"));

	/* NUL, '/', a-b, c, everything else */
	assert_int_equal(dfa_nclasses(d), 5);
	assert_int_equal(dfa_byte_class(d, 'a'), dfa_byte_class(d, 'b'));
	assert_int_not_equal(dfa_byte_class(d, 'a'), dfa_byte_class(d, 'c'));
	assert_int_equal(dfa_byte_class(d, 'x'), dfa_byte_class(d, 0xff));
	assert_int_equal(dfa_byte_class(d, 0), 0);
}

static void test_equivalent_rule_sets_give_identical_tables(void **state)
{
	struct fixture *f = *state;
	struct dfa_ctx *c1 = f->c, *c2 = dfa_ctx_create(f->a);
	struct dfa_builder *b1 = dfa_builder_create(c1);
	struct dfa_builder *b2 = dfa_builder_create(c2);
	struct dfa *d1, *d2;
	struct dfa_tables *t1, *t2;
	const char *err;

	dfa_add(b1, glob(c1, "/a"), 6);
	dfa_add(b1, glob(c1, "/b/**"), 1);
	/* other context, other order, split permissions */
	dfa_add(b2, glob(c2, "/b/*"), 1);
	dfa_add(b2, glob(c2, "/b/**"), 1);
	dfa_add(b2, glob(c2, "/a"), 4);
	dfa_add(b2, glob(c2, "/a"), 2);
	assert_int_equal(dfa_build(b1, fold_or, NULL, NULL, &d1), 0);
	assert_int_equal(dfa_build(b2, fold_or, NULL, NULL, &d2), 0);
	assert_int_equal(dfa_compress(d1, f->a, NULL, &t1, &err), 0);
	assert_int_equal(dfa_compress(d2, f->a, NULL, &t2, &err), 0);
	assert_int_equal(t1->nstates, t2->nstates);
	assert_int_equal(t1->nnext, t2->nnext);
	assert_memory_equal(t1->ec, t2->ec, 256);
	assert_memory_equal(t1->base, t2->base, t1->nstates * 4);
	assert_memory_equal(t1->def, t2->def, t1->nstates * 4);
	assert_memory_equal(t1->next, t2->next, t1->nnext * 4);
	assert_memory_equal(t1->check, t2->check, t1->nnext * 4);
	assert_memory_equal(t1->accept, t2->accept,
			    t1->nstates * sizeof(struct dfa_accept));
}

static void test_dot_output_names_states(void **state)
{
	struct fixture *f = *state;
	char *s = dfa_to_dot(build1(f->c, glob(f->c, "/a")), f->a);

	assert_non_null(strstr(s, "digraph dfa {"));
	assert_non_null(strstr(s, "1 -> 2 [label=\"/\"]"));
	assert_non_null(strstr(s, "doublecircle"));
}

static void test_stats_report_states_and_classes(void **state)
{
	struct fixture *f = *state;
	struct dfa *d = build1(f->c, glob(f->c, "/a/{b,c}"));
	struct dfa_stats st;

	dfa_get_stats(d, &st);
	assert_int_equal(st.states, dfa_nstates(d));
	assert_true(st.states_before >= st.states);
	assert_int_equal(st.classes, dfa_nclasses(d));
	assert_int_equal(st.accept_sets, 1);
}

static void test_compress_rejects_too_many_states(void **state)
{
	struct fixture *f = *state;
	struct dfa *d = build1(f->c, glob(f->c, "/abcdef"));
	struct dfa_compress_opts o = { .use_ec = true, .max_states = 5 };
	struct dfa_tables *t;
	const char *err = NULL;

	assert_int_equal(dfa_compress(d, f->a, &o, &t, &err), -E2BIG);
	assert_string_equal(err, "automaton exceeds 5 states");
}

/* --- reference matcher (backtracking over a parsed glob) ----------------- */

enum ref_kind { R_SET, R_STAR, R_ALT };

struct ref_seq;

struct ref_tok {
	int kind; /* enum ref_kind */
	struct dfa_byteset set; /* R_SET, R_STAR */
	struct ref_seq *alts; /* R_ALT */
	int nalt;
};

struct ref_seq {
	struct ref_tok t[96];
	int n;
};

struct ref_cont {
	const struct ref_seq *s;
	int i;
	const struct ref_cont *next;
};

static struct dfa_byteset set_all_but(const char *excl, size_t n)
{
	struct dfa_byteset s;

	memset(&s, 0xff, sizeof(s));
	for (size_t i = 0; i < n; i++)
		s.w[(uint8_t)excl[i] >> 6] &= ~((uint64_t)1 << (excl[i] & 63));
	return s;
}

static void ref_push_set(struct ref_seq *q, int kind, struct dfa_byteset s)
{
	assert_true(q->n < 96);
	q->t[q->n].kind = kind;
	q->t[q->n].set = s;
	q->n++;
}

/* Reference parser for the generated globs: no escapes beyond \\c. */
static const char *ref_parse(const char *g, const char *start,
			     struct ref_seq *q, bool in_brace)
{
	while (*g) {
		if (in_brace && (*g == ',' || *g == '}'))
			return g;
		if (*g == '{') {
			struct ref_tok *t = &q->t[q->n++];

			t->kind = R_ALT;
			t->alts = calloc(8, sizeof(*t->alts));
			t->nalt = 0;
			g++;
			for (;;) {
				g = ref_parse(g, start, &t->alts[t->nalt++],
					      true);
				if (*g++ == '}')
					break;
			}
		} else if (*g == '*') {
			int n = 0;
			bool after = g > start && g[-1] == '/';

			while (g[n] == '*')
				n++;
			if (after && (g[n] == '/' || g[n] == '\0'))
				ref_push_set(q, R_SET, set_all_but("/\0", 2));
			for (int k = n; k >= 2; k -= 2)
				ref_push_set(q, R_STAR, set_all_but("\0", 1));
			if (n % 2)
				ref_push_set(q, R_STAR, set_all_but("/\0", 2));
			g += n;
		} else if (*g == '?') {
			ref_push_set(q, R_SET, set_all_but("/\0", 2));
			g++;
		} else if (*g == '[') {
			struct dfa_byteset s = { { 0 } };
			bool neg = g[1] == '^';

			g += neg ? 2 : 1;
			while (*g != ']') {
				if (g[1] == '-' && g[2] != ']') {
					dfa_byteset_add_range(&s, (uint8_t)g[0],
							      (uint8_t)g[2]);
					g += 3;
					continue;
				}
				dfa_byteset_add(&s, (uint8_t)*g);
				g++;
			}
			g++;
			if (neg)
				for (int w = 0; w < 4; w++)
					s.w[w] = ~s.w[w];
			ref_push_set(q, R_SET, s);
		} else {
			struct dfa_byteset s = { { 0 } };

			if (*g == '\\')
				g++;
			dfa_byteset_add(&s, (uint8_t)*g);
			ref_push_set(q, R_SET, s);
			g++;
		}
	}
	return g;
}

static void ref_free(struct ref_seq *q)
{
	for (int i = 0; i < q->n; i++) {
		if (q->t[i].kind != R_ALT)
			continue;
		for (int k = 0; k < q->t[i].nalt; k++)
			ref_free(&q->t[i].alts[k]);
		free(q->t[i].alts);
	}
}

static bool ref_m(const struct ref_seq *s, int i, const struct ref_cont *k,
		  const uint8_t *str, size_t n, size_t pos)
{
	const struct ref_tok *t;

	if (i == s->n) {
		if (!k)
			return pos == n;
		return ref_m(k->s, k->i, k->next, str, n, pos);
	}
	t = &s->t[i];
	switch (t->kind) {
	case R_SET:
		return pos < n && dfa_byteset_has(&t->set, str[pos]) &&
		       ref_m(s, i + 1, k, str, n, pos + 1);
	case R_STAR:
		for (size_t j = pos;; j++) {
			if (ref_m(s, i + 1, k, str, n, j))
				return true;
			if (j == n || !dfa_byteset_has(&t->set, str[j]))
				return false;
		}
	default: {
		struct ref_cont nk = { s, i + 1, k };

		for (int a = 0; a < t->nalt; a++)
			if (ref_m(&t->alts[a], 0, &nk, str, n, pos))
				return true;
		return false;
	}
	}
}

static bool ref_glob_match(const char *g, const uint8_t *s, size_t n)
{
	struct ref_seq *q = calloc(1, sizeof(*q));
	bool r;

	ref_parse(g, g, q, false);
	r = ref_m(q, 0, NULL, s, n, 0);
	ref_free(q);
	free(q);
	return r;
}

/* Append a random string matched by @q to @out (for targeted strings). */
static void ref_sample(const struct ref_seq *q, unsigned *seed, uint8_t *out,
		       size_t *n, size_t cap)
{
	static const char pool[] = "ab/.\0c";

	for (int i = 0; i < q->n && *n < cap; i++) {
		const struct ref_tok *t = &q->t[i];
		int reps;

		switch (t->kind) {
		case R_ALT:
			ref_sample(&t->alts[rand_r(seed) % t->nalt], seed, out,
				   n, cap);
			break;
		case R_SET:
		case R_STAR:
			reps = t->kind == R_SET ? 1 : rand_r(seed) % 3;
			for (int r = 0; r < reps && *n < cap; r++) {
				uint8_t ch;
				int tries = 0;

				do {
					ch = (uint8_t)pool[rand_r(seed) % 6];
					if (++tries > 20)
						ch = (uint8_t)(rand_r(seed) &
							       0xff);
				} while (!dfa_byteset_has(&t->set, ch));
				out[(*n)++] = ch;
			}
			break;
		}
	}
}

/* A random valid glob over a small alphabet. */
static void rand_glob(unsigned *seed, char *g, size_t cap, int depth)
{
	static const char *const atoms[] = {
		"a", "b", "/", ".", "*", "**", "?", "[ab]", "[^a]", "/*",
		"/**", "\\*", "c", "[a-c]", "***",
	};
	size_t n = strlen(g);
	int len = 1 + rand_r(seed) % 5;

	for (int i = 0; i < len && n + 24 < cap; i++) {
		if (depth < 2 && rand_r(seed) % 6 == 0) {
			int alts = 2 + rand_r(seed) % 2;

			g[n++] = '{';
			g[n] = '\0';
			for (int k = 0; k < alts; k++) {
				if (k)
					strcat(g, ",");
				if (rand_r(seed) % 4)
					rand_glob(seed, g, cap - 4, depth + 1);
			}
			strcat(g, "}");
			n = strlen(g);
			continue;
		}
		strcat(g, atoms[rand_r(seed) % 15]);
		n = strlen(g);
	}
}

static void rand_string(unsigned *seed, uint8_t *s, size_t *n)
{
	static const char pool[] = "ab/.\0c*";

	*n = rand_r(seed) % 9;
	for (size_t i = 0; i < *n; i++)
		s[i] = (uint8_t)pool[rand_r(seed) % 7];
}

static void test_property_random_globs_match_reference(void **state)
{
	struct fixture *f = *state;
	unsigned seed = 12345;

	for (int it = 0; it < 200; it++) {
		struct arena_mark m = arena_mark(f->a);
		struct dfa_ctx *c = dfa_ctx_create(f->a);
		char g[256] = "/";
		struct ref_seq *q = calloc(1, sizeof(*q));
		struct dfa *d;

		rand_glob(&seed, g, sizeof(g), 0);
		d = build1(c, glob(c, g));
		ref_parse(g, g, q, false);
		for (int k = 0; k < 60; k++) {
			uint8_t s[64];
			size_t n = 0;
			bool want, got;

			if (k % 2) {
				rand_string(&seed, s, &n);
			} else {
				ref_sample(q, &seed, s, &n, sizeof(s));
				if (k % 4 == 0 && n)
					s[rand_r(&seed) % n] = "a/\0b"[k % 4];
			}
			want = ref_glob_match(g, s, n);
			got = run(d, (const char *)s, n) != 0;
			if (want != got) {
				char hex[200];
				size_t hn = 0;

				for (size_t i = 0; i < n; i++)
					hn += (size_t)snprintf(hex + hn,
							       sizeof(hex) - hn,
							       "%02x", s[i]);
				hex[hn] = '\0';
				fail_msg("glob '%s' string %s: ref %d dfa %d",
					 g, hex, want, got);
			}
		}
		ref_free(q);
		free(q);
		arena_release(f->a, m);
	}
}

/* --- random boolean combinations ----------------------------------------- */

enum bop { B_GLOB, B_UNION, B_INTER, B_DIFF, B_CAT, B_STAR, B_NOT };

struct bnode {
	int op; /* enum bop */
	char g[64]; /* B_GLOB */
	struct bnode *l, *r;
};

static struct bnode *rand_tree(unsigned *seed, int depth)
{
	struct bnode *t = calloc(1, sizeof(*t));

	t->op = depth >= 3 || rand_r(seed) % 3 == 0 ? B_GLOB :
						       1 + rand_r(seed) % 6;
	if (t->op == B_GLOB) {
		t->g[0] = '/';
		rand_glob(seed, t->g, 40, 1);
		return t;
	}
	t->l = rand_tree(seed, depth + 1);
	if (t->op != B_STAR && t->op != B_NOT)
		t->r = rand_tree(seed, depth + 1);
	return t;
}

static void free_tree(struct bnode *t)
{
	if (!t)
		return;
	free_tree(t->l);
	free_tree(t->r);
	free(t);
}

static dfa_pat_t tree_pat(struct dfa_ctx *c, const struct bnode *t)
{
	switch (t->op) {
	case B_GLOB:
		return glob(c, t->g);
	case B_UNION:
		return dfa_pat_union(c, tree_pat(c, t->l), tree_pat(c, t->r));
	case B_INTER:
		return dfa_pat_inter(c, tree_pat(c, t->l), tree_pat(c, t->r));
	case B_DIFF:
		return dfa_pat_diff(c, tree_pat(c, t->l), tree_pat(c, t->r));
	case B_CAT:
		return dfa_pat_cat(c, tree_pat(c, t->l), tree_pat(c, t->r));
	case B_STAR:
		return dfa_pat_star(c, tree_pat(c, t->l));
	default:
		return dfa_pat_not(c, tree_pat(c, t->l));
	}
}

static bool tree_match(const struct bnode *t, const uint8_t *s, size_t n)
{
	switch (t->op) {
	case B_GLOB:
		return ref_glob_match(t->g, s, n);
	case B_UNION:
		return tree_match(t->l, s, n) || tree_match(t->r, s, n);
	case B_INTER:
		return tree_match(t->l, s, n) && tree_match(t->r, s, n);
	case B_DIFF:
		return tree_match(t->l, s, n) && !tree_match(t->r, s, n);
	case B_NOT:
		return !tree_match(t->l, s, n);
	case B_CAT:
		for (size_t i = 0; i <= n; i++)
			if (tree_match(t->l, s, i) &&
			    tree_match(t->r, s + i, n - i))
				return true;
		return false;
	default:
		if (n == 0)
			return true;
		for (size_t i = 1; i <= n; i++)
			if (tree_match(t->l, s, i) &&
			    tree_match(t, s + i, n - i))
				return true;
		return false;
	}
}

static void test_property_boolean_combinations_match_reference(void **state)
{
	struct fixture *f = *state;
	unsigned seed = 777;

	for (int it = 0; it < 200; it++) {
		struct arena_mark m = arena_mark(f->a);
		struct dfa_ctx *c = dfa_ctx_create(f->a);
		struct bnode *t = rand_tree(&seed, 0);
		struct dfa *d = build1(c, tree_pat(c, t));

		for (int k = 0; k < 40; k++) {
			uint8_t s[16];
			size_t n;

			rand_string(&seed, s, &n);
			if (k % 3 == 0 && n) {
				s[0] = '/';
			}
			if (tree_match(t, s, n) != (run(d, (char *)s, n) != 0))
				fail_msg("iteration %d string %d: mismatch", it,
					 k);
		}
		free_tree(t);
		arena_release(f->a, m);
	}
}

/* --- multi-rule sets: fold, minimality, compression ---------------------- */

struct rule_set {
	char g[6][64]; /* globs */
	uint32_t id[6]; /* ids */
	int n;
};

static struct dfa *build_set(struct dfa_ctx *c, const struct rule_set *rs,
			     bool minimize)
{
	struct dfa_builder *b = dfa_builder_create(c);
	struct dfa_limits lim = { .no_minimize = !minimize };
	struct dfa *d = NULL;

	for (int i = 0; i < rs->n; i++)
		dfa_add(b, glob(c, rs->g[i]), rs->id[i]);
	assert_int_equal(dfa_build(b, fold_or, NULL, &lim, &d), 0);
	return d;
}

static void rand_set(unsigned *seed, struct rule_set *rs)
{
	rs->n = 1 + rand_r(seed) % 5;
	for (int i = 0; i < rs->n; i++) {
		strcpy(rs->g[i], "/");
		rand_glob(seed, rs->g[i], 48, 1);
		rs->id[i] = 1u << (rand_r(seed) % 4);
	}
}

/* Table filling (Myhill-Nerode): no two states are equivalent. */
static void assert_minimal(const struct dfa *d)
{
	uint32_t n = dfa_nstates(d), k = dfa_nclasses(d);
	uint8_t rep[256];
	bool *dist = calloc((size_t)n * n, 1), changed = true;

	for (int b = 255; b >= 0; b--)
		rep[dfa_byte_class(d, (uint8_t)b)] = (uint8_t)b;
	for (uint32_t p = 0; p < n; p++)
		for (uint32_t q = 0; q < n; q++)
			dist[p * n + q] = memcmp(dfa_state_accept(d, p),
						 dfa_state_accept(d, q),
						 sizeof(struct dfa_accept)) != 0;
	while (changed) {
		changed = false;
		for (uint32_t p = 0; p < n; p++) {
			for (uint32_t q = p + 1; q < n; q++) {
				if (dist[p * n + q])
					continue;
				for (uint32_t c = 0; c < k; c++) {
					uint32_t a = dfa_step(d, p, rep[c]);
					uint32_t b = dfa_step(d, q, rep[c]);

					if (dist[a * n + b]) {
						dist[p * n + q] = true;
						dist[q * n + p] = true;
						changed = true;
						break;
					}
				}
			}
		}
	}
	for (uint32_t p = 0; p < n; p++)
		for (uint32_t q = p + 1; q < n; q++)
			if (!dist[p * n + q] && !(p <= 1 && q <= 1))
				fail_msg("states %u and %u are equivalent", p,
					 q);
	free(dist);
}

/* Kernel verifier rules (policy-blob.md 6.4) and agreement with @d. */
static void assert_tables_ok(const struct dfa *d, const struct dfa_tables *t)
{
	assert_int_equal(t->nstates, dfa_nstates(d));
	assert_int_equal(t->def[0], 0);
	assert_int_equal(t->base[0] & 0xffffff, t->base[0]);
	for (uint32_t s = 0; s < t->nstates; s++) {
		assert_true(t->def[s] < t->nstates);
		assert_true((size_t)(t->base[s] & 0xffffff) + 255 < t->nnext);
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

static void test_property_rule_sets_fold_minimal_and_compress(void **state)
{
	struct fixture *f = *state;
	unsigned seed = 4242;

	for (int it = 0; it < 100; it++) {
		struct arena_mark m = arena_mark(f->a);
		struct dfa_ctx *c = dfa_ctx_create(f->a);
		struct rule_set rs;
		struct dfa *d, *raw;
		struct dfa_tables *t, *te;
		struct dfa_compress_opts noec = { .use_ec = false };
		const char *err;

		rand_set(&seed, &rs);
		d = build_set(c, &rs, true);
		raw = build_set(c, &rs, false);
		assert_true(dfa_nstates(raw) >= dfa_nstates(d));
		if (dfa_nstates(d) <= 120)
			assert_minimal(d);
		assert_int_equal(dfa_compress(d, f->a, NULL, &te, &err), 0);
		assert_int_equal(dfa_compress(d, f->a, &noec, &t, &err), 0);
		assert_tables_ok(d, te);
		assert_tables_ok(d, t);
		for (int k = 0; k < 50; k++) {
			uint8_t s[16];
			size_t n;
			uint32_t want = 0;

			rand_string(&seed, s, &n);
			if (k % 2 && n)
				s[0] = '/';
			for (int i = 0; i < rs.n; i++)
				if (ref_glob_match(rs.g[i], s, n))
					want |= rs.id[i];
			assert_int_equal(run(d, (char *)s, n), want);
			assert_int_equal(run(raw, (char *)s, n), want);
			assert_int_equal(
				te->accept[dfa_tables_match(te, 1, s, n)].v[0],
				want);
			assert_int_equal(
				t->accept[dfa_tables_match(t, 1, s, n)].v[0],
				want);
		}
		arena_release(f->a, m);
	}
}

/* Literal rule sets are acyclic (Note [acyclic-minimization]). */
static void test_literal_sets_minimize_to_minimal(void **state)
{
	struct fixture *f = *state;
	unsigned seed = 777;

	for (int it = 0; it < 200; it++) {
		struct arena_mark m = arena_mark(f->a);
		struct dfa_ctx *c = dfa_ctx_create(f->a);
		struct rule_set rs;
		struct dfa *d, *raw;

		rs.n = 1 + rand_r(&seed) % 6;
		for (int i = 0; i < rs.n; i++) {
			int len = 1 + rand_r(&seed) % 6;

			for (int k = 0; k < len; k++)
				rs.g[i][k] = "ab/"[rand_r(&seed) % 3];
			rs.g[i][len] = '\0';
			rs.id[i] = 1u << (rand_r(&seed) % 3);
		}
		d = build_set(c, &rs, true);
		raw = build_set(c, &rs, false);
		assert_true(dfa_nstates(raw) >= dfa_nstates(d));
		assert_minimal(d);
		for (int k = 0; k < 300; k++) {
			char s[8];
			size_t n = (size_t)(rand_r(&seed) % 8);
			uint32_t want = 0;

			for (size_t i = 0; i < n; i++)
				s[i] = "ab/"[rand_r(&seed) % 3];
			if (k < rs.n) {
				n = strlen(rs.g[k]);
				memcpy(s, rs.g[k], n);
			}
			for (int i = 0; i < rs.n; i++)
				if (strlen(rs.g[i]) == n &&
				    !memcmp(rs.g[i], s, n))
					want |= rs.id[i];
			assert_int_equal(run(d, s, n), want);
			assert_int_equal(run(raw, s, n), want);
		}
		arena_release(f->a, m);
	}
}

static bool same_tables(const struct dfa_tables *x, const struct dfa_tables *y)
{
	return x->nstates == y->nstates && x->nnext == y->nnext &&
	       !memcmp(x->ec, y->ec, 256) &&
	       !memcmp(x->base, y->base, x->nstates * 4) &&
	       !memcmp(x->def, y->def, x->nstates * 4) &&
	       !memcmp(x->next, y->next, x->nnext * 4) &&
	       !memcmp(x->check, y->check, x->nnext * 4) &&
	       !memcmp(x->accept, y->accept,
		       x->nstates * sizeof(struct dfa_accept));
}

static void test_property_build_is_deterministic_and_order_free(void **state)
{
	struct fixture *f = *state;
	unsigned seed = 99;

	for (int it = 0; it < 60; it++) {
		struct arena_mark m = arena_mark(f->a);
		struct dfa_ctx *c1 = dfa_ctx_create(f->a);
		struct dfa_ctx *c2 = dfa_ctx_create(f->a);
		struct rule_set rs, rev;
		struct dfa_tables *t1, *t2, *t3;
		const char *err;

		rand_set(&seed, &rs);
		rev = rs;
		for (int i = 0; i < rs.n; i++) {
			strcpy(rev.g[i], rs.g[rs.n - 1 - i]);
			rev.id[i] = rs.id[rs.n - 1 - i];
		}
		dfa_compress(build_set(c1, &rs, true), f->a, NULL, &t1, &err);
		dfa_compress(build_set(c1, &rs, true), f->a, NULL, &t2, &err);
		dfa_compress(build_set(c2, &rev, true), f->a, NULL, &t3, &err);
		assert_true(same_tables(t1, t2));
		assert_true(same_tables(t1, t3));
		arena_release(f->a, m);
	}
}

static void test_property_algebraic_laws(void **state)
{
	struct fixture *f = *state;
	unsigned seed = 2024;

	for (int it = 0; it < 100; it++) {
		struct arena_mark m = arena_mark(f->a);
		struct dfa_ctx *c = dfa_ctx_create(f->a);
		char ga[64] = "/", gb[64] = "/";
		dfa_pat_t a, b;
		struct dfa_tables *t1, *t2;
		const char *err;

		rand_glob(&seed, ga, 48, 1);
		rand_glob(&seed, gb, 48, 1);
		a = glob(c, ga);
		b = glob(c, gb);
		/* A - A is empty */
		assert_int_equal(dfa_nstates(build1(c, dfa_pat_diff(c, a, a))),
				 2);
		/* (A - B) & B is empty */
		assert_int_equal(dfa_nstates(build1(c, dfa_pat_inter(c,
					dfa_pat_diff(c, a, b), b))), 2);
		/* A | B = B | A, built as two rules in both orders */
		dfa_compress(build1(c, dfa_pat_union(c, a, b)), f->a, NULL,
			     &t1, &err);
		dfa_compress(build1(c, dfa_pat_union(c, b, a)), f->a, NULL,
			     &t2, &err);
		assert_true(same_tables(t1, t2));
		/* (A - B) | B = A | B */
		dfa_compress(build1(c, dfa_pat_union(c, dfa_pat_diff(c, a, b),
						      b)),
			     f->a, NULL, &t2, &err);
		assert_true(same_tables(t1, t2));
		arena_release(f->a, m);
	}
}

/* --- the seed's /sys example --------------------------------------------- */

struct diff_walk {
	const struct dfa *x, *y; /* the two automata */
	int found; /* differing strings listed */
	bool saw[4]; /* known holes seen */
};

/* Breadth-first product walk: print the shortest strings per differing
 * product state, up to a limit.
 */
static void list_differences(struct diff_walk *w, int limit)
{
	uint32_t nx = dfa_nstates(w->x), ny = dfa_nstates(w->y);
	uint32_t *prev = malloc((size_t)nx * ny * sizeof(uint32_t));
	uint8_t *via = malloc((size_t)nx * ny);
	uint32_t *queue = malloc((size_t)nx * ny * sizeof(uint32_t));
	size_t head = 0, tail = 0;
	static const char alpha[] = "/sysfcgrx\0";

	memset(prev, 0xff, (size_t)nx * ny * sizeof(uint32_t));
	prev[1 * ny + 1] = 1 * ny + 1;
	queue[tail++] = 1 * ny + 1;
	while (head < tail && w->found < limit) {
		uint32_t p = queue[head++], a = p / ny, b = p % ny;

		if (dfa_state_accept(w->x, a)->v[0] !=
		    dfa_state_accept(w->y, b)->v[0]) {
			char s[64];
			int n = 0;
			char shown[256];
			int sn = 0;

			for (uint32_t q = p; q != 1 * ny + 1; q = prev[q])
				s[n++] = (char)via[q];
			for (int i = n - 1; i >= 0; i--)
				sn += s[i] ? snprintf(shown + sn, 256 - sn,
						      "%c", s[i]) :
					     snprintf(shown + sn, 256 - sn,
						      "\\0");
			print_message("differ: %-20s subtraction %s, chain %s\n",
				      shown,
				      dfa_state_accept(w->x, a)->v[0] ? "yes" :
									"no",
				      dfa_state_accept(w->y, b)->v[0] ? "yes" :
									"no");
			if (!strcmp(shown, "/sys/f"))
				w->saw[0] = true;
			if (!strcmp(shown, "/sys/fs"))
				w->saw[1] = true;
			if (strstr(shown, "\\0"))
				w->saw[2] = true;
			if (!strcmp(shown, "/sys/fs/cgr"))
				w->saw[3] = true;
			w->found++;
		}
		for (int i = 0; i < 10; i++) {
			uint8_t ch = (uint8_t)alpha[i];
			uint32_t q = dfa_step(w->x, a, ch) * ny +
				     dfa_step(w->y, b, ch);

			if (prev[q] != UINT32_MAX)
				continue;
			prev[q] = p;
			via[q] = ch;
			queue[tail++] = q;
		}
	}
	free(prev);
	free(via);
	free(queue);
}

static void test_seed_subtraction_vs_deny_chain(void **state)
{
	struct fixture *f = *state;
	struct dfa_ctx *c = f->c;
	static const char *const chain[] = {
		"/sys/[^f]*/**",    "/sys/f[^s]*/**",  "/sys/fs/[^c]*/**",
		"/sys/fs/c[^g]*/**", "/sys/fs/cg[^r]*/**",
	};
	struct dfa_builder *b = dfa_builder_create(c);
	struct diff_walk w = { 0 };
	struct dfa *sub, *ch;

	sub = build1(c, glob(c, "/sys/** - /sys/fs/cgr*/**"));
	for (int i = 0; i < 5; i++)
		dfa_add(b, glob(c, chain[i]), 1);
	assert_int_equal(dfa_build(b, fold_or, NULL, NULL, &ch), 0);
	print_message("subtraction: %u states, chain: %u states\n",
		      dfa_nstates(sub), dfa_nstates(ch));
	w.x = sub;
	w.y = ch;
	list_differences(&w, 40);
	assert_true(w.found > 0);
	assert_true(w.saw[0]);
	assert_true(w.saw[1]);
	assert_true(run(ch, "/sys/\0/x", 8));
	assert_false(run(sub, "/sys/\0/x", 8));
	/* "/sys/fs/cgroup" itself is outside /sys/fs/cgr*\/\*\* */
	assert_true(run(sub, "/sys/fs/cgroup", 14));
	assert_false(run(ch, "/sys/fs/cgroup", 14));
	assert_false(run(sub, "/sys/fs/cgroup/x", 16));
	assert_true(run(ch, "/sys///x", 8));
	assert_false(run(sub, "/sys///x", 8));
}

/* --- scaling --------------------------------------------------------------- */

static size_t literal_work(struct arena *a, int n, uint32_t *states)
{
	struct arena_mark m = arena_mark(a);
	struct dfa_ctx *c = dfa_ctx_create(a);
	struct dfa_builder *b = dfa_builder_create(c);
	struct dfa *d;
	struct dfa_stats st;
	char g[64];
	unsigned seed = 5;

	for (int i = 0; i < n; i++) {
		snprintf(g, sizeof(g), "/usr/share/d%u/e%u/f%d.conf",
			 rand_r(&seed) % 50, rand_r(&seed) % 1000, i);
		dfa_add(b, glob(c, g), 1u << (i % 8));
	}
	assert_int_equal(dfa_build(b, fold_or, NULL, NULL, &d), 0);
	dfa_get_stats(d, &st);
	*states = st.states;
	arena_release(a, m);
	return st.work_bytes;
}

static void test_literal_rule_sets_scale_linearly(void **state)
{
	struct fixture *f = *state;
	uint32_t s1, s8;
	size_t w1 = literal_work(f->a, 1000, &s1);
	size_t w8 = literal_work(f->a, 4000, &s8);

	print_message("1000 rules: %u states %zu bytes; 4000 rules: %u states %zu bytes\n",
		      s1, w1, s8, w8);
	assert_true(s8 < 5 * s1);
	assert_true(w8 < 6 * w1);
}

static void test_transition_listing_matches_step(void **state)
{
	struct fixture *f = *state;
	struct dfa *d = build1(f->c, glob(f->c, "/{a,bc}/*"));

	for (uint32_t s = 0; s < dfa_nstates(d); s++) {
		uint32_t n = dfa_state_ntrans(d, s), last = 0;

		for (uint32_t i = 0; i < n; i++) {
			uint32_t cls;
			dfa_state_t to = dfa_state_trans(d, s, i, &cls);

			assert_true(to != DFA_DEAD && to < dfa_nstates(d));
			assert_true(i == 0 || cls > last);
			last = cls;
			for (int b = 0; b < 256; b++)
				if (dfa_byte_class(d, (uint8_t)b) == cls)
					assert_int_equal(dfa_step(d, s,
								  (uint8_t)b),
							 to);
		}
	}
	assert_int_equal(dfa_state_ntrans(d, DFA_DEAD), 0);
}

static void test_pattern_walk_agrees_with_automaton(void **state)
{
	struct fixture *f = *state;
	dfa_pat_t p = glob(f->c, "/x/** - /x/*/y");
	struct dfa *d = build1(f->c, p);
	static const char *const s[] = { "/x/a", "/x/a/y", "/x/a/b/y", "/x/",
					 "/x/a/z" };

	for (size_t i = 0; i < 5; i++)
		assert_int_equal(dfa_pat_match(f->c, p, s[i], strlen(s[i])),
				 run(d, s[i], strlen(s[i])) != 0);
	assert_false(dfa_pat_match(f->c, p, "/x/a/y", 6));
	assert_true(dfa_pat_match(f->c, p, "/x/a/b/y", 8));
}

/* The bench helper's "hurt" shape: overlapping '**' rules with
 * alternations under several permission mixes, one id per permission bit.
 */
static void test_bit_ids_keep_construction_near_minimal(void **state)
{
	struct fixture *f = *state;
	struct dfa_ctx *c = f->c;
	struct dfa_builder *b = dfa_builder_create(c);
	static const char *const g[] = {
		"/usr/**", "/opt/**", "/srv/**", "/var/**", "/etc/**",
		"/{home,opt}/**/{bin,conf}/**/{share,spool}/**.{py,log}",
		"/{run,opt}/**{log,share}**{share,run}**",
		"/{var,run}/**/{state,cache}*/**.{txt,so}",
		"/{tmp,usr}/**/{conf,data}/**/{spool,lib}/**.{txt,py}",
		"/{opt,etc}/**{log,data}**{lib,log}**",
		"/{home,opt}/**/{lib,share}*/**.{log,conf}",
		"/{var,run}/**/{share,cache}/**/{spool,lib}/**.{xml,log}",
		"/{srv,etc}/**{log,share}**{conf,spool}**",
	};
	static const uint32_t perm[] = { 9, 5, 7, 3, 1, 5, 4, 2, 9, 1, 5, 2, 1 };
	struct dfa *d;
	struct dfa_stats st;

	for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++)
		for (int bit = 0; bit < 4; bit++)
			if (perm[i] & (1u << bit))
				dfa_add(b, glob(c, g[i]), 1u << bit);
	assert_int_equal(dfa_build(b, fold_or, NULL, NULL, &d), 0);
	dfa_get_stats(d, &st);
	print_message("constructed %u states, minimal %u\n", st.states_before,
		      st.states);
	assert_true(st.states_before <= 2 * st.states);
	assert_true(run(d, "/opt/a/conf/b/spool/c.log", 25) == 5);
}

/*
 * Note [class-signatures] in build.c: hundreds of residuals of one shape
 * (a star then a literal) refine a state's classes once; the literals
 * they lead to, the residuals of other shapes and one that walks a
 * literal through the same state must still get their own transitions.
 */
static void test_same_shape_residuals_keep_their_transitions(void **state)
{
	struct fixture *f = *state;
	static char g[262][24];
	static const char *const fixed[] = {
		"p/x5", "pqq/x17", "pab/x3", "pab/x199", "pa/y7", "pb/y49",
		"pc/y7", "pabz", "p/z", "pab/x", "pab/x20", "pab/x2", "p/x",
		"pbbbb/y0", "pa/x3", "pzz/x9", "p0/x10",
	};
	struct dfa_builder *b = dfa_builder_create(f->c);
	struct dfa_limits raw_lim = { .no_minimize = true };
	struct dfa *d, *raw;
	uint32_t id[262];
	unsigned seed = 99;
	int n = 0;

	for (int i = 0; i < 200; i++, n++) {
		snprintf(g[n], sizeof(g[n]), "p*/x%d", i);
		id[n] = 1u << (i % 8);
	}
	for (int i = 0; i < 50; i++, n++) {
		snprintf(g[n], sizeof(g[n]), "p[ab]*/y%d", i);
		id[n] = 1u << (i % 8);
	}
	strcpy(g[n], "pab/x3");
	id[n++] = 1u << 8;
	strcpy(g[n], "p**z");
	id[n++] = 1u << 9;
	for (int i = 0; i < n; i++)
		dfa_add(b, glob(f->c, g[i]), id[i]);
	assert_int_equal(dfa_build(b, fold_or, NULL, NULL, &d), 0);
	assert_int_equal(dfa_build(b, fold_or, NULL, &raw_lim, &raw), 0);
	for (int k = 0; k < 400; k++) {
		static const char pool[] = "pab/xyz0123456789";
		char s[16];
		size_t len;
		uint32_t want = 0;

		if (k < (int)(sizeof(fixed) / sizeof(fixed[0]))) {
			len = strlen(fixed[k]);
			memcpy(s, fixed[k], len);
		} else {
			len = 1 + (size_t)(rand_r(&seed) % 8);
			s[0] = 'p';
			for (size_t i = 1; i < len; i++)
				s[i] = pool[rand_r(&seed) % 17];
		}
		for (int i = 0; i < n; i++)
			if (ref_glob_match(g[i], (const uint8_t *)s, len))
				want |= id[i];
		if (run(d, s, len) != want || run(raw, s, len) != want)
			fail_msg("'%.*s': want %#x, got %#x (raw %#x)",
				 (int)len, s, want, run(d, s, len),
				 run(raw, s, len));
	}
	assert_int_equal(run(d, "pab/x3", 6), (1u << 8) | (1u << 3));
}

/*
 * Note [mapped-buffers] in term.c: the term table grows past the size
 * where it moves into a mapping of its own and is grown by mremap; every
 * term made before and after the move must still be intact.
 */
static void test_term_table_survives_moving_into_a_mapping(void **state)
{
	struct fixture *f = *state;
	struct dfa_builder *b = dfa_builder_create(f->c);
	static dfa_pat_t p[40000];
	struct dfa_stats st;
	struct dfa *d;
	char s[12];

	for (int i = 0; i < 40000; i++) {
		snprintf(s, sizeof(s), "%08d", (int)(i * 104729u % 100000000u));
		p[i] = dfa_pat_bytes(f->c, s, 8);
	}
	for (int i = 0; i < 40000; i += 97) {
		snprintf(s, sizeof(s), "%08d", (int)(i * 104729u % 100000000u));
		assert_true(dfa_pat_match(f->c, p[i], s, 8));
		s[7] = s[7] == '0' ? '1' : '0';
		assert_false(dfa_pat_match(f->c, p[i], s, 8));
		dfa_add(b, p[i], 1u << (i % 8));
	}
	assert_int_equal(dfa_build(b, fold_or, NULL, NULL, &d), 0);
	dfa_get_stats(d, &st);
	assert_true(st.terms > 100000); /* 2.4 MB of terms: mapped */
	for (int i = 0; i < 40000; i += 97) {
		snprintf(s, sizeof(s), "%08d", (int)(i * 104729u % 100000000u));
		assert_int_equal(run(d, s, 8), 1u << (i % 8));
	}
	assert_int_equal(run(d, "x", 1), 0);
}

/*
 * Note [union-memo] in build.c: the union of one id's derivatives is
 * remembered by the derivative list; here the same lists come back under
 * every "/dN/" prefix, and each state must still get its own targets.
 */
static void test_repeated_derivative_unions_give_right_targets(void **state)
{
	struct fixture *f = *state;
	static char g[120][32];
	struct dfa_builder *b = dfa_builder_create(f->c);
	struct dfa_limits raw_lim = { .no_minimize = true };
	struct dfa *d, *raw;
	uint32_t id[120];
	unsigned seed = 31;
	int n = 0;

	for (int i = 0; i < 40; i++) {
		snprintf(g[n], sizeof(g[n]), "/d%d/{a,b,c}*{x,y}", i);
		id[n++] = 1;
		snprintf(g[n], sizeof(g[n]), "/d%d/{a,bc}*[xz]", i);
		id[n++] = 1;
		snprintf(g[n], sizeof(g[n]), "/d%d/*z", i % 7);
		id[n++] = 2u << (i % 3);
	}
	for (int i = 0; i < n; i++)
		dfa_add(b, glob(f->c, g[i]), id[i]);
	assert_int_equal(dfa_build(b, fold_or, NULL, NULL, &d), 0);
	assert_int_equal(dfa_build(b, fold_or, NULL, &raw_lim, &raw), 0);
	for (int k = 0; k < 600; k++) {
		static const char pool[] = "abcxyz";
		char s[24];
		int len = snprintf(s, sizeof(s), "/d%u/", rand_r(&seed) % 42);
		int tail = rand_r(&seed) % 6;
		uint32_t want = 0;

		for (int i = 0; i < tail; i++)
			s[len++] = pool[rand_r(&seed) % 6];
		for (int i = 0; i < n; i++)
			if (ref_glob_match(g[i], (const uint8_t *)s,
					   (size_t)len))
				want |= id[i];
		if (run(d, s, (size_t)len) != want ||
		    run(raw, s, (size_t)len) != want)
			fail_msg("'%.*s': want %#x, got %#x (raw %#x)", len,
				 s, want, run(d, s, (size_t)len),
				 run(raw, s, (size_t)len));
	}
}

/*
 * final_classes skips a state whose row splits the classes as an earlier
 * one did: after "/a" both x and y lead to one state, after "/b" to two,
 * so the second row is a new split and x, y must stay apart.
 */
static void test_final_classes_split_by_targets_not_just_bytes(void **state)
{
	struct fixture *f = *state;
	struct dfa_builder *b = dfa_builder_create(f->c);
	struct dfa *d;

	dfa_add(b, glob(f->c, "/a[xy]"), 1);
	dfa_add(b, glob(f->c, "/bx"), 1);
	dfa_add(b, glob(f->c, "/by"), 2);
	assert_int_equal(dfa_build(b, fold_or, NULL, NULL, &d), 0);
	assert_int_not_equal(dfa_byte_class(d, 'x'), dfa_byte_class(d, 'y'));
	assert_int_equal(run(d, "/ax", 3), 1);
	assert_int_equal(run(d, "/ay", 3), 1);
	assert_int_equal(run(d, "/bx", 3), 1);
	assert_int_equal(run(d, "/by", 3), 2);
}

/* Rules for test_other_automata_classes_do_not_change_tables. */
static struct dfa_tables *reach_tables(struct dfa_ctx *c, struct arena *a)
{
	struct dfa_builder *b = dfa_builder_create(c);
	struct dfa_tables *t;
	struct dfa *d;
	const char *err;

	dfa_add(b, dfa_pat_inter(c, glob(c, "/[a-m]*x"), glob(c, "/[h-z]*")),
		1);
	dfa_add(b, glob(c, "/q{r,s}[0-4]"), 2);
	dfa_add(b, dfa_pat_diff(c, glob(c, "/**"), glob(c, "/*[k-p]")), 4);
	assert_int_equal(dfa_build(b, fold_or, NULL, NULL, &d), 0);
	assert_int_equal(run(d, "/hix", 4), 1 | 4);
	assert_int_equal(run(d, "/gx", 3), 4);
	assert_int_equal(run(d, "/qs3", 4), 2 | 4);
	assert_int_equal(run(d, "/ak", 3), 0);
	assert_int_equal(dfa_compress(d, a, NULL, &t, &err), 0);
	return t;
}

/*
 * Note [reachable-alphabet] in build.c: the construction classes come
 * from the rules' own class atoms; classes the context made for other
 * patterns (and intersections of the rules' classes) change nothing.
 */
static void test_other_automata_classes_do_not_change_tables(void **state)
{
	struct fixture *f = *state;
	struct dfa_ctx *c2 = dfa_ctx_create(f->a);
	struct dfa_tables *t1 = reach_tables(f->c, f->a), *t2;
	unsigned seed = 8;

	for (int i = 0; i < 40; i++) {
		struct dfa_byteset set = { { 0 } };
		unsigned lo = rand_r(&seed) % 256, n = 1 + rand_r(&seed) % 20;

		dfa_byteset_add_range(&set, lo, lo + n > 255 ? 255 : lo + n);
		dfa_pat_star(c2, dfa_pat_class(c2, &set));
	}
	t2 = reach_tables(c2, f->a);
	assert_true(same_tables(t1, t2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(x) cmocka_unit_test_setup_teardown(x, setup, teardown)
		T(test_glob_literal_matches_itself_only),
		T(test_glob_star_stays_in_component),
		T(test_glob_double_star_crosses_slashes),
		T(test_glob_whole_component_star_needs_a_char),
		T(test_glob_triple_star_is_double_then_single),
		T(test_glob_question_mark_is_one_non_slash),
		T(test_glob_class_and_ranges),
		T(test_glob_negated_class_matches_slash_and_nul),
		T(test_glob_alternation_nested_and_empty),
		T(test_glob_escapes),
		T(test_glob_xattr_mode_allows_nul),
		T(test_glob_error_messages),
		T(test_glob_nesting_of_49_is_accepted),
		T(test_glob_is_exact),
		T(test_glob_sub_subtracts_union_of_operands),
		T(test_glob_sub_missing_operand_is_an_error),
		T(test_glob_sub_equality_from_spec),
		T(test_union_intersection_difference_complement),
		T(test_difference_inside_concatenation),
		T(test_star_plus_opt_bytes_class),
		T(test_pattern_emptiness),
		T(test_fold_called_once_per_distinct_id_set),
		T(test_fold_error_aborts_build),
		T(test_state_cap_fails_with_message),
		T(test_memory_cap_fails_with_message),
		T(test_minimize_merges_states_with_equal_values),
		T(test_minimize_uses_every_accept_word),
		T(test_literal_sets_minimize_to_minimal),
		T(test_empty_rule_set_has_dead_and_start),
		T(test_equivalence_classes_group_bytes),
		T(test_equivalent_rule_sets_give_identical_tables),
		T(test_dot_output_names_states),
		T(test_stats_report_states_and_classes),
		T(test_compress_rejects_too_many_states),
		T(test_property_random_globs_match_reference),
		T(test_property_boolean_combinations_match_reference),
		T(test_property_rule_sets_fold_minimal_and_compress),
		T(test_property_build_is_deterministic_and_order_free),
		T(test_property_algebraic_laws),
		T(test_seed_subtraction_vs_deny_chain),
		T(test_literal_rule_sets_scale_linearly),
		T(test_bit_ids_keep_construction_near_minimal),
		T(test_transition_listing_matches_step),
		T(test_pattern_walk_agrees_with_automaton),
		T(test_same_shape_residuals_keep_their_transitions),
		T(test_term_table_survives_moving_into_a_mapping),
		T(test_repeated_derivative_unions_give_right_targets),
		T(test_final_classes_split_by_targets_not_just_bytes),
		T(test_other_automata_classes_do_not_change_tables),
#undef T
	};

	return cmocka_run_group_tests_name("dfa", tests, NULL, NULL);
}
