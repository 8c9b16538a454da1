/* Test helpers for the front end's core: a unit with options, parsing of
 * profile text (with or without the semantic checks) and access to the
 * resulting IR and diagnostics.
 */
#ifndef TESTS_HELPER_FE_H
#define TESTS_HELPER_FE_H

#include <stdbool.h>
#include <stddef.h>

#include "cu.h"
#include "diag.h"
#include "ir.h"

struct fet {
	struct cu *cu;
	struct cu_opts opts;
	struct diag_config dc;
	const char *dirs[8];
	struct ir_policy *pol;
};

/**
 * fet_new - a fresh unit with all warnings enabled
 * @strict: --strict
 *
 * Return: owned test context, freed with fet_free().
 */
struct fet *fet_new(bool strict);

/**
 * fet_free - free a context made by fet_new()
 * @t: owned context, may be NULL
 */
void fet_free(struct fet *t);

/**
 * fet_add_dir - append a directory to the -I search path
 * @t: borrowed context
 * @dir: borrowed directory, must outlive @t
 */
void fet_add_dir(struct fet *t, const char *dir);

/**
 * fet_parse - parse @text as stdin, without the semantic checks
 * @t: borrowed context
 * @text: borrowed profile text
 *
 * Return: 0 or -EINVAL.
 */
int fet_parse(struct fet *t, const char *text);

/**
 * fet_check - parse @text and run the semantic checks
 * @t: borrowed context
 * @text: borrowed profile text
 *
 * Return: 0 or -EINVAL.
 */
int fet_check(struct fet *t, const char *text);

/**
 * fet_error - the text of the first error recorded
 * @t: borrowed context
 *
 * Return: borrowed text, or "" when there is none.
 */
const char *fet_error(struct fet *t);

/**
 * fet_error_loc - the location of the first error recorded
 * @t: borrowed context
 *
 * Return: location ({0,0,0} when there is none).
 */
struct src_loc fet_error_loc(struct fet *t);

/**
 * fet_has_msg - whether some diagnostic's text equals @text
 * @t: borrowed context
 * @text: borrowed message
 *
 * Return: true if found.
 */
bool fet_has_msg(struct fet *t, const char *text);

/**
 * fet_profile - the @i-th top-level profile
 * @t: borrowed context
 * @i: index
 *
 * Return: borrowed profile or NULL.
 */
struct ir_profile *fet_profile(struct fet *t, size_t i);

/**
 * fet_rule - the @i-th rule of profile @p
 * @p: borrowed profile
 * @i: index
 *
 * Return: borrowed rule or NULL.
 */
struct ir_rule *fet_rule(struct ir_profile *p, size_t i);

/**
 * fet_nrules - number of rules of profile @p
 * @p: borrowed profile
 *
 * Return: count.
 */
size_t fet_nrules(const struct ir_profile *p);

#endif
