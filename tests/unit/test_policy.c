/* Unit tests for include/policy.h: reading, querying and diffing blobs.
 * Real blobs come from /sbin/apparmor_parser 3.0.8 at test time (tests
 * skip without it); malformed and layout-varied blobs come from the tiny
 * writer below, which follows policy-blob.md 3-6.
 */
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
#include "policy.h"

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

/* --- a tiny blob writer -------------------------------------------------- */

struct wbuf {
	uint8_t *b;
	size_t n, cap;
};

static void w_bytes(struct wbuf *w, const void *p, size_t n)
{
	if (!n)
		return;
	if (w->n + n > w->cap) {
		w->cap = (w->n + n) * 2 + 64;
		w->b = realloc(w->b, w->cap);
		assert_non_null(w->b);
	}
	memcpy(w->b + w->n, p, n);
	w->n += n;
}

static void w_u8(struct wbuf *w, uint8_t v)
{
	w_bytes(w, &v, 1);
}

static void w_le16(struct wbuf *w, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};

	w_bytes(w, b, 2);
}

static void w_le32(struct wbuf *w, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			(uint8_t)(v >> 24)};

	w_bytes(w, b, 4);
}

static void w_be16(struct wbuf *w, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};

	w_bytes(w, b, 2);
}

static void w_be32(struct wbuf *w, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16),
			(uint8_t)(v >> 8), (uint8_t)v};

	w_bytes(w, b, 4);
}

static void w_name(struct wbuf *w, const char *name)
{
	if (!name)
		return;
	w_u8(w, 4);
	w_le16(w, (uint16_t)(strlen(name) + 1));
	w_bytes(w, name, strlen(name) + 1);
}

static void w_u32(struct wbuf *w, const char *name, uint32_t v)
{
	w_name(w, name);
	w_u8(w, 2);
	w_le32(w, v);
}

static void w_u64(struct wbuf *w, uint64_t v)
{
	w_u8(w, 3);
	w_le32(w, (uint32_t)v);
	w_le32(w, (uint32_t)(v >> 32));
}

/* A STRING of @n bytes taken as is (include the NUL yourself). */
static void w_strn(struct wbuf *w, const char *name, const char *s, size_t n)
{
	w_name(w, name);
	w_u8(w, 5);
	w_le16(w, (uint16_t)n);
	w_bytes(w, s, n);
}

static void w_str(struct wbuf *w, const char *name, const char *s)
{
	w_strn(w, name, s, strlen(s) + 1);
}

static void w_struct(struct wbuf *w, const char *name)
{
	w_name(w, name);
	w_u8(w, 7);
}

static void w_end(struct wbuf *w)
{
	w_u8(w, 8);
}

/* A DFA description: a trie of strings, or raw tables for broken ones. */
struct tdfa {
	uint32_t nstates;
	uint32_t accept[64];
	uint32_t accept2[64];
	uint32_t base[64];
	uint16_t def[64];
	uint32_t ntrans;
	uint16_t next[64 * 256 + 256];
	uint16_t check[64 * 256 + 256];
	uint16_t hflags;
	bool ec;	 /* write an identity EC table */
	bool no_accept2; /* leave out ACCEPT2 */
	uint32_t pad;	 /* leading pad bytes in the blob (0-7) */
};

/* Every state owns a whole 256-slot window: base(s) = 256 * s. */
static void tdfa_init(struct tdfa *d)
{
	memset(d, 0, sizeof(*d));
	d->nstates = 2;
	d->ntrans = 2 * 256;
	d->base[1] = 256;
}

static uint32_t tdfa_new_state(struct tdfa *d)
{
	uint32_t s = d->nstates++;

	assert_true(d->nstates <= 64);
	d->base[s] = 256 * s;
	d->ntrans = 256 * d->nstates;
	return s;
}

/* Add @n bytes of @str from the start state, accepting with a1/a2. */
static void tdfa_add(struct tdfa *d, const char *str, size_t n, uint32_t a1,
		     uint32_t a2)
{
	uint32_t s = 1;
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t c = (uint8_t)str[i];
		uint32_t pos = d->base[s] + c;

		if (d->check[pos] != s || !d->next[pos]) {
			uint32_t t = tdfa_new_state(d);

			d->next[pos] = (uint16_t)t;
			d->check[pos] = (uint16_t)s;
		}
		s = d->next[pos];
	}
	d->accept[s] |= a1;
	d->accept2[s] |= a2;
}

static void w_table(struct wbuf *w, uint16_t id, uint16_t width, uint32_t n,
		    const void *data)
{
	uint32_t i;
	size_t len = 12 + (size_t)n * width;

	w_be16(w, id);
	w_be16(w, width);
	w_be32(w, 0);
	w_be32(w, n);
	for (i = 0; i < n; i++) {
		if (width == 4)
			w_be32(w, ((const uint32_t *)data)[i]);
		else if (width == 2)
			w_be16(w, ((const uint16_t *)data)[i]);
		else
			w_u8(w, ((const uint8_t *)data)[i]);
	}
	while (len % 8) {
		w_u8(w, 0);
		len++;
	}
}

static void w_dfa(struct wbuf *w, const char *name, const struct tdfa *d)
{
	struct wbuf t = {0};
	uint8_t ec[256];
	uint32_t i;

	w_be32(&t, 0x1B5E783D);
	w_be32(&t, 24);
	w_be32(&t, 0);
	w_be16(&t, d->hflags);
	w_bytes(&t, "notflex\0\0\0", 10);
	w_table(&t, 1, 4, d->nstates, d->accept);
	if (!d->no_accept2)
		w_table(&t, 7, 4, d->nstates, d->accept2);
	if (d->ec) {
		for (i = 0; i < 256; i++)
			ec[i] = (uint8_t)i;
		w_table(&t, 5, 1, 256, ec);
	}
	w_table(&t, 2, 4, d->nstates, d->base);
	w_table(&t, 4, 2, d->nstates, d->def);
	w_table(&t, 8, 2, d->ntrans, d->next);
	w_table(&t, 3, 2, d->ntrans, d->check);
	w_name(w, name);
	w_u8(w, 6);
	w_le32(w, (uint32_t)(t.n + d->pad));
	for (i = 0; i < d->pad; i++)
		w_u8(w, 0);
	w_bytes(w, t.b, t.n);
	free(t.b);
}

