/* Unit tests for the grammar of this project's extensions (language.md
 * 7): set subtraction and where it is refused, rule conditionals fs= and
 * label=, netlink protocols and trailing access lists, assignments in
 * profile bodies, and --strict rejecting each of them.
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

static struct ir_rule *one(struct fet *t, const char *body)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "profile p {\n  %s\n}\n", body);
	assert_int_equal(fet_parse(t, buf), 0);
	return fet_rule(fet_profile(t, 0), 0);
}

static void strict_rejects(const char *text, const char *msg)
{
	struct fet *t = fet_new(true);

	assert_int_not_equal(fet_parse(t, text), 0);
	assert_string_equal(fet_error(t), msg);
	fet_free(t);
}

static void test_subtraction_in_file_rules(void **state)
{
	struct ir_rule *r = one(
		*state,
		"owner @{HOME}/** - @{HOME}/.ssh/** - \"@{HOME}/.gnupg/**\" rw,");

	assert_string_equal(r->u.file.path.glob, "@{HOME}/**");
	assert_int_equal(r->u.file.path.nsub, 2);
	assert_string_equal(r->u.file.path.sub[0], "@{HOME}/.ssh/**");
	assert_string_equal(r->u.file.path.sub[1], "@{HOME}/.gnupg/**");
	r = one(*state, "deny wklx /sys/** - /sys/fs/cgroup/**,");
	assert_true(r->u.file.leading);
	assert_int_equal(r->u.file.path.nsub, 1);
}

static void test_subtraction_in_other_positions(void **state)
{
	struct ir_rule *r =
		one(*state,
		    "link /var/tmp/d/* - /var/tmp/d/*.lock -> /var/lib/d/**,");

	assert_int_equal(r->u.link.name.nsub, 1);
	r = one(*state, "change_profile -> ** - unconfined,");
	assert_string_equal(r->u.cp.target.glob, "**");
	assert_string_equal(r->u.cp.target.sub[0], "unconfined");
	r = one(*state, "umount /mnt/** - /mnt/keep/{,**},");
	assert_int_equal(r->u.mount.mountpoint.nsub, 1);
	r = one(*state, "mount /dev/sd* - /dev/sda* -> /mnt/,");
	assert_int_equal(r->u.mount.source.nsub, 1);
}

static void test_subtraction_refused_in_names_and_targets(void **state)
{
	struct fet *t = *state;

	assert_int_not_equal(
		fet_parse(t, "profile p {\n  /bin/x px -> a - b,\n}\n"), 0);
	assert_string_equal(fet_error(t),
			    "set subtraction is not allowed in exec targets");
	fet_free(t);
	*state = t = fet_new(false);
	assert_int_not_equal(fet_parse(t, "/a - /b {\n}\n"), 0);
	assert_string_equal(fet_error(t),
			    "set subtraction is not allowed in profile names");
}

static void test_rule_conditionals(void **state)
{
	struct ir_rule *r = one(*state, "audit deny fs=proc /proc/sys/** w,");

	assert_true(r->q.audit);
	assert_string_equal(r->rule_conds->name, "fs");
	assert_string_equal(r->rule_conds->values.v[0], "proc");
	r = one(*state, "label=(lxc-* unconfined) ptrace (read),");
	assert_int_equal(r->kind, IR_RULE_PTRACE);
	assert_int_equal(r->rule_conds->values.n, 2);
	r = one(*state, "label in (a b) signal,");
	assert_int_equal(r->rule_conds->op, IR_COND_IN);
}

static void test_conditional_block(void **state)
{
	struct fet *t = *state;
	struct ir_profile *p;

	assert_int_equal(
		fet_parse(t, "profile p {\n  deny fs=sysfs {\n    /sys/** w,\n"
			     "    label=x /sys/y r,\n  }\n}\n"),
		0);
	p = fet_profile(t, 0);
	assert_int_equal(fet_rule(p, 0)->q.mode, IR_MODE_DENY);
	assert_string_equal(fet_rule(p, 0)->rule_conds->name, "fs");
	assert_string_equal(fet_rule(p, 1)->rule_conds->name, "label");
	assert_string_equal(fet_rule(p, 1)->rule_conds->next->name, "fs");
}

static void test_conditional_given_twice(void **state)
{
	struct fet *t = *state;

	assert_int_not_equal(
		fet_parse(
			t,
			"profile p {\n  fs=proc {\n    fs=sysfs /x r,\n  }\n}\n"),
		0);
	assert_string_equal(fet_error(t), "fs= given twice");
}

static void test_other_condition_names_are_syntax_errors(void **state)
{
	struct fet *t = *state;

	assert_int_not_equal(fet_parse(t, "profile p {\n  foo=bar /x r,\n}\n"),
			     0);
	assert_string_equal(fet_error(t),
			    "syntax error, unexpected TOK_CONDID");
}

static void test_netlink_protocols(void **state)
{
	struct ir_rule *r = one(*state, "network netlink raw route,");

	assert_string_equal(r->u.net.domain, "netlink");
	assert_string_equal(r->u.net.type, "raw");
	assert_int_equal(r->u.net.nl_protocols.n, 1);
	assert_string_equal(r->u.net.nl_protocols.v[0], "route");
	r = one(*state,
		"network (create, send, receive) netlink raw protocol=(route, sock_diag),");
	assert_int_equal(r->u.net.nl_protocols.n, 2);
	assert_null(r->u.net.conds);
}

static void test_trailing_access_list(void **state)
{
	struct fet *t;
	struct ir_rule *r = one(
		*state, "network netlink dgram (create, bind, read, write),");

	assert_true(r->u.net.trailing_access);
	assert_int_equal(r->u.net.access.n, 4);
	t = fet_new(false);
	assert_int_not_equal(
		fet_parse(
			t,
			"profile p {\n  network (create) netlink raw (bind),\n}\n"),
		0);
	fet_free(t);
}

static void test_assignments_in_bodies(void **state)
{
	struct fet *t = *state;
	struct ir_profile *p;

	assert_int_equal(
		fet_parse(
			t,
			"profile p {\n  @{D} ?= /var/spool/demo/\n  $net = true\n"
			"  if defined $nope {\n    @{NEVER} = /x\n  }\n"
			"  if $net { network inet stream, }\n"
			"  if defined @{NEVER} { /never r, }\n  @{D}** rw,\n}\n"),
		0);
	p = fet_profile(t, 0);
	assert_int_equal(fet_nrules(p), 2);
	assert_int_equal(fet_rule(p, 0)->kind, IR_RULE_NETWORK);
}

static void test_strict_rejects_each_extension(void **state)
{
	(void)state;
	strict_rejects(
		"profile p {\n  /a - /b r,\n}\n",
		"extension set subtraction is not available in strict mode");
	strict_rejects(
		"profile p {\n  fs=proc /proc/** r,\n}\n",
		"extension rule conditionals is not available in strict mode");
	strict_rejects(
		"profile p {\n  network netlink raw route,\n}\n",
		"extension netlink rules is not available in strict mode");
	strict_rejects(
		"profile p {\n  network inet stream (connect),\n}\n",
		"extension trailing network access lists is not available in strict mode");
	strict_rejects(
		"profile p {\n  @{X} = /x\n}\n",
		"extension variables outside the preamble is not available in strict mode");
}

static void test_strict_accepts_upstream_text(void **state)
{
	struct fet *t = fet_new(true);

	(void)state;
	assert_int_equal(
		fet_parse(
			t,
			"@{X} = /x\nprofile p {\n  network (create) inet stream,\n"
			"  /usr/bin/x Px -> &other,\n  @{X}/** r,\n}\n"),
		0);
	fet_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_subtraction_in_file_rules,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_subtraction_in_other_positions, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_subtraction_refused_in_names_and_targets, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_rule_conditionals, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_conditional_block, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_conditional_given_twice,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_other_condition_names_are_syntax_errors, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_netlink_protocols, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_trailing_access_list,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_assignments_in_bodies,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_strict_rejects_each_extension, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_strict_accepts_upstream_text, setup, teardown),
	};

	return cmocka_run_group_tests_name("rules_ext", tests, NULL, NULL);
}
