/* Variables of the front end: the persistent symbol table (set and boolean
 * variables, built-ins, scopes and deferred directory assignments of
 * language.md 1.9 and 7.5) and the expansion of references in globs (4.5).
 * Preprocessing phase: knows strings and source locations, not the IR.
 */
#include "vars.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "cu.h"
#include "diag.h"
#include "fe.h"
#include "ir.h"

/* Limits that keep hostile nesting (@{A}=@{B}@{B}, ...) from exhausting
 * memory: the expanded text of one glob and the values of one list.
 */
#define FE_EXPAND_MAX (1 << 16)
#define FE_EXPAND_MAX_ITEMS 4096
#define FE_EXPAND_MAX_WORK 100000

enum fe_bind_kind {
	FE_BIND_SET,
	FE_BIND_BOOL,
	FE_BIND_BUILTIN, /* a set variable defined by the compiler */
	FE_BIND_HIDE, /* hides outer built-ins of this name (no attachment) */
};

/* One binding; an environment is a pointer to the newest one. */
struct fe_env {
	const char *name; /* interned bare name */
	enum fe_bind_kind kind;
	const char *const *vals; /* raw values (set, builtin) */
	size_t nvals;
	bool bval;		   /* boolean value */
	unsigned depth;		   /* scope depth that made it */
	struct src_loc loc;	   /* assignment */
	const struct fe_env *prev; /* older binding */
};

struct fe_scope_save {
	const struct fe_env *head; /* environment when the scope opened */
	struct fe_scope_save *up;
};

struct fe_deferred {
	const char *name;
	const char *const *vals;
	size_t nvals;
	struct src_loc loc;
	unsigned dir;	/* directory nesting level it belongs to */
	unsigned depth; /* scope depth of the assignment */
	struct fe_deferred *next;
};

struct fe_symtab {
	struct cu *cu;
	struct arena *a;
	const struct fe_env *head;
	unsigned depth; /* 0 = global scope */
	struct fe_scope_save *scopes;
	unsigned dir; /* directory include nesting */
	struct fe_deferred *deferred, **deferred_tail;
	const char *n_profile_name, *n_attach_path, *n_exec_path;
};

/* A growable byte buffer in the arena (old copies are simply abandoned). */
struct sbuf {
	struct arena *a;
	char *s;
	size_t n, cap;
};