/* The fields of one hand-built profile unit. */
struct tprof {
	const char *name;
	uint32_t version; /* 0: no version element */
	uint32_t mode;
	bool no_flags;
	const struct tdfa *policydb;
	const struct tdfa *file;
	const char *xtable[16];
	size_t xtable_len[16]; /* 0: strlen + 1 */
	uint32_t nxtable;
	uint64_t caps;
	uint32_t nrlimits; /* write an rlimits struct with this many */
};

static void w_profile(struct wbuf *w, const struct tprof *p)
{
	uint32_t i;

	if (p->version)
		w_u32(w, "version", p->version);
	w_struct(w, "profile");
	w_str(w, NULL, p->name);
	if (!p->no_flags) {
		w_struct(w, "flags");
		w_u32(w, NULL, 0);
		w_u32(w, NULL, p->mode);
		w_u32(w, NULL, 0);
		w_end(w);
	}
	w_u32(w, NULL, (uint32_t)p->caps);
	w_u32(w, NULL, 0);
	w_u32(w, NULL, 0);
	w_u32(w, NULL, 0);
	if (p->nrlimits) {
		w_struct(w, "rlimits");
		w_u32(w, NULL, (1u << p->nrlimits) - 1);
		w_u8(w, 0x0b);
		w_le16(w, (uint16_t)p->nrlimits);
		for (i = 0; i < p->nrlimits; i++)
			w_u64(w, 100 + i);
		w_u8(w, 0x0c);
		w_end(w);
	}
	if (p->policydb) {
		w_struct(w, "policydb");
		w_dfa(w, "aadfa", p->policydb);
		w_end(w);
	}
	if (p->file)
		w_dfa(w, "aadfa", p->file);
	if (p->nxtable) {
		w_struct(w, "xtable");
		w_u8(w, 0x0b);
		w_le16(w, (uint16_t)p->nxtable);
		for (i = 0; i < p->nxtable; i++)
			w_strn(w, NULL, p->xtable[i],
			       p->xtable_len[i] ? p->xtable_len[i]
						: strlen(p->xtable[i]) + 1);
		w_u8(w, 0x0c);
		w_end(w);
	}
	w_end(w);
}

static int read_buf(struct arena *a, const struct wbuf *w,
		    struct policy_set **set, struct policy_error *err)
{
	return policy_read(a, w->b, w->n, set, err);
}

/* Expect a read error whose text contains @needle. */
static void expect_error(struct arena *a, struct wbuf *w, const char *needle)
{
	struct policy_set *set = NULL;
	struct policy_error err;
	int rc = read_buf(a, w, &set, &err);

	if (rc == 0 || !strstr(err.msg, needle))
		fail_msg("expected an error containing \"%s\", got rc %d: %s",
			 needle, rc, rc ? err.msg : "(accepted)");
	assert_true(err.offset <= w->n);
	assert_non_null(strstr(err.msg, "offset "));
	free(w->b);
	w->b = NULL;
}

/* --- blobs from apparmor_parser ----------------------------------------- */

static const char *features_path(void)
{
	static const char *const cands[] = {
		"../shared/features/linux-6.1-debian.features",
		"../../shared/features/linux-6.1-debian.features",
		"/work/shared/features/linux-6.1-debian.features",
	};
	size_t i;

	for (i = 0; i < sizeof(cands) / sizeof(cands[0]); i++)
		if (access(cands[i], R_OK) == 0)
			return cands[i];
	return NULL;
}

/* Compile @text with 3.0.8 (extra options @opts) into arena memory. */
static bool compile(struct arena *a, const char *text, const char *opts,
		    const uint8_t **out, size_t *n)
{
	const char *feat = features_path();
	char src[32] = "/tmp/test_policy_";
	char *cmd, *buf;
	size_t cap = 1 << 16, len = 0, got;
	FILE *f;
	int fd;

	if (access("/sbin/apparmor_parser", X_OK) != 0 || !feat)
		return false;
	memset(src + strlen(src), 'X', 6); /* the mkstemp template */
	fd = mkstemp(src);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	cmd = arena_sprintf(a,
			    "/sbin/apparmor_parser -QS -M %s "
			    "--config-file=/dev/null %s %s",
			    feat, opts, src);
	f = popen(cmd, "r");
	assert_non_null(f);
	buf = malloc(cap);
	while ((got = fread(buf + len, 1, cap - len, f)) > 0) {
		len += got;
		if (len == cap)
			buf = realloc(buf, cap *= 2);
	}
	assert_int_equal(pclose(f), 0);
	unlink(src);
	*out = memcpy(arena_alloc(a, len), buf, len);
	*n = len;
	free(buf);
	return len > 0;
}

static struct policy_set *compile_set(struct arena *a, const char *text,
				      const char *opts)
{
	const uint8_t *b;
	size_t n;
	struct policy_set *set;
	struct policy_error err;

	if (!compile(a, text, opts, &b, &n))
		return NULL;
	if (policy_read(a, b, n, &set, &err))
		fail_msg("3.0.8 blob rejected: %s", err.msg);
	return set;
}

#define COMPILE_OR_SKIP(set, a, text, opts)                                \
	do {                                                               \
		(set) = compile_set((a), (text), (opts));                  \
		if (!(set)) {                                              \
			fprintf(stderr, "# /sbin/apparmor_parser or the "  \
					"6.1 features file is missing\n"); \
			skip();                                            \
		}                                                          \
	} while (0)

