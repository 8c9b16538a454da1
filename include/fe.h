/* The front end's public API: text to a checked IR (include/ir.h).
 * parser/ implements it; cli/ and backend/ call it.
 */
#ifndef INCLUDE_FE_H
#define INCLUDE_FE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct cu;
struct ir_policy;

/**
 * fe_parse_file - read, preprocess (includes, variables, conditionals)
 * and parse a top-level file into the IR, then run the semantic checks
 * @cu: borrowed unit; errors and warnings go to its sink
 * @path: borrowed path as given by the user
 * @out: OUT: arena policy (set even on error when something was parsed)
 *
 * Return: 0, -EINVAL when the text has errors (recorded in the sink), or
 * -errno when the top file cannot be read (nothing recorded).
 */
int fe_parse_file(struct cu *cu, const char *path, struct ir_policy **out);

/**
 * fe_parse_buffer - as fe_parse_file() for text already in memory (stdin)
 * @cu: borrowed unit
 * @name: name for messages and the file table ("stdin")
 * @text: borrowed bytes
 * @len: byte count
 * @out: OUT: arena policy
 *
 * Return: 0 or -EINVAL.
 */
int fe_parse_buffer(struct cu *cu, const char *name, const char *text,
		    size_t len, struct ir_policy **out);

/**
 * fe_preprocess - write the input with every include expanded in place
 * (apparmor_parser -p); the output re-parses to the same IR
 * @cu: borrowed unit
 * @path: top file, or NULL to use @text
 * @text: bytes when @path is NULL
 * @len: byte count of @text
 * @out: stream to write to
 *
 * Return: 0, -EINVAL on errors recorded in the sink, or -errno.
 */
int fe_preprocess(struct cu *cu, const char *path, const char *text,
		  size_t len, FILE *out);

/**
 * fe_dump_variables - print the file-level variables of a parsed policy
 * (apparmor_parser -D variables / -D expanded-variables): set variables
 * sorted by name, then booleans sorted by name, one per line as
 * `@NAME = "v1" "v2"` and `$NAME = true`. Raw values are printed newest
 * first, as 3.0.8 does; expanded values in expansion order.
 * @cu: borrowed unit (expansion errors go to its sink)
 * @pol: borrowed policy from fe_parse_file() or fe_parse_buffer()
 * @expanded: resolve nested references
 * @out: stream to write to
 *
 * Return: 0, or -EINVAL with the error recorded.
 */
int fe_dump_variables(struct cu *cu, const struct ir_policy *pol,
		      bool expanded, FILE *out);

#endif
