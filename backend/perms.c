/* The permission algebra, in one place: folds the payloads of the rules
 * matching one automaton state into accept1/accept2 (policy-blob.md
 * 7.1.4-7.1.5, language.md 6.1-6.4). Deny beats allow, audit and quiet,
 * owner/other halves, exact-over-glob exec types, conflicting exec
 * transitions, priority levels. Also splits payloads into the permission
 * atoms the automata are built from. Knows payloads, not rules or globs.
 */
#include "be_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cu.h"
#include "ir.h"

/* Note [exec-fold]: what 3.0.8 does per state (observed on its output):
 * deny rules union into deny and, unless audited, into quiet; allow rules
 * union into allow and audit, the exec type bits (modifiers and index,
 * bits 7-13 of a half) of two rules that both carry x in a half must be
 * equal, checked separately among exact (glob-free) rules and among
 * wildcard rules; when an exact rule carries x in a half, its exec type
 * replaces the wildcard rules' type in that half. A deny of x in a half
 * clears that half's type bits and the m that ix, pix or cix implied
 * (language.md 3.2.3, as upstream's corpus expects; 3.0.8 kept that m);
 * then allow &= ~deny and quiet &= deny.
 * Audit bits of allow rules are kept even where a deny removes the
 * permission (3.0.8 does so; the kernel ignores audit for denied bits).
 */

/* Note [priority-levels]: language.md 6.3. Rules are grouped by priority,
 * highest first; each level folds as in Note [exec-fold] and decides the
 * bits its rules mention (a half's exec type with its x bit); lower
 * levels only fill bits no higher level decided; an m implied by ix
 * belongs to its x, so it is dropped when a higher level decided that x.
 * Class markers sit below every level. With one level this is exactly the
 * plain fold.
 */

/* Note [perm-atoms]: the fold of Note [exec-fold] is a function of which
 * of these facts hold at a state, per priority level: "some file payload
 * matches", "some deny rule denies bit b", "... silences bit b", "some
 * allow rule implies m / states m explicitly", "some wildcard (exact)
 * allow rule grants bit b / audits bit b", and, per half with x, "some
 * wildcard (exact) allow rule has exec type T there" (two different T of
 * one kind and half are the conflict). Each fact is an atom. The
 * automata are built with one DFA id per group of atoms whose patterns
 * (the union over the rules that assert them) are equal, so rules with
 * equal permissions share ids and the subset construction tracks a few
 * permission parts instead of every rule: the construction of 3.0.8,
 * one id per rule, blows up on overlapping '**' rules (tests/bench,
 * case hurt: 786,006 states against 914). The minimal automaton is the
 * same, since every state folds to the same value.
 */

/* The sums of one priority level, before the exact-over-glob and deny
 * steps of Note [exec-fold].
 */
struct be_acc {
	uint32_t allow, audit; /* wildcard allow rules */
	uint32_t eallow, eaudit; /* exact allow rules */
	uint32_t deny, quiet;
	uint32_t impl, expl; /* m implied by ix, m given explicitly */
	bool file; /* a file payload (halves, exec types) */
};

struct be_level {
	uint32_t allow, deny, audit, quiet;
	uint32_t mention;
};

static const uint32_t be_half_x[2] = { BE_F_EXEC, BE_F_EXEC << BE_HALF_SHIFT };
static const uint32_t be_half_type[2] = { BE_F_TYPE,
					  BE_F_TYPE << BE_HALF_SHIFT };
static const uint32_t be_half_m[2] = { BE_F_MMAP, BE_F_MMAP << BE_HALF_SHIFT };

/* Whether adding @p to @acc keeps at most one exec type per half. */
static bool be_x_consistent(uint32_t acc, uint32_t p)
{
	for (int h = 0; h < 2; h++) {
		if (!(acc & p & be_half_x[h]))
			continue;
		if ((acc & be_half_type[h]) != (p & be_half_type[h]))
			return false;
	}
	return true;
}

