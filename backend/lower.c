/* Lowering of one profile, common part: payload and entry tables, glob
 * translation with the profile named in errors, the attachment (xmatch)
 * patterns with their xattr conditions, and the dispatch over rule kinds
 * (file-DFA kinds in lower_file.c, policydb kinds in lower_pdb.c). Knows
 * the IR and the accept layout; builds no automaton itself.
 */
#include "be_int.h"

#include <errno.h>
#include <string.h>

#include "arena.h"
#include "cu.h"
#include "ir.h"
#include "lower.h"

void be_lower_init(struct be_lower *l, struct cu *cu, struct dfa_ctx *dc,
		   const struct be_abi *abi, const struct be_options *o,
		   const struct ir_profile *prof, const char *hname)
{
	memset(l, 0, sizeof(*l));
	l->cu = cu;
	l->a = cu->arena;
	l->dc = dc;
	l->abi = abi;
	l->o = o;
	l->prof = prof;
	l->hname = hname;
}

uint32_t be_add_perm(struct be_lower *l, const struct be_perm *p)
{
	if (l->nperms == l->capperms) {
		size_t cap = l->capperms ? 2 * l->capperms : 64;
		struct be_perm *v = arena_alloc_array(l->a, cap, sizeof(*v));

		if (l->nperms)
			memcpy(v, l->perms, l->nperms * sizeof(*v));
		l->perms = v;
		l->capperms = cap;
	}
	l->perms[l->nperms] = *p;
	return (uint32_t)l->nperms++;
}

void be_add_entry(struct be_lower *l, enum be_aut aut, dfa_pat_t pat,
		  uint32_t id)
{
	struct be_entries *e = &l->ent[aut];

	if (e->n == e->cap) {
		size_t cap = e->cap ? 2 * e->cap : 64;
		struct be_entry *v = arena_alloc_array(l->a, cap, sizeof(*v));

		if (e->n)
			memcpy(v, e->v, e->n * sizeof(*v));
		e->v = v;
		e->cap = cap;
	}
	e->v[e->n].pat = pat;
	e->v[e->n].id = id;
	e->n++;
}

int be_glob(struct be_lower *l, const char *glob, struct src_loc loc,
	    dfa_pat_t *out)
{
	const char *err = NULL;

	if (dfa_glob(l->dc, glob, strlen(glob), DFA_GLOB_DEFAULT, out, &err)) {
		diag_error(l->cu, loc, "%s", err ? err : "invalid glob");
		l->rc = -EINVAL;
		return -EINVAL;
	}
	return 0;
}

int be_pathexpr(struct be_lower *l, const struct ir_pathexpr *pe,
		dfa_pat_t *out)
{
	dfa_pat_t p, sub;

	if (be_glob(l, pe->glob, pe->loc, &p))
		return -EINVAL;
	for (size_t i = 0; i < pe->nsub; i++) {
		if (be_glob(l, pe->sub[i], pe->loc, &sub))
			return -EINVAL;
		p = dfa_pat_diff(l->dc, p, sub);
	}
	*out = p;
	return 0;
}

dfa_pat_t be_pat_cstr(struct be_lower *l, const char *s)
{
	return dfa_pat_bytes(l->dc, s, strlen(s));
}

dfa_pat_t be_pat_nonnul(struct be_lower *l, bool plus)
{
	struct dfa_byteset set = {{0}};
	dfa_pat_t c;

	dfa_byteset_add_range(&set, 1, 255);
	c = dfa_pat_class(l->dc, &set);
	return plus ? dfa_pat_plus(l->dc, c) : dfa_pat_star(l->dc, c);
}

/* Right-nested: the term constructor re-walks a left operand that is a
 * concatenation, so cat(cat(a, b), c) would walk @a twice. */
dfa_pat_t be_pat_cat3(struct be_lower *l, dfa_pat_t a, dfa_pat_t b, dfa_pat_t c)
{
	return dfa_pat_cat(l->dc, a, dfa_pat_cat(l->dc, b, c));
}

