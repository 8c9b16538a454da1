/* End-to-end tests of the backend: real profile text through the front
 * end and be_compile(), the resulting automata checked by walking the
 * tables as the kernel does, against policy-blob.md 11.3-11.4. With
 * BE_DRIVER_OUT set the program is instead the test-only driver of
 * tests/suites/backend_diff.sh: it compiles each file argument to
 * $BE_DRIVER_OUT/<basename>.bin (features from $BE_DRIVER_FEATURES,
 * include directories from $BE_DRIVER_INCLUDE, colon-separated; complain
 * mode forced when $BE_DRIVER_COMPLAIN is set; with $BE_DRIVER_STATS it
 * prints "NAME STATES-CONSTRUCTED STATES-WRITTEN" per file).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arena.h"
#include "backend.h"
#include "cu.h"
#include "diag.h"
#include "fe.h"
#include "feat.h"
#include "ir.h"
#include "policy.h"

struct tctx {
	struct arena *fa; /* features */
	struct features *feat;
	struct diag_config dcfg;
	struct cu_opts opts;
	struct cu *cu;
	struct be_result res;
	struct policy_set *set;
	struct arena *pa; /* parsed blobs */
};

static const char *features_path(void)
{
	const char *p = getenv("BE_DRIVER_FEATURES");

	return p ? p : "../shared/features/linux-6.1-debian.features";
}

static int setup(void **state)
{
	struct tctx *t = calloc(1, sizeof(*t));
	const char *err;

	t->fa = arena_create();
	if (feat_load(t->fa, features_path(), &t->feat, &err)) {
		print_error("features: %s\n", err);
		return -1;
	}
	t->dcfg.warn_enabled = 0;
	t->opts.diag = &t->dcfg;
	t->opts.kernel_features = t->feat;
	t->opts.policy_features = t->feat;
	t->pa = arena_create();
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tctx *t = *state;

	cu_destroy(t->cu);
	arena_destroy(t->pa);
	arena_destroy(t->fa);
	free(t);
	return 0;
}

/* Compiles @text; returns be_compile's (or the front end's) status. */
static int compile_text(struct tctx *t, const char *text)
{
	struct ir_policy *pol = NULL;
	struct be_options bo = { 0 };
	int rc;

	cu_destroy(t->cu);
	t->cu = cu_create(&t->opts, NULL);
	rc = fe_parse_buffer(t->cu, "test.sd", text, strlen(text), &pol);
	if (rc) {
		diag_flush(t->cu, stderr);
		return rc;
	}
	bo.kernel = t->feat;
	bo.policy = t->feat;
	rc = be_compile(t->cu, pol, &bo, &t->res);
	return rc;
}

/* Compiles and parses the first write with the policy reader. */
static void compile_ok(struct tctx *t, const char *text)
{
	struct policy_error perr;

	assert_int_equal(compile_text(t, text), 0);
	assert_true(t->res.nwrites >= 1);
	if (policy_read(t->pa, t->res.writes[0].data, t->res.writes[0].len,
			&t->set, &perr))
		fail_msg("blob rejected at %zu: %s", perr.offset, perr.msg);
}

static const struct policy_profile *prof(struct tctx *t, const char *name)
{
	for (size_t i = 0; i < t->set->n; i++)
		if (!strcmp(t->set->profiles[i].fqname, name))
			return &t->set->profiles[i];
	fail_msg("profile %s not in the blob", name);
	return NULL;
}

/* accept1/accept2 of the state a string leads to from the start. */
static void walk(const struct policy_dfa *d, const void *s, size_t n,
		 uint32_t *a1, uint32_t *a2)
{
	uint32_t st = policy_dfa_match_len(d, 1, s, n);

	*a1 = d->accept[st];
	*a2 = d->accept2[st];
}

static void file_is(struct tctx *t, const char *p, const char *path,
		    size_t n, uint32_t a1, uint32_t a2)
{
	uint32_t x1, x2;

	assert_non_null(prof(t, p)->file);
	walk(prof(t, p)->file, path, n ? n : strlen(path), &x1, &x2);
	if (x1 != a1 || x2 != a2)
		fail_msg("%s %s: accept 0x%08x/0x%08x, expected 0x%08x/0x%08x",
			 p, path, x1, x2, a1, a2);
}

