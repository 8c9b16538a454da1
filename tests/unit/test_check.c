/* Unit tests for the semantic pass (fe_check_policy through the front
 * end): each check of language.md 2-7 on real profile text, with the
 * verdict (error or warning) and upstream's message text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "arena.h"
#include "cu.h"
#include "diag.h"
#include "fe.h"
#include "feat.h"
#include "ir.h"

struct fx {
	struct diag_config dc;
	struct cu_opts opts;
	struct arena *fa; /* features */
	struct cu *cu;
	struct ir_policy *pol;
	int rc;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->dc.warn_enabled = WARN_ALL;
	f->opts.diag = &f->dc;
	f->fa = arena_create();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	cu_destroy(f->cu);
	arena_destroy(f->fa);
	free(f);
	return 0;
}

static void use_features(struct fx *f, const char *rel)
{
	static const char *const dirs[] = {"../shared", "/work/shared"};
	struct features *ft = NULL;
	const char *err;
	char path[512];
	struct stat sb;

	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", dirs[i], rel);
		if (stat(path, &sb) == 0)
			break;
	}
	if (feat_load(f->fa, path, &ft, &err))
		skip();
	f->opts.kernel_features = ft;
	f->opts.policy_features = ft;
}

static int parse(struct fx *f, const char *text)
{
	cu_destroy(f->cu);
	f->cu = cu_create(&f->opts, "t.sd");
	f->pol = NULL;
	f->rc = fe_parse_buffer(f->cu, "t.sd", text, strlen(text), &f->pol);
	return f->rc;
}

/* The first error's text, or NULL. */
static const char *first_error(struct fx *f)
{
	for (size_t i = 0; i < f->cu->diag.n; i++)
		if (f->cu->diag.msgs[i].error)
			return f->cu->diag.msgs[i].text;
	return NULL;
}

static bool has_warning(struct fx *f, uint32_t cls, const char *sub)
{
	for (size_t i = 0; i < f->cu->diag.n; i++) {
		const struct diag_msg *m = &f->cu->diag.msgs[i];

		if (!m->error && m->warn == cls && strstr(m->text, sub))
			return true;
	}
	return false;
}

static void ok(struct fx *f, const char *text)
{
	if (parse(f, text) != 0)
		fail_msg("unexpected error: %s", first_error(f));
}

static void err(struct fx *f, const char *text, const char *msg)
{
	const char *e;

	assert_int_equal(parse(f, text), -EINVAL);
	e = first_error(f);
	assert_non_null(e);
	if (!strstr(e, msg))
		fail_msg("expected \"%s\", got \"%s\"", msg, e);
}

#define P(body) "profile t /usr/bin/t {\n" body "\n}\n"

static void test_unknown_capability_is_error(void **state)
{
	err(*state, P("  capability frobnicate,"),
	    "Invalid capability frobnicate.");
}

static void test_known_capabilities_resolve(void **state)
{
	struct fx *f = *state;
	struct ir_rule *r;

	ok(f, P("  capability chown sys_admin checkpoint_restore,"));
	r = f->pol->profiles->rules;
	assert_int_equal(r->u.cap.caps[0],
			 (1ull << 0) | (1ull << 21) | (1ull << 40));
}

static void test_capability_from_features_mask(void **state)
{
	struct fx *f = *state;
	static const char t[] = "caps {mask {chown newcap\n}\n}\n";
	struct features *ft;
	const char *e;

	assert_int_equal(feat_parse(f->fa, t, strlen(t), &ft, &e), 0);
	f->opts.kernel_features = ft;
	ok(f, P("  capability newcap,"));
}

static void test_capability_priority_is_accepted_and_recorded(void **state)
{
	struct fx *f = *state;

	ok(f, P("  priority=-1 audit deny capability mac_admin,"));
	assert_true(f->pol->profiles->rules->q.has_priority);
	assert_int_equal(f->pol->profiles->rules->q.priority, -1);
	ok(f, P("  priority=1 allow capability,"));
}

static void test_ix_and_ux_targets_kept_without_warning(void **state)
{
	struct fx *f = *state;

	ok(f,
	   P("  /bin/a ix -> foo,\n  /bin/b ux -> foo,\n  /bin/c Ux -> foo,"));
	for (size_t i = 0; i < f->cu->diag.n; i++)
		assert_null(strstr(f->cu->diag.msgs[i].text, "target"));
	assert_string_equal(f->pol->profiles->rules->u.file.target, "foo");
}

