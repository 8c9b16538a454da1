/* The semantic pass over a parsed policy: expands variables in every
 * string of the IR, resolves profile names, attachments and flags, checks
 * duplicates, dispatches the per-rule checks (check_*.c) and applies the
 * alias rules. Runs after parsing, before lowering; knows no automata.
 */
#include "check.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "check_int.h"
#include "cu.h"
#include "feat.h"
#include "vars.h"

#define CHK_MAX_ERRORS 1000

/* Note [first-error]: 3.0.8 stops at its first error, so a unit must end
 * in one error message. Which one is 3.0.8's processing order: the checks
 * it makes while parsing come first, in text order; then, profile by
 * profile (top level sorted by namespace and name, each profile's hats and
 * children sorted by name right after it), the variables of its file
 * rules from the last rule to the first, those of its other rules in
 * order, and the later passes (exec-mode conflicts). Every error gets such
 * a key when it is recorded (chk_tag) and fe_check_policy() keeps the
 * least one.
 */
static void chk_tag(struct chk *c, uint32_t phase, uint32_t stage, int64_t idx)
{
	size_t n = c->cu->diag.n;

	if (n - c->base > c->capkeys) {
		struct chk_key *k;
		size_t cap = c->capkeys ? c->capkeys : 16;

		while (cap < n - c->base)
			cap *= 2;
		k = arena_alloc_array(c->a, cap, sizeof(*k));
		if (c->tagged > c->base)
			memcpy(k, c->keys, (c->tagged - c->base) * sizeof(*k));
		c->keys = k;
		c->capkeys = cap;
	}
	for (; c->tagged < n; c->tagged++) {
		struct chk_key *k = &c->keys[c->tagged - c->base];

		k->phase = phase;
		k->prof = phase ? c->prank : 0;
		k->stage = phase ? stage : 0;
		k->idx = phase ? idx : (int64_t)c->tagged;
	}
}

/* Variables of the rule being checked (or of the profile's name). */
static void chk_tag_vars(struct chk *c)
{
	const struct ir_rule *r = c->rule;

	if (!r)
		chk_tag(c, 1, 0, INT64_MIN);
	else if (r->kind == IR_RULE_FILE || r->kind == IR_RULE_LINK)
		chk_tag(c, 1, 0, -c->rule_ord);
	else
		chk_tag(c, 1, 1, c->rule_ord);
}

static int key_cmp(const struct chk_key *a, const struct chk_key *b)
{
	if (a->phase != b->phase)
		return a->phase < b->phase ? -1 : 1;
	if (a->prof != b->prof)
		return a->prof < b->prof ? -1 : 1;
	if (a->stage != b->stage)
		return a->stage < b->stage ? -1 : 1;
	if (a->idx != b->idx)
		return a->idx < b->idx ? -1 : 1;
	return 0;
}

void fe_keep_one_error(struct cu *cu, size_t base, size_t keep)
{
	struct diag_sink *d = &cu->diag;
	size_t j = base;

	for (size_t i = base; i < d->n; i++) {
		if (d->msgs[i].error && i != keep) {
			d->errors--;
			continue;
		}
		d->msgs[j++] = d->msgs[i];
	}
	d->n = j;
}

/* Keeps the error 3.0.8 would have reported (Note [first-error]). */
static void keep_first_error(struct chk *c)
{
	const struct diag_sink *d = &c->cu->diag;
	size_t best = SIZE_MAX;

	chk_tag(c, 0, 0, 0);
	for (size_t i = c->base; i < d->n; i++) {
		if (!d->msgs[i].error)
			continue;
		if (best == SIZE_MAX || key_cmp(&c->keys[i - c->base],
						&c->keys[best - c->base]) < 0)
			best = i;
	}
	if (best != SIZE_MAX)
		fe_keep_one_error(c->cu, c->base, best);
}

static int order_cmp(const void *a, const void *b)
{
	const struct ir_profile *p = *(struct ir_profile *const *)a;
	const struct ir_profile *q = *(struct ir_profile *const *)b;
	int r = strcmp(p->ns ? p->ns : "", q->ns ? q->ns : "");

	return r ? r : strcmp(p->name ? p->name : "", q->name ? q->name : "");
}

/* Appends @list and, after each profile, its children, sorted. */
static void build_order(struct chk *c, struct ir_profile *list, size_t *cap)
{
	struct ir_profile **v;
	size_t n = 0;

	for (struct ir_profile *p = list; p; p = p->next)
		n++;
	if (!n)
		return;
	v = arena_alloc_array(c->a, n, sizeof(*v));
	n = 0;
	for (struct ir_profile *p = list; p; p = p->next)
		v[n++] = p;
	qsort(v, n, sizeof(*v), order_cmp);
	for (size_t i = 0; i < n; i++) {
		if (c->norder == *cap) {
			struct ir_profile **o;

			*cap = *cap ? *cap * 2 : 16;
			o = arena_alloc_array(c->a, *cap, sizeof(*o));
			if (c->norder)
				memcpy(o, c->order, c->norder * sizeof(*o));
			c->order = o;
		}
		c->order[c->norder++] = v[i];
		build_order(c, v[i]->children, cap);
	}
}

