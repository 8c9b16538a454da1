/* IR constructors called from the grammar's actions: rules, profiles,
 * blocks, if branches and assignments, in textual order. Parsing phase:
 * it records the syntax-level errors upstream reports from its grammar;
 * names, values and variables are checked later (check*.c).
 */
#include "fe_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "check.h"
#include "cond.h"
#include "cu.h"
#include "vars.h"

/* --- words ------------------------------------------------------------ */

static int fe_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Value of up to @max digits of base @base at s, stopping before the
 * value would exceed 255; *used gets the digits taken.
 */
static int fe_escape_number(const char *s, size_t n, int base, size_t max,
			    size_t *used)
{
	int v = 0;
	size_t i = 0;

	while (i < n && i < max) {
		int d = fe_hexval(s[i]);

		if (d < 0 || d >= base || v * base + d > 255)
			break;
		v = v * base + d;
		i++;
	}
	*used = i;
	return v;
}

/* Decode one numeric escape at s (after the backslash); *used gets the
 * characters consumed. Return the byte, or -1 when s is no numeric escape.
 */
static int fe_numeric_escape(const char *s, size_t n, size_t *used)
{
	size_t k;
	int v;

	if (n && s[0] >= '0' && s[0] <= '7') {
		v = fe_escape_number(s, n, 8, 3, used);
		return v;
	}
	if (n < 2 || (s[0] != 'x' && s[0] != 'd'))
		return -1;
	v = fe_escape_number(s + 1, n - 1, s[0] == 'x' ? 16 : 10,
			     s[0] == 'x' ? 2 : 3, &k);
	if (!k)
		return -1;
	*used = k + 1;
	return v;
}

const char *fe_unescape(struct fe_parser *p, const char *s, size_t n)
{
	char *out, *o;

	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		s++;
		n -= 2;
	}
	if (!memchr(s, '\\', n))
		return arena_strndup(p->arena, s, n);
	out = arena_alloc(p->arena, n + 1);
	o = out;
	for (size_t i = 0; i < n; i++) {
		size_t used = 0;
		int v;

		if (s[i] != '\\' || i + 1 == n) {
			*o++ = s[i];
			continue;
		}
		switch (s[i + 1]) {
		case '"':
			*o++ = '"';
			i++;
			continue;
		case 'a':
			*o++ = '\a';
			i++;
			continue;
		case 'e':
			*o++ = 033;
			i++;
			continue;
		case 'f':
			*o++ = '\f';
			i++;
			continue;
		case 'n':
			*o++ = '\n';
			i++;
			continue;
		case 'r':
			*o++ = '\r';
			i++;
			continue;
		case 't':
			*o++ = '\t';
			i++;
			continue;
		default:
			break;
		}
		v = fe_numeric_escape(s + i + 1, n - i - 1, &used);
		if (v > 0) {
			if (strchr("*?[]{}^,\\", v))
				*o++ = '\\';
			*o++ = (char)v;
			i += used;
			continue;
		}
		if (v == 0) {
			memcpy(o, s + i, used + 1);
			o += used + 1;
			i += used;
			continue;
		}
		*o++ = '\\';
		*o++ = s[++i];
	}
	*o = '\0';
	return out;
}

struct ir_pathexpr *fe_build_word(struct fe_parser *p, const char *s,
				  struct src_loc loc)
{
	struct ir_pathexpr *e = arena_alloc(p->arena, sizeof(*e));

	e->glob = s;
	e->loc = loc;
	return e;
}

/* Length of the operand starting at s: a quoted string or a run of
 * characters up to unescaped white space.
 */
static size_t fe_operand_len(const char *s, size_t n)
{
	size_t i = 0;

	if (n && s[0] == '"') {
		for (i = 1; i < n; i++) {
			if (s[i] == '\\' && i + 1 < n)
				i++;
			else if (s[i] == '"')
				return i + 1;
		}
		return n;
	}
	while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' &&
	       s[i] != '\r') {
		if (s[i] == '\\' && i + 1 < n)
			i++;
		i++;
	}
	return i;
}

