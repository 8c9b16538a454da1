/* Semantic diff of two parsed blobs: profiles matched by fully qualified
 * name, their fields compared as the kernel uses them, and their file,
 * policydb and xmatch automata walked together breadth first, so each
 * state pair with different meaning is reported with its shortest string.
 * Backend phase, read side; layout (state numbers, table packing, EC,
 * xtable order) never matters.
 */
#include "policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define DIFF_MAX_PAIRS (2u << 20) /* product states per automaton walk */

/* One side of a product walk: a DFA, a literal string, or nothing. */
struct aut {
	const struct policy_dfa *d; /* NULL: no DFA */
	uint32_t start;
	const char *lit; /* exact-name attachment when there is no xmatch */
	size_t litlen;
	const struct policy_profile *p; /* for xtable lookups */
};

enum walk_kind { WALK_FILE, WALK_PDB, WALK_XMATCH };

/* A visited pair of the product automaton. */
struct pair {
	uint32_t sa, sb;
	uint32_t parent; /* index of the predecessor, UINT32_MAX at the root */
	uint16_t sym;	 /* symbol from the predecessor */
	uint16_t depth;
};

/* The state of one diff. */
struct differ {
	struct arena *a;
	struct policy_diff *out;
	size_t cap;
	unsigned int max_strings;
};

static void add_item(struct differ *df, enum policy_diff_kind kind,
		     const char *profile, const char *what,
		     const uint16_t *syms, size_t nsyms, const char *va,
		     const char *vb)
{
	struct policy_diff *o = df->out;
	struct policy_diff_item *it;

	if (o->n == df->cap) {
		struct policy_diff_item *ni;

		df->cap = df->cap ? 2 * df->cap : 16;
		ni = arena_alloc_array(df->a, df->cap, sizeof(*ni));
		if (o->n)
			memcpy(ni, o->items, o->n * sizeof(*ni));
		o->items = ni;
	}
	it = &o->items[o->n++];
	it->kind = kind;
	it->profile = profile;
	it->what = what;
	it->syms = syms;
	it->nsyms = nsyms;
	it->a = va;
	it->b = vb;
}

static uint32_t aut_step(const struct aut *m, uint32_t s, unsigned int sym)
{
	if (!s)
		return 0;
	if (m->d) {
		if (sym == POLICY_OOB)
			return policy_dfa_oob(m->d, s);
		return policy_dfa_step(m->d, s, (uint8_t)sym);
	}
	if (m->lit && sym != POLICY_OOB && s - 1 < m->litlen &&
	    (uint8_t)m->lit[s - 1] == sym)
		return s + 1;
	return 0;
}

static void aut_accept(const struct aut *m, uint32_t s, uint32_t *a1,
		       uint32_t *a2)
{
	*a1 = 0;
	*a2 = 0;
	if (!s)
		return;
	if (m->d) {
		*a1 = m->d->accept[s];
		*a2 = m->d->accept2[s];
	} else if (m->lit && s == m->litlen + 1) {
		*a1 = 1;
	}
}

static uint32_t aut_class(const struct aut *m, unsigned int c)
{
	if (m->d)
		return m->d->ec[c];
	return c;
}

/* Do two file halves grant the same? Exec targets compare by string. */
static bool half_equal(const struct policy_file_half *x,
		       const struct policy_file_half *y)
{
	if ((x->raw & ~0x3c00u) != (y->raw & ~0x3c00u))
		return false;
	if (x->xtype == POLICY_X_TABLE && y->xtype == POLICY_X_TABLE) {
		if (!x->target || !y->target)
			return x->target == y->target;
		return !strcmp(x->target, y->target);
	}
	return x->xindex == y->xindex;
}

static bool file_equal(const struct policy_file_perms *x,
		       const struct policy_file_perms *y)
{
	return half_equal(&x->owner, &y->owner) &&
	       half_equal(&x->other, &y->other) &&
	       (x->accept1 & 0xc0000000u) == (y->accept1 & 0xc0000000u) &&
	       (x->accept2 & 0x0fffffffu) == (y->accept2 & 0x0fffffffu);
}