static void sb_init(struct sbuf *b, struct arena *a)
{
	b->a = a;
	b->cap = 64;
	b->n = 0;
	b->s = arena_alloc(a, b->cap);
}

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap * 2;
		char *d;

		while (cap < b->n + n + 1)
			cap *= 2;
		d = arena_alloc(b->a, cap);
		memcpy(d, b->s, b->n);
		b->s = d;
		b->cap = cap;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void sb_puts(struct sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

struct fe_symtab *fe_symtab_create(struct cu *cu)
{
	struct fe_symtab *st = arena_alloc(cu->arena, sizeof(*st));

	st->cu = cu;
	st->a = cu->arena;
	st->deferred_tail = &st->deferred;
	st->n_profile_name = arena_intern(st->a, "profile_name");
	st->n_attach_path = arena_intern(st->a, "attach_path");
	st->n_exec_path = arena_intern(st->a, "exec_path");
	return st;
}

struct cu *fe_symtab_cu(const struct fe_symtab *st)
{
	return st->cu;
}

const char *fe_var_name(struct fe_symtab *st, const char *ref)
{
	size_t n;

	if (ref[0] == '@' || ref[0] == '$')
		ref++;
	n = strlen(ref);
	if (ref[0] == '{' && n >= 2 && ref[n - 1] == '}') {
		char *t = arena_strndup(st->a, ref + 1, n - 2);

		return arena_intern(st->a, t);
	}
	return arena_intern(st->a, ref);
}

int fe_var_check_name(struct fe_symtab *st, const char *ref, struct src_loc loc)
{
	const char *name = fe_var_name(st, ref);

	if (!isalpha((unsigned char)name[0])) {
		diag_error(st->cu, loc,
			   "Variable '%s' must start with alphabet letters",
			   name);
		return -EINVAL;
	}
	for (const char *p = name; *p; p++) {
		if (!isalnum((unsigned char)*p) && *p != '_') {
			diag_error(st->cu, loc,
				   "Variable '%s' contains invalid characters",
				   name);
			return -EINVAL;
		}
	}
	return 0;
}

/* Note [builtin-hide]: a profile without attachment hides the outer
 * profiles' @{attach_path}/@{exec_path}; a user variable of that name
 * stays visible through the hide.
 */
static const struct fe_env *env_find(const struct fe_env *env, const char *name)
{
	bool hidden = false;

	for (; env; env = env->prev) {
		if (env->name != name)
			continue;
		if (env->kind == FE_BIND_HIDE) {
			hidden = true;
			continue;
		}
		if (hidden && env->kind == FE_BIND_BUILTIN)
			continue;
		return env;
	}
	return NULL;
}

static struct fe_env *bind_new(struct fe_symtab *st, const char *name,
			       enum fe_bind_kind kind, struct src_loc loc)
{
	struct fe_env *b = arena_alloc(st->a, sizeof(*b));

	b->name = name;
	b->kind = kind;
	b->depth = st->depth;
	b->loc = loc;
	b->prev = st->head;
	st->head = b;
	return b;
}

/* Copies @n values, dropping duplicates, after the @nold values of @old. */
static const char *const *vals_merge(struct fe_symtab *st,
				     const char *const *old, size_t nold,
				     const char *const *add, size_t nadd,
				     size_t *nout)
{
	const char **v = arena_alloc_array(st->a, nold + nadd + 1, sizeof(*v));
	size_t n = 0;

	for (size_t i = 0; i < nold + nadd; i++) {
		const char *s = i < nold ? old[i] : add[i - nold];
		bool dup = false;

		for (size_t j = 0; j < n && !dup; j++)
			dup = strcmp(v[j], s) == 0;
		if (!dup)
			v[n++] = i < nold ? s : arena_strdup(st->a, s);
	}
	*nout = n;
	return v;
}

static void err_redeclared(struct fe_symtab *st, const char *name,
			   const struct fe_env *old, bool boolean,
			   struct src_loc loc)
{
	if (old->kind == FE_BIND_BUILTIN) {
		diag_error(st->cu, loc, "cannot assign built-in variable @{%s}",
			   name);
		return;
	}
	diag_error(st->cu, loc, "variable %s%s%s was previously declared",
		   boolean ? "$" : "@{", name, boolean ? "" : "}");
}

static int set_add(struct fe_symtab *st, const struct fe_env *old,
		   const char *const *vals, size_t n, struct src_loc loc)
{
	struct fe_env *b = bind_new(st, old->name, FE_BIND_SET, loc);

	b->vals = vals_merge(st, old->vals, old->nvals, vals, n, &b->nvals);
	return 0;
}

int fe_var_assign(struct fe_symtab *st, const char *ref, enum fe_assign_op op,
		  const char *const *vals, size_t n, struct src_loc loc)
{
	const char *name = fe_var_name(st, ref);
	const struct fe_env *old = env_find(st->head, name);
	struct fe_env *b;

	if (old && old->kind == FE_BIND_BUILTIN && old->depth == st->depth) {
		err_redeclared(st, name, old, false, loc);
		return -EINVAL;
	}
	if (old && old->kind == FE_BIND_BOOL &&
	    (op == FE_ASSIGN_EQ || op == FE_ASSIGN_ADD)) {
		err_redeclared(st, name, old, false, loc);
		return -EINVAL;
	}
	switch (op) {
	case FE_ASSIGN_EQ:
		if (old) {
			err_redeclared(st, name, old, false, loc);
			return -EINVAL;
		}
		break;
	case FE_ASSIGN_ADD:
		if (!old && st->dir) {
			struct fe_deferred *d = arena_alloc(st->a, sizeof(*d));

			d->name = name;
			d->vals = vals_merge(st, NULL, 0, vals, n, &d->nvals);
			d->loc = loc;
			d->dir = st->dir;
			d->depth = st->depth;
			*st->deferred_tail = d;
			st->deferred_tail = &d->next;
			return 0;
		}
		if (!old) {
			diag_error(
				st->cu, loc,
				"variable @{%s} was not previously declared, but is being assigned additional values",
				name);
			return -EINVAL;
		}
		return set_add(st, old, vals, n, loc);
	case FE_ASSIGN_DEFAULT:
		if (old)
			return 0;
		break;
	case FE_ASSIGN_REPLACE:
		break;
	}
	b = bind_new(st, name, FE_BIND_SET, loc);
	b->vals = vals_merge(st, NULL, 0, vals, n, &b->nvals);
	return 0;
}

int fe_bool_assign(struct fe_symtab *st, const char *ref, enum fe_assign_op op,
		   bool value, struct src_loc loc)
{
	const char *name = fe_var_name(st, ref);
	const struct fe_env *old = env_find(st->head, name);
	struct fe_env *b;

	if (op == FE_ASSIGN_ADD) {
		diag_error(
			st->cu, loc,
			"Invalid assignment += not allowed with boolean variables");
		return -EINVAL;
	}
	if (old && (op == FE_ASSIGN_EQ || old->kind != FE_BIND_BOOL)) {
		if (op == FE_ASSIGN_DEFAULT && old->kind == FE_BIND_BOOL)
			return 0;
		err_redeclared(st, name, old, true, loc);
		return -EINVAL;
	}
	if (old && op == FE_ASSIGN_DEFAULT)
		return 0;
	b = bind_new(st, name, FE_BIND_BOOL, loc);
	b->bval = value;
	return 0;
}

int fe_bool_assign_word(struct fe_symtab *st, const char *ref,
			enum fe_assign_op op, const char *word,
			struct src_loc loc)
{
	if (strcasecmp(word, "true") == 0)
		return fe_bool_assign(st, ref, op, true, loc);
	if (strcasecmp(word, "false") == 0)
		return fe_bool_assign(st, ref, op, false, loc);
	diag_error(
		st->cu, loc,
		"Invalid boolean assignment for ($%s): %s is not true or false",
		fe_var_name(st, ref), word);
	return -EINVAL;
}

/* The profile name with glob metacharacters escaped (language.md 1.9.3);
 * a character the name already escapes is kept as written, as in 3.0.8.
 */
static const char *escape_name(struct fe_symtab *st, const char *s)
{
	struct sbuf b;

	sb_init(&b, st->a);
	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			sb_put(&b, s, 2);
			s++;
			continue;
		}
		if (strchr("{}[]*?", *s))
			sb_put(&b, "\\", 1);
		sb_put(&b, s, 1);
	}
	return b.s;
}