const char *be_collapse_slashes(struct arena *a, const char *s)
{
	size_t n = strlen(s);
	char *out = arena_alloc(a, n + 1);
	size_t i = 0, o = 0;

	if (n > 2 && s[0] == '/' && s[1] == '/' && s[2] != '/') {
		out[o++] = '/';
		out[o++] = '/';
		i = 2;
	}
	for (; i < n; i++) {
		if (s[i] == '/' && o && out[o - 1] == '/')
			continue;
		out[o++] = s[i];
	}
	out[o] = '\0';
	return out;
}

/* Note [xmatch-len]: 3.0.8's priority floor, inferred from its output on
 * many attachments: walking the glob, a literal character or a positive
 * class counts 1; an alternation counts its shortest alternative; '?' and
 * a negated class count 1 and end the count; a star ends it, after
 * counting 1 for the [^/] a whole-component star begins with (language.md
 * 4.3). Examples: /usr/bin/foo* 12, /{,usr/}bin/ping 9, /a?b 3, /a[bc]d 4,
 * /ab/ followed by a double star 5, /a*b 2.
 */
static uint32_t be_xlen(const char **sp, const char *start, bool *stop,
			int depth)
{
	const char *s = *sp;
	uint32_t n = 0;

	while (*s && !*stop) {
		if (depth && (*s == ',' || *s == '}'))
			break;
		if (*s == '\\' && s[1]) {
			s += 2;
			n++;
		} else if (*s == '*') {
			const char *e = s;

			while (*e == '*')
				e++;
			if (s > start && s[-1] == '/' && (*e == '/' || !*e))
				n++;
			*stop = true;
		} else if (*s == '?') {
			n++;
			*stop = true;
		} else if (*s == '[') {
			bool neg = s[1] == '^';

			s += neg ? 2 : 1;
			if (*s == ']')
				s++;
			while (*s && *s != ']')
				s += (*s == '\\' && s[1]) ? 2 : 1;
			if (*s)
				s++;
			n++;
			*stop = neg;
		} else if (*s == '{') {
			uint32_t best = UINT32_MAX;
			bool any_stop = false;

			s++;
			for (;;) {
				bool st = false;
				uint32_t k = be_xlen(&s, start, &st, depth + 1);

				best = k < best ? k : best;
				any_stop |= st;
				while (*s && *s != ',' && *s != '}')
					s++;
				if (*s != ',')
					break;
				s++;
			}
			if (*s == '}')
				s++;
			n += best == UINT32_MAX ? 0 : best;
			*stop = any_stop;
		} else {
			s++;
			n++;
		}
	}
	*sp = s;
	return n;
}

uint32_t be_literal_prefix_len(const char *glob)
{
	bool stop = false;

	return be_xlen(&glob, glob, &stop, 0);
}

/* Note [attachment]: 3.0.8 builds an xmatch DFA when the profile has an
 * explicit attachment, or when its path name contains a glob; a plain path
 * name attaches by exact name compare in the kernel (policy-blob.md 5.3).
 * A profile with xattr conditions always gets one, its name standing for
 * the path when it has no attachment, even when the kernel cannot test
 * xattrs and the conditions are dropped (3.0.8 does the same). A hat never
 * attaches. Every attachment state accepts with 1.
 *
 * Note [xattr-match]: 6.1 continues the xmatch walk after the path
 * (policy-blob.md 7.4): one out-of-band step, then per name of the xattrs
 * array a NUL and the attribute's raw value, whose end must accept, and
 * another out-of-band step before the next name. So the path and every
 * prefix ending after a value accept: path, path<oob>\0v1, path<oob>\0v1
 * <oob>\0v2, ... A name without a value matches any value (including an
 * empty one); values use the NUL-matching glob dialect (language.md 4.4).
 * 3.0.8 keeps the conditions in reverse declaration order, duplicates
 * included, and so do we: the order is part of the blob (array and
 * automaton agree) and aa-policy diff compares it. No condition is
 * optional, so the out-of-band step from a state before a NUL leads
 * nowhere and a missing attribute refuses the profile. xmatch_len stays
 * that of the path.
 */