static void pdb_is(struct tctx *t, const char *p, const char *s, size_t n,
		   uint32_t a1, uint32_t a2)
{
	uint32_t x1, x2;

	assert_non_null(prof(t, p)->policydb);
	walk(prof(t, p)->policydb, s, n, &x1, &x2);
	if (x1 != a1 || x2 != a2)
		fail_msg("%s policydb: accept 0x%08x/0x%08x, expected 0x%08x/0x%08x",
			 p, x1, x2, a1, a2);
}

static void test_file_modes_match_policy_blob_11_4(void **state)
{
	struct tctx *t = *state;

	compile_ok(t, "profile p {\n /tmp/r r,\n /tmp/w w,\n"
		      " owner /tmp/o rw,\n /tmp/k k,\n /tmp/m m,\n"
		      " audit /tmp/au r,\n deny /tmp/d r,\n"
		      " /tmp/g/** rw,\n deny /tmp/g/secret w,\n}\n");
	file_is(t, "p", "/tmp/r", 0, 0x00010004, 0);
	file_is(t, "p", "/tmp/w", 0, 0x0002800a, 0);
	file_is(t, "p", "/tmp/o", 0, 0x0000000e, 0);
	file_is(t, "p", "/tmp/k", 0, 0x00080020, 0);
	file_is(t, "p", "/tmp/m", 0, 0x00100040, 0);
	file_is(t, "p", "/tmp/au", 0, 0x00010004, 0x00010004);
	file_is(t, "p", "/tmp/d", 0, 0, 0x00800200);
	file_is(t, "p", "/tmp/g/secret", 0, 0x00010004, 0x01400500);
	file_is(t, "p", "/tmp/g/other", 0, 0x0003800e, 0);
	file_is(t, "p", "/tmp/x", 0, 0, 0);
}

static void test_exec_modes_and_xtable(void **state)
{
	struct tctx *t = *state;
	const struct policy_profile *p;

	compile_ok(t, "profile p {\n /bin/c ix,\n /bin/a px -> bar,\n"
		      " /bin/e Px,\n /bin/i cux,\n /bin/k cx -> kid,\n"
		      " /bin/n px -> :ns:name,\n profile kid { }\n}\n");
	file_is(t, "p", "/bin/c", 0, 0x00904241, 0);
	file_is(t, "p", "/bin/e", 0, 0x02004801, 0);
	file_is(t, "p", "/bin/i", 0, 0x03604d81, 0);
	p = prof(t, "p");
	assert_int_equal(p->nxtable, 3);
	assert_string_equal(p->xtable[0], ":ns:name");
	assert_string_equal(p->xtable[1], "p//kid");
	assert_string_equal(p->xtable[2], "bar");
	file_is(t, "p", "/bin/n", 0, 0x04405101, 0);
	file_is(t, "p", "/bin/k", 0, 0x05405501, 0);
	file_is(t, "p", "/bin/a", 0, 0x06405901, 0);
}

static void test_exact_exec_overrides_glob(void **state)
{
	struct tctx *t = *state;

	compile_ok(t, "profile p {\n /bin/* rix,\n /bin/a px,\n"
		      " deny /bin/e x,\n}\n");
	file_is(t, "p", "/bin/z", 0, 0x00914245, 0);
	file_is(t, "p", "/bin/a", 0, 0x02514945, 0);
	/* the m implied by ix goes with the denied x (language.md 3.2.3) */
	file_is(t, "p", "/bin/e", 0, 0x00010004, 0x00200080);
}

static void test_conflicting_exec_modes_are_an_error(void **state)
{
	struct tctx *t = *state;

	assert_int_not_equal(compile_text(t, "profile p {\n /bin/* ix,\n"
					     " /bin/[ab] px,\n}\n"),
			     0);
	assert_true(diag_error_count(t->cu) > 0);
}

static void test_link_pairs_and_subset(void **state)
{
	struct tctx *t = *state;

	compile_ok(t, "profile p {\n link /a -> /b,\n"
		      " link subset /c -> /d,\n /e l,\n}\n");
	file_is(t, "p", "/a", 0, 0x00040010, 0);
	file_is(t, "p", "/a\0/b", 5, 0x00040010, 0);
	file_is(t, "p", "/c\0/d", 5, 0x00040030, 0);
	file_is(t, "p", "/e\0/x/y", 7, 0x00040030, 0);
	file_is(t, "p", "/e\0//", 5, 0, 0);
}