static void bind_builtin(struct fe_symtab *st, const char *name,
			 const char *val)
{
	struct fe_env *b =
		bind_new(st, name, FE_BIND_BUILTIN, (struct src_loc){0, 0, 0});
	const char **v = arena_alloc(st->a, sizeof(*v));

	v[0] = val;
	b->vals = v;
	b->nvals = 1;
}

static void bind_builtins(struct fe_symtab *st, const char *hname,
			  const char *attach)
{
	bind_builtin(st, st->n_profile_name, escape_name(st, hname));
	if (attach) {
		bind_builtin(st, st->n_attach_path, attach);
		bind_builtin(st, st->n_exec_path, attach);
		return;
	}
	bind_new(st, st->n_attach_path, FE_BIND_HIDE,
		 (struct src_loc){0, 0, 0});
	bind_new(st, st->n_exec_path, FE_BIND_HIDE, (struct src_loc){0, 0, 0});
}

void fe_scope_enter(struct fe_symtab *st, const char *hname, const char *attach)
{
	struct fe_scope_save *s = arena_alloc(st->a, sizeof(*s));

	s->head = st->head;
	s->up = st->scopes;
	st->scopes = s;
	st->depth++;
	bind_builtins(st, hname, attach);
}

const struct fe_env *fe_env_with_builtins(struct fe_symtab *st,
					  const struct fe_env *env,
					  const char *hname, const char *attach)
{
	const struct fe_env *save = st->head;
	const struct fe_env *r;
	unsigned depth = st->depth;

	st->head = env;
	st->depth = UINT_MAX;
	bind_builtins(st, hname, attach);
	r = st->head;
	st->head = save;
	st->depth = depth;
	return r;
}

void fe_scope_leave(struct fe_symtab *st)
{
	struct fe_scope_save *s = st->scopes;

	if (!s)
		return;
	st->head = s->head;
	st->scopes = s->up;
	st->depth--;
}

