/* Unit tests for if-condition evaluation (language.md 5.3): boolean
 * variables, defined, not/and/or without short circuit, literal words and
 * the 5.0 comparisons, with upstream's errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arena.h"
#include "cond.h"
#include "cu.h"
#include "diag.h"
#include "vars.h"

struct fx {
	struct diag_config dc;
	struct cu_opts opts;
	struct cu *cu;
	struct fe_symtab *st;
	struct arena *a;
};

static const struct src_loc L = {0, 1, 1};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	const char *one[] = {"/srv/demo/", "/var/lib/demo/"};
	const char *lvl[] = {"3"};
	const char *hex[] = {"0x10"};
	const char *word[] = {"abc"};

	f->dc.warn_enabled = WARN_ALL;
	f->opts.diag = &f->dc;
	f->cu = cu_create(&f->opts, "t.sd");
	f->a = f->cu->arena;
	f->st = fe_symtab_create(f->cu);
	fe_bool_assign(f->st, "$yes", FE_ASSIGN_EQ, true, L);
	fe_bool_assign(f->st, "$no", FE_ASSIGN_EQ, false, L);
	fe_var_assign(f->st, "@{DATA}", FE_ASSIGN_EQ, one, 2, L);
	fe_var_assign(f->st, "@{LEVEL}", FE_ASSIGN_EQ, lvl, 1, L);
	fe_var_assign(f->st, "@{HEX}", FE_ASSIGN_EQ, hex, 1, L);
	fe_var_assign(f->st, "@{WORD}", FE_ASSIGN_EQ, word, 1, L);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	cu_destroy(f->cu);
	free(f);
	return 0;
}

static struct fe_cond *leaf(struct fx *f, enum fe_cond_kind k, const char *n)
{
	return fe_cond_leaf(f->a, k, n, L);
}

static bool eval_ok(struct fx *f, const struct fe_cond *c)
{
	bool v = false;

	assert_int_equal(fe_cond_eval(f->st, fe_symtab_env(f->st), c, &v), 0);
	return v;
}

static void eval_err(struct fx *f, const struct fe_cond *c, const char *msg)
{
	bool v;

	assert_int_equal(fe_cond_eval(f->st, fe_symtab_env(f->st), c, &v),
			 -EINVAL);
	assert_string_equal(f->cu->diag.msgs[f->cu->diag.n - 1].text, msg);
}

static struct fe_cond *cmp(struct fx *f, enum fe_cond_cmp op, const char *a,
			   bool av, const char *b, bool bv)
{
	return fe_cond_compare(f->a, op, a, av, b, bv, L);
}

static void test_boolean_variable_value(void **state)
{
	struct fx *f = *state;

	assert_true(eval_ok(f, leaf(f, FE_COND_BOOLVAR, "$yes")));
	assert_false(eval_ok(f, leaf(f, FE_COND_BOOLVAR, "${no}")));
}

static void test_unset_boolean_is_error(void **state)
{
	struct fx *f = *state;

	eval_err(f, leaf(f, FE_COND_BOOLVAR, "$missing"),
		 "Unset boolean variable $missing used in if-expression");
}

static void test_defined_set_and_bool(void **state)
{
	struct fx *f = *state;

	assert_true(eval_ok(f, leaf(f, FE_COND_DEFINED_SET, "@{DATA}")));
	assert_false(eval_ok(f, leaf(f, FE_COND_DEFINED_SET, "@{NOPE}")));
	assert_true(eval_ok(f, leaf(f, FE_COND_DEFINED_BOOL, "$no")));
	assert_false(eval_ok(f, leaf(f, FE_COND_DEFINED_BOOL, "@{DATA}")));
	assert_false(eval_ok(f, leaf(f, FE_COND_DEFINED_SET, "$yes")));
}

static void test_not_and_or(void **state)
{
	struct fx *f = *state;
	struct fe_cond *y = leaf(f, FE_COND_BOOLVAR, "$yes");
	struct fe_cond *n = leaf(f, FE_COND_BOOLVAR, "$no");

	assert_false(eval_ok(f, fe_cond_op(f->a, FE_COND_NOT, y, NULL, L)));
	assert_false(eval_ok(f, fe_cond_op(f->a, FE_COND_AND, y, n, L)));
	assert_true(eval_ok(f, fe_cond_op(f->a, FE_COND_OR, n, y, L)));
}

static void test_no_short_circuit(void **state)
{
	struct fx *f = *state;
	struct fe_cond *d = leaf(f, FE_COND_DEFINED_BOOL, "$b");
	struct fe_cond *b = leaf(f, FE_COND_BOOLVAR, "$b");

	eval_err(f, fe_cond_op(f->a, FE_COND_AND, d, b, L),
		 "Unset boolean variable $b used in if-expression");
}

static void test_literal_words(void **state)
{
	struct fx *f = *state;

	assert_true(eval_ok(f, leaf(f, FE_COND_WORD, "TRUE")));
	assert_false(eval_ok(f, leaf(f, FE_COND_WORD, "false")));
	eval_err(f, leaf(f, FE_COND_WORD, "maybe"),
		 "Invalid boolean : 'maybe' is not true or false");
}

static void test_in_and_equality(void **state)
{
	struct fx *f = *state;

	assert_true(eval_ok(
		f, cmp(f, FE_CMP_IN, "/srv/demo/", false, "@{DATA}", true)));
	assert_false(eval_ok(
		f, cmp(f, FE_CMP_IN, "/srv/other/", false, "@{DATA}", true)));
	assert_true(eval_ok(
		f, cmp(f, FE_CMP_EQ, "@{DATA}", true, "@{DATA}", true)));
	assert_true(eval_ok(
		f, cmp(f, FE_CMP_NE, "@{DATA}", true, "/srv/demo/", false)));
}

static void test_numeric_comparison_base0(void **state)
{
	struct fx *f = *state;

	assert_true(
		eval_ok(f, cmp(f, FE_CMP_GE, "@{LEVEL}", true, "2", false)));
	assert_true(eval_ok(f, cmp(f, FE_CMP_GT, "@{HEX}", true, "15", false)));
	assert_false(eval_ok(f, cmp(f, FE_CMP_LT, "010", false, "8", false)));
}

static void test_lexicographic_comparison(void **state)
{
	struct fx *f = *state;

	assert_true(
		eval_ok(f, cmp(f, FE_CMP_LT, "@{WORD}", true, "abd", false)));
}

static void test_mixed_number_word_is_error(void **state)
{
	struct fx *f = *state;

	eval_err(f, cmp(f, FE_CMP_LT, "@{WORD}", true, "3", false),
		 "Can only compare numbers with numbers");
}

static void test_undeclared_operand_is_error(void **state)
{
	struct fx *f = *state;

	eval_err(f, cmp(f, FE_CMP_EQ, "@{NOPE}", true, "x", false),
		 "Error retrieving variable @{NOPE}");
}

static void test_out_of_range_number_is_error(void **state)
{
	struct fx *f = *state;

	eval_err(
		f,
		cmp(f, FE_CMP_LT, "99999999999999999999999", false, "1", false),
		"Value out of valid range");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(x) cmocka_unit_test_setup_teardown(x, setup, teardown)
		T(test_boolean_variable_value),
		T(test_unset_boolean_is_error),
		T(test_defined_set_and_bool),
		T(test_not_and_or),
		T(test_no_short_circuit),
		T(test_literal_words),
		T(test_in_and_equality),
		T(test_numeric_comparison_base0),
		T(test_lexicographic_comparison),
		T(test_mixed_number_word_is_error),
		T(test_undeclared_operand_is_error),
		T(test_out_of_range_number_is_error),
#undef T
	};

	return cmocka_run_group_tests_name("cond", tests, NULL, NULL);
}