struct ir_pathexpr *fe_build_subtraction(struct fe_parser *p, const char *text,
					 size_t len, struct src_loc loc)
{
	struct ir_pathexpr *e = fe_build_word(p, NULL, loc);
	struct fe_vlist *ops = fe_build_vlist(p, NULL, NULL, loc);
	size_t i = 0;

	while (i < len) {
		size_t k = fe_operand_len(text + i, len - i);

		fe_build_vlist(p, ops, fe_unescape(p, text + i, k), loc);
		i += k;
		while (i < len && strchr(" \t\r\n", text[i]))
			i++;
		if (i < len && text[i] == '-')
			i++;
		while (i < len && strchr(" \t\r\n", text[i]))
			i++;
	}
	e->glob = ops->n ? ops->v[0] : "";
	e->nsub = ops->n ? ops->n - 1 : 0;
	e->sub = ops->n > 1 ? ops->v + 1 : NULL;
	fe_build_strict(p, "set subtraction", loc);
	return e;
}

bool fe_build_strict(struct fe_parser *p, const char *ext, struct src_loc loc)
{
	if (!p->strict)
		return false;
	diag_error(p->cu, loc, "extension %s is not available in strict mode",
		   ext);
	return true;
}

bool fe_build_no_sub(struct fe_parser *p, const struct ir_pathexpr *e,
		     const char *where)
{
	if (!e || !e->nsub)
		return true;
	diag_error(p->cu, e->loc, "set subtraction is not allowed in %s",
		   where);
	return false;
}

struct fe_vlist *fe_build_vlist(struct fe_parser *p, struct fe_vlist *l,
				const char *s, struct src_loc loc)
{
	if (!l) {
		l = arena_alloc(p->arena, sizeof(*l));
		l->loc = loc;
	}
	if (!s)
		return l;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4;
		const char **v = arena_alloc_array(p->arena, cap, sizeof(*v));

		if (l->n)
			memcpy(v, l->v, l->n * sizeof(*v));
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = s;
	return l;
}

struct fe_vlist *fe_build_vlist_cat(struct fe_parser *p, struct fe_vlist *a,
				    struct fe_vlist *b)
{
	if (!a)
		return b;
	for (size_t i = 0; b && i < b->n; i++)
		fe_build_vlist(p, a, b->v[i], b->loc);
	return a;
}

static struct ir_strlist fe_strlist(const struct fe_vlist *l)
{
	struct ir_strlist s = {0};

	if (l) {
		s.v = l->v;
		s.n = l->n;
	}
	return s;
}

/* --- conditions and prefixes -------------------------------------------- */

struct ir_cond *fe_build_cond(struct fe_parser *p, const char *name,
			      enum ir_cond_op op, struct fe_vlist *vals,
			      bool paren, struct src_loc loc)
{
	struct ir_cond *c = arena_alloc(p->arena, sizeof(*c));
	size_t n = strlen(name);

	if (n > 1 && name[n - 1] == ':' && op == IR_COND_EQ) {
		name = arena_strndup(p->arena, name, n - 1);
		op = IR_COND_ASSIGN;
	}
	c->name = arena_intern(p->arena, name);
	c->op = op;
	c->values = fe_strlist(vals);
	c->paren = paren;
	c->loc = loc;
	return c;
}

struct ir_cond *fe_build_cond_append(struct ir_cond *list, struct ir_cond *c)
{
	struct ir_cond *t = list;

	if (!list)
		return c;
	while (t->next)
		t = t->next;
	t->next = c;
	return list;
}

void fe_build_prefix(struct fe_parser *p, struct fe_prefix *out,
		     const char *priority, struct src_loc prio_loc, bool audit,
		     int mode, int owner, struct src_loc loc)
{
	memset(out, 0, sizeof(*out));
	out->q.audit = audit;
	if (mode >= 0) {
		out->q.mode = (enum ir_mode)mode;
		out->q.explicit_allow = mode == IR_MODE_ALLOW;
		out->has_mode = true;
	}
	if (owner >= 0) {
		out->q.owner = (enum ir_owner)owner;
		out->has_owner = true;
	}
	if (priority) {
		char *end;
		long v = strtol(priority, &end, 10);

		if (end == priority || *end || v < -1000 || v > 1000)
			diag_error(p->cu, prio_loc, "invalid priority %s",
				   priority);
		out->q.has_priority = true;
		out->q.priority = (int)v;
	}
	out->any = priority || audit || mode >= 0 || owner >= 0;
	out->loc = loc;
}

void fe_build_prefix_conds(struct fe_parser *p, struct fe_prefix *pre,
			   struct ir_cond *conds, struct src_loc loc)
{
	if (!conds)
		return;
	for (struct ir_cond *c = conds; c; c = c->next) {
		if (strcmp(c->name, "fs") && strcmp(c->name, "label")) {
			diag_fatal(p->cu, c->loc,
				   "syntax error, unexpected TOK_CONDID");
			return;
		}
	}
	fe_build_strict(p, "rule conditionals", loc);
	if (!pre->any)
		pre->loc = loc;
	pre->any = true;
	pre->conds = conds;
}