static void test_parser_blob_reads_name_version_and_markers(void **state)
{
	struct arena *a = *state;
	struct policy_set *set;
	const struct policy_profile *p;

	COMPILE_OR_SKIP(set, a, "profile min { /etc/hostname r, }\n", "");
	assert_int_equal(set->n, 1);
	p = &set->profiles[0];
	assert_string_equal(p->fqname, "min");
	assert_int_equal(p->version, 0x00202007);
	assert_int_equal(p->mode, 0);
	assert_int_equal(p->path_flags, 0x20000);
	assert_false(p->has_path_flags);
	assert_non_null(p->policydb);
	assert_non_null(p->file);
	assert_false(p->file_in_policydb);
	assert_int_not_equal(policy_class_start(p, POLICY_CLASS_FILE), 0);
	assert_int_not_equal(policy_class_start(p, POLICY_CLASS_NET), 0);
	assert_int_not_equal(policy_class_start(p, POLICY_CLASS_SIGNAL), 0);
	assert_int_equal(policy_class_start(p, POLICY_CLASS_DBUS), 0);
}

static void test_file_query_gives_both_halves(void **state)
{
	struct arena *a = *state;
	struct policy_set *set;
	struct policy_file_perms f;
	const struct policy_profile *p;

	COMPILE_OR_SKIP(set, a,
			"profile f { /etc/hostname r, owner /tmp/o rw, "
			"audit /tmp/au r, deny /tmp/d r, }\n",
			"");
	p = policy_find(set, "f");
	assert_non_null(p);
	policy_query_file(p, "/etc/hostname", NULL, &f);
	assert_int_equal(f.accept1, 0x00010004);
	assert_true(f.owner.perms.allow & POLICY_MAY_READ);
	assert_true(f.other.perms.allow & POLICY_MAY_OPEN);
	assert_false(f.other.perms.allow & POLICY_MAY_WRITE);
	policy_query_file(p, "/tmp/o", NULL, &f);
	assert_int_equal(f.accept1, 0x0000000e);
	assert_true(f.owner.perms.allow & POLICY_MAY_WRITE);
	assert_false(f.other.perms.allow & POLICY_MAY_READ);
	policy_query_file(p, "/tmp/au", NULL, &f);
	assert_true(f.other.perms.audit & POLICY_MAY_READ);
	policy_query_file(p, "/tmp/d", NULL, &f);
	assert_int_equal(f.accept1, 0);
	assert_true(f.other.perms.quiet & POLICY_MAY_READ);
	policy_query_file(p, "/etc/shadow", NULL, &f);
	assert_int_equal(f.state, 0);
	assert_int_equal(f.other.perms.allow, POLICY_MAY_GETATTR);
}

static void test_exec_target_comes_from_xtable(void **state)
{
	struct arena *a = *state;
	struct policy_set *set;
	struct policy_file_perms f;
	const struct policy_profile *p;

	COMPILE_OR_SKIP(set, a,
			"profile e { /bin/a px -> bar, /bin/c ix, "
			"/bin/i cux, /bin/n px -> :ns:q, }\n",
			"");
	p = policy_find(set, "e");
	assert_non_null(p);
	assert_int_equal(p->nxtable, 2);
	policy_query_file(p, "/bin/a", NULL, &f);
	assert_int_equal(f.other.xtype, POLICY_X_TABLE);
	assert_string_equal(f.other.target, "bar");
	assert_true(f.other.unsafe);
	assert_string_equal(policy_file_half_str(a, &f.other), "px -> bar");
	policy_query_file(p, "/bin/n", NULL, &f);
	assert_string_equal(f.owner.target, ":ns:q");
	policy_query_file(p, "/bin/c", NULL, &f);
	assert_int_equal(f.owner.xtype, POLICY_X_NONE);
	assert_true(f.owner.inherit);
	assert_string_equal(policy_file_half_str(a, &f.owner), "m ix");
	policy_query_file(p, "/bin/i", NULL, &f);
	assert_int_equal(f.other.xtype, POLICY_X_CHILD);
	assert_true(f.other.unconfined);
	assert_string_equal(policy_file_half_str(a, &f.other), "cux");
}

static void test_hats_children_and_namespaces_are_units(void **state)
{
	struct arena *a = *state;
	struct policy_set *set;
	const struct policy_profile *p;

	COMPILE_OR_SKIP(
		set, a,
		"profile par { ^hat { /h r, } profile kid { /k r, } }\n", "");
	assert_int_equal(set->n, 3);
	p = policy_find(set, "par//hat");
	assert_non_null(p);
	assert_int_equal(p->flags & 1, 1);
	p = policy_find(set, "par//kid");
	assert_non_null(p);
	assert_int_equal(p->flags & 1, 0);
	assert_non_null(p->parent);
	assert_string_equal(p->parent->fqname, "par");
	assert_null(p->parent->parent);
	COMPILE_OR_SKIP(set, a, "profile :nsx:inns { /x r, }\n", "");
	assert_int_equal(set->n, 1);
	assert_string_equal(set->profiles[0].fqname, ":nsx:inns");
	assert_string_equal(set->profiles[0].ns, "nsx");
	assert_non_null(policy_find(set, ":nsx:inns"));
}

static void test_caps_rlimits_and_flags_are_decoded(void **state)
{
	struct arena *a = *state;
	struct policy_set *set;
	const struct policy_profile *p;
	struct policy_answer r;

	COMPILE_OR_SKIP(set, a,
			"profile c flags=(complain, attach_disconnected) { "
			"capability net_raw, audit capability sys_admin, "
			"deny capability mknod, capability bpf, "
			"set rlimit nofile <= 1024, set rlimit cpu <= 10, }\n",
			"");
	p = &set->profiles[0];
	assert_int_equal(p->mode, 1);
	assert_true(p->has_path_flags);
	assert_int_equal(p->path_flags & 0x4, 0x4);
	assert_int_equal(p->caps_allow,
			 (1ull << 13) | (1ull << 21) | (1ull << 39));
	assert_int_equal(p->caps_audit, 1ull << 21);
	assert_int_equal(p->caps_quiet, 1ull << 27);
	assert_int_equal(p->rlimits.mask, 0x81);
	assert_int_equal(p->rlimits.limit[7], 1024);
	assert_int_equal(p->rlimits.limit[0], 10);
	policy_query_capability(p, 39, &r);
	assert_true(r.allowed);
	policy_query_capability(p, 27, &r);
	assert_false(r.allowed);
	assert_int_equal(r.perms.quiet, 1);
}

