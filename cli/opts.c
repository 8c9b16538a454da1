/* Option handling of apparmor_parser: the getopt_long table, the quick
 * first pass for --config-file/--warn/--Werror, the config file
 * (cli.md 9) and the value checks of cli.md 3 and 7.8. It fills struct
 * cli and knows nothing of how the stages work inside.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "feat.h"

/* Long-only options get codes above the byte range. */
enum {
	OPT_SKIP_BAD_CACHE = 256,
	OPT_PURGE_CACHE,
	OPT_CREATE_CACHE_DIR,
	OPT_MAX_JOBS,
	OPT_PRINT_CACHE_DIR,
	OPT_KERNEL_FEATURES,
	OPT_POLICY_FEATURES,
	OPT_OVERRIDE_POLICY_ABI,
	OPT_CONFIG_FILE,
	OPT_ABORT_ON_ERROR,
	OPT_SKIP_BAD_CACHE_REBUILD,
	OPT_WARN,
	OPT_WERROR,
	OPT_DEBUG_CACHE,
	OPT_PRINT_CONFIG_FILE,
	OPT_SYNTAX_ONLY,
	OPT_STRICT,
	OPT_EXTENSION_DOWNGRADE,
	OPT_DIAGNOSTICS,
	OPT_ESTIMATED_COMPILE_SIZE,
	OPT_PROMPT_COMPAT,
	OPT_PRINT_PROMPT_COMPAT,
	OPT_DFA_CACHE_LOC,
	OPT_SHOW_DFA_CACHE,
};

static const char cli_short_opts[] =
	"aBb:Cc::D:d::f:h::I:j:KkL:M:m:Nn:O:o:pQqRrSTVvWX";

static const struct option cli_long_opts[] = {
	{"add", no_argument, NULL, 'a'},
	{"binary", no_argument, NULL, 'B'},
	{"base", required_argument, NULL, 'b'},
	{"subdomainfs", required_argument, NULL, 'f'},
	{"help", optional_argument, NULL, 'h'},
	{"replace", no_argument, NULL, 'r'},
	{"reload", no_argument, NULL, 'r'},
	{"remove", no_argument, NULL, 'R'},
	{"names", no_argument, NULL, 'N'},
	{"stdout", no_argument, NULL, 'S'},
	{"ofile", required_argument, NULL, 'o'},
	{"match-string", required_argument, NULL, 'm'},
	{"features-file", required_argument, NULL, 'M'},
	{"quiet", no_argument, NULL, 'q'},
	{"skip-kernel-load", no_argument, NULL, 'Q'},
	{"verbose", no_argument, NULL, 'v'},
	{"namespace", required_argument, NULL, 'n'},
	{"readimpliesX", no_argument, NULL, 'X'},
	{"skip-cache", no_argument, NULL, 'K'},
	{"skip-read-cache", no_argument, NULL, 'T'},
	{"write-cache", no_argument, NULL, 'W'},
	{"show-cache", no_argument, NULL, 'k'},
	{"skip-bad-cache", no_argument, NULL, OPT_SKIP_BAD_CACHE},
	{"purge-cache", no_argument, NULL, OPT_PURGE_CACHE},
	{"create-cache-dir", no_argument, NULL, OPT_CREATE_CACHE_DIR},
	{"cache-loc", required_argument, NULL, 'L'},
	{"debug", optional_argument, NULL, 'd'},
	{"dump", required_argument, NULL, 'D'},
	{"Dump", required_argument, NULL, 'D'},
	{"optimize", required_argument, NULL, 'O'},
	{"Optimize", required_argument, NULL, 'O'},
	{"preprocess", no_argument, NULL, 'p'},
	{"jobs", required_argument, NULL, 'j'},
	{"max-jobs", required_argument, NULL, OPT_MAX_JOBS},
	{"print-cache-dir", no_argument, NULL, OPT_PRINT_CACHE_DIR},
	{"kernel-features", required_argument, NULL, OPT_KERNEL_FEATURES},
	{"policy-features", required_argument, NULL, OPT_POLICY_FEATURES},
	{"compile-features", required_argument, NULL, OPT_POLICY_FEATURES},
	{"override-policy-abi", required_argument, NULL,
	 OPT_OVERRIDE_POLICY_ABI},
	{"config-file", required_argument, NULL, OPT_CONFIG_FILE},
	{"abort-on-error", no_argument, NULL, OPT_ABORT_ON_ERROR},
	{"skip-bad-cache-rebuild", no_argument, NULL,
	 OPT_SKIP_BAD_CACHE_REBUILD},
	{"warn", required_argument, NULL, OPT_WARN},
	{"Werror", optional_argument, NULL, OPT_WERROR},
	{"debug-cache", no_argument, NULL, OPT_DEBUG_CACHE},
	{"Complain", no_argument, NULL, 'C'},
	{"complain", no_argument, NULL, 'C'},
	{"version", no_argument, NULL, 'V'},
	{"Include", required_argument, NULL, 'I'},
	{"print-config-file", no_argument, NULL, OPT_PRINT_CONFIG_FILE},
	{"syntax-only", no_argument, NULL, OPT_SYNTAX_ONLY},
	{"strict", no_argument, NULL, OPT_STRICT},
	{"extension-downgrade", no_argument, NULL, OPT_EXTENSION_DOWNGRADE},
	{"diagnostics", required_argument, NULL, OPT_DIAGNOSTICS},
	{"estimated-compile-size", required_argument, NULL,
	 OPT_ESTIMATED_COMPILE_SIZE},
	{"prompt-compat", required_argument, NULL, OPT_PROMPT_COMPAT},
	{"print-prompt-compat", no_argument, NULL, OPT_PRINT_PROMPT_COMPAT},
	{"zstd-compress-level", optional_argument, NULL, 'c'},
	{"dfa-cache-loc", required_argument, NULL, OPT_DFA_CACHE_LOC},
	{"show-dfa-cache", no_argument, NULL, OPT_SHOW_DFA_CACHE},
	{NULL, 0, NULL, 0},
};