static void test_change_profile_triples(void **state)
{
	struct tctx *t = *state;

	compile_ok(t, "profile p {\n change_profile -> foo,\n"
		      " change_profile /bin/x -> bar,\n}\n");
	file_is(t, "p", "foo", 0, 0xc0000000, 0);
	file_is(t, "p", "/bin/x\0bar", 10, 0x40004001, 0);
	file_is(t, "p", "/proc/12/attr/exec", 0, 0x40000002, 0);
	file_is(t, "p", "/sys/module/apparmor/parameters/enabled", 0,
		0x40000004, 0);
}

static void test_policydb_markers_network_signal_ptrace(void **state)
{
	struct tctx *t = *state;

	compile_ok(t, "profile p {\n network inet stream,\n"
		      " audit network netlink raw,\n deny network packet,\n"
		      " signal send set=(term, kill) peer=foo,\n"
		      " ptrace (trace, readby) peer=baz,\n}\n");
	pdb_is(t, "p", "\x02", 1, 0x4, 0);
	pdb_is(t, "p", "\x0e", 1, 0x4, 0);
	pdb_is(t, "p", "\x0e\x00\x02\x00\x01", 5, 0x001fc076, 0);
	pdb_is(t, "p", "\x0e\x00\x10\x00\x03", 5, 0x001fc076, 0x001fc076);
	pdb_is(t, "p", "\x0e\x00\x11\x00\x03", 5, 0, 0x0fe03b00);
	pdb_is(t, "p", "\x0e\x00\x02\x00\x02", 5, 0, 0);
	pdb_is(t, "p", "\x0a\x0f" "foo", 5, 0x2, 0);
	pdb_is(t, "p", "\x0a\x01" "foo", 5, 0, 0);
	pdb_is(t, "p", "\x09" "baz", 4, 0x12, 0);
	pdb_is(t, "p", "\x10\x09" "baz", 5, 0x12, 0);
}

static void test_capabilities_words(void **state)
{
	struct tctx *t = *state;
	const struct policy_profile *p;

	compile_ok(t, "profile p {\n capability net_raw,\n"
		      " audit capability sys_admin,\n"
		      " deny capability sys_module,\n deny capability mknod,\n"
		      " capability bpf,\n audit capability checkpoint_restore,\n"
		      "}\n");
	p = prof(t, "p");
	assert_int_equal(p->caps_allow, 0x18000202000ULL);
	assert_int_equal(p->caps_audit, 0x10000200000ULL);
	assert_int_equal(p->caps_quiet, 0x8010000ULL);
}

static void test_children_ordered_after_parent(void **state)
{
	struct tctx *t = *state;

	compile_ok(t, "profile zeta {\n ^zh { }\n profile ac { }\n}\n"
		      "profile alpha { }\n");
	assert_int_equal(t->set->n, 4);
	assert_string_equal(t->set->profiles[0].fqname, "alpha");
	assert_string_equal(t->set->profiles[1].fqname, "zeta");
	assert_string_equal(t->set->profiles[2].fqname, "zeta//ac");
	assert_string_equal(t->set->profiles[3].fqname, "zeta//zh");
	assert_int_equal(t->set->profiles[3].flags & 1, 1);
	file_is(t, "zeta//zh", "/proc/1/attr/current", 0, 0x2, 0);
}

static void test_namespaces_go_to_separate_writes(void **state)
{
	struct tctx *t = *state;

	assert_int_equal(compile_text(t, "profile :ns1:a { }\n"
					 "profile b { }\n"),
			 0);
	assert_int_equal(t->res.nwrites, 2);
	assert_null(t->res.writes[0].ns);
	assert_string_equal(t->res.writes[1].ns, "ns1");
}

static void test_bytes_are_deterministic(void **state)
{
	struct tctx *t = *state;
	const char *text = "profile p {\n /a/** rw,\n /b/* ix,\n"
			   " network inet,\n}\n";
	uint8_t *first;
	size_t n;

	assert_int_equal(compile_text(t, text), 0);
	n = t->res.writes[0].len;
	first = malloc(n);
	memcpy(first, t->res.writes[0].data, n);
	assert_int_equal(compile_text(t, text), 0);
	assert_int_equal(t->res.writes[0].len, n);
	assert_memory_equal(t->res.writes[0].data, first, n);
	free(first);
}

static void test_all_rule_grants_every_kind(void **state)
{
	struct tctx *t = *state;

	compile_ok(t, "profile p {\n allow all,\n deny capability sys_module,\n"
		      " deny /etc/shadow rw,\n}\n");
	assert_int_equal(prof(t, "p")->caps_allow, ~0ULL & ~(1ULL << 16));
	file_is(t, "p", "/etc/passwd", 0, 0x009fc27f, 0);
	file_is(t, "p", "/etc/shadow", 0, 0x009c4271, 0x01c00700);
	pdb_is(t, "p", "\x0e\x00\x02\x00\x01", 5, 0x001fc076, 0);
	pdb_is(t, "p", "\x0a\x09" "x", 3, 0x6, 0);
}