static unsigned count_errors(struct fx *f)
{
	unsigned n = 0;

	for (size_t i = 0; i < f->cu->diag.n; i++)
		n += f->cu->diag.msgs[i].error;
	return n;
}

static void test_many_errors_end_in_the_one_3_0_8_reports(void **state)
{
	struct fx *f = *state;

	err(f, "profile x {\n /a/@{A} r,\n signal peer=@{C},\n /c/@{D} r,\n}\n",
	    "Found reference to variable D,");
	assert_int_equal(count_errors(f), 1);
	assert_int_equal(diag_error_count(f->cu), 1);
	err(f, "profile x {\n /a/@{A} r,\n capability foo,\n}\n",
	    "Invalid capability foo.");
	assert_int_equal(count_errors(f), 1);
}

static void test_first_error_follows_profile_name_order(void **state)
{
	struct fx *f = *state;

	err(f,
	    "profile b { /f/@{B} r, }\nprofile a { ^h { /f/@{H} r, } ^g { /f/@{G} r, } }\n",
	    "Found reference to variable G,");
	assert_int_equal(count_errors(f), 1);
	err(f, "profile b { /x ix, /x px, }\nprofile a { /f/@{A} r, }\n",
	    "Found reference to variable A,");
}

static void test_owner_capability_is_error(void **state)
{
	err(*state, P("  owner capability chown,"),
	    "owner prefix not allowed on capability rules");
}

static void test_same_path_conflicting_exec_modes(void **state)
{
	err(*state, "/bin/sem1 {\n  /bin/a px,\n  /bin/a ix,\n}\n",
	    "profile /bin/sem1: has merged rule /bin/a with conflicting x modifiers");
}

static void test_overlapping_wildcards_conflict(void **state)
{
	err(*state, P("  /opt/*/lib/*.so ix,\n  /opt/x*/** px,"),
	    "conflicting x modifiers");
}

static void test_exact_rule_overrides_wildcard(void **state)
{
	ok(*state, P("  /usr/bin/* ix,\n  /usr/bin/tool Px,"));
}

static void test_identical_transitions_merge(void **state)
{
	ok(*state, P("  /bin/a px,\n  /bin/a px,\n  owner /bin/b ix,\n"
		     "  other /bin/b ux,"));
}

static void test_two_exec_modes_in_one_word(void **state)
{
	err(*state, P("  /bin/cat pxix,"), "conflicting qualifier");
}

static void test_bare_x_in_allow_rule(void **state)
{
	err(*state, P("  /bin/cat rx,"),
	    "Invalid mode, 'x' must be preceded by exec qualifier");
}

static void test_exec_mode_in_deny_rule(void **state)
{
	err(*state, P("  deny /bin/cat ix,"), "in deny rules 'x' must not");
	ok(*state, P("  deny /bin/cat x,"));
}

static void test_fallback_modes_accepted(void **state)
{
	struct fx *f = *state;

	ok(f, P("  /bin/a rpux,\n  /bin/b rPUx,\n  /bin/c cix,"));
	assert_int_equal(f->pol->profiles->rules->u.file.xmode, IR_X_PUX);
}

static void test_modifier_not_before_x_is_rejected(void **state)
{
	assert_int_equal(parse(*state, P("  /bin/ls irx,")), -EINVAL);
	assert_int_equal(parse(*state, P("  /bin/ls ruix,")), -EINVAL);
	assert_int_equal(parse(*state, P("  /bin/ls rpPx,")), -EINVAL);
}

static void test_append_and_write_conflict(void **state)
{
	err(*state, P("  /a wa,"),
	    "Conflict 'a' and 'w' perms are mutually exclusive.");
}

static void test_uppercase_perms_deprecated(void **state)
{
	struct fx *f = *state;

	ok(f, P("  /a RW,"));
	assert_true(has_warning(f, WARN_DEPRECATED, "Uppercase qualifiers"));
}

static void test_duplicate_profiles(void **state)
{
	err(*state, "profile a {\n}\nprofile a {\n}\n",
	    "Multiple definitions for profile a exist,bailing out.");
}

static void test_duplicate_hats(void **state)
{
	err(*state, P("  ^h {\n  }\n  ^h {\n  }"),
	    "Multiple definitions for hat h");
}

static void test_conflicting_mode_flags(void **state)
{
	err(*state, "/t flags=(complain, kill) {\n}\n",
	    "Profile flag 'complain' conflicts with 'kill'");
}