/* Warning class names in the order of enum diag_warn bits. */
static const char *const cli_warn_names[] = {
	"rule-not-enforced",
	"rule-downgraded",
	"abi",
	"deprecated",
	"config",
	"cache",
	"debug-cache",
	"jobs",
	"dangerous",
	"unexpected",
	"format",
	"missing",
	"override",
	"dev",
	"pound-include",
};

#define CLI_NWARN (sizeof(cli_warn_names) / sizeof(*cli_warn_names))

/* -O names in the order of enum cli_opt_flag bits. */
static const char *const cli_opt_names[] = {
	"equiv",
	"expr-normalize",
	"expr-simplify",
	"expr-left-simplify",
	"expr-right-simplify",
	"minimize",
	"filter-deny",
	"remove-unreachable",
	"compress-small",
	"compress-fast",
	"diff-encode",
	"rule-merge",
	"state32",
	"flags-table",
	"compress-default",
	"zstd-recompress",
};

#define CLI_NOPT (sizeof(cli_opt_names) / sizeof(*cli_opt_names))

/* -D debugging dumps; bit i of c->dump is cli_dump_names[i]. */
static const char *const cli_dump_names[] = {
	"rule-exprs",
	"expr-stats",
	"expr-tree",
	"expr-simplified",
	"stats",
	"progress",
	"dfa-progress",
	"dfa-stats",
	"dfa-states",
	"dfa-graph",
	"dfa-minimize",
	"dfa-unreachable",
	"dfa-node-map",
	"dfa-uniq-perms",
	"dfa-minimize-uniq-perms",
	"dfa-minimize-partitions",
	"compress-progress",
	"compress-stats",
	"compressed-dfa",
	"equiv-stats",
	"equiv",
	"diff-encode",
	"diff-stats",
	"diff-progress",
	"rule-merge",
	"state32",
	"flags_table",
};

#define CLI_NDUMP (sizeof(cli_dump_names) / sizeof(*cli_dump_names))

void cli_init(struct cli *c, const char *progname, struct arena *a)
{
	memset(c, 0, sizeof(*c));
	c->progname = progname;
	c->arena = a;
	c->diag.warn_enabled = WARN_DEFAULT;
	c->diag.format = DIAG_FORMAT_UPSTREAM;
	c->config_file = CLI_DEFAULT_CONFIG;
	c->base_dir = CLI_DEFAULT_BASE;
	c->optimize = CLI_O_DEFAULT;
	c->jobs = -1;
	c->max_jobs = -1;
}

