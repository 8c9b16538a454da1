/* Lowering of mount, remount, umount and pivot_root rules into the
 * policydb's mount class (policy-blob.md 7.2.5): the mount point, device,
 * type and one byte per mount flag, and the `all` rule. Produces entries;
 * the fold lives in perms.c.
 */
#include "be_int.h"

#include <string.h>

#include "cu.h"
#include "ir.h"
#include "lower.h"

#define BE_MNT_PIVOT 0x1u
#define BE_MNT_MOUNT 0x2u
#define BE_MNT_UMOUNT 0x4u
#define BE_MNT_CONT 0x40u

/* MS_* bit numbers. */
enum {
	BE_MS_RDONLY = 0,
	BE_MS_NOSUID = 1,
	BE_MS_NODEV = 2,
	BE_MS_NOEXEC = 3,
	BE_MS_SYNC = 4,
	BE_MS_REMOUNT = 5,
	BE_MS_MAND = 6,
	BE_MS_DIRSYNC = 7,
	BE_MS_NOSYMFOLLOW = 8,
	BE_MS_NOATIME = 10,
	BE_MS_NODIRATIME = 11,
	BE_MS_BIND = 12,
	BE_MS_MOVE = 13,
	BE_MS_REC = 14,
	BE_MS_SILENT = 15,
	BE_MS_POSIXACL = 16,
	BE_MS_UNBINDABLE = 17,
	BE_MS_PRIVATE = 18,
	BE_MS_SLAVE = 19,
	BE_MS_SHARED = 20,
	BE_MS_RELATIME = 21,
	BE_MS_IVERSION = 23,
	BE_MS_STRICTATIME = 24,
	BE_MS_LAZYTIME = 25,
};

#define BE_MSB(b) (1u << (b))
#define BE_MS_PROPAGATE                                                    \
	(BE_MSB(BE_MS_UNBINDABLE) | BE_MSB(BE_MS_PRIVATE) |                \
	 BE_MSB(BE_MS_SLAVE) | BE_MSB(BE_MS_SHARED))

/* Option keywords (language.md 3.10): the flags they set; keywords that
 * clear a flag (rw, suid, ...) set nothing.
 */
static const struct {
	const char *w;
	uint32_t set;
} be_mnt_opts[] = {
	{ "ro", BE_MSB(BE_MS_RDONLY) },
	{ "r", BE_MSB(BE_MS_RDONLY) },
	{ "read-only", BE_MSB(BE_MS_RDONLY) },
	{ "nosuid", BE_MSB(BE_MS_NOSUID) },
	{ "nodev", BE_MSB(BE_MS_NODEV) },
	{ "noexec", BE_MSB(BE_MS_NOEXEC) },
	{ "sync", BE_MSB(BE_MS_SYNC) },
	{ "remount", BE_MSB(BE_MS_REMOUNT) },
	{ "mand", BE_MSB(BE_MS_MAND) },
	{ "dirsync", BE_MSB(BE_MS_DIRSYNC) },
	{ "nosymfollow", BE_MSB(BE_MS_NOSYMFOLLOW) },
	{ "noatime", BE_MSB(BE_MS_NOATIME) },
	{ "nodiratime", BE_MSB(BE_MS_NODIRATIME) },
	{ "bind", BE_MSB(BE_MS_BIND) },
	{ "B", BE_MSB(BE_MS_BIND) },
	{ "move", BE_MSB(BE_MS_MOVE) },
	{ "M", BE_MSB(BE_MS_MOVE) },
	{ "rbind", BE_MSB(BE_MS_BIND) | BE_MSB(BE_MS_REC) },
	{ "R", BE_MSB(BE_MS_BIND) | BE_MSB(BE_MS_REC) },
	{ "verbose", BE_MSB(BE_MS_SILENT) },
	{ "silent", BE_MSB(BE_MS_SILENT) },
	{ "acl", BE_MSB(BE_MS_POSIXACL) },
	{ "unbindable", BE_MSB(BE_MS_UNBINDABLE) },
	{ "make-unbindable", BE_MSB(BE_MS_UNBINDABLE) },
	{ "runbindable", BE_MSB(BE_MS_UNBINDABLE) | BE_MSB(BE_MS_REC) },
	{ "make-runbindable", BE_MSB(BE_MS_UNBINDABLE) | BE_MSB(BE_MS_REC) },
	{ "private", BE_MSB(BE_MS_PRIVATE) },
	{ "make-private", BE_MSB(BE_MS_PRIVATE) },
	{ "rprivate", BE_MSB(BE_MS_PRIVATE) | BE_MSB(BE_MS_REC) },
	{ "make-rprivate", BE_MSB(BE_MS_PRIVATE) | BE_MSB(BE_MS_REC) },
	{ "slave", BE_MSB(BE_MS_SLAVE) },
	{ "make-slave", BE_MSB(BE_MS_SLAVE) },
	{ "rslave", BE_MSB(BE_MS_SLAVE) | BE_MSB(BE_MS_REC) },
	{ "make-rslave", BE_MSB(BE_MS_SLAVE) | BE_MSB(BE_MS_REC) },
	{ "shared", BE_MSB(BE_MS_SHARED) },
	{ "make-shared", BE_MSB(BE_MS_SHARED) },
	{ "rshared", BE_MSB(BE_MS_SHARED) | BE_MSB(BE_MS_REC) },
	{ "make-rshared", BE_MSB(BE_MS_SHARED) | BE_MSB(BE_MS_REC) },
	{ "relatime", BE_MSB(BE_MS_RELATIME) },
	{ "iversion", BE_MSB(BE_MS_IVERSION) },
	{ "strictatime", BE_MSB(BE_MS_STRICTATIME) },
	{ "lazytime", BE_MSB(BE_MS_LAZYTIME) },
};

