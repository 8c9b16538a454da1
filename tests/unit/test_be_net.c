/* Fine-grained inet/inet6 network rules (Note [inet-fine] in
 * backend/lower_pdb.c): profile text through the front end and
 * be_compile() with the corpus's network_v8/af_inet features, the
 * policydb walked as the kernel does, and whole blobs compared where
 * equivalent rules must give identical bytes. Also the 6.1 downgrade.
 * Skips when ../shared/corpus is absent.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "arena.h"
#include "backend.h"
#include "cu.h"
#include "diag.h"
#include "fe.h"
#include "feat.h"
#include "ir.h"
#include "policy.h"

#define AF_INET_FEATURES "../shared/corpus/features_files/features.af_inet"
#define DEBIAN_FEATURES "../shared/features/linux-6.1-debian.features"

#define NET_ALL 0x001fc076u
#define NET_CREATE 0x10u
#define NET_CONNECT 0x40u
#define NET_BIND 0x20000u
#define NET_CONT 0x10000000u

struct tctx {
	struct arena *fa; /* features */
	struct features *feat;
	struct diag_config dcfg;
	struct cu_opts opts;
	struct cu *cu;
	struct be_result res;
	struct policy_set *set;
	struct arena *pa; /* parsed blobs and copies */
};

static int setup_with(void **state, const char *path)
{
	struct tctx *t;
	const char *err;

	if (access(path, R_OK))
		skip();
	t = calloc(1, sizeof(*t));
	t->fa = arena_create();
	if (feat_load(t->fa, path, &t->feat, &err)) {
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

static int setup(void **state)
{
	return setup_with(state, AF_INET_FEATURES);
}

static int setup_61(void **state)
{
	return setup_with(state, DEBIAN_FEATURES);
}

static int teardown(void **state)
{
	struct tctx *t = *state;

	if (!t)
		return 0;
	cu_destroy(t->cu);
	arena_destroy(t->pa);
	arena_destroy(t->fa);
	free(t);
	return 0;
}

static int compile_text(struct tctx *t, const char *text)
{
	struct ir_policy *pol = NULL;
	struct be_options bo = { 0 };
	int rc;

	cu_destroy(t->cu);
	t->cu = cu_create(&t->opts, NULL);
	rc = fe_parse_buffer(t->cu, "test.sd", text, strlen(text), &pol);
	if (rc)
		return rc;
	bo.kernel = t->feat;
	bo.policy = t->feat;
	bo.extension_downgrade = t->opts.extension_downgrade;
	return be_compile(t->cu, pol, &bo, &t->res);
}

/* The bytes of the first write of @text, copied into t->pa. */
static const uint8_t *blob(struct tctx *t, const char *text, size_t *len)
{
	uint8_t *c;

	assert_int_equal(compile_text(t, text), 0);
	assert_true(t->res.nwrites >= 1);
	*len = t->res.writes[0].len;
	c = arena_alloc(t->pa, *len);
	memcpy(c, t->res.writes[0].data, *len);
	return c;
}

static bool same_bytes(struct tctx *t, const char *a, const char *b)
{
	size_t na, nb;
	const uint8_t *x = blob(t, a, &na), *y = blob(t, b, &nb);

	return na == nb && !memcmp(x, y, na);
}

static void compile_ok(struct tctx *t, const char *text)
{
	struct policy_error perr;

	assert_int_equal(compile_text(t, text), 0);
	if (policy_read(t->pa, t->res.writes[0].data, t->res.writes[0].len,
			&t->set, &perr))
		fail_msg("blob rejected at %zu: %s", perr.offset, perr.msg);
	assert_true(t->set->n >= 1);
	assert_non_null(t->set->profiles[0].policydb);
}

/* accept1 of the policydb state @s (n bytes) leads to. */
static uint32_t pdb(struct tctx *t, const char *s, size_t n)
{
	const struct policy_dfa *d = t->set->profiles[0].policydb;

	return d->accept[policy_dfa_match_len(d, 1, s, n)];
}

/* The operation bits at @s: without the continue-matching bit, which
 * the any-peer entries of a rule with peer accesses also put on the
 * local strings (their layouts overlap).
 */
static uint32_t ops(struct tctx *t, const char *s, size_t n)
{
	return pdb(t, s, n) & ~NET_CONT;
}

/* inet stream prefix, any protocol (two bytes) */
#define INET_STREAM "\x0e\x00\x02\x00\x01" "\x00\x06"
#define INET6_STREAM "\x0e\x00\x0a\x00\x01" "\x00\x06"

static void test_port_range_equals_union_of_single_ports(void **state)
{
	struct tctx *t = *state;

	assert_true(same_bytes(t, "/t { network port=3456-3460, }",
			       "/t { network port=3456, network port=3457,"
			       " network port=3458, network port=3459,"
			       " network port=3460, }"));
	assert_true(same_bytes(t, "/t { network bind port=769-8191, }",
			       "/t { network bind port=769-1023,"
			       " network bind port=1024-8191, }"));
	assert_true(same_bytes(t, "/t { network peer=(port=1023-1024), }",
			       "/t { network peer=(port=1023),"
			       " network peer=(port=1024), }"));
}

static void test_port_range_differs_from_single_port(void **state)
{
	struct tctx *t = *state;

	assert_false(same_bytes(t, "/t { network peer=(port=3456-3460), }",
				"/t { network peer=(port=3456), }"));
	assert_false(same_bytes(t, "/t { network port=3456-3460, }",
				"/t { network port=3456, }"));
	compile_ok(t, "/t { network inet stream port=3456-3460, }");
	assert_int_equal(ops(t, INET_STREAM "\x00\x0d\x82" "\x00" "\x00", 12),
			 NET_ALL);
	assert_int_equal(ops(t, INET_STREAM "\x00\x0d\x84" "\x00" "\x00", 12),
			 NET_ALL);
	assert_int_equal(ops(t, INET_STREAM "\x00\x0d\x85" "\x00" "\x00", 12),
			 0);
}

static void test_bind_and_connect_operations_differ(void **state)
{
	struct tctx *t = *state;

	assert_false(same_bytes(t, "/t { network bind inet stream port=80, }",
				"/t { network connect inet stream port=80, }"));
	/* bind below 1024: the privileged port kind \x01 */
	compile_ok(t, "/t { network bind inet stream port=80, }");
	assert_int_equal(ops(t, INET_STREAM "\x01\x00\x50" "\x00" "\x00", 12),
			 NET_BIND);
	assert_int_equal(ops(t, INET_STREAM "\x00\x00\x50" "\x00" "\x00", 12),
			 0);
	compile_ok(t, "/t { network connect inet stream port=80, }");
	assert_int_equal(ops(t, INET_STREAM "\x00\x00\x50" "\x00" "\x00", 12),
			 NET_CONNECT);
	assert_int_equal(ops(t, INET_STREAM "\x01\x00\x50" "\x00" "\x00", 12),
			 0);
}

static void test_peer_and_local_port_differ(void **state)
{
	struct tctx *t = *state;

	assert_false(same_bytes(t, "/t { network peer=(port=80), }",
				"/t { network port=80, }"));
	compile_ok(t, "/t { network inet stream peer=(port=80), }");
	/* peer address, then label, then \x01 and any local address */
	assert_int_equal(pdb(t, INET_STREAM "\x02\x00\x50" "\x00" "\x00", 12),
			 NET_CONT | NET_ALL);
	assert_int_equal(ops(t, INET_STREAM "\x02\x00\x50" "\x00" "\x00"
					    "lbl\x00" "\x01" "\x00\x12\x34"
					    "\x00" "\x00", 22),
			 NET_ALL);
	assert_int_equal(ops(t, INET_STREAM "\x02\x00\x51" "\x00" "\x00"
					    "lbl\x00" "\x01" "\x00\x12\x34"
					    "\x00" "\x00", 22),
			 0);
	compile_ok(t, "/t { network inet stream port=80, }");
	assert_int_equal(ops(t, INET_STREAM "\x01\x00\x50" "\x00" "\x00", 12),
			 NET_ALL);
	assert_int_equal(ops(t, INET_STREAM "\x02\x00\x50" "\x00" "\x00", 12),
			 0);
	assert_int_equal(ops(t, INET_STREAM "\x02\x00\x51" "\x00" "\x00"
					    "lbl\x00" "\x01" "\x01\x00\x50"
					    "\x00" "\x00", 22),
			 NET_ALL);
	assert_int_equal(ops(t, INET_STREAM "\x02\x00\x51" "\x00" "\x00"
					    "lbl\x00" "\x01" "\x01\x00\x51"
					    "\x00" "\x00", 22),
			 0);
}

static void test_ip_address_for_inet(void **state)
{
	struct tctx *t = *state;

	compile_ok(t, "/t { network inet stream ip=10.0.0.1 port=8080, }");
	assert_int_equal(ops(t, INET_STREAM "\x00\x1f\x90"
					    "\x01\x0a\x00\x00\x01" "\x00", 16),
			 NET_ALL);
	assert_int_equal(ops(t, INET_STREAM "\x00\x1f\x90"
					    "\x01\x0a\x00\x00\x02" "\x00", 16),
			 0);
	assert_true(same_bytes(t, "/t { network inet ip=10.0.0.0/30, }",
			       "/t { network inet ip=10.0.0.0-10.0.0.3, }"));
	assert_false(same_bytes(t, "/t { network inet ip=10.0.0.0/30, }",
				"/t { network inet ip=10.0.0.0/31, }"));
}

static void test_ip_address_for_inet6(void **state)
{
	struct tctx *t = *state;
	char s[40];

	compile_ok(t, "/t { network inet6 stream ip=::1, }");
	memcpy(s, INET6_STREAM "\x00\x12\x34" "\x02", 11);
	memset(s + 11, 0, 16);
	s[26] = 1;
	s[27] = 0;
	assert_int_equal(ops(t, s, 28), NET_ALL);
	s[26] = 2;
	assert_int_equal(ops(t, s, 28), 0);
	/* an inet6 rule says nothing about inet */
	memcpy(s, INET_STREAM, 7);
	memcpy(s + 7, "\x00\x12\x34" "\x00" "\x00", 5);
	assert_int_equal(ops(t, s, 12), 0);
}

static void test_prefix_carries_only_create_and_continue(void **state)
{
	struct tctx *t = *state;

	compile_ok(t, "/t { network inet stream, network unix stream, }");
	assert_int_equal(pdb(t, "\x0e\x00\x02\x00\x01", 5),
			 NET_CREATE | NET_CONT);
	assert_int_equal(pdb(t, "\x0e\x00\x01\x00\x01", 5), NET_ALL);
	assert_int_equal(ops(t, INET_STREAM "\x00\x12\x34" "\x00" "\x00", 12),
			 NET_ALL);
}

static void test_label_condition_needs_network_v9(void **state)
{
	struct tctx *t = *state;

	assert_int_not_equal(compile_text(t, "/t { network peer=(label=foo), }"),
			     0);
	t->opts.extension_downgrade = true;
	assert_true(same_bytes(t, "/t { network peer=(label=foo), }",
			       "/t { network, }"));
	assert_true(same_bytes(t, "/t { deny network peer=(label=foo), }",
			       "/t { }"));
}

static void test_61_drops_conditions_to_family_and_type(void **state)
{
	struct tctx *t = *state;

	assert_true(same_bytes(t, "/t { network inet stream port=80, }",
			       "/t { network inet stream, }"));
	assert_true(same_bytes(t, "/t { network port=80, }",
			       "/t { network inet, network inet6, }"));
	assert_true(same_bytes(t, "/t { deny network inet ip=10.0.0.1, }",
			       "/t { }"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(x) cmocka_unit_test_setup_teardown(x, setup, teardown)
		T(test_port_range_equals_union_of_single_ports),
		T(test_port_range_differs_from_single_port),
		T(test_bind_and_connect_operations_differ),
		T(test_peer_and_local_port_differ),
		T(test_ip_address_for_inet),
		T(test_ip_address_for_inet6),
		T(test_prefix_carries_only_create_and_continue),
		T(test_label_condition_needs_network_v9),
		cmocka_unit_test_setup_teardown(
			test_61_drops_conditions_to_family_and_type, setup_61,
			teardown),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