static int cli_name_index(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

static void cli_print_set(const char *label, const char *const *names, size_t n,
			  uint32_t mask)
{
	const char *sep = "";

	printf("%s=", label);
	for (size_t i = 0; i < n; i++) {
		if (mask & (1u << i)) {
			printf("%s%s", sep, names[i]);
			sep = ", ";
		}
	}
	putchar('\n');
}

static int cli_warn_arg(struct cli *c, const char *v, bool early)
{
	bool no = strncmp(v, "no-", 3) == 0;
	const char *name = no ? v + 3 : v;
	uint32_t bits;
	int i;

	if (!no && strcmp(v, "show") == 0) {
		if (!early)
			cli_print_set("warn", cli_warn_names, CLI_NWARN,
				      c->diag.warn_enabled);
		return 0;
	}
	if (strcmp(name, "all") == 0) {
		bits = WARN_ALL;
	} else {
		i = cli_name_index(cli_warn_names, CLI_NWARN, name);
		if (i < 0) {
			fprintf(stderr, "%s: Invalid --warn option %s\n",
				c->progname, v);
			return 1;
		}
		bits = 1u << i;
	}
	if (no)
		c->diag.warn_enabled &= ~bits;
	else
		c->diag.warn_enabled |= bits;
	return 0;
}

static int cli_werror_arg(struct cli *c, const char *v)
{
	int i;

	if (!v || strcmp(v, "all") == 0) {
		c->diag.werror = WARN_ALL;
		return 0;
	}
	i = cli_name_index(cli_warn_names, CLI_NWARN, v);
	if (i < 0) {
		fprintf(stderr, "%s: Invalid --Werror option %s\n", c->progname,
			v);
		return 1;
	}
	c->diag.werror |= 1u << i;
	return 0;
}

static int cli_optimize_arg(struct cli *c, const char *v)
{
	bool no = strncmp(v, "no-", 3) == 0;
	const char *name = no ? v + 3 : v;
	int i;

	if (strcmp(v, "show") == 0) {
		cli_print_set("Optimize", cli_opt_names, CLI_NOPT, c->optimize);
		return 0;
	}
	if (strcmp(v, "0") == 0) {
		c->optimize = 0;
		return 0;
	}
	i = cli_name_index(cli_opt_names, CLI_NOPT, name);
	if (i < 0) {
		fprintf(stderr, "%s: Invalid --Optimize option %s\n",
			c->progname, v);
		return 1;
	}
	if (no)
		c->optimize &= ~(1u << i);
	else
		c->optimize |= 1u << i;
	return 0;
}

static int cli_dump_arg(struct cli *c, const char *v)
{
	bool no = strncmp(v, "no-", 3) == 0;
	const char *name = no ? v + 3 : v;
	int i;

	if (strcmp(v, "show") == 0) {
		cli_print_set("dump", cli_dump_names, CLI_NDUMP, c->dump);
		return 0;
	}
	if (strcmp(v, "variables") == 0 ||
	    strcmp(v, "expanded-variables") == 0) {
		c->dump_variables = true;
		c->dump_expanded = v[0] == 'e';
		return 0;
	}
	i = cli_name_index(cli_dump_names, CLI_NDUMP, name);
	if (i < 0) {
		fprintf(stderr, "%s: Invalid --Dump option %s\n", c->progname,
			v);
		return 1;
	}
	if (no)
		c->dump &= ~(1u << i);
	else
		c->dump |= 1u << i;
	c->skip_read_cache = true;
	return 0;
}

/* -j and --max-jobs: N, 0, auto, max or xK; -1 auto, -2 max. */
static bool cli_jobs_value(const char *v, long *jobs, long *mul)
{
	char *end;
	long n;

	*mul = 0;
	if (strcmp(v, "auto") == 0) {
		*jobs = -1;
		return true;
	}
	if (strcmp(v, "max") == 0) {
		*jobs = -2;
		return true;
	}
	if (v[0] == 'x') {
		errno = 0;
		n = strtol(v + 1, &end, 10);
		if (errno || end == v + 1 || *end || n <= 0)
			return false;
		*jobs = -1;
		*mul = n;
		return true;
	}
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < 0)
		return false;
	*jobs = n;
	return true;
}

static const char *cli_strip_slash(struct cli *c, const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	return arena_strndup(c->arena, dir, n);
}