static void test_invalid_flag(void **state)
{
	err(*state, "/t flags=(capability) {\n}\n",
	    "Invalid profile flag: capability.");
}

static void test_flag_values(void **state)
{
	struct fx *f = *state;

	ok(f, "/t flags=(error=EACCES, kill.signal=hup) {\n}\n");
	assert_int_equal(f->pol->profiles->pflags.error_errno, EACCES);
	assert_int_equal(f->pol->profiles->pflags.kill_signal, 1);
	err(f, "/t flags=(error=13) {\n}\n", "Invalid profile flag");
	err(f, "/t flags=(kill.signal=foo) {\n}\n", "unknown signal");
}

static void test_disconnected_path_flag(void **state)
{
	struct fx *f = *state;

	ok(f,
	   "@{v}=/bar\n/t flags=(attach_disconnected.path=@{v}/foo//) {\n}\n");
	assert_string_equal(f->pol->profiles->pflags.disconnected_path,
			    "/bar/foo");
	err(f, "@{v}=bar/\n/t flags=(attach_disconnected.path=@{v}) {\n}\n",
	    "attach_disconnected path must begin with a /");
	err(f,
	    "/t flags=(attach_disconnected.ipc=/a, no_attach_disconnected) {\n}\n",
	    "conflicts");
}

static void test_undeclared_variable(void **state)
{
	err(*state, P("  /x/@{NOPE} r,"),
	    "Found reference to variable NOPE, but is never declared");
}

static void test_variable_expansion_in_rules(void **state)
{
	struct fx *f = *state;

	ok(f, "@{D}=/srv/ /data/\n" P("  @{D}** r,"));
	assert_string_equal(f->pol->profiles->rules->u.file.path.glob,
			    "{/srv/,/data/}**");
}

static void test_attach_path_only_with_attachment(void **state)
{
	struct fx *f = *state;

	ok(f, "profile p /a/p {\n  @{attach_path} r,\n}\n");
	assert_string_equal(f->pol->profiles->rules->u.file.path.glob, "/a/p");
	err(f, "/test/profile {\n  ^h {\n    /x/@{attach_path} r,\n  }\n}\n",
	    "attach_path");
}

static void test_profile_name_builtin(void **state)
{
	struct fx *f = *state;

	ok(f, "profile a {\n  profile b {\n    signal peer=@{profile_name},\n"
	      "    /x/@{profile_name} r,\n  }\n}\n");
	assert_string_equal(
		f->pol->profiles->children->rules->u.ipc.conds->values.v[0],
		"a//b");
	assert_string_equal(
		f->pol->profiles->children->rules->next->u.file.path.glob,
		"/x/a/b");
}

static void test_attachment_must_start_with_slash(void **state)
{
	err(*state, "@{F}=bar\nprofile /a @{F} {\n}\n",
	    "Profile attachment must begin with");
}

static void test_network_invalid_values(void **state)
{
	struct fx *f = *state;

	err(f, P("  network foo,"), "Invalid network entry.");
	err(f, P("  network port=65536,"), "network invalid port");
	err(f, P("  network port=443-80,"), "network invalid port");
	err(f, P("  network ip=192.168.0.1/33,"), "network invalid ip");
	err(f, P("  network ip=10,"), "network invalid ip");
	ok(f, P("  network ip=::1 port=8080 peer=(ip=none),"));
}

static void test_network_local_access_with_peer(void **state)
{
	err(*state, P("  network create peer=(port=1234),"),
	    "cannot be used with peer socket conditionals");
	ok(*state, P("  network accept peer=(ip=127.0.0.1),"));
}

static void test_network_family_without_conditionals(void **state)
{
	err(*state, P("  network unix ip=127.0.0.1,"),
	    "network family does not support local or peer conditionals");
}

static void test_netlink_protocol_needs_kernel(void **state)
{
	struct fx *f = *state;

	use_features(f, "features/linux-6.1-debian.features");
	err(f, P("  network netlink raw route,"),
	    "netlink protocol restrictions need kernel support");
	f->opts.extension_downgrade = true;
	ok(f, P("  network netlink raw route,"));
	assert_true(has_warning(f, WARN_RULE_DOWNGRADED, "netlink"));
}

static void test_strict_rejects_extensions(void **state)
{
	struct fx *f = *state;

	f->opts.strict = true;
	err(f, P("  /a/** - /a/b r,"),
	    "extension set subtraction is not available in strict mode");
}

