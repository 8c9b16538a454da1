/* Unit tests of apparmor_parser's option handling, config file reading,
 * directory skip rules and -N ordering. The cli/ sources are not in a
 * library, so this file compiles them in directly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../cli/opts.c"
#include "../../cli/names.c"

#include "ir.h"

struct fixture {
	struct arena *a;
	struct cli c;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->a = arena_create();
	cli_init(&f->c, "apparmor_parser", f->a);
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

/* Runs cli_parse_args on a NULL-terminated list; argv[0] is added. */
static int parse(struct cli *c, int *first, ...)
{
	static char *argv[32];
	va_list ap;
	int argc = 0;
	char *s;

	argv[argc++] = (char *)"apparmor_parser";
	va_start(ap, first);
	while ((s = va_arg(ap, char *)) != NULL && argc < 31)
		argv[argc++] = s;
	va_end(ap);
	argv[argc] = NULL;
	return cli_parse_args(c, argc, argv, first);
}

static void test_grouped_short_options_set_each_flag(void **state)
{
	struct fixture *f = *state;
	int first;

	assert_int_equal(parse(&f->c, &first, "-QKq", "-N", NULL), 0);
	assert_true(f->c.skip_kernel_load);
	assert_true(f->c.skip_cache);
	assert_true(f->c.quiet);
	assert_true(f->c.diag.quiet);
	assert_int_equal(f->c.actions, CLI_ACT_NAMES);
}

static void test_options_after_operands_are_parsed(void **state)
{
	struct fixture *f = *state;
	char a0[] = "apparmor_parser", a1[] = "file1", a2[] = "-N",
	     a3[] = "file2";
	char *argv[] = {a0, a1, a2, a3, NULL};
	int first = 0;

	assert_int_equal(cli_parse_args(&f->c, 4, argv, &first), 0);
	assert_int_equal(f->c.actions, CLI_ACT_NAMES);
	assert_int_equal(first, 2);
	assert_string_equal(argv[2], "file1");
	assert_string_equal(argv[3], "file2");
}

static void test_double_dash_ends_options(void **state)
{
	struct fixture *f = *state;
	char a0[] = "apparmor_parser", a1[] = "-N", a2[] = "--", a3[] = "-r";
	char *argv[] = {a0, a1, a2, a3, NULL};
	int first = 0;

	assert_int_equal(cli_parse_args(&f->c, 4, argv, &first), 0);
	assert_int_equal(f->c.actions, CLI_ACT_NAMES);
	assert_int_equal(first, 3);
	assert_string_equal(argv[3], "-r");
}

static void test_unambiguous_long_prefix_is_accepted(void **state)
{
	struct fixture *f = *state;
	int first;

	assert_int_equal(parse(&f->c, &first, "--print-config", NULL), 0);
	assert_true(f->c.print_config_file);
	assert_int_equal(parse(&f->c, &first, "--skip-k", NULL), 0);
	assert_true(f->c.skip_kernel_load);
}

static void test_ambiguous_long_prefix_is_an_error(void **state)
{
	struct fixture *f = *state;
	int first;

	assert_int_equal(parse(&f->c, &first, "--name", "x", NULL), 1);
}

static void test_second_action_is_refused(void **state)
{
	struct fixture *f = *state;
	int first;

	assert_int_equal(parse(&f->c, &first, "-N", "-p", NULL), 1);
}

static void test_same_action_twice_is_one_action(void **state)
{
	struct fixture *f = *state;
	int first;

	assert_int_equal(parse(&f->c, &first, "-r", "--replace", NULL), 0);
	assert_int_equal(f->c.actions, CLI_ACT_REPLACE);
}

static void test_optional_value_only_when_attached(void **state)
{
	struct fixture *f = *state;
	char a0[] = "apparmor_parser", a1[] = "-d", a2[] = "jobs";
	char *argv[] = {a0, a1, a2, NULL};
	int first = 0;

	assert_int_equal(cli_parse_args(&f->c, 3, argv, &first), 0);
	assert_true(f->c.debug);
	assert_false(f->c.debug_jobs);
	assert_int_equal(first, 2);
	assert_int_equal(parse(&f->c, &first, "-djobs", NULL), 0);
	assert_true(f->c.debug_jobs);
}