struct fe_cond *fe_build_compare(struct fe_parser *p, enum fe_cond_cmp cmp,
				 const struct fe_cond_operand *a,
				 const struct fe_cond_operand *b,
				 struct src_loc loc)
{
	return fe_cond_compare(p->arena, cmp, a->text, a->is_var, b->text,
			       b->is_var, loc);
}

struct fe_cond *fe_build_cond_word(struct fe_parser *p,
				   const struct fe_cond_operand *a,
				   struct src_loc loc)
{
	return fe_cond_leaf(p->arena, FE_COND_WORD, a->text, loc);
}

/* --- containers ----------------------------------------------------------- */

static bool fe_live(const struct fe_parser *p)
{
	return !p->ctr || p->ctr->live;
}

static struct ir_profile *fe_enclosing_profile(const struct fe_parser *p)
{
	for (const struct fe_ctr *c = p->ctr; c; c = c->up)
		if (c->kind == FE_CTR_PROFILE)
			return c->prof;
	return NULL;
}

static void fe_ctr_push(struct fe_parser *p, enum fe_ctr_kind kind, bool live,
			struct src_loc loc)
{
	struct fe_ctr *c = arena_alloc(p->arena, sizeof(*c));

	c->kind = kind;
	c->live = live;
	c->loc = loc;
	c->up = p->ctr;
	p->ctr = c;
}

static void fe_ctr_add_rules(struct fe_ctr *c, struct ir_rule *first,
			     struct ir_rule *last)
{
	if (!first)
		return;
	if (c->rules_tail)
		c->rules_tail->next = first;
	else
		c->rules = first;
	c->rules_tail = last;
}

static void fe_ctr_add_children(struct fe_ctr *c, struct ir_profile *first,
				struct ir_profile *last)
{
	if (!first)
		return;
	if (c->children_tail)
		c->children_tail->next = first;
	else
		c->children = first;
	c->children_tail = last;
}

void fe_build_block_begin(struct fe_parser *p, enum fe_ctr_kind kind,
			  struct src_loc loc)
{
	bool live = fe_live(p);

	if (kind == FE_CTR_IF && p->pending_live >= 0)
		live = p->pending_live;
	p->pending_live = -1;
	p->else_if = false;
	fe_ctr_push(p, kind, live, loc);
}

struct fe_ctr *fe_build_block_end(struct fe_parser *p)
{
	struct fe_ctr *c = p->ctr;

	p->ctr = c->up;
	return c;
}

/* Apply a block's (or a rule's own) qualifiers to a rule. */
static void fe_apply_prefix(struct fe_parser *p, struct ir_rule *r,
			    const struct fe_prefix *pre, bool block)
{
	bool mode_set = r->q.mode != IR_MODE_ALLOW || r->q.explicit_allow;

	if (!block) {
		r->q = pre->q;
		r->rule_conds = pre->conds;
		if (pre->any)
			r->loc = pre->loc;
		return;
	}
	r->in_block = true;
	if (pre->q.audit)
		r->q.audit = true;
	if (pre->has_mode) {
		if (mode_set && r->q.mode != pre->q.mode)
			diag_error(p->cu, r->loc, "conflicting mode prefix");
		r->q.mode = pre->q.mode;
		r->q.explicit_allow |= pre->q.explicit_allow;
	}
	if (pre->has_owner) {
		if (r->q.owner != IR_OWNER_ANY && r->q.owner != pre->q.owner)
			diag_error(p->cu, r->loc, "conflicting owner prefix");
		r->q.owner = pre->q.owner;
	}
	for (struct ir_cond *c = pre->conds; c; c = c->next) {
		struct ir_cond *copy = arena_alloc(p->arena, sizeof(*copy));

		for (struct ir_cond *o = r->rule_conds; o; o = o->next)
			if (o->name == c->name)
				diag_error(p->cu, r->loc, "%s= given twice",
					   c->name);
		*copy = *c;
		copy->next = NULL;
		r->rule_conds = fe_build_cond_append(r->rule_conds, copy);
	}
}

void fe_build_qual_block(struct fe_parser *p, struct fe_prefix *pre,
			 struct fe_ctr *blk)
{
	struct ir_rule *last = NULL;

	if (pre->q.has_priority)
		diag_error(p->cu, pre->loc,
			   "priority is not allowed on rule blocks");
	for (struct ir_rule *r = blk->rules; r; r = r->next) {
		fe_apply_prefix(p, r, pre, true);
		last = r;
	}
	fe_ctr_add_rules(p->ctr, blk->rules, last);
}

