/* apparmor_parser's main program: options and config file (opts.c), then
 * one compilation unit per input (file, directory entry or stdin) run
 * through the front end, with diagnostics flushed in input order and the
 * exit status of cli.md 8. Knows the stages only through include/.
 */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "backend.h"
#include "cu.h"
#include "fe.h"
#include "ir.h"

/* Program state: the parsed options and the run's progress. */
struct cli_run {
	struct cli *c;
	struct cu_opts opts;	 /* shared by every unit */
	int rc;			 /* exit status of the last failure */
	bool stop;		 /* --abort-on-error after a failure */
	bool told_unimplemented; /* the backend message was printed */
	char *obuf; /* -o: every unit's writes, written at the end */
	size_t olen, ocap;
	bool ofailed; /* a unit failed: -o writes nothing */
};

static struct cli cli_state;

static void cli_fail(struct cli_run *r, int rc)
{
	r->rc = rc;
	r->ofailed = true;
	if (r->c->abort_on_error)
		r->stop = true;
}

static bool cli_needs_backend(const struct cli *c)
{
	if (c->syntax_only || c->debug)
		return false;
	if (c->actions & (CLI_ACT_NAMES | CLI_ACT_PREPROCESS))
		return false;
	if ((c->actions & CLI_ACT_REMOVE) && c->skip_kernel_load)
		return false;
	return true;
}

/* Whether the action is served by compiling alone: -S, -o, or -a/-r
 * with -Q (no kernel write). Loading into the kernel is not written yet.
 */
static bool cli_compile_only(const struct cli *c)
{
	if (c->actions & (CLI_ACT_STDOUT | CLI_ACT_OFILE))
		return true;
	return c->skip_kernel_load && !(c->actions & CLI_ACT_REMOVE);
}

static void cli_obuf_add(struct cli_run *r, const uint8_t *p, size_t n)
{
	if (r->olen + n > r->ocap) {
		r->ocap = (r->olen + n) * 2;
		r->obuf = xrealloc(r->obuf, r->ocap);
	}
	memcpy(r->obuf + r->olen, p, n);
	r->olen += n;
}

/* Compile @pol and send its writes where the action says. */
static void cli_compile(struct cli_run *r, struct cu *cu,
			const struct ir_policy *pol)
{
	const struct cli *c = r->c;
	struct be_options bo = { 0 };
	struct be_result res = { 0 };

	bo.kernel = c->kernel_features;
	bo.policy = c->policy_features ? c->policy_features
				       : c->kernel_features;
	bo.force_complain = c->complain || cu->opts->complain;
	bo.extension_downgrade = c->extension_downgrade;
	if (be_compile(cu, pol, &bo, &res) != 0 || diag_error_count(cu)) {
		cli_fail(r, 1);
		return;
	}
	for (size_t i = 0; i < res.nwrites; i++) {
		const struct be_write *w = &res.writes[i];

		if (c->actions & CLI_ACT_STDOUT) {
			if (fwrite(w->data, 1, w->len, stdout) != w->len) {
				fprintf(stderr, "%s: Unable to write to stdout\n",
					c->progname);
				cli_fail(r, 1);
				return;
			}
		} else if (c->actions & CLI_ACT_OFILE) {
			cli_obuf_add(r, w->data, w->len);
		}
	}
}

/* -o: write every unit's output to a temporary file beside the target
 * and rename it into place, so a failure never leaves a partial file.
 */
static void cli_write_ofile(struct cli_run *r)
{
	const struct cli *c = r->c;
	char *tmp = NULL;
	FILE *f;
	int ok;

	if (!(c->actions & CLI_ACT_OFILE) || !c->ofile || r->ofailed)
		return;
	if (asprintf(&tmp, "%s.XXXXXX", c->ofile) < 0)
		goto out_fail;
	{
		int fd = mkstemp(tmp);
		mode_t mask = umask(0);

		umask(mask);
		if (fd < 0)
			goto out_fail;
		if (fchmod(fd, 0666 & ~mask) < 0) {
			close(fd);
			unlink(tmp);
			goto out_fail;
		}
		f = fdopen(fd, "wb");
		if (!f) {
			close(fd);
			unlink(tmp);
			goto out_fail;
		}
	}
	ok = fwrite(r->obuf ? r->obuf : "", 1, r->olen, f) == r->olen;
	ok = (fclose(f) == 0) && ok;
	if (!ok || rename(tmp, c->ofile) < 0) {
		unlink(tmp);
		goto out_fail;
	}
	free(tmp);
	return;
out_fail:
	free(tmp);
	fprintf(stderr, "%s: Unable to write to output file\n", c->progname);
	cli_fail(r, 1);
}

