/* Lowering of the file-DFA rule kinds (policy-blob.md 7.1): file rules
 * with owner/other halves and exec transitions (xtable for named
 * targets), link pairs with the subset flag, change_profile triples, and
 * the implied /proc rules of hats and change_profile. Produces
 * (pattern, payload) entries; the fold lives in perms.c.
 */
#include "be_int.h"

#include <errno.h>
#include <string.h>

#include "arena.h"
#include "cu.h"
#include "ir.h"
#include "lower.h"

/* The half mask selected by an owner qualifier. */
static uint32_t be_halves(enum ir_owner o, uint32_t half)
{
	switch (o) {
	case IR_OWNER_OWNER:
		return half;
	case IR_OWNER_OTHER:
		return half << BE_HALF_SHIFT;
	case IR_OWNER_ANY:
		break;
	}
	return BE_F_BOTH(half);
}

static bool be_xmode_named(enum ir_xmode m)
{
	switch (m) {
	case IR_X_IX:
	case IR_X_UX:
	case IR_X_PX:
	case IR_X_CX:
	case IR_X_PIX:
	case IR_X_CIX:
	case IR_X_PUX:
	case IR_X_CUX:
		return true;
	default:
		return false;
	}
}

static bool be_xmode_child(enum ir_xmode m)
{
	return m == IR_X_CX || m == IR_X_CIX || m == IR_X_CUX;
}

/* Exec bits of one half for a mode (policy-blob.md 7.1.3); @idx is an
 * xtable index + 4, or 0 for the mode's own index.
 */
static uint32_t be_xbits(enum ir_xmode m, bool safe, uint32_t idx)
{
	uint32_t v = BE_F_EXEC, unsafe = safe ? 0 : BE_F_UNSAFE;

	switch (m) {
	case IR_X_NONE:
		return 0;
	case IR_X_PLAIN:
		return BE_F_EXEC;
	case IR_X_IX:
		return BE_F_EXEC | BE_F_MMAP | BE_F_INHERIT |
		       idx << BE_F_INDEX_SHIFT;
	case IR_X_UX:
		if (!idx)
			idx = BE_XIDX_UNCONFINED;
		return v | unsafe | idx << BE_F_INDEX_SHIFT;
	case IR_X_PX:
	case IR_X_CX:
		break;
	case IR_X_PIX:
	case IR_X_CIX:
		v |= BE_F_MMAP | BE_F_INHERIT;
		break;
	case IR_X_PUX:
	case IR_X_CUX:
		v |= BE_F_UNCONFINED;
		break;
	}
	if (!idx)
		idx = be_xmode_child(m) ? BE_XIDX_CHILD : BE_XIDX_NAME;
	return v | unsafe | idx << BE_F_INDEX_SHIFT;
}

/* The xtable target of a file rule, or NULL (language.md 3.2.4). A
 * target on ix or ux is kept as 3.0.8 keeps it (observed: `ix -> &x` is
 * x|m|inherit with the table index, i.e. stack x onto the current label,
 * as the kernel tests confirm; `ux -> t` is x|unsafe with the index).
 */
static const char *be_exec_target(struct be_lower *l, const struct ir_rule *r)
{
	const struct ir_file_rule *f = &r->u.file;

	if (!f->target || !be_xmode_named(f->xmode) ||
	    r->q.mode != IR_MODE_ALLOW)
		return NULL;
	if (be_xmode_child(f->xmode)) {
		if (!strcmp(f->target, f->path.glob))
			return NULL;
		if (f->target[0] != ':')
			return arena_sprintf(l->a, "%s//%s", l->hname,
					     f->target);
	}
	return f->target;
}

