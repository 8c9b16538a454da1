/* Boolean conditionals of `if` blocks (language.md 5): the expression tree
 * the grammar builds and its compile-time evaluation against the symbol
 * table. Private to parser/.
 */
#ifndef PARSER_COND_H
#define PARSER_COND_H

#include <stdbool.h>

#include "diag.h"

struct arena;
struct fe_symtab;
struct fe_env;

enum fe_cond_kind {
	FE_COND_BOOLVAR,      /* $b */
	FE_COND_DEFINED_SET,  /* defined @{v} */
	FE_COND_DEFINED_BOOL, /* defined $b */
	FE_COND_WORD,	      /* bare true/false (any case) [5.0] */
	FE_COND_NOT,
	FE_COND_AND, /* [5.0] */
	FE_COND_OR,  /* [5.0] */
	FE_COND_CMP, /* operand cmp operand [5.0] */
};

enum fe_cond_cmp {
	FE_CMP_EQ, /* == */
	FE_CMP_NE, /* != */
	FE_CMP_IN, /* in */
	FE_CMP_LT, /* < */
	FE_CMP_LE, /* <= */
	FE_CMP_GT, /* > */
	FE_CMP_GE, /* >= */
};

/* An operand of a comparison: a set variable or a literal word. */
struct fe_cond_operand {
	const char *text; /* "@{v}"/"@v" for a variable, else the word */
	bool is_var;	  /* text names a set variable */
};

/* One node of a condition expression. */
struct fe_cond {
	enum fe_cond_kind kind;
	struct src_loc loc; /* first token of the node */
	const char *name;   /* BOOLVAR, DEFINED_*: the reference; WORD: word */
	struct fe_cond *l, *r;	     /* NOT: l; AND, OR: l and r */
	enum fe_cond_cmp cmp;	     /* CMP */
	struct fe_cond_operand a, b; /* CMP operands */
};

/**
 * fe_cond_leaf - make a leaf node (BOOLVAR, DEFINED_SET, DEFINED_BOOL,
 * WORD)
 * @a: borrowed arena
 * @kind: the leaf kind
 * @name: borrowed reference or word (copied)
 * @loc: location of the leaf
 *
 * Return: arena node.
 */
struct fe_cond *fe_cond_leaf(struct arena *a, enum fe_cond_kind kind,
			     const char *name, struct src_loc loc);

/**
 * fe_cond_op - make a NOT (@r NULL), AND or OR node
 * @a: borrowed arena
 * @kind: FE_COND_NOT, FE_COND_AND or FE_COND_OR
 * @l: arena operand
 * @r: arena right operand, NULL for NOT
 * @loc: location of the operator
 *
 * Return: arena node.
 */
struct fe_cond *fe_cond_op(struct arena *a, enum fe_cond_kind kind,
			   struct fe_cond *l, struct fe_cond *r,
			   struct src_loc loc);

/**
 * fe_cond_compare - make a comparison node
 * @a: borrowed arena
 * @cmp: operator
 * @lhs: borrowed left operand text (copied)
 * @lhs_var: @lhs is a set variable reference
 * @rhs: borrowed right operand text (copied)
 * @rhs_var: @rhs is a set variable reference
 * @loc: location of the left operand
 *
 * Return: arena node.
 */
struct fe_cond *fe_cond_compare(struct arena *a, enum fe_cond_cmp cmp,
				const char *lhs, bool lhs_var, const char *rhs,
				bool rhs_var, struct src_loc loc);

/**
 * fe_cond_eval - evaluate a condition at compile time (language.md 5.3):
 * every factor is evaluated (no short circuit), errors are upstream's
 * @st: borrowed symbol table (its unit receives the errors)
 * @env: variables visible at the `if`
 * @c: borrowed expression
 * @out: OUT: the value
 *
 * Return: 0, or -EINVAL with the error recorded.
 */
int fe_cond_eval(struct fe_symtab *st, const struct fe_env *env,
		 const struct fe_cond *c, bool *out);

#endif