/* The exact-over-glob and deny steps of Note [exec-fold] on the sums of
 * one level.
 */
static void be_level_finish(const struct be_acc *c, uint32_t decided,
			    struct be_level *lv)
{
	uint32_t allow = c->allow, audit = c->audit;

	if (c->file) {
		for (int h = 0; h < 2; h++)
			if (c->eallow & be_half_x[h])
				allow = (allow & ~be_half_type[h]) |
					(c->eallow & be_half_type[h]);
		allow |= c->eallow & ~(be_half_type[0] | be_half_type[1]);
		audit |= c->eaudit;
		for (int h = 0; h < 2; h++) {
			uint32_t m = be_half_m[h] & c->impl & ~c->expl;

			if (c->deny & be_half_x[h])
				allow &= ~(be_half_type[h] | m);
			if (decided & be_half_x[h])
				allow &= ~m;
		}
	}
	lv->mention = allow | c->deny;
	for (int h = 0; h < 2 && c->file; h++)
		if (lv->mention & be_half_x[h])
			lv->mention |= be_half_type[h];
	lv->allow = allow & ~c->deny;
	lv->deny = c->deny;
	lv->audit = audit;
	lv->quiet = c->quiet & c->deny;
}

static void be_fold_level(const struct be_perm *perms, const uint32_t *ids,
			  size_t n, int prio, uint32_t decided,
			  struct be_level *lv, uint32_t conflict[2])
{
	struct be_acc c = { 0 };
	uint32_t gfirst = UINT32_MAX, efirst = UINT32_MAX;

	for (size_t i = 0; i < n; i++) {
		const struct be_perm *p = &perms[ids[i]];
		bool exact = p->file && p->exact;
		uint32_t *acc = exact ? &c.eallow : &c.allow;
		uint32_t *first = exact ? &efirst : &gfirst;

		if (p->priority != prio)
			continue;
		c.file |= p->file;
		if (p->deny) {
			c.deny |= p->perms;
			if (p->quiet)
				c.quiet |= p->perms & ~p->noquiet;
			continue;
		}
		c.impl |= p->xm;
		c.expl |= p->perms & ~p->xm;
		if (!be_x_consistent(*acc, p->perms) &&
		    conflict[0] == UINT32_MAX) {
			conflict[0] = *first;
			conflict[1] = ids[i];
		}
		if ((p->perms & BE_F_BOTH(BE_F_EXEC)) && *first == UINT32_MAX)
			*first = ids[i];
		*acc |= p->perms;
		*(exact ? &c.eaudit : &c.audit) |= p->audit;
	}
	be_level_finish(&c, decided, lv);
}

static int be_cmp_int_desc(const void *x, const void *y)
{
	int a = *(const int *)x, b = *(const int *)y;

	return (a < b) - (a > b);
}

/* Sorts @prio (n entries) highest first and drops repeats. */
static size_t be_levels(int *prio, size_t n)
{
	size_t k = 0;

	qsort(prio, n, sizeof(*prio), be_cmp_int_desc);
	for (size_t i = 0; i < n; i++)
		if (!k || prio[i] != prio[k - 1])
			prio[k++] = prio[i];
	return k;
}

/* Joins one level into the running result (Note [priority-levels]). */
static void be_join(const struct be_level *lv, uint32_t *allow,
		    uint32_t *audit, uint32_t *quiet, uint32_t *decided)
{
	*allow |= lv->allow & ~*decided;
	*audit |= lv->audit & ~*decided;
	*quiet |= lv->quiet & ~*decided;
	*decided |= lv->mention;
}