void fe_build_if_begin(struct fe_parser *p, struct fe_cond *expr)
{
	struct fe_ifframe *f = arena_alloc(p->arena, sizeof(*f));
	bool v = false;

	f->parent_live = p->else_if ? p->else_if_live : fe_live(p);
	p->else_if = false;
	if (f->parent_live &&
	    fe_cond_eval(p->st, fe_symtab_env(p->st), expr, &v))
		v = false;
	f->taken = v;
	f->up = p->ifs;
	p->ifs = f;
	p->pending_live = f->parent_live && v;
}

void fe_build_else(struct fe_parser *p)
{
	struct fe_ifframe *f = p->ifs;
	bool live = f->parent_live && !f->taken;

	p->pending_live = live;
	p->else_if = true;
	p->else_if_live = live;
}

void fe_build_if_branch(struct fe_parser *p, struct fe_ctr *blk)
{
	if (!blk->live)
		return;
	fe_ctr_add_rules(p->ctr, blk->rules, blk->rules_tail);
	fe_ctr_add_children(p->ctr, blk->children, blk->children_tail);
}

void fe_build_if_end(struct fe_parser *p)
{
	if (p->ifs)
		p->ifs = p->ifs->up;
	p->else_if = false;
	p->pending_live = -1;
}

/* --- profiles ----------------------------------------------------------- */

/* Header errors are reported when the profile's body closes, as upstream
 * does from its profile reduction, so a syntax error inside the body is
 * reported first.
 */
struct fe_pending {
	struct src_loc loc;
	const char *msg;
	struct fe_pending *next;
};

static void fe_pend(struct fe_parser *p, struct src_loc loc, const char *fmt,
		    ...) __attribute__((format(printf, 3, 4)));