static uint32_t profile_rank(const struct chk *c, const struct ir_profile *p)
{
	for (size_t i = 0; i < c->norder; i++)
		if (c->order[i] == p)
			return (uint32_t)i;
	return (uint32_t)c->norder;
}

void chk_error(struct chk *c, struct src_loc loc, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	c->rc = -EINVAL;
	if (diag_error_count(c->cu) >= CHK_MAX_ERRORS)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	diag_error(c->cu, loc, "%s", buf);
}

const struct fe_env *chk_env(struct chk *c, const void *scope)
{
	const struct fe_env *base = scope ? scope : c->genv;

	if (base != c->benv_base || !c->benv) {
		c->benv_base = base;
		c->benv =
			fe_env_with_builtins(c->st, base, c->hname, c->attach);
	}
	return c->benv;
}

int chk_expand(struct chk *c, const void *scope, const char **s,
	       struct src_loc loc, bool collapse)
{
	const char *out;

	if (!*s)
		return 0;
	if (!collapse && !fe_has_var_ref(*s))
		return 0;
	if (fe_expand_glob(c->st, chk_env(c, scope), *s, loc, collapse, &out)) {
		chk_tag_vars(c);
		c->rc = -EINVAL;
		return -EINVAL;
	}
	*s = out;
	return 0;
}

int chk_expand_pathexpr(struct chk *c, const void *scope,
			struct ir_pathexpr *pe, bool collapse)
{
	int rc = chk_expand(c, scope, &pe->glob, pe->loc, collapse);

	for (size_t i = 0; i < pe->nsub; i++)
		if (chk_expand(c, scope, &pe->sub[i], pe->loc, collapse))
			rc = -EINVAL;
	return rc;
}

int chk_expand_conds(struct chk *c, const void *scope, struct ir_cond *cl,
		     bool collapse)
{
	int rc = 0;

	for (; cl; cl = cl->next)
		for (size_t i = 0; i < cl->values.n; i++)
			if (chk_expand(c, scope, &cl->values.v[i], cl->loc,
				       collapse))
				rc = -EINVAL;
	return rc;
}

bool chk_feat(const struct chk *c, const char *path)
{
	if (c->kf && !feat_has(c->kf, path))
		return false;
	if (c->pf && !feat_has(c->pf, path))
		return false;
	return true;
}

void chk_not_enforced(struct chk *c, struct ir_rule *r, const char *what)
{
	if (c->warned & (1u << r->kind))
		return;
	c->warned |= 1u << r->kind;
	diag_warn_profile(c->cu, WARN_RULE_NOT_ENFORCED, r->loc, c->hname,
			  "%s rules not enforced", what);
}

bool chk_strict(struct chk *c, struct src_loc loc, const char *ext)
{
	if (!c->cu->opts || !c->cu->opts->strict)
		return false;
	chk_error(c, loc, "extension %s is not available in strict mode", ext);
	return true;
}

/* Note [glob-syntax]: the grouping errors of language.md 4.1, found
 * before any automaton is built, in upstream's words.
 */
bool chk_glob_ok(struct chk *c, const char *g, struct src_loc loc)
{
	unsigned char commas[64];
	int depth = 0;

	for (const char *p = g; *p; p++) {
		switch (*p) {
		case '\\':
			if (!p[1]) {
				chk_error(
					c, loc,
					"Regex error: trailing '\\' escape character");
				return false;
			}
			p++;
			break;
		case '{':
			if (++depth > 49) {
				chk_error(
					c, loc,
					"Regex grouping error: Exceeded maximum nesting of {}");
				return false;
			}
			commas[depth] = 0;
			break;
		case ',':
			if (depth > 0)
				commas[depth] = 1;
			break;
		case '}':
			if (depth == 0) {
				chk_error(
					c, loc,
					"Regex grouping error: Invalid close }, no matching open { detected");
				return false;
			}
			if (!commas[depth]) {
				chk_error(
					c, loc,
					"Regex grouping error: Invalid number of items between {}");
				return false;
			}
			depth--;
			break;
		case '[':
			for (p++; *p && *p != ']'; p++)
				if (*p == '\\' && p[1])
					p++;
			if (!*p) {
				chk_error(
					c, loc,
					"Regex grouping error: Unclosed grouping or character class, expecting close }");
				return false;
			}
			break;
		case ']':
			chk_error(
				c, loc,
				"Regex grouping error: Invalid close ], no matching open [ detected");
			return false;
		default:
			break;
		}
	}
	if (depth > 0) {
		chk_error(
			c, loc,
			"Regex grouping error: Unclosed grouping or character class, expecting close }");
		return false;
	}
	return true;
}