static const char *audit_quiet_str(struct arena *a, uint32_t a2, int shift)
{
	static const char letters[] = "xwralkm";
	char aud[8], qui[8];
	size_t i, na = 0, nq = 0;

	for (i = 0; i < 7; i++) {
		if (a2 & (1u << (i + (unsigned int)shift)))
			aud[na++] = letters[i];
		if (a2 & (1u << (i + 7 + (unsigned int)shift)))
			qui[nq++] = letters[i];
	}
	aud[na] = qui[nq] = '\0';
	if (!na && !nq)
		return "";
	return arena_sprintf(a, "%s%s%s%s%s", na ? " audit=" : "", aud,
			     nq ? " quiet=" : "", qui, "");
}

static const char *file_str(struct arena *a, const struct policy_file_perms *f)
{
	return arena_sprintf(a, "owner: %s%s; other: %s%s%s%s",
			     policy_file_half_str(a, &f->owner),
			     audit_quiet_str(a, f->accept2, 0),
			     policy_file_half_str(a, &f->other),
			     audit_quiet_str(a, f->accept2, 14),
			     f->change_profile ? "; change_profile" : "",
			     f->onexec ? "; onexec" : "");
}

/* The class whose permission names apply to a policydb string. */
static unsigned int pdb_class(const uint16_t *syms, size_t n)
{
	if (!n)
		return 0;
	if (syms[0] == POLICY_CLASS_LABEL && n >= 2)
		return syms[1];
	return syms[0];
}

static const char *pdb_str(struct arena *a, unsigned int cls,
			   const struct policy_perms *p)
{
	const char *al = policy_perms_str(a, cls, p->allow);

	if (!p->audit && !p->quiet)
		return al;
	return arena_sprintf(a, "%s audit=%s quiet=%s", al,
			     policy_perms_str(a, cls, p->audit),
			     policy_perms_str(a, cls, p->quiet));
}

static uint16_t *path_of(struct differ *df, const struct pair *pairs,
			 uint32_t idx, size_t *n)
{
	size_t len = pairs[idx].depth, i = len;
	uint16_t *s = arena_alloc_array(df->a, len + 1, sizeof(*s));

	while (i > 0) {
		s[--i] = pairs[idx].sym;
		idx = pairs[idx].parent;
	}
	*n = len;
	return s;
}

/* Open-addressing map from a state pair to its index in the pair list. */
struct pairmap {
	uint64_t *keys; /* key + 1, 0 = empty */
	uint32_t *vals;
	size_t cap, n;
};