void be_fold_perms(const struct be_perm *perms, const uint32_t *ids,
		   size_t n, uint32_t *accept, uint32_t *accept2,
		   uint32_t conflict[2])
{
	uint32_t allow = 0, audit = 0, quiet = 0, decided = 0;
	uint32_t cf[2] = { UINT32_MAX, UINT32_MAX };
	int small[16];
	int *prio = n <= 16 ? small : xmalloc(n * sizeof(*prio));
	size_t np;

	for (size_t i = 0; i < n; i++)
		prio[i] = perms[ids[i]].priority;
	np = be_levels(prio, n);
	for (size_t i = 0; i < np; i++) {
		struct be_level lv;

		be_fold_level(perms, ids, n, prio[i], decided, &lv, cf);
		be_join(&lv, &allow, &audit, &quiet, &decided);
	}
	if (prio != small)
		free(prio);
	*accept = allow;
	*accept2 = (audit & BE_AUDIT_MASK) | ((quiet & BE_AUDIT_MASK) << 7);
	if (conflict) {
		conflict[0] = cf[0];
		conflict[1] = cf[1];
	}
}

/* --- atoms ---------------------------------------------------------------- */

static size_t be_atom_bits(struct be_atom *out, size_t n, int prio,
			   enum be_atom_kind k, uint32_t mask)
{
	for (unsigned b = 0; b < 32; b++) {
		if (!(mask & (1u << b)))
			continue;
		out[n].prio = prio;
		out[n].kind = (uint8_t)k;
		out[n].half = 0;
		out[n].v = 1u << b;
		n++;
	}
	return n;
}

size_t be_perm_atoms(const struct be_perm *p, struct be_atom *out)
{
	const uint32_t m = be_half_m[0] | be_half_m[1];
	bool exact = p->file && p->exact;
	uint32_t plain = p->perms;
	size_t n = 0;

	if (p->file) {
		out[n].prio = p->priority;
		out[n].kind = BE_ATOM_FILE;
		out[n].half = 0;
		out[n].v = 0;
		n++;
	}
	if (p->deny) {
		n = be_atom_bits(out, n, p->priority, BE_ATOM_DENY, p->perms);
		if (p->quiet)
			n = be_atom_bits(out, n, p->priority, BE_ATOM_QUIET,
					 p->perms & ~p->noquiet &
						 BE_AUDIT_MASK);
		return n;
	}
	n = be_atom_bits(out, n, p->priority, BE_ATOM_IMPL, p->xm & m);
	n = be_atom_bits(out, n, p->priority, BE_ATOM_EXPL,
			 p->perms & ~p->xm & m);
	for (uint8_t h = 0; h < 2; h++) {
		if (!(p->perms & be_half_x[h]))
			continue;
		plain &= ~be_half_type[h];
		out[n].prio = p->priority;
		out[n].kind = exact ? BE_ATOM_EXTYPE : BE_ATOM_XTYPE;
		out[n].half = h;
		out[n].v = p->perms & be_half_type[h];
		n++;
	}
	n = be_atom_bits(out, n, p->priority,
			 exact ? BE_ATOM_EALLOW : BE_ATOM_ALLOW, plain);
	n = be_atom_bits(out, n, p->priority,
			 exact ? BE_ATOM_EAUDIT : BE_ATOM_AUDIT,
			 p->audit & BE_AUDIT_MASK);
	return n;
}

/* Adds one atom to the sums of its level; false on an exec conflict. */
static bool be_acc_atom(struct be_acc *c, const struct be_atom *t,
			uint32_t type[2][2], bool seen[2][2])
{
	bool e = t->kind == BE_ATOM_EXTYPE;

	switch ((enum be_atom_kind)t->kind) {
	case BE_ATOM_FILE:
		c->file = true;
		break;
	case BE_ATOM_DENY:
		c->deny |= t->v;
		break;
	case BE_ATOM_QUIET:
		c->quiet |= t->v;
		break;
	case BE_ATOM_IMPL:
		c->impl |= t->v;
		break;
	case BE_ATOM_EXPL:
		c->expl |= t->v;
		break;
	case BE_ATOM_ALLOW:
		c->allow |= t->v;
		break;
	case BE_ATOM_AUDIT:
		c->audit |= t->v;
		break;
	case BE_ATOM_EALLOW:
		c->eallow |= t->v;
		break;
	case BE_ATOM_EAUDIT:
		c->eaudit |= t->v;
		break;
	case BE_ATOM_XTYPE:
	case BE_ATOM_EXTYPE:
		if (seen[e][t->half] && type[e][t->half] != t->v)
			return false;
		seen[e][t->half] = true;
		type[e][t->half] = t->v;
		*(e ? &c->eallow : &c->allow) |= t->v;
		break;
	}
	return true;
}