static void cli_backend_missing(struct cli_run *r)
{
	const struct cli *c = r->c;
	const char *what;

	if (c->actions & CLI_ACT_REMOVE)
		what = "removing profiles from the kernel";
	else
		what = "loading policy into the kernel";
	if (!r->told_unimplemented)
		fprintf(stderr,
			"%s: %s is not implemented yet; use -S, -o or -Q to compile, or --syntax-only, -p or -N to check policy\n",
			c->progname, what);
	r->told_unimplemented = true;
	cli_fail(r, 1);
}

static int cli_read_stream(FILE *f, char **buf, size_t *len)
{
	size_t cap = 0, n;

	*buf = NULL;
	*len = 0;
	do {
		if (*len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 16384;
			*buf = xrealloc(*buf, cap);
		}
		n = fread(*buf + *len, 1, cap - *len - 1, f);
		*len += n;
	} while (n > 0);
	(*buf)[*len] = '\0';
	return ferror(f) ? -EIO : 0;
}

/* disable/ and force-complain/ (cli.md 4.3); true when the file is
 * skipped. Sets *complain for force-complain.
 */
static bool cli_disabled(struct cli_run *r, const char *path, bool *complain)
{
	const struct cli *c = r->c;
	const char *base = strrchr(path, '/');
	char *p;
	bool skip = false;

	base = base ? base + 1 : path;
	*complain = false;
	if (r->c->actions & (CLI_ACT_PREPROCESS | CLI_ACT_REMOVE))
		return false;
	if (asprintf(&p, "%s/disable/%s", c->base_dir, base) < 0)
		return false;
	if (access(p, R_OK) == 0) {
		if (!c->quiet)
			fprintf(stderr, "Skipping profile in %s/disable: %s\n",
				c->base_dir, base);
		skip = true;
	}
	free(p);
	if (skip)
		return true;
	if (asprintf(&p, "%s/force-complain/%s", c->base_dir, base) < 0)
		return false;
	if (access(p, F_OK) == 0) {
		fprintf(stderr,
			"Warning: found %s in %s/force-complain, forcing complain mode\n",
			base, c->base_dir);
		*complain = true;
	}
	free(p);
	return false;
}

/* After the front end succeeded: what the action does with the IR. */
static void cli_act(struct cli_run *r, struct cu *cu,
		    const struct ir_policy *pol)
{
	const struct cli *c = r->c;

	if (c->actions & CLI_ACT_NAMES) {
		cli_print_names(cu->arena, pol, c->ns, stdout);
		return;
	}
	if (c->debug) {
		fputs("----- Debugging built structures -----\n", stdout);
		if (pol)
			ir_dump(pol, stdout);
		return;
	}
	if (cli_needs_backend(c) && cli_compile_only(c))
		cli_compile(r, cu, pol);
	else if (cli_needs_backend(c))
		cli_backend_missing(r);
}

/* One compilation unit: @arg as typed (NULL for stdin), @path the file
 * to read (NULL for stdin).
 */
static void cli_unit(struct cli_run *r, const char *arg, const char *path)
{
	const struct cli *c = r->c;
	struct cu_opts uopts = r->opts;
	struct ir_policy *pol = NULL;
	struct cu *cu;
	char *text = NULL;
	size_t len = 0;
	bool complain = false;
	int err;

	if (path && cli_disabled(r, path, &complain))
		return;
	if (complain)
		uopts.complain = true;
	cu = cu_create(&uopts, arg);
	if (!path) {
		struct src_loc nowhere = {UINT32_MAX, 0, 0};

		if (c->write_cache)
			diag_warn(
				cu, WARN_CACHE, nowhere,
				"cannot use or update cache, disable, or force-complain via stdin");
		if (cli_read_stream(stdin, &text, &len) < 0) {
			fprintf(stderr, "%s: Error reading stdin\n",
				c->progname);
			free(text);
			cu_destroy(cu);
			cli_fail(r, 1);
			return;
		}
	}
	if (c->actions & CLI_ACT_PREPROCESS)
		err = fe_preprocess(cu, path, text, len, stdout);
	else if (path)
		err = fe_parse_file(cu, path, &pol);
	else
		err = fe_parse_buffer(cu, "stdin", text, len, &pol);
	free(text);
	if (err == 0 && diag_error_count(cu) == 0) {
		if (!(c->actions & CLI_ACT_PREPROCESS))
			cli_act(r, cu, pol);
	} else if (err < 0 && err != -EINVAL && diag_error_count(cu) == 0) {
		fflush(stdout);
		diag_flush(cu, stderr);
		fprintf(stderr, "Error: Could not read profile %s: %s.\n",
			path ? path : "stdin", strerror(-err));
		cli_fail(r, -err);
		cu_destroy(cu);
		return;
	} else {
		cli_fail(r, 1);
	}
	fflush(stdout);
	diag_flush(cu, stderr);
	cu_destroy(cu);
}