bool chk_pathexpr_ok(struct chk *c, const struct ir_pathexpr *pe)
{
	if (pe->glob && !chk_glob_ok(c, pe->glob, pe->loc))
		return false;
	for (size_t i = 0; i < pe->nsub; i++)
		if (!chk_glob_ok(c, pe->sub[i], pe->loc))
			return false;
	return true;
}

bool chk_conds_ok(struct chk *c, const struct ir_cond *cl)
{
	for (; cl; cl = cl->next)
		for (size_t i = 0; i < cl->values.n; i++)
			if (!chk_glob_ok(c, cl->values.v[i], cl->loc))
				return false;
	return true;
}

/* Note [label-syntax]: language.md 7.4.1; literal labels are validated,
 * a leading '&' only where a target may stack.
 */
bool chk_label_ok(struct chk *c, const char *label, struct src_loc loc,
		  bool target)
{
	const char *p = label;

	if (*p == '&') {
		if (!target) {
			chk_error(c, loc,
				  "'&' only allowed at the start of a target");
			return false;
		}
		p++;
	}
	for (;;) {
		const char *e;

		if (*p == ':') {
			const char *q = strchr(p + 1, ':');

			if (!q) {
				chk_error(c, loc, "Namespace not terminated");
				return false;
			}
			if (q == p + 1) {
				chk_error(c, loc, "Empty namespace");
				return false;
			}
			p = q + 1;
			if (p[0] == '/' && p[1] == '/')
				p += 2;
		}
		e = strstr(p, "//&");
		if ((e ? e == p : !*p)) {
			chk_error(c, loc, "empty profile name in label");
			return false;
		}
		if (e) {
			const char *amp = strchr(p, '&');

			if (amp && amp < e) {
				chk_error(
					c, loc,
					"'&' only allowed at the start of a target");
				return false;
			}
			p = e + 3;
			continue;
		}
		if (strchr(p, '&')) {
			chk_error(c, loc,
				  "'&' only allowed at the start of a target");
			return false;
		}
		return true;
	}
}

/* Whether every alternative a glob can start with begins with '/'. */
static bool alts_start_with_slash(const char *s, int depth)
{
	const char *p;
	int lvl = 0;
	const char *start;

	if (depth > 50)
		return true;
	if (*s == '/')
		return true;
	if (*s != '{')
		return false;
	start = s + 1;
	for (p = s + 1; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			continue;
		}
		if (*p == '{') {
			lvl++;
		} else if (*p == '}' && lvl > 0) {
			lvl--;
		} else if ((*p == ',' || *p == '}') && lvl == 0) {
			if (p == start) {
				const char *close = strchr(p, '}');

				if (!close || !alts_start_with_slash(close + 1,
								     depth + 1))
					return false;
			} else if (!alts_start_with_slash(start, depth + 1)) {
				return false;
			}
			if (*p == '}')
				return true;
			start = p + 1;
		}
	}
	return true;
}

static const char *const mode_flags[] = {
	"enforce", "complain", "kill", "unconfined", "default_allow", "prompt",
};

static const char *const plain_flags[] = {
	"audit",
	"mediate_deleted",
	"delegate_deleted",
	"attach_disconnected",
	"no_attach_disconnected",
	"chroot_relative",
	"namespace_relative",
	"chroot_attach",
	"chroot_no_attach",
	"interruptible",
	"debug",
};

static bool in_list(const char *const *l, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(l[i], s) == 0)
			return true;
	return false;
}

static int errno_lookup(const char *name)
{
	for (int e = 1; e < 200; e++) {
		const char *n = strerrorname_np(e);

		if (n && strcasecmp(n, name) == 0)
			return e;
	}
	return 0;
}

/* Expands and checks an attach_disconnected.{path,ipc} value. */
static const char *disconnected_path(struct chk *c, struct ir_flag *f,
				     const void *scope)
{
	const char *v = f->value;
	size_t n;
	char *d;

	if (chk_expand(c, scope, &v, f->loc, true))
		return NULL;
	if (v[0] != '/') {
		chk_error(c, f->loc,
			  "attach_disconnected path must begin with a /");
		return NULL;
	}
	n = strlen(v);
	while (n > 1 && v[n - 1] == '/')
		n--;
	d = arena_strndup(c->a, v, n);
	return d;
}

static void flag_conflict(struct chk *c, struct src_loc loc, const char *a,
			  const char *b)
{
	chk_error(c, loc, "Profile flag '%s' conflicts with '%s'", a, b);
}