/* Index of @t in the xtable, adding it; 0 with an error when full. */
static uint32_t be_xtable_index(struct be_lower *l, const struct ir_rule *r,
				const char *t)
{
	for (size_t i = 0; i < l->nxtable; i++)
		if (!strcmp(l->xtable[i], t))
			return (uint32_t)(BE_XIDX_TABLE + i);
	if (l->nxtable == BE_XTABLE_MAX) {
		if (!l->rc)
			diag_error(l->cu, r->loc,
				   "Profile %s has too many specified profile transitions.",
				   l->hname);
		l->rc = -EINVAL;
		return 0;
	}
	l->xtable[l->nxtable] = t;
	return (uint32_t)(BE_XIDX_TABLE + l->nxtable++);
}

/* Note [xtable-order]: 3.0.8 numbers named targets in reverse rule order
 * (observed: px -> a, px -> b, px -> c, px -> b gives b, c, a); the
 * order changes no meaning, only bytes.
 */
static void be_lower_xtable(struct be_lower *l)
{
	size_t n = 0, i = 0;
	const struct ir_rule **v;

	for (const struct ir_rule *r = l->prof->rules; r; r = r->next)
		n += r->kind == IR_RULE_FILE;
	if (!n)
		return;
	v = arena_alloc_array(l->a, n, sizeof(*v));
	for (const struct ir_rule *r = l->prof->rules; r; r = r->next)
		if (r->kind == IR_RULE_FILE)
			v[i++] = r;
	while (i--) {
		const char *t = be_exec_target(l, v[i]);

		if (t)
			be_xtable_index(l, v[i], t);
	}
}

static void be_perm_from_rule(struct be_perm *p, const struct ir_rule *r,
			      uint32_t perms, const char *text)
{
	memset(p, 0, sizeof(*p));
	p->perms = perms;
	p->deny = r->q.mode == IR_MODE_DENY;
	p->quiet = p->deny && !r->q.audit;
	p->audit = !p->deny && r->q.audit ? perms : 0;
	p->file = true;
	p->priority = r->q.has_priority ? r->q.priority : 0;
	p->rule = r;
	p->text = text;
}

static void be_file_entry(struct be_lower *l, dfa_pat_t pat,
			  const struct be_perm *p)
{
	be_add_entry(l, BE_AUT_FILE, pat, be_add_perm(l, p));
	l->has_file_rules = true;
}

/* The pattern "/" [^/] .* that a link permission without a target pairs
 * with (policy-blob.md 7.1.6; '.' includes NUL in 3.0.8).
 */
static dfa_pat_t be_link_any_target(struct be_lower *l)
{
	struct dfa_byteset set = { { 0 } };

	dfa_byteset_add_range(&set, 0, 255);
	set.w['/' >> 6] &= ~((uint64_t)1 << ('/' & 63));
	return be_pat_cat3(l, dfa_pat_byte(l->dc, '/'),
			   dfa_pat_class(l->dc, &set), dfa_pat_any(l->dc));
}

/* The link pair NAME \0 TARGET with l, and subset k in the owner half
 * only (3.0.8 quirk, policy-blob.md 7.1.6). A deny of l applies to the
 * pair only, never to NAME alone (observed: `/x rwl, deny /x l,` keeps l
 * on /x and denies /x \0 anything), and takes the subset bit along
 * without silencing it.
 */
static void be_link_pair(struct be_lower *l, const struct ir_rule *r,
			 dfa_pat_t name, dfa_pat_t target, bool subset,
			 const char *text)
{
	struct be_perm p;
	uint32_t perms = be_halves(r->q.owner, BE_F_LINK);
	dfa_pat_t pair;

	if (subset)
		perms |= BE_F_LOCK;
	be_perm_from_rule(&p, r, perms, text);
	p.noquiet = BE_F_LOCK;
	pair = be_pat_cat3(l, name, dfa_pat_byte(l->dc, 0), target);
	be_file_entry(l, pair, &p);
}

static uint32_t be_file_half(const struct ir_rule *r, uint32_t *xidx_out,
			     struct be_lower *l)
{
	const struct ir_file_rule *f = &r->u.file;
	uint32_t h = 0, idx = 0;
	bool safe = f->xsafe;
	const char *t;

