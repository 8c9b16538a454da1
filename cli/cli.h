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
struct aa_features;
struct aa_kernel_interface;
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

/* -D debugging dumps this parser prints (bits of struct cli's dump, at
 * the index of the name in opts.c's table).
 */
#define CLI_DUMP_STATS (1u << 4)     /* "stats" */
#define CLI_DUMP_DFA_STATS (1u << 7) /* "dfa-stats" */

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
	bool create_cache_dir;	     /* the deprecated --create-cache-dir */
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
	bool dump_expanded;	     /* the latter */
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
	const char *kernel_features_path;	/* file of the last
						   -M/--kernel-features */
	const char
		*kernel_features_str; /* or the -m string, if that was last */
	const char *unsupported;      /* a newer option we reject when run */
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

/* One blob of a unit's bytes (a profile, hat or child). */
struct cli_blob {
	size_t off, len;  /* bytes in the unit's buffer */
	const char *ns;	  /* namespace field, or NULL */
	const char *name; /* profile field: "parent//child", "" if unreadable */
	unsigned depth;	  /* number of "//" in name */
};

/**
 * cli_blob_split - find the blobs of a buffer the way libapparmor does
 * (at each "\x04\x08\x00version" header) and read their namespace and
 * profile names
 * @a: borrowed arena for the result
 * @buf: borrowed bytes
 * @len: byte count
 * @out: OUT: arena array of blobs, in buffer order
 * @n: OUT: count
 *
 * Return: 0, or -EPROTO when @buf does not start with a blob header.
 */
int cli_blob_split(struct arena *a, const uint8_t *buf, size_t len,
		   struct cli_blob **out, size_t *n);

/* The kernel interface of a run; ki is NULL under -Q (nothing written). */
struct cli_kernel {
	struct aa_kernel_interface *ki;
	bool set_load; /* the kernel loads a set of profiles in one write */
};

/**
 * cli_kernel_open - open apparmorfs through libapparmor
 * @k: OUT: interface
 * @kf: borrowed kernel features, or NULL when unknown (no set_load)
 * @apparmorfs: -f directory, or NULL to find the securityfs mount
 *
 * Return: 0, or -errno.
 */
int cli_kernel_open(struct cli_kernel *k, struct aa_features *kf,
		    const char *apparmorfs);

/**
 * cli_kernel_close - release the interface
 * @k: interface from cli_kernel_open(), or zeroed
 */
void cli_kernel_close(struct cli_kernel *k);

/**
 * cli_kernel_reason - the REASON text of cli.md 7.7 for a write's errno
 * @a: borrowed arena for composed texts
 * @err: positive errno
 *
 * Return: static or arena string.
 */
const char *cli_kernel_reason(struct arena *a, int err);

/**
 * cli_exit_errno - the exit status for a failed kernel write (cli.md 8):
 * the positive errno, or 1 when it would reach 124
 * @err: positive errno
 *
 * Return: exit status.
 */
int cli_exit_errno(int err);

/* What to load for one unit. */
struct cli_load {
	const char *progname;
	const uint8_t *data; /* the unit's bytes, as -S prints them */
	size_t len;
	bool replace;	   /* .replace rather than .load */
	bool verbose;	   /* -v success lines */
	const char *label; /* cache file or -B input: "Cached ..." lines */
};

/**
 * cli_load_unit - write one unit's blobs to the kernel: with set_load one
 * write per namespace, so a file's profiles are replaced together or not
 * at all; without it one write per top-level profile and its children.
 * Stops at the first refused write.
 * @k: borrowed interface (ki NULL: nothing written, lines still printed)
 * @a: borrowed scratch arena
 * @l: borrowed request
 * @out: stream for -v success lines
 * @err: stream for failure lines
 *
 * Return: 0, or the positive errno of the refused write.
 */
int cli_load_unit(const struct cli_kernel *k, struct arena *a,
		  const struct cli_load *l, FILE *out, FILE *err);

/* What to remove for one unit (-R). */
struct cli_remove {
	const char *progname;
	const char *const *fqnames; /* written to .remove */
	const char *const *names;   /* for the messages */
	size_t n;
	bool verbose;
};

/**
 * cli_remove_names - write each name to .remove, stopping at the first
 * refusal
 * @k: borrowed interface (ki NULL: nothing written)
 * @a: borrowed scratch arena
 * @r: borrowed request
 * @out: stream for -v success lines
 * @err: stream for failure lines
 *
 * Return: 0, or the positive errno of the refused write.
 */
int cli_remove_names(const struct cli_kernel *k, struct arena *a,
		     const struct cli_remove *r, FILE *out, FILE *err);

/* The outcome of one unit, carried from a worker to the main process. */
struct cli_result {
	int rc;	       /* exit status of its failure, 0 on success */
	bool cached;   /* data came from the cache (label is the file) */
	bool remove;   /* data holds NUL-separated fqname, name pairs */
	bool has_data; /* data is output (-S, -o) or to be loaded */
	char *label;   /* malloc'd: cache file or -B input, or NULL */
	uint8_t *data; /* malloc'd bytes */
	size_t len;
};

/**
 * cli_result_free - release the contents of @r and zero it
 * @r: result
 */
void cli_result_free(struct cli_result *r);

/* Callbacks of the job runner. */
struct cli_job_ops {
	/* compute unit @i; runs in a worker process or in-process */
	void (*run)(void *ctx, size_t i, struct cli_result *res);
	/* consume unit @i's result, in input order, in the main process;
	 * return true to stop (--abort-on-error)
	 */
	bool (*emit)(void *ctx, size_t i, struct cli_result *res);
};

/**
 * cli_jobs_count - the number of workers for -j and --max-jobs
 * @c: options
 * @nunits: units to run
 *
 * Return: 0 or 1 to run in-process, else the worker count.
 */
long cli_jobs_count(const struct cli *c, size_t nunits);

/**
 * cli_jobs_run - run @n units, @jobs at a time in forked workers (or
 * in-process when @jobs <= 1), emitting every result in input order with
 * the worker's stdout and stderr copied out first, so output does not
 * depend on @jobs
 * @n: unit count
 * @jobs: worker count
 * @trace: -djobs: trace job control on stderr
 * @ops: callbacks
 * @ctx: their context
 */
void cli_jobs_run(size_t n, long jobs, bool trace,
		  const struct cli_job_ops *ops, void *ctx);

#endif
