/* Compile-time evaluation of `if` conditions (language.md 5): boolean
 * variables, defined, not/and/or and the 5.0 comparisons, against a
 * snapshot of the symbol table. Preprocessing phase; knows no IR.
 */
#include "cond.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "cu.h"
#include "vars.h"

struct fe_cond *fe_cond_leaf(struct arena *a, enum fe_cond_kind kind,
			     const char *name, struct src_loc loc)
{
	struct fe_cond *c = arena_alloc(a, sizeof(*c));

	c->kind = kind;
	c->name = arena_strdup(a, name);
	c->loc = loc;
	return c;
}

struct fe_cond *fe_cond_op(struct arena *a, enum fe_cond_kind kind,
			   struct fe_cond *l, struct fe_cond *r,
			   struct src_loc loc)
{
	struct fe_cond *c = arena_alloc(a, sizeof(*c));

	c->kind = kind;
	c->l = l;
	c->r = r;
	c->loc = loc;
	return c;
}

struct fe_cond *fe_cond_compare(struct arena *a, enum fe_cond_cmp cmp,
				const char *lhs, bool lhs_var, const char *rhs,
				bool rhs_var, struct src_loc loc)
{
	struct fe_cond *c = arena_alloc(a, sizeof(*c));

	c->kind = FE_COND_CMP;
	c->cmp = cmp;
	c->a.text = arena_strdup(a, lhs);
	c->a.is_var = lhs_var;
	c->b.text = arena_strdup(a, rhs);
	c->b.is_var = rhs_var;
	c->loc = loc;
	return c;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The value set of an operand: a variable's expansion or one word. */
static int operand_set(struct fe_symtab *st, const struct fe_env *env,
		       const struct fe_cond_operand *o, struct src_loc loc,
		       struct fe_strlist *out)
{
	if (o->is_var)
		return fe_var_values(st, env, o->text, loc, out);
	out->v = (const char *const *)&o->text;
	out->n = 1;
	return 0;
}

static bool in_set(const struct fe_strlist *s, const char *x)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], x) == 0)
			return true;
	return false;
}

static bool subset(const struct fe_strlist *a, const struct fe_strlist *b)
{
	for (size_t i = 0; i < a->n; i++)
		if (!in_set(b, a->v[i]))
			return false;
	return true;
}

/* Parses a single-element set as a C long (base 0); 1 if numeric. */
static int as_number(const struct fe_strlist *s, struct src_loc loc, long *out,
		     struct cu *cu)
{
	char *end;

	if (s->n != 1 || !s->v[0][0])
		return 0;
	errno = 0;
	*out = strtol(s->v[0], &end, 0);
	if (*end)
		return 0;
	if (errno == ERANGE) {
		diag_error(cu, loc, "Value out of valid range");
		return -EINVAL;
	}
	return 1;
}

/* Lexicographic comparison of two sorted sets. */
static int set_cmp(struct arena *a, const struct fe_strlist *x,
		   const struct fe_strlist *y)
{
	const char **sx = arena_alloc_array(a, x->n + 1, sizeof(*sx));
	const char **sy = arena_alloc_array(a, y->n + 1, sizeof(*sy));
	size_t i;

	memcpy(sx, x->v, x->n * sizeof(*sx));
	memcpy(sy, y->v, y->n * sizeof(*sy));
	qsort(sx, x->n, sizeof(*sx), cmp_str);
	qsort(sy, y->n, sizeof(*sy), cmp_str);
	for (i = 0; i < x->n && i < y->n; i++) {
		int c = strcmp(sx[i], sy[i]);

		if (c)
			return c;
	}
	return (x->n > i) - (y->n > i);
}

static int eval_cmp(struct fe_symtab *st, const struct fe_env *env,
		    const struct fe_cond *c, struct cu *cu, struct arena *a,
		    bool *out)
{
	struct fe_strlist x, y;
	long nx = 0, ny = 0;
	int kx, ky, d;

	if (operand_set(st, env, &c->a, c->loc, &x) ||
	    operand_set(st, env, &c->b, c->loc, &y))
		return -EINVAL;
	switch (c->cmp) {
	case FE_CMP_EQ:
		*out = subset(&x, &y) && subset(&y, &x);
		return 0;
	case FE_CMP_NE:
		*out = !(subset(&x, &y) && subset(&y, &x));
		return 0;
	case FE_CMP_IN:
		*out = subset(&x, &y);
		return 0;
	default:
		break;
	}
	kx = as_number(&x, c->loc, &nx, cu);
	ky = as_number(&y, c->loc, &ny, cu);
	if (kx < 0 || ky < 0)
		return -EINVAL;
	if (kx != ky) {
		diag_error(cu, c->loc, "Can only compare numbers with numbers");
		return -EINVAL;
	}
	if (kx)
		d = (nx > ny) - (nx < ny);
	else
		d = set_cmp(a, &x, &y);
	switch (c->cmp) {
	case FE_CMP_LT:
		*out = d < 0;
		break;
	case FE_CMP_LE:
		*out = d <= 0;
		break;
	case FE_CMP_GT:
		*out = d > 0;
		break;
	default:
		*out = d >= 0;
		break;
	}
	return 0;
}

static int eval(struct fe_symtab *st, const struct fe_env *env,
		const struct fe_cond *c, struct cu *cu, struct arena *a,
		bool *out)
{
	bool l = false, r = false;
	int rc = 0;

	switch (c->kind) {
	case FE_COND_BOOLVAR:
		return fe_bool_get(st, env, c->name, c->loc, out);
	case FE_COND_DEFINED_SET:
		*out = fe_var_defined(st, env, c->name);
		return 0;
	case FE_COND_DEFINED_BOOL:
		*out = fe_bool_defined(st, env, c->name);
		return 0;
	case FE_COND_WORD:
		if (strcasecmp(c->name, "true") == 0) {
			*out = true;
		} else if (strcasecmp(c->name, "false") == 0) {
			*out = false;
		} else {
			diag_error(
				cu, c->loc,
				"Invalid boolean : '%s' is not true or false",
				c->name);
			return -EINVAL;
		}
		return 0;
	case FE_COND_NOT:
		rc = eval(st, env, c->l, cu, a, &l);
		*out = !l;
		return rc;
	case FE_COND_AND:
	case FE_COND_OR:
		rc = eval(st, env, c->l, cu, a, &l);
		if (eval(st, env, c->r, cu, a, &r))
			rc = -EINVAL;
		*out = c->kind == FE_COND_AND ? (l && r) : (l || r);
		return rc;
	case FE_COND_CMP:
		return eval_cmp(st, env, c, cu, a, out);
	}
	return -EINVAL;
}

int fe_cond_eval(struct fe_symtab *st, const struct fe_env *env,
		 const struct fe_cond *c, bool *out)
{
	struct cu *cu = fe_symtab_cu(st);

	*out = false;
	return eval(st, env, c, cu, cu->arena, out);
}