static void test_network_signal_ptrace_queries(void **state)
{
	struct arena *a = *state;
	struct policy_set *set;
	const struct policy_profile *p;
	struct policy_answer r;

	COMPILE_OR_SKIP(set, a,
			"profile n { network inet stream, "
			"signal send set=(term) peer=foo, "
			"ptrace read peer=bar, }\n",
			"");
	p = &set->profiles[0];
	policy_query_network(p, 2, 1, POLICY_MAY_BIND, &r);
	assert_true(r.mediated);
	assert_true(r.allowed);
	assert_int_equal(r.accept1, 0x001fc076);
	policy_query_network(p, 2, 2, POLICY_MAY_CREATE, &r);
	assert_false(r.allowed);
	policy_query_signal(p, 15, POLICY_MAY_WRITE, "foo", &r);
	assert_true(r.allowed);
	policy_query_signal(p, 1, POLICY_MAY_WRITE, "foo", &r);
	assert_false(r.allowed);
	policy_query_signal(p, 15, POLICY_MAY_WRITE, "other", &r);
	assert_false(r.allowed);
	policy_query_signal(p, 15, POLICY_MAY_READ, "foo", &r);
	assert_false(r.allowed);
	policy_query_ptrace(p, 0x4, "bar", &r);
	assert_true(r.allowed);
	policy_query_ptrace(p, 0x2, "bar", &r);
	assert_false(r.allowed);
}

static void test_stacked_peer_follows_6_1_label_match(void **state)
{
	struct arena *a = *state;
	struct policy_set *set;
	const struct policy_profile *p;
	struct policy_answer r;

	COMPILE_OR_SKIP(set, a,
			"profile s { signal send set=(term) peer=foo, "
			"signal send set=(term) peer=bar, "
			"signal receive set=(term) peer=foo//&bar, }\n",
			"");
	p = &set->profiles[0];
	policy_query_signal(p, 15, POLICY_MAY_READ, "foo//&bar", &r);
	assert_true(r.allowed);
	/* compound state lacks send: components foo and bar both allow it */
	policy_query_signal(p, 15, POLICY_MAY_WRITE, "foo//&bar", &r);
	assert_true(r.allowed);
	/* compound walk dies: 6.1 denies without trying the components */
	policy_query_signal(p, 15, POLICY_MAY_WRITE, "bar//&foo", &r);
	assert_false(r.allowed);
	/* a peer in another namespace is not visible: allowed */
	policy_query_signal(p, 15, POLICY_MAY_WRITE, ":other:x", &r);
	assert_true(r.allowed);
}

static void test_mount_query_dispatches_like_the_kernel(void **state)
{
	struct arena *a = *state;
	struct policy_set *set;
	const struct policy_profile *p;
	struct policy_answer r;
	struct policy_mount_req m = {0};

	COMPILE_OR_SKIP(set, a,
			"profile m { mount fstype=ext4 /dev/sda1 -> /mnt/, "
			"mount options=(bind) /a/ -> /b/, umount /u/, "
			"pivot_root oldroot=/old/ /new/, }\n",
			"");
	p = &set->profiles[0];
	m.point = "/mnt/";
	m.source = "/dev/sda1";
	m.fstype = "ext4";
	m.flags = 1;
	policy_query_mount(p, &m, &r);
	assert_true(r.allowed);
	m.fstype = "ext3";
	policy_query_mount(p, &m, &r);
	assert_false(r.allowed);
	m.point = "/b/";
	m.source = "/a/";
	m.fstype = NULL;
	m.flags = 1u << 12;
	policy_query_mount(p, &m, &r);
	assert_true(r.allowed);
	m.op = 1;
	m.point = "/u/";
	policy_query_mount(p, &m, &r);
	assert_true(r.allowed);
	m.point = "/v/";
	policy_query_mount(p, &m, &r);
	assert_false(r.allowed);
	m.op = 2;
	m.point = "/new/";
	m.old_root = "/old/";
	policy_query_mount(p, &m, &r);
	assert_true(r.allowed);
}

static const char diff_profile[] =
	"profile d /usr/bin/d* { /etc/hostname r, /tmp/** rw, "
	"/bin/a px -> x, /bin/b cx -> kid, network inet stream, "
	"signal send set=(term) peer=foo, ptrace read peer=bar, "
	"capability chown, profile kid { /k r, } }\n";

static void test_diff_ignores_layout_options(void **state)
{
	struct arena *a = *state;
	struct policy_set *x, *y;
	struct policy_diff *d;
	static const char *const opts[] = {
		"-O no-minimize",
		"-O equiv",
		"-O no-remove-unreachable",
		"-O compress-fast",
	};
	size_t i;

	COMPILE_OR_SKIP(x, a, diff_profile, "");
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		COMPILE_OR_SKIP(y, a, diff_profile, opts[i]);
		assert_int_equal(policy_diff(a, x, y, NULL, &d), 0);
		assert_int_equal(d->n, 0);
		assert_int_equal(d->profiles, 2);
		assert_true(d->pairs_walked > 0);
	}
}