static uint32_t be_mnt_flags(const struct ir_strlist *v)
{
	uint32_t m = 0;

	for (size_t i = 0; i < v->n; i++)
		for (size_t k = 0; k < sizeof(be_mnt_opts) /
					       sizeof(*be_mnt_opts);
		     k++)
			if (!strcmp(be_mnt_opts[k].w, v->v[i]))
				m |= be_mnt_opts[k].set;
	return m;
}

/* Flag bytes in ascending order: @req required, @opt optional. */
static dfa_pat_t be_flag_bytes(struct be_lower *l, uint32_t req, uint32_t opt)
{
	dfa_pat_t p = dfa_pat_epsilon(l->dc);

	/* Built from the last byte so no chain is re-walked. */
	for (unsigned b = 32; b-- > 0;) {
		dfa_pat_t c = dfa_pat_byte(l->dc, (uint8_t)(b + 1));

		if (req & BE_MSB(b))
			p = dfa_pat_cat(l->dc, c, p);
		else if (opt & BE_MSB(b))
			p = dfa_pat_cat(l->dc, dfa_pat_opt(l->dc, c), p);
	}
	return p;
}

/* Any flag bytes that include MS_REMOUNT's (the kernel always passes it
 * for a remount): [\x01-\x05]* \x06 [\x07-\xff]*.
 */
static dfa_pat_t be_remount_any(struct be_lower *l)
{
	struct dfa_byteset lo = { { 0 } }, hi = { { 0 } };

	dfa_byteset_add_range(&lo, 1, BE_MS_REMOUNT);
	dfa_byteset_add_range(&hi, BE_MS_REMOUNT + 2, 255);
	return be_pat_cat3(l, dfa_pat_star(l->dc, dfa_pat_class(l->dc, &lo)),
			   dfa_pat_byte(l->dc, BE_MS_REMOUNT + 1),
			   dfa_pat_star(l->dc, dfa_pat_class(l->dc, &hi)));
}

static void be_mnt_entry(struct be_lower *l, const struct ir_rule *r,
			 dfa_pat_t pat, uint32_t perms, uint32_t audit)
{
	struct be_perm p = { 0 };

	p.perms = perms;
	p.deny = r->q.mode == IR_MODE_DENY;
	p.quiet = p.deny && !r->q.audit;
	p.audit = p.deny ? 0 : (r->q.audit ? perms : 0) | audit;
	p.priority = r->q.has_priority ? r->q.priority : 0;
	p.rule = r;
	be_add_entry(l, BE_AUT_PDB, pat, be_add_perm(l, &p));
}

static int be_opt_path(struct be_lower *l, bool has,
		       const struct ir_pathexpr *pe, dfa_pat_t *out)
{
	if (!has) {
		*out = be_pat_nonnul(l, false);
		return 0;
	}
	return be_pathexpr(l, pe, out);
}

static dfa_pat_t be_mnt_fields(struct be_lower *l, dfa_pat_t mnt,
			       dfa_pat_t dev, dfa_pat_t type)
{
	dfa_pat_t z = dfa_pat_byte(l->dc, 0);
	dfa_pat_t p = be_pat_cat3(l, z, type, z);

	p = be_pat_cat3(l, z, dev, p);
	return be_pat_cat3(l, dfa_pat_byte(l->dc, BE_CLASS_MOUNT), mnt, p);
}

/* One option group of a mount rule: flags and the operation they select
 * (language.md 3.10). @req/@opt are the group's required/optional flags.
 */
