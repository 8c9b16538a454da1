/* aa-policy: inspect compiled AppArmor policy offline. `dump` prints every
 * profile of a blob, `query` answers what a profile allows as the kernel
 * would compute it, `diff` compares two blobs semantically. A thin front
 * end over include/policy.h; all decoding lives in backend/policy_*.c.
 */
#include "policy.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define EXIT_DIFF 1
#define EXIT_ERR 2

static const char usage_text[] =
	"usage: aa-policy dump [--states] [--profile NAME] BLOB\n"
	"       aa-policy query BLOB PROFILE CLASS ARGS...\n"
	"       aa-policy diff [--max N] BLOB_A BLOB_B\n"
	"query classes:\n"
	"  file PATH [[owner:]MODES]    link PATH TARGET\n"
	"  capability NAME              network FAMILY TYPE [PERM,...]\n"
	"  signal send|receive SIG peer=LABEL\n"
	"  ptrace read|trace|readby|tracedby peer=LABEL\n"
	"  mount point=P [source=S] [fstype=T] [flags=F,...] [data=D]\n"
	"  umount POINT                 pivot_root NEW_ROOT PUT_OLD\n"
	"  pdb STRING (escapes \\xHH \\0 \\\\)\n"
	"exit status: dump 0; query 0 allowed, 1 denied; diff 0 equal,\n"
	"1 different; 2 on any error\n";