int be_fold_parts(const struct be_part *parts, const uint32_t *ids, size_t n,
		  uint32_t *accept, uint32_t *accept2)
{
	uint32_t allow = 0, audit = 0, quiet = 0, decided = 0;
	int small[64];
	int *prio = small;
	size_t na = 0, np;
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		na += parts[ids[i]].n;
	if (na > 64)
		prio = xmalloc(na * sizeof(*prio));
	na = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < parts[ids[i]].n; j++)
			prio[na++] = parts[ids[i]].atoms[j].prio;
	np = be_levels(prio, na);
	for (size_t k = 0; k < np && !rc; k++) {
		struct be_acc c = { 0 };
		struct be_level lv;
		uint32_t type[2][2] = { { 0 } };
		bool seen[2][2] = { { false } };

		for (size_t i = 0; i < n; i++) {
			const struct be_part *pt = &parts[ids[i]];

			for (size_t j = 0; j < pt->n; j++)
				if (pt->atoms[j].prio == prio[k] &&
				    !be_acc_atom(&c, &pt->atoms[j], type, seen))
					rc = -EINVAL;
		}
		be_level_finish(&c, decided, &lv);
		be_join(&lv, &allow, &audit, &quiet, &decided);
	}
	if (prio != small)
		free(prio);
	*accept = allow;
	*accept2 = (audit & BE_AUDIT_MASK) | ((quiet & BE_AUDIT_MASK) << 7);
	return rc;
}

/* One atom asserted by one entry's pattern, while grouping. */
struct be_atom_pat {
	struct be_atom t;
	dfa_pat_t pat;
};

static int be_cmp_atom(const struct be_atom *a, const struct be_atom *b)
{
	if (a->prio != b->prio)
		return (a->prio > b->prio) - (a->prio < b->prio);
	if (a->kind != b->kind)
		return (int)a->kind - (int)b->kind;
	if (a->half != b->half)
		return (int)a->half - (int)b->half;
	return (a->v > b->v) - (a->v < b->v);
}

static int be_cmp_atom_pat(const void *x, const void *y)
{
	const struct be_atom_pat *a = x, *b = y;
	int c = be_cmp_atom(&a->t, &b->t);

	if (c)
		return c;
	return (a->pat > b->pat) - (a->pat < b->pat);
}

static int be_cmp_pat_atom(const void *x, const void *y)
{
	const struct be_atom_pat *a = x, *b = y;

	if (a->pat != b->pat)
		return (a->pat > b->pat) - (a->pat < b->pat);
	return be_cmp_atom(&a->t, &b->t);
}

static bool be_atom_is_mask(uint8_t kind)
{
	return kind != BE_ATOM_XTYPE && kind != BE_ATOM_EXTYPE &&
	       kind != BE_ATOM_FILE;
}