static uint64_t hash64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static void pm_grow(struct pairmap *m)
{
	size_t ncap = m->cap ? 2 * m->cap : 1024, i;
	uint64_t *nk = xcalloc(ncap, sizeof(*nk));
	uint32_t *nv = xcalloc(ncap, sizeof(*nv));

	for (i = 0; i < m->cap; i++) {
		size_t j;

		if (!m->keys[i])
			continue;
		j = hash64(m->keys[i]) & (ncap - 1);
		while (nk[j])
			j = (j + 1) & (ncap - 1);
		nk[j] = m->keys[i];
		nv[j] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	m->keys = nk;
	m->vals = nv;
	m->cap = ncap;
}

/* Returns the existing index, or stores @val and returns UINT32_MAX. */
static uint32_t pm_insert(struct pairmap *m, uint32_t sa, uint32_t sb,
			  uint32_t val)
{
	uint64_t key = (((uint64_t)sa << 32) | sb) + 1;
	size_t j;

	if (2 * (m->n + 1) > m->cap)
		pm_grow(m);
	j = hash64(key) & (m->cap - 1);
	while (m->keys[j]) {
		if (m->keys[j] == key)
			return m->vals[j];
		j = (j + 1) & (m->cap - 1);
	}
	m->keys[j] = key;
	m->vals[j] = val;
	m->n++;
	return UINT32_MAX;
}

/* The joint partition of bytes by both EC tables, with a readable
 * representative per block. */
static unsigned int joint_classes(const struct aut *x, const struct aut *y,
				  uint16_t *rep)
{
	uint32_t seen[256];
	uint8_t order[256];
	unsigned int n = 0, i;

	policy_byte_order(order);
	for (i = 0; i < 256; i++) {
		uint8_t c = order[i];
		uint32_t key = (aut_class(x, c) << 8) | aut_class(y, c);
		unsigned int j;

		for (j = 0; j < n; j++)
			if (seen[j] == key)
				break;
		if (j == n) {
			seen[n] = key;
			rep[n++] = c;
		}
	}
	return n;
}

/*
 * Note [product-walk]: breadth-first search over pairs (sa, sb) from the
 * two start states; the dead pair (0, 0) is never entered. BFS order
 * makes the first string reaching a pair a shortest one. For the
 * policydb the root's class-2 edge is not followed (file rules are
 * compared by the file walk) and the accept values of the root and of
 * the class start states are not compared (the kernel never reads them);
 * instead a class start that is dead on one side only is reported as a
 * mediation difference.
 */
static void walk(struct differ *df, const char *profile, enum walk_kind kind,
		 const struct aut *x, const struct aut *y)
{
	static const char *const names[] = {"file", "policydb", "xmatch"};
	struct pair *pairs = NULL;
	size_t npairs = 0, cap = 0, head = 0;
	struct pairmap map = {0};
	uint16_t rep[257];
	unsigned int nsym, reported = 0;
	enum policy_diff_kind dk = kind == WALK_FILE  ? POLICY_DIFF_FILE
				   : kind == WALK_PDB ? POLICY_DIFF_POLICYDB
						      : POLICY_DIFF_XMATCH;

	if ((!x->d && !x->lit) && (!y->d && !y->lit))
		return;
	nsym = joint_classes(x, y, rep);
	if (kind == WALK_XMATCH)
		rep[nsym++] = POLICY_OOB;
	cap = 1024;
	pairs = xmalloc(cap * sizeof(*pairs));
	pairs[0] =
		(struct pair){x->d || x->lit ? x->start : 0,
			      y->d || y->lit ? y->start : 0, UINT32_MAX, 0, 0};
	pm_insert(&map, pairs[0].sa, pairs[0].sb, 0);
	npairs = 1;
	while (head < npairs) {
		struct pair cur = pairs[head];
		uint32_t idx = (uint32_t)head++;
		uint32_t xa1, xa2, ya1, ya2;
		const char *va = NULL, *vb = NULL;
		unsigned int i;

		aut_accept(x, cur.sa, &xa1, &xa2);
		aut_accept(y, cur.sb, &ya1, &ya2);
		if (kind == WALK_FILE) {
			struct policy_file_perms fx, fy;

			policy_decode_file(x->p, xa1, xa2, &fx);
			policy_decode_file(y->p, ya1, ya2, &fy);
			if (!file_equal(&fx, &fy)) {
				va = file_str(df->a, &fx);
				vb = file_str(df->a, &fy);
			}
		} else if (kind == WALK_XMATCH) {
			if ((xa1 & 1) != (ya1 & 1)) {
				va = xa1 & 1 ? "attaches" : "does not attach";
				vb = ya1 & 1 ? "attaches" : "does not attach";
			}
		} else if (cur.depth == 1 && (!cur.sa || !cur.sb)) {
			va = cur.sa ? "class mediated" : "class not mediated";
			vb = cur.sb ? "class mediated" : "class not mediated";
		} else if (cur.depth > 1) {
			struct policy_perms px, py;

			policy_compute_perms(xa1, xa2, &px);
			policy_compute_perms(ya1, ya2, &py);
			if (px.allow != py.allow || px.audit != py.audit ||
			    px.quiet != py.quiet) {
				size_t n;
				uint16_t *s = path_of(df, pairs, idx, &n);
				unsigned int cls = pdb_class(s, n);

				va = pdb_str(df->a, cls, &px);
				vb = pdb_str(df->a, cls, &py);
			}
		}
		if (va) {
			if (reported < df->max_strings) {
				size_t n;
				uint16_t *s = path_of(df, pairs, idx, &n);

				add_item(df, dk, profile, names[kind], s, n, va,
					 vb);
			} else {
				df->out->suppressed++;
			}
			reported++;
		}
		if (kind == WALK_PDB && cur.depth == 1 && (!cur.sa || !cur.sb))
			continue;
		if (cur.depth == UINT16_MAX)
			continue;
		for (i = 0; i < nsym; i++) {
			uint32_t na, nb, old;

			if (kind == WALK_PDB && cur.depth == 0 &&
			    rep[i] == POLICY_CLASS_FILE)
				continue;
			na = aut_step(x, cur.sa, rep[i]);
			nb = aut_step(y, cur.sb, rep[i]);
			if (!na && !nb)
				continue;
			old = pm_insert(&map, na, nb, (uint32_t)npairs);
			if (old != UINT32_MAX)
				continue;
			if (npairs == cap) {
				cap *= 2;
				pairs = xrealloc(pairs, cap * sizeof(*pairs));
			}
			pairs[npairs++] = (struct pair){
				na, nb, idx, rep[i], (uint16_t)(cur.depth + 1)};
			if (npairs >= DIFF_MAX_PAIRS)
				break;
		}
		if (npairs >= DIFF_MAX_PAIRS) {
			add_item(df, POLICY_DIFF_FIELD, profile, names[kind],
				 NULL, 0, "walk stopped: too many state pairs",
				 "(comparison incomplete)");
			break;
		}
	}
	df->out->pairs_walked += npairs;
	free(pairs);
	free(map.keys);
	free(map.vals);
}

static void field(struct differ *df, const char *profile, const char *what,
		  const char *va, const char *vb)
{
	if (strcmp(va, vb))
		add_item(df, POLICY_DIFF_FIELD, profile, what, NULL, 0, va, vb);
}

static const char *caps_str(struct arena *a, uint64_t caps)
{
	char *s = arena_strdup(a, "");
	unsigned int i;

	for (i = 0; i < 64; i++) {
		const char *n;

		if (!(caps & ((uint64_t)1 << i)))
			continue;
		n = policy_number_name("cap", i);
		s = arena_sprintf(a, "%s%s%s", s, *s ? "," : "",
				  n ? n : arena_sprintf(a, "cap%u", i));
	}
	return *s ? s : "-";
}

static uint32_t eff_mode(const struct policy_profile *p)
{
	return (p->version & 0x800) ? 1 : p->mode;
}

static const char *opt_str(const char *s)
{
	return s ? s : "(none)";
}

static void compare_fields(struct differ *df, const char *name,
			   const struct policy_profile *x,
			   const struct policy_profile *y)
{
	static const char *const modes[] = {"enforce", "complain", "kill",
					    "unconfined"};
	struct arena *a = df->a;
	unsigned int i;

	field(df, name, "mode", modes[eff_mode(x) & 3], modes[eff_mode(y) & 3]);
	field(df, name, "flags", arena_sprintf(a, "0x%x", x->flags & 7),
	      arena_sprintf(a, "0x%x", y->flags & 7));
	field(df, name, "audit", x->audit ? "audit" : "-",
	      y->audit ? "audit" : "-");
	field(df, name, "path_flags", arena_sprintf(a, "0x%x", x->path_flags),
	      arena_sprintf(a, "0x%x", y->path_flags));
	field(df, name, "caps.allow", caps_str(a, x->caps_allow),
	      caps_str(a, y->caps_allow));
	field(df, name, "caps.audit", caps_str(a, x->caps_audit),
	      caps_str(a, y->caps_audit));
	field(df, name, "caps.quiet", caps_str(a, x->caps_quiet),
	      caps_str(a, y->caps_quiet));
	for (i = 0; i < POLICY_RLIMITS; i++) {
		bool sx = x->rlimits.mask & (1u << i);
		bool sy = y->rlimits.mask & (1u << i);
		uint64_t lx = i < x->rlimits.count ? x->rlimits.limit[i] : 0;
		uint64_t ly = i < y->rlimits.count ? y->rlimits.limit[i] : 0;
		const char *rn = policy_number_name("rlimit", i);

		field(df, name, arena_sprintf(a, "rlimit %s", rn),
		      sx ? arena_sprintf(a, "%llu", (unsigned long long)lx)
			 : "unset",
		      sy ? arena_sprintf(a, "%llu", (unsigned long long)ly)
			 : "unset");
	}
	for (i = 0; i < x->nnet_af || i < y->nnet_af; i++) {
		static const char *const w[] = { "allow", "audit", "quiet" };

		for (int k = 0; k < 3; k++) {
			unsigned vx = i < x->nnet_af ? x->net_af[i][k] : 0;
			unsigned vy = i < y->nnet_af ? y->net_af[i][k] : 0;

			field(df, name,
			      arena_sprintf(a, "net_allowed_af %s %s",
					    policy_number_name("af", i), w[k]),
			      arena_sprintf(a, "0x%04x", vx),
			      arena_sprintf(a, "0x%04x", vy));
		}
	}
	field(df, name, "net_allowed_af",
	      x->has_net_af ? "written" : "absent",
	      y->has_net_af ? "written" : "absent");
	if (x->nxattrs != y->nxattrs) {
		field(df, name, "xattrs",
		      arena_sprintf(a, "%u names", x->nxattrs),
		      arena_sprintf(a, "%u names", y->nxattrs));
	} else {
		for (i = 0; i < x->nxattrs; i++)
			field(df, name, arena_sprintf(a, "xattrs[%u]", i),
			      x->xattrs[i], y->xattrs[i]);
	}
	if (x->xmatch && y->xmatch)
		field(df, name, "xmatch_len",
		      arena_sprintf(a, "%u", x->xmatch_len),
		      arena_sprintf(a, "%u", y->xmatch_len));
	field(df, name, "disconnected", opt_str(x->disconnected),
	      opt_str(y->disconnected));
	field(df, name, "rename", opt_str(x->rename), opt_str(y->rename));
	field(df, name, "attach", opt_str(x->attach), opt_str(y->attach));
}

static void set_aut(struct aut *m, const struct policy_profile *p,
		    enum walk_kind kind, bool other_has_xmatch)
{
	memset(m, 0, sizeof(*m));
	m->p = p;
	if (kind == WALK_FILE) {
		m->d = p->file;
		m->start = p->file_start;
	} else if (kind == WALK_PDB) {
		m->d = p->policydb;
		m->start = p->policydb_start;
	} else {
		m->d = p->xmatch;
		m->start = 1;
		if (!m->d && other_has_xmatch) {
			m->lit = p->name;
			m->litlen = strlen(p->name);
		}
	}
}

static void compare_profiles(struct differ *df, const struct policy_profile *x,
			     const struct policy_profile *y)
{
	size_t before = df->out->n, sup = df->out->suppressed;
	const char *name = x->fqname;
	struct aut ax, ay;
	int k;

	compare_fields(df, name, x, y);
	for (k = WALK_FILE; k <= WALK_XMATCH; k++) {
		set_aut(&ax, x, (enum walk_kind)k, y->xmatch != NULL);
		set_aut(&ay, y, (enum walk_kind)k, x->xmatch != NULL);
		walk(df, name, (enum walk_kind)k, &ax, &ay);
	}
	if (df->out->n != before || df->out->suppressed != sup)
		df->out->profiles_differing++;
}

static const struct policy_profile *find_fq(const struct policy_set *s,
					    const char *fq)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->profiles[i].fqname, fq))
			return &s->profiles[i];
	return NULL;
}

