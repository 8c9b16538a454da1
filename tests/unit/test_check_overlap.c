/* Unit tests for the glob overlap search used by the exec-conflict check
 * (language.md 4.1-4.3, 6.4): alternations, stars within a component,
 * whole-component stars, classes and the witness string.
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
#include "check_int.h"

static int setup(void **state)
{
	struct chk *c = calloc(1, sizeof(*c));

	c->a = arena_create();
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct chk *c = *state;

	arena_destroy(c->a);
	free(c);
	return 0;
}

static bool ov(struct chk *c, const char *a, const char *b, char *w)
{
	char tmp[256];

	return chk_glob_overlap(c, a, b, w ? w : tmp, 256);
}

static void test_wildcards_in_different_dirs_overlap(void **state)
{
	char w[256];

	assert_true(ov(*state, "/opt/*/lib/*.so", "/opt/x*/**", w));
	assert_true(ov(*state, "/opt/*/lib/*.so", w, NULL));
}

static void test_disjoint_prefixes_do_not_overlap(void **state)
{
	assert_false(ov(*state, "/1/1*", "/1/2*", NULL));
	assert_false(ov(*state, "/b*", "/a*", NULL));
}

static void test_star_does_not_cross_slash(void **state)
{
	assert_false(ov(*state, "/a/*", "/a/b/c", NULL));
	assert_true(ov(*state, "/a/**", "/a/b/c", NULL));
}

static void test_whole_component_star_needs_a_char(void **state)
{
	assert_false(ov(*state, "/tmp/*", "/tmp/", NULL));
	assert_false(ov(*state, "/tmp/**", "/tmp/", NULL));
	assert_true(ov(*state, "/tmp/a*", "/tmp/a", NULL));
}

static void test_alternations_and_classes(void **state)
{
	assert_true(ov(*state, "/bin/{a,b,{c,d}}", "/bin/d", NULL));
	assert_false(ov(*state, "/bin/{a,b}", "/bin/c", NULL));
	assert_true(ov(*state, "/usr/bin/[bd]ash", "/usr/bin/dash", NULL));
	assert_false(ov(*state, "/usr/bin/[^bd]ash", "/usr/bin/bash", NULL));
	assert_true(ov(*state, "/x/{,y}", "/x/", NULL));
}

static void test_root_star_overlaps_prefix_star(void **state)
{
	char w[256];

	assert_true(ov(*state, "/b*", "/*", w));
	assert_int_equal(w[0], '/');
	assert_int_equal(w[1], 'b');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(x) cmocka_unit_test_setup_teardown(x, setup, teardown)
		T(test_wildcards_in_different_dirs_overlap),
		T(test_disjoint_prefixes_do_not_overlap),
		T(test_star_does_not_cross_slash),
		T(test_whole_component_star_needs_a_char),
		T(test_alternations_and_classes),
		T(test_root_star_overlaps_prefix_star),
#undef T
	};

	return cmocka_run_group_tests_name("check_overlap", tests, NULL, NULL);
}
