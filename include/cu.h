/* Compilation unit: one top-level input (a file, one entry of a directory,
 * or stdin) plus everything it includes. It owns one arena, one diagnostic
 * sink and the table of files read, and only reads options and features.
 */
#ifndef INCLUDE_CU_H
#define INCLUDE_CU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

struct arena;
struct features;

/* Front-end options, filled by cli/ and read by every stage. */
struct cu_opts {
	const char *const *include_dirs; /* -I search path, base dir last */
	size_t ninclude_dirs;
	const char *base_dir; /* -b, default /etc/apparmor.d */
	bool strict; /* --strict: reject this project's extensions */
	bool extension_downgrade; /* --extension-downgrade (language.md 7) */
	bool complain; /* -C: force complain mode */
	bool read_implies_exec; /* -X */
	const struct features *kernel_features; /* NULL: not known */
	const struct features *policy_features; /* ABI for files without abi */
	const struct features *override_abi; /* --override-policy-abi or NULL */
	const struct diag_config *diag; /* borrowed */
	const char *progname; /* argv[0] for messages that 3.0.8 prefixes
			       * with it; NULL: "apparmor_parser" */
};

/* A file read by the unit, kept whole so diagnostics can quote it. */
struct cu_file {
	const char *path; /* as opened (arena string); "stdin" for stdin;
			   * an include directory has an entry with no text */
	const char *text; /* whole contents, NUL-terminated (arena) */
	size_t len; /* bytes in text, excluding the NUL */
	struct src_loc from; /* where it was included; file = UINT32_MAX for the top */
};

struct cu {
	struct arena *arena; /* owns everything below */
	struct diag_sink diag;
	const struct cu_opts *opts; /* borrowed, read-only */
	const char *arg; /* operand as typed, NULL for stdin */
	struct cu_file *files; /* file table, index = src_loc.file */
	size_t nfiles, capfiles;
	size_t files_slot; /* arena_own slot of files */
};

/**
 * cu_create - make a compilation unit with a fresh arena
 * @opts: borrowed options, must outlive the unit
 * @arg: operand as typed (copied), NULL for stdin
 *
 * Return: owned unit, freed with cu_destroy().
 */
struct cu *cu_create(const struct cu_opts *opts, const char *arg);

/**
 * cu_destroy - free the unit and everything in its arena
 * @cu: owned unit, may be NULL
 */
void cu_destroy(struct cu *cu);

/**
 * cu_add_file - append a file to the unit's table
 * @cu: borrowed unit
 * @path: borrowed path as opened (copied)
 * @text: bytes (copied into the arena and NUL-terminated)
 * @len: byte count
 * @from: location of the include directive, or a loc with
 *        file = UINT32_MAX for the top-level file
 *
 * Return: the new file's index.
 */
uint32_t cu_add_file(struct cu *cu, const char *path, const char *text,
		     size_t len, struct src_loc from);

/**
 * cu_read_file - read a whole file from disk into the unit's table
 * @cu: borrowed unit
 * @path: borrowed path
 * @from: include location, as for cu_add_file()
 * @index: OUT: the new file's index
 *
 * Return: 0, or -errno when the file cannot be opened or read (nothing
 * recorded in the sink: the caller words the message).
 */
int cu_read_file(struct cu *cu, const char *path, struct src_loc from,
		 uint32_t *index);

/**
 * cu_line_text - the text of one line of a file, for quoting
 * @cu: borrowed unit
 * @file: file index
 * @line: 1-based line
 * @len: OUT: length of the line without its newline
 *
 * Return: pointer into the file's text, or NULL if out of range.
 */
const char *cu_line_text(const struct cu *cu, uint32_t file, uint32_t line,
			 size_t *len);

#endif