void fe_symtab_dir_begin(struct fe_symtab *st)
{
	st->dir++;
}

int fe_symtab_dir_end(struct fe_symtab *st)
{
	struct fe_deferred **pp = &st->deferred;
	int rc = 0;

	while (*pp) {
		struct fe_deferred *d = *pp;
		const struct fe_env *old;

		if (d->dir != st->dir) {
			pp = &d->next;
			continue;
		}
		*pp = d->next;
		old = env_find(st->head, d->name);
		if (!old || old->kind == FE_BIND_BOOL) {
			diag_error(
				st->cu, d->loc,
				"variable @{%s} was not previously declared, but is being assigned additional values",
				d->name);
			rc = -EINVAL;
			continue;
		}
		set_add(st, old, d->vals, d->nvals, d->loc);
	}
	st->deferred_tail = pp;
	while (*st->deferred_tail)
		st->deferred_tail = &(*st->deferred_tail)->next;
	if (st->dir)
		st->dir--;
	return rc;
}

const struct fe_env *fe_symtab_env(const struct fe_symtab *st)
{
	return st->head;
}

bool fe_var_defined(struct fe_symtab *st, const struct fe_env *env,
		    const char *ref)
{
	const struct fe_env *b = env_find(env, fe_var_name(st, ref));

	return b && b->kind != FE_BIND_BOOL;
}

bool fe_bool_defined(struct fe_symtab *st, const struct fe_env *env,
		     const char *ref)
{
	const struct fe_env *b = env_find(env, fe_var_name(st, ref));

	return b && b->kind == FE_BIND_BOOL;
}

int fe_bool_get(struct fe_symtab *st, const struct fe_env *env, const char *ref,
		struct src_loc loc, bool *out)
{
	const char *name = fe_var_name(st, ref);
	const struct fe_env *b = env_find(env, name);

	if (!b || b->kind != FE_BIND_BOOL) {
		diag_error(st->cu, loc,
			   "Unset boolean variable $%s used in if-expression",
			   name);
		return -EINVAL;
	}
	*out = b->bval;
	return 0;
}

/* A reference found in text: [start, end) covers "@{NAME}". */
struct var_ref {
	size_t start, end;
	const char *name; /* interned */
	bool in_class;	  /* inside [...] */
};

/* Note [var-ref-syntax]: a reference is "@{" [A-Za-z][A-Za-z0-9_]* "}"
 * not preceded by an escaping backslash; "@{a,b}" is a literal '@' and an
 * alternation. Character classes are tracked for the class warning.
 */
static bool find_ref(struct fe_symtab *st, const char *s, size_t from,
		     struct var_ref *r)
{
	bool cls = false;

	for (size_t i = 0; s[i]; i++) {
		size_t j;

		if (s[i] == '\\') {
			if (s[i + 1])
				i++;
			continue;
		}
		if (cls && s[i] == ']') {
			cls = false;
			continue;
		}
		if (!cls && s[i] == '[') {
			cls = true;
			if (s[i + 1] == '^')
				i++;
			if (s[i + 1] == ']')
				i++;
			continue;
		}
		if (i < from || s[i] != '@' || s[i + 1] != '{' ||
		    !isalpha((unsigned char)s[i + 2]))
			continue;
		for (j = i + 3; isalnum((unsigned char)s[j]) || s[j] == '_';
		     j++)
			;
		if (s[j] != '}')
			continue;
		r->start = i;
		r->end = j + 1;
		r->name = arena_intern(
			st->a, arena_strndup(st->a, s + i + 2, j - i - 2));
		r->in_class = cls;
		return true;
	}
	return false;
}

bool fe_has_var_ref(const char *s)
{
	for (const char *p = strstr(s, "@{"); p; p = strstr(p + 1, "@{")) {
		const char *q = p + 2;

		if (!isalpha((unsigned char)*q))
			continue;
		while (isalnum((unsigned char)*q) || *q == '_')
			q++;
		if (*q == '}')
			return true;
	}
	return false;
}

/* Looks up a set variable for expansion, with upstream's errors. */
static const struct fe_env *lookup_set(struct fe_symtab *st,
				       const struct fe_env *env,
				       const char *name, bool nested,
				       struct src_loc loc)
{
	const struct fe_env *b = env_find(env, name);