static int be_lower_xattrs(struct be_lower *l, dfa_pat_t path, uint32_t id)
{
	const struct ir_xattr *x, **v;
	const char **names;
	dfa_pat_t cur = path, oob_nul;
	size_t n = 0, i;

	for (x = l->prof->xattrs; x; x = x->next)
		n++;
	v = arena_alloc_array(l->a, n, sizeof(*v));
	names = arena_alloc_array(l->a, n, sizeof(*names));
	i = n;
	for (x = l->prof->xattrs; x; x = x->next)
		v[--i] = x;
	oob_nul =
		dfa_pat_cat(l->dc, dfa_pat_oob(l->dc), dfa_pat_byte(l->dc, 0));
	for (i = 0; i < n; i++) {
		const char *err = NULL;
		dfa_pat_t val;

		names[i] = v[i]->name;
		if (!v[i]->value) {
			val = dfa_pat_any(l->dc);
		} else if (dfa_glob(l->dc, v[i]->value, strlen(v[i]->value),
				    DFA_GLOB_XATTR, &val, &err)) {
			diag_error(l->cu, v[i]->loc, "%s",
				   err ? err : "invalid glob");
			l->rc = -EINVAL;
			return -EINVAL;
		}
		cur = be_pat_cat3(l, cur, oob_nul, val);
		be_add_entry(l, BE_AUT_XMATCH, cur, id);
	}
	l->xattrs = names;
	l->nxattrs = n;
	return 0;
}

static int be_lower_xmatch(struct be_lower *l)
{
	const struct ir_profile *p = l->prof;
	const char *at = p->attach;
	bool xattrs = p->xattrs && l->abi->xattr;
	bool force =
		p->xattrs; /* an xmatch even when the kernel lacks xattrs */
	struct be_perm perm = {0};
	dfa_pat_t pat;
	uint32_t id;

	if (p->is_hat)
		return 0;
	if (!at && (p->name[0] == '/' || force)) {
		const char *last = p->name, *s;

		for (s = strstr(last, "//"); s; s = strstr(last, "//"))
			last = s + 2;
		at = p->name[0] == '/' ? be_collapse_slashes(l->a, last) : last;
		if (!force && dfa_glob_is_exact(at, strlen(at)))
			return 0;
	}
	if (!at)
		return 0;
	if (be_glob(l, at, p->attach_loc, &pat))
		return -EINVAL;
	perm.perms = 1;
	l->attach = at;
	l->xmatch_len = be_literal_prefix_len(at);
	id = be_add_perm(l, &perm);
	be_add_entry(l, BE_AUT_XMATCH, pat, id);
	return xattrs ? be_lower_xattrs(l, pat, id) : 0;
}

/* Note [all-rule]: language.md 3.17: one unconditioned rule of every kind
 * the target mediates: file /{**,} rwalkm plus ix one priority level
 * lower, every capability, network, unix, signal, ptrace, dbus and mount
 * access the target mediates.
 */
