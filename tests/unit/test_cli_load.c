/* Unit tests of apparmor_parser's loading and job helpers: blob
 * splitting and naming, the refusal reasons and exit statuses, the
 * order of -v success lines, the write units with and without set_load
 * (through a fake apparmorfs directory), and the -j worker count. The
 * cli/ sources are not in a library, so this file compiles them in.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../cli/load.c"
#include "../../cli/jobs.c"

#include "arena.h"

/* Appends one blob for profile @name (namespace @ns or NULL). */
static size_t put_blob(uint8_t *p, const char *ns, const char *name)
{
	static const uint8_t hdr[16] = {0x04, 0x08, 0x00, 'v', 'e',  'r',
					's',  'i',  'o',  'n', 0x00, 0x02,
					0x07, 0x20, 0x20, 0x00};
	static const char prof[] = "\x04\x08\x00profile\x00\x07";
	size_t n = 0, l;

	memcpy(p, hdr, sizeof(hdr));
	n += sizeof(hdr);
	if (ns) {
		memcpy(p + n, "\x04\x0a\x00namespace\x00", 13);
		n += 13;
		l = strlen(ns) + 1;
		p[n++] = 0x05;
		p[n++] = (uint8_t)l;
		p[n++] = 0;
		memcpy(p + n, ns, l);
		n += l;
	}
	memcpy(p + n, prof, sizeof(prof) - 1);
	n += sizeof(prof) - 1;
	l = strlen(name) + 1;
	p[n++] = 0x05;
	p[n++] = (uint8_t)l;
	p[n++] = 0;
	memcpy(p + n, name, l);
	n += l;
	memcpy(p + n, "\x08\x08", 2); /* two STRUCTENDs as body */
	return n + 2;
}