static void test_attached_short_values(void **state)
{
	struct fixture *f = *state;
	int first;

	assert_int_equal(
		parse(&f->c, &first, "-I/etc/apparmor.d/", "-j8", NULL), 0);
	assert_int_equal(f->c.nincludes, 1);
	assert_string_equal(f->c.includes[0], "/etc/apparmor.d");
	assert_int_equal(f->c.jobs, 8);
}

static void test_jobs_values(void **state)
{
	struct fixture *f = *state;
	int first;

	assert_int_equal(parse(&f->c, &first, "-jauto", NULL), 0);
	assert_int_equal(f->c.jobs, -1);
	assert_int_equal(parse(&f->c, &first, "-jmax", NULL), 0);
	assert_int_equal(f->c.jobs, -2);
	assert_int_equal(parse(&f->c, &first, "-jx4", NULL), 0);
	assert_int_equal(f->c.jobs_mul, 4);
	assert_int_equal(parse(&f->c, &first, "-j0", NULL), 0);
	assert_int_equal(f->c.jobs, 0);
	assert_int_equal(parse(&f->c, &first, "-jfoo", NULL), 1);
	assert_int_equal(parse(&f->c, &first, "-j-3", NULL), 1);
	assert_int_equal(parse(&f->c, &first, "--max-jobs=x", NULL), 1);
}

static void test_warn_classes_toggle_and_reject_unknown(void **state)
{
	struct fixture *f = *state;
	int first;

	assert_false(f->c.diag.warn_enabled & WARN_DEPRECATED);
	assert_int_equal(parse(&f->c, &first, "--warn=deprecated",
			       "--warn=no-config", NULL),
			 0);
	assert_true(f->c.diag.warn_enabled & WARN_DEPRECATED);
	assert_false(f->c.diag.warn_enabled & WARN_CONFIG);
	assert_int_equal(parse(&f->c, &first, "--warn=all", NULL), 0);
	assert_int_equal(f->c.diag.warn_enabled, WARN_ALL);
	assert_int_equal(parse(&f->c, &first, "--warn=bogus", NULL), 1);
}

static void test_werror_without_value_promotes_all(void **state)
{
	struct fixture *f = *state;
	int first;

	assert_int_equal(parse(&f->c, &first, "--Werror=deprecated", NULL), 0);
	assert_int_equal(f->c.diag.werror, WARN_DEPRECATED);
	assert_int_equal(parse(&f->c, &first, "--Werror", NULL), 0);
	assert_int_equal(f->c.diag.werror, WARN_ALL);
	assert_int_equal(parse(&f->c, &first, "--Werror=nope", NULL), 1);
}

static void test_optimize_and_dump_names(void **state)
{
	struct fixture *f = *state;
	int first;

	assert_int_equal(
		parse(&f->c, &first, "-O", "no-expr-simplify", "-Oequiv", NULL),
		0);
	assert_false(f->c.optimize & CLI_O_EXPR_SIMPLIFY);
	assert_true(f->c.optimize & CLI_O_EQUIV);
	assert_int_equal(parse(&f->c, &first, "-Obogus", NULL), 1);
	assert_int_equal(parse(&f->c, &first, "-Ddfa-states", NULL), 0);
	assert_true(f->c.skip_read_cache);
	assert_int_equal(parse(&f->c, &first, "-Dbogus", NULL), 1);
}

static void test_cache_loc_splits_on_unescaped_commas(void **state)
{
	struct fixture *f = *state;
	int first;

	assert_int_equal(parse(&f->c, &first, "-L", "/a,/b\\,c,/d", NULL), 0);
	assert_int_equal(f->c.ncache_locs, 3);
	assert_string_equal(f->c.cache_locs[0], "/a");
	assert_string_equal(f->c.cache_locs[1], "/b,c");
	assert_string_equal(f->c.cache_locs[2], "/d");
	assert_int_equal(parse(&f->c, &first, "-L", "1,2,3,4,5", NULL), 1);
}