void be_lower_all_rule(struct be_lower *l, const struct ir_rule *r)
{
	struct ir_rule x = *r;
	struct be_perm p = {0};
	struct dfa_byteset f = {{0}};
	dfa_pat_t pat, any = dfa_pat_any(l->dc);
	uint32_t half = BE_F_READ | BE_F_WRITE | BE_F_APPEND | BE_F_LINK |
			BE_F_LOCK | BE_F_MMAP;
	int prio = r->q.has_priority ? r->q.priority : 0;

	if (r->q.mode == IR_MODE_PROMPT || be_glob(l, "/{**,}", r->loc, &pat))
		return;
	p.deny = r->q.mode == IR_MODE_DENY;
	p.quiet = p.deny && !r->q.audit;
	p.file = true;
	p.priority = prio;
	p.rule = r;
	p.text = "/{**,}";
	p.perms = BE_F_BOTH(half | (p.deny ? BE_F_EXEC : 0));
	p.audit = !p.deny && r->q.audit ? p.perms : 0;
	be_add_entry(l, BE_AUT_FILE, pat, be_add_perm(l, &p));
	if (!p.deny) {
		p.perms = BE_F_BOTH(BE_F_EXEC | BE_F_MMAP | BE_F_INHERIT);
		p.audit = r->q.audit ? p.perms : 0;
		p.priority = prio - 1;
		be_add_entry(l, BE_AUT_FILE, pat, be_add_perm(l, &p));
		p.perms = BE_F_BOTH(BE_F_LINK) | BE_F_LOCK;
		p.audit = r->q.audit ? p.perms : 0;
		p.priority = prio;
	} else {
		p.perms = BE_F_BOTH(BE_F_LINK);
	}
	dfa_byteset_add_range(&f, 0, 255);
	f.w['/' >> 6] &= ~((uint64_t)1 << ('/' & 63));
	be_add_entry(l, BE_AUT_FILE,
		     be_pat_cat3(l, pat, dfa_pat_byte(l->dc, 0),
				 be_pat_cat3(l, dfa_pat_byte(l->dc, '/'),
					     dfa_pat_class(l->dc, &f), any)),
		     be_add_perm(l, &p));
	l->has_file_rules = true;
	memset(&x.u, 0, sizeof(x.u));
	x.kind = IR_RULE_CAPABILITY;
	be_lower_cap_rule(l, &x);
	memset(&x.u, 0, sizeof(x.u));
	x.kind = IR_RULE_NETWORK;
	x.u.net.family = -1;
	x.u.net.sock_type = -1;
	x.u.net.protocol = -1;
	be_lower_net_rule(l, &x);
	memset(&x.u, 0, sizeof(x.u));
	x.kind = IR_RULE_UNIX;
	be_lower_unix_rule(l, &x);
	x.kind = IR_RULE_SIGNAL;
	be_lower_signal_rule(l, &x);
	x.kind = IR_RULE_PTRACE;
	be_lower_ptrace_rule(l, &x);
	x.kind = IR_RULE_DBUS;
	be_lower_dbus_rule(l, &x);
	memset(&x.u, 0, sizeof(x.u));
	x.kind = IR_RULE_MOUNT;
	x.u.mount.kind = IR_MOUNT_MOUNT;
	be_lower_mount_rule(l, &x);
	x.u.mount.kind = IR_MOUNT_REMOUNT;
	be_lower_mount_rule(l, &x);
	x.u.mount.kind = IR_MOUNT_UMOUNT;
	be_lower_mount_rule(l, &x);
	memset(&x.u, 0, sizeof(x.u));
	x.kind = IR_RULE_PIVOT_ROOT;
	be_lower_mount_rule(l, &x);
}

int be_lower_profile(struct be_lower *l)
{
	const struct ir_profile *p = l->prof;

	be_lower_xmatch(l);
	be_lower_file_prepare(l);
	for (const struct ir_rule *r = p->rules; r; r = r->next) {
		switch (r->kind) {
		case IR_RULE_FILE:
			be_lower_file_rule(l, r);
			break;
		case IR_RULE_LINK:
			be_lower_link_rule(l, r);
			break;
		case IR_RULE_CHANGE_PROFILE:
			be_lower_cp_rule(l, r);
			break;
		case IR_RULE_CAPABILITY:
			be_lower_cap_rule(l, r);
			break;
		case IR_RULE_RLIMIT:
			be_lower_rlimit_rule(l, r);
			break;
		case IR_RULE_NETWORK:
			be_lower_net_rule(l, r);
			break;
		case IR_RULE_UNIX:
			be_lower_unix_rule(l, r);
			break;
		case IR_RULE_SIGNAL:
			be_lower_signal_rule(l, r);
			break;
		case IR_RULE_PTRACE:
			be_lower_ptrace_rule(l, r);
			break;
		case IR_RULE_MOUNT:
		case IR_RULE_PIVOT_ROOT:
			be_lower_mount_rule(l, r);
			break;
		case IR_RULE_DBUS:
			be_lower_dbus_rule(l, r);
			break;
		case IR_RULE_ALL:
			be_lower_all_rule(l, r);
			break;
		case IR_RULE_USERNS:
		case IR_RULE_MQUEUE:
		case IR_RULE_IO_URING:
		case IR_RULE_ABI:
		case IR_RULE__COUNT:
			/* not mediated by the kernels this writer targets;
			 * the front end warned (rule-not-enforced)
			 */
			break;
		}
	}
	be_lower_implied(l);
	be_lower_markers(l);
	return l->rc;
}
