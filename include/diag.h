/* Diagnostics: every stage records errors and warnings against a source
 * location in its compilation unit's sink; only diag.c formats them and
 * only cli/ prints them (diag_flush), in input order.
 */
#ifndef INCLUDE_DIAG_H
#define INCLUDE_DIAG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct arena;
struct cu;

/* A place in the source: file index in the CU's file table, 1-based line
 * and column. line 0 means "no particular line" (whole-file messages).
 */
struct src_loc {
	uint32_t file; /* index into cu->files */
	uint32_t line; /* 1-based; 0 = none */
	uint32_t col; /* 1-based; 0 = none */
};

/* Warning classes, upstream's names (cli.md 3.7), as bits of a mask. */
enum diag_warn {
	WARN_RULE_NOT_ENFORCED = 1u << 0,
	WARN_RULE_DOWNGRADED = 1u << 1,
	WARN_ABI = 1u << 2,
	WARN_DEPRECATED = 1u << 3,
	WARN_CONFIG = 1u << 4,
	WARN_CACHE = 1u << 5,
	WARN_DEBUG_CACHE = 1u << 6,
	WARN_JOBS = 1u << 7,
	WARN_DANGEROUS = 1u << 8,
	WARN_UNEXPECTED = 1u << 9,
	WARN_FORMAT = 1u << 10,
	WARN_MISSING = 1u << 11,
	WARN_OVERRIDE = 1u << 12,
	WARN_DEV = 1u << 13,
	WARN_POUND_INCLUDE = 1u << 14,
	WARN_ALL = (1u << 15) - 1,
	/* upstream's default set */
	WARN_DEFAULT = WARN_CONFIG | WARN_CACHE | WARN_JOBS | WARN_UNEXPECTED |
		       WARN_OVERRIDE,
};

enum diag_format {
	DIAG_FORMAT_UPSTREAM = 0, /* apparmor_parser's exact wording */
	DIAG_FORMAT_GCC, /* FILE:LINE:COL: error: MSG, source line, caret */
};

/* How diagnostics are filtered and formatted; read-only, shared by CUs. */
struct diag_config {
	uint32_t warn_enabled; /* mask of enum diag_warn */
	uint32_t werror; /* enabled classes promoted to errors */
	enum diag_format format;
	bool quiet; /* -q: no warnings at all */
};

/* One recorded diagnostic. */
struct diag_msg {
	bool error; /* error, or warning promoted by --Werror */
	bool promoted; /* a warning converted to an error */
	uint32_t warn; /* enum diag_warn class of a warning, 0 for errors */
	struct src_loc loc;
	const char *profile; /* profile name for per-profile warnings, or NULL */
	const char *text; /* arena string, no trailing newline */
};

/* The per-CU buffer of diagnostics. */
struct diag_sink {
	const struct diag_config *cfg; /* borrowed */
	struct diag_msg *msgs; /* owned by the CU's arena (arena_own) */
	size_t n, cap;
	size_t own_slot; /* arena_own slot of msgs */
	unsigned errors; /* errors recorded, promoted warnings included */
	bool stop; /* first syntax error seen: record nothing further */
};

/**
 * diag_error - record an error at @loc
 * @cu: borrowed compilation unit
 * @loc: where
 * @fmt: printf format of the message text (upstream wording)
 */
void diag_error(struct cu *cu, struct src_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * diag_fatal - record an error after which this CU must stop (the first
 * syntax error of a file); later diagnostics are dropped
 * @cu: borrowed compilation unit
 * @loc: where
 * @fmt: printf format of the message text
 */
void diag_fatal(struct cu *cu, struct src_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * diag_warn - record a warning of class @cls at @loc; dropped when the
 * class is not enabled, turned into an error when --Werror covers it
 * @cu: borrowed compilation unit
 * @cls: one enum diag_warn bit
 * @loc: where
 * @fmt: printf format of the message text
 */
void diag_warn(struct cu *cu, uint32_t cls, struct src_loc loc,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/**
 * diag_warn_profile - record a per-profile warning, printed upstream's way
 * "Warning from profile NAME (FILE): MSG"
 * @cu: borrowed compilation unit
 * @cls: one enum diag_warn bit
 * @loc: where (its file names FILE)
 * @profile: borrowed profile name
 * @fmt: printf format of the message text
 */
void diag_warn_profile(struct cu *cu, uint32_t cls, struct src_loc loc,
		       const char *profile, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/**
 * diag_enabled - whether warnings of class @cls would be recorded
 * @cu: borrowed compilation unit
 * @cls: one enum diag_warn bit
 *
 * Return: true if enabled and not quiet.
 */
bool diag_enabled(const struct cu *cu, uint32_t cls);

/**
 * diag_error_count - errors recorded so far (promoted warnings included)
 * @cu: borrowed compilation unit
 *
 * Return: count.
 */
unsigned diag_error_count(const struct cu *cu);

/**
 * diag_flush - print every recorded diagnostic of @cu, in order, in the
 * configured format, then forget them
 * @cu: borrowed compilation unit
 * @out: stream (stderr in the CLI)
 */
void diag_flush(struct cu *cu, FILE *out);

/**
 * diag_format_msg - format one diagnostic as diag_flush would print it
 * @cu: borrowed compilation unit
 * @m: borrowed message
 *
 * Return: arena string, may span several lines, ends with a newline.
 */
const char *diag_format_msg(struct cu *cu, const struct diag_msg *m);

#endif
