/* Unit tests for include resolution (parser/include.c): the search path,
 * quoted includes relative to the working directory, 'if exists',
 * directory includes with their skip rules and order, include-once per
 * scope, cycles, the file named by errors in included text, and -p.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "fe.h"
#include "helper_fe.h"
#include "../../parser/fe_int.h"

struct ctx {
	struct fet *t;
	char dir[64];
	char cwd[4096];
};

static void put(struct ctx *c, const char *rel, const char *text)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", c->dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void mkd(struct ctx *c, const char *rel)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s", c->dir, rel);
	assert_int_equal(mkdir(path, 0700), 0);
}

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	strcpy(c->dir, "/tmp/fe-inc-XXXXXX");
	if (!c || !mkdtemp(c->dir) || !getcwd(c->cwd, sizeof(c->cwd)))
		return -1;
	c->t = fet_new(false);
	fet_add_dir(c->t, c->dir);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;
	char cmd[128];

	if (chdir(c->cwd))
		return -1;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", c->dir);
	if (system(cmd))
		return -1;
	fet_free(c->t);
	free(c);
	return 0;
}

static const char *rule_path(struct fet *t, size_t prof, size_t i)
{
	struct ir_rule *r = fet_rule(fet_profile(t, prof), i);

	return r ? r->u.file.path.glob : "(none)";
}

static void test_search_path_include(void **state)
{
	struct ctx *c = *state;

	mkd(c, "abs");
	put(c, "abs/one", "/one r,\n");
	put(c, "abs/two", "/two r,\n");
	assert_int_equal(
		fet_parse(
			c->t,
			"profile p {\n  include <abs/one>\n  #include <abs/two>\n}\n"),
		0);
	assert_int_equal(fet_nrules(fet_profile(c->t, 0)), 2);
	assert_string_equal(rule_path(c->t, 0, 0), "/one");
	assert_string_equal(rule_path(c->t, 0, 1), "/two");
}

static void test_search_path_named_twice_keeps_order(void **state)
{
	struct ctx *c = *state;
	struct fet *t = fet_new(false);
	char a[128], b[128];

	snprintf(a, sizeof(a), "%s/a", c->dir);
	snprintf(b, sizeof(b), "%s/b", c->dir);
	mkd(c, "a");
	mkd(c, "b");
	put(c, "a/both", "/a-both r,\n");
	put(c, "b/both", "/b-both r,\n");
	put(c, "b/only", "/b-only r,\n");
	fet_add_dir(t, a);
	fet_add_dir(t, a);
	fet_add_dir(t, b);
	fet_add_dir(t, a);
	assert_int_equal(fet_parse(t, "profile p {\n  include <both>\n"
				      "  include <only>\n"
				      "  include if exists <none>\n}\n"),
			 0);
	assert_int_equal(fet_nrules(fet_profile(t, 0)), 2);
	assert_string_equal(rule_path(t, 0, 0), "/a-both");
	assert_string_equal(rule_path(t, 0, 1), "/b-only");
	fet_free(t);
}

static void test_quoted_include_is_relative_to_cwd(void **state)
{
	struct ctx *c = *state;

	put(c, "rel", "/rel r,\n");
	assert_int_equal(chdir(c->dir), 0);
	assert_int_equal(fet_parse(c->t, "profile p {\n  include \"rel\"\n}\n"),
			 0);
	assert_string_equal(rule_path(c->t, 0, 0), "/rel");
}

static void test_missing_include_error_and_if_exists(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(
		fet_parse(
			c->t,
			"profile p {\n  include if exists <nope>\n  /x r,\n}\n"),
		0);
	fet_free(c->t);
	c->t = fet_new(false);
	fet_add_dir(c->t, c->dir);
	assert_int_not_equal(
		fet_parse(c->t, "#\n#\nprofile p {\n  include <nope>\n}\n"), 0);
	assert_string_equal(fet_error(c->t), "Could not open 'nope'");
	assert_int_equal(fet_error_loc(c->t).line, 4);
}

static void test_directory_include_skips_and_sorts(void **state)
{
	struct ctx *c = *state;
	struct ir_profile *p;

	mkd(c, "d");
	mkd(c, "d/sub");
	put(c, "d/20-b", "/b r,\n");
	put(c, "d/10-a", "/a r,\n");
	put(c, "d/.hidden", "/hidden r,\n");
	put(c, "d/README", "/readme r,\n");
	put(c, "d/x.dpkg-old", "/dpkg r,\n");
	put(c, "d/y.rpmnew", "/rpm r,\n");
	put(c, "d/z~", "/tilde r,\n");
	put(c, "d/sub/c", "/sub r,\n");
	assert_int_equal(fet_parse(c->t, "profile p {\n  include <d>\n}\n"), 0);
	p = fet_profile(c->t, 0);
	assert_int_equal(fet_nrules(p), 2);
	assert_string_equal(rule_path(c->t, 0, 0), "/a");
	assert_string_equal(rule_path(c->t, 0, 1), "/b");
	{
		char msg[4300];

		snprintf(msg, sizeof(msg), "Ignoring: '%s/d/y.rpmnew'", c->dir);
		assert_true(fet_has_msg(c->t, msg));
		snprintf(msg, sizeof(msg), "Ignoring: '%s/d/z~'", c->dir);
		assert_true(fet_has_msg(c->t, msg));
	}
}

static void test_skip_name_rules(void **state)
{
	bool noisy;

	(void)state;
	assert_true(fe_include_skip_name(".x", &noisy));
	assert_false(noisy);
	assert_true(fe_include_skip_name("README", &noisy));
	assert_true(fe_include_skip_name("a.pacnew", &noisy));
	assert_false(noisy);
	assert_true(fe_include_skip_name("a.orig", &noisy));
	assert_true(noisy);
	assert_true(fe_include_skip_name("a.rej", &noisy));
	assert_true(noisy);
	assert_false(fe_include_skip_name("README.md", &noisy));
	assert_false(fe_include_skip_name("usr.bin.x", &noisy));
}

static void test_include_cycle_terminates(void **state)
{
	struct ctx *c = *state;

	put(c, "ca", "/ca r,\ninclude <cb>\n");
	put(c, "cb", "/cb r,\ninclude <ca>\n");
	assert_int_equal(fet_parse(c->t, "profile p {\n  include <ca>\n}\n"),
			 0);
	assert_int_equal(fet_nrules(fet_profile(c->t, 0)), 2);
}

static void test_include_once_per_profile_scope(void **state)
{
	struct ctx *c = *state;

	put(c, "abst", "/abst r,\n");
	assert_int_equal(
		fet_parse(
			c->t,
			"profile p {\n  include <abst>\n  include <abst>\n}\n"
			"profile q {\n  include <abst>\n  ^h {\n    include <abst>\n"
			"  }\n}\n"),
		0);
	assert_int_equal(fet_nrules(fet_profile(c->t, 0)), 1);
	assert_int_equal(fet_nrules(fet_profile(c->t, 1)), 1);
	assert_int_equal(fet_nrules(fet_profile(c->t, 1)->children), 1);
}

static void test_error_names_included_file_and_line(void **state)
{
	struct ctx *c = *state;
	struct src_loc loc;
	const char *path;

	put(c, "busted", "/ok r,\n\n/bad xyz,\n");
	assert_int_not_equal(
		fet_parse(c->t, "profile p {\n  include <busted>\n}\n"), 0);
	loc = fet_error_loc(c->t);
	path = c->t->cu->files[loc.file].path;
	assert_int_equal(loc.line, 3);
	assert_true(strlen(path) > 7);
	assert_string_equal(path + strlen(path) - 7, "/busted");
	assert_int_equal(c->t->cu->files[loc.file].from.line, 2);
}

static void test_directory_deferred_addition(void **state)
{
	struct ctx *c = *state;

	mkd(c, "t.d");
	put(c, "t.d/10-add", "@{HD} += /srv/\n");
	put(c, "t.d/20-decl", "@{HD} = /home/\n");
	assert_int_equal(
		fet_parse(c->t,
			  "include <t.d>\nprofile p {\n  @{HD}** r,\n}\n"),
		0);
	fet_free(c->t);
	c->t = fet_new(false);
	fet_add_dir(c->t, c->dir);
	put(c, "t.d/30-bad", "@{NOPE} += /x/\n");
	assert_int_not_equal(fet_parse(c->t, "include <t.d>\n"), 0);
	assert_int_equal(fet_error_loc(c->t).line, 1);
}

static void test_directory_with_binary_file_stops_at_it(void **state)
{
	struct ctx *c = *state;
	char path[4200];
	FILE *f;

	mkd(c, "bin");
	snprintf(path, sizeof(path), "%s/bin/a-binary", c->dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("ELF\n\n", f);
	fputc('\0', f);
	fclose(f);
	put(c, "bin/b-text", "/b r,\n");
	assert_int_not_equal(
		fet_parse(c->t, "profile p {\n  include <bin>\n}\n"), 0);
	assert_string_equal(
		fet_error(c->t),
		"Lexer found unexpected character: '' (0x0) in state: INITIAL");
	assert_int_equal(fet_error_loc(c->t).line, 3);
	/* the top file, the directory itself, the binary file */
	assert_int_equal(c->t->cu->nfiles, 3);
}