static void test_diff_reports_shortest_differing_string(void **state)
{
	struct arena *a = *state;
	struct policy_set *x, *y;
	struct policy_diff *d;
	const struct policy_diff_item *it;

	COMPILE_OR_SKIP(x, a, "profile p { /etc/hostname r, /tmp/a w, }\n", "");
	COMPILE_OR_SKIP(y, a, "profile p { /etc/hostname rw, /tmp/a w, }\n",
			"");
	assert_int_equal(policy_diff(a, x, y, NULL, &d), 1);
	assert_int_equal(d->n, 1);
	it = &d->items[0];
	assert_int_equal(it->kind, POLICY_DIFF_FILE);
	assert_string_equal(it->profile, "p");
	assert_string_equal(policy_escape(a, it->syms, it->nsyms),
			    "/etc/hostname");
	assert_non_null(strstr(it->a, "other: r"));
	assert_non_null(strstr(it->b, "other: wra"));
}

static void test_diff_reports_policydb_and_fields(void **state)
{
	struct arena *a = *state;
	struct policy_set *x, *y;
	struct policy_diff *d;
	size_t i;
	bool net = false, caps = false;

	COMPILE_OR_SKIP(
		x, a, "profile p { network inet stream, capability chown, }\n",
		"");
	COMPILE_OR_SKIP(y, a, "profile p { network inet dgram, }\n", "");
	assert_int_equal(policy_diff(a, x, y, NULL, &d), 1);
	for (i = 0; i < d->n; i++) {
		const struct policy_diff_item *it = &d->items[i];

		if (it->kind == POLICY_DIFF_POLICYDB &&
		    strstr(policy_describe_pdb(a, it->syms, it->nsyms),
			   "network inet(2) stream(1)"))
			net = true;
		if (it->kind == POLICY_DIFF_FIELD &&
		    !strcmp(it->what, "caps.allow"))
			caps = true;
	}
	assert_true(net);
	assert_true(caps);
}

static void test_diff_walks_xattr_conditions_out_of_band(void **state)
{
	struct arena *a = *state;
	struct policy_set *x, *y, *lit, *glob;
	struct policy_diff *d;
	size_t i;
	bool seen = false;

	COMPILE_OR_SKIP(x, a,
			"profile x /usr/bin/foo* xattrs=(user.foo=bar) { }\n",
			"");
	COMPILE_OR_SKIP(y, a,
			"profile x /usr/bin/foo* xattrs=(user.foo=baz) { }\n",
			"-O equiv");
	assert_int_equal(policy_diff(a, x, y, NULL, &d), 1);
	for (i = 0; i < d->n; i++)
		if (d->items[i].kind == POLICY_DIFF_XMATCH &&
		    !strcmp(policy_escape(a, d->items[i].syms,
					  d->items[i].nsyms),
			    "/usr/bin/foo<oob>\\0bar"))
			seen = true;
	assert_true(seen);
	/* a plain path name attaches exactly like an xmatch of that path */
	COMPILE_OR_SKIP(lit, a, "profile /usr/bin/foo { }\n", "");
	COMPILE_OR_SKIP(glob, a, "profile /usr/bin/foo /usr/bin/foo { }\n", "");
	assert_null(lit->profiles[0].xmatch);
	assert_non_null(glob->profiles[0].xmatch);
	assert_int_equal(policy_diff(a, lit, glob, NULL, &d), 0);
}

/* --- hand-built blobs ----------------------------------------------------- */

static void test_minimal_hand_built_profile_loads(void **state)
{
	struct arena *a = *state;
	struct wbuf w = {0};
	struct tprof p = {.name = "demo", .version = 0x202007};
	struct policy_set *set;
	struct policy_error err;
	struct policy_file_perms f;

	w_profile(&w, &p);
	assert_int_equal(read_buf(a, &w, &set, &err), 0);
	assert_int_equal(set->n, 1);
	assert_null(set->profiles[0].file);
	assert_null(set->profiles[0].policydb);
	policy_query_file(&set->profiles[0], "/x", NULL, &f);
	assert_int_equal(f.accept1, 0);
	free(w.b);
}

static void test_dfa_padding_zero_to_seven_is_accepted(void **state)
{
	struct arena *a = *state;
	struct tdfa d;
	struct policy_set *set;
	struct policy_error err;
	struct policy_file_perms f;
	uint32_t pad;

	for (pad = 0; pad < 8; pad++) {
		struct wbuf w = {0};
		struct tprof p = {
			.name = "demo", .version = 0x202007, .file = &d};

		tdfa_init(&d);
		tdfa_add(&d, "/x", 2, 0x00010004, 0);
		d.pad = pad;
		d.ec = pad & 1;
		w_profile(&w, &p);
		assert_int_equal(read_buf(a, &w, &set, &err), 0);
		assert_int_equal(set->profiles[0].file->pad, pad);
		policy_query_file(&set->profiles[0], "/x", NULL, &f);
		assert_int_equal(f.accept1, 0x00010004);
		policy_query_file(&set->profiles[0], "/y", NULL, &f);
		assert_int_equal(f.accept1, 0);
		free(w.b);
	}
}

static void test_file_rules_from_policydb_class_two(void **state)
{
	struct arena *a = *state;
	struct tdfa d;
	struct wbuf w = {0};
	struct tprof p = {.name = "pdb", .version = 0x202007, .policydb = &d};
	struct policy_set *set;
	struct policy_error err;
	struct policy_file_perms f;

	tdfa_init(&d);
	tdfa_add(&d, "\x02/x", 3, 0x00010004, 0);
	w_profile(&w, &p);
	assert_int_equal(read_buf(a, &w, &set, &err), 0);
	assert_true(set->profiles[0].file_in_policydb);
	policy_query_file(&set->profiles[0], "/x", NULL, &f);
	assert_int_equal(f.accept1, 0x00010004);
	free(w.b);
}

static void test_xtable_namespace_nul_becomes_colon(void **state)
{
	struct arena *a = *state;
	struct tdfa d;
	struct wbuf w = {0};
	struct tprof p = {.name = "x",
			  .version = 0x202007,
			  .file = &d,
			  .nxtable = 1,
			  .xtable = {":ns\0name"},
			  .xtable_len = {9}};
	struct policy_set *set;
	struct policy_error err;
	struct policy_file_perms f;

	tdfa_init(&d);
	tdfa_add(&d, "/b", 2, 0x1101 | (0x1101u << 14), 0);
	w_profile(&w, &p);
	assert_int_equal(read_buf(a, &w, &set, &err), 0);
	assert_string_equal(set->profiles[0].xtable[0], ":ns:name");
	policy_query_file(&set->profiles[0], "/b", NULL, &f);
	assert_string_equal(f.other.target, ":ns:name");
	free(w.b);
}