static int cli_add_include(struct cli *c, const char *dir)
{
	if (c->nincludes >= CLI_MAX_INCLUDES) {
		fprintf(stderr,
			"Error: Could not add directory %s to search path.\n",
			dir);
		return 1;
	}
	c->includes[c->nincludes++] = cli_strip_slash(c, dir);
	return 0;
}

/* -L: comma-separated, "\," escapes a comma, at most 4 entries. */
static int cli_cache_locs(struct cli *c, const char *v)
{
	size_t len = strlen(v);
	char *buf = arena_alloc(c->arena, len + 1);
	size_t n = 0;

	c->ncache_locs = 0;
	for (size_t i = 0;; i++) {
		if (v[i] == '\\' && v[i + 1] == ',') {
			buf[n++] = ',';
			i++;
			continue;
		}
		if (v[i] != ',' && v[i] != '\0') {
			buf[n++] = v[i];
			continue;
		}
		if (c->ncache_locs == CLI_MAX_CACHE_LOCS) {
			fprintf(stderr,
				"%s: Too many cache locations, at most %d are allowed\n",
				c->progname, CLI_MAX_CACHE_LOCS);
			return 1;
		}
		c->cache_locs[c->ncache_locs++] =
			arena_strndup(c->arena, buf, n);
		n = 0;
		if (v[i] == '\0')
			break;
	}
	return 0;
}

static int cli_load_features(struct cli *c, const char *path, const char *what,
			     const struct features **out)
{
	struct features *f = NULL;
	const char *err = NULL;

	if (feat_load(c->arena, path, &f, &err) < 0) {
		fprintf(stderr, "Failed to load %s from '%s': %s\n", what, path,
			err ? err : "invalid features");
		return 1;
	}
	*out = f;
	return 0;
}

static int cli_policy_features(struct cli *c, const char *v, const char *what,
			       const struct features **out)
{
	static const char kernel_path[] =
		"/sys/kernel/security/apparmor/features";
	struct features *f = NULL;
	const char *err = NULL;

	if (strcmp(v, "<kernel>") != 0)
		return cli_load_features(c, v, what, out);
	if (feat_load(c->arena, kernel_path, &f, &err) < 0) {
		fprintf(stderr, "Kernel features abi not found\n");
		return 1;
	}
	*out = f;
	return 0;
}

static int cli_match_string(struct cli *c, const char *v)
{
	struct features *f = NULL;
	const char *err = NULL;

	if (feat_parse(c->arena, v, strlen(v), &f, &err) < 0) {
		fprintf(stderr, "Failed to parse features string: %s\n",
			err ? err : "invalid features");
		return 1;
	}
	c->kernel_features = f;
	c->policy_features = f;
	c->kernel_features_str = arena_strdup(c->arena, v);
	c->kernel_features_path = NULL;
	return 0;
}

static int cli_set_action(struct cli *c, unsigned act)
{
	c->actions |= act;
	if (c->actions & (c->actions - 1)) {
		fprintf(stderr,
			"%s: Too many actions given on the command line.\n",
			c->progname);
		return 1;
	}
	return 0;
}

static int cli_base_dir(struct cli *c, const char *v)
{
	struct stat st;

	if (stat(v, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr,
			"Error: basedir %s is not a directory, skipping.\n", v);
		return 0;
	}
	c->base_dir = cli_strip_slash(c, v);
	return 0;
}

static int cli_unsupported(struct cli *c, const char *name)
{
	fprintf(stderr, "%s: option '--%s' is not supported by this parser\n",
		c->progname, name);
	return 1;
}

static bool cli_size_value(const char *v)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || end == v || v[0] == '-')
		return false;
	(void)n;
	return *end == '\0' || strcmp(end, "KB") == 0 ||
	       strcmp(end, "MB") == 0 || strcmp(end, "GB") == 0;
}

static void cli_usage(const struct cli *c, FILE *out);
static void cli_help_topic(const struct cli *c, const char *topic, FILE *out);

/* Handles one option; returns 0, a positive exit status, or -1 when the
 * run is complete with status 0 (help, version).
 */
