/* Unit tests of the policy cache (cli/cache.c, spec/cli.md 6 and 7.6):
 * directory naming against upstream 3.0.8, validity by mtime, header,
 * version word and complete units, atomic writes and their failures.
 * The cli/ sources are not in a library, so this file compiles cache.c
 * in directly. Blobs come from our own backend compiling real text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../cli/cache.c"

#include "arena.h"
#include "backend.h"
#include "fe.h"
#include "feat.h"
#include "ir.h"

/* Directory names 3.0.8 creates, checked on this machine with
 * `apparmor_parser -QS -W -L DIR -M FILE` and --print-cache-dir.
 */
#define UPSTREAM_ID_LINUX61 "6b0d76a2.0"
#define UPSTREAM_ID_DEBIAN_PIN "c08a2770.0"
#define DEBIAN_PIN "/usr/share/apparmor-features/features"

struct fx {
	char tmp[64];	/* scratch directory */
	char loc[128];	/* cache location inside it */
	char prof[128]; /* profile file */
	char inc[128];	/* an included file */
	const char *inputs[2];
	const char *locs[4];
	struct aa_features *kf;
	struct cache_cfg cfg;
	struct cache *c;
	struct diag_config dcfg;
	struct cu_opts opts;
	struct cu *cu;
	struct arena *fa;
	struct features *feat;
	uint8_t *blob; /* real backend output (malloc) */
	size_t blen;
	uint32_t word; /* its version word */
	int saved_err; /* stderr while captured */
	char cap[128]; /* capture file */
};