/* Resolves the flags of @p into p->pflags (language.md 2.2.1). */
static void check_flags(struct chk *c, struct ir_profile *p)
{
	struct ir_profile_flags *pf = &p->pflags;
	const char *mode = NULL, *dpath = NULL, *dipc = NULL;
	const char *ksig = NULL, *err = NULL;

	for (struct ir_flag *f = p->flags; f; f = f->next) {
		const char *n = f->name;

		if (!f->value &&
		    in_list(mode_flags,
			    sizeof(mode_flags) / sizeof(*mode_flags), n)) {
			if (mode && strcmp(mode, n) != 0) {
				flag_conflict(c, f->loc, mode, n);
				return;
			}
			mode = n;
		} else if (!f->value &&
			   in_list(plain_flags,
				   sizeof(plain_flags) / sizeof(*plain_flags),
				   n)) {
			if (!strcmp(n, "audit"))
				pf->audit = true;
			else if (!strcmp(n, "mediate_deleted"))
				pf->mediate_deleted = true;
			else if (!strcmp(n, "delegate_deleted"))
				pf->delegate_deleted = true;
			else if (!strcmp(n, "attach_disconnected"))
				pf->attach_disconnected = true;
			else if (!strcmp(n, "no_attach_disconnected"))
				pf->no_attach_disconnected = true;
			else if (!strcmp(n, "chroot_relative"))
				pf->chroot_relative = true;
			else if (!strcmp(n, "namespace_relative"))
				pf->namespace_relative = true;
			else if (!strcmp(n, "chroot_attach"))
				pf->chroot_attach = true;
			else if (!strcmp(n, "chroot_no_attach"))
				pf->chroot_no_attach = true;
			else if (!strcmp(n, "interruptible"))
				pf->interruptible = true;
		} else if (f->value && !strcmp(n, "attach_disconnected.path")) {
			const char *v = disconnected_path(c, f, p->scope);

			if (!v)
				return;
			if (dpath && strcmp(dpath, v) != 0) {
				chk_error(
					c, f->loc,
					"Profile flag attach_disconnected.path conflicts with a previous value");
				return;
			}
			dpath = v;
			pf->attach_disconnected = true;
		} else if (!strcmp(n, "attach_disconnected.ipc")) {
			const char *v = "/";

			if (f->value) {
				v = disconnected_path(c, f, p->scope);
				if (!v)
					return;
			}
			if (dipc && strcmp(dipc, v) != 0) {
				chk_error(
					c, f->loc,
					"Profile flag attach_disconnected.ipc conflicts with a previous value");
				return;
			}
			dipc = v;
			pf->attach_disconnected = true;
		} else if (f->value && !strcmp(n, "kill.signal")) {
			int s = fe_signal_lookup(f->value);

			if (s < 0 || s > 35) {
				chk_error(c, f->loc, "unknown signal \"%s\"",
					  f->value);
				return;
			}
			if (ksig && strcmp(ksig, f->value) != 0) {
				chk_error(
					c, f->loc,
					"Profile flag kill.signal conflicts with a previous value");
				return;
			}
			ksig = f->value;
			pf->kill_signal = s;
		} else if (f->value && !strcmp(n, "error")) {
			int e = errno_lookup(f->value);

			if (!e) {
				chk_error(c, f->loc,
					  "Invalid profile flag: error=%s.",
					  f->value);
				return;
			}
			if (err && strcasecmp(err, f->value) != 0) {
				chk_error(
					c, f->loc,
					"Profile flag error conflicts with a previous value");
				return;
			}
			err = f->value;
			pf->error_errno = e;
		} else {
			chk_error(c, f->loc, "Invalid profile flag: %s%s%s.", n,
				  f->value ? "=" : "",
				  f->value ? f->value : "");
			return;
		}
	}
	if (pf->chroot_relative && pf->namespace_relative)
		flag_conflict(c, p->loc, "chroot_relative",
			      "namespace_relative");
	else if (pf->mediate_deleted && pf->delegate_deleted)
		flag_conflict(c, p->loc, "mediate_deleted", "delegate_deleted");
	else if (pf->attach_disconnected && pf->no_attach_disconnected)
		flag_conflict(c, p->loc, "attach_disconnected",
			      "no_attach_disconnected");
	else if (pf->chroot_attach && pf->chroot_no_attach)
		flag_conflict(c, p->loc, "chroot_attach", "chroot_no_attach");
	pf->disconnected_path = dpath;
	pf->disconnected_ipc = dipc;
	pf->mode = IR_PMODE_ENFORCE;
	if (mode) {
		static const enum ir_profile_mode m[] = {
			IR_PMODE_ENFORCE,	IR_PMODE_COMPLAIN,
			IR_PMODE_KILL,		IR_PMODE_UNCONFINED,
			IR_PMODE_DEFAULT_ALLOW, IR_PMODE_PROMPT,
		};

		for (size_t i = 0; i < sizeof(m) / sizeof(*m); i++)
			if (!strcmp(mode_flags[i], mode))
				pf->mode = m[i];
	}
	if (c->cu->opts && c->cu->opts->complain)
		pf->mode = IR_PMODE_COMPLAIN;
}