static void test_thirteen_named_targets_are_an_error(void **state)
{
	struct tctx *t = *state;
	char text[1024];
	size_t n = 0;

	n += (size_t)snprintf(text + n, sizeof(text) - n, "profile p {\n");
	for (int i = 0; i < 13; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      " /bin/t%d px -> target%d,\n", i, i);
	snprintf(text + n, sizeof(text) - n, "}\n");
	assert_int_not_equal(compile_text(t, text), 0);
	assert_true(diag_error_count(t->cu) > 0);
}

static void test_unix_rules_widen_to_network_unix(void **state)
{
	struct tctx *t = *state;

	compile_ok(t, "profile p {\n unix (send) type=dgram,\n"
		      " deny unix type=stream,\n}\n");
	pdb_is(t, "p", "\x0e\x00\x01\x00\x02", 5, 0x001fc076, 0);
	pdb_is(t, "p", "\x0e\x00\x01\x00\x01", 5, 0, 0);
}

static void test_mount_umount_pivot_root_strings(void **state)
{
	struct tctx *t = *state;

	compile_ok(t, "profile p {\n umount /mnt/,\n"
		      " pivot_root oldroot=/old/ /new/,\n"
		      " mount options=(bind) /a/ -> /b/,\n}\n");
	pdb_is(t, "p", "\x07/mnt/", 6, 0x4, 0);
	pdb_is(t, "p", "\x07/new/\0/old/", 12, 0x1, 0);
	pdb_is(t, "p", "\x07/b/\0/a/\0\0\x0d", 11, 0x2, 0);
	pdb_is(t, "p", "\x07/c/\0/a/\0\0\x0d", 11, 0, 0);
}

/* Note [perm-atoms]: overlapping '**' rules whose permissions broad rules
 * subsume (tests/bench case hurt) build near the minimal automaton; one
 * DFA id per rule constructed 786,006 states here.
 */
static void test_overlapping_globs_build_few_states(void **state)
{
	struct tctx *t = *state;

	compile_ok(t,
		"profile hurt {\n"
		"  /usr/** rm,\n"
		"  /opt/** rk,\n"
		"  /srv/** rwk,\n"
		"  /var/** rw,\n"
		"  /etc/** r,\n"
		"  /home/** rwkm,\n"
		"  /run/** wk,\n"
		"  /tmp/** rwm,\n"
		"  /{home,opt}/**/{bin,conf}/**/{share,spool}/**.{py,log} rk,\n"
		"  /{run,opt}/**{log,share}**{share,run}** k,\n"
		"  /{var,run}/**/{state,cache}*/**.{txt,so} w,\n"
		"  /{tmp,usr}/**/{conf,data}/**/{spool,lib}/**.{txt,py} rm,\n"
		"  /{opt,etc}/**{log,data}**{lib,log}** r,\n"
		"  /{home,opt}/**/{lib,share}*/**.{log,conf} rk,\n"
		"  /{var,run}/**/{share,cache}/**/{spool,lib}/**.{xml,log} w,\n"
		"  /{srv,etc}/**{log,share}**{conf,spool}** r,\n"
		"  /{etc,srv}/**/{lib,run}*/**.{xml,log} r,\n"
		"  /{home,var}/**/{log,data}/**/{spool,state}/**.{json,so} rw,\n"
		"  /{tmp,opt}/**{state,log}**{bin,run}** r,\n"
		"  /{opt,usr}/**/{log,bin}*/**.{db,so} r,\n"
		"  /{tmp,usr}/**/{state,cache}/**/{share,state}/**.{log,conf} rm,\n"
		"  /{srv,etc}/**{log,spool}**{lib,share}** r,\n"
		"  /{opt,home}/**/{run,spool}*/**.{so,xml} rk,\n"
		"  /{usr,srv}/**/{conf,bin}/**/{run,bin}/**.{so,db} r,\n"
		"  /{var,etc}/**{run,lib}**{run,state}** r,\n"
		"  /{run,opt}/**/{data,bin}*/**.{json,xml} k,\n"
		"  /{etc,var}/**/{cache,state}/**/{log,share}/**.{xml,so} r,\n"
		"  /{run,opt}/**{conf,cache}**{data,cache}** k,\n"
		"  /{etc,opt}/**/{run,lib}*/**.{xml,json} r,\n"
		"}\n");
	assert_true(t->res.states_total < 1000);
	assert_true(t->res.states_built < 2 * t->res.states_total);
}