static int cli_handle(struct cli *c, int code, const char *v)
{
	long mul;

	switch (code) {
	case 'a':
		return cli_set_action(c, CLI_ACT_ADD);
	case 'r':
		return cli_set_action(c, CLI_ACT_REPLACE);
	case 'R':
		return cli_set_action(c, CLI_ACT_REMOVE);
	case 'S':
		return cli_set_action(c, CLI_ACT_STDOUT);
	case 'N':
		return cli_set_action(c, CLI_ACT_NAMES);
	case 'p':
		return cli_set_action(c, CLI_ACT_PREPROCESS);
	case 'o':
		c->ofile = arena_strdup(c->arena, v);
		return cli_set_action(c, CLI_ACT_OFILE);
	case 'B':
		c->binary = true;
		return 0;
	case 'b':
		return cli_base_dir(c, v);
	case 'C':
		c->complain = true;
		return 0;
	case 'c':
		return cli_unsupported(c, "zstd-compress-level");
	case 'D':
		return cli_dump_arg(c, v);
	case 'd':
		if (!v) {
			c->debug = true;
			return 0;
		}
		if (strcmp(v, "jobs") == 0 || strcmp(v, "j") == 0) {
			c->debug_jobs = true;
			return 0;
		}
		fprintf(stderr, "%s: Invalid --debug option '%s'\n",
			c->progname, v);
		return 1;
	case 'f':
		c->subdomainfs = arena_strdup(c->arena, v);
		return 0;
	case 'h':
		if (!v) {
			cli_usage(c, stdout);
			return -1;
		}
		cli_help_topic(c, v, stdout);
		return 0;
	case 'I':
		return cli_add_include(c, v);
	case 'j':
		if (!cli_jobs_value(v, &c->jobs, &c->jobs_mul)) {
			fprintf(stderr, "%s: Invalid option -j=%s\n",
				c->progname, v);
			return 1;
		}
		return 0;
	case OPT_MAX_JOBS:
		if (!cli_jobs_value(v, &c->max_jobs, &mul)) {
			fprintf(stderr, "%s: Invalid option max-jobs=%s\n",
				c->progname, v);
			return 1;
		}
		return 0;
	case 'K':
		c->skip_cache = true;
		return 0;
	case 'k':
		c->show_cache = true;
		return 0;
	case 'L':
		return cli_cache_locs(c, v);
	case 'M':
		if (cli_load_features(c, v, "features", &c->kernel_features))
			return 1;
		c->policy_features = c->kernel_features;
		c->kernel_features_path = arena_strdup(c->arena, v);
		c->kernel_features_str = NULL;
		return 0;
	case 'm':
		return cli_match_string(c, v);
	case 'n':
		c->ns = arena_strdup(c->arena, v);
		return 0;
	case 'O':
		return cli_optimize_arg(c, v);
	case 'Q':
		c->skip_kernel_load = true;
		return 0;
	case 'q':
		c->quiet = true;
		c->diag.quiet = true;
		return 0;
	case 'T':
		c->skip_read_cache = true;
		return 0;
	case 'V':
		return -2;
	case 'v':
		c->verbose = true;
		return 0;
	case 'W':
		c->write_cache = true;
		return 0;
	case 'X':
		c->read_implies_exec = true;
		return 0;
	case OPT_SKIP_BAD_CACHE:
		c->skip_bad_cache = true;
		return 0;
	case OPT_PURGE_CACHE:
		c->purge_cache = true;
		return 0;
	case OPT_CREATE_CACHE_DIR:
		c->create_cache_dir = true;
		c->write_cache = true;
		return 0;
	case OPT_PRINT_CACHE_DIR:
		c->print_cache_dir = true;
		return 0;
	case OPT_KERNEL_FEATURES:
		if (cli_load_features(c, v, "kernel features",
				      &c->kernel_features))
			return 1;
		c->kernel_features_path = arena_strdup(c->arena, v);
		c->kernel_features_str = NULL;
		return 0;
	case OPT_POLICY_FEATURES:
		return cli_policy_features(c, v, "policy-features",
					   &c->policy_features);
	case OPT_OVERRIDE_POLICY_ABI:
		return cli_policy_features(c, v, "override-policy-abi",
					   &c->override_abi);
	case OPT_CONFIG_FILE:
		return 0;
	case OPT_ABORT_ON_ERROR:
		c->abort_on_error = true;
		return 0;
	case OPT_SKIP_BAD_CACHE_REBUILD:
		c->skip_bad_cache_rebuild = true;
		return 0;
	case OPT_WARN:
		return cli_warn_arg(c, v, false);
	case OPT_WERROR:
		return cli_werror_arg(c, v);
	case OPT_DEBUG_CACHE:
		c->debug_cache = true;
		c->diag.warn_enabled |= WARN_DEBUG_CACHE;
		return 0;
	case OPT_PRINT_CONFIG_FILE:
		c->print_config_file = true;
		return 0;
	case OPT_SYNTAX_ONLY:
		c->syntax_only = true;
		return 0;
	case OPT_STRICT:
		c->strict = true;
		return 0;
	case OPT_EXTENSION_DOWNGRADE:
		c->extension_downgrade = true;
		return 0;
	case OPT_DIAGNOSTICS:
		if (strcmp(v, "gcc") == 0) {
			c->diag.format = DIAG_FORMAT_GCC;
		} else if (strcmp(v, "upstream") == 0) {
			c->diag.format = DIAG_FORMAT_UPSTREAM;
		} else {
			fprintf(stderr, "%s: Invalid --diagnostics option %s\n",
				c->progname, v);
			return 1;
		}
		return 0;
	case OPT_ESTIMATED_COMPILE_SIZE:
		if (!cli_size_value(v)) {
			fprintf(stderr,
				"%s: Invalid option estimated-compile-size=%s\n",
				c->progname, v);
			return 1;
		}
		return 0;
	case OPT_PROMPT_COMPAT:
		return cli_unsupported(c, "prompt-compat");
	case OPT_PRINT_PROMPT_COMPAT:
		return cli_unsupported(c, "print-prompt-compat");
	case OPT_DFA_CACHE_LOC:
		return cli_unsupported(c, "dfa-cache-loc");
	case OPT_SHOW_DFA_CACHE:
		return cli_unsupported(c, "show-dfa-cache");
	default:
		return 1;
	}
}

