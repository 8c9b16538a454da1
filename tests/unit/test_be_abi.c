/* Unit tests for the backend's feature decisions, on the Debian 6.1
 * feature set bundled in examples/ and on hand-written feature text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arena.h"
#include "backend.h"
#include "feat.h"

static int setup(void **state)
{
	*state = arena_create();
	return 0;
}

static int teardown(void **state)
{
	arena_destroy(*state);
	return 0;
}

static const struct features *load(struct arena *a, const char *path)
{
	struct features *f = NULL;
	const char *err = NULL;

	assert_int_equal(feat_load(a, path, &f, &err), 0);
	return f;
}

static const struct features *parse(struct arena *a, const char *text)
{
	struct features *f = NULL;
	const char *err = NULL;

	assert_int_equal(feat_parse(a, text, strlen(text), &f, &err), 0);
	return f;
}

static void test_linux61_features_select_abi7_with_policydb(void **state)
{
	struct be_abi abi;

	be_abi_from_features(load(*state, "examples/abi/linux-6.1"), NULL,
			     &abi);
	assert_int_equal(abi.version, 7);
	assert_true(abi.policydb);
	assert_true(abi.mount);
	assert_true(abi.signal);
	assert_true(abi.ptrace);
	assert_true(abi.network_v8);
	assert_false(abi.dbus);
	assert_false(abi.unix_fine);
	assert_true(abi.stack);
	assert_true(abi.xattr);
	assert_false(abi.diff_encode);
	assert_int_equal(abi.caps_known, (1ULL << 41) - 1);
	assert_int_equal(abi.rlimits_known, 0xffff);
}

static void test_no_features_fall_back_to_abi5_file_only(void **state)
{
	struct be_abi abi;

	(void)state;
	be_abi_from_features(NULL, NULL, &abi);
	assert_int_equal(abi.version, 5);
	assert_false(abi.policydb);
	assert_false(abi.network_v8);
}

static void test_policy_abi_intersects_kernel(void **state)
{
	struct be_abi abi;
	const struct features *k = load(*state, "examples/abi/linux-6.1");
	const struct features *p = parse(*state,
		"policy {versions {v6 {yes\n}\n}\n}\nsignal {mask {hup\n}\n}\n");

	be_abi_from_features(k, p, &abi);
	assert_int_equal(abi.version, 6);
	assert_true(abi.signal);
	assert_false(abi.mount);
	assert_false(abi.network_v8);
}

/* The cache compares entries with this word: for 6.1 it is ABI 7 with
 * parser ABI 2 and policy version 2 (cli.md 6.3), never complain. */
static void test_header_word_packs_kernel_and_parser_abi(void **state)
{
	struct be_options o = { 0 };

	o.kernel = load(*state, "examples/abi/linux-6.1");
	assert_int_equal(be_header_word(&o), 7u | (2u << 12) | (2u << 20));
	o.kernel = NULL;
	assert_int_equal(be_header_word(&o), 5u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_linux61_features_select_abi7_with_policydb, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_features_fall_back_to_abi5_file_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_abi_intersects_kernel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_word_packs_kernel_and_parser_abi, setup, teardown),
	};

	return cmocka_run_group_tests_name("be_abi", tests, NULL, NULL);
}