	if (!b) {
		if (nested)
			diag_error(st->cu, loc,
				   "Failed to find declaration for: %s", name);
		else
			diag_error(
				st->cu, loc,
				"Found reference to variable %s, but is never declared",
				name);
		return NULL;
	}
	if (b->kind == FE_BIND_BOOL) {
		diag_error(
			st->cu, loc,
			"Found reference to set variable %s, but declared boolean",
			name);
		return NULL;
	}
	return b;
}

/* Note [var-recursion]: before a variable is substituted, its dependency
 * closure in @env is walked depth first; reaching a variable that is on
 * the current path is the error "Variable @{A} is referenced recursively
 * (by @{B})", a missing one "Failed to find declaration for: X".
 */
struct dfs_node {
	const char *name;
	int color; /* 1 on path, 2 done */
};

struct dfs {
	struct dfs_node *v;
	size_t n, cap;
	size_t work; /* substitutions made by fe_expand_list() */
};

static struct dfs_node *dfs_get(struct fe_symtab *st, struct dfs *d,
				const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].name == name)
			return &d->v[i];
	if (d->n == d->cap) {
		struct dfs_node *nv;

		d->cap = d->cap ? d->cap * 2 : 16;
		nv = arena_alloc_array(st->a, d->cap, sizeof(*nv));
		if (d->n)
			memcpy(nv, d->v, d->n * sizeof(*nv));
		d->v = nv;
	}
	d->v[d->n].name = name;
	d->v[d->n].color = 0;
	return &d->v[d->n++];
}

static int dfs_visit(struct fe_symtab *st, const struct fe_env *env,
		     struct dfs *d, const struct fe_env *b, int level,
		     struct src_loc loc)
{
	dfs_get(st, d, b->name)->color = 1;
	for (size_t i = 0; i < b->nvals; i++) {
		struct var_ref r;
		size_t from = 0;

		while (find_ref(st, b->vals[i], from, &r)) {
			struct dfs_node *n = dfs_get(st, d, r.name);
			const struct fe_env *c;

			from = r.end;
			if (n->color == 2)
				continue;
			if (n->color == 1) {
				diag_error(
					st->cu, loc,
					"Variable @{%s} is referenced recursively (by @{%s})",
					r.name, b->name);
				return -EINVAL;
			}
			c = lookup_set(st, env, r.name, true, loc);
			if (!c)
				return -EINVAL;
			if (level > 200) {
				diag_error(
					st->cu, loc,
					"Variable @{%s} is referenced recursively (by @{%s})",
					r.name, b->name);
				return -EINVAL;
			}
			if (dfs_visit(st, env, d, c, level + 1, loc))
				return -EINVAL;
		}
	}
	dfs_get(st, d, b->name)->color = 2;
	return 0;
}

static int check_closure(struct fe_symtab *st, const struct fe_env *env,
			 const struct fe_env *b, struct dfs *d,
			 struct src_loc loc)
{
	struct dfs_node *n = dfs_get(st, d, b->name);

	if (n->color == 2)
		return 0;
	return dfs_visit(st, env, d, b, 0, loc);
}

static bool has_dslash_start(const char *s)
{
	return s[0] == '/' && s[1] == '/';
}

/* A heap buffer for the substitution loop (freed before returning). */
struct hbuf {
	char *s;
	size_t n, cap;
};