static void test_signal_names(void **state)
{
	err(*state, P("  signal send set=(hup nohup),"),
	    "unknown signal \"nohup\"");
	err(*state, P("  signal set=rtmin+33,"), "unknown signal");
	ok(*state, P("  signal (send receive) set=(rtmin+0 exists stp),"));
}

static void test_peer_namespace_label_normalised(void **state)
{
	struct fx *f = *state;

	ok(f, P("  signal peer=:ns://foo,"));
	assert_string_equal(f->pol->profiles->rules->u.ipc.conds->values.v[0],
			    ":ns:foo");
}

static void test_ptrace_conditional(void **state)
{
	ok(*state, P("  ptrace (read, trace) peer=foo,"));
}

static void test_rlimits(void **state)
{
	struct fx *f = *state;

	ok(f, P("  set rlimit as <= 2G,\n  set rlimit cpu <= 30minutes,"));
	assert_int_equal(f->pol->profiles->rules->u.rlimit.limit, 2ull << 30);
	assert_int_equal(f->pol->profiles->rules->next->u.rlimit.limit, 1800);
	err(f, P("  set rlimit rttime <= 60m,"), "invalid value");
	err(f, P("  set rlimit nice <= 20,"), "out of range");
	err(f, P("  set rlimit cpu <= 10ms,"), "minimum value of 1s");
	err(f, P("  set rlimit frob <= 1,"), "INVALID RLIMIT 'frob'");
}

static void test_rlimit_nice_stored_as_twenty_plus_value(void **state)
{
	struct fx *f = *state;

	ok(f, P("  set rlimit nice <= -20,\n  set rlimit nice <= 5,"));
	assert_int_equal(f->pol->profiles->rules->u.rlimit.limit, 0);
	assert_int_equal(f->pol->profiles->rules->next->u.rlimit.limit, 25);
	ok(f, P("  set rlimit nice <= 19,"));
	assert_int_equal(f->pol->profiles->rules->u.rlimit.limit, 39);
}

static void test_mount_options(void **state)
{
	err(*state, P("  mount options=(XXX) /a -> /1,"),
	    "unsupported mount option");
	err(*state, P("  mount options=(rw ro) -> /foo,"),
	    "conflicting flags in the rule");
	err(*state, P("  mount options=(slave) /a -> /1,"),
	    "source and mount point cannot be used at the same time");
	ok(*state, P("  mount options in (ro rw) /dev/sda1 -> /mnt/,"));
}

static void test_dbus_message_and_service_mix(void **state)
{
	err(*state, P("  dbus bind name=a path=/b,"),
	    "dbus rule contains message conditionals and service conditionals");
}

static void test_unix_label_only_in_peer(void **state)
{
	err(*state, P("  unix bind label=foo addr=@bar,"),
	    "'label' conditional is only valid in the peer expression");
}

static void test_change_profile_owner_and_safe(void **state)
{
	err(*state, P("  owner change_profile -> foo,"),
	    "owner conditional not allowed on change_profile rules");
	err(*state, P("  change_profile safe -> foo,"),
	    "Exec condition is required");
}

static void test_change_profile_target_subtraction_takes_labels(void **state)
{
	ok(*state, P("  change_profile -> ** - unconfined,"));
	ok(*state, P("  change_profile /usr/bin/x -> kt_* - kt_no,"));
	err(*state, P("  change_profile /usr/bin/* - bin -> foo,"),
	    "set subtraction operand 'bin' must begin with '/'");
}

static void test_mqueue_names(void **state)
{
	err(*state, P("  mqueue type=posix 1234,"),
	    "mqueue type=posix invalid name");
	ok(*state, P("  mqueue (open read) 4242,"));
}

static void test_glob_grouping_errors(void **state)
{
	err(*state, P("  /a/{b r,"), "Regex grouping error");
	err(*state, P("  /a/{b} r,"), "Invalid number of items between {}");
	err(*state, P("  dbus bind name=abcd]efg,"), "Invalid close ]");
}

static void test_alias_duplicates_file_rules(void **state)
{
	struct fx *f = *state;
	struct ir_rule *r;

	ok(f, "alias /usr/ -> /opt/usr/,\n" P("  /usr/lib/** r,"));
	r = f->pol->profiles->rules;
	assert_non_null(r->next);
	assert_string_equal(r->next->u.file.path.glob, "/opt/usr/lib/**");
}

static void test_dbus_not_enforced_on_61(void **state)
{
	struct fx *f = *state;

	use_features(f, "features/linux-6.1-debian.features");
	ok(f, P("  dbus send,"));
	assert_true(has_warning(f, WARN_RULE_NOT_ENFORCED, "dbus"));
}

