/* The permission algebra, in one place: folds the payloads of the rules
 * matching one automaton state into accept1/accept2 (policy-blob.md
 * 7.1.4-7.1.5, language.md 6.1-6.4). Deny beats allow, audit and quiet,
 * owner/other halves, exact-over-glob exec types, conflicting exec
 * transitions, priority levels. Knows payloads, not rules or patterns.
 */
#include "be_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

static void be_fold_level(const struct be_perm *perms, const uint32_t *ids,
			  size_t n, int prio, uint32_t decided,
			  struct be_level *lv, uint32_t conflict[2])
{
	uint32_t allow = 0, deny = 0, audit = 0, quiet = 0;
	uint32_t eallow = 0, eaudit = 0, impl = 0, expl = 0;
	uint32_t gfirst = UINT32_MAX, efirst = UINT32_MAX;
	bool file = false;

	for (size_t i = 0; i < n; i++) {
		const struct be_perm *p = &perms[ids[i]];

		if (p->priority != prio)
			continue;
		file |= p->file;
		if (p->deny) {
			deny |= p->perms;
			if (p->quiet)
				quiet |= p->perms & ~p->noquiet;
			continue;
		}
		impl |= p->xm;
		expl |= p->perms & ~p->xm;
		if (p->file && p->exact) {
			if (!be_x_consistent(eallow, p->perms) &&
			    conflict[0] == UINT32_MAX) {
				conflict[0] = efirst;
				conflict[1] = ids[i];
			}
			if ((p->perms & BE_F_BOTH(BE_F_EXEC)) &&
			    efirst == UINT32_MAX)
				efirst = ids[i];
			eallow |= p->perms;
			eaudit |= p->audit;
		} else {
			if (!be_x_consistent(allow, p->perms) &&
			    conflict[0] == UINT32_MAX) {
				conflict[0] = gfirst;
				conflict[1] = ids[i];
			}
			if ((p->perms & BE_F_BOTH(BE_F_EXEC)) &&
			    gfirst == UINT32_MAX)
				gfirst = ids[i];
			allow |= p->perms;
			audit |= p->audit;
		}
	}
	if (file) {
		for (int h = 0; h < 2; h++)
			if (eallow & be_half_x[h])
				allow = (allow & ~be_half_type[h]) |
					(eallow & be_half_type[h]);
		allow |= eallow & ~(be_half_type[0] | be_half_type[1]);
		audit |= eaudit;
		for (int h = 0; h < 2; h++) {
			uint32_t m = be_half_m[h] & impl & ~expl;

			if (deny & be_half_x[h])
				allow &= ~(be_half_type[h] | m);
			if (decided & be_half_x[h])
				allow &= ~m;
		}
	}
	lv->mention = allow | deny;
	for (int h = 0; h < 2 && file; h++)
		if (lv->mention & be_half_x[h])
			lv->mention |= be_half_type[h];
	lv->allow = allow & ~deny;
	lv->deny = deny;
	lv->audit = audit;
	lv->quiet = quiet & deny;
}

static int be_cmp_int_desc(const void *x, const void *y)
{
	int a = *(const int *)x, b = *(const int *)y;

	return (a < b) - (a > b);
}

void be_fold_perms(const struct be_perm *perms, const uint32_t *ids,
		   size_t n, uint32_t *accept, uint32_t *accept2,
		   uint32_t conflict[2])
{
	uint32_t allow = 0, audit = 0, quiet = 0, decided = 0;
	uint32_t cf[2] = { UINT32_MAX, UINT32_MAX };
	int small[16];
	int *prio = n <= 16 ? small : malloc(n * sizeof(*prio));
	size_t np = 0;

	if (!prio)
		abort();
	for (size_t i = 0; i < n; i++)
		prio[np++] = perms[ids[i]].priority;
	qsort(prio, np, sizeof(*prio), be_cmp_int_desc);
	for (size_t i = 0; i < np; i++) {
		struct be_level lv;

		if (i && prio[i] == prio[i - 1])
			continue;
		be_fold_level(perms, ids, n, prio[i], decided, &lv, cf);
		allow |= lv.allow & ~decided;
		audit |= lv.audit & ~decided;
		quiet |= lv.quiet & ~decided;
		decided |= lv.mention;
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

	be_fold_perms(fc->perms, ids, n, &out->v[0], &out->v[1], cf);
	if (cf[1] != UINT32_MAX) {
		if (!fc->reported)
			be_report_conflict(fc, cf[0], cf[1]);
		fc->reported = true;
		return -EINVAL;
	}
	return 0;
}
