/* Front-end symbol table: set variables @{X}, boolean variables $b and the
 * built-in per-profile variables, with the scopes of language.md 7.5 and
 * the glob expansion of 4.5. Private to parser/.
 *
 * The table is persistent: every assignment prepends a binding, so a
 * snapshot (struct fe_env) taken at any point keeps meaning exactly the
 * variables visible there, even after later assignments or after the
 * scope that made them has been left. Store the snapshot with a rule (or
 * expand at build time) to get textual-order semantics.
 */
#ifndef PARSER_VARS_H
#define PARSER_VARS_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

struct cu;
struct fe_symtab;
struct fe_env; /* opaque, immutable: the variables visible at one point */

/* Assignment operators of language.md 1.9.1. */
enum fe_assign_op {
	FE_ASSIGN_EQ = 0,  /* =  */
	FE_ASSIGN_ADD,	   /* += */
	FE_ASSIGN_DEFAULT, /* ?= [5.0] */
	FE_ASSIGN_REPLACE, /* := [5.0] */
};

/* A list of strings (values of a set variable, or expansions). */
struct fe_strlist {
	const char *const *v; /* arena strings */
	size_t n;
};

/**
 * fe_symtab_create - make an empty symbol table for one top-level file
 * @cu: borrowed unit; the table lives in its arena and reports to its sink
 *
 * Return: arena table.
 */
struct fe_symtab *fe_symtab_create(struct cu *cu);

/**
 * fe_symtab_cu - the unit a table belongs to
 * @st: borrowed table
 *
 * Return: borrowed unit.
 */
struct cu *fe_symtab_cu(const struct fe_symtab *st);

/**
 * fe_var_name - strip the decoration of a variable reference
 * @st: borrowed table (for its arena)
 * @ref: "@{NAME}", "@NAME", "${NAME}", "$NAME" or a bare "NAME"
 *
 * Return: interned bare name.
 */
const char *fe_var_name(struct fe_symtab *st, const char *ref);

/**
 * fe_var_check_name - validate a variable name (language.md 1.9)
 * @st: borrowed table
 * @ref: reference or bare name, as for fe_var_name()
 * @loc: where, for the error
 *
 * Return: 0, or -EINVAL after recording "Variable 'X' must start with
 * alphabet letters" / "Variable 'X' contains invalid characters".
 */
int fe_var_check_name(struct fe_symtab *st, const char *ref,
		      struct src_loc loc);

/**
 * fe_var_assign - apply a set-variable assignment in the current scope
 * @st: borrowed table
 * @ref: variable reference or bare name
 * @op: operator
 * @vals: borrowed values (copied); "" is a real member
 * @n: number of values
 * @loc: location of the assignment (for errors and later messages)
 *
 * Inside a directory include (fe_symtab_dir_begin()) a += to a variable
 * that is not visible yet is deferred to fe_symtab_dir_end().
 *
 * Return: 0, or -EINVAL with the upstream error recorded ("variable @{X}
 * was previously declared", "... was not previously declared, but is being
 * assigned additional values", built-in or boolean name clashes).
 */
int fe_var_assign(struct fe_symtab *st, const char *ref, enum fe_assign_op op,
		  const char *const *vals, size_t n, struct src_loc loc);

/**
 * fe_bool_assign - apply a boolean assignment in the current scope
 * @st: borrowed table
 * @ref: "$NAME", "${NAME}" or bare name
 * @op: operator (FE_ASSIGN_ADD is an error)
 * @value: the value
 * @loc: location of the assignment
 *
 * Return: 0 or -EINVAL with the error recorded.
 */
int fe_bool_assign(struct fe_symtab *st, const char *ref, enum fe_assign_op op,
		   bool value, struct src_loc loc);

/**
 * fe_bool_assign_word - as fe_bool_assign() with a "true"/"false" word
 * (any case); anything else is "Invalid boolean assignment for ($B): W is
 * not true or false"
 * @st: borrowed table
 * @ref: boolean reference
 * @op: operator
 * @word: borrowed right-hand side
 * @loc: location of the assignment
 *
 * Return: 0 or -EINVAL.
 */
int fe_bool_assign_word(struct fe_symtab *st, const char *ref,
			enum fe_assign_op op, const char *word,
			struct src_loc loc);

/**
 * fe_scope_enter - open the local scope of a profile, child or hat body
 * and define its built-ins (@{profile_name}, and @{attach_path} /
 * @{exec_path} when @attach is not NULL)
 * @st: borrowed table
 * @hname: borrowed hierarchical name without namespace ("a//b"), unescaped
 * @attach: borrowed expanded attachment glob, or NULL
 */
void fe_scope_enter(struct fe_symtab *st, const char *hname,
		    const char *attach);

/**
 * fe_scope_leave - close the innermost scope opened by fe_scope_enter()
 * @st: borrowed table
 */
void fe_scope_leave(struct fe_symtab *st);