static void hb_put(struct hbuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		while (b->n + n + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 256;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

/* Writes @s with the reference @r replaced by the values @vals. */
static void substitute(struct hbuf *o, const char *s, const struct var_ref *r,
		       const struct fe_strlist *vals)
{
	o->n = 0;
	hb_put(o, s, r->start);
	if (vals->n == 1) {
		hb_put(o, vals->v[0], strlen(vals->v[0]));
	} else {
		bool lead = r->start > 0 && s[r->start - 1] == '/';
		bool trail = s[r->end] == '/';

		hb_put(o, "{", 1);
		for (size_t i = 0; i < vals->n; i++) {
			const char *v = vals->v[i];
			size_t n;

			if (lead)
				while (*v == '/')
					v++;
			n = strlen(v);
			if (trail)
				while (n > 0 && v[n - 1] == '/')
					n--;
			if (i)
				hb_put(o, ",", 1);
			hb_put(o, v, n);
		}
		hb_put(o, "}", 1);
	}
	hb_put(o, s + r->end, strlen(s + r->end));
}

/* Note [nested-values]: 3.0.8 expands the references inside a set
 * variable's values before the variable is used, as a cross product that
 * keeps duplicates (@{A}=x y, @{B}=@{A}/c gives @{B} the two values x/c
 * and y/c), so the slash trimming of a multi-valued use applies to the
 * expanded values, and the star that tunables/home puts after
 * @{HOMEDIRS} is followed by a '/' (so it must match one character or
 * more) rather than by a ',' of an inner alternation (language.md 4.5).
 * The value lists are built bottom up, once per variable and expansion,
 * within the length bound; check_closure() has excluded
 * cycles before.
 */
struct vmemo {
	const char *name;	/* interned */
	struct fe_strlist vals; /* expanded values */
	struct vmemo *next;
};

struct vlist {
	const char **v;
	size_t n, cap;
	size_t bytes; /* the values and a separator each */
};

/* A list longer than FE_EXPAND_MAX bytes could only give a longer glob. */
static int vl_push(struct fe_symtab *st, struct vlist *l, const char *s,
		   const char *what, struct src_loc loc)
{
	l->bytes += strlen(s) + 1;
	if (l->bytes > FE_EXPAND_MAX) {
		diag_error(st->cu, loc,
			   "Variable expansion of '%.64s' exceeds %d bytes",
			   what, FE_EXPAND_MAX);
		return -EINVAL;
	}
	if (l->n == l->cap) {
		const char **nv;

		l->cap = l->cap ? l->cap * 2 : 8;
		nv = arena_alloc_array(st->a, l->cap, sizeof(*nv));
		if (l->n)
			memcpy(nv, l->v, l->n * sizeof(*nv));
		l->v = nv;
	}
	l->v[l->n++] = s;
	return 0;
}

static int set_values(struct fe_symtab *st, const struct fe_env *env,
		      const struct fe_env *b, struct src_loc loc,
		      struct vmemo **memo, struct fe_strlist *out);

/* Appends to @acc every expansion of the raw value @v. */
static int expand_value(struct fe_symtab *st, const struct fe_env *env,
			const char *v, struct src_loc loc, struct vmemo **memo,
			struct vlist *acc)
{
	struct vlist part = {0};
	size_t pos = 0;
	struct var_ref r;

	if (vl_push(st, &part, "", v, loc))
		return -EINVAL;
	while (find_ref(st, v, pos, &r)) {
		const struct fe_env *c = lookup_set(st, env, r.name, true, loc);
		struct vlist next = {0};
		struct fe_strlist x;

		if (!c || set_values(st, env, c, loc, memo, &x))
			return -EINVAL;
		for (size_t i = 0; i < part.n; i++)
			for (size_t j = 0; j < x.n; j++) {
				const char *s = arena_sprintf(
					st->a, "%s%.*s%s", part.v[i],
					(int)(r.start - pos), v + pos, x.v[j]);

				if (vl_push(st, &next, s, v, loc))
					return -EINVAL;
			}
		part = next;
		pos = r.end;
	}
	for (size_t i = 0; i < part.n; i++)
		if (vl_push(st, acc,
			    arena_sprintf(st->a, "%s%s", part.v[i], v + pos), v,
			    loc))
			return -EINVAL;
	return 0;
}

/* The values of @b with nested references expanded (Note [nested-values]). */
static int set_values(struct fe_symtab *st, const struct fe_env *env,
		      const struct fe_env *b, struct src_loc loc,
		      struct vmemo **memo, struct fe_strlist *out)
{
	struct vlist acc = {0};
	struct vmemo *m;
	bool nested = false;

	for (size_t i = 0; i < b->nvals && !nested; i++)
		nested = fe_has_var_ref(b->vals[i]);
	out->v = b->vals;
	out->n = b->nvals;
	if (!nested)
		return 0;
	for (m = *memo; m; m = m->next)
		if (m->name == b->name) {
			*out = m->vals;
			return 0;
		}
	for (size_t i = 0; i < b->nvals; i++)
		if (expand_value(st, env, b->vals[i], loc, memo, &acc))
			return -EINVAL;
	m = arena_alloc(st->a, sizeof(*m));
	m->name = b->name;
	m->vals.v = acc.v;
	m->vals.n = acc.n;
	m->next = *memo;
	*memo = m;
	*out = m->vals;
	return 0;
}

int fe_expand_glob(struct fe_symtab *st, const struct fe_env *env,
		   const char *in, struct src_loc loc, bool collapse,
		   const char **out)
{
	struct hbuf buf[2] = {{0}, {0}};
	struct dfs d = {0};
	struct vmemo *memo = NULL;
	const char *s = in;
	struct var_ref r;
	int cur = 0, rc = 0;

	while (find_ref(st, s, 0, &r)) {
		const struct fe_env *b =
			lookup_set(st, env, r.name, false, loc);
		struct fe_strlist vals;

		if (!b || check_closure(st, env, b, &d, loc) ||
		    set_values(st, env, b, loc, &memo, &vals)) {
			rc = -EINVAL;
			goto out_free;
		}
		if (r.in_class && vals.n > 1)
			diag_warn(
				st->cu, WARN_FORMAT, loc,
				"multi-valued variable @{%s} expanded inside a character class",
				r.name);
		substitute(&buf[cur], s, &r, &vals);
		if (buf[cur].n > FE_EXPAND_MAX) {
			diag_error(
				st->cu, loc,
				"Variable expansion of '%.64s' exceeds %d bytes",
				in, FE_EXPAND_MAX);
			rc = -EINVAL;
			goto out_free;
		}
		s = buf[cur].s;
		cur ^= 1;
	}
	if (s != in) {
		if (has_dslash_start(s) && !has_dslash_start(in))
			diag_warn(
				st->cu, WARN_FORMAT, loc,
				"'%s' begins with '//' after variable expansion",
				in);
		s = arena_strdup(st->a, s);
	}
	if (collapse)
		s = fe_collapse_slashes(st, s);
	*out = s;
out_free:
	free(buf[0].s);
	free(buf[1].s);
	return rc;
}

/* Cross product expansion into @acc (deduplicated, in order). */
static int expand_list_rec(struct fe_symtab *st, const struct fe_env *env,
			   const char *s, struct src_loc loc, struct dfs *d,
			   struct fe_strlist *acc, size_t *cap)
{
	struct var_ref r;
	const struct fe_env *b;

	if (++d->work > FE_EXPAND_MAX_WORK) {
		diag_error(
			st->cu, loc,
			"Variable expansion needs more than %d substitutions",
			FE_EXPAND_MAX_WORK);
		return -EINVAL;
	}

	if (!find_ref(st, s, 0, &r)) {
		const char **v;

		for (size_t i = 0; i < acc->n; i++)
			if (strcmp(acc->v[i], s) == 0)
				return 0;
		if (acc->n >= FE_EXPAND_MAX_ITEMS) {
			diag_error(
				st->cu, loc,
				"Variable expansion yields more than %d values",
				FE_EXPAND_MAX_ITEMS);
			return -EINVAL;
		}
		if (acc->n == *cap) {
			*cap = *cap ? *cap * 2 : 8;
			v = arena_alloc_array(st->a, *cap, sizeof(*v));
			if (acc->n)
				memcpy(v, acc->v, acc->n * sizeof(*v));
			acc->v = v;
		}
		v = (const char **)acc->v;
		v[acc->n++] = s;
		return 0;
	}
	b = lookup_set(st, env, r.name, false, loc);
	if (!b || check_closure(st, env, b, d, loc))
		return -EINVAL;
	for (size_t i = 0; i < b->nvals; i++) {
		struct sbuf o;

		sb_init(&o, st->a);
		sb_put(&o, s, r.start);
		sb_puts(&o, b->vals[i]);
		sb_puts(&o, s + r.end);
		if (expand_list_rec(st, env, o.s, loc, d, acc, cap))
			return -EINVAL;
	}
	return 0;
}

int fe_expand_list(struct fe_symtab *st, const struct fe_env *env,
		   const char *in, struct src_loc loc, struct fe_strlist *out)
{
	struct dfs d = {0};
	size_t cap = 0;

	out->v = NULL;
	out->n = 0;
	return expand_list_rec(st, env, in, loc, &d, out, &cap);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int fe_var_values(struct fe_symtab *st, const struct fe_env *env,
		  const char *ref, struct src_loc loc, struct fe_strlist *out)
{
	const char *name = fe_var_name(st, ref);
	const char *r = arena_sprintf(st->a, "@{%s}", name);
	const struct fe_env *b = env_find(env, name);

	if (!b || b->kind == FE_BIND_BOOL) {
		diag_error(st->cu, loc, "Error retrieving variable @{%s}",
			   name);
		return -EINVAL;
	}
	if (fe_expand_list(st, env, r, loc, out))
		return -EINVAL;
	qsort((void *)out->v, out->n, sizeof(*out->v), cmp_str);
	return 0;
}

const char *fe_collapse_slashes(struct fe_symtab *st, const char *in)
{
	const char *p = in;
	struct sbuf b;
	bool need = false;
	size_t i = 0;

	if (p[0] == '/' && p[1] == '/' && p[2] && p[2] != '/')
		i = 2;
	for (size_t j = i; p[j]; j++)
		if (p[j] == '/' && p[j + 1] == '/')
			need = true;
	if (!need)
		return in;
	sb_init(&b, st->a);
	sb_put(&b, p, i);
	for (size_t j = i; p[j]; j++) {
		if (p[j] == '/' && b.n > 0 && b.s[b.n - 1] == '/' && j > 0 &&
		    p[j - 1] == '/')
			continue;
		sb_put(&b, p + j, 1);
	}
	return b.s;
}

static int dump_cmp(const void *a, const void *b)
{
	const struct fe_env *x = *(const struct fe_env *const *)a;
	const struct fe_env *y = *(const struct fe_env *const *)b;

	if (x->kind != y->kind)
		return x->kind == FE_BIND_BOOL ? 1 : -1;
	return strcmp(x->name, y->name);
}

static void dump_quoted(FILE *out, const char *s)
{
	fprintf(out, " \"%s\"", s);
}

int fe_dump_variables(struct cu *cu, const struct ir_policy *pol, bool expanded,
		      FILE *out)
{
	struct fe_symtab *st = (struct fe_symtab *)pol->symtab;
	const struct fe_env **v;
	size_t n = 0, cap = 0;

	(void)cu;
	if (!st)
		return 0;
	for (const struct fe_env *e = st->head; e; e = e->prev)
		cap++;
	v = arena_alloc_array(st->a, cap ? cap : 1, sizeof(*v));
	/* the newest binding of each name is the visible one */
	for (const struct fe_env *e = st->head; e; e = e->prev) {
		if (e->kind != FE_BIND_SET && e->kind != FE_BIND_BOOL)
			continue;
		if (env_find(st->head, e->name) != e)
			continue;
		v[n++] = e;
	}
	if (n)
		qsort(v, n, sizeof(*v), dump_cmp);
	for (size_t i = 0; i < n; i++) {
		const struct fe_env *e = v[i];

		if (e->kind == FE_BIND_BOOL) {
			fprintf(out, "$%s = %s\n", e->name,
				e->bval ? "true" : "false");
			continue;
		}
		fprintf(out, "@%s =", e->name);
		if (!expanded) {
			for (size_t j = e->nvals; j-- > 0;)
				dump_quoted(out, e->vals[j]);
		} else {
			const char **seen;
			size_t nseen = 0, capseen = 0;

			for (size_t j = 0; j < e->nvals; j++) {
				struct fe_strlist l;

				if (fe_expand_list(st, st->head, e->vals[j],
						   e->loc, &l))
					return -EINVAL;
				capseen += l.n;
			}
			seen = arena_alloc_array(st->a, capseen ? capseen : 1,
						 sizeof(*seen));
			for (size_t j = 0; j < e->nvals; j++) {
				struct fe_strlist l;

				if (fe_expand_list(st, st->head, e->vals[j],
						   e->loc, &l))
					return -EINVAL;
				for (size_t k = 0; k < l.n; k++) {
					bool dup = false;

					for (size_t m = 0; m < nseen && !dup;
					     m++)
						dup = !strcmp(seen[m], l.v[k]);
					if (dup)
						continue;
					seen[nseen++] = l.v[k];
					dump_quoted(out, l.v[k]);
				}
			}
		}
		fputc('\n', out);
	}
	return 0;
}