static void test_diff_compares_xtable_targets_not_indexes(void **state)
{
	struct arena *a = *state;
	struct tdfa d1, d2;
	struct wbuf w1 = {0}, w2 = {0};
	struct tprof p1 = {.name = "x",
			   .version = 0x202007,
			   .file = &d1,
			   .nxtable = 2,
			   .xtable = {"one", "two"}};
	struct tprof p2 = {.name = "x",
			   .version = 0x202007,
			   .file = &d2,
			   .nxtable = 2,
			   .xtable = {"two", "one"}};
	struct policy_set *s1, *s2;
	struct policy_error err;
	struct policy_diff *d;
	uint32_t px4 = 0x1101, px5 = 0x1501;

	tdfa_init(&d1);
	tdfa_add(&d1, "/a", 2, px4 | (px4 << 14), 0);
	tdfa_add(&d1, "/b", 2, px5 | (px5 << 14), 0);
	tdfa_init(&d2);
	d2.ec = true;
	tdfa_add(&d2, "/b", 2, px4 | (px4 << 14), 0);
	tdfa_add(&d2, "/a", 2, px5 | (px5 << 14), 0);
	w_profile(&w1, &p1);
	w_profile(&w2, &p2);
	assert_int_equal(read_buf(a, &w1, &s1, &err), 0);
	assert_int_equal(read_buf(a, &w2, &s2, &err), 0);
	assert_int_equal(policy_diff(a, s1, s2, NULL, &d), 0);
	p2.xtable[0] = "three";
	free(w2.b);
	w2 = (struct wbuf){0};
	w_profile(&w2, &p2);
	assert_int_equal(read_buf(a, &w2, &s2, &err), 0);
	assert_int_equal(policy_diff(a, s1, s2, NULL, &d), 1);
	assert_int_equal(d->n, 1);
	assert_string_equal(
		policy_escape(a, d->items[0].syms, d->items[0].nsyms), "/b");
	assert_non_null(strstr(d->items[0].a, "-> two"));
	assert_non_null(strstr(d->items[0].b, "-> three"));
	free(w1.b);
	free(w2.b);
}

static void test_diff_reports_profiles_missing_on_one_side(void **state)
{
	struct arena *a = *state;
	struct wbuf w1 = {0}, w2 = {0};
	struct tprof p1 = {.name = "one", .version = 0x202007};
	struct tprof p2 = {.name = "two", .version = 0x202007};
	struct policy_set *s1, *s2;
	struct policy_error err;
	struct policy_diff *d;

	w_profile(&w1, &p1);
	w_profile(&w2, &p1);
	p2.version = 0;
	w_profile(&w2, &p2);
	assert_int_equal(read_buf(a, &w1, &s1, &err), 0);
	assert_int_equal(read_buf(a, &w2, &s2, &err), 0);
	assert_int_equal(s2->n, 2);
	assert_int_equal(s2->profiles[1].version, 0x202007);
	assert_int_equal(policy_diff(a, s1, s2, NULL, &d), 1);
	assert_int_equal(d->n, 1);
	assert_int_equal(d->items[0].kind, POLICY_DIFF_ONLY_B);
	assert_string_equal(d->items[0].profile, "two");
	free(w1.b);
	free(w2.b);
}

static void test_rejects_empty_input(void **state)
{
	struct policy_set *set;
	struct policy_error err;
	uint8_t none = 0;

	assert_int_not_equal(policy_read(*state, &none, 0, &set, &err), 0);
	assert_int_equal(err.offset, 0);
	assert_non_null(strstr(err.msg, "empty input"));
}

static void test_rejects_missing_version(void **state)
{
	struct wbuf w = {0};
	struct tprof p = {.name = "x"};

	w_profile(&w, &p);
	expect_error(*state, &w, "expected the \"version\" U32");
}

static void test_rejects_version_nine(void **state)
{
	struct wbuf w = {0};
	struct tprof p = {.name = "x", .version = 0x202009};

	w_profile(&w, &p);
	expect_error(*state, &w, "unsupported interface version");
}

static void test_rejects_missing_flags(void **state)
{
	struct wbuf w = {0};
	struct tprof p = {.name = "x", .version = 7, .no_flags = true};

	w_profile(&w, &p);
	expect_error(*state, &w, "expected the \"flags\" STRUCT");
}

static void test_rejects_bad_mode_at_its_offset(void **state)
{
	struct arena *a = *state;
	struct wbuf w = {0};
	struct tprof p = {.name = "x", .version = 7, .mode = 5};
	struct policy_set *set;
	struct policy_error err;

	w_profile(&w, &p);
	assert_int_not_equal(read_buf(a, &w, &set, &err), 0);
	assert_non_null(strstr(err.msg, "mode 5 is invalid"));
	assert_int_equal(w.b[err.offset], 5);
	free(w.b);
}

static void test_rejects_unterminated_name(void **state)
{
	struct wbuf w = {0};

	w_u32(&w, "version", 7);
	w_struct(&w, "profile");
	w_strn(&w, NULL, "abc", 3);
	expect_error(*state, &w, "not NUL-terminated");
}

static void test_rejects_bad_dfa_magic(void **state)
{
	struct wbuf w = {0};
	struct tdfa d;
	struct tprof p = {.name = "x", .version = 7, .file = &d};
	size_t at;

	tdfa_init(&d);
	w_profile(&w, &p);
	for (at = 0; at + 4 <= w.n; at++)
		if (!memcmp(w.b + at, "\x1b\x5e\x78\x3d", 4))
			break;
	w.b[at] = 0;
	expect_error(*state, &w, "expected DFA magic");
}