static void test_blob_split_reads_names_and_namespaces(void **state)
{
	struct arena *a = arena_create();
	uint8_t buf[1024];
	size_t len = 0, n;
	struct cli_blob *v;

	(void)state;
	len += put_blob(buf + len, NULL, "b");
	len += put_blob(buf + len, NULL, "b//h1");
	len += put_blob(buf + len, NULL, "b//h1//x");
	len += put_blob(buf + len, "ns", "q");
	assert_int_equal(cli_blob_split(a, buf, len, &v, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(v[0].name, "b");
	assert_null(v[0].ns);
	assert_int_equal(v[1].depth, 1);
	assert_int_equal(v[2].depth, 2);
	assert_string_equal(v[3].ns, "ns");
	assert_string_equal(v[3].name, "q");
	assert_int_equal(v[0].off, 0);
	assert_int_equal(v[3].off + v[3].len, len);
	assert_int_equal(v[1].off, v[0].len);
	arena_destroy(a);
}

static void test_blob_split_refuses_a_buffer_without_header(void **state)
{
	struct arena *a = arena_create();
	struct cli_blob *v;
	size_t n;

	(void)state;
	assert_int_equal(cli_blob_split(a, (const uint8_t *)"garbage data!!!!!",
					17, &v, &n),
			 -EPROTO);
	arena_destroy(a);
}

static void test_refusal_reasons_and_exit_status(void **state)
{
	struct arena *a = arena_create();

	(void)state;
	assert_string_equal(cli_kernel_reason(a, EEXIST),
			    "Profile already exists");
	assert_string_equal(cli_kernel_reason(a, ENOENT),
			    "Profile doesn't exist");
	assert_string_equal(
		cli_kernel_reason(a, EACCES),
		"Permission denied; attempted to load a profile while confined?");
	assert_string_equal(cli_kernel_reason(a, ENOSPC),
			    "Unknown error (28): No space left on device");
	assert_int_equal(cli_exit_errno(EEXIST), 17);
	assert_int_equal(cli_exit_errno(133), 1);
	arena_destroy(a);
}

/* Runs cli_load_unit with no kernel (-Q) and returns the -v lines. */
static char *verbose_lines(const uint8_t *buf, size_t len, bool set_load)
{
	struct arena *a = arena_create();
	struct cli_kernel k = {NULL, set_load};
	struct cli_load l = {0};
	char *text = NULL;
	size_t tl = 0;
	FILE *out = open_memstream(&text, &tl);

	l.progname = "apparmor_parser";
	l.data = buf;
	l.len = len;
	l.replace = true;
	l.verbose = true;
	assert_int_equal(cli_load_unit(&k, a, &l, out, stderr), 0);
	fclose(out);
	arena_destroy(a);
	return text;
}

static void test_success_lines_put_children_before_parent(void **state)
{
	uint8_t buf[2048];
	size_t len = 0;
	char *text;

	(void)state;
	len += put_blob(buf + len, NULL, "b");
	len += put_blob(buf + len, NULL, "b//x");
	len += put_blob(buf + len, NULL, "b//y");
	len += put_blob(buf + len, NULL, "b//y//h2");
	len += put_blob(buf + len, NULL, "c");
	for (int s = 0; s < 2; s++) {
		text = verbose_lines(buf, len, s);
		assert_string_equal(text, "Replacement succeeded for \"x\".\n"
					  "Replacement succeeded for \"h2\".\n"
					  "Replacement succeeded for \"y\".\n"
					  "Replacement succeeded for \"b\".\n"
					  "Replacement succeeded for \"c\".\n");
		free(text);
	}
}

/* A fake apparmorfs whose .replace is a regular file: every write starts
 * at offset 0, so the file shows the last write over the longer ones.
 */
static void fake_fs(char *dir)
{
	char path[256];
	FILE *f;

	strcpy(dir, "/tmp/test_cli_load.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/.replace", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
}

static size_t read_replace(const char *dir, uint8_t *buf, size_t cap)
{
	char path[256];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/.replace", dir);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(buf, 1, cap, f);
	fclose(f);
	unlink(path);
	rmdir(dir);
	return n;
}

static void load_into(const char *dir, const char *features, const uint8_t *buf,
		      size_t len)
{
	struct arena *a = arena_create();
	struct cli_kernel k;
	struct cli_load l = {0};
	aa_features *kf = NULL;

	assert_int_equal(
		aa_features_new_from_string(&kf, features, strlen(features)),
		0);
	assert_int_equal(cli_kernel_open(&k, kf, dir), 0);
	l.progname = "apparmor_parser";
	l.data = buf;
	l.len = len;
	l.replace = true;
	assert_int_equal(cli_load_unit(&k, a, &l, stdout, stderr), 0);
	cli_kernel_close(&k);
	aa_features_unref(kf);
	arena_destroy(a);
}

static void test_set_load_writes_a_unit_at_once(void **state)
{
	uint8_t buf[2048], got[4096];
	size_t len = 0, n;
	char dir[64];

	(void)state;
	len += put_blob(buf + len, NULL, "a");
	len += put_blob(buf + len, NULL, "a//h");
	len += put_blob(buf + len, NULL, "b");
	fake_fs(dir);
	load_into(dir, "policy {set_load {yes\n}\n}\n", buf, len);
	n = read_replace(dir, got, sizeof(got));
	assert_int_equal(n, len);
	assert_memory_equal(got, buf, len);
}

static void test_without_set_load_each_profile_is_a_write(void **state)
{
	uint8_t buf[2048], got[4096];
	size_t len = 0, n, blen;
	char dir[64];

	(void)state;
	len += put_blob(buf + len, NULL, "a");
	len += put_blob(buf + len, NULL, "a//h");
	blen = put_blob(buf + len, NULL, "b");
	len += blen;
	fake_fs(dir);
	load_into(dir, "policy {versions {v5 {yes\n}\n}\n}\n", buf, len);
	n = read_replace(dir, got, sizeof(got));
	/* the last write, "b" alone, lies over the longer first ones */
	assert_true(n > blen);
	assert_memory_equal(got, buf + len - blen, blen);
}

static void test_jobs_count(void **state)
{
	struct cli c;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	(void)state;
	memset(&c, 0, sizeof(c));
	c.jobs = 3;
	c.max_jobs = -1;
	assert_int_equal(cli_jobs_count(&c, 10), 3);
	assert_int_equal(cli_jobs_count(&c, 2), 2);
	c.jobs = 0;
	assert_int_equal(cli_jobs_count(&c, 10), 0);
	c.jobs = -2;
	assert_int_equal(cli_jobs_count(&c, 50), 50);
	c.jobs = -1;
	c.jobs_mul = 2;
	assert_int_equal(cli_jobs_count(&c, 1000), 2 * cpus);
	c.max_jobs = 1;
	assert_int_equal(cli_jobs_count(&c, 1000), 1);
}

/* Job runner context: records the order of emits. */
struct order_ctx {
	char seen[64];
	size_t n;
	size_t stop_at;
};

static void order_run(void *ctx, size_t i, struct cli_result *res)
{
	(void)ctx;
	/* later units finish first */
	usleep((useconds_t)(8 - i) * 2000);

	res->rc = (int)i;
	res->data = xmalloc(1);
	res->data[0] = (uint8_t)('a' + i);
	res->len = 1;
	res->has_data = true;
}

static bool order_emit(void *ctx, size_t i, struct cli_result *res)
{
	struct order_ctx *o = ctx;

	assert_int_equal(res->rc, (int)i);
	assert_int_equal(res->len, 1);
	o->seen[o->n++] = (char)res->data[0];
	return i == o->stop_at;
}

static void test_jobs_emit_in_input_order_and_stop(void **state)
{
	static const struct cli_job_ops ops = {order_run, order_emit};
	struct order_ctx o;

	(void)state;
	for (long jobs = 0; jobs <= 4; jobs += 4) {
		memset(&o, 0, sizeof(o));
		o.stop_at = 100;
		cli_jobs_run(8, jobs, false, &ops, &o);
		assert_string_equal(o.seen, "abcdefgh");
		memset(&o, 0, sizeof(o));
		o.stop_at = 2;
		cli_jobs_run(8, jobs, false, &ops, &o);
		assert_string_equal(o.seen, "abc");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blob_split_reads_names_and_namespaces),
		cmocka_unit_test(
			test_blob_split_refuses_a_buffer_without_header),
		cmocka_unit_test(test_refusal_reasons_and_exit_status),
		cmocka_unit_test(test_success_lines_put_children_before_parent),
		cmocka_unit_test(test_set_load_writes_a_unit_at_once),
		cmocka_unit_test(test_without_set_load_each_profile_is_a_write),
		cmocka_unit_test(test_jobs_count),
		cmocka_unit_test(test_jobs_emit_in_input_order_and_stop),
	};

	return cmocka_run_group_tests_name("cli_load", tests, NULL, NULL);
}