void be_parts_group(struct arena *a, struct dfa_ctx *dc,
		    const struct be_entry *ent, size_t nent,
		    const struct be_perm *perms, struct be_parts *out)
{
	struct be_atom tmp[BE_ATOMS_MAX];
	struct be_atom_pat *v = NULL, *u;
	dfa_pat_t *pats;
	size_t n = 0, cap = 0, nu = 0, np = 0;

	for (size_t i = 0; i < nent; i++) {
		size_t k = be_perm_atoms(&perms[ent[i].id], tmp);

		if (n + k > cap) {
			size_t c = cap ? 2 * cap : 256;
			struct be_atom_pat *w;

			while (c < n + k)
				c *= 2;
			w = arena_alloc_array(a, c, sizeof(*w));
			if (n)
				memcpy(w, v, n * sizeof(*w));
			v = w;
			cap = c;
		}
		for (size_t j = 0; j < k; j++) {
			v[n].t = tmp[j];
			v[n].pat = ent[i].pat;
			n++;
		}
	}
	memset(out, 0, sizeof(*out));
	if (!n)
		return;
	qsort(v, n, sizeof(*v), be_cmp_atom_pat);
	u = arena_alloc_array(a, n, sizeof(*u));
	pats = arena_alloc_array(a, n, sizeof(*pats));
	for (size_t i = 0; i < n;) {
		size_t j = i, k = 0;

		for (; j < n && !be_cmp_atom(&v[i].t, &v[j].t); j++)
			if (!k || pats[k - 1] != v[j].pat)
				pats[k++] = v[j].pat;
		u[nu].t = v[i].t;
		u[nu].pat = dfa_pat_union_n(dc, pats, k);
		nu++;
		i = j;
	}
	qsort(u, nu, sizeof(*u), be_cmp_pat_atom);
	out->v = arena_alloc_array(a, nu, sizeof(*out->v));
	out->pat = arena_alloc_array(a, nu, sizeof(*out->pat));
	for (size_t i = 0; i < nu;) {
		struct be_atom *t;
		size_t j = i, k = 0, e = i;

		/* the group's own size: sizing it by the rest (nu - i) made
		 * the atoms' memory quadratic in the number of groups
		 */
		while (e < nu && u[e].pat == u[i].pat)
			e++;
		t = arena_alloc_array(a, e - i, sizeof(*t));
		for (; j < e; j++) {
			if (k && be_atom_is_mask(u[j].t.kind) &&
			    t[k - 1].kind == u[j].t.kind &&
			    t[k - 1].prio == u[j].t.prio) {
				t[k - 1].v |= u[j].t.v;
				continue;
			}
			t[k++] = u[j].t;
		}
		out->v[np].atoms = t;
		out->v[np].n = k;
		out->pat[np] = u[i].pat;
		np++;
		i = j;
	}
	out->n = np;
}

static void be_report_conflict(struct be_fold_ctx *fc, uint32_t a,
			       uint32_t b)
{
	const struct be_perm *pa = a < fc->nperms ? &fc->perms[a] : NULL;
	const struct be_perm *pb = &fc->perms[b];
	struct src_loc loc = pb->rule ? pb->rule->loc : (struct src_loc){ 0 };

	if (pa && pa->text && pb->text && !strcmp(pa->text, pb->text)) {
		diag_error(fc->cu, loc,
			   "profile %s: has merged rule %s with conflicting x modifiers",
			   fc->hname, pb->text);
		diag_error(fc->cu, loc,
			   "ERROR merging rules for profile %s, failed to load",
			   fc->hname);
		return;
	}
	if (pa && pa->rule && pa->text && pb->text)
		diag_error(fc->cu, loc,
			   "profile has merged rule with conflicting x modifiers (%s at line %u and %s at line %u)",
			   pa->text, pa->rule->loc.line, pb->text,
			   loc.line);
	else
		diag_error(fc->cu, loc,
			   "profile has merged rule with conflicting x modifiers");
	diag_error(fc->cu, loc,
		   "ERROR processing regexs for profile %s, failed to load",
		   fc->hname);
}

int be_fold(void *ctx, const uint32_t *ids, size_t n, struct dfa_accept *out)
{
	struct be_fold_ctx *fc = ctx;
	uint32_t cf[2];

	if (fc->parts)
		return be_fold_parts(fc->parts, ids, n, &out->v[0],
				     &out->v[1]);
	be_fold_perms(fc->perms, ids, n, &out->v[0], &out->v[1], cf);
	if (cf[1] != UINT32_MAX) {
		if (!fc->reported)
			be_report_conflict(fc, cf[0], cf[1]);
		fc->reported = true;
		return -EINVAL;
	}
	return 0;
}
