/* IR helpers shared by every stage: kind names, kernel profile names and
 * the canonical text dump used by -d and the -p round-trip test. Knows
 * the IR's shape, nothing of parsing or automata.
 */
#include "ir.h"

#include <inttypes.h>
#include <string.h>

#include "arena.h"

static const char *const ir_kind_names[IR_RULE__COUNT] = {
	[IR_RULE_FILE] = "file",
	[IR_RULE_LINK] = "link",
	[IR_RULE_CAPABILITY] = "capability",
	[IR_RULE_NETWORK] = "network",
	[IR_RULE_UNIX] = "unix",
	[IR_RULE_DBUS] = "dbus",
	[IR_RULE_SIGNAL] = "signal",
	[IR_RULE_PTRACE] = "ptrace",
	[IR_RULE_MOUNT] = "mount",
	[IR_RULE_PIVOT_ROOT] = "pivot_root",
	[IR_RULE_CHANGE_PROFILE] = "change_profile",
	[IR_RULE_RLIMIT] = "rlimit",
	[IR_RULE_USERNS] = "userns",
	[IR_RULE_MQUEUE] = "mqueue",
	[IR_RULE_IO_URING] = "io_uring",
	[IR_RULE_ALL] = "all",
	[IR_RULE_ABI] = "abi",
};

const char *ir_rule_kind_name(enum ir_rule_kind kind)
{
	if ((unsigned)kind < IR_RULE__COUNT && ir_kind_names[kind])
		return ir_kind_names[kind];
	return "unknown";
}

const char *ir_profile_fqname(struct arena *a, const struct ir_profile *p)
{
	const char *name = p->name ? p->name : "";
	const struct ir_profile *top = p;

	for (const struct ir_profile *q = p->parent; q; q = q->parent) {
		name = arena_sprintf(a, "%s//%s", q->name ? q->name : "", name);
		top = q;
	}
	if (top->ns)
		return arena_sprintf(a, ":%s:%s", top->ns, name);
	return arena_strdup(a, name);
}