static const char *features_path(void)
{
	const char *p = getenv("CACHE_TEST_FEATURES");

	return p ? p : "../shared/features/linux-6.1-debian.features";
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void set_mtime(const char *path, time_t sec, long nsec)
{
	struct timespec ts[2] = {{sec, nsec}, {sec, nsec}};

	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static struct timespec mtime_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_mtim;
}

static void rm_rf(const char *path)
{
	char *cmd = NULL;

	assert_true(asprintf(&cmd, "rm -rf '%s'", path) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/* Compiles @text with our backend and appends every write to f->blob. */
static void compile_blob(struct fx *f, const char *text)
{
	struct cu *cu = cu_create(&f->opts, NULL);
	struct ir_policy *pol = NULL;
	struct be_options bo = {0};
	struct be_result res = {0};

	assert_int_equal(fe_parse_buffer(cu, "t.sd", text, strlen(text), &pol),
			 0);
	bo.kernel = f->feat;
	bo.policy = f->feat;
	assert_int_equal(be_compile(cu, pol, &bo, &res), 0);
	for (size_t i = 0; i < res.nwrites; i++) {
		f->blob = realloc(f->blob, f->blen + res.writes[i].len);
		assert_non_null(f->blob);
		memcpy(f->blob + f->blen, res.writes[i].data,
		       res.writes[i].len);
		f->blen += res.writes[i].len;
	}
	cu_destroy(cu);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	const char *err;
	uint32_t idx;

	if (access(features_path(), R_OK) != 0) {
		print_error("features file %s missing\n", features_path());
		free(f);
		return -1;
	}
	strcpy(f->tmp, "/tmp/test_cache.XXXXXX");
	assert_non_null(mkdtemp(f->tmp));
	snprintf(f->loc, sizeof(f->loc), "%s/cache", f->tmp);
	snprintf(f->prof, sizeof(f->prof), "%s/usr.bin.foo", f->tmp);
	snprintf(f->inc, sizeof(f->inc), "%s/inc", f->tmp);
	snprintf(f->cap, sizeof(f->cap), "%s/stderr", f->tmp);
	write_file(f->prof, "profile foo {\n  #include \"inc\"\n}\n");
	write_file(f->inc, "/tmp/** r,\n");
	set_mtime(f->prof, 1700000000, 100);
	set_mtime(f->inc, 1700000000, 200);
	f->inputs[0] = f->prof;
	f->inputs[1] = f->inc;
	assert_int_equal(cache_features_load(features_path(), &f->kf), 0);
	f->locs[0] = f->loc;
	f->cfg.locs = f->locs;
	f->cfg.nlocs = 1;
	f->cfg.progname = "apparmor_parser";
	f->dcfg.warn_enabled = WARN_DEFAULT | WARN_DEBUG_CACHE;
	f->opts.diag = &f->dcfg;
	f->cu = cu_create(&f->opts, f->prof);
	assert_int_equal(cu_read_file(f->cu, f->prof,
				      (struct src_loc){UINT32_MAX, 0, 0}, &idx),
			 0);
	assert_int_equal(
		cu_read_file(f->cu, f->inc, (struct src_loc){0, 2, 3}, &idx),
		0);
	f->fa = arena_create();
	assert_int_equal(feat_load(f->fa, features_path(), &f->feat, &err), 0);
	f->opts.kernel_features = f->feat;
	f->opts.policy_features = f->feat;
	compile_blob(f, "profile a {\n  /x r,\n  ^hat {\n    /y w,\n  }\n}\n"
			"profile b {\n  capability chown,\n}\n"
			"profile :ns1:c {\n  /z r,\n}\n");
	assert_true(f->blen > 16);
	f->word = cache_le32(f->blob + 12);
	f->saved_err = -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	cache_close(f->c);
	cache_features_free(f->kf);
	cu_destroy(f->cu);
	arena_destroy(f->fa);
	free(f->blob);
	rm_rf(f->tmp);
	free(f);
	return 0;
}

/* Opens f->c on f->cfg with the given switches. */
static void open_cache(struct fx *f, bool write, bool skip_read, bool show)
{
	cache_close(f->c);
	f->c = NULL;
	f->cfg.write = write;
	f->cfg.skip_read = skip_read;
	f->cfg.show = show;
	assert_int_equal(cache_open(&f->c, &f->cfg, f->kf, f->cu), 0);
	assert_non_null(f->c);
}

static void capture_start(struct fx *f)
{
	int fd;

	fflush(stderr);
	f->saved_err = dup(2);
	assert_true(f->saved_err >= 0);
	fd = open(f->cap, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(dup2(fd, 2), 2);
	close(fd);
}

/* Ends the capture; returns what went to stderr (malloc'd). */
static char *capture_end(struct fx *f)
{
	char *buf = calloc(1, 65536);
	FILE *in;

	fflush(stderr);
	assert_int_equal(dup2(f->saved_err, 2), 2);
	close(f->saved_err);
	f->saved_err = -1;
	in = fopen(f->cap, "r");
	assert_non_null(in);
	assert_non_null(buf);
	if (fread(buf, 1, 65535, in) == 0)
		buf[0] = '\0';
	fclose(in);
	return buf;
}

static bool has_diag(const struct cu *cu, const char *text)
{
	for (size_t i = 0; i < cu->diag.n; i++)
		if (strstr(cu->diag.msgs[i].text, text))
			return true;
	return false;
}

static char *entry_path(const char *loc)
{
	char *p = NULL;

	assert_true(asprintf(&p, "%s/%s/usr.bin.foo", loc,
			     UPSTREAM_ID_LINUX61) > 0);
	return p;
}

static int read_entry(struct fx *f, void **buf, size_t *len)
{
	return cache_read(f->c, f->cu, "usr.bin.foo", f->inputs, 2, f->word,
			  buf, len);
}

static void write_entry(struct fx *f, const void *buf, size_t len)
{
	assert_int_equal(
		cache_write(f->c, f->cu, "usr.bin.foo", f->inputs, 2, buf, len),
		0);
}

/* Replaces the entry's bytes but keeps it as fresh as the inputs. */
static void rewrite_entry(struct fx *f, const void *buf, size_t len)
{
	char *path = entry_path(f->loc);
	FILE *out = fopen(path, "wb");

	assert_non_null(out);
	if (len)
		assert_int_equal(fwrite(buf, 1, len, out), len);
	assert_int_equal(fclose(out), 0);
	set_mtime(path, 1700000000, 200);
	free(path);
}

static void expect_miss(struct fx *f)
{
	void *buf = (void *)1;
	size_t len = 1;

	assert_int_equal(read_entry(f, &buf, &len), 0);
	assert_null(buf);
	assert_int_equal(len, 0);
}

static void expect_hit(struct fx *f, const void *want, size_t wlen)
{
	void *buf = NULL;
	size_t len = 0;

	assert_int_equal(read_entry(f, &buf, &len), 1);
	assert_int_equal(len, wlen);
	assert_memory_equal(buf, want, wlen);
	free(buf);
}

static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* Whether the feature directory holds anything but .features and the
 * entry (a leftover temporary file).
 */
static bool has_stray_file(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool stray = false;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    !strcmp(e->d_name, ".features") ||
		    !strcmp(e->d_name, "usr.bin.foo"))
			continue;
		stray = true;
	}
	closedir(d);
	return stray;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *in = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(in);
	fseek(in, 0, SEEK_END);
	n = ftell(in);
	rewind(in);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, in), (size_t)n);
	buf[n] = '\0';
	fclose(in);
	*len = (size_t)n;
	return buf;
}