/* Qualifiers a rule kind does not allow (language.md 3.1 table). */
static void check_quals(struct chk *c, struct ir_rule *r)
{
	const char *k = ir_rule_kind_name(r->kind);

	if (r->q.has_priority &&
	    (r->q.priority < -1000 || r->q.priority > 1000)) {
		chk_error(c, r->loc, "invalid priority %d", r->q.priority);
		return;
	}
	switch (r->kind) {
	case IR_RULE_FILE:
	case IR_RULE_LINK:
	case IR_RULE_ABI:
		return;
	case IR_RULE_CHANGE_PROFILE:
		if (r->q.owner != IR_OWNER_ANY)
			chk_error(
				c, r->loc,
				"owner conditional not allowed on change_profile rules");
		return;
	case IR_RULE_CAPABILITY:
		if (r->q.owner != IR_OWNER_ANY)
			chk_error(
				c, r->loc,
				"owner prefix not allowed on capability rules");
		else if (r->q.mode == IR_MODE_PROMPT)
			chk_error(
				c, r->loc,
				"prompt prefix not allowed on capability rules");
		return;
	case IR_RULE_NETWORK:
	case IR_RULE_ALL:
		if (r->q.owner != IR_OWNER_ANY)
			chk_error(c, r->loc,
				  "owner prefix not allowed on %s rules", k);
		else if (r->q.has_priority)
			chk_error(c, r->loc,
				  "priority prefix not allowed on %s rules", k);
		return;
	case IR_RULE_RLIMIT:
		if (r->q.owner != IR_OWNER_ANY || r->q.audit ||
		    r->q.mode != IR_MODE_ALLOW || r->q.has_priority)
			chk_error(
				c, r->loc,
				"qualifiers are not allowed on set rlimit rules");
		return;
	default:
		if (r->q.owner != IR_OWNER_ANY)
			chk_error(c, r->loc,
				  "owner prefix not allowed on %s rules", k);
		return;
	}
}

static bool has_cond(const struct ir_cond *l, const char *name)
{
	for (; l; l = l->next)
		if (!strcmp(l->name, name))
			return true;
	return false;
}

/* Rule conditionals fs= / label= ([EXT] 7.2) that stay on a rule kind the
 * kernel cannot match: everything except what the parser rewrote.
 */
static void check_rule_conds(struct chk *c, struct ir_rule *r)
{
	bool down = c->cu->opts && c->cu->opts->extension_downgrade;

	if (!r->rule_conds)
		return;
	if (chk_strict(c, r->loc, "rule conditionals"))
		return;
	chk_expand_conds(c, r->scope, r->rule_conds, false);
	for (struct ir_cond *rc = r->rule_conds; rc; rc = rc->next) {
		const char *k = ir_rule_kind_name(r->kind);

		switch (r->kind) {
		case IR_RULE_FILE:
		case IR_RULE_LINK:
			if (!down) {
				chk_error(
					c, rc->loc,
					"rule conditional '%s' on file rules needs kernel support for %s matching; the target kernel does not provide it",
					rc->name,
					!strcmp(rc->name, "fs")
						? "filesystem type"
						: "object label");
			} else if (r->q.mode == IR_MODE_DENY) {
				diag_warn(
					c->cu, WARN_RULE_NOT_ENFORCED, rc->loc,
					"deny rule with rule conditional '%s' not enforced",
					rc->name);
			} else {
				diag_warn(
					c->cu, WARN_RULE_DOWNGRADED, rc->loc,
					"rule conditional '%s' dropped: rule applies to every %s",
					rc->name,
					!strcmp(rc->name, "fs")
						? "filesystem"
						: "object label");
			}
			break;
		case IR_RULE_MOUNT:
			if (!strcmp(rc->name, "fs") &&
			    r->u.mount.kind == IR_MOUNT_MOUNT) {
				if (has_cond(r->u.mount.conds, "fstype") ||
				    has_cond(r->u.mount.conds, "vfstype"))
					chk_error(c, rc->loc, "fs given twice");
				break;
			}
			if (!strcmp(rc->name, "fs")) {
				chk_error(
					c, rc->loc,
					"fs= cannot be matched for this rule kind");
				break;
			}
			chk_error(
				c, rc->loc,
				"rule conditional '%s' is not applicable to %s rules",
				rc->name, k);
			break;
		case IR_RULE_PIVOT_ROOT:
			chk_error(c, rc->loc,
				  "%s= cannot be matched for this rule kind",
				  rc->name);
			break;
		case IR_RULE_SIGNAL:
		case IR_RULE_PTRACE:
			if (!strcmp(rc->name, "label") &&
			    (has_cond(r->u.ipc.conds, "peer") ||
			     has_cond(r->u.ipc.peer, "peer") ||
			     has_cond(r->u.ipc.peer, "label"))) {
				chk_error(c, rc->loc, "label given twice");
				break;
			}
			/* fall through */
		case IR_RULE_UNIX:
		case IR_RULE_DBUS:
		case IR_RULE_NETWORK:
		case IR_RULE_MQUEUE:
		case IR_RULE_IO_URING:
			if (!strcmp(rc->name, "label"))
				break;
			chk_error(
				c, rc->loc,
				"rule conditional '%s' is not applicable to %s rules",
				rc->name, k);
			break;
		default:
			chk_error(
				c, rc->loc,
				"rule conditional '%s' is not applicable to %s rules",
				rc->name, k);
			break;
		}
	}
}