	if (f->perms & IR_PERM_READ)
		h |= BE_F_READ;
	if (f->perms & IR_PERM_WRITE)
		h |= BE_F_WRITE | BE_F_APPEND;
	if (f->perms & IR_PERM_APPEND)
		h |= BE_F_APPEND;
	if (f->perms & IR_PERM_LINK)
		h |= BE_F_LINK;
	if (f->perms & IR_PERM_LOCK)
		h |= BE_F_LOCK;
	if (f->perms & IR_PERM_MMAP)
		h |= BE_F_MMAP;
	if (f->exec_mod == IR_EXECMOD_SAFE)
		safe = true;
	else if (f->exec_mod == IR_EXECMOD_UNSAFE)
		safe = false;
	if (r->q.mode == IR_MODE_DENY) {
		if ((f->perms & IR_PERM_EXEC) || f->xmode != IR_X_NONE)
			h |= BE_F_EXEC;
		return h;
	}
	t = be_exec_target(l, r);
	if (t)
		idx = be_xtable_index(l, r, t);
	*xidx_out = idx;
	if (f->xmode != IR_X_NONE)
		h |= be_xbits(f->xmode, safe, idx);
	else if (f->perms & IR_PERM_EXEC)
		h |= BE_F_EXEC;
	return h;
}

void be_lower_file_rule(struct be_lower *l, const struct ir_rule *r)
{
	const struct ir_file_rule *f = &r->u.file;
	struct be_perm p;
	uint32_t half, xidx = 0;
	dfa_pat_t pat, target;
	const char *text = f->bare ? "/{**,}" : f->path.glob;

	if (r->q.mode == IR_MODE_PROMPT)
		return;
	if (f->bare) {
		half = BE_F_READ | BE_F_WRITE | BE_F_APPEND | BE_F_LINK |
		       BE_F_LOCK | BE_F_MMAP;
		half |= r->q.mode == IR_MODE_DENY ?
				BE_F_EXEC :
				be_xbits(IR_X_IX, false, 0);
		if (be_glob(l, text, r->loc, &pat))
			return;
	} else {
		half = be_file_half(r, &xidx, l);
		if (be_pathexpr(l, &f->path, &pat))
			return;
	}
	be_perm_from_rule(&p, r, be_halves(r->q.owner, half), text);
	if (!p.deny && !f->bare && (half & BE_F_INHERIT) &&
	    !(f->perms & IR_PERM_MMAP))
		p.xm = be_halves(r->q.owner, BE_F_MMAP);
	if (p.deny)
		p.perms &= ~BE_F_BOTH(BE_F_LINK);
	p.exact = !f->bare &&
		  dfa_glob_is_exact(f->path.glob, strlen(f->path.glob));
	if (p.perms)
		be_file_entry(l, pat, &p);
	if (!(half & BE_F_LINK))
		return;
	if (!f->bare && f->target && f->xmode == IR_X_NONE) {
		if (be_glob(l, f->target, f->target_loc, &target))
			return;
		be_link_pair(l, r, pat, target, f->subset, text);
		return;
	}
	be_link_pair(l, r, pat, be_link_any_target(l), true, text);
}

void be_lower_link_rule(struct be_lower *l, const struct ir_rule *r)
{
	const struct ir_link_rule *k = &r->u.link;
	struct be_perm p;
	dfa_pat_t name, target;

	if (r->q.mode == IR_MODE_PROMPT)
		return;
	if (be_pathexpr(l, &k->name, &name) ||
	    be_pathexpr(l, &k->target, &target))
		return;
	be_perm_from_rule(&p, r, be_halves(r->q.owner, BE_F_LINK),
			  k->name.glob);
	if (!p.deny)
		be_file_entry(l, name, &p);
	be_link_pair(l, r, name, target, k->subset, k->name.glob);
}