int cli_early_pass(struct cli *c, int argc, char **argv)
{
	int code, rc = 0;

	opterr = 0;
	optind = 0;
	while ((code = getopt_long(argc, argv, cli_short_opts, cli_long_opts,
				   NULL)) != -1) {
		switch (code) {
		case OPT_CONFIG_FILE:
			c->config_file = arena_strdup(c->arena, optarg);
			break;
		case OPT_WARN:
			rc = cli_warn_arg(c, optarg, true);
			break;
		case OPT_WERROR:
			rc = cli_werror_arg(c, optarg);
			break;
		default:
			break;
		}
		if (rc)
			return rc;
	}
	return 0;
}

int cli_parse_args(struct cli *c, int argc, char **argv, int *first_operand)
{
	int code, rc;

	opterr = 1;
	optind = 0;
	while ((code = getopt_long(argc, argv, cli_short_opts, cli_long_opts,
				   NULL)) != -1) {
		if (code == '?' || code == ':')
			return 1;
		rc = cli_handle(c, code, optarg);
		if (rc)
			return rc;
	}
	*first_operand = optind;
	return 0;
}

static const struct option *cli_find_long(const char *name)
{
	for (const struct option *o = cli_long_opts; o->name; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

static int cli_config_line(struct cli *c, char *line)
{
	const struct option *o;
	char *p = line, *name, *val = NULL;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0' || *p == '#')
		return 0;
	name = p;
	while (*p && *p != ' ' && *p != '\t' && *p != '=')
		p++;
	if (*p) {
		*p++ = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p)
			val = p;
	}
	o = cli_find_long(name);
	if (!o) {
		fprintf(stderr, "%s: unknown option (%s) in config file.\n",
			c->progname, name);
		return 0;
	}
	if (o->val == OPT_CONFIG_FILE)
		return 0;
	if (o->has_arg == no_argument)
		val = NULL;
	if (o->has_arg == required_argument && !val) {
		fprintf(stderr,
			"%s: option (%s) in config file requires a value.\n",
			c->progname, name);
		return 0;
	}
	return cli_handle(c, o->val, val);
}

int cli_config_text(struct cli *c, const char *text)
{
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = arena_strndup(c->arena, p, n);
		int rc;

		if (n && line[n - 1] == '\r')
			line[n - 1] = '\0';
		rc = cli_config_line(c, line);
		if (rc)
			return rc < 0 ? 0 : rc;
		p += n;
		if (*p == '\n')
			p++;
	}
	return 0;
}