static void check_userns(struct chk *c, struct ir_rule *r)
{
	for (size_t i = 0; i < r->u.ipc.access.n; i++)
		if (strcmp(r->u.ipc.access.v[i], "create") != 0)
			chk_error(c, r->loc, "invalid userns access '%s'",
				  r->u.ipc.access.v[i]);
	if (r->u.ipc.conds || r->u.ipc.peer)
		chk_error(c, r->loc, "invalid userns rule conditional");
	r->u.ipc.access_mask = 1;
	if (!chk_feat(c, "namespaces/mask/userns_create"))
		chk_not_enforced(c, r, "userns");
}

static void check_rule(struct chk *c, struct ir_rule *r)
{
	check_quals(c, r);
	check_rule_conds(c, r);
	switch (r->kind) {
	case IR_RULE_FILE:
		chk_rule_file(c, r);
		break;
	case IR_RULE_LINK:
		chk_rule_link(c, r);
		break;
	case IR_RULE_CAPABILITY:
		chk_rule_capability(c, r);
		break;
	case IR_RULE_NETWORK:
		chk_rule_network(c, r);
		break;
	case IR_RULE_UNIX:
	case IR_RULE_DBUS:
	case IR_RULE_SIGNAL:
	case IR_RULE_PTRACE:
	case IR_RULE_MQUEUE:
	case IR_RULE_IO_URING:
		chk_rule_ipc(c, r);
		break;
	case IR_RULE_USERNS:
		check_userns(c, r);
		break;
	case IR_RULE_MOUNT:
		chk_rule_mount(c, r);
		break;
	case IR_RULE_PIVOT_ROOT:
		chk_rule_pivot(c, r);
		break;
	case IR_RULE_CHANGE_PROFILE:
		chk_rule_change_profile(c, r);
		break;
	case IR_RULE_RLIMIT:
		chk_rule_rlimit(c, r);
		break;
	case IR_RULE_ABI:
		if (c->pol->abi && r->u.abi && strcmp(c->pol->abi, r->u.abi))
			diag_warn(
				c->cu, WARN_ABI, r->loc,
				"features abi '%s' differs from policy declared feature abi, using the features abi declared in policy",
				r->u.abi);
		break;
	case IR_RULE_ALL:
	case IR_RULE__COUNT:
		break;
	}
}

/* The effective attachment of a profile, expanded (NULL: none). */
static const char *profile_attach(struct chk *c, struct ir_profile *p)
{
	const char *at = p->attach;

	if (at) {
		if (chk_expand(c, p->scope, &at, p->attach_loc, true))
			return NULL;
		if (!chk_glob_ok(c, at, p->attach_loc))
			return NULL;
		if (!alts_start_with_slash(at, 0)) {
			chk_error(
				c, p->attach_loc,
				"Profile attachment must begin with a '/' or variable.");
			return NULL;
		}
		p->attach = at;
		return at;
	}
	if (p->name[0] == '/' && !p->is_hat) {
		const char *last = p->name;
		const char *s;

		for (s = strstr(last, "//"); s; s = strstr(last, "//"))
			last = s + 2;
		return fe_collapse_slashes(c->st, last);
	}
	return NULL;
}

static void check_name(struct chk *c, struct ir_profile *p)
{
	const char *n = p->name;
	const char *at = p->attach;
	const struct fe_env *env = p->scope ? p->scope : c->genv;
	const char *out;

	if (n && fe_has_var_ref(n)) {
		if (fe_expand_glob(c->st, env, n, p->loc, false, &out)) {
			chk_tag_vars(c);
			c->rc = -EINVAL;
			return;
		}
		p->name = out;
	}
	if (at && fe_has_var_ref(at)) {
		if (fe_expand_glob(c->st, env, at, p->attach_loc, true, &out)) {
			chk_tag_vars(c);
			c->rc = -EINVAL;
			return;
		}
		p->attach = out;
	}
	n = p->name;
	if (!n || !*n) {
		chk_error(c, p->loc, "Empty profile name");
		return;
	}
	if (n[0] == '&') {
		chk_error(c, p->loc,
			  "Profile names must begin with a '/' or a namespace");
		return;
	}
	if (!p->parent && !p->keyword && !p->is_hat && !p->ns && n[0] != '/' &&
	    n[0] != ':') {
		chk_error(
			c, p->loc,
			"Profile names must begin with a '/', namespace or keyword 'profile' or 'hat'.");
		return;
	}
	if (p->parent && p->ns) {
		chk_error(
			c, p->loc,
			"profile %s: child profiles and hats cannot have a namespace",
			n);
		return;
	}
	if (!strncmp(n, "null-", 5))
		diag_warn(
			c->cu, WARN_FORMAT, p->loc,
			"profile names starting with 'null-' are reserved for the kernel");
}