static void cli_dir(struct cli_run *r, const char *dir)
{
	struct dirent **ents = NULL;
	int n, bad = 0;

	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0) {
		int e = errno;

		fprintf(stderr,
			"There was an error while loading profiles from %s\n",
			dir);
		cli_fail(r, e ? e : 1);
		return;
	}
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		struct stat st;
		char *path;

		if (r->stop)
			break;
		switch (cli_classify_entry(name)) {
		case CLI_ENTRY_SKIP:
			continue;
		case CLI_ENTRY_IGNORE:
			fprintf(stderr, "Ignoring: '%s'\n", name);
			continue;
		case CLI_ENTRY_USE:
			break;
		}
		if (asprintf(&path, "%s/%s", dir, name) < 0)
			continue;
		if (stat(path, &st) < 0) {
			bad = errno ? errno : 1;
			if (r->c->abort_on_error)
				r->stop = true;
		} else if (!S_ISDIR(st.st_mode)) {
			cli_unit(r, dir, path);
		}
		free(path);
	}
	for (int i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	if (bad) {
		fprintf(stderr,
			"There was an error while loading profiles from %s\n",
			dir);
		r->rc = bad;
	}
}

static void cli_operand(struct cli_run *r, const char *arg)
{
	struct stat st;

	if (stat(arg, &st) < 0) {
		int e = errno;

		if (e == ENOENT)
			fprintf(stderr, "File %s not found, skipping...\n",
				arg);
		else
			fprintf(stderr,
				"Error: Could not read profile %s: %s.\n", arg,
				strerror(e));
		cli_fail(r, e);
		return;
	}
	if (S_ISDIR(st.st_mode))
		cli_dir(r, arg);
	else
		cli_unit(r, arg, arg);
}

static void cli_version(void)
{
	printf("AppArmor parser version 3.0.8\n"
	       "aacc version %s (an AppArmor policy compiler written in C, not AppArmor's own parser)\n"
	       "Copyright 2026 the aacc authors\n",
	       AACC_VERSION);
}

/* Options that are accepted but whose whole behaviour needs stages that
 * are not written yet: refuse them rather than pretend.
 */
static int cli_refuse_unimplemented(const struct cli *c)
{
	const char *what = NULL;

	if (c->purge_cache)
		what = "--purge-cache";
	else if (c->print_cache_dir)
		what = "--print-cache-dir";
	else if (c->binary)
		what = "-B/--binary (loading precompiled policy)";
	else if (c->dump_variables)
		what = "-D variables";
	if (!what)
		return 0;
	fprintf(stderr, "%s: %s is not implemented yet\n", c->progname, what);
	return 1;
}

static int cli_setup(struct cli *c, int argc, char **argv, int *first)
{
	struct cu_opts wopts;
	struct cu *wcu;
	unsigned errs;
	int rc;

	rc = cli_early_pass(c, argc, argv);
	if (rc)
		return rc;
	cli_cu_opts(c, &wopts);
	wcu = cu_create(&wopts, NULL);
	rc = cli_config_file(c, wcu);
	errs = diag_error_count(wcu);
	diag_flush(wcu, stderr);
	cu_destroy(wcu);
	if (rc)
		return rc;
	if (errs)
		return 1;
	rc = cli_parse_args(c, argc, argv, first);
	if (rc == -1)
		return -1;
	if (rc == -2) {
		cli_version();
		return -1;
	}
	if (rc)
		return rc;
	if (c->print_config_file) {
		printf("%s\n", c->config_file);
		return -1;
	}
	cli_finish_includes(c);
	return cli_refuse_unimplemented(c);
}

int main(int argc, char **argv)
{
	struct cli_run r = {0};
	int first = argc, rc;

	cli_init(&cli_state, argv[0], arena_create());
	r.c = &cli_state;
	rc = cli_setup(&cli_state, argc, argv, &first);
	if (rc) {
		arena_destroy(cli_state.arena);
		return rc < 0 ? 0 : rc;
	}
	cli_cu_opts(&cli_state, &r.opts);
	if (first >= argc)
		cli_unit(&r, NULL, NULL);
	for (int i = first; i < argc && !r.stop; i++)
		cli_operand(&r, argv[i]);
	cli_write_ofile(&r);
	fflush(stdout);
	free(r.obuf);
	arena_destroy(cli_state.arena);
	return r.rc;
}