static void test_rejects_next_entry_beyond_states(void **state)
{
	struct wbuf w = {0};
	struct tdfa d;
	struct tprof p = {.name = "x", .version = 7, .file = &d};

	tdfa_init(&d);
	d.next[300] = 9;
	w_profile(&w, &p);
	expect_error(*state, &w, "NEXT[300] = 9 is not a state");
}

static void test_rejects_window_past_next_check(void **state)
{
	struct wbuf w = {0};
	struct tdfa d;
	struct tprof p = {.name = "x", .version = 7, .file = &d};

	tdfa_init(&d);
	d.base[1] = 300;
	w_profile(&w, &p);
	expect_error(*state, &w, "BASE[1] index 300 + 255");
}

static void test_rejects_missing_accept2(void **state)
{
	struct wbuf w = {0};
	struct tdfa d;
	struct tprof p = {.name = "x", .version = 7, .file = &d};

	tdfa_init(&d);
	d.no_accept2 = true;
	w_profile(&w, &p);
	expect_error(*state, &w, "required table ACCEPT2");
}

static void test_rejects_diff_encode_without_header_flag(void **state)
{
	struct wbuf w = {0};
	struct tdfa d;
	struct tprof p = {.name = "x", .version = 7, .file = &d};

	tdfa_init(&d);
	d.base[1] |= 0x80000000u;
	w_profile(&w, &p);
	expect_error(*state, &w, "lacks flag 0x1");
}

static void test_rejects_diff_encode_default_loop(void **state)
{
	struct wbuf w = {0};
	struct tdfa d;
	struct tprof p = {.name = "x", .version = 7, .file = &d};
	uint32_t s2;

	tdfa_init(&d);
	s2 = tdfa_new_state(&d);
	d.hflags = 1;
	d.base[1] |= 0x80000000u;
	d.base[s2] |= 0x80000000u;
	d.def[1] = (uint16_t)s2;
	d.def[s2] = 1;
	w_profile(&w, &p);
	expect_error(*state, &w, "DEFAULT chain from state 1 loops");
}

static void test_rejects_oob_with_base_zero(void **state)
{
	struct wbuf w = {0};
	struct tdfa d;
	struct tprof p = {.name = "x", .version = 7, .file = &d};

	tdfa_init(&d);
	d.hflags = 2;
	d.base[0] |= 0x20000000u;
	w_profile(&w, &p);
	expect_error(*state, &w, "out-of-band transition with base index 0");
}

static void test_rejects_thirteen_xtable_entries(void **state)
{
	struct wbuf w = {0};
	struct tprof p = {.name = "x", .version = 7, .nxtable = 13};
	uint32_t i;

	for (i = 0; i < 13; i++)
		p.xtable[i] = "t";
	w_profile(&w, &p);
	expect_error(*state, &w, "\"xtable\" has 13 entries");
}

static void test_rejects_exec_index_beyond_xtable(void **state)
{
	struct wbuf w = {0};
	struct tdfa d;
	struct tprof p = {.name = "x",
			  .version = 7,
			  .file = &d,
			  .nxtable = 1,
			  .xtable = {"t"}};

	tdfa_init(&d);
	tdfa_add(&d, "/b", 2, 0x1501, 0);
	w_profile(&w, &p);
	expect_error(*state, &w, "invalid named transition");
}

static void test_rejects_inner_nul_in_plain_xtable_entry(void **state)
{
	struct wbuf w = {0};
	struct tprof p = {.name = "x",
			  .version = 7,
			  .nxtable = 1,
			  .xtable = {"a\0b"},
			  .xtable_len = {4}};

	w_profile(&w, &p);
	expect_error(*state, &w, "inner NUL");
}

static void test_rejects_one_state_policydb(void **state)
{
	struct wbuf w = {0};
	struct tdfa d;
	struct tprof p = {.name = "x", .version = 7, .policydb = &d};

	tdfa_init(&d);
	d.nstates = 1;
	d.ntrans = 256;
	w_profile(&w, &p);
	expect_error(*state, &w, "invalid policydb start state 1");
}

static void test_rlimits_read_and_seventeen_rejected(void **state)
{
	struct arena *a = *state;
	struct wbuf w = {0};
	struct tprof p = {.name = "x", .version = 7, .nrlimits = 16};
	struct policy_set *set;
	struct policy_error err;

	w_profile(&w, &p);
	assert_int_equal(read_buf(a, &w, &set, &err), 0);
	assert_int_equal(set->profiles[0].rlimits.count, 16);
	assert_int_equal(set->profiles[0].rlimits.limit[15], 115);
	free(w.b);
	w = (struct wbuf){0};
	p.nrlimits = 17;
	w_profile(&w, &p);
	expect_error(a, &w, "17 rlimits, at most 16");
}

/* net_allowed_af (policy-blob.md 5.11), which 3.0.8 writes for kernels
 * with "network" but no "network_v8", is read, and diff compares it.
 */
static void test_net_allowed_af_is_read_and_compared(void **state)
{
	static const char *const cands[] = {
		"../shared/corpus/features_files/features.all",
		"../../shared/corpus/features_files/features.all",
		"/work/shared/corpus/features_files/features.all",
	};
	struct arena *a = *state;
	struct policy_set *x, *y;
	struct policy_diff *d;
	const struct policy_profile *p;
	const char *opt = NULL;

	for (size_t i = 0; i < sizeof(cands) / sizeof(cands[0]); i++)
		if (access(cands[i], R_OK) == 0)
			opt = arena_sprintf(a, "-M %s", cands[i]);
	if (!opt)
		skip();
	COMPILE_OR_SKIP(x, a, "profile n { network inet stream, }\n", opt);
	COMPILE_OR_SKIP(y, a, "profile n { network inet dgram, }\n", opt);
	p = &x->profiles[0];
	assert_true(p->has_net_af);
	assert_int_equal(p->nnet_af, 46);
	assert_int_equal(p->net_af[2][0], 1u << 1);
	assert_int_equal(p->net_af[1][0], 0);
	assert_int_equal(policy_diff(a, x, y, NULL, &d), 1);
	assert_true(d->n > 0);
	assert_int_equal(policy_diff(a, x, x, NULL, &d), 0);
	assert_int_equal(d->n, 0);
}