static bool same_str(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static void check_duplicates(struct chk *c, struct ir_profile *list,
			     struct ir_profile *parent)
{
	for (struct ir_profile *p = list; p; p = p->next) {
		for (struct ir_profile *q = list; q != p; q = q->next) {
			if (!same_str(p->name, q->name) ||
			    !same_str(p->ns, q->ns))
				continue;
			if (parent)
				chk_error(
					c, p->loc,
					"Multiple definitions for hat %s in profile %s exist,bailing out.",
					p->name, c->hname);
			else
				chk_error(
					c, p->loc,
					"Multiple definitions for profile %s exist,bailing out.",
					p->name);
			break;
		}
	}
}

static void check_xattrs(struct chk *c, struct ir_profile *p)
{
	if (!p->xattrs)
		return;
	if (p->is_hat) {
		chk_error(c, p->xattrs->loc,
			  "hat profiles can't use xattrs matches");
		return;
	}
	for (struct ir_xattr *x = p->xattrs; x; x = x->next)
		if (x->value)
			chk_expand(c, p->scope, &x->value, x->loc, false);
	if (!chk_feat(c, "domain/attach_conditions/xattr"))
		diag_warn(c->cu, WARN_RULE_NOT_ENFORCED, p->xattrs->loc,
			  "xattr attachment conditional ignored");
}

static bool identity_ok(const char *v)
{
	if (v[0] == '/')
		return true;
	if (!*v)
		return false;
	for (; *v; v++)
		if (!isalnum((unsigned char)*v) && !strchr("_.:-+@", *v))
			return false;
	return true;
}

/* + identities=( ... ) [5.0]: stored, validated, gated. */
static void check_identities(struct chk *c, struct ir_profile *p)
{
	struct ir_strlist *l = &p->identities;

	if (!l->v)
		return;
	if (!l->n) {
		chk_error(c, p->loc, "identities list cannot be empty");
		return;
	}
	for (size_t i = 0; i < l->n; i++) {
		if (chk_expand(c, p->scope, &l->v[i], p->loc, false))
			return;
		if (!identity_ok(l->v[i])) {
			chk_error(c, p->loc, "invalid identity '%s'", l->v[i]);
			return;
		}
	}
	if (!chk_feat(c, "domain/identities"))
		diag_warn_profile(c->cu, WARN_RULE_NOT_ENFORCED, p->loc,
				  c->hname, "identities not enforced");
}

static void check_profile(struct chk *c, struct ir_profile *p,
			  const char *parent_hname)
{
	const char *save_h = c->hname, *save_a = c->attach;
	struct ir_profile *save_p = c->prof;
	uint32_t save_w = c->warned;
	uint32_t save_r = c->prank;
	int64_t ord = 0;

	chk_tag(c, 0, 0, 0);
	c->prank = profile_rank(c, p);
	c->rule = NULL;
	check_name(c, p);
	c->prof = p;
	c->hname = parent_hname ? arena_sprintf(c->a, "%s//%s", parent_hname,
						p->name)
				: p->name;
	c->attach = NULL;
	c->benv = NULL;
	c->benv_base = NULL;
	c->warned = 0;
	c->attach = profile_attach(c, p);
	c->benv = NULL;
	check_flags(c, p);
	check_xattrs(c, p);
	check_identities(c, p);
	for (struct ir_rule *r = p->rules; r; r = r->next) {
		chk_tag(c, 0, 0, 0);
		c->rule = r;
		c->rule_ord = ord++;
		check_rule(c, r);
		chk_tag(c, 0, 0, 0);
	}
	c->rule = NULL;
	chk_exec_conflicts(c, p);
	chk_cp_conflicts(c, p);
	chk_tag(c, 1, 2, 0);
	for (struct ir_profile *ch = p->children; ch; ch = ch->next)
		check_profile(c, ch, c->hname);
	check_duplicates(c, p->children, p);
	chk_tag(c, 0, 0, 0);
	c->prank = save_r;
	c->hname = save_h;
	c->attach = save_a;
	c->prof = save_p;
	c->warned = save_w;
	c->benv = NULL;
	c->benv_base = NULL;
}

/* Appends a copy of @r whose path starts with @to instead of @from. */
static const char *alias_rewrite(struct chk *c, const char *s,
				 const struct ir_alias *al)
{
	size_t n = strlen(al->from);

	if (!s || strncmp(s, al->from, n) != 0)
		return NULL;
	return arena_sprintf(c->a, "%s%s", al->to, s + n);
}

static void alias_pathexpr(struct chk *c, struct ir_pathexpr *pe,
			   const struct ir_alias *al)
{
	const char **sub;

	pe->glob = alias_rewrite(c, pe->glob, al);
	if (!pe->nsub)
		return;
	sub = arena_alloc_array(c->a, pe->nsub, sizeof(*sub));
	for (size_t i = 0; i < pe->nsub; i++) {
		const char *t = alias_rewrite(c, pe->sub[i], al);

		sub[i] = t ? t : pe->sub[i];
	}
	pe->sub = sub;
}

static void apply_alias_profile(struct chk *c, struct ir_profile *p,
				const struct ir_alias *al)
{
	struct ir_rule *last = p->rules_tail;

	for (struct ir_rule *r = p->rules; r; r = r->next) {
		struct ir_rule *d = NULL;

		if (r->kind == IR_RULE_FILE && !r->u.file.bare &&
		    alias_rewrite(c, r->u.file.path.glob, al)) {
			d = arena_alloc(c->a, sizeof(*d));
			*d = *r;
			alias_pathexpr(c, &d->u.file.path, al);
		} else if (r->kind == IR_RULE_LINK &&
			   (alias_rewrite(c, r->u.link.name.glob, al) ||
			    alias_rewrite(c, r->u.link.target.glob, al))) {
			d = arena_alloc(c->a, sizeof(*d));
			*d = *r;
			if (alias_rewrite(c, d->u.link.name.glob, al))
				alias_pathexpr(c, &d->u.link.name, al);
			if (alias_rewrite(c, d->u.link.target.glob, al))
				alias_pathexpr(c, &d->u.link.target, al);
		}
		if (d) {
			d->next = NULL;
			p->rules_tail->next = d;
			p->rules_tail = d;
		}
		if (r == last)
			break;
	}
	if (p->attach) {
		const char *t = alias_rewrite(c, p->attach, al);

		if (t)
			p->attach =
				arena_sprintf(c->a, "{%s,%s}", p->attach, t);
	}
	for (struct ir_profile *ch = p->children; ch; ch = ch->next)
		apply_alias_profile(c, ch, al);
}

static void apply_aliases(struct chk *c)
{
	for (struct ir_alias *al = c->pol->aliases; al; al = al->next) {
		bool dup = false;

		for (struct ir_alias *b = c->pol->aliases; b != al && !dup;
		     b = b->next)
			dup = !strcmp(b->from, al->from) &&
			      !strcmp(b->to, al->to);
		if (dup) {
			diag_warn(c->cu, WARN_UNEXPECTED, al->loc,
				  "'%s' is already defined", al->from);
			continue;
		}
		for (struct ir_profile *p = c->pol->profiles; p; p = p->next)
			apply_alias_profile(c, p, al);
	}
}

/* The policy ABI: the file's abi rule resolved like an include. */
static const struct features *policy_abi(struct chk *c)
{
	const struct cu_opts *o = c->cu->opts;
	const char *name = c->pol->abi;
	struct features *f = NULL;
	const char *err = NULL;
	char path[4096];
	size_t n;

	if (!o || o->override_abi)
		return o ? o->override_abi : NULL;
	if (!name) {
		if (c->pol->profiles && c->cu->nfiles)
			diag_warn(
				c->cu, WARN_ABI, (struct src_loc){0, 1, 0},
				"%s: File '%s' missing feature abi, falling back to default policy feature abi",
				o->progname ? o->progname : "apparmor_parser",
				c->cu->files[0].path);
		return o->policy_features;
	}
	n = strlen(name);
	if (n >= 2 && name[0] == '"' && name[n - 1] == '"')
		name = arena_strndup(c->a, name + 1, n - 2);
	if (!strcmp(name, "kernel") && !c->pol->abi_quoted)
		return o->kernel_features;
	if (!strcmp(name, "default") && !c->pol->abi_quoted)
		return o->policy_features;
	if (*name && (c->pol->abi_quoted || name[0] == '/')) {
		if (!feat_load(c->a, name, &f, &err))
			return f;
	} else if (*name) {
		for (n = 0; n < o->ninclude_dirs; n++) {
			snprintf(path, sizeof(path), "%s/%s",
				 o->include_dirs[n], name);
			if (!feat_load(c->a, path, &f, &err))
				return f;
		}
		if (o->base_dir) {
			snprintf(path, sizeof(path), "%s/%s", o->base_dir,
				 name);
			if (!feat_load(c->a, path, &f, &err))
				return f;
		}
	}
	chk_error(c, c->pol->abi_loc, "failed to find features abi '%s'", name);
	return o->policy_features;
}

int fe_check_policy(struct cu *cu, struct fe_symtab *st, struct ir_policy *pol)
{
	struct chk c = {0};
	size_t cap = 0;

	c.cu = cu;
	c.st = st;
	c.pol = pol;
	c.a = cu->arena;
	c.genv = fe_symtab_env(st);
	c.kf = cu->opts ? cu->opts->kernel_features : NULL;
	c.base = c.tagged = cu->diag.n;
	build_order(&c, pol->profiles, &cap);
	c.pf = policy_abi(&c);
	for (struct ir_profile *p = pol->profiles; p; p = p->next)
		check_profile(&c, p, NULL);
	check_duplicates(&c, pol->profiles, NULL);
	if (c.rc == 0 && pol->aliases)
		apply_aliases(&c);
	if (c.rc)
		keep_first_error(&c);
	return c.rc;
}