static void be_mount_group(struct be_lower *l, const struct ir_rule *r,
			   dfa_pat_t mnt, dfa_pat_t src, dfa_pat_t type,
			   bool any_flags, uint32_t req, uint32_t opt)
{
	const struct ir_mount_rule *m = &r->u.mount;
	uint32_t all = req | opt;
	dfa_pat_t none = be_pat_nonnul(l, false), flags;

	if (any_flags)
		flags = be_pat_nonnul(l, false);
	else
		flags = be_flag_bytes(l, req, opt);
	if (m->kind == IR_MOUNT_REMOUNT || (all & BE_MSB(BE_MS_REMOUNT))) {
		if (any_flags)
			flags = be_remount_any(l);
		else
			flags = be_flag_bytes(l, req & ~BE_MSB(BE_MS_REMOUNT),
					      opt | BE_MSB(BE_MS_REMOUNT));
		be_mnt_entry(l, r,
			     dfa_pat_cat(l->dc,
					 be_mnt_fields(l, mnt, none, none),
					 flags),
			     BE_MNT_MOUNT, BE_MNT_CONT);
		return;
	}
	if (!any_flags && (all & BE_MSB(BE_MS_BIND))) {
		be_mnt_entry(l, r,
			     dfa_pat_cat(l->dc,
					 be_mnt_fields(l, mnt, src, none),
					 flags),
			     BE_MNT_MOUNT, 0);
		return;
	}
	if (!any_flags && (all & BE_MS_PROPAGATE)) {
		dfa_pat_t mp = m->has_mountpoint ? mnt : src;

		be_mnt_entry(l, r,
			     dfa_pat_cat(l->dc,
					 be_mnt_fields(l, mp, none, none),
					 flags),
			     BE_MNT_MOUNT, 0);
		return;
	}
	if (!any_flags && (all & BE_MSB(BE_MS_MOVE))) {
		be_mnt_entry(l, r,
			     dfa_pat_cat(l->dc,
					 be_mnt_fields(l, mnt, src, none),
					 flags),
			     BE_MNT_MOUNT, 0);
		return;
	}
	be_mnt_entry(l, r,
		     dfa_pat_cat(l->dc, be_mnt_fields(l, mnt, src, type),
				 flags),
		     BE_MNT_MOUNT, BE_MNT_CONT);
}

/* The source `detached` (language.md 3.10, 4.1) stands for a mount
 * without a source path: the empty device field, as `mount ""` gives.
 */
static void be_lower_mount(struct be_lower *l, const struct ir_rule *r)
{
	const struct ir_mount_rule *m = &r->u.mount;
	dfa_pat_t mnt, src, type = dfa_pat_empty(l->dc);
	bool have_type = false, groups = false;

	if (be_opt_path(l, m->has_mountpoint, &m->mountpoint, &mnt) ||
	    be_opt_path(l, m->has_source, &m->source, &src))
		return;
	if (m->has_source && !m->source.nsub &&
	    !strcmp(m->source.glob, "detached"))
		src = dfa_pat_epsilon(l->dc);
	for (const struct ir_cond *c = m->conds; c; c = c->next) {
		if (strcmp(c->name, "fstype") && strcmp(c->name, "vfstype"))
			continue;
		for (size_t i = 0; i < c->values.n; i++) {
			dfa_pat_t t;

			if (be_glob(l, c->values.v[i], c->loc, &t))
				return;
			type = have_type ? dfa_pat_union(l->dc, type, t) : t;
			have_type = true;
		}
	}
	for (const struct ir_cond *c = r->rule_conds; c; c = c->next) {
		if (strcmp(c->name, "fs"))
			continue;
		for (size_t i = 0; i < c->values.n; i++) {
			dfa_pat_t t;

			if (be_glob(l, c->values.v[i], c->loc, &t))
				return;
			type = have_type ? dfa_pat_union(l->dc, type, t) : t;
			have_type = true;
		}
	}
	if (!have_type)
		type = be_pat_nonnul(l, false);
	for (const struct ir_cond *c = m->conds; c; c = c->next) {
		uint32_t f;

		if (strcmp(c->name, "options") && strcmp(c->name, "option"))
			continue;
		groups = true;
		f = be_mnt_flags(&c->values);
		if (c->op == IR_COND_IN)
			be_mount_group(l, r, mnt, src, type, false, 0, f);
		else
			be_mount_group(l, r, mnt, src, type, false, f, 0);
	}
	if (!groups)
		be_mount_group(l, r, mnt, src, type, true, 0, 0);
}

void be_lower_mount_rule(struct be_lower *l, const struct ir_rule *r)
{
	dfa_pat_t a, b;

	if (!l->abi->mount || r->q.mode == IR_MODE_PROMPT)
		return;
	if (r->kind == IR_RULE_PIVOT_ROOT) {
		const struct ir_pivot_rule *p = &r->u.pivot;

		if (be_opt_path(l, p->has_newroot, &p->newroot, &a) ||
		    be_opt_path(l, p->has_oldroot, &p->oldroot, &b))
			return;
		a = dfa_pat_cat(l->dc, dfa_pat_byte(l->dc, BE_CLASS_MOUNT), a);
		be_mnt_entry(l, r, be_pat_cat3(l, a, dfa_pat_byte(l->dc, 0), b),
			     BE_MNT_PIVOT, 0);
		return;
	}
	if (r->u.mount.kind == IR_MOUNT_UMOUNT) {
		if (be_opt_path(l, r->u.mount.has_mountpoint,
				&r->u.mount.mountpoint, &a))
			return;
		be_mnt_entry(l, r,
			     dfa_pat_cat(l->dc,
					 dfa_pat_byte(l->dc, BE_CLASS_MOUNT),
					 a),
			     BE_MNT_UMOUNT, 0);
		return;
	}
	be_lower_mount(l, r);
}