static void test_bad_base_dir_keeps_default(void **state)
{
	struct fixture *f = *state;
	int first;

	assert_int_equal(parse(&f->c, &first, "-b", "/nonexistent/dir", NULL),
			 0);
	assert_string_equal(f->c.base_dir, CLI_DEFAULT_BASE);
	assert_int_equal(parse(&f->c, &first, "--base=/tmp/", NULL), 0);
	assert_string_equal(f->c.base_dir, "/tmp");
}

static void test_base_dir_is_last_in_search_path(void **state)
{
	struct fixture *f = *state;
	int first;

	assert_int_equal(cli_config_text(&f->c, "Include /conf\n"), 0);
	assert_int_equal(parse(&f->c, &first, "-I", "/one", "-I/two", NULL), 0);
	cli_finish_includes(&f->c);
	assert_int_equal(f->c.nincludes, 4);
	assert_string_equal(f->c.includes[0], "/conf");
	assert_string_equal(f->c.includes[1], "/one");
	assert_string_equal(f->c.includes[2], "/two");
	assert_string_equal(f->c.includes[3], CLI_DEFAULT_BASE);
}

static void test_early_pass_takes_only_config_and_warnings(void **state)
{
	struct fixture *f = *state;
	char a0[] = "apparmor_parser", a1[] = "-N", a2[] = "--config=/x",
	     a3[] = "--warn=deprecated", a4[] = "--bogus", a5[] = "-q";
	char *argv[] = {a0, a1, a2, a3, a4, a5, NULL};

	assert_int_equal(cli_early_pass(&f->c, 6, argv), 0);
	assert_string_equal(f->c.config_file, "/x");
	assert_true(f->c.diag.warn_enabled & WARN_DEPRECATED);
	assert_int_equal(f->c.actions, 0);
	assert_false(f->c.quiet);
}

static void test_config_text_lines(void **state)
{
	struct fixture *f = *state;
	const char *text = "# comment\n"
			   "  \n"
			   "  quiet\n"
			   "Optimize=no-minimize\n"
			   "Include\t/with space/dir\n"
			   "write-cache\n"
			   "config-file /ignored\n";

	assert_int_equal(cli_config_text(&f->c, text), 0);
	assert_true(f->c.quiet);
	assert_false(f->c.optimize & CLI_O_MINIMIZE);
	assert_int_equal(f->c.nincludes, 1);
	assert_string_equal(f->c.includes[0], "/with space/dir");
	assert_true(f->c.write_cache);
	assert_string_equal(f->c.config_file, CLI_DEFAULT_CONFIG);
}

static void test_config_names_are_case_sensitive_and_exact(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(cli_config_text(&f->c, "Quiet\nqui\n"), 0);
	assert_false(f->c.quiet);
}

static void test_config_bad_value_fails(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(cli_config_text(&f->c, "warn=nothing\n"), 1);
}

static void test_directory_entry_skip_rules(void **state)
{
	(void)state;
	assert_int_equal(cli_classify_entry("usr.bin.foo"), CLI_ENTRY_USE);
	assert_int_equal(cli_classify_entry(".hidden"), CLI_ENTRY_SKIP);
	assert_int_equal(cli_classify_entry("README"), CLI_ENTRY_SKIP);
	assert_int_equal(cli_classify_entry("README.md"), CLI_ENTRY_USE);
	assert_int_equal(cli_classify_entry("a.dpkg-new"), CLI_ENTRY_SKIP);
	assert_int_equal(cli_classify_entry("a.dpkg-remove"), CLI_ENTRY_SKIP);
	assert_int_equal(cli_classify_entry("a.pacnew"), CLI_ENTRY_SKIP);
	assert_int_equal(cli_classify_entry("a.rpmsave"), CLI_ENTRY_IGNORE);
	assert_int_equal(cli_classify_entry("a.orig"), CLI_ENTRY_IGNORE);
	assert_int_equal(cli_classify_entry("a.rej"), CLI_ENTRY_IGNORE);
	assert_int_equal(cli_classify_entry("a~"), CLI_ENTRY_IGNORE);
	assert_int_equal(cli_classify_entry("a.new-1.2_3"), CLI_ENTRY_USE);
}

