/* Unit tests for the grammar of the non-file rule kinds (language.md
 * 3.4-3.17): capability, network, unix, dbus, signal, ptrace, the mount
 * family, pivot_root, change_profile, rlimit, userns, mqueue, io_uring
 * and all, as the IR records them before the semantic checks.
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

static void test_capability(void **state)
{
	struct ir_rule *r =
		one(*state, "capability net_bind_service setuid setgid,");

	assert_int_equal(r->kind, IR_RULE_CAPABILITY);
	assert_int_equal(r->u.cap.names.n, 3);
	assert_string_equal(r->u.cap.names.v[2], "setgid");
	r = one(*state, "deny capability,");
	assert_int_equal(r->u.cap.names.n, 0);
}

static void test_capability_comma_list_is_syntax_error(void **state)
{
	struct fet *t = *state;

	assert_int_not_equal(
		fet_parse(t,
			  "profile p {\n  capability chown,dac_override,\n}\n"),
		0);
}

static void test_network_family_type(void **state)
{
	struct ir_rule *r = one(*state, "network inet stream,");

	assert_int_equal(r->kind, IR_RULE_NETWORK);
	assert_string_equal(r->u.net.domain, "inet");
	assert_string_equal(r->u.net.type, "stream");
}

static void test_network_access_and_conditions(void **state)
{
	struct ir_rule *r = one(
		*state,
		"network (connect, send, receive) inet stream peer=(ip=192.0.2.10 port=443),");

	assert_int_equal(r->u.net.access.n, 3);
	assert_string_equal(r->u.net.access.v[0], "connect");
	assert_non_null(r->u.net.peer);
	assert_string_equal(r->u.net.peer->name, "ip");
	assert_string_equal(r->u.net.peer->values.v[0], "192.0.2.10");
	assert_string_equal(r->u.net.peer->next->name, "port");
	r = one(*state,
		"network bind inet stream ip=127.0.0.1 port=8000-8010,");
	assert_string_equal(r->u.net.access.v[0], "bind");
	assert_string_equal(r->u.net.conds->name, "ip");
}

static void test_unix_rule(void **state)
{
	struct ir_rule *r = one(
		*state,
		"unix (connect, send, receive) type=stream peer=(label=dbus-daemon addr=\"@/tmp/dbus-*\"),");

	assert_int_equal(r->kind, IR_RULE_UNIX);
	assert_int_equal(r->u.ipc.access.n, 3);
	assert_string_equal(r->u.ipc.conds->name, "type");
	assert_string_equal(r->u.ipc.peer->name, "label");
	assert_string_equal(r->u.ipc.peer->next->values.v[0], "@/tmp/dbus-*");
}

static void test_dbus_rule(void **state)
{
	struct ir_rule *r = one(
		*state,
		"dbus send bus=system path=/org/freedesktop/login1\n"
		"       interface=org.freedesktop.login1.Manager member=Inhibit\n"
		"       peer=(name=org.freedesktop.login1),");

	assert_int_equal(r->kind, IR_RULE_DBUS);
	assert_string_equal(r->u.ipc.access.v[0], "send");
	assert_string_equal(r->u.ipc.conds->next->values.v[0],
			    "/org/freedesktop/login1");
	assert_string_equal(r->u.ipc.peer->values.v[0],
			    "org.freedesktop.login1");
}

static void test_signal_and_ptrace(void **state)
{
	struct ir_rule *r =
		one(*state, "signal (send) set=(term, kill) peer=demo-worker,");

	assert_int_equal(r->kind, IR_RULE_SIGNAL);
	assert_string_equal(r->u.ipc.conds->name, "set");
	assert_int_equal(r->u.ipc.conds->values.n, 2);
	assert_string_equal(r->u.ipc.conds->next->values.v[0], "demo-worker");
	r = one(*state, "ptrace (readby, tracedby) peer=unconfined,");
	assert_int_equal(r->kind, IR_RULE_PTRACE);
	assert_string_equal(r->u.ipc.access.v[1], "tracedby");
	r = one(*state, "ptrace trace,");
	assert_string_equal(r->u.ipc.access.v[0], "trace");
}

static void test_mount_family(void **state)
{
	struct ir_rule *r = one(
		*state,
		"mount fstype=tmpfs options=(rw,nosuid,nodev) tmpfs -> /run/demo/,");

	assert_int_equal(r->kind, IR_RULE_MOUNT);
	assert_int_equal(r->u.mount.kind, IR_MOUNT_MOUNT);
	assert_string_equal(r->u.mount.source.glob, "tmpfs");
	assert_string_equal(r->u.mount.mountpoint.glob, "/run/demo/");
	assert_int_equal(r->u.mount.conds->next->values.n, 3);
	r = one(*state,
		"mount options in (ro,nosuid) /dev/vdb1 -> /mnt/data/,");
	assert_int_equal(r->u.mount.conds->op, IR_COND_IN);
	r = one(*state, "remount options=(ro,bind) /var/lib/demo/share/,");
	assert_int_equal(r->u.mount.kind, IR_MOUNT_REMOUNT);
	assert_true(r->u.mount.has_mountpoint);
	r = one(*state, "umount /mnt/{**,},");
	assert_int_equal(r->u.mount.kind, IR_MOUNT_UMOUNT);
	assert_string_equal(r->u.mount.mountpoint.glob, "/mnt/{**,}");
}

static void test_mount_point_conditions_rejected(void **state)
{
	struct fet *t = *state;

	assert_int_not_equal(
		fet_parse(t, "profile p {\n  mount /a -> fstype=x /b,\n}\n"),
		0);
	assert_string_equal(fet_error(t),
			    "mount point conditions not currently supported");
}

static void test_pivot_root(void **state)
{
	struct ir_rule *r =
		one(*state,
		    "pivot_root oldroot=/tmp/root/old/ /tmp/root/ -> newprof,");

	assert_int_equal(r->kind, IR_RULE_PIVOT_ROOT);
	assert_string_equal(r->u.pivot.oldroot.glob, "/tmp/root/old/");
	assert_string_equal(r->u.pivot.newroot.glob, "/tmp/root/");
	assert_string_equal(r->u.pivot.target, "newprof");
}

static void test_change_profile(void **state)
{
	struct ir_rule *r = one(
		*state,
		"change_profile unsafe /usr/lib/demo/launch -> demo_sandbox,");

	assert_int_equal(r->kind, IR_RULE_CHANGE_PROFILE);
	assert_int_equal(r->u.cp.exec_mod, IR_EXECMOD_UNSAFE);
	assert_string_equal(r->u.cp.exec.glob, "/usr/lib/demo/launch");
	assert_string_equal(r->u.cp.target.glob, "demo_sandbox");
	r = one(*state, "change_profile -> :lxc-*:**,");
	assert_false(r->u.cp.has_exec);
	assert_string_equal(r->u.cp.target.glob, ":lxc-*:**");
	r = one(*state, "change_profile,");
	assert_false(r->u.cp.has_target);
}

static void test_change_profile_safe_needs_exec(void **state)
{
	struct fet *t = *state;

	assert_int_not_equal(
		fet_parse(t, "profile p {\n  change_profile safe -> x,\n}\n"),
		0);
}

static void test_rlimit(void **state)
{
	struct ir_rule *r = one(*state, "set rlimit as <= 2G,");

	assert_int_equal(r->kind, IR_RULE_RLIMIT);
	assert_string_equal(r->u.rlimit.resource, "as");
	assert_string_equal(r->u.rlimit.value, "2 G");
	r = one(*state, "set rlimit nofile <= 1024,");
	assert_string_equal(r->u.rlimit.value, "1024");
	r = one(*state, "set rlimit cpu <= infinity,");
	assert_string_equal(r->u.rlimit.value, "infinity");
}

static void test_rlimit_takes_no_qualifiers(void **state)
{
	struct fet *t = *state;

	assert_int_not_equal(
		fet_parse(t, "profile p {\n  audit set rlimit as <= 1G,\n}\n"),
		0);
}

static void test_newer_kinds(void **state)
{
	struct ir_rule *r = one(*state, "deny userns create,");

	assert_int_equal(r->kind, IR_RULE_USERNS);
	assert_string_equal(r->u.ipc.access.v[0], "create");
	r = one(*state,
		"mqueue (create, open, read, write) type=posix /demo-queue,");
	assert_int_equal(r->kind, IR_RULE_MQUEUE);
	assert_string_equal(r->u.ipc.name, "/demo-queue");
	assert_int_equal(r->u.ipc.access.n, 4);
	r = one(*state, "io_uring override_creds label=demo_worker,");
	assert_int_equal(r->kind, IR_RULE_IO_URING);
	assert_string_equal(r->u.ipc.access.v[0], "override_creds");
	assert_string_equal(r->u.ipc.conds->name, "label");
	r = one(*state, "allow all,");
	assert_int_equal(r->kind, IR_RULE_ALL);
}

static void test_change_hat_is_not_a_rule(void **state)
{
	struct fet *t = *state;

	assert_int_not_equal(fet_parse(t, "profile p {\n  change_hat,\n}\n"),
			     0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_capability, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_capability_comma_list_is_syntax_error, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_network_family_type, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_network_access_and_conditions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unix_rule, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dbus_rule, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_signal_and_ptrace, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mount_family, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_mount_point_conditions_rejected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pivot_root, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_change_profile, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_change_profile_safe_needs_exec, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rlimit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rlimit_takes_no_qualifiers,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_kinds, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_change_hat_is_not_a_rule,
						setup, teardown),
	};

	return cmocka_run_group_tests_name("rules_other", tests, NULL, NULL);
}