static void ir_dump_str(FILE *out, const char *s)
{
	if (!s) {
		fputs("-", out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void ir_dump_list(FILE *out, const char *label,
			 const struct ir_strlist *l)
{
	if (!l->n)
		return;
	fprintf(out, " %s=(", label);
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			fputc(' ', out);
		ir_dump_str(out, l->v[i]);
	}
	fputc(')', out);
}

static void ir_dump_path(FILE *out, const char *label,
			 const struct ir_pathexpr *p)
{
	fprintf(out, " %s=", label);
	ir_dump_str(out, p->glob);
	for (size_t i = 0; i < p->nsub; i++) {
		fputs(" - ", out);
		ir_dump_str(out, p->sub[i]);
	}
}

static void ir_dump_conds(FILE *out, const char *label,
			  const struct ir_cond *c)
{
	static const char *const ops[] = { "=", " in ", ":=", "?" };

	for (; c; c = c->next) {
		fprintf(out, " %s:%s%s", label, c->name ? c->name : "-",
			ops[c->op]);
		fputc('(', out);
		for (size_t i = 0; i < c->values.n; i++) {
			if (i)
				fputc(' ', out);
			ir_dump_str(out, c->values.v[i]);
		}
		fputc(')', out);
	}
}

static void ir_dump_quals(FILE *out, const struct ir_quals *q)
{
	static const char *const modes[] = { "allow", "deny", "prompt" };
	static const char *const owners[] = { "", " owner", " other" };

	if (q->has_priority)
		fprintf(out, " priority=%d", q->priority);
	fprintf(out, "%s %s%s", q->audit ? " audit" : "", modes[q->mode],
		owners[q->owner]);
}

static void ir_dump_rule(FILE *out, const struct ir_rule *r, int depth)
{
	fprintf(out, "%*s%s", depth * 2, "", ir_rule_kind_name(r->kind));
	ir_dump_quals(out, &r->q);
	ir_dump_conds(out, "if", r->rule_conds);
	switch (r->kind) {
	case IR_RULE_FILE:
		if (r->u.file.bare) {
			fputs(" bare", out);
			break;
		}
		ir_dump_path(out, "path", &r->u.file.path);
		fprintf(out, " perms=%#" PRIx32 " x=%d%s mod=%d", r->u.file.perms,
			(int)r->u.file.xmode, r->u.file.xsafe ? " safe" : "",
			(int)r->u.file.exec_mod);
		if (r->u.file.subset)
			fputs(" subset", out);
		if (r->u.file.target) {
			fputs(" target=", out);
			ir_dump_str(out, r->u.file.target);
		}
		break;
	case IR_RULE_LINK:
		ir_dump_path(out, "name", &r->u.link.name);
		ir_dump_path(out, "target", &r->u.link.target);
		if (r->u.link.subset)
			fputs(" subset", out);
		break;
	case IR_RULE_CAPABILITY:
		ir_dump_list(out, "names", &r->u.cap.names);
		fprintf(out, " caps=%#" PRIx64 ":%#" PRIx64, r->u.cap.caps[1],
			r->u.cap.caps[0]);
		break;
	case IR_RULE_NETWORK:
		ir_dump_list(out, "access", &r->u.net.access);
		fputs(" domain=", out);
		ir_dump_str(out, r->u.net.domain);
		fputs(" type=", out);
		ir_dump_str(out, r->u.net.type);
		ir_dump_list(out, "protocols", &r->u.net.nl_protocols);
		ir_dump_conds(out, "cond", r->u.net.conds);
		ir_dump_conds(out, "peer", r->u.net.peer);
		break;
	case IR_RULE_UNIX:
	case IR_RULE_DBUS:
	case IR_RULE_SIGNAL:
	case IR_RULE_PTRACE:
	case IR_RULE_USERNS:
	case IR_RULE_MQUEUE:
	case IR_RULE_IO_URING:
		ir_dump_list(out, "access", &r->u.ipc.access);
		ir_dump_conds(out, "cond", r->u.ipc.conds);
		ir_dump_conds(out, "peer", r->u.ipc.peer);
		if (r->u.ipc.name) {
			fputs(" name=", out);
			ir_dump_str(out, r->u.ipc.name);
		}
		break;
	case IR_RULE_MOUNT:
		fprintf(out, " op=%d", (int)r->u.mount.kind);
		ir_dump_conds(out, "cond", r->u.mount.conds);
		if (r->u.mount.has_source)
			ir_dump_path(out, "source", &r->u.mount.source);
		if (r->u.mount.has_mountpoint)
			ir_dump_path(out, "mountpoint", &r->u.mount.mountpoint);
		break;
	case IR_RULE_PIVOT_ROOT:
		if (r->u.pivot.has_oldroot)
			ir_dump_path(out, "oldroot", &r->u.pivot.oldroot);
		if (r->u.pivot.has_newroot)
			ir_dump_path(out, "newroot", &r->u.pivot.newroot);
		if (r->u.pivot.target) {
			fputs(" target=", out);
			ir_dump_str(out, r->u.pivot.target);
		}
		break;
	case IR_RULE_CHANGE_PROFILE:
		fprintf(out, " mod=%d", (int)r->u.cp.exec_mod);
		if (r->u.cp.has_exec)
			ir_dump_path(out, "exec", &r->u.cp.exec);
		if (r->u.cp.has_target)
			ir_dump_path(out, "target", &r->u.cp.target);
		break;
	case IR_RULE_RLIMIT:
		fputs(" resource=", out);
		ir_dump_str(out, r->u.rlimit.resource);
		fputs(" value=", out);
		ir_dump_str(out, r->u.rlimit.value);
		fprintf(out, " limit=%" PRIu64, r->u.rlimit.limit);
		break;
	case IR_RULE_ABI:
		fputc(' ', out);
		ir_dump_str(out, r->u.abi);
		break;
	case IR_RULE_ALL:
	case IR_RULE__COUNT:
		break;
	}
	fputc('\n', out);
}

static void ir_dump_profile(FILE *out, const struct ir_profile *p, int depth)
{
	fprintf(out, "%*s%s ", depth * 2, "", p->is_hat ? "hat" : "profile");
	if (p->ns) {
		fputs("ns=", out);
		ir_dump_str(out, p->ns);
		fputc(' ', out);
	}
	ir_dump_str(out, p->name);
	if (p->attach) {
		fputs(" attach=", out);
		ir_dump_str(out, p->attach);
	}
	for (const struct ir_xattr *x = p->xattrs; x; x = x->next) {
		fputs(" xattr:", out);
		ir_dump_str(out, x->name);
		fputc('=', out);
		ir_dump_str(out, x->value);
	}
	for (const struct ir_flag *f = p->flags; f; f = f->next) {
		fputs(" flag:", out);
		ir_dump_str(out, f->name);
		if (f->value) {
			fputc('=', out);
			ir_dump_str(out, f->value);
		}
	}
	ir_dump_list(out, "identities", &p->identities);
	fputs(" {\n", out);
	for (const struct ir_rule *r = p->rules; r; r = r->next)
		ir_dump_rule(out, r, depth + 1);
	for (const struct ir_profile *c = p->children; c; c = c->next)
		ir_dump_profile(out, c, depth + 1);
	fprintf(out, "%*s}\n", depth * 2, "");
}

void ir_dump(const struct ir_policy *pol, FILE *out)
{
	if (pol->abi) {
		fputs("abi ", out);
		ir_dump_str(out, pol->abi);
		fputc('\n', out);
	}
	for (const struct ir_alias *al = pol->aliases; al; al = al->next) {
		fputs("alias ", out);
		ir_dump_str(out, al->from);
		fputs(" -> ", out);
		ir_dump_str(out, al->to);
		fputc('\n', out);
	}
	for (const struct ir_profile *p = pol->profiles; p; p = p->next)
		ir_dump_profile(out, p, 0);
}