/* An EC table costs 256 bytes: it is written only when the tables are
 * smaller with it, as for states with many transitions over a few byte
 * classes ([0-9A-F] here).
 */
static void test_ec_table_only_when_smaller(void **state)
{
	struct tctx *t = *state;
	const struct policy_profile *p;

	compile_ok(t, "profile p { /etc/hostname r, }\n");
	p = prof(t, "p");
	assert_non_null(p->file);
	assert_false(p->file->has_ec);
	compile_ok(t, "profile q {\n"
		      "  /{a,b,c,d,e,f,g,h}/[0-9A-F]/[0-9A-F]/[0-9A-F]/* r,\n"
		      "  /{i,j,k,l,m,n,o,p}/[0-9A-F]/[0-9A-F]/ w,\n"
		      "}\n");
	p = prof(t, "q");
	assert_non_null(p->file);
	assert_true(p->file->has_ec);
}

/* --- the test-only driver ------------------------------------------------ */

static int driver_one(struct tctx *t, const char *path, const char *outdir)
{
	struct ir_policy *pol = NULL;
	struct be_options bo = { 0 };
	const char *base = strrchr(path, '/');
	char *out;
	FILE *f;
	int rc;

	base = base ? base + 1 : path;
	cu_destroy(t->cu);
	t->cu = cu_create(&t->opts, path);
	rc = fe_parse_file(t->cu, path, &pol);
	if (!rc) {
		bo.kernel = t->feat;
		bo.policy = t->feat;
		bo.force_complain = t->opts.complain;
		rc = be_compile(t->cu, pol, &bo, &t->res);
	}
	diag_flush(t->cu, stderr);
	if (rc)
		return rc;
	if (getenv("BE_DRIVER_STATS"))
		printf("%s %llu %u\n", base,
		       (unsigned long long)t->res.states_built,
		       t->res.states_total);
	if (asprintf(&out, "%s/%s.bin", outdir, base) < 0)
		return -ENOMEM;
	f = fopen(out, "wb");
	free(out);
	if (!f)
		return -errno;
	for (size_t i = 0; i < t->res.nwrites; i++)
		fwrite(t->res.writes[i].data, 1, t->res.writes[i].len, f);
	return fclose(f) ? -errno : 0;
}

static int driver(int argc, char **argv, const char *outdir)
{
	void *st = NULL;
	struct tctx *t;
	const char *inc = getenv("BE_DRIVER_INCLUDE");
	const char *dirs[16];
	char *copy = inc ? strdup(inc) : NULL;
	size_t nd = 0;
	int bad = 0;

	if (setup(&st))
		return 2;
	t = st;
	for (char *s = copy ? strtok(copy, ":") : NULL; s && nd < 16;
	     s = strtok(NULL, ":"))
		dirs[nd++] = s;
	t->opts.include_dirs = dirs;
	t->opts.ninclude_dirs = nd;
	t->opts.base_dir = nd ? dirs[nd - 1] : "/etc/apparmor.d";
	t->opts.complain = getenv("BE_DRIVER_COMPLAIN") != NULL;
	for (int i = 1; i < argc; i++)
		if (driver_one(t, argv[i], outdir)) {
			fprintf(stderr, "FAILED %s\n", argv[i]);
			bad = 1;
		}
	teardown(&st);
	free(copy);
	return bad;
}

int main(int argc, char **argv)
{
	const char *outdir = getenv("BE_DRIVER_OUT");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_file_modes_match_policy_blob_11_4, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_exec_modes_and_xtable,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_exact_exec_overrides_glob,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_conflicting_exec_modes_are_an_error, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_link_pairs_and_subset,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_change_profile_triples,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_policydb_markers_network_signal_ptrace, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_capabilities_words, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_children_ordered_after_parent, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_namespaces_go_to_separate_writes, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_bytes_are_deterministic,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_all_rule_grants_every_kind, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_thirteen_named_targets_are_an_error, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_unix_rules_widen_to_network_unix, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_mount_umount_pivot_root_strings, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_overlapping_globs_build_few_states, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_ec_table_only_when_smaller,
						setup, teardown),
	};

	if (outdir)
		return driver(argc, argv, outdir);
	return cmocka_run_group_tests_name("be_compile", tests, NULL, NULL);
}