/* Note [change-profile]: policy-blob.md 7.1.7, as 3.0.8 writes it: TARGET
 * alone gets CHANGE_PROFILE|ONEXEC, EXEC alone ONEXEC, EXEC \0 TARGET
 * ONEXEC plus x (and the unsafe bit) when an exec condition was given.
 * Defaults: EXEC is /[^/\0][^\0]*, TARGET the glob ** (so that a bare
 * change_profile equals change_profile -> **); the empty label never
 * matches alone (3.0.8's start state never accepts). change_profile cannot
 * be audited.
 */
void be_lower_cp_rule(struct be_lower *l, const struct ir_rule *r)
{
	const struct ir_change_profile_rule *c = &r->u.cp;
	struct be_perm p;
	struct dfa_byteset set = { { 0 } };
	dfa_pat_t exec, target, target0;
	uint32_t pair = BE_F_ONEXEC;
	const char *text = c->has_exec ? c->exec.glob : "change_profile";

	if (r->q.mode == IR_MODE_PROMPT)
		return;
	l->cp_seen = true;
	if (c->has_exec) {
		if (be_pathexpr(l, &c->exec, &exec))
			return;
		pair |= BE_F_BOTH(BE_F_EXEC);
		if (c->exec_mod == IR_EXECMOD_UNSAFE ||
		    (c->exec_mod == IR_EXECMOD_NONE && !l->abi->stack))
			pair |= BE_F_BOTH(BE_F_UNSAFE);
	} else {
		dfa_byteset_add_range(&set, 1, 255);
		set.w['/' >> 6] &= ~((uint64_t)1 << ('/' & 63));
		exec = be_pat_cat3(l, dfa_pat_byte(l->dc, '/'),
				   dfa_pat_class(l->dc, &set),
				   be_pat_nonnul(l, false));
	}
	if (c->has_target) {
		if (be_pathexpr(l, &c->target, &target))
			return;
		target0 = target;
	} else {
		if (be_glob(l, "**", r->loc, &target))
			return;
		target0 = target;
	}
	be_perm_from_rule(&p, r, BE_F_CHANGE_PROFILE | BE_F_ONEXEC, text);
	p.audit = 0;
	be_file_entry(l, dfa_pat_diff(l->dc, target, dfa_pat_epsilon(l->dc)),
		      &p);
	p.perms = BE_F_ONEXEC;
	be_file_entry(l, exec, &p);
	p.perms = r->q.mode == IR_MODE_DENY ? BE_F_ONEXEC : pair;
	be_file_entry(l, be_pat_cat3(l, exec, dfa_pat_byte(l->dc, 0), target0),
		      &p);
}

static void be_implied(struct be_lower *l, const char *glob, uint32_t half)
{
	struct be_perm p = { 0 };
	dfa_pat_t pat;

	if (be_glob(l, glob, l->prof->loc, &pat))
		return;
	p.perms = half;
	p.file = true;
	p.text = glob;
	be_file_entry(l, pat, &p);
}

/* Note [implied-rules]: observed 3.0.8 output. A hat, or a profile with
 * hats or child profiles, gets owner w (without a) on the current-label
 * files under /proc/PID/attr and /proc/PID/attr/apparmor (PID matched by
 * [0-9]*); a profile with change_profile gets owner w on current and exec
 * there (PID matched by *); both get owner r on the apparmor directory
 * and /sys/module/apparmor/parameters/enabled. The globs are below.
 */
void be_lower_implied(struct be_lower *l)
{
	const struct ir_profile *p = l->prof;
	bool hat = p->is_hat || p->children;

	if (!hat && !l->cp_seen)
		return;
	if (hat)
		be_implied(l, "/proc/[0-9]*/attr/{apparmor/,}current",
			   BE_F_WRITE);
	if (l->cp_seen)
		be_implied(l, "/proc/*/attr/{apparmor/,}{current,exec}",
			   BE_F_WRITE);
	be_implied(l, "/proc/*/attr/apparmor/", BE_F_READ);
	be_implied(l, "/sys/module/apparmor/parameters/enabled", BE_F_READ);
}

/* Called by be_lower_profile() before any rule: the xtable order. */
void be_lower_file_prepare(struct be_lower *l)
{
	be_lower_xtable(l);
}