static void test_unix_rules_downgraded_on_61(void **state)
{
	struct fx *f = *state;

	use_features(f, "features/linux-6.1-debian.features");
	ok(f, P("  unix (send) type=stream,\n  deny unix (bind),"));
	assert_true(has_warning(f, WARN_RULE_DOWNGRADED, "downgrading"));
	assert_true(has_warning(f, WARN_RULE_NOT_ENFORCED, "deny unix"));
}

static void test_network_conditionals_downgraded_on_61(void **state)
{
	struct fx *f = *state;

	use_features(f, "features/linux-6.1-debian.features");
	ok(f, P("  network inet stream ip=127.0.0.1,"));
	assert_true(has_warning(f, WARN_RULE_DOWNGRADED, "network"));
}

static void test_fs_conditional_on_file_rule(void **state)
{
	struct fx *f = *state;

	err(f, P("  fs=proc /proc/sys/** r,"),
	    "rule conditional 'fs' on file rules needs kernel support");
	f->opts.extension_downgrade = true;
	ok(f, P("  fs=proc /proc/sys/** r,"));
	assert_true(has_warning(f, WARN_RULE_DOWNGRADED, "fs"));
}

static void test_missing_abi_warning(void **state)
{
	struct fx *f = *state;

	ok(f, P("  /a r,"));
	assert_true(has_warning(f, WARN_ABI, "missing feature abi"));
	assert_true(has_warning(f, WARN_ABI, "apparmor_parser: File"));
}

static void test_missing_abi_warning_names_the_program(void **state)
{
	struct fx *f = *state;

	f->opts.progname = "/sbin/apparmor_parser";
	ok(f, P("  /a r,"));
	assert_true(has_warning(f, WARN_ABI,
				"/sbin/apparmor_parser: File "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(x) cmocka_unit_test_setup_teardown(x, setup, teardown)
		T(test_unknown_capability_is_error),
		T(test_known_capabilities_resolve),
		T(test_capability_from_features_mask),
		T(test_capability_priority_is_accepted_and_recorded),
		T(test_ix_and_ux_targets_kept_without_warning),
		T(test_many_errors_end_in_the_one_3_0_8_reports),
		T(test_first_error_follows_profile_name_order),
		T(test_owner_capability_is_error),
		T(test_same_path_conflicting_exec_modes),
		T(test_overlapping_wildcards_conflict),
		T(test_exact_rule_overrides_wildcard),
		T(test_identical_transitions_merge),
		T(test_two_exec_modes_in_one_word),
		T(test_bare_x_in_allow_rule),
		T(test_exec_mode_in_deny_rule),
		T(test_fallback_modes_accepted),
		T(test_modifier_not_before_x_is_rejected),
		T(test_append_and_write_conflict),
		T(test_uppercase_perms_deprecated),
		T(test_duplicate_profiles),
		T(test_duplicate_hats),
		T(test_conflicting_mode_flags),
		T(test_invalid_flag),
		T(test_flag_values),
		T(test_disconnected_path_flag),
		T(test_undeclared_variable),
		T(test_variable_expansion_in_rules),
		T(test_attach_path_only_with_attachment),
		T(test_profile_name_builtin),
		T(test_attachment_must_start_with_slash),
		T(test_network_invalid_values),
		T(test_network_local_access_with_peer),
		T(test_network_family_without_conditionals),
		T(test_netlink_protocol_needs_kernel),
		T(test_strict_rejects_extensions),
		T(test_signal_names),
		T(test_peer_namespace_label_normalised),
		T(test_ptrace_conditional),
		T(test_rlimits),
		T(test_rlimit_nice_stored_as_twenty_plus_value),
		T(test_mount_options),
		T(test_dbus_message_and_service_mix),
		T(test_unix_label_only_in_peer),
		T(test_change_profile_owner_and_safe),
		T(test_change_profile_target_subtraction_takes_labels),
		T(test_mqueue_names),
		T(test_glob_grouping_errors),
		T(test_alias_duplicates_file_rules),
		T(test_dbus_not_enforced_on_61),
		T(test_unix_rules_downgraded_on_61),
		T(test_network_conditionals_downgraded_on_61),
		T(test_fs_conditional_on_file_rule),
		T(test_missing_abi_warning),
		T(test_missing_abi_warning_names_the_program),
#undef T
	};

	return cmocka_run_group_tests_name("check", tests, NULL, NULL);
}
