/* Unit tests for the grammar (parser/grammar.y, parser/build.c): profile
 * headers, children and hats, qualifiers and blocks, conditionals,
 * assignments, and the exact text and place of syntax errors.
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

static void test_profile_header_parts(void **state)
{
	struct fet *t = *state;
	struct ir_profile *p;

	assert_int_equal(
		fet_parse(
			t,
			"profile demo /usr/bin/demo xattrs=(user.x=y security.z) "
			"flags=(complain, attach_disconnected.path=/run/) {\n}\n"),
		0);
	p = fet_profile(t, 0);
	assert_non_null(p);
	assert_string_equal(p->name, "demo");
	assert_string_equal(p->attach, "/usr/bin/demo");
	assert_true(p->keyword);
	assert_string_equal(p->xattrs->name, "user.x");
	assert_string_equal(p->xattrs->value, "y");
	assert_null(p->xattrs->next->value);
	assert_string_equal(p->flags->name, "complain");
	assert_string_equal(p->flags->next->name, "attach_disconnected.path");
	assert_string_equal(p->flags->next->value, "/run/");
}

static void test_bare_flags_and_path_name(void **state)
{
	struct fet *t = *state;
	struct ir_profile *p;

	assert_int_equal(fet_parse(t, "/usr/bin/foo (audit) {\n}\n"), 0);
	p = fet_profile(t, 0);
	assert_string_equal(p->name, "/usr/bin/foo");
	assert_false(p->keyword);
	assert_string_equal(p->flags->name, "audit");
	assert_true(fet_has_msg(
		t,
		"The use of file paths as profile names is deprecated. See man apparmor.d for more information"));
}

static void test_namespace_names(void **state)
{
	struct fet *t = *state;

	assert_int_equal(fet_parse(t, ":ns1:a {\n}\n:ns2://b {\n}\n"), 0);
	assert_string_equal(fet_profile(t, 0)->ns, "ns1");
	assert_string_equal(fet_profile(t, 0)->name, "a");
	assert_string_equal(fet_profile(t, 1)->ns, "ns2");
	assert_string_equal(fet_profile(t, 1)->name, "b");
}

static void test_name_without_keyword_rejected(void **state)
{
	struct fet *t = *state;

	assert_int_not_equal(fet_parse(t, "foo {\n}\n"), 0);
	assert_string_equal(
		fet_error(t),
		"Profile names must begin with a '/', namespace or keyword 'profile' or 'hat'.");
}

static void test_children_and_hats(void **state)
{
	struct fet *t = *state;
	struct ir_profile *p, *c;

	assert_int_equal(
		fet_parse(t,
			  "profile top {\n  /a r,\n  ^hat1 {\n    /b r,\n  }\n"
			  "  hat hat2 {\n  }\n  profile child /usr/bin/c {\n"
			  "    ^inner {\n    }\n  }\n}\n"),
		0);
	p = fet_profile(t, 0);
	assert_int_equal(fet_nrules(p), 1);
	c = p->children;
	assert_string_equal(c->name, "hat1");
	assert_true(c->is_hat);
	assert_ptr_equal(c->parent, p);
	assert_int_equal(fet_nrules(c), 1);
	assert_string_equal(c->next->name, "hat2");
	assert_true(c->next->is_hat);
	c = c->next->next;
	assert_string_equal(c->name, "child");
	assert_false(c->is_hat);
	assert_string_equal(c->attach, "/usr/bin/c");
	assert_string_equal(c->children->name, "inner");
	assert_ptr_equal(c->children->parent, c);
}

static void test_qualifiers_on_rule(void **state)
{
	struct fet *t = *state;
	struct ir_rule *r;

	assert_int_equal(
		fet_parse(t,
			  "profile p {\n  priority=3 audit deny owner /x w,\n"
			  "  allow other /y r,\n}\n"),
		0);
	r = fet_rule(fet_profile(t, 0), 0);
	assert_true(r->q.has_priority);
	assert_int_equal(r->q.priority, 3);
	assert_true(r->q.audit);
	assert_int_equal(r->q.mode, IR_MODE_DENY);
	assert_int_equal(r->q.owner, IR_OWNER_OWNER);
	assert_int_equal(r->loc.line, 2);
	assert_int_equal(r->loc.col, 3);
	r = r->next;
	assert_true(r->q.explicit_allow);
	assert_int_equal(r->q.owner, IR_OWNER_OTHER);
}

static void test_qualifier_order_is_fixed(void **state)
{
	struct fet *t = *state;

	assert_int_not_equal(
		fet_parse(t, "profile p {\n  deny audit /x r,\n}\n"), 0);
	assert_string_equal(
		fet_error(t),
		"syntax error, unexpected TOK_AUDIT, expecting TOK_ID or TOK_MODE or TOK_SET_VAR");
}

static void test_qualifier_block_applies_to_every_rule(void **state)
{
	struct fet *t = *state;
	struct ir_profile *p;

	assert_int_equal(
		fet_parse(
			t,
			"profile p {\n  audit deny {\n    /x w,\n    capability chown,\n"
			"    owner { /y r, }\n  }\n}\n"),
		0);
	p = fet_profile(t, 0);
	assert_int_equal(fet_nrules(p), 3);
	for (struct ir_rule *r = p->rules; r; r = r->next) {
		assert_true(r->in_block);
		assert_true(r->q.audit);
		assert_int_equal(r->q.mode, IR_MODE_DENY);
	}
	assert_int_equal(fet_rule(p, 2)->q.owner, IR_OWNER_OWNER);
}

static void test_block_conflicting_mode(void **state)
{
	struct fet *t = *state;

	assert_int_not_equal(
		fet_parse(t,
			  "profile p {\n  deny {\n    allow /x r,\n  }\n}\n"),
		0);
	assert_string_equal(fet_error(t), "conflicting mode prefix");
}

static void test_block_rejects_priority_and_profiles(void **state)
{
	struct fet *t = *state;

	assert_int_not_equal(
		fet_parse(t, "profile p {\n  priority=1 { /x r, }\n}\n"), 0);
	assert_string_equal(fet_error(t),
			    "priority is not allowed on rule blocks");
	fet_free(t);
	*state = t = fet_new(false);
	assert_int_not_equal(
		fet_parse(t, "profile p {\n  audit {\n    ^h { }\n  }\n}\n"),
		0);
	assert_string_equal(
		fet_error(t),
		"profiles cannot be declared inside a qualifier block");
}

static void test_if_else_keeps_taken_branch(void **state)
{
	struct fet *t = *state;
	struct ir_profile *p;

	assert_int_equal(
		fet_parse(
			t,
			"$on = true\n@{V} = a\nprofile p {\n"
			"  if $on {\n    /on r,\n  } else {\n    /off r,\n  }\n"
			"  if not defined @{V} {\n    /a r,\n  } else if $on {\n"
			"    /b r,\n    ^h { }\n  } else {\n    /c r,\n  }\n}\n"),
		0);
	p = fet_profile(t, 0);
	assert_int_equal(fet_nrules(p), 2);
	assert_string_equal(fet_rule(p, 0)->u.file.path.glob, "/on");
	assert_string_equal(fet_rule(p, 1)->u.file.path.glob, "/b");
	assert_string_equal(p->children->name, "h");
}

static void test_if_comparisons(void **state)
{
	struct fet *t = *state;
	struct ir_profile *p;

	assert_int_equal(fet_parse(t,
				   "@{N} = 3\n@{S} = /a /b\nprofile p {\n"
				   "  if @{N} >= 2 and /a in @{S} { /yes r, }\n"
				   "  if (@{N} < 2) or false { /no r, }\n}\n"),
			 0);
	p = fet_profile(t, 0);
	assert_int_equal(fet_nrules(p), 1);
	assert_string_equal(fet_rule(p, 0)->u.file.path.glob, "/yes");
}

static void test_if_at_top_level_is_a_syntax_error(void **state)
{
	struct fet *t = *state;

	assert_int_not_equal(fet_parse(t, "if $x {\n}\n"), 0);
	assert_string_equal(
		fet_error(t),
		"syntax error, unexpected TOK_IF, expecting end of file");
}

static void test_syntax_error_text_expecting_mode(void **state)
{
	struct fet *t = *state;

	assert_int_not_equal(
		fet_parse(
			t,
			"#\n/does/not/exist {\n  /lib/lib*.so rm,\n  /fail abcdefgh,\n}\n"),
		0);
	assert_string_equal(
		fet_error(t),
		"syntax error, unexpected TOK_ID, expecting TOK_MODE");
	assert_int_equal(fet_error_loc(t).line, 4);
}

static void test_syntax_error_at_end_of_file(void **state)
{
	struct fet *t = *state;

	assert_int_not_equal(fet_parse(t, "profile p {\n  /x r,\n"), 0);
	assert_true(strncmp(fet_error(t),
			    "syntax error, unexpected end of file", 36) == 0);
}

static void test_only_first_syntax_error_reported(void **state)
{
	struct fet *t = *state;

	assert_int_not_equal(fet_parse(t, "profile p {\n  /x q,\n  /y z,\n}\n"),
			     0);
	assert_int_equal(t->cu->diag.errors, 1);
}

static void test_missing_end_of_rule(void **state)
{
	struct fet *t = *state;

	assert_int_not_equal(fet_parse(t, "profile p {\n  /a r\n  /b r,\n}\n"),
			     0);
	assert_string_equal(fet_error(t),
			    "missing an end of line character? (entry: /a)");
}

static void test_assignments_in_preamble(void **state)
{
	struct fet *t = *state;

	assert_int_equal(fet_parse(t, "@{A} = /a\n@{A} += /b\n$b = true\n"
				      "profile p {\n  @{A}/** r,\n}\n"),
			 0);
	assert_non_null(fet_rule(fet_profile(t, 0), 0)->scope);
}

static void test_redeclaration_reported_at_assignment(void **state)
{
	struct fet *t = *state;

	assert_int_not_equal(fet_parse(t, "@{A} = /a\n@{A} = /b\n"), 0);
	assert_int_equal(fet_error_loc(t).line, 2);
}

static void test_alias_and_abi(void **state)
{
	struct fet *t = *state;

	assert_int_equal(
		fet_parse(
			t,
			"abi <abi/3.0>,\nalias /usr/ -> /opt/usr/,\nprofile p {\n"
			"  abi \"/x/abi\",\n}\n"),
		0);
	assert_string_equal(t->pol->abi, "abi/3.0");
	assert_false(t->pol->abi_quoted);
	assert_string_equal(t->pol->aliases->from, "/usr/");
	assert_string_equal(t->pol->aliases->to, "/opt/usr/");
	assert_int_equal(fet_rule(fet_profile(t, 0), 0)->kind, IR_RULE_ABI);
}

static void test_alias_after_profile_rejected(void **state)
{
	struct fet *t = *state;

	assert_int_not_equal(
		fet_parse(t, "profile p {\n}\nalias /a/ -> /b/,\n"), 0);
	assert_string_equal(
		fet_error(t),
		"syntax error, unexpected TOK_ALIAS, expecting end of file");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_profile_header_parts,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_bare_flags_and_path_name,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_namespace_names, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_name_without_keyword_rejected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_children_and_hats, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_qualifiers_on_rule, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_qualifier_order_is_fixed,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_qualifier_block_applies_to_every_rule, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_block_conflicting_mode,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_block_rejects_priority_and_profiles, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_if_else_keeps_taken_branch,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_if_comparisons, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_if_at_top_level_is_a_syntax_error, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_syntax_error_text_expecting_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_syntax_error_at_end_of_file, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_only_first_syntax_error_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_end_of_rule, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_assignments_in_preamble,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_redeclaration_reported_at_assignment, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_alias_and_abi, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_alias_after_profile_rejected, setup, teardown),
	};

	return cmocka_run_group_tests_name("grammar", tests, NULL, NULL);
}
