/* Unit tests for the grammar of file and link rules (language.md 3.2,
 * 3.3): both permission placements, the file keyword, exec targets,
 * safe/unsafe, bare 'file,', link rules and their syntax-level errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helper_fe.h"

static int setup(void **state)
{
	*state = fet_new(false);
	return 0;
}

static int teardown(void **state)
{
	fet_free(*state);
	return 0;
}

/* Parse one profile body and return its first rule. */
static struct ir_rule *one(struct fet *t, const char *body)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "profile p {\n  %s\n}\n", body);
	assert_int_equal(fet_parse(t, buf), 0);
	return fet_rule(fet_profile(t, 0), 0);
}

static void test_trailing_permissions(void **state)
{
	struct ir_rule *r = one(*state, "owner @{HOME}/.cfg/** rwk,");

	assert_int_equal(r->kind, IR_RULE_FILE);
	assert_string_equal(r->u.file.path.glob, "@{HOME}/.cfg/**");
	assert_string_equal(r->u.file.perms_text, "rwk");
	assert_false(r->u.file.leading);
	assert_int_equal(r->q.owner, IR_OWNER_OWNER);
}

static void test_leading_permissions(void **state)
{
	struct ir_rule *r = one(*state, "r /usr/share/demo/**,");

	assert_string_equal(r->u.file.path.glob, "/usr/share/demo/**");
	assert_string_equal(r->u.file.perms_text, "r");
	assert_true(r->u.file.leading);
}

static void test_file_keyword_and_exec_target(void **state)
{
	struct ir_rule *r =
		one(*state, "file /usr/bin/helper Px -> helper_profile,");

	assert_true(r->u.file.file_keyword);
	assert_string_equal(r->u.file.perms_text, "Px");
	assert_string_equal(r->u.file.target, "helper_profile");
}

static void test_quoted_path(void **state)
{
	struct ir_rule *r = one(*state, "\"/srv/my files/**\" r,");

	assert_string_equal(r->u.file.path.glob, "/srv/my files/**");
}

static void test_safe_unsafe_prefix(void **state)
{
	struct ir_rule *r = one(*state, "file unsafe Px /x,");

	assert_int_equal(r->u.file.exec_mod, IR_EXECMOD_UNSAFE);
	assert_true(r->u.file.leading);
	r = one(*state, "safe /y px,");
	assert_int_equal(r->u.file.exec_mod, IR_EXECMOD_SAFE);
}

static void test_bare_file_rule(void **state)
{
	struct ir_rule *r = one(*state, "deny file,");

	assert_true(r->u.file.bare);
	assert_int_equal(r->q.mode, IR_MODE_DENY);
}

static void test_stacked_and_namespaced_exec_targets(void **state)
{
	struct ir_rule *r =
		one(*state, "/usr/bin/lxc-start Px -> &lxc-default,");

	assert_string_equal(r->u.file.target, "&lxc-default");
	r = one(*state, "/bin/x px -> :ns:prof,");
	assert_string_equal(r->u.file.target, ":ns:prof");
}

static void test_link_rule(void **state)
{
	struct ir_rule *r =
		one(*state, "link subset /tmp/demo.* -> /var/lib/demo/**,");

	assert_int_equal(r->kind, IR_RULE_LINK);
	assert_true(r->u.link.subset);
	assert_string_equal(r->u.link.name.glob, "/tmp/demo.*");
	assert_string_equal(r->u.link.target.glob, "/var/lib/demo/**");
}

static void test_leading_link_with_target(void **state)
{
	struct ir_rule *r = one(*state, "l subset /new -> /target,");

	assert_true(r->u.file.subset);
	assert_string_equal(r->u.file.target, "/target");
}

static void test_subset_only_with_link(void **state)
{
	struct fet *t = *state;

	assert_int_not_equal(
		fet_parse(t, "profile p {\n  rl subset /a -> /b,\n}\n"), 0);
	assert_string_equal(fet_error(t),
			    "subset can only be used with link rules.");
}

static void test_link_and_exec_conflict(void **state)
{
	struct fet *t = *state;

	assert_int_not_equal(fet_parse(t, "profile p {\n  lpx /a -> /b,\n}\n"),
			     0);
	assert_string_equal(
		fet_error(t),
		"link and exec perms conflict on a file rule using ->");
}

static void test_path_must_be_word_not_keyword(void **state)
{
	struct fet *t = *state;

	assert_int_not_equal(fet_parse(t, "profile p {\n  /x A,\n}\n"), 0);
	assert_string_equal(
		fet_error(t),
		"syntax error, unexpected TOK_ID, expecting TOK_MODE");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_trailing_permissions,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_leading_permissions, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_file_keyword_and_exec_target, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quoted_path, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_safe_unsafe_prefix, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bare_file_rule, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_stacked_and_namespaced_exec_targets, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_link_rule, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_leading_link_with_target,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_subset_only_with_link,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_and_exec_conflict,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_path_must_be_word_not_keyword, setup, teardown),
	};

	return cmocka_run_group_tests_name("rules_file", tests, NULL, NULL);
}