static bool first_of_name(const struct policy_set *s, size_t i)
{
	return find_fq(s, s->profiles[i].fqname) == &s->profiles[i];
}

int policy_diff(struct arena *a, const struct policy_set *x,
		const struct policy_set *y, const struct policy_diff_opts *opts,
		struct policy_diff **out)
{
	struct differ df = {.a = a};
	size_t i;

	df.out = arena_alloc(a, sizeof(*df.out));
	df.max_strings = opts && opts->max_strings ? opts->max_strings : 10;
	for (i = 0; i < x->n; i++) {
		const struct policy_profile *px = &x->profiles[i], *py;

		if (!first_of_name(x, i))
			continue;
		df.out->profiles++;
		py = find_fq(y, px->fqname);
		if (!py) {
			add_item(&df, POLICY_DIFF_ONLY_A, px->fqname, "profile",
				 NULL, 0, "present", "absent");
			df.out->profiles_differing++;
			continue;
		}
		compare_profiles(&df, px, py);
	}
	for (i = 0; i < y->n; i++) {
		const struct policy_profile *py = &y->profiles[i];

		if (!first_of_name(y, i) || find_fq(x, py->fqname))
			continue;
		df.out->profiles++;
		df.out->profiles_differing++;
		add_item(&df, POLICY_DIFF_ONLY_B, py->fqname, "profile", NULL,
			 0, "absent", "present");
	}
	*out = df.out;
	return df.out->n || df.out->suppressed ? 1 : 0;
}
