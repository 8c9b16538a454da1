/* Unit tests for the features model: the flattened text format, the
 * directory-tree flattening and the path queries, on real feature files
 * from ../shared (skipped when absent).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "arena.h"
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

/* The shared directory next to the repository, or NULL. */
static const char *shared_dir(void)
{
	static const char *const cands[] = {"../shared", "../../shared",
					    "/work/shared"};
	struct stat sb;

	for (size_t i = 0; i < sizeof(cands) / sizeof(*cands); i++)
		if (stat(cands[i], &sb) == 0 && S_ISDIR(sb.st_mode))
			return cands[i];
	return NULL;
}

static struct features *load_shared(struct arena *a, const char *rel)
{
	const char *dir = shared_dir();
	struct features *f = NULL;
	const char *err = NULL;
	char path[512];

	if (!dir)
		return NULL;
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_int_equal(feat_load(a, path, &f, &err), 0);
	return f;
}

static void test_parse_nested_leaf_values(void **state)
{
	static const char t[] = "caps {mask {chown kill bpf\n}\n}\n"
				"domain {stack {yes\n}\nversion {1.2\n}\n}\n"
				"namespaces {pivot_root {no\n}\n}\n";
	struct features *f;
	const char *err;

	assert_int_equal(feat_parse(*state, t, strlen(t), &f, &err), 0);
	assert_string_equal(feat_value(f, "caps/mask"), "chown kill bpf");
	assert_string_equal(feat_value(f, "domain/version"), "1.2");
	assert_true(feat_has(f, "domain/stack"));
	assert_true(feat_has(f, "domain"));
	assert_null(feat_value(f, "domain"));
}

static void test_has_is_false_for_no_and_absent(void **state)
{
	static const char t[] = "namespaces {pivot_root {no\n}\n}\n";
	struct features *f;
	const char *err;

	assert_int_equal(feat_parse(*state, t, strlen(t), &f, &err), 0);
	assert_false(feat_has(f, "namespaces/pivot_root"));
	assert_false(feat_has(f, "namespaces/profile"));
	assert_false(feat_has(f, "dbus"));
	assert_false(feat_has(NULL, "dbus"));
}

static void test_has_word_matches_whole_words(void **state)
{
	static const char t[] = "caps {mask {chown kill bpf\n}\n}\n";
	struct features *f;
	const char *err;

	assert_int_equal(feat_parse(*state, t, strlen(t), &f, &err), 0);
	assert_true(feat_has_word(f, "caps/mask", "bpf"));
	assert_true(feat_has_word(f, "caps/mask", "chown"));
	assert_false(feat_has_word(f, "caps/mask", "kil"));
	assert_false(feat_has_word(f, "caps/nothing", "kill"));
}

static void test_parse_rejects_unbalanced_braces(void **state)
{
	static const char t1[] = "caps {mask {chown\n}\n";
	static const char t2[] = "caps {yes\n}\n}\n";
	struct features *f;
	const char *err = NULL;

	assert_int_equal(feat_parse(*state, t1, strlen(t1), &f, &err), -EINVAL);
	assert_non_null(err);
	assert_int_equal(feat_parse(*state, t2, strlen(t2), &f, &err), -EINVAL);
}

static void test_parse_rejects_missing_open_brace(void **state)
{
	static const char t[] = "caps mask\n";
	struct features *f;
	const char *err = NULL;

	assert_int_equal(feat_parse(*state, t, strlen(t), &f, &err), -EINVAL);
}

static void test_load_debian_61_features(void **state)
{
	struct features *f =
		load_shared(*state, "features/linux-6.1-debian.features");

	if (!f)
		skip();
	assert_true(feat_has(f, "network_v8"));
	assert_false(feat_has(f, "network"));
	assert_true(feat_has(f, "domain/stack"));
	assert_true(feat_has(f, "domain/attach_conditions/xattr"));
	assert_true(feat_has_word(f, "caps/mask", "checkpoint_restore"));
	assert_true(feat_has_word(f, "network_v8/af_mask", "mctp"));
	assert_true(feat_has_word(f, "mount/mask", "pivot_root"));
	assert_false(feat_has(f, "namespaces/pivot_root"));
	assert_false(feat_has(f, "dbus"));
	assert_string_equal(feat_value(f, "policy/outofband"), "0x000001");
	assert_true(feat_has(f, "policy/versions/v9"));
}

static void test_load_every_corpus_features_file(void **state)
{
	static const char *const files[] = {
		"features.af_inet",
		"features.all",
		"features.dbus",
		"features.extended-perms-no-policydb",
		"features.extended-perms-policydb",
		"features.mount",
		"features.mount+dbus",
		"features.nopolicydb",
	};
	char rel[256];

	if (!shared_dir())
		skip();
	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
		struct features *f;

		snprintf(rel, sizeof(rel), "corpus/features_files/%s",
			 files[i]);
		f = load_shared(*state, rel);
		assert_non_null(f);
		assert_true(feat_has_word(f, "caps/mask", "chown"));
	}
}

static void test_features_all_has_dbus_and_old_network(void **state)
{
	struct features *f =
		load_shared(*state, "corpus/features_files/features.all");

	if (!f)
		skip();
	assert_true(feat_has_word(f, "dbus/mask", "acquire"));
	assert_true(feat_has(f, "network/af_unix"));
	assert_true(feat_has_word(f, "signal/mask", "lost"));
}

/* Builds a tree in a temporary directory and checks the flattening. */
static void test_load_directory_tree_flattens_sorted(void **state)
{
	char tmpl[] = "/tmp/featXXXXXX";
	char *d = mkdtemp(tmpl);
	char p[256];
	struct features *f;
	const char *err;
	FILE *fp;

	assert_non_null(d);
	snprintf(p, sizeof(p), "%s/domain", d);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/domain/stack", d);
	fp = fopen(p, "w");
	fputs("yes\n", fp);
	fclose(fp);
	snprintf(p, sizeof(p), "%s/capability", d);
	fp = fopen(p, "w");
	fputs("0xffffff\n", fp);
	fclose(fp);
	assert_int_equal(feat_load(*state, d, &f, &err), 0);
	assert_string_equal(
		f->text, "capability {0xffffff\n}\ndomain {stack {yes\n}\n}\n");
	assert_true(feat_has(f, "domain/stack"));
	snprintf(p, sizeof(p), "%s/domain/stack", d);
	unlink(p);
	snprintf(p, sizeof(p), "%s/domain", d);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/capability", d);
	unlink(p);
	rmdir(d);
}

static void test_load_missing_file_is_enoent(void **state)
{
	struct features *f;
	const char *err = NULL;

	assert_int_equal(feat_load(*state, "/nonexistent/features", &f, &err),
			 -ENOENT);
	assert_non_null(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(x) cmocka_unit_test_setup_teardown(x, setup, teardown)
		T(test_parse_nested_leaf_values),
		T(test_has_is_false_for_no_and_absent),
		T(test_has_word_matches_whole_words),
		T(test_parse_rejects_unbalanced_braces),
		T(test_parse_rejects_missing_open_brace),
		T(test_load_debian_61_features),
		T(test_load_every_corpus_features_file),
		T(test_features_all_has_dbus_and_old_network),
		T(test_load_directory_tree_flattens_sorted),
		T(test_load_missing_file_is_enoent),
#undef T
	};

	return cmocka_run_group_tests_name("features", tests, NULL, NULL);
}