static void test_dir_name_matches_upstream_for_linux61(void **state)
{
	struct fx *f = *state;
	char *want = NULL, *feat, *mine;
	size_t flen, mlen;
	struct stat st;

	open_cache(f, true, false, false);
	assert_true(cache_active(f->c));
	assert_true(asprintf(&want, "%s/%s", f->loc, UPSTREAM_ID_LINUX61) > 0);
	assert_string_equal(cache_dir(f->c), want);
	assert_int_equal(stat(want, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	free(want);
	assert_true(asprintf(&want, "%s/%s/.features", f->loc,
			     UPSTREAM_ID_LINUX61) > 0);
	feat = slurp(features_path(), &flen);
	mine = slurp(want, &mlen);
	assert_int_equal(flen, mlen);
	assert_memory_equal(feat, mine, flen);
	free(feat);
	free(mine);
	free(want);
}

static void test_different_features_use_different_directory(void **state)
{
	struct fx *f = *state;
	struct aa_features *kf2 = NULL;
	struct cache *c2 = NULL;
	char *other = NULL, *text, *dir1;
	size_t len;
	FILE *out;

	open_cache(f, true, false, false);
	dir1 = strdup(cache_dir(f->c));
	assert_true(asprintf(&other, "%s/other.features", f->tmp) > 0);
	text = slurp(features_path(), &len);
	out = fopen(other, "w");
	assert_non_null(out);
	fprintf(out, "%.*s extra {yes\n}\n", (int)len, text);
	fclose(out);
	free(text);
	assert_int_equal(cache_features_load(other, &kf2), 0);
	assert_int_equal(cache_open(&c2, &f->cfg, kf2, f->cu), 0);
	assert_true(cache_active(c2));
	assert_string_not_equal(cache_dir(c2), dir1);
	assert_int_equal(strncmp(cache_dir(c2), f->loc, strlen(f->loc)), 0);
	assert_int_equal(count_entries(f->loc), 2);
	cache_close(c2);
	cache_features_free(kf2);
	if (access(DEBIAN_PIN, R_OK) == 0) {
		char *want = NULL;

		assert_int_equal(cache_features_load(DEBIAN_PIN, &kf2), 0);
		assert_int_equal(cache_open(&c2, &f->cfg, kf2, f->cu), 0);
		assert_true(asprintf(&want, "%s/%s", f->loc,
				     UPSTREAM_ID_DEBIAN_PIN) > 0);
		assert_string_equal(cache_dir(c2), want);
		free(want);
		cache_close(c2);
		cache_features_free(kf2);
	}
	free(other);
	free(dir1);
}

static void test_print_dir_matches_upstream_without_creating(void **state)
{
	struct fx *f = *state;
	char *want = NULL, *got = NULL, loc2[160];
	size_t len = 0;
	FILE *out = open_memstream(&got, &len);

	snprintf(loc2, sizeof(loc2), "%s/ro", f->tmp);
	f->locs[1] = loc2;
	f->cfg.nlocs = 2;
	assert_non_null(out);
	assert_int_equal(cache_print_dir(&f->cfg, f->kf, out), 0);
	fclose(out);
	assert_true(asprintf(&want, "%s/%s\n%s/%s\n", f->loc,
			     UPSTREAM_ID_LINUX61, loc2,
			     UPSTREAM_ID_LINUX61) > 0);
	assert_string_equal(got, want);
	assert_int_equal(access(f->loc, F_OK), -1);
	free(want);
	free(got);
}

static void test_written_entry_reads_back_equal(void **state)
{
	struct fx *f = *state;
	char *path = entry_path(f->loc);
	struct timespec m;
	struct stat st;

	open_cache(f, true, false, false);
	write_entry(f, f->blob, f->blen);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal((size_t)st.st_size, f->blen);
	m = mtime_of(path);
	assert_int_equal(m.tv_sec, 1700000000);
	assert_int_equal(m.tv_nsec, 200);
	expect_hit(f, f->blob, f->blen);
	assert_string_equal(cache_hit_path(f->c), path);
	assert_false(has_stray_file(cache_dir(f->c)));
	set_mtime(f->prof, 1700000001, 0);
	expect_miss(f);
	assert_null(cache_hit_path(f->c));
	free(path);
}

static void test_stale_by_profile_mtime(void **state)
{
	struct fx *f = *state;
	char *want = NULL;

	open_cache(f, true, false, false);
	write_entry(f, f->blob, f->blen);
	set_mtime(f->prof, 1700000001, 0);
	expect_miss(f);
	assert_true(
		asprintf(&want,
			 "apparmor_parser: file '%s' is newer than cache file",
			 f->prof) > 0);
	assert_true(has_diag(f->cu, want));
	free(want);
}

static void test_stale_by_include_mtime(void **state)
{
	struct fx *f = *state;
	char *want = NULL;

	open_cache(f, true, false, false);
	write_entry(f, f->blob, f->blen);
	set_mtime(f->inc, 1700000000, 201);
	expect_miss(f);
	assert_true(asprintf(&want, "file '%s' is newer than cache file",
			     f->inc) > 0);
	assert_true(has_diag(f->cu, want));
	/* reported where it was included, as 3.0.8 does */
	assert_int_equal(f->cu->diag.n, 1);
	assert_int_equal(f->cu->diag.msgs[0].loc.file, 0);
	assert_int_equal(f->cu->diag.msgs[0].loc.line, 2);
	free(want);
}

static void test_stale_by_include_directory_mtime(void **state)
{
	struct fx *f = *state;
	const char *inputs[3] = {f->prof, f->inc, NULL};
	char *dir = NULL, *path = entry_path(f->loc);
	void *buf = NULL;
	size_t len = 0;
	struct timespec m;

	assert_true(asprintf(&dir, "%s/inc.d", f->tmp) > 0);
	assert_int_equal(mkdir(dir, 0755), 0);
	set_mtime(dir, 1700000000, 300);
	inputs[2] = dir;
	open_cache(f, true, false, false);
	assert_int_equal(cache_write(f->c, f->cu, "usr.bin.foo", inputs, 3,
				     f->blob, f->blen),
			 0);
	m = mtime_of(path);
	assert_int_equal(m.tv_nsec, 300);
	assert_int_equal(cache_read(f->c, f->cu, "usr.bin.foo", inputs, 3,
				    f->word, &buf, &len),
			 1);
	free(buf);
	set_mtime(dir, 1700000000, 301);
	assert_int_equal(cache_read(f->c, f->cu, "usr.bin.foo", inputs, 3,
				    f->word, &buf, &len),
			 0);
	assert_true(has_diag(f->cu, "inc.d' is newer than cache file"));
	free(dir);
	free(path);
}

static void test_equal_mtime_is_fresh(void **state)
{
	struct fx *f = *state;

	open_cache(f, true, false, false);
	write_entry(f, f->blob, f->blen);
	set_mtime(f->prof, 1700000000, 200);
	expect_hit(f, f->blob, f->blen);
	assert_int_equal(f->cu->diag.n, 0);
}

static void test_rewrite_after_touch_is_fresh_again(void **state)
{
	struct fx *f = *state;
	char *path = entry_path(f->loc);
	struct timespec m;

	open_cache(f, true, false, false);
	write_entry(f, f->blob, f->blen);
	set_mtime(f->inc, 1800000000, 5);
	expect_miss(f);
	write_entry(f, f->blob, f->blen);
	m = mtime_of(path);
	assert_int_equal(m.tv_sec, 1800000000);
	assert_int_equal(m.tv_nsec, 5);
	expect_hit(f, f->blob, f->blen);
	free(path);
}

/* Offsets where a unit header with f->word starts. */
static bool unit_start(const struct fx *f, size_t off)
{
	return off + 16 <= f->blen && !memcmp(f->blob + off, cache_hdr, 12) &&
	       cache_le32(f->blob + off + 12) == f->word;
}

static void test_truncated_entry_rejected(void **state)
{
	struct fx *f = *state;
	char *path = entry_path(f->loc);
	size_t tried = 0, units = 0;

	open_cache(f, true, false, false);
	write_entry(f, f->blob, f->blen);
	for (size_t off = 0; off < f->blen; off++)
		units += unit_start(f, off);
	assert_true(units >= 4);
	for (size_t n = 1; n < f->blen; n++) {
		if (unit_start(f, n))
			continue;
		assert_int_equal(truncate(path, (off_t)n), 0);
		set_mtime(path, 1700000000, 200);
		expect_miss(f);
		tried++;
	}
	assert_true(tried > f->blen / 2);
	assert_true(has_diag(f->cu, "invalid size"));
	free(path);
}

static void test_corrupted_header_rejected(void **state)
{
	struct fx *f = *state;
	uint8_t *bad = malloc(f->blen);

	open_cache(f, true, false, false);
	write_entry(f, f->blob, f->blen);
	memcpy(bad, f->blob, f->blen);
	bad[3] = 'V';
	rewrite_entry(f, bad, f->blen);
	expect_miss(f);
	assert_true(has_diag(f->cu, "has wrong header"));
	free(bad);
}

static void test_complain_entry_rejected(void **state)
{
	struct fx *f = *state;
	uint8_t *bad = malloc(f->blen);

	open_cache(f, true, false, false);
	memcpy(bad, f->blob, f->blen);
	bad[13] |= 0x08; /* bit 11 of the little-endian word */
	rewrite_entry(f, bad, f->blen);
	expect_miss(f);
	assert_true(has_diag(f->cu, "has wrong version"));
	free(bad);
}

static void test_other_abi_entry_rejected(void **state)
{
	struct fx *f = *state;
	uint8_t *bad = malloc(f->blen);

	open_cache(f, true, false, false);
	memcpy(bad, f->blob, f->blen);
	bad[12] = (uint8_t)((bad[12] & ~0x0f) | 5); /* kernel ABI 5 */
	assert_int_not_equal(cache_le32(bad + 12), f->word);
	rewrite_entry(f, bad, f->blen);
	expect_miss(f);
	assert_true(has_diag(f->cu, "has wrong version"));
	free(bad);
}

static void test_corrupted_later_unit_rejected(void **state)
{
	struct fx *f = *state;
	uint8_t *bad = malloc(f->blen + 3);
	size_t second = 0;

	open_cache(f, true, false, false);
	for (size_t off = 1; off < f->blen && !second; off++)
		if (unit_start(f, off))
			second = off;
	assert_true(second > 0);
	memcpy(bad, f->blob, f->blen);
	bad[second + 3] = 'V';
	rewrite_entry(f, bad, f->blen);
	expect_miss(f);
	memcpy(bad, f->blob, f->blen);
	bad[second + 13] ^= 0x08;
	rewrite_entry(f, bad, f->blen);
	expect_miss(f);
	memcpy(bad, f->blob, f->blen);
	memcpy(bad + f->blen, "\x04\x08\x00", 3);
	rewrite_entry(f, bad, f->blen + 3);
	expect_miss(f);
	rewrite_entry(f, f->blob, f->blen);
	expect_hit(f, f->blob, f->blen);
	free(bad);
}

static void test_empty_entry_rejected(void **state)
{
	struct fx *f = *state;

	open_cache(f, true, false, false);
	write_entry(f, f->blob, f->blen);
	rewrite_entry(f, "", 0);
	expect_miss(f);
	assert_true(has_diag(f->cu, "Invalid or missing cache file"));
}

static void test_failed_write_leaves_no_temp_file(void **state)
{
	struct fx *f = *state;
	char *path = entry_path(f->loc), *want = NULL, *old;
	uint8_t *big = malloc(2 * f->blen);
	struct rlimit saved, lim;
	void (*prev)(int);
	size_t len;
	int rc;

	open_cache(f, true, false, false);
	write_entry(f, f->blob, f->blen);
	memcpy(big, f->blob, f->blen);
	memcpy(big + f->blen, f->blob, f->blen);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
	lim = saved;
	lim.rlim_cur = f->blen / 2;
	prev = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	rc = cache_write(f->c, f->cu, "usr.bin.foo", f->inputs, 2, big,
			 2 * f->blen);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
	signal(SIGXFSZ, prev);
	assert_int_equal(rc, -EFBIG);
	assert_false(has_stray_file(cache_dir(f->c)));
	old = slurp(path, &len);
	assert_int_equal(len, f->blen);
	assert_memory_equal(old, f->blob, len);
	assert_true(asprintf(&want, "Warning failed to write cache: %s", path) >
		    0);
	assert_true(has_diag(f->cu, want));
	expect_hit(f, f->blob, f->blen);
	free(old);
	free(want);
	free(big);
	free(path);
}

static void test_input_edited_after_parse_is_not_cached(void **state)
{
	struct fx *f = *state;
	char *path = entry_path(f->loc);

	open_cache(f, true, false, false);
	write_file(f->inc, "/tmp/** rw,\n");
	set_mtime(f->inc, 1700000000, 200);
	assert_int_equal(cache_write(f->c, f->cu, "usr.bin.foo", f->inputs, 2,
				     f->blob, f->blen),
			 -ESTALE);
	assert_int_equal(access(path, F_OK), -1);
	assert_false(has_stray_file(cache_dir(f->c)));
	assert_true(has_diag(f->cu, "inc' changed during compilation"));
	assert_true(has_diag(f->cu, "Warning failed to write cache: "));
	free(path);
}

static void test_failed_rename_leaves_no_temp_file(void **state)
{
	struct fx *f = *state;
	char *path = entry_path(f->loc), *sub = NULL;

	open_cache(f, true, false, false);
	assert_true(asprintf(&sub, "%s/keep", path) > 0);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_true(cache_write(f->c, f->cu, "usr.bin.foo", f->inputs, 2,
				f->blob, f->blen) < 0);
	assert_false(has_stray_file(cache_dir(f->c)));
	assert_int_equal(access(sub, F_OK), 0);
	assert_true(has_diag(f->cu, "Warning failed to write cache: "));
	free(sub);
	free(path);
}

static void test_readonly_dir_write_fails_cleanly(void **state)
{
	struct fx *f = *state;

	int status = 0, rc;
	pid_t pid;

	open_cache(f, true, false, false);
	assert_int_equal(chmod(f->tmp, 0755), 0);
	assert_int_equal(chmod(f->loc, 0755), 0);
	assert_int_equal(chmod(f->prof, 0644), 0);
	assert_int_equal(chmod(f->inc, 0644), 0);
	assert_int_equal(chmod(cache_dir(f->c), 0555), 0);
	if (geteuid() == 0) {
		/* root writes whatever the mode: write as nobody instead */
		fflush(NULL);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			if (setgid(65534) || setuid(65534))
				_exit(2);
			rc = cache_write(f->c, f->cu, "usr.bin.foo", f->inputs,
					 2, f->blob, f->blen);
			_exit(rc == -EACCES &&
					      has_diag(
						      f->cu,
						      "Warning failed to write cache: ")
				      ? 0
				      : 1);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	} else {
		assert_int_equal(cache_write(f->c, f->cu, "usr.bin.foo",
					     f->inputs, 2, f->blob, f->blen),
				 -EACCES);
		assert_true(has_diag(f->cu, "Warning failed to write cache: "));
	}
	assert_int_equal(chmod(cache_dir(f->c), 0700), 0);
	assert_int_equal(count_entries(cache_dir(f->c)), 1);
}

static void test_missing_location_turns_cache_off(void **state)
{
	struct fx *f = *state;
	char *err;

	capture_start(f);
	open_cache(f, false, false, true);
	err = capture_end(f);
	assert_false(cache_active(f->c));
	assert_null(cache_dir(f->c));
	assert_string_equal(
		err,
		"Cache read/write disabled: Policy cache is invalid: No such file or directory\n");
	assert_int_equal(access(f->loc, F_OK), -1);
	free(err);
}

static void test_uncreatable_location_turns_write_off(void **state)
{
	struct fx *f = *state;
	char *err, *want = NULL;

	snprintf(f->loc, sizeof(f->loc), "%s/no/such", f->tmp);
	capture_start(f);
	open_cache(f, true, false, true);
	err = capture_end(f);
	assert_false(cache_active(f->c));
	assert_int_equal(cache_write(f->c, f->cu, "usr.bin.foo", f->inputs, 2,
				     f->blob, f->blen),
			 0);
	assert_true(
		asprintf(
			&want,
			"Cache write disabled: Cannot create cache '%s': No such file or directory\n",
			f->loc) > 0);
	assert_string_equal(err, want);
	free(want);
	free(err);
}

static void test_unusable_location_is_fatal(void **state)
{
	struct fx *f = *state;
	struct cache *c = (struct cache *)1;
	char *err, *want = NULL;

	write_file(f->loc, "not a directory\n");
	f->cfg.write = true;
	capture_start(f);
	assert_int_equal(cache_open(&c, &f->cfg, f->kf, f->cu), -ENOTDIR);
	err = capture_end(f);
	assert_null(c);
	assert_true(
		asprintf(
			&want,
			"Failed setting up policy cache (%s): Not a directory\n",
			f->loc) > 0);
	assert_string_equal(err, want);
	free(want);
	free(err);
}

static void test_readonly_location_without_feature_dir_warns(void **state)
{
	struct fx *f = *state;
	char loc2[160], *want = NULL;

	struct cu *cu = cu_create(&f->opts, NULL);
	char *err;

	snprintf(loc2, sizeof(loc2), "%s/ro", f->tmp);
	f->locs[1] = loc2;
	f->cfg.nlocs = 2;
	f->cfg.write = true;
	capture_start(f);
	assert_int_equal(cache_open(&f->c, &f->cfg, f->kf, cu), 0);
	err = capture_end(f);
	assert_true(cache_active(f->c));
	assert_true(
		asprintf(
			&want,
			"Warning from stdin (line 1): Cache: failed to add read only location '%s', does not contain valid cache directory for the specified feature set\n",
			loc2) > 0);
	assert_string_equal(err, want);
	cu_destroy(cu);
	free(want);
	free(err);
}

static void test_readonly_location_entry_is_used(void **state)
{
	struct fx *f = *state;
	char loc2[160], *want = NULL, *err;
	char *path2;

	snprintf(loc2, sizeof(loc2), "%s/ro", f->tmp);
	f->locs[0] = loc2;
	open_cache(f, true, false, false);
	write_entry(f, f->blob, f->blen);
	f->locs[0] = f->loc;
	f->locs[1] = loc2;
	f->cfg.nlocs = 2;
	capture_start(f);
	open_cache(f, true, false, true);
	expect_hit(f, f->blob, f->blen);
	err = capture_end(f);
	path2 = entry_path(loc2);
	assert_string_equal(cache_hit_path(f->c), path2);
	assert_true(
		asprintf(
			&want,
			"Cache: added primary location '%s'\nWarning from %s (%s line 1): Cache: added readonly location '%s'\nCache hit: %s\n",
			f->loc, f->prof, f->prof, loc2, path2) > 0);
	assert_string_equal(err, want);
	free(path2);
	free(want);
	free(err);
}

static void test_skip_read_reports_miss_only(void **state)
{
	struct fx *f = *state;
	char *want = NULL, *err;

	open_cache(f, true, false, false);
	write_entry(f, f->blob, f->blen);
	capture_start(f);
	open_cache(f, true, true, true);
	expect_miss(f);
	err = capture_end(f);
	assert_true(
		asprintf(&want,
			 "Cache: added primary location '%s'\nCache miss: %s\n",
			 f->loc, f->prof) > 0);
	assert_string_equal(err, want);
	free(want);
	free(err);
}

static void test_show_cache_reports_decisions(void **state)
{
	struct fx *f = *state;
	char *want = NULL, *err, *path = entry_path(f->loc);

	capture_start(f);
	open_cache(f, true, false, true);
	expect_miss(f);
	write_entry(f, f->blob, f->blen);
	expect_hit(f, f->blob, f->blen);
	err = capture_end(f);
	assert_true(
		asprintf(
			&want,
			"Cache: added primary location '%s'\nCache miss: %s\nWrote cache: %s\nCache hit: %s\n",
			f->loc, f->prof, path, path) > 0);
	assert_string_equal(err, want);
	free(want);
	free(err);
	free(path);
}

static void test_off_opens_nothing(void **state)
{
	struct fx *f = *state;

	f->cfg.off = true;
	open_cache(f, true, false, false);
	assert_false(cache_active(f->c));
	assert_int_equal(cache_write(f->c, f->cu, "usr.bin.foo", f->inputs, 2,
				     f->blob, f->blen),
			 0);
	expect_miss(f);
	assert_int_equal(access(f->loc, F_OK), -1);
}

static void test_purge_empties_location(void **state)
{
	struct fx *f = *state;

	open_cache(f, true, false, false);
	write_entry(f, f->blob, f->blen);
	cache_close(f->c);
	f->c = NULL;
	assert_int_equal(cache_purge(&f->cfg), 0);
	assert_int_equal(access(f->loc, F_OK), 0);
	assert_int_equal(count_entries(f->loc), 0);
}

static void test_purge_of_missing_location_fails(void **state)
{
	struct fx *f = *state;
	char *err, *want = NULL;

	capture_start(f);
	assert_int_equal(cache_purge(&f->cfg), -ENOENT);
	err = capture_end(f);
	assert_true(
		asprintf(
			&want,
			"Failed to clear cache files (%s): No such file or directory\n",
			f->loc) > 0);
	assert_string_equal(err, want);
	free(want);
	free(err);
}

static void test_real_blob_is_complete_units(void **state)
{
	struct fx *f = *state;

	assert_true(cache_units_complete(f->blob, f->blen, f->word));
	assert_false(cache_units_complete(f->blob, f->blen, f->word ^ 1));
	assert_false(cache_units_complete(f->blob, f->blen - 1, f->word));
	assert_false(cache_units_complete(f->blob, 0, f->word));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_dir_name_matches_upstream_for_linux61),
		T(test_different_features_use_different_directory),
		T(test_print_dir_matches_upstream_without_creating),
		T(test_written_entry_reads_back_equal),
		T(test_stale_by_profile_mtime),
		T(test_stale_by_include_mtime),
		T(test_stale_by_include_directory_mtime),
		T(test_equal_mtime_is_fresh),
		T(test_rewrite_after_touch_is_fresh_again),
		T(test_truncated_entry_rejected),
		T(test_corrupted_header_rejected),
		T(test_complain_entry_rejected),
		T(test_other_abi_entry_rejected),
		T(test_corrupted_later_unit_rejected),
		T(test_empty_entry_rejected),
		T(test_failed_write_leaves_no_temp_file),
		T(test_input_edited_after_parse_is_not_cached),
		T(test_failed_rename_leaves_no_temp_file),
		T(test_readonly_dir_write_fails_cleanly),
		T(test_missing_location_turns_cache_off),
		T(test_uncreatable_location_turns_write_off),
		T(test_unusable_location_is_fatal),
		T(test_readonly_location_without_feature_dir_warns),
		T(test_readonly_location_entry_is_used),
		T(test_skip_read_reports_miss_only),
		T(test_show_cache_reports_decisions),
		T(test_off_opens_nothing),
		T(test_purge_empties_location),
		T(test_purge_of_missing_location_fails),
		T(test_real_blob_is_complete_units),
	};

	if (access(features_path(), R_OK) != 0) {
		fprintf(stderr, "test_cache: %s missing, skipped\n",
			features_path());
		return 77;
	}
	return cmocka_run_group_tests_name("cache", tests, NULL, NULL);
}
