/* Unit tests for diagnostics formatting: upstream's wording, the gcc
 * form with source line and caret, --Werror promotion and the include
 * chain.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arena.h"
#include "cu.h"
#include "diag.h"

struct tctx {
	struct diag_config cfg;
	struct cu_opts opts;
	struct cu *cu;
};

static struct tctx t;

static int setup(void **state)
{
	memset(&t, 0, sizeof(t));
	t.cfg.warn_enabled = WARN_DEFAULT | WARN_DEPRECATED;
	t.opts.diag = &t.cfg;
	t.cu = cu_create(&t.opts, "prof");
	*state = &t;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cu_destroy(t.cu);
	return 0;
}

static const struct src_loc top = { UINT32_MAX, 0, 0 };

static void test_upstream_error_names_operand_file_and_line(void **state)
{
	uint32_t f;
	struct src_loc loc;

	(void)state;
	f = cu_add_file(t.cu, "prof", "profile p {\n  /x rz,\n}\n", 23, top);
	loc = (struct src_loc){ f, 2, 6 };
	diag_error(t.cu, loc, "syntax error, unexpected TOK_ID, expecting TOK_MODE");
	assert_string_equal(diag_format_msg(t.cu, &t.cu->diag.msgs[0]),
		"AppArmor parser error for prof in profile prof at line 2: syntax error, unexpected TOK_ID, expecting TOK_MODE\n");
}

static void test_gcc_format_quotes_line_with_caret(void **state)
{
	uint32_t f;

	(void)state;
	t.cfg.format = DIAG_FORMAT_GCC;
	f = cu_add_file(t.cu, "prof", "profile p {\n\t/x rz,\n}\n", 22, top);
	diag_error(t.cu, (struct src_loc){ f, 2, 5 }, "bad mode");
	assert_string_equal(diag_format_msg(t.cu, &t.cu->diag.msgs[0]),
			    "prof:2:5: error: bad mode\n\t/x rz,\n\t   ^\n");
}

static void test_gcc_format_column_zero_still_terminates_caret(void **state)
{
	uint32_t f;

	(void)state;
	t.cfg.format = DIAG_FORMAT_GCC;
	f = cu_add_file(t.cu, "prof", "abc\n", 4, top);
	/* leave garbage where the next allocations (and their padding) go */
	{
		struct arena_mark m = arena_mark(t.cu->arena);

		memset(arena_alloc(t.cu->arena, 4096), 0x41, 4096);
		arena_release(t.cu->arena, m);
	}
	diag_error(t.cu, (struct src_loc){ f, 1, 0 }, "whole line");
	assert_string_equal(diag_format_msg(t.cu, &t.cu->diag.msgs[0]),
			    "prof:1:0: error: whole line\nabc\n^\n");
}

static void test_werror_promotes_enabled_warning(void **state)
{
	uint32_t f;

	(void)state;
	t.cfg.werror = WARN_DEPRECATED;
	f = cu_add_file(t.cu, "prof", "x\n", 2, top);
	diag_warn(t.cu, WARN_DEPRECATED, (struct src_loc){ f, 1, 1 }, "old");
	assert_int_equal(diag_error_count(t.cu), 1);
	assert_string_equal(diag_format_msg(t.cu, &t.cu->diag.msgs[0]),
			    "Warning converted to Error from prof (prof line 1): old\n");
}

static void test_disabled_warning_is_dropped(void **state)
{
	(void)state;
	diag_warn(t.cu, WARN_DANGEROUS, (struct src_loc){ 0, 1, 1 }, "ux");
	assert_int_equal(t.cu->diag.n, 0);
}

static void test_gcc_format_names_include_chain(void **state)
{
	uint32_t f, g;

	(void)state;
	t.cfg.format = DIAG_FORMAT_GCC;
	f = cu_add_file(t.cu, "prof", "include <abs>\n", 14, top);
	g = cu_add_file(t.cu, "/etc/abs", "oops\n", 5,
			(struct src_loc){ f, 1, 1 });
	diag_error(t.cu, (struct src_loc){ g, 1, 1 }, "bad");
	assert_string_equal(diag_format_msg(t.cu, &t.cu->diag.msgs[0]),
			    "/etc/abs:1:1: error: bad\noops\n^\n"
			    "prof:1:1: note: included from here\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_upstream_error_names_operand_file_and_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gcc_format_quotes_line_with_caret, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gcc_format_column_zero_still_terminates_caret, setup, teardown),
		cmocka_unit_test_setup_teardown(test_werror_promotes_enabled_warning, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disabled_warning_is_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gcc_format_names_include_chain, setup, teardown),
	};

	return cmocka_run_group_tests_name("diag", tests, NULL, NULL);
}
