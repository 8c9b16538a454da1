/* Attachment (xmatch) lowering end to end: profile text through the front
 * end and be_compile(), the blob read back with the policy reader, and the
 * xmatch automaton walked the way 6.1's find_attach and aa_xattrs_match
 * walk it (policy-blob.md 5.3, 5.6, 7.4), with the xattrs of an imagined
 * executable.
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
	struct features *noxattr; /* the same without attach_conditions */
	struct diag_config dcfg;
	struct cu_opts opts;
	struct cu *cu;
	struct be_result res;
	struct policy_set *set;
	struct arena *pa; /* parsed blobs */
};

/* One extended attribute of the imagined executable. */
struct xa {
	const char *name;
	const char *value;
	size_t len; /* 0: strlen(value) */
};

static const char *features_path(void)
{
	const char *p = getenv("BE_DRIVER_FEATURES");

	return p ? p : "../shared/features/linux-6.1-debian.features";
}

/* The features text with the block "attach_conditions {...}" cut out. */
static int load_noxattr(struct tctx *t)
{
	static const char cut[] = "attach_conditions {xattr {yes\n}\n}\n";
	FILE *f = fopen(features_path(), "rb");
	char *buf = malloc(1 << 16), *at;
	size_t n;
	const char *err;
	int rc;

	if (!f || !buf) {
		if (f)
			fclose(f);
		free(buf);
		return -1;
	}
	n = fread(buf, 1, (1 << 16) - 1, f);
	fclose(f);
	buf[n] = '\0';
	at = strstr(buf, cut);
	if (!at) {
		free(buf);
		return -1;
	}
	memmove(at, at + strlen(cut), strlen(at + strlen(cut)) + 1);
	rc = feat_parse(t->fa, buf, strlen(buf), &t->noxattr, &err);
	free(buf);
	return rc;
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
	if (load_noxattr(t)) {
		print_error("features: no attach_conditions block to cut\n");
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

/* Compiles @text for @feat and reads the first write back. */
static void compile_for(struct tctx *t, struct features *feat, const char *text)
{
	struct ir_policy *pol = NULL;
	struct be_options bo = {0};
	struct policy_error perr;

	cu_destroy(t->cu);
	t->opts.kernel_features = feat;
	t->opts.policy_features = feat;
	t->cu = cu_create(&t->opts, NULL);
	if (fe_parse_buffer(t->cu, "test.sd", text, strlen(text), &pol)) {
		diag_flush(t->cu, stderr);
		fail_msg("front end refused the profile");
	}
	bo.kernel = feat;
	bo.policy = feat;
	if (be_compile(t->cu, pol, &bo, &t->res)) {
		diag_flush(t->cu, stderr);
		fail_msg("backend refused the profile");
	}
	assert_true(t->res.nwrites >= 1);
	if (policy_read(t->pa, t->res.writes[0].data, t->res.writes[0].len,
			&t->set, &perr))
		fail_msg("blob rejected at %zu: %s", perr.offset, perr.msg);
}

static void compile_ok(struct tctx *t, const char *text)
{
	compile_for(t, t->feat, text);
}

static const struct policy_profile *prof(struct tctx *t, const char *name)
{
	for (size_t i = 0; i < t->set->n; i++)
		if (!strcmp(t->set->profiles[i].fqname, name))
			return &t->set->profiles[i];
	fail_msg("profile %s not in the blob", name);
	return NULL;
}

/* What 6.1 decides for an exec of @path carrying the attributes @xv:
 * -1 the profile does not attach, else the number of its xattrs that
 * matched (find_attach and aa_xattrs_match, domain.c).
 */
static int attach(const struct policy_profile *p, const char *path,
		  const struct xa *xv, size_t nx)
{
	const struct policy_dfa *d = p->xmatch;
	uint32_t s;
	int matched = (int)p->nxattrs;

	assert_non_null(d);
	s = policy_dfa_match(d, 1, path);
	if (!(d->accept[s] & 1))
		return -1;
	if (!p->nxattrs)
		return 0;
	s = policy_dfa_oob(d, s);
	for (uint32_t i = 0; i < p->nxattrs; i++) {
		const struct xa *v = NULL;

		for (size_t k = 0; k < nx; k++)
			if (!strcmp(xv[k].name, p->xattrs[i]))
				v = &xv[k];
		if (v) {
			s = policy_dfa_step(d, s, 0);
			s = policy_dfa_match_len(d, s, v->value,
						 v->len ? v->len
							: strlen(v->value));
			if (!(d->accept[s] & 1))
				return -1;
		}
		s = policy_dfa_oob(d, s);
		if (!v) {
			if (!s)
				return -1;
			matched--;
		}
	}
	return matched;
}

static void test_xattrs_keep_reverse_declaration_order(void **state)
{
	struct tctx *t = *state;
	const struct policy_profile *p;

	compile_ok(t, "profile foo /usr/bin/foo* "
		      "xattrs=(user.foo=bar security.x user.b=1) { }\n");
	p = prof(t, "foo");
	assert_int_equal(p->nxattrs, 3);
	assert_string_equal(p->xattrs[0], "user.b");
	assert_string_equal(p->xattrs[1], "security.x");
	assert_string_equal(p->xattrs[2], "user.foo");
	assert_int_equal(p->xmatch_len, 12);
	assert_int_equal(p->xmatch->hflags & 2, 2);
}

static void test_every_condition_must_hold(void **state)
{
	struct tctx *t = *state;
	const struct policy_profile *p;
	struct xa all[] = {{"user.foo", "bar", 0},
			   {"security.x", "anything", 0},
			   {"user.b", "1", 0}};
	struct xa wrong[] = {{"user.foo", "baz", 0},
			     {"security.x", "anything", 0},
			     {"user.b", "1", 0}};

	compile_ok(t, "profile foo /usr/bin/foo* "
		      "xattrs=(user.foo=bar security.x user.b=1) { }\n");
	p = prof(t, "foo");
	assert_int_equal(attach(p, "/usr/bin/foobar", all, 3), 3);
	assert_int_equal(attach(p, "/usr/bin/fo", all, 3), -1);
	assert_int_equal(attach(p, "/usr/bin/foobar", wrong, 3), -1);
	assert_int_equal(attach(p, "/usr/bin/foobar", all, 2), -1);
	assert_int_equal(attach(p, "/usr/bin/foobar", all + 1, 2), -1);
	assert_int_equal(attach(p, "/usr/bin/foobar", NULL, 0), -1);
}

static void test_name_without_value_matches_any_value(void **state)
{
	struct tctx *t = *state;
	const struct policy_profile *p;
	struct xa empty[] = {{"security.x", "", 0}};
	struct xa bin[] = {{"security.x", "a\0/b", 4}};
	struct xa long_v[] = {{"security.x", "/x/y/zzzzzzzzzzzzzz", 0}};

	compile_ok(t, "profile p /p/* xattrs=(security.x) { }\n");
	p = prof(t, "p");
	assert_int_equal(attach(p, "/p/a", empty, 1), 1);
	assert_int_equal(attach(p, "/p/a", bin, 1), 1);
	assert_int_equal(attach(p, "/p/a", long_v, 1), 1);
	assert_int_equal(attach(p, "/p/a", NULL, 0), -1);
	assert_int_equal(attach(p, "/q/a", empty, 1), -1);
}

static void test_value_globs_use_the_nul_dialect(void **state)
{
	struct tctx *t = *state;
	const struct policy_profile *p;
	struct xa nul[] = {{"user.a", "ab\0c", 4}, {"user.b", "x/y", 0}};
	struct xa slash[] = {{"user.a", "a/b", 0}, {"user.b", "x", 0}};
	struct xa exact[] = {{"user.a", "a", 0}, {"user.b", "", 0}};

	compile_ok(t, "profile p /p/x xattrs=(user.a=\"a*\" user.b=\"**\") "
		      "{ }\n");
	p = prof(t, "p");
	assert_int_equal(attach(p, "/p/x", nul, 2), 2);
	assert_int_equal(attach(p, "/p/x", slash, 2), -1);
	assert_int_equal(attach(p, "/p/x", exact, 2), 2);
}

static void test_alternation_in_a_value(void **state)
{
	struct tctx *t = *state;
	const struct policy_profile *p;
	struct xa y[] = {{"user.b", "xy", 0}};
	struct xa z[] = {{"user.b", "xz", 0}};
	struct xa w[] = {{"user.b", "xw", 0}};

	compile_ok(t, "profile v /v/** xattrs=(user.b=\"x{y,z}\") { }\n");
	p = prof(t, "v");
	assert_int_equal(attach(p, "/v/a/b", y, 1), 1);
	assert_int_equal(attach(p, "/v/a/b", z, 1), 1);
	assert_int_equal(attach(p, "/v/a/b", w, 1), -1);
	assert_int_equal(p->xmatch_len, 4);
}

static void test_plain_path_with_xattrs_gets_an_xmatch(void **state)
{
	struct tctx *t = *state;
	const struct policy_profile *p;
	struct xa v[] = {{"myvalue", "1", 0}};

	compile_ok(t, "/usr/bin/xattrs-test xattrs=(myvalue) { }\n"
		      "/usr/bin/plain { }\n");
	p = prof(t, "/usr/bin/xattrs-test");
	assert_int_equal(p->xmatch_len, 20);
	assert_int_equal(attach(p, "/usr/bin/xattrs-test", v, 1), 1);
	assert_int_equal(attach(p, "/usr/bin/xattrs-tes", v, 1), -1);
	assert_null(prof(t, "/usr/bin/plain")->xmatch);
}

static void test_name_stands_for_a_missing_attachment(void **state)
{
	struct tctx *t = *state;
	const struct policy_profile *p;
	struct xa v[] = {{"user.a", "b", 0}};

	compile_ok(t, "profile nopath xattrs=(user.a=b) { }\n");
	p = prof(t, "nopath");
	assert_int_equal(p->xmatch_len, 6);
	assert_int_equal(attach(p, "nopath", v, 1), 1);
}

static void test_duplicate_names_are_kept(void **state)
{
	struct tctx *t = *state;
	const struct policy_profile *p;
	struct xa one[] = {{"user.a", "1", 0}};

	compile_ok(t, "profile d /d/* xattrs=(user.a=1 user.a=2) { }\n");
	p = prof(t, "d");
	assert_int_equal(p->nxattrs, 2);
	/* the one attribute cannot be both 2 and 1 */
	assert_int_equal(attach(p, "/d/a", one, 1), -1);
}

static void test_path_only_xmatch_has_no_oob(void **state)
{
	struct tctx *t = *state;
	const struct policy_profile *p;

	compile_ok(t, "profile g /g/* { }\n");
	p = prof(t, "g");
	assert_int_equal(p->nxattrs, 0);
	assert_int_equal(p->xmatch->hflags & 2, 0);
	assert_int_equal(attach(p, "/g/x", NULL, 0), 0);
	assert_int_equal(policy_dfa_oob(p->xmatch,
					policy_dfa_match(p->xmatch, 1, "/g/x")),
			 0);
}

static void test_xattrs_dropped_without_the_kernel_feature(void **state)
{
	struct tctx *t = *state;
	const struct policy_profile *p;

	compile_for(t, t->noxattr,
		    "profile foo /usr/bin/foo* xattrs=(user.foo=bar) { }\n"
		    "/usr/bin/plain xattrs=(user.a) { }\n");
	p = prof(t, "foo");
	assert_int_equal(p->nxattrs, 0);
	assert_int_equal(p->xmatch->hflags & 2, 0);
	assert_int_equal(attach(p, "/usr/bin/foobar", NULL, 0), 0);
	/* as with 3.0.8, the conditions still make an xmatch of the name */
	p = prof(t, "/usr/bin/plain");
	assert_int_equal(p->nxattrs, 0);
	assert_int_equal(p->xmatch_len, 14);
	assert_int_equal(attach(p, "/usr/bin/plain", NULL, 0), 0);
	assert_int_equal(attach(p, "/usr/bin/plai", NULL, 0), -1);
}

static void test_children_attach_hats_do_not(void **state)
{
	struct tctx *t = *state;
	struct xa v[] = {{"user.c", "1", 0}};

	compile_ok(t, "profile h /h/* {\n ^hat { }\n"
		      " profile child /c/* xattrs=(user.c=1) { }\n}\n");
	assert_null(prof(t, "h//hat")->xmatch);
	assert_int_equal(attach(prof(t, "h//child"), "/c/a", v, 1), 1);
	assert_int_equal(attach(prof(t, "h"), "/h/a", NULL, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xattrs_keep_reverse_declaration_order),
		cmocka_unit_test(test_every_condition_must_hold),
		cmocka_unit_test(test_name_without_value_matches_any_value),
		cmocka_unit_test(test_value_globs_use_the_nul_dialect),
		cmocka_unit_test(test_alternation_in_a_value),
		cmocka_unit_test(test_plain_path_with_xattrs_gets_an_xmatch),
		cmocka_unit_test(test_name_stands_for_a_missing_attachment),
		cmocka_unit_test(test_duplicate_names_are_kept),
		cmocka_unit_test(test_path_only_xmatch_has_no_oob),
		cmocka_unit_test(
			test_xattrs_dropped_without_the_kernel_feature),
		cmocka_unit_test(test_children_attach_hats_do_not),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
