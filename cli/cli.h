/* Private interface of the apparmor_parser program (cli/): the option
 * state filled from the config file and the command line, and the helpers
 * main.c drives. Only cli/ and its unit test include this header.
 */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cu.h"
#include "diag.h"

struct arena;
struct features;
struct ir_policy;

#define CLI_MAX_INCLUDES 100
#define CLI_MAX_CACHE_LOCS 4
#define CLI_DEFAULT_BASE "/etc/apparmor.d"
#define CLI_DEFAULT_CONFIG "/etc/apparmor/parser.conf"

/* The actions of which at most one may be given (cli.md 1). */
enum cli_action {
	CLI_ACT_ADD = 1u << 0,	      /* -a, the default */
	CLI_ACT_REPLACE = 1u << 1,    /* -r */
	CLI_ACT_REMOVE = 1u << 2,     /* -R */
	CLI_ACT_STDOUT = 1u << 3,     /* -S */
	CLI_ACT_OFILE = 1u << 4,      /* -o FILE */
	CLI_ACT_NAMES = 1u << 5,      /* -N */
	CLI_ACT_PREPROCESS = 1u << 6, /* -p */
};

/* -O flags, upstream's names (cli.md 3.6). */
enum cli_opt_flag {
	CLI_O_EQUIV = 1u << 0,
	CLI_O_EXPR_NORMALIZE = 1u << 1,
	CLI_O_EXPR_SIMPLIFY = 1u << 2,
	CLI_O_EXPR_LEFT_SIMPLIFY = 1u << 3,
	CLI_O_EXPR_RIGHT_SIMPLIFY = 1u << 4,
	CLI_O_MINIMIZE = 1u << 5,
	CLI_O_FILTER_DENY = 1u << 6,
	CLI_O_REMOVE_UNREACHABLE = 1u << 7,
	CLI_O_COMPRESS_SMALL = 1u << 8,
	CLI_O_COMPRESS_FAST = 1u << 9,
	CLI_O_DIFF_ENCODE = 1u << 10,
	CLI_O_RULE_MERGE = 1u << 11,
	CLI_O_STATE32 = 1u << 12,
	CLI_O_FLAGS_TABLE = 1u << 13,
	CLI_O_COMPRESS_DEFAULT = 1u << 14,
	CLI_O_ZSTD_RECOMPRESS = 1u << 15,
	CLI_O_DEFAULT = CLI_O_EXPR_NORMALIZE | CLI_O_EXPR_SIMPLIFY |
			CLI_O_MINIMIZE | CLI_O_DIFF_ENCODE,
};

/* Everything the command line and the config file can set. */
struct cli {
	const char *progname;	     /* argv[0] as invoked */
	struct arena *arena;	     /* owns strings and features below */
	struct diag_config diag;     /* warnings, --Werror, format, -q */
	unsigned actions;	     /* enum cli_action bits given */
	bool syntax_only;	     /* --syntax-only */
	bool debug;		     /* -d: dump the IR */
	bool debug_jobs;	     /* -djobs */
	bool skip_kernel_load;	     /* -Q */
	bool skip_cache;	     /* -K */
	bool skip_read_cache;	     /* -T */
	bool write_cache;	     /* -W */
	bool show_cache;	     /* -k */
	bool skip_bad_cache;	     /* --skip-bad-cache */
	bool skip_bad_cache_rebuild; /* --skip-bad-cache-rebuild */
	bool debug_cache;	     /* --debug-cache */
	bool purge_cache;	     /* --purge-cache */
	bool print_cache_dir;	     /* --print-cache-dir */
	bool print_config_file;	     /* --print-config-file */
	bool abort_on_error;	     /* --abort-on-error */
	bool verbose;		     /* -v */
	bool quiet;		     /* -q */
	bool complain;		     /* -C */
	bool read_implies_exec;	     /* -X */
	bool binary;		     /* -B */
	bool strict;		     /* --strict */
	bool extension_downgrade;    /* --extension-downgrade */
	bool dump_variables;	     /* -D variables / expanded-variables */
	const char *ofile;	     /* -o */
	const char *subdomainfs;     /* -f */
	const char *ns;		     /* -n */
	const char *config_file;     /* --config-file */
	const char *base_dir;	     /* -b, default CLI_DEFAULT_BASE */
	const char *includes[CLI_MAX_INCLUDES]; /* Include, then -I */
	size_t nincludes;
	const char *cache_locs[CLI_MAX_CACHE_LOCS]; /* -L */
	size_t ncache_locs;
	uint32_t optimize; /* enum cli_opt_flag */
	uint32_t dump;	   /* -D debugging dumps, bit per name index */
	long jobs;     /* -j: >0 count, 0 none, -1 auto, -2 max; see jobs_mul */
	long jobs_mul; /* xK multiplier, 0 if not used */
	long max_jobs; /* --max-jobs, same encoding */
	const struct features *kernel_features; /* -M, --kernel-features, -m */
	const struct features *policy_features; /* -M, --policy-features */
	const struct features *override_abi;	/* --override-policy-abi */
	const char *unsupported; /* a newer option we reject when run */
};