static int usage(void)
{
	fputs(usage_text, stderr);
	return EXIT_ERR;
}

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int fail(const char *fmt, ...)
{
	va_list ap;

	fputs("aa-policy: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_ERR;
}

static int load(struct arena *a, const char *path, struct policy_set **set)
{
	struct policy_error err;
	int rc = policy_read_file(a, path, set, &err);

	if (rc == -EINVAL)
		return fail("%s: malformed policy: %s", path, err.msg);
	if (rc)
		return fail("%s", err.msg);
	return 0;
}

static const char *const mode_names[] = {"enforce", "complain", "kill",
					 "unconfined"};

static const char *caps_list(struct arena *a, uint64_t caps)
{
	char *s = arena_strdup(a, "");
	unsigned int i;

	for (i = 0; i < 64; i++) {
		const char *n;

		if (!(caps & ((uint64_t)1 << i)))
			continue;
		n = policy_number_name("cap", i);
		s = arena_sprintf(a, "%s%s%s", s, *s ? " " : "",
				  n ? n : arena_sprintf(a, "cap%u", i));
	}
	return arena_sprintf(a, "0x%llx%s%s", (unsigned long long)caps,
			     *s ? " " : "", s);
}

/* A byte class as a readable range list, e.g. "[a-z0-9]" or "'/'". */
static const char *byte_set_str(struct arena *a, const bool *in)
{
	char *s = arena_strdup(a, "");
	unsigned int i, n = 0;

	for (i = 0; i < 256; i++)
		n += in[i];
	if (n == 1) {
		for (i = 0; !in[i]; i++)
			;
		uint16_t c = (uint16_t)i;
		return policy_escape(a, &c, 1);
	}
	for (i = 0; i < 256; i++) {
		unsigned int j;
		uint16_t lo, hi;

		if (!in[i])
			continue;
		for (j = i; j + 1 < 256 && in[j + 1]; j++)
			;
		lo = (uint16_t)i;
		hi = (uint16_t)j;
		if (j == i)
			s = arena_sprintf(a, "%s%s", s,
					  policy_escape(a, &lo, 1));
		else
			s = arena_sprintf(a, "%s%s-%s", s,
					  policy_escape(a, &lo, 1),
					  policy_escape(a, &hi, 1));
		i = j;
	}
	return arena_sprintf(a, "[%s]", s);
}

static void dump_transitions(struct arena *a, const struct policy_dfa *d,
			     uint32_t s)
{
	uint32_t targets[256];
	unsigned int c;
	bool done[256] = {false};

	for (c = 0; c < 256; c++)
		targets[c] = policy_dfa_step(d, s, (uint8_t)c);
	for (c = 0; c < 256; c++) {
		bool in[256] = {false};
		unsigned int k;

		if (done[c] || !targets[c])
			continue;
		for (k = c; k < 256; k++) {
			if (!done[k] && targets[k] == targets[c]) {
				in[k] = true;
				done[k] = true;
			}
		}
		printf("      %s -> %u\n", byte_set_str(a, in), targets[c]);
	}
	if (policy_dfa_oob(d, s))
		printf("      <oob> -> %u\n", policy_dfa_oob(d, s));
}

static void dump_accept(struct arena *a, const struct policy_profile *p,
			const char *kind, uint32_t a1, uint32_t a2,
			const uint16_t *w, size_t wn)
{
	if (!strcmp(kind, "file")) {
		struct policy_file_perms f;

		policy_decode_file(p, a1, a2, &f);
		printf("owner %s; other %s%s%s",
		       policy_file_half_str(a, &f.owner),
		       policy_file_half_str(a, &f.other),
		       f.change_profile ? "; change_profile" : "",
		       f.onexec ? "; onexec" : "");
	} else if (!strcmp(kind, "xmatch")) {
		printf("%s", a1 & 1 ? "attach" : "no attach");
	} else {
		struct policy_perms pm;
		unsigned int cls = 0;

		if (w && wn)
			cls = w[0] == POLICY_CLASS_LABEL && wn > 1 ? w[1]
								   : w[0];
		if (cls == POLICY_CLASS_MOUNT)
			policy_compute_mnt_perms(a1, a2, &pm);
		else
			policy_compute_perms(a1, a2, &pm);
		if (w && wn == 1)
			printf("class marker; ");
		printf("allow %s", policy_perms_str(a, cls, pm.allow));
		if (pm.audit)
			printf(" audit %s", policy_perms_str(a, cls, pm.audit));
		if (pm.quiet)
			printf(" quiet %s", policy_perms_str(a, cls, pm.quiet));
	}
}

/* Shortest input from @start to every state (BFS); NULL where unreachable. */
static uint16_t **witnesses(struct arena *a, const struct policy_dfa *d,
			    uint32_t start, bool oob, size_t **lens)
{
	uint16_t **w = arena_alloc_array(a, d->nstates, sizeof(*w));
	uint32_t *queue = arena_alloc_array(a, d->nstates, sizeof(*queue));
	size_t head = 0, tail = 0;
	uint8_t order[256];
	unsigned int k;

	policy_byte_order(order);
	*lens = arena_alloc_array(a, d->nstates, sizeof(**lens));
	w[start] = arena_alloc(a, sizeof(uint16_t));
	queue[tail++] = start;
	while (head < tail) {
		uint32_t s = queue[head++];

		for (k = 0; k < (oob ? 257u : 256u); k++) {
			unsigned int c = k == 256 ? 256 : order[k];
			uint32_t t =
				c == 256 ? policy_dfa_oob(d, s)
					 : policy_dfa_step(d, s, (uint8_t)c);
			size_t n = (*lens)[s];

			if (!t || w[t])
				continue;
			w[t] = arena_alloc_array(a, n + 1, sizeof(uint16_t));
			memcpy(w[t], w[s], n * sizeof(uint16_t));
			w[t][n] = c == 256 ? POLICY_OOB : (uint16_t)c;
			(*lens)[t] = n + 1;
			queue[tail++] = t;
		}
	}
	return w;
}

static void dump_dfa(struct arena *a, const struct policy_profile *p,
		     const char *kind, const struct policy_dfa *d,
		     uint32_t start, bool states)
{
	uint32_t i, nacc = 0;
	size_t *lens;
	uint16_t **w;
	struct arena_mark m = arena_mark(a);

	printf("  %-13s %u states, %u next/check entries, %s, start %u, "
	       "header flags 0x%x, at 0x%zx (%u pad bytes, %zu bytes)\n",
	       kind, d->nstates, d->ntrans,
	       d->has_ec ? "equivalence classes" : "no EC table", start,
	       d->hflags, d->offset, d->pad, d->size);
	for (i = 0; i < d->nstates; i++)
		if (d->accept[i] || d->accept2[i])
			nacc++;
	printf("    accepting states: %u\n", nacc);
	w = witnesses(a, d, start, !strcmp(kind, "xmatch"), &lens);
	for (i = 0; i < d->nstates; i++) {
		bool acc = d->accept[i] || d->accept2[i];

		if (!states && !acc)
			continue;
		printf("    state %u", i);
		if (!w[i])
			printf(" (unreachable)");
		else if (!strcmp(kind, "policydb"))
			printf(" \"%s\" [%s]", policy_escape(a, w[i], lens[i]),
			       policy_describe_pdb(a, w[i], lens[i]));
		else
			printf(" \"%s\"", policy_escape(a, w[i], lens[i]));
		printf(": accept1 0x%08x accept2 0x%08x", d->accept[i],
		       d->accept2[i]);
		if (acc) {
			printf(": ");
			dump_accept(a, p, kind, d->accept[i], d->accept2[i],
				    w[i], lens[i]);
		}
		printf("\n");
		if (states) {
			printf("      base %u%s%s default %u\n",
			       d->base[i] & 0xffffff,
			       d->base[i] & 0x80000000u ? " diff-encoded" : "",
			       d->base[i] & 0x20000000u ? " oob" : "",
			       d->def[i]);
			dump_transitions(a, d, i);
		}
	}
	arena_release(a, m);
}

static void dump_profile(struct arena *a, const struct policy_profile *p,
			 bool states)
{
	static const unsigned int classes[] = {2, 7, 9, 10, 14, 16, 32};
	unsigned int i;

	printf("profile %s\n", p->fqname);
	printf("  %-13s %s\n", "name", p->name);
	printf("  %-13s %s\n", "namespace", p->ns ? p->ns : "(root)");
	if (p->parent)
		printf("  %-13s %s\n", "parent", p->parent->fqname);
	printf("  %-13s unit 0x%zx, struct 0x%zx-0x%zx\n", "offset", p->offset,
	       p->struct_offset, p->end);
	printf("  %-13s 0x%08x (kernel abi %u%s)\n", "version", p->version,
	       p->version & 0x3ff,
	       p->version & 0x800 ? ", force complain" : "");
	printf("  %-13s 0x%x%s%s%s mode=%s audit=%u\n", "flags", p->flags,
	       p->flags & 1 ? " hat" : "", p->flags & 2 ? " debug1" : "",
	       p->flags & 4 ? " debug2" : "", mode_names[p->mode & 3],
	       p->audit);
	printf("  %-13s 0x%x%s\n", "path_flags", p->path_flags,
	       p->has_path_flags ? "" : " (absent: kernel default)");
	if (p->rename)
		printf("  %-13s %s\n", "rename", p->rename);
	if (p->attach)
		printf("  %-13s %s\n", "attach", p->attach);
	if (p->disconnected)
		printf("  %-13s %s\n", "disconnected", p->disconnected);
	printf("  %-13s %s\n", "caps.allow", caps_list(a, p->caps_allow));
	printf("  %-13s %s\n", "caps.audit", caps_list(a, p->caps_audit));
	printf("  %-13s %s\n", "caps.quiet", caps_list(a, p->caps_quiet));
	printf("  %-13s %s%s\n", "caps.kill", caps_list(a, p->caps_kill),
	       p->has_caps64 ? "" : " (no caps64)");
	if (p->has_capsx)
		printf("  %-13s 0x%llx\n", "capsx",
		       (unsigned long long)p->capsx);
	if (p->rlimits.present) {
		printf("  %-13s mask 0x%x", "rlimits", p->rlimits.mask);
		for (i = 0; i < POLICY_RLIMITS; i++)
			if (p->rlimits.mask & (1u << i))
				printf(" %s=%llu",
				       policy_number_name("rlimit", i),
				       (unsigned long long)(i < p->rlimits.count
								    ? p->rlimits.limit
									      [i]
								    : 0));
		printf("\n");
	}
	if (p->has_net_af)
		printf("  %-13s %u families (not read by Linux 6.1)\n",
		       "net_allowed_af", p->nnet_af);
	for (i = 0; i < p->nnet_af; i++)
		if (p->net_af[i][0] || p->net_af[i][1] || p->net_af[i][2])
			printf("    %-11s types allow 0x%04x audit 0x%04x quiet 0x%04x\n",
			       policy_number_name("af", i), p->net_af[i][0],
			       p->net_af[i][1], p->net_af[i][2]);
	for (i = 0; i < p->nxattrs; i++)
		printf("  %-13s [%u] %s\n", "xattr", i, p->xattrs[i]);
	for (i = 0; i < p->nsecmark; i++)
		printf("  %-13s audit %u deny %u label %s\n", "secmark",
		       p->secmark[i].audit, p->secmark[i].deny,
		       p->secmark[i].label);
	for (i = 0; i < p->ndata; i++)
		printf("  %-13s %s (%zu bytes)\n", "data", p->data[i].key,
		       p->data[i].len);
	for (i = 0; i < p->nxtable; i++)
		printf("  %-13s [%u] (exec index %u) %s\n", "xtable", i, i + 4,
		       p->xtable[i]);
	if (p->xmatch) {
		printf("  %-13s %u\n", "xmatch_len", p->xmatch_len);
		dump_dfa(a, p, "xmatch", p->xmatch, 1, states);
	} else {
		printf("  %-13s none (attaches by exact name)\n", "xmatch");
	}
	if (p->policydb) {
		printf("  %-13s", "mediates");
		for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
			if (policy_class_start(p, classes[i]))
				printf(" %s(%u->%u)",
				       policy_number_name("class", classes[i]),
				       classes[i],
				       policy_class_start(p, classes[i]));
		printf("\n");
		dump_dfa(a, p, "policydb", p->policydb, p->policydb_start,
			 states);
	} else {
		printf("  %-13s none (no class mediated)\n", "policydb");
	}
	if (p->file && !p->file_in_policydb)
		dump_dfa(a, p, "file", p->file, p->file_start, states);
	else if (p->file)
		printf("  %-13s from policydb class 2, start %u\n", "file",
		       p->file_start);
	else
		printf("  %-13s none (all file access denied)\n", "file");
}

static int cmd_dump(int argc, char **argv)
{
	struct arena *a;
	struct policy_set *set;
	const char *only = NULL, *path = NULL;
	bool states = false;
	size_t i, shown = 0;
	int k, rc;

	for (k = 0; k < argc; k++) {
		if (!strcmp(argv[k], "--states"))
			states = true;
		else if (!strcmp(argv[k], "--profile") && k + 1 < argc)
			only = argv[++k];
		else if (argv[k][0] == '-' && argv[k][1])
			return usage();
		else if (!path)
			path = argv[k];
		else
			return usage();
	}
	if (!path)
		return usage();
	a = arena_create();
	rc = load(a, path, &set);
	if (rc)
		goto out;
	printf("%s: %zu bytes, %zu profile unit(s)%s%s\n", path, set->size,
	       set->n, set->header_ns ? ", header namespace " : "",
	       set->header_ns ? set->header_ns : "");
	for (i = 0; i < set->n; i++) {
		const struct policy_profile *p = &set->profiles[i];

		if (only && strcmp(p->fqname, only) && strcmp(p->name, only))
			continue;
		printf("\n");
		dump_profile(a, p, states);
		shown++;
	}
	if (only && !shown)
		rc = fail("%s: no profile named \"%s\"", path, only);
out:
	arena_destroy(a);
	return rc;
}

/* Decode \xHH, \0, \n, \t, \\ escapes into bytes. */
static size_t unescape(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (*s && n < cap) {
		if (s[0] == '\\' && s[1] == 'x' && s[2] && s[3]) {
			char hex[3] = {s[2], s[3], 0};

			out[n++] = (uint8_t)strtoul(hex, NULL, 16);
			s += 4;
		} else if (s[0] == '\\' && s[1] == '0') {
			out[n++] = 0;
			s += 2;
		} else if (s[0] == '\\' && s[1] == 'n') {
			out[n++] = '\n';
			s += 2;
		} else if (s[0] == '\\' && s[1] == 't') {
			out[n++] = '\t';
			s += 2;
		} else if (s[0] == '\\' && s[1] == '\\') {
			out[n++] = '\\';
			s += 2;
		} else {
			out[n++] = (uint8_t)*s++;
		}
	}
	return n;
}

static void print_mode_note(const struct policy_profile *p)
{
	uint32_t mode = (p->version & 0x800) ? 1 : p->mode;

	if (mode == 1)
		printf("  note: profile is in complain mode: denials are "
		       "allowed and logged\n");
	else if (mode == 2)
		printf("  note: profile is in kill mode: a denial kills the "
		       "task\n");
	else if (mode == 3)
		printf("  note: profile is unconfined: everything is "
		       "allowed\n");
}

static void print_half(struct arena *a, const char *which,
		       const struct policy_file_half *h)
{
	printf("  %s: %s\n", which, policy_file_half_str(a, h));
	printf("    allow: %s\n", policy_perms_str(a, 2, h->perms.allow));
	if (h->perms.audit)
		printf("    audit: %s\n",
		       policy_perms_str(a, 2, h->perms.audit));
	if (h->perms.quiet)
		printf("    quiet: %s\n",
		       policy_perms_str(a, 2, h->perms.quiet));
	if (h->raw & 1) {
		static const char *const xt[] = {
			"stay in the profile (inherit)",
			"unconfined",
			"profile attached to the exec path",
			"child profile named like the exec path",
			"xtable entry",
		};
		const char *what = xt[h->xtype];

		if (h->xtype == POLICY_X_NONE && !h->inherit)
			what = "none (exec denied: no transition)";
		printf("    exec: %s%s%s%s%s%s\n", what,
		       h->xtype == POLICY_X_TABLE ? " " : "",
		       h->xtype == POLICY_X_TABLE
			       ? (h->target ? h->target : "<missing>")
			       : "",
		       h->unsafe ? ", environment kept (unsafe)"
				 : ", environment scrubbed",
		       h->inherit && h->xtype != POLICY_X_NONE
			       ? ", falls back to inherit"
			       : "",
		       h->unconfined && h->xtype != POLICY_X_UNCONFINED
			       ? ", falls back to unconfined"
			       : "");
	}
}

static uint32_t modes_mask(const char *m, bool *ok)
{
	uint32_t r = 0;

	*ok = true;
	for (; *m; m++) {
		const char *l = strchr("xwralkm", *m);

		if (!l) {
			*ok = false;
			return 0;
		}
		r |= 1u << (l - "xwralkm");
	}
	return r;
}

static int query_file(struct arena *a, const struct policy_profile *p, int argc,
		      char **argv, bool link)
{
	struct policy_file_perms f;
	uint32_t want = 0;
	bool ok = true, owner = false;

	if (argc < 1 || (link && argc != 2) || (!link && argc > 2))
		return usage();
	if (!link && argc == 2) {
		const char *m = argv[1];

		if (!strncmp(m, "owner:", 6)) {
			owner = true;
			m += 6;
		}
		want = modes_mask(m, &ok);
	}
	if (!ok)
		return fail("bad file modes \"%s\" (letters of xwralkm)",
			    argv[1]);
	policy_query_file(p, argv[0], link ? argv[1] : NULL, &f);
	if (link)
		printf("profile %s: link %s -> %s\n", p->fqname, argv[0],
		       argv[1]);
	else
		printf("profile %s: file %s\n", p->fqname, argv[0]);
	if (!p->file) {
		printf("  no file rules: all access denied\n");
		return EXIT_DIFF;
	}
	printf("  %s, state %u, accept1 0x%08x accept2 0x%08x\n",
	       p->file_in_policydb ? "policydb class 2" : "file DFA", f.state,
	       f.accept1, f.accept2);
	print_half(a, "owner", &f.owner);
	print_half(a, "other", &f.other);
	if (f.change_profile || f.onexec)
		printf("  domain:%s%s\n",
		       f.change_profile ? " change_profile" : "",
		       f.onexec ? " onexec" : "");
	print_mode_note(p);
	if (want) {
		uint32_t have = owner ? f.owner.raw : f.other.raw;

		return (have & want) == want ? 0 : EXIT_DIFF;
	}
	return (f.accept1 & 0xc01fc07fu) ? 0 : EXIT_DIFF;
}

static void print_answer(struct arena *a, const struct policy_profile *p,
			 unsigned int cls, const struct policy_answer *r)
{
	if (!r->mediated) {
		printf("  class not mediated by this profile: allowed\n");
	} else {
		printf("  state %u, accept1 0x%08x accept2 0x%08x\n", r->state,
		       r->accept1, r->accept2);
		printf("  allow: %s\n",
		       policy_perms_str(a, cls, r->perms.allow));
		if (r->perms.audit)
			printf("  audit: %s\n",
			       policy_perms_str(a, cls, r->perms.audit));
		if (r->perms.quiet)
			printf("  quiet: %s\n",
			       policy_perms_str(a, cls, r->perms.quiet));
		if (r->request)
			printf("  request %s: %s\n",
			       policy_perms_str(a, cls, r->request),
			       r->allowed ? "ALLOWED" : "DENIED");
	}
	print_mode_note(p);
}

static const char *peer_arg(int argc, char **argv, int k)
{
	if (k >= argc)
		return NULL;
	if (!strncmp(argv[k], "peer=", 5))
		return argv[k] + 5;
	return NULL;
}

static int query_pdb_class(struct arena *a, const struct policy_profile *p,
			   const char *cls, int argc, char **argv)
{
	struct policy_answer r;
	unsigned int pcls;

	if (!strcmp(cls, "signal")) {
		const char *peer = peer_arg(argc, argv, 2);
		uint32_t req;
		int sig;

		if (argc != 3 || !peer)
			return usage();
		if (!strcmp(argv[0], "send"))
			req = POLICY_MAY_WRITE;
		else if (!strcmp(argv[0], "receive"))
			req = POLICY_MAY_READ;
		else
			return fail("signal: expected send or receive, not "
				    "\"%s\"",
				    argv[0]);
		sig = policy_name_number("signal", argv[1]);
		if (sig < 0 || sig > 255)
			return fail("signal: unknown signal \"%s\"", argv[1]);
		printf("profile %s: signal %s %s peer=%s\n", p->fqname, argv[0],
		       argv[1], peer);
		policy_query_signal(p, (unsigned int)sig, req, peer, &r);
		pcls = POLICY_CLASS_SIGNAL;
	} else if (!strcmp(cls, "ptrace")) {
		static const char *const reqs[] = {"trace", "read", "tracedby",
						   "readby"};
		static const uint32_t vals[] = {0x2, 0x4, 0x8, 0x10};
		const char *peer = peer_arg(argc, argv, 1);
		uint32_t req = 0;
		unsigned int i;

		if (argc != 2 || !peer)
			return usage();
		for (i = 0; i < 4; i++)
			if (!strcmp(argv[0], reqs[i]))
				req = vals[i];
		if (!req)
			return fail("ptrace: expected read, trace, readby or "
				    "tracedby, not \"%s\"",
				    argv[0]);
		printf("profile %s: ptrace %s peer=%s\n", p->fqname, argv[0],
		       peer);
		policy_query_ptrace(p, req, peer, &r);
		pcls = POLICY_CLASS_PTRACE;
		if (!r.mediated && req <= 0x4)
			printf("  not mediated: the kernel checks capability "
			       "sys_ptrace instead (%s)\n",
			       (p->caps_allow >> 19) & 1 ? "allowed"
							 : "denied");
	} else if (!strcmp(cls, "network")) {
		int fam, type;
		uint32_t req = 0;

		if (argc < 2 || argc > 3)
			return usage();
		fam = policy_name_number("af", argv[0]);
		type = policy_name_number("type", argv[1]);
		if (fam < 0)
			return fail("network: unknown family \"%s\"", argv[0]);
		if (type < 0)
			return fail("network: unknown type \"%s\"", argv[1]);
		if (argc == 3) {
			static const char *const pn[] = {
				"send",	   "receive", "create",	 "shutdown",
				"connect", "setattr", "getattr", "accept",
				"bind",	   "listen",  "setopt",	 "getopt",
			};
			static const uint32_t pv[] = {
				0x2,	  0x4,	    0x10,      0x20,
				0x40,	  0x100,    0x200,     0x100000,
				0x200000, 0x400000, 0x1000000, 0x2000000,
			};
			char *save = NULL, *w;
			char *list = arena_strdup(a, argv[2]);

			for (w = strtok_r(list, ",", &save); w;
			     w = strtok_r(NULL, ",", &save)) {
				unsigned int i;
				bool found = false;

				for (i = 0; i < 12; i++) {
					if (!strcmp(w, pn[i])) {
						req |= pv[i];
						found = true;
					}
				}
				if (!found)
					return fail("network: unknown "
						    "permission \"%s\"",
						    w);
			}
		}
		printf("profile %s: network %s %s\n", p->fqname, argv[0],
		       argv[1]);
		policy_query_network(p, (unsigned int)fam, (unsigned int)type,
				     req, &r);
		pcls = POLICY_CLASS_NET;
		if (!req && r.mediated)
			r.allowed = r.perms.allow != 0;
	} else {
		uint8_t buf[4096];
		size_t n;

		if (argc != 1)
			return usage();
		n = unescape(argv[0], buf, sizeof(buf));
		printf("profile %s: policydb string %s\n", p->fqname, argv[0]);
		policy_query_pdb(p, buf, n, &r);
		pcls = n ? buf[0] : 0;
		r.allowed = r.perms.allow != 0;
		if (!r.mediated) {
			printf("  no policydb\n");
			return EXIT_DIFF;
		}
	}
	print_answer(a, p, pcls, &r);
	return r.allowed ? 0 : EXIT_DIFF;
}

static int mount_flags(const char *list, uint64_t *flags)
{
	char buf[512];
	char *save = NULL, *w;

	snprintf(buf, sizeof(buf), "%s", list);
	for (w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		int n;
		bool rec = false;

		if (!strcmp(w, "rw"))
			continue;
		if (w[0] == 'r' && strcmp(w, "remount") &&
		    strcmp(w, "relatime") && strcmp(w, "rec") &&
		    strcmp(w, "ro") &&
		    policy_name_number("mountflag", w + 1) >= 0) {
			rec = true;
			w++;
		}
		if (!strcmp(w, "rdonly"))
			w = (char *)"ro";
		n = policy_name_number("mountflag", w);
		if (n < 0 || n > 31)
			return -1;
		*flags |= (uint64_t)1 << n;
		if (rec)
			*flags |= (uint64_t)1 << 14;
	}
	return 0;
}

static int query_mount(struct arena *a, const struct policy_profile *p,
		       const char *cls, int argc, char **argv)
{
	struct policy_mount_req req = {0};
	struct policy_answer r;
	int k;

	if (!strcmp(cls, "umount")) {
		if (argc != 1)
			return usage();
		req.op = 1;
		req.point = argv[0];
	} else if (!strcmp(cls, "pivot_root")) {
		if (argc != 2)
			return usage();
		req.op = 2;
		req.point = argv[0];
		req.old_root = argv[1];
	} else {
		for (k = 0; k < argc; k++) {
			char *v = strchr(argv[k], '=');

			if (!v)
				return fail("mount: expected key=value, not "
					    "\"%s\"",
					    argv[k]);
			v++;
			if (!strncmp(argv[k], "point=", 6))
				req.point = v;
			else if (!strncmp(argv[k], "source=", 7))
				req.source = v;
			else if (!strncmp(argv[k], "fstype=", 7))
				req.fstype = v;
			else if (!strncmp(argv[k], "data=", 5))
				req.data = v;
			else if (!strncmp(argv[k], "flags=", 6)) {
				if (mount_flags(v, &req.flags))
					return fail("mount: unknown flag in "
						    "\"%s\"",
						    v);
			} else
				return fail("mount: unknown key in \"%s\"",
					    argv[k]);
		}
		if (!req.point)
			return fail("mount: point= is required");
	}
	printf("profile %s: %s", p->fqname, cls);
	for (k = 0; k < argc; k++)
		printf(" %s", argv[k]);
	printf("\n");
	policy_query_mount(p, &req, &r);
	print_answer(a, p, POLICY_CLASS_MOUNT, &r);
	if (r.mediated && !((p->caps_allow >> 21) & 1))
		printf("  note: mount operations also need capability "
		       "sys_admin, which this profile lacks\n");
	return r.allowed ? 0 : EXIT_DIFF;
}

static int cmd_query(int argc, char **argv)
{
	struct arena *a;
	struct policy_set *set;
	const struct policy_profile *p;
	const char *cls;
	int rc;

	if (argc < 3)
		return usage();
	a = arena_create();
	rc = load(a, argv[0], &set);
	if (rc)
		goto out;
	p = policy_find(set, argv[1]);
	if (!p) {
		rc = fail("%s: no profile named \"%s\"", argv[0], argv[1]);
		goto out;
	}
	cls = argv[2];
	argc -= 3;
	argv += 3;
	if (!strcmp(cls, "file") || !strcmp(cls, "link")) {
		rc = query_file(a, p, argc, argv, cls[0] == 'l');
	} else if (!strcmp(cls, "capability")) {
		struct policy_answer r;
		int cap;

		if (argc != 1) {
			rc = usage();
			goto out;
		}
		cap = policy_name_number("cap", argv[0]);
		if (cap < 0 || cap > 63) {
			rc = fail("unknown capability \"%s\"", argv[0]);
			goto out;
		}
		policy_query_capability(p, (unsigned int)cap, &r);
		printf("profile %s: capability %s\n", p->fqname, argv[0]);
		printf("  %s%s%s\n", r.allowed ? "ALLOWED" : "DENIED",
		       r.perms.audit ? ", audited" : "",
		       r.perms.quiet ? ", quiet" : "");
		print_mode_note(p);
		rc = r.allowed ? 0 : EXIT_DIFF;
	} else if (!strcmp(cls, "signal") || !strcmp(cls, "ptrace") ||
		   !strcmp(cls, "network") || !strcmp(cls, "pdb")) {
		rc = query_pdb_class(a, p, cls, argc, argv);
	} else if (!strcmp(cls, "mount") || !strcmp(cls, "umount") ||
		   !strcmp(cls, "pivot_root")) {
		rc = query_mount(a, p, cls, argc, argv);
	} else {
		rc = fail("unknown query class \"%s\"", cls);
	}
out:
	arena_destroy(a);
	fflush(stdout);
	return rc;
}

static const char *item_string(struct arena *a,
			       const struct policy_diff_item *it)
{
	if (it->kind == POLICY_DIFF_POLICYDB)
		return arena_sprintf(
			a, "\"%s\" (%s)", policy_escape(a, it->syms, it->nsyms),
			policy_describe_pdb(a, it->syms, it->nsyms));
	return arena_sprintf(a, "\"%s\"",
			     policy_escape(a, it->syms, it->nsyms));
}

static int cmd_diff(int argc, char **argv)
{
	struct policy_diff_opts opts = {0};
	struct policy_set *x, *y;
	struct policy_diff *d;
	const char *pa = NULL, *pb = NULL, *last = NULL;
	struct arena *a;
	size_t i;
	int k, rc;

	for (k = 0; k < argc; k++) {
		if (!strcmp(argv[k], "--max") && k + 1 < argc)
			opts.max_strings = (unsigned int)atoi(argv[++k]);
		else if (argv[k][0] == '-' && argv[k][1])
			return usage();
		else if (!pa)
			pa = argv[k];
		else if (!pb)
			pb = argv[k];
		else
			return usage();
	}
	if (!pb)
		return usage();
	a = arena_create();
	rc = load(a, pa, &x);
	if (!rc)
		rc = load(a, pb, &y);
	if (rc)
		goto out;
	rc = policy_diff(a, x, y, &opts, &d);
	for (i = 0; i < d->n; i++) {
		const struct policy_diff_item *it = &d->items[i];

		if (!last || strcmp(last, it->profile))
			printf("profile %s:\n", it->profile);
		last = it->profile;
		switch (it->kind) {
		case POLICY_DIFF_ONLY_A:
			printf("  only in %s\n", pa);
			break;
		case POLICY_DIFF_ONLY_B:
			printf("  only in %s\n", pb);
			break;
		case POLICY_DIFF_FIELD:
			printf("  %s: %s | %s\n", it->what, it->a, it->b);
			break;
		default:
			printf("  %s %s\n    - %s\n    + %s\n", it->what,
			       item_string(a, it), it->a, it->b);
			break;
		}
	}
	if (d->suppressed)
		printf("(%zu more differing strings not shown; --max N)\n",
		       d->suppressed);
	printf("%zu profile(s) compared, %zu differ; %zu state pairs "
	       "walked\n",
	       d->profiles, d->profiles_differing, d->pairs_walked);
out:
	arena_destroy(a);
	fflush(stdout);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "dump"))
		return cmd_dump(argc - 2, argv + 2);
	if (!strcmp(argv[1], "query"))
		return cmd_query(argc - 2, argv + 2);
	if (!strcmp(argv[1], "diff"))
		return cmd_diff(argc - 2, argv + 2);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage_text, stdout);
		return 0;
	}
	return usage();
}