static void test_rejects_trailing_garbage(void **state)
{
	struct wbuf w = {0};
	struct tprof p = {.name = "x", .version = 7};

	w_profile(&w, &p);
	w_u32(&w, NULL, 1);
	expect_error(*state, &w, "expected the \"profile\" STRUCT");
}

static void test_every_truncation_of_a_parser_blob_is_rejected(void **state)
{
	struct arena *a = *state;
	const uint8_t *b;
	struct policy_set *set;
	struct policy_error err;
	size_t n, cut;

	if (!compile(a, diff_profile, "", &b, &n)) {
		fprintf(stderr, "# /sbin/apparmor_parser is missing\n");
		skip();
	}
	assert_int_equal(policy_read(a, b, n, &set, &err), 0);
	for (cut = 0; cut < n; cut++) {
		struct arena_mark m = arena_mark(a);
		uint8_t *copy = malloc(cut ? cut : 1);

		memcpy(copy, b, cut);
		if (policy_read(a, copy, cut, &set, &err) == 0) {
			/* a cut exactly between two units is a valid blob */
			assert_true(set->n >= 1);
			assert_int_equal(set->profiles[set->n - 1].end, cut);
		} else {
			assert_true(err.offset <= cut);
		}
		free(copy);
		arena_release(a, m);
	}
}

/* xorshift, so the mutation test is the same on every run */
static uint32_t prng(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

static void test_mutated_parser_blobs_never_crash(void **state)
{
	struct arena *a = *state;
	const uint8_t *b;
	size_t n, i;
	uint32_t seed = 0x9e3779b9u;
	unsigned int accepted = 0, rejected = 0;

	if (!compile(a, diff_profile, "-O equiv", &b, &n)) {
		fprintf(stderr, "# /sbin/apparmor_parser is missing\n");
		skip();
	}
	for (i = 0; i < 3000; i++) {
		struct arena_mark m = arena_mark(a);
		uint8_t *copy = malloc(n);
		size_t len = n, k, flips = 1 + prng(&seed) % 4;
		struct policy_set *set;
		struct policy_error err;
		struct policy_diff *d;

		memcpy(copy, b, n);
		for (k = 0; k < flips; k++) {
			size_t at = prng(&seed) % n;

			switch (prng(&seed) % 4) {
			case 0:
				copy[at] ^= (uint8_t)(1u << (prng(&seed) % 8));
				break;
			case 1:
				copy[at] = (uint8_t)prng(&seed);
				break;
			case 2:
				copy[at] = 0xff;
				break;
			default:
				len = at;
				break;
			}
		}
		if (policy_read(a, copy, len, &set, &err) == 0) {
			size_t j;

			for (j = 0; j < set->n; j++) {
				struct policy_file_perms f;
				struct policy_answer r;

				policy_query_file(&set->profiles[j], "/tmp/x",
						  NULL, &f);
				policy_query_signal(&set->profiles[j], 15, 2,
						    "foo//&bar", &r);
				policy_query_network(&set->profiles[j], 2, 1, 2,
						     &r);
			}
			assert_int_equal(policy_diff(a, set, set, NULL, &d), 0);
			accepted++;
		} else {
			assert_true(err.offset <= len);
			assert_non_null(strstr(err.msg, "offset "));
			rejected++;
		}
		free(copy);
		arena_release(a, m);
	}
	assert_true(accepted > 0);
	assert_true(rejected > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_parser_blob_reads_name_version_and_markers),
		T(test_file_query_gives_both_halves),
		T(test_exec_target_comes_from_xtable),
		T(test_hats_children_and_namespaces_are_units),
		T(test_caps_rlimits_and_flags_are_decoded),
		T(test_network_signal_ptrace_queries),
		T(test_stacked_peer_follows_6_1_label_match),
		T(test_mount_query_dispatches_like_the_kernel),
		T(test_diff_ignores_layout_options),
		T(test_diff_reports_shortest_differing_string),
		T(test_diff_reports_policydb_and_fields),
		T(test_diff_walks_xattr_conditions_out_of_band),
		T(test_minimal_hand_built_profile_loads),
		T(test_dfa_padding_zero_to_seven_is_accepted),
		T(test_file_rules_from_policydb_class_two),
		T(test_xtable_namespace_nul_becomes_colon),
		T(test_diff_compares_xtable_targets_not_indexes),
		T(test_diff_reports_profiles_missing_on_one_side),
		T(test_rejects_empty_input),
		T(test_rejects_missing_version),
		T(test_rejects_version_nine),
		T(test_rejects_missing_flags),
		T(test_rejects_bad_mode_at_its_offset),
		T(test_rejects_unterminated_name),
		T(test_rejects_bad_dfa_magic),
		T(test_rejects_next_entry_beyond_states),
		T(test_rejects_window_past_next_check),
		T(test_rejects_missing_accept2),
		T(test_rejects_diff_encode_without_header_flag),
		T(test_rejects_diff_encode_default_loop),
		T(test_rejects_oob_with_base_zero),
		T(test_rejects_thirteen_xtable_entries),
		T(test_rejects_exec_index_beyond_xtable),
		T(test_rejects_inner_nul_in_plain_xtable_entry),
		T(test_rejects_one_state_policydb),
		T(test_rlimits_read_and_seventeen_rejected),
		T(test_net_allowed_af_is_read_and_compared),
		T(test_rejects_trailing_garbage),
		T(test_every_truncation_of_a_parser_blob_is_rejected),
		T(test_mutated_parser_blobs_never_crash),
#undef T
	};

	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