/**
 * cli_init - fill @c with the defaults
 * @c: OUT: state to fill
 * @progname: argv[0]
 * @a: borrowed arena owning option strings and features
 */
void cli_init(struct cli *c, const char *progname, struct arena *a);

/**
 * cli_early_pass - the quick first pass over argv: --config-file, --warn
 * and --Werror, silently ignoring everything else
 * @c: state
 * @argc: argument count
 * @argv: arguments (getopt may permute them)
 *
 * Return: 0, or 1 for an invalid value (message printed).
 */
int cli_early_pass(struct cli *c, int argc, char **argv);

/**
 * cli_parse_args - process every option of argv in order
 * @c: state
 * @argc: argument count
 * @argv: arguments (getopt may permute them)
 * @first_operand: OUT: index of the first operand after permutation
 *
 * Return: 0 to go on, a positive exit status to stop with, -1 when the
 * run is complete (help printed, exit 0), or -2 for --version.
 */
int cli_parse_args(struct cli *c, int argc, char **argv, int *first_operand);

/**
 * cli_config_text - process config file text (cli.md 9)
 * @c: state
 * @text: borrowed, NUL-terminated contents
 *
 * Return: 0, or a positive exit status when a value is invalid.
 */
int cli_config_text(struct cli *c, const char *text);

/**
 * cli_config_file - read the config file named by c->config_file, warning
 * through @warn when it is missing
 * @c: state
 * @warn: unit for warnings, printed by the caller
 *
 * Return: 0, or a positive exit status.
 */
int cli_config_file(struct cli *c, struct cu *warn);

/**
 * cli_finish_includes - append the base directory as the last search path
 * entry
 * @c: state
 */
void cli_finish_includes(struct cli *c);

/**
 * cli_cu_opts - the front-end options the command line describes
 * @c: state
 * @o: OUT: options; points into @c, valid while @c lives
 */
void cli_cu_opts(const struct cli *c, struct cu_opts *o);

/* What a directory walk does with one entry name (cli.md 4.2). */
enum cli_entry {
	CLI_ENTRY_USE = 0,
	CLI_ENTRY_SKIP,	  /* silently */
	CLI_ENTRY_IGNORE, /* with "Ignoring: 'NAME'" */
};

/**
 * cli_classify_entry - the skip rules for directory entries
 * @name: entry name
 *
 * Return: what to do with it.
 */
enum cli_entry cli_classify_entry(const char *name);

/**
 * cli_print_names - write the -N list of one unit (cli.md 7.5)
 * @a: borrowed scratch arena
 * @pol: borrowed policy
 * @ns: -n namespace overriding the policy's, or NULL
 * @out: stream
 */
void cli_print_names(struct arena *a, const struct ir_policy *pol,
		     const char *ns, FILE *out);

#endif