static void fe_pend(struct fe_parser *p, struct src_loc loc, const char *fmt,
		    ...)
{
	struct fe_pending *e = arena_alloc(p->arena, sizeof(*e));
	struct fe_pending **tail = &p->pending;
	va_list ap;
	int n;
	char *buf;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	buf = arena_alloc(p->arena, (size_t)(n > 0 ? n : 0) + 1);
	va_start(ap, fmt);
	vsnprintf(buf, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
	va_end(ap);
	e->loc = loc;
	e->msg = buf;
	while (*tail)
		tail = &(*tail)->next;
	*tail = e;
}

static void fe_pend_flush(struct fe_parser *p, struct fe_pending *list)
{
	for (struct fe_pending *e = list; e; e = e->next)
		diag_error(p->cu, e->loc, "%s", e->msg);
}

/* Split ":ns:name" / ":ns://name" into namespace and name. */
static bool fe_split_ns(struct fe_parser *p, const char *s, struct src_loc loc,
			const char **ns, const char **name)
{
	const char *end;

	*ns = NULL;
	*name = s;
	if (s[0] != ':')
		return true;
	end = strchr(s + 1, ':');
	if (!end) {
		fe_pend(p, loc, "Namespace not terminated: %s", s);
		return false;
	}
	if (end == s + 1) {
		fe_pend(p, loc, "Empty namespace: %s", s);
		return false;
	}
	*ns = arena_strndup(p->arena, s + 1, (size_t)(end - s - 1));
	end++;
	if (strncmp(end, "//", 2) == 0)
		end += 2;
	if (!*end) {
		fe_pend(p, loc, "Empty named transition profile name: %s", s);
		return false;
	}
	*name = end;
	return true;
}

static void fe_profile_flags(struct fe_parser *p, struct ir_profile *prof,
			     const struct fe_vlist *flags)
{
	struct ir_flag **tail = &prof->flags;

	for (size_t i = 0; flags && i < flags->n; i++) {
		struct ir_flag *f = arena_alloc(p->arena, sizeof(*f));
		const char *eq = strchr(flags->v[i], '=');

		if (eq) {
			f->name = arena_strndup(p->arena, flags->v[i],
						(size_t)(eq - flags->v[i]));
			f->value = eq + 1;
		} else {
			f->name = flags->v[i];
		}
		f->loc = flags->loc;
		*tail = f;
		tail = &f->next;
	}
}

static void fe_profile_xattrs(struct fe_parser *p, struct ir_profile *prof,
			      const struct fe_header *h)
{
	struct ir_xattr **tail = &prof->xattrs;

	if (!h->xattrs.name)
		return;
	if (strcmp(h->xattrs.name, "xattrs")) {
		fe_pend(p, h->xattrs.loc,
			"profile id: invalid conditional group %s=()",
			h->xattrs.name);
		return;
	}
	if (h->kind == 2 && h->xattrs.conds)
		fe_pend(p, h->xattrs.loc,
			"hat profiles can't use xattrs matches");
	for (struct ir_cond *c = h->xattrs.conds; c; c = c->next) {
		struct ir_xattr *x = arena_alloc(p->arena, sizeof(*x));

		x->name = c->name;
		x->value = c->values.n ? c->values.v[0] : NULL;
		x->loc = c->loc;
		*tail = x;
		tail = &x->next;
	}
}

static void fe_profile_identities(struct fe_parser *p, struct ir_profile *prof,
				  const struct fe_vlist *ids)
{
	for (size_t i = 0; ids && i < ids->n; i++)
		if (ids->v[i][0] != '/' && strchr(ids->v[i], ' '))
			fe_pend(p, ids->loc,
				"Space character not allowed in identities: '%s'",
				ids->v[i]);
	prof->identities = fe_strlist(ids);
}

/* Enter the profile's variable scope with its built-in variables. */
static void fe_profile_scope(struct fe_parser *p, struct ir_profile *prof,
			     struct ir_profile *parent)
{
	const struct fe_env *env = fe_symtab_env(p->st);
	const char *name = prof->name, *attach = prof->attach;
	const char *hname;

	if (fe_has_var_ref(name) &&
	    fe_expand_glob(p->st, env, name, prof->loc, false, &name))
		name = prof->name;
	if (attach && fe_has_var_ref(attach) &&
	    fe_expand_glob(p->st, env, attach, prof->attach_loc, true, &attach))
		attach = NULL;
	if (!attach && name[0] == '/')
		attach = name;
	hname = name;
	for (const struct ir_profile *q = parent; q; q = q->parent)
		hname = arena_sprintf(p->arena, "%s//%s", q->name, hname);
	fe_scope_enter(p->st, hname, attach);
	p->ctr->scoped = true;
}

struct ir_profile *fe_build_profile_begin(struct fe_parser *p,
					  struct fe_header *h)
{
	struct ir_profile *prof = arena_alloc(p->arena, sizeof(*prof));
	struct ir_profile *parent = fe_enclosing_profile(p);
	const char *name = h->name->glob;

	fe_build_no_sub(p, h->name, "profile names");
	fe_build_no_sub(p, h->attach, "profile attachments");
	prof->loc = h->loc;
	prof->is_hat = h->kind == 2;
	prof->keyword = h->kind != 0;
	prof->parent = parent;
	prof->scope = fe_symtab_env(p->st);
	if (name[0] == '&')
		fe_pend(p, h->loc,
			"Profile names must begin with a '/' or a namespace");
	fe_split_ns(p, name, h->loc, &prof->ns, &prof->name);
	if (prof->ns && parent)
		fe_pend(p, h->loc,
			"child profiles and hats cannot have a namespace");
	if (prof->name[0] != '/' && !prof->keyword && !prof->ns)
		fe_pend(p, h->loc,
			"Profile names must begin with a '/', namespace or keyword 'profile' or 'hat'.");
	if (h->attach) {
		prof->attach = h->attach->glob;
		prof->attach_loc = h->attach->loc;
		if (prof->attach[0] != '/' && strncmp(prof->attach, "@{", 2))
			fe_pend(p, h->attach->loc,
				"Profile attachment must begin with a '/' or variable.");
	}
	fe_profile_xattrs(p, prof, h);
	fe_profile_identities(p, prof, h->identities);
	fe_profile_flags(p, prof, h->flags);
	if (prof->is_hat && !parent)
		diag_warn(p->cu, WARN_FORMAT, h->loc,
			  "hat %s declared outside of a profile", prof->name);
	fe_ctr_push(p, FE_CTR_PROFILE, fe_live(p), h->loc);
	p->ctr->prof = prof;
	p->ctr->pending = p->pending;
	p->pending = NULL;
	p->ctr->saved_inc = p->inc;
	p->inc = fe_incscope_new(p);
	if (p->ctr->live)
		fe_profile_scope(p, prof, parent);
	return prof;
}

void fe_build_profile_end(struct fe_parser *p, struct ir_profile *prof,
			  struct src_loc close)
{
	struct fe_ctr *c = p->ctr;

	fe_pend_flush(p, c->pending);
	prof->rules = c->rules;
	prof->rules_tail = c->rules_tail;
	prof->children = c->children;
	prof->children_tail = c->children_tail;
	if (c->scoped)
		fe_scope_leave(p->st);
	p->inc = c->saved_inc;
	p->ctr = c->up;
	if (!p->ctr) {
		if (prof->name[0] == '/')
			diag_warn(
				p->cu, WARN_DEPRECATED, close,
				"The use of file paths as profile names is deprecated. See man apparmor.d for more information");
		if (p->pol->profiles_tail)
			p->pol->profiles_tail->next = prof;
		else
			p->pol->profiles = prof;
		p->pol->profiles_tail = prof;
		p->seen_profile = true;
		return;
	}
	if (p->ctr->kind == FE_CTR_BLOCK)
		diag_error(
			p->cu, prof->loc,
			"profiles cannot be declared inside a qualifier block");
	fe_ctr_add_children(p->ctr, prof, prof);
}

/* --- rules -------------------------------------------------------------- */

struct ir_rule *fe_build_rule(struct fe_parser *p, enum ir_rule_kind kind,
			      struct src_loc loc)
{
	struct ir_rule *r = arena_alloc(p->arena, sizeof(*r));

	r->kind = kind;
	r->loc = loc;
	return r;
}

void fe_build_rule_add(struct fe_parser *p, struct fe_prefix *pre,
		       struct ir_rule *r)
{
	if (!r || !p->ctr)
		return;
	if (pre)
		fe_apply_prefix(p, r, pre, false);
	r->scope = fe_symtab_env(p->st);
	fe_ctr_add_rules(p->ctr, r, r);
}

static bool fe_perm_has(const char *perms, const char *set)
{
	return perms && strpbrk(perms, set) != NULL;
}

struct ir_rule *fe_build_file(struct fe_parser *p, struct ir_pathexpr *path,
			      const char *perms, struct src_loc perms_loc,
			      struct ir_pathexpr *target, bool leading,
			      bool subset, struct src_loc loc)
{
	struct ir_rule *r = fe_build_rule(p, IR_RULE_FILE, loc);
	struct ir_file_rule *f = &r->u.file;

	f->path = *path;
	f->perms_text = perms;
	f->leading = leading;
	f->subset = subset;
	if (subset && strspn(perms, "lL") != strlen(perms))
		diag_error(p->cu, perms_loc,
			   "subset can only be used with link rules.");
	if (target) {
		fe_build_no_sub(p, target, "exec targets");
		f->target = target->glob;
		f->target_loc = target->loc;
		if (leading && fe_perm_has(perms, "lL") &&
		    fe_perm_has(perms, "xX"))
			diag_error(
				p->cu, perms_loc,
				"link and exec perms conflict on a file rule using ->");
	}
	return r;
}

struct ir_rule *fe_build_file_bare(struct fe_parser *p, struct src_loc loc)
{
	struct ir_rule *r = fe_build_rule(p, IR_RULE_FILE, loc);

	r->u.file.path.glob = "/{**,}";
	r->u.file.path.loc = loc;
	r->u.file.bare = true;
	r->u.file.file_keyword = true;
	return r;
}

struct ir_rule *fe_build_file_mod(struct fe_parser *p, struct ir_rule *r,
				  bool file_kw, int exec_mod)
{
	(void)p;
	if (file_kw)
		r->u.file.file_keyword = true;
	if (exec_mod >= 0)
		r->u.file.exec_mod = (enum ir_exec_mod)exec_mod;
	return r;
}

void fe_build_rule_missing_eol(struct fe_parser *p, struct ir_pathexpr *id,
			       struct src_loc loc)
{
	diag_fatal(p->cu, loc, "missing an end of line character? (entry: %s)",
		   id->glob);
}

struct ir_rule *fe_build_link(struct fe_parser *p, bool subset,
			      struct ir_pathexpr *name,
			      struct ir_pathexpr *target, struct src_loc loc)
{
	struct ir_rule *r = fe_build_rule(p, IR_RULE_LINK, loc);

	r->u.link.name = *name;
	r->u.link.target = *target;
	r->u.link.subset = subset;
	return r;
}

struct ir_rule *fe_build_capability(struct fe_parser *p, struct fe_vlist *names,
				    struct src_loc loc)
{
	struct ir_rule *r = fe_build_rule(p, IR_RULE_CAPABILITY, loc);

	r->u.cap.names = fe_strlist(names);
	return r;
}

static void fe_check_group(struct fe_parser *p, const char *kind,
			   const struct fe_condgroup *g)
{
	if (g && g->name && strcmp(g->name, "peer"))
		diag_error(p->cu, g->loc,
			   "%s rule: invalid conditional group %s=()", kind,
			   g->name);
}

struct ir_rule *fe_build_network(struct fe_parser *p, struct fe_netspec *ns,
				 struct ir_cond *conds,
				 struct fe_condgroup *grp, struct src_loc loc)
{
	struct ir_rule *r = fe_build_rule(p, IR_RULE_NETWORK, loc);
	struct ir_net_rule *n = &r->u.net;
	struct ir_cond **pc = &conds;
	struct fe_vlist *protos = NULL;

	fe_check_group(p, "network", grp);
	n->peer = grp->conds;
	n->access = fe_strlist(ns->access ? ns->access : ns->trailing);
	if (ns->trailing) {
		n->trailing_access = true;
		fe_build_strict(p, "trailing network access lists", loc);
		if (ns->access)
			diag_error(
				p->cu, ns->trailing->loc,
				"network rule: access list given both before and after the family");
	}
	if (ns->nids == 1 && fe_net_family_lookup(ns->ids[0]->glob) < 0)
		n->type = ns->ids[0]->glob;
	else if (ns->nids >= 1)
		n->domain = ns->ids[0]->glob;
	if (ns->nids >= 2)
		n->type = ns->ids[1]->glob;
	if (ns->nids == 3) {
		fe_build_strict(p, "netlink rules", ns->ids[2]->loc);
		protos = fe_build_vlist(p, NULL, ns->ids[2]->glob,
					ns->ids[2]->loc);
	}
	while (*pc) {
		if (strcmp((*pc)->name, "protocol") == 0) {
			fe_build_strict(p, "netlink rules", (*pc)->loc);
			for (size_t i = 0; i < (*pc)->values.n; i++)
				protos = fe_build_vlist(p, protos,
							(*pc)->values.v[i],
							(*pc)->loc);
			*pc = (*pc)->next;
			continue;
		}
		pc = &(*pc)->next;
	}
	n->conds = conds;
	n->nl_protocols = fe_strlist(protos);
	return r;
}

struct ir_rule *fe_build_ipc(struct fe_parser *p, enum ir_rule_kind kind,
			     struct fe_vlist *access, struct ir_cond *conds,
			     struct fe_condgroup *grp, struct ir_pathexpr *name,
			     struct src_loc loc)
{
	struct ir_rule *r = fe_build_rule(p, kind, loc);

	if (kind != IR_RULE_IO_URING)
		fe_check_group(p, ir_rule_kind_name(kind), grp);
	r->u.ipc.access = fe_strlist(access);
	r->u.ipc.conds = conds;
	r->u.ipc.peer = grp ? grp->conds : NULL;
	if (name) {
		fe_build_no_sub(p, name, "message queue names");
		r->u.ipc.name = name->glob;
	}
	return r;
}

struct ir_rule *fe_build_mount(struct fe_parser *p, enum ir_mount_kind kind,
			       struct ir_cond *conds, struct ir_pathexpr *src,
			       bool arrow, struct ir_cond *dst_conds,
			       struct ir_pathexpr *dst, struct src_loc loc)
{
	struct ir_rule *r = fe_build_rule(p, IR_RULE_MOUNT, loc);
	struct ir_mount_rule *m = &r->u.mount;

	if (dst_conds)
		diag_error(p->cu, dst_conds->loc,
			   "mount point conditions not currently supported");
	m->kind = kind;
	m->conds = conds;
	m->arrow = arrow;
	if (src) {
		m->has_source = true;
		m->source = *src;
	}
	if (dst) {
		m->has_mountpoint = true;
		m->mountpoint = *dst;
	}
	return r;
}

struct ir_rule *fe_build_pivot(struct fe_parser *p, struct ir_cond *conds,
			       struct ir_pathexpr *newroot,
			       struct ir_pathexpr *target, struct src_loc loc)
{
	struct ir_rule *r = fe_build_rule(p, IR_RULE_PIVOT_ROOT, loc);
	struct ir_pivot_rule *pv = &r->u.pivot;

	for (struct ir_cond *c = conds; c; c = c->next) {
		if (strcmp(c->name, "oldroot")) {
			diag_error(p->cu, c->loc,
				   "invalid pivotroot conditional '%s'",
				   c->name);
			continue;
		}
		if (c->values.n) {
			pv->has_oldroot = true;
			pv->oldroot.glob = c->values.v[0];
			pv->oldroot.loc = c->loc;
		}
	}
	if (newroot) {
		pv->has_newroot = true;
		pv->newroot = *newroot;
	}
	if (target) {
		fe_build_no_sub(p, target, "pivot_root targets");
		pv->target = target->glob;
	}
	return r;
}

struct ir_rule *fe_build_change_profile(struct fe_parser *p, int exec_mod,
					struct ir_pathexpr *exec,
					struct ir_pathexpr *target,
					struct src_loc loc)
{
	struct ir_rule *r = fe_build_rule(p, IR_RULE_CHANGE_PROFILE, loc);
	struct ir_change_profile_rule *cp = &r->u.cp;

	cp->exec_mod = (enum ir_exec_mod)exec_mod;
	if (exec) {
		cp->has_exec = true;
		cp->exec = *exec;
		if (exec->glob[0] != '/' && strncmp(exec->glob, "@{", 2))
			diag_error(p->cu, exec->loc,
				   "Exec condition must begin with '/'.");
	} else if (exec_mod != IR_EXECMOD_NONE) {
		diag_error(
			p->cu, loc,
			"Exec condition is required when unsafe or safe keywords are present");
	}
	if (target) {
		cp->has_target = true;
		cp->target = *target;
	}
	return r;
}

struct ir_rule *fe_build_rlimit(struct fe_parser *p, const char *res,
				const char *value, const char *unit,
				struct src_loc loc)
{
	struct ir_rule *r = fe_build_rule(p, IR_RULE_RLIMIT, loc);

	r->u.rlimit.resource = res;
	r->u.rlimit.value =
		unit ? arena_sprintf(p->arena, "%s %s", value, unit) : value;
	return r;
}

struct ir_rule *fe_build_all(struct fe_parser *p, struct src_loc loc)
{
	return fe_build_rule(p, IR_RULE_ALL, loc);
}

/* --- preamble items and assignments --------------------------------------- */

void fe_build_abi(struct fe_parser *p, const char *name, bool quoted,
		  struct src_loc loc)
{
	struct ir_rule *r;

	if (!p->ctr) {
		if (!p->pol->abi) {
			p->pol->abi = name;
			p->pol->abi_loc = loc;
			p->pol->abi_quoted = quoted;
		}
		return;
	}
	r = fe_build_rule(p, IR_RULE_ABI, loc);
	r->u.abi = name;
	fe_build_rule_add(p, NULL, r);
}

void fe_build_alias(struct fe_parser *p, struct ir_pathexpr *from,
		    struct ir_pathexpr *to, struct src_loc loc)
{
	struct ir_alias *a = arena_alloc(p->arena, sizeof(*a));
	struct ir_alias **tail = &p->pol->aliases;

	if (p->seen_profile) {
		diag_fatal(
			p->cu, loc,
			"syntax error, unexpected TOK_ALIAS, expecting end of file");
		return;
	}
	fe_build_no_sub(p, from, "alias rules");
	fe_build_no_sub(p, to, "alias rules");
	a->from = from->glob;
	a->to = to->glob;
	a->loc = loc;
	while (*tail)
		tail = &(*tail)->next;
	*tail = a;
}

static bool fe_assign_ok(struct fe_parser *p, struct src_loc loc)
{
	if (!fe_live(p))
		return false;
	if (p->ctr || p->seen_profile)
		fe_build_strict(p, "variables outside the preamble", loc);
	return true;
}

void fe_build_set_assign(struct fe_parser *p, struct fe_prefix *pre,
			 const char *var, int op, struct fe_vlist *vals,
			 struct src_loc loc)
{
	(void)pre;
	if (!fe_assign_ok(p, loc))
		return;
	fe_var_assign(p->st, var, (enum fe_assign_op)op, vals->v, vals->n, loc);
}

void fe_build_bool_assign(struct fe_parser *p, struct fe_prefix *pre,
			  const char *var, int op, struct fe_cond *expr,
			  struct src_loc loc)
{
	bool v = false;

	(void)pre;
	if (!fe_assign_ok(p, loc))
		return;
	if (expr->kind == FE_COND_WORD) {
		fe_bool_assign_word(p->st, var, (enum fe_assign_op)op,
				    expr->name, loc);
		return;
	}
	if (fe_cond_eval(p->st, fe_symtab_env(p->st), expr, &v))
		return;
	fe_bool_assign(p->st, var, (enum fe_assign_op)op, v, loc);
}

void fe_build_assign_prefix(struct fe_parser *p, struct fe_prefix *pre,
			    struct src_loc loc)
{
	if (pre->any)
		diag_error(
			p->cu, pre->loc,
			"qualifiers are not allowed on variable assignments");
	(void)loc;
}