/**
 * fe_env_with_builtins - a snapshot extending @env with the built-ins of
 * one profile, for expanding its rules after parsing
 * @st: borrowed table
 * @env: base snapshot
 * @hname: borrowed hierarchical profile name (unescaped)
 * @attach: borrowed expanded attachment, or NULL
 *
 * Return: arena snapshot.
 */
const struct fe_env *fe_env_with_builtins(struct fe_symtab *st,
					  const struct fe_env *env,
					  const char *hname,
					  const char *attach);

/**
 * fe_symtab_dir_begin - a directory include starts (language.md 7.5.3)
 * @st: borrowed table
 */
void fe_symtab_dir_begin(struct fe_symtab *st);

/**
 * fe_symtab_dir_end - the directory include ends: apply the deferred +=
 * assignments in order
 * @st: borrowed table
 *
 * Return: 0, or -EINVAL when one still names no visible variable (error
 * recorded at that assignment's location).
 */
int fe_symtab_dir_end(struct fe_symtab *st);

/**
 * fe_symtab_env - snapshot of the variables visible now
 * @st: borrowed table
 *
 * Return: arena snapshot, valid for the life of the unit (NULL is a valid
 * snapshot meaning "no variables").
 */
const struct fe_env *fe_symtab_env(const struct fe_symtab *st);

/**
 * fe_var_defined - whether a set variable is visible in @env
 * @st: borrowed table
 * @env: snapshot from fe_symtab_env()
 * @ref: reference or bare name
 *
 * Return: true if a set variable (user or built-in) of that name exists.
 */
bool fe_var_defined(struct fe_symtab *st, const struct fe_env *env,
		    const char *ref);

/**
 * fe_bool_defined - whether a boolean variable is visible in @env
 * @st: borrowed table
 * @env: snapshot
 * @ref: reference or bare name
 *
 * Return: true if a boolean of that name exists.
 */
bool fe_bool_defined(struct fe_symtab *st, const struct fe_env *env,
		     const char *ref);

/**
 * fe_bool_get - the value of a boolean for an if-expression
 * @st: borrowed table
 * @env: snapshot
 * @ref: reference or bare name
 * @loc: where, for the error
 * @out: OUT: value
 *
 * Return: 0, or -EINVAL after "Unset boolean variable $b used in
 * if-expression".
 */
int fe_bool_get(struct fe_symtab *st, const struct fe_env *env, const char *ref,
		struct src_loc loc, bool *out);

/**
 * fe_var_values - the fully expanded value set of a set variable (nested
 * references resolved as a cross product), for conditionals
 * @st: borrowed table
 * @env: snapshot
 * @ref: reference or bare name
 * @loc: where, for errors
 * @out: OUT: arena list, sorted, without duplicates
 *
 * Return: 0, or -EINVAL (undeclared, recursive, or a boolean).
 */
int fe_var_values(struct fe_symtab *st, const struct fe_env *env,
		  const char *ref, struct src_loc loc, struct fe_strlist *out);

/**
 * fe_expand_glob - expand every @{NAME} in a glob (language.md 4.5): one
 * value verbatim, several as {v1,v2} with the slash trimming of 3.0.8,
 * nested references, then the repeated-slash filter when @collapse
 * @st: borrowed table
 * @env: snapshot of the variables visible at the use
 * @in: borrowed text
 * @loc: location of the use
 * @collapse: apply the slash filter of 4.7 (paths, attachments)
 * @out: OUT: arena string (== @in when nothing changed and !@collapse)
 *
 * Warnings: format "... begins with '//'" after expansion, and
 * multi-valued expansion inside a character class.
 *
 * Return: 0, or -EINVAL with the error recorded (undeclared variable,
 * recursion, boolean used as a set).
 */
int fe_expand_glob(struct fe_symtab *st, const struct fe_env *env,
		   const char *in, struct src_loc loc, bool collapse,
		   const char **out);

/**
 * fe_expand_list - expand every @{NAME} of @in into separate strings
 * (cross product), for contexts that need one value per item
 * @st: borrowed table
 * @env: snapshot
 * @in: borrowed text
 * @loc: location of the use
 * @out: OUT: arena list in expansion order (duplicates removed)
 *
 * Return: 0 or -EINVAL with the error recorded.
 */
int fe_expand_list(struct fe_symtab *st, const struct fe_env *env,
		   const char *in, struct src_loc loc, struct fe_strlist *out);

/**
 * fe_has_var_ref - whether @s contains a set-variable reference @{NAME}
 * @s: borrowed text
 *
 * Return: true if expansion could change it.
 */
bool fe_has_var_ref(const char *s);

/**
 * fe_collapse_slashes - the repeated-slash filter of language.md 4.7
 * @st: borrowed table (for its arena)
 * @in: borrowed text
 *
 * Return: arena string, or @in when unchanged.
 */
const char *fe_collapse_slashes(struct fe_symtab *st, const char *in);

#endif