int cli_config_file(struct cli *c, struct cu *warn)
{
	struct src_loc nowhere = {UINT32_MAX, 0, 0};
	FILE *f = fopen(c->config_file, "r");
	char *buf = NULL;
	size_t cap = 0, len = 0, r;
	int rc;

	if (!f) {
		diag_warn(warn, WARN_CONFIG, nowhere,
			  "config file '%s' not found", c->config_file);
		return 0;
	}
	do {
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = xrealloc(buf, cap);
		}
		r = fread(buf + len, 1, cap - len - 1, f);
		len += r;
	} while (r > 0);
	fclose(f);
	buf[len] = '\0';
	rc = cli_config_text(c, buf);
	free(buf);
	return rc;
}

void cli_finish_includes(struct cli *c)
{
	if (c->nincludes < CLI_MAX_INCLUDES)
		c->includes[c->nincludes++] = c->base_dir;
}

void cli_cu_opts(const struct cli *c, struct cu_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->include_dirs = c->includes;
	o->ninclude_dirs = c->nincludes;
	o->base_dir = c->base_dir;
	o->strict = c->strict;
	o->extension_downgrade = c->extension_downgrade;
	o->complain = c->complain;
	o->read_implies_exec = c->read_implies_exec;
	o->kernel_features = c->kernel_features;
	o->policy_features = c->policy_features;
	o->override_abi = c->override_abi;
	o->diag = &c->diag;
	o->progname = c->progname;
}

static void cli_version_header(FILE *out)
{
	fputs("AppArmor parser version 3.0.8\n", out);
}

static void cli_usage(const struct cli *c, FILE *out)
{
	cli_version_header(out);
	fprintf(out,
		"\nUsage: %s [options] [profile]\n\n"
		"Options:\n"
		"--------\n"
		"-a, --add\t\tAdd apparmor definitions [default]\n"
		"-r, --replace\t\tReplace apparmor definitions\n"
		"-R, --remove\t\tRemove apparmor definitions\n"
		"-C, --Complain\t\tForce the profile into complain mode\n"
		"-B, --binary\t\tInput is precompiled profile\n"
		"-N, --names\t\tDump names of profiles in input.\n"
		"-S, --stdout\t\tDump compiled profile to stdout\n"
		"-o n, --ofile n\t\tWrite output to file n\n"
		"-b n, --base n\t\tSet base dir\n"
		"-I n, --Include n\tAdd n to the search path\n"
		"-f n, --subdomainfs n\tSet location of apparmor filesystem (any directory with\n\t\t\t.load/.replace/.remove files, e.g. for tests)\n"
		"-m n, --match-string n  Use only features n\n"
		"-M n, --features-file n Set compile & kernel features to file n\n"
		"--policy-features n     Policy features set in file n\n"
		"--override-policy-abi n As policy-features but override ABI rules\n"
		"--kernel-features n     Kernel features set in file n\n"
		"-n n, --namespace n\tSet Namespace for the profile\n"
		"-X, --readimpliesX\tMap profile read permissions to mr\n"
		"-k, --show-cache\tReport cache hit/miss details\n"
		"-K, --skip-cache\tDo not attempt to load or save cached profiles\n"
		"-T, --skip-read-cache\tDo not attempt to load cached profiles\n"
		"-W, --write-cache\tSave cached profile\n"
		"    --skip-bad-cache\tDon't clear cache if out of sync\n"
		"    --purge-cache\tClear cache\n"
		"    --debug-cache       Debug cache file checks\n"
		"    --print-cache-dir\tPrint the cache directory path\n"
		"-L, --cache-loc n\tSet the location of the profile caches\n"
		"-q, --quiet\t\tDon't emit warnings\n"
		"-v, --verbose\t\tShow profile names as they load\n"
		"-Q, --skip-kernel-load\tDo everything except loading into kernel\n"
		"-V, --version\t\tDisplay version info and exit\n"
		"-d [n], --debug \tDump the checked IR, or -djobs: trace job control\n"
		"-p, --preprocess\tDump preprocessed profile\n"
		"-D [n], --dump\t\tDump internal info for debugging (implies -T; variables,\n\t\t\texpanded-variables, and stats, dfa-stats: a line per input)\n"
		"-O [n], --Optimize\tControl dfa optimizations (accepted; no effect: always minimized)\n"
		"-h [cmd], --help[=cmd]  Display this text or info about cmd\n"
		"-j n, --jobs n\t\tSet the number of compile workers (N, 0, auto, xK, max)\n"
		"--max-jobs n\t\tHard cap on --jobs. Default 8*cpus\n"
		"--abort-on-error\tAbort processing of profiles on first error\n"
		"--skip-bad-cache-rebuild Do not try rebuilding the cache if it is rejected by the kernel\n"
		"--config-file n\t\tSpecify the parser config file location, processed early before other options.\n"
		"--print-config-file\tPrint config file location\n"
		"--warn n\t\tEnable warnings (see --help=warn)\n"
		"--Werror [n]\t\tConvert warnings to errors. If n is specified turn warn n into an error\n"
		"--syntax-only\t\tRead, preprocess and check the input; build no automata\n"
		"--strict\t\tReject this compiler's language extensions\n"
		"--extension-downgrade\tDowngrade extensions the kernel cannot enforce\n"
		"--diagnostics=gcc|upstream  Message format (default upstream)\n",
		c->progname);
}