static struct ir_profile *prof(struct arena *a, const char *ns,
			       const char *name, struct ir_profile *parent)
{
	struct ir_profile *p = arena_alloc(a, sizeof(*p));

	p->ns = ns;
	p->name = name;
	p->parent = parent;
	if (parent) {
		if (parent->children_tail)
			parent->children_tail->next = p;
		else
			parent->children = p;
		parent->children_tail = p;
	}
	return p;
}

static void add_top(struct ir_policy *pol, struct ir_profile *p)
{
	if (pol->profiles_tail)
		pol->profiles_tail->next = p;
	else
		pol->profiles = p;
	pol->profiles_tail = p;
}

static char *names_of(struct arena *a, const struct ir_policy *pol,
		      const char *ns)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	cli_print_names(a, pol, ns, out);
	fclose(out);
	return buf;
}

static void test_names_order_plain_then_namespaced_children_sorted(void **state)
{
	struct fixture *f = *state;
	struct ir_policy pol = {0};
	struct ir_profile *zeta, *abc, *c1;
	char *s;

	zeta = prof(f->a, NULL, "zeta", NULL);
	add_top(&pol, zeta);
	prof(f->a, NULL, "zz", zeta);
	prof(f->a, NULL, "aa", zeta);
	add_top(&pol, prof(f->a, NULL, "alpha", NULL));
	add_top(&pol, prof(f->a, "ns2", "beta", NULL));
	add_top(&pol, prof(f->a, "ans", "gamma", NULL));
	abc = prof(f->a, "ns2", "abc", NULL);
	add_top(&pol, abc);
	c1 = prof(f->a, NULL, "c1", abc);
	prof(f->a, NULL, "c2", c1);
	add_top(&pol, prof(f->a, NULL, "/usr/bin/foo", NULL));
	s = names_of(f->a, &pol, NULL);
	assert_string_equal(s, "/usr/bin/foo\nalpha\nzeta\nzeta//aa\n"
			       "zeta//zz\n:ans://gamma\n:ns2://abc\n"
			       ":ns2://abc//c1\n:ns2://abc//c1//c2\n"
			       ":ns2://beta\n");
	free(s);
	s = names_of(f->a, &pol, "foo");
	assert_string_equal(s, ":foo:///usr/bin/foo\n:foo://abc\n"
			       ":foo://abc//c1\n:foo://abc//c1//c2\n"
			       ":foo://alpha\n:foo://beta\n:foo://gamma\n"
			       ":foo://zeta\n:foo://zeta//aa\n"
			       ":foo://zeta//zz\n");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_grouped_short_options_set_each_flag),
		T(test_options_after_operands_are_parsed),
		T(test_double_dash_ends_options),
		T(test_unambiguous_long_prefix_is_accepted),
		T(test_ambiguous_long_prefix_is_an_error),
		T(test_second_action_is_refused),
		T(test_same_action_twice_is_one_action),
		T(test_optional_value_only_when_attached),
		T(test_attached_short_values),
		T(test_jobs_values),
		T(test_warn_classes_toggle_and_reject_unknown),
		T(test_werror_without_value_promotes_all),
		T(test_optimize_and_dump_names),
		T(test_cache_loc_splits_on_unescaped_commas),
		T(test_bad_base_dir_keeps_default),
		T(test_base_dir_is_last_in_search_path),
		T(test_early_pass_takes_only_config_and_warnings),
		T(test_config_text_lines),
		T(test_config_names_are_case_sensitive_and_exact),
		T(test_config_bad_value_fails),
		T(test_directory_entry_skip_rules),
		T(test_names_order_plain_then_namespaced_children_sorted),
#undef T
	};

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