/* The cache needs every input's mtime, and a file added to an included
 * directory changes only the directory's (cli.md 6.3). */
static void test_directory_include_records_the_directory(void **state)
{
	struct ctx *c = *state;
	char want[4200];
	bool found = false;

	mkd(c, "dd");
	put(c, "dd/a", "/a r,\n");
	assert_int_equal(fet_parse(c->t, "profile p {\n  include <dd>\n}\n"),
			 0);
	snprintf(want, sizeof(want), "%s/dd", c->dir);
	for (size_t i = 0; i < c->t->cu->nfiles; i++)
		if (!strcmp(c->t->cu->files[i].path, want)) {
			assert_int_equal(c->t->cu->files[i].len, 0);
			found = true;
		}
	assert_true(found);
}

static void test_preprocess_expands_in_place(void **state)
{
	struct ctx *c = *state;
	static const char text[] =
		"@{V} = /v\nprofile p {\n  include <pp1>\n  /z r,\n}\n";
	char *buf = NULL, *dump1 = NULL, *dump2 = NULL;
	size_t len = 0, l1 = 0, l2 = 0;
	FILE *out = open_memstream(&buf, &len);
	FILE *d1 = open_memstream(&dump1, &l1);
	FILE *d2 = open_memstream(&dump2, &l2);
	struct fet *t2 = fet_new(false);

	put(c, "pp1", "/pp1 r,\n@{V}/x w,\n");
	assert_int_equal(fe_preprocess(c->t->cu, NULL, text, strlen(text), out),
			 0);
	fclose(out);
	assert_non_null(strstr(buf, "##included <pp1>"));
	assert_non_null(strstr(buf, "/pp1 r,"));
	assert_null(strstr(buf, "include <pp1>\n  /z"));
	assert_true(strncmp(buf, "@{V} = /v\n\nprofile p {", 22) == 0);
	assert_int_equal(fet_parse(t2, buf), 0);
	ir_dump(t2->pol, d2);
	fet_free(c->t);
	c->t = fet_new(false);
	fet_add_dir(c->t, c->dir);
	assert_int_equal(fet_parse(c->t, text), 0);
	ir_dump(c->t->pol, d1);
	fclose(d1);
	fclose(d2);
	assert_string_equal(dump1, dump2);
	free(buf);
	free(dump1);
	free(dump2);
	fet_free(t2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_search_path_include, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_search_path_named_twice_keeps_order, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_quoted_include_is_relative_to_cwd, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_missing_include_error_and_if_exists, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_directory_include_skips_and_sorts, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_skip_name_rules, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_include_cycle_terminates,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_include_once_per_profile_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_error_names_included_file_and_line, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_directory_deferred_addition, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_directory_with_binary_file_stops_at_it, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_directory_include_records_the_directory, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_preprocess_expands_in_place, setup, teardown),
	};

	return cmocka_run_group_tests_name("includes", tests, NULL, NULL);
}