static void cli_help_list(FILE *out, const char *const *names, size_t n,
			  bool no)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s%s\n", no ? "[no-]" : "     ", names[i]);
}

static void cli_help_topic(const struct cli *c, const char *topic, FILE *out)
{
	if (strcmp(topic, "dump") == 0 || strcmp(topic, "Dump") == 0 ||
	    strcmp(topic, "D") == 0) {
		cli_version_header(out);
		fprintf(out, "\n%s: --dump=[Option]\n\n", c->progname);
		fputs("     variables\n     expanded-variables\n"
		      "Options:\n--------\n     show\n",
		      out);
		cli_help_list(out, cli_dump_names, CLI_NDUMP, true);
	} else if (strcmp(topic, "optimize") == 0 ||
		   strcmp(topic, "Optimize") == 0 || strcmp(topic, "O") == 0) {
		cli_version_header(out);
		fprintf(out, "\n%s: -O [Option]\n\n", c->progname);
		fputs("Options:\n--------\n     show\n     0\n", out);
		cli_help_list(out, cli_opt_names, CLI_NOPT, true);
	} else if (strcmp(topic, "warn") == 0) {
		cli_version_header(out);
		fprintf(out, "\n%s: --warn=[Option]\n\n", c->progname);
		fputs("Options:\n--------\n     show\n", out);
		cli_help_list(out, cli_warn_names, CLI_NWARN, true);
		fputs("[no-]all\n", out);
	} else if (strcmp(topic, "Werror") == 0) {
		cli_version_header(out);
		fprintf(out, "\n%s: --Werror=[Option]\n\n", c->progname);
		fputs("Options:\n--------\n", out);
		cli_help_list(out, cli_warn_names, CLI_NWARN, false);
		fputs("     all\n", out);
	} else {
		fprintf(stderr, "%s: Invalid --help option %s\n", c->progname,
			topic);
		exit(1);
	}
	exit(0);
}

enum cli_entry cli_classify_entry(const char *name)
{
	static const char *const skip_suffix[] = {
		".dpkg-new",	".dpkg-old", ".dpkg-dist", ".dpkg-bak",
		".dpkg-remove", ".pacsave",  ".pacnew",
	};
	static const char *const ignore_suffix[] = {
		".rpmnew", ".rpmsave", ".orig", ".rej", "~",
	};
	size_t n = strlen(name);

	if (name[0] == '.' || strcmp(name, "README") == 0)
		return CLI_ENTRY_SKIP;
	for (size_t i = 0; i < sizeof(skip_suffix) / sizeof(*skip_suffix);
	     i++) {
		size_t k = strlen(skip_suffix[i]);

		if (n > k && strcmp(name + n - k, skip_suffix[i]) == 0)
			return CLI_ENTRY_SKIP;
	}
	for (size_t i = 0; i < sizeof(ignore_suffix) / sizeof(*ignore_suffix);
	     i++) {
		size_t k = strlen(ignore_suffix[i]);

		if (n > k && strcmp(name + n - k, ignore_suffix[i]) == 0)
			return CLI_ENTRY_IGNORE;
	}
	return CLI_ENTRY_USE;
}
