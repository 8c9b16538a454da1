/* apparmor_parser's main program: options and config file (opts.c), the
 * kernel features, cache and kernel interface of the run, then one
 * compilation unit per input (file, directory entry or stdin) run through
 * the front end and backend by the job runner (jobs.c), with output,
 * kernel writes (load.c) and the exit status of cli.md 8 in input order.
 * Knows the stages only through include/.
 */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/apparmor.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "backend.h"
#include "cache.h"
#include "cu.h"
#include "fe.h"
#include "feat.h"
#include "ir.h"

/* One entry of the work list: a unit to run, or a message to print in
 * its place (a missing operand, an unreadable directory).
 */
struct cli_item {
	const char *arg;  /* operand as typed; NULL for stdin */
	const char *path; /* file to read; NULL for stdin or a message */
	const char *msg;  /* message line(s) for stderr, or NULL */
	int rc;		  /* exit status a message stands for */
};

/* Program state: the parsed options and the run's progress. */
struct cli_run {
	struct cli *c;
	struct cu_opts opts; /* shared by every unit */
	struct cli_item *items;
	size_t nitems, capitems;
	struct aa_features *kf; /* kernel features (libapparmor), or NULL */
	struct cli_kernel kernel;
	bool loading; /* kernel writes (or -Q success lines) */
	struct cache_cfg cache_cfg;
	struct cache *cache; /* NULL: no caching */
	int rc;		     /* exit status of the last failure */
	bool ofailed;	     /* a unit failed: -o writes nothing */
	char *obuf;	     /* -o: every unit's bytes, written at the end */
	size_t olen, ocap;
	bool rebuild; /* in-process rebuild after a rejected cached blob */
};

static void cli_fail(struct cli_run *r, int rc)
{
	r->rc = rc;
	r->ofailed = true;
}

static bool cli_is_load_action(const struct cli *c)
{
	return !(c->actions &
		 ~(unsigned)(CLI_ACT_ADD | CLI_ACT_REPLACE | CLI_ACT_REMOVE));
}

/* Whether the units only need the front end: no blob is made. */
static bool cli_check_only(const struct cli *c)
{
	if (c->syntax_only || c->debug || c->dump_variables)
		return true;
	return (c->actions & (CLI_ACT_NAMES | CLI_ACT_PREPROCESS)) != 0;
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

/* -o: write every unit's output to a temporary file beside the target
 * and rename it into place, so a failure never leaves a partial file.
 */
static void cli_write_ofile(struct cli_run *r)
{
	const struct cli *c = r->c;
	char *tmp = NULL;
	FILE *f;
	int ok, fd;
	mode_t mask;

	if (!(c->actions & CLI_ACT_OFILE) || !c->ofile || r->ofailed)
		return;
	if (asprintf(&tmp, "%s.XXXXXX", c->ofile) < 0) {
		tmp = NULL;
		goto out_fail;
	}
	fd = mkstemp(tmp);
	mask = umask(0);
	umask(mask);
	if (fd < 0)
		goto out_fail;
	if (fchmod(fd, 0666 & ~mask) < 0) {
		close(fd);
		goto out_unlink;
	}
	f = fdopen(fd, "wb");
	if (!f) {
		close(fd);
		goto out_unlink;
	}
	ok = fwrite(r->obuf ? r->obuf : "", 1, r->olen, f) == r->olen;
	ok = (fclose(f) == 0) && ok;
	if (!ok || rename(tmp, c->ofile) < 0)
		goto out_unlink;
	free(tmp);
	return;
out_unlink:
	unlink(tmp);
out_fail:
	free(tmp);
	fprintf(stderr, "%s: Unable to write to output file\n", c->progname);
	cli_fail(r, 1);
}

static int cli_read_fd(int fd, char **buf, size_t *len)
{
	size_t cap = 0;
	ssize_t n;

	*buf = NULL;
	*len = 0;
	do {
		if (*len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 16384;
			*buf = xrealloc(*buf, cap);
		}
		n = read(fd, *buf + *len, cap - *len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n > 0)
			*len += (size_t)n;
	} while (n != 0 && !(n < 0 && errno != EINTR));
	(*buf)[*len] = '\0';
	return n < 0 ? -errno : 0;
}

/* disable/ and force-complain/ (cli.md 4.3); true when the file is
 * skipped. Sets *complain for force-complain.
 */
static bool cli_disabled(const struct cli_run *r, const char *path,
			 bool *complain)
{
	const struct cli *c = r->c;
	const char *base = strrchr(path, '/');
	char *p;
	bool skip = false;

	base = base ? base + 1 : path;
	*complain = false;
	if (c->actions & (CLI_ACT_PREPROCESS | CLI_ACT_REMOVE))
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

/* -n NS: every top-level profile goes to NS (cli.md 3.1). */
static void cli_override_ns(const struct cli_run *r, struct cu *cu,
			    struct ir_policy *pol)
{
	const struct cli *c = r->c;

	for (struct ir_profile *p = pol->profiles; p; p = p->next) {
		if (p->ns && strcmp(p->ns, c->ns) != 0)
			diag_warn(
				cu, WARN_OVERRIDE, p->loc,
				"%s: -n %s overriding policy specified namespace :%s:",
				c->progname, c->ns, p->ns);
		p->ns = arena_intern(cu->arena, c->ns);
	}
}

static int cli_ns_name_cmp(const void *x, const void *y)
{
	const struct ir_profile *a = *(const struct ir_profile *const *)x;
	const struct ir_profile *b = *(const struct ir_profile *const *)y;
	int d;

	if (!a->ns || !b->ns)
		d = (a->ns != NULL) - (b->ns != NULL);
	else
		d = strcmp(a->ns, b->ns);
	return d ? d : strcmp(a->name, b->name);
}

/* -R: the fully qualified names of the top-level profiles, sorted by
 * namespace then name, as "fqname\0name\0" pairs.
 */
static void cli_remove_list(struct cu *cu, const struct ir_policy *pol,
			    struct cli_result *res)
{
	const struct ir_profile **v;
	size_t n = 0, i = 0;
	FILE *f;

	for (const struct ir_profile *p = pol->profiles; p; p = p->next)
		n++;
	res->remove = true;
	res->has_data = true;
	if (!n)
		return;
	v = arena_alloc_array(cu->arena, n, sizeof(*v));
	for (const struct ir_profile *p = pol->profiles; p; p = p->next)
		v[i++] = p;
	qsort(v, n, sizeof(*v), cli_ns_name_cmp);
	f = open_memstream((char **)&res->data, &res->len);
	if (!f)
		return;
	for (i = 0; i < n; i++) {
		if (v[i]->ns)
			fprintf(f, ":%s://%s", v[i]->ns, v[i]->name);
		else
			fputs(v[i]->name, f);
		fputc('\0', f);
		fputs(v[i]->name, f);
		fputc('\0', f);
	}
	fclose(f);
}

/* The version word the backend writes for these features (spec cli.md
 * 6.3): kernel ABI in bits 0-9, parser ABI and policy version 2 in bits
 * 12-19 and 20-27 when the ABI is above 5; complain units are not cached.
 */
/* The cache entry name of a unit: the profile file's basename. */
static const char *cli_entry_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* -D stats, -D dfa-stats: one line per unit on stderr, in this
 * parser's own format.
 */
static void cli_dump_stats(struct cu *cu, const struct be_result *out,
			   const struct cli_result *res)
{
	struct cli_blob *v;
	size_t n = 0;

	if (res->len)
		cli_blob_split(cu->arena, res->data, res->len, &v, &n);
	fprintf(stderr,
		"Stats for %s: %zu profiles, %u DFA states written, %llu built before minimization, %zu bytes\n",
		cu->arg ? cu->arg : "stdin", n, out->states_total,
		(unsigned long long)out->states_built, res->len);
}

/* Compile @pol (or take it from the cache) into res->data. */
static void cli_compile(const struct cli_run *r, struct cu *cu,
			const struct ir_policy *pol, bool complain,
			struct cli_result *res)
{
	const struct cli *c = r->c;
	struct be_options bo = {0};
	struct be_result out = {0};
	const char **inputs = NULL;
	struct cache *cache = complain ? NULL : r->cache;
	const char *entry = NULL;
	FILE *f;

	bo.kernel = c->kernel_features;
	bo.policy =
		c->policy_features ? c->policy_features : c->kernel_features;
	bo.force_complain = c->complain || complain;
	bo.extension_downgrade = c->extension_downgrade;
	if (cache && cu->arg && cu->nfiles) {
		void *buf = NULL;
		size_t len = 0;

		entry = cli_entry_name(cu->files[0].path);
		inputs = arena_alloc_array(cu->arena, cu->nfiles,
					   sizeof(*inputs));
		for (size_t i = 0; i < cu->nfiles; i++)
			inputs[i] = cu->files[i].path;
		if (!r->rebuild &&
		    cache_read(cache, cu, entry, inputs, cu->nfiles,
			       be_header_word(&bo), &buf, &len) == 1) {
			res->data = buf;
			res->len = len;
			res->has_data = true;
			res->cached = true;
			/* the hit may come from a read-only location */
			res->label = strdup(cache_hit_path(cache)
						    ? cache_hit_path(cache)
						    : entry);
			return;
		}
	}
	if (be_compile(cu, pol, &bo, &out) != 0 || diag_error_count(cu)) {
		res->rc = 1;
		return;
	}
	f = open_memstream((char **)&res->data, &res->len);
	if (!f) {
		res->rc = 1;
		return;
	}
	for (size_t i = 0; i < out.nwrites; i++)
		fwrite(out.writes[i].data, 1, out.writes[i].len, f);
	if (fclose(f) != 0) {
		res->rc = 1;
		return;
	}
	res->has_data = true;
	if (c->dump & (CLI_DUMP_STATS | CLI_DUMP_DFA_STATS))
		cli_dump_stats(cu, &out, res);
	if (cache && entry && c->write_cache)
		cache_write(cache, cu, entry, inputs, cu->nfiles, res->data,
			    res->len);
}

/* After the front end succeeded: what the action does with the IR. */
static void cli_act(const struct cli_run *r, struct cu *cu,
		    struct ir_policy *pol, bool complain,
		    struct cli_result *res)
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
	if (c->dump_variables) {
		if (pol &&
		    fe_dump_variables(cu, pol, c->dump_expanded, stdout) < 0)
			res->rc = 1;
		return;
	}
	if (c->syntax_only || !pol)
		return;
	if (c->ns)
		cli_override_ns(r, cu, pol);
	if (c->actions & CLI_ACT_REMOVE) {
		cli_remove_list(cu, pol, res);
		return;
	}
	cli_compile(r, cu, pol, complain, res);
}

/* -B -R: remove the top-level profiles the blobs name. */
static void cli_binary_remove(const char *buf, size_t len,
			      struct cli_result *res)
{
	struct arena *a = arena_create();
	struct cli_blob *v;
	size_t n = 0;
	FILE *f;

	res->remove = true;
	res->has_data = true;
	if (len && cli_blob_split(a, (const uint8_t *)buf, len, &v, &n) < 0)
		n = 0;
	f = open_memstream((char **)&res->data, &res->len);
	for (size_t i = 0; f && i < n; i++) {
		if (v[i].depth || !v[i].name[0])
			continue;
		if (v[i].ns)
			fprintf(f, ":%s://%s", v[i].ns, v[i].name);
		else
			fputs(v[i].name, f);
		fputc('\0', f);
		fputs(v[i].name, f);
		fputc('\0', f);
	}
	if (f)
		fclose(f);
	arena_destroy(a);
}

/* -B: the operand's bytes are the blobs. */
static void cli_binary_unit(const struct cli_run *r, const char *path,
			    struct cli_result *res)
{
	char *buf = NULL;
	size_t len = 0;
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	int err = fd < 0 ? -errno : cli_read_fd(fd, &buf, &len);

	if (path && fd >= 0)
		close(fd);
	if (err < 0) {
		free(buf);
		fprintf(stderr, "Error: Could not read profile %s: %s.\n",
			path ? path : "stdin", strerror(-err));
		res->rc = -err;
		return;
	}
	if (r->c->actions & CLI_ACT_REMOVE) {
		cli_binary_remove(buf, len, res);
		free(buf);
		return;
	}
	res->data = (uint8_t *)buf;
	res->len = len;
	res->has_data = true;
	res->cached = true;
	res->label = strdup(path ? path : "stdin");
}

/* One compilation unit: @arg as typed (NULL for stdin), @path the file
 * to read (NULL for stdin).
 */
static void cli_unit(const struct cli_run *r, const char *arg, const char *path,
		     struct cli_result *res)
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
	if (c->binary) {
		cli_binary_unit(r, path, res);
		return;
	}
	if (complain)
		uopts.complain = true;
	cu = cu_create(&uopts, arg);
	if (!path) {
		struct src_loc nowhere = {UINT32_MAX, 0, 0};

		if (c->write_cache)
			diag_warn(
				cu, WARN_CACHE, nowhere,
				"%s: cannot use or update cache, disable, or force-complain via stdin",
				c->progname);
		if (cli_read_fd(STDIN_FILENO, &text, &len) < 0) {
			fprintf(stderr, "%s: Error reading stdin\n",
				c->progname);
			free(text);
			cu_destroy(cu);
			res->rc = 1;
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
		if (complain && r->cache && c->write_cache) {
			struct src_loc end = {0, 0, 0};

			end.line = 1;
			for (size_t i = 0; i < cu->files[0].len; i++)
				end.line += cu->files[0].text[i] == '\n';
			diag_warn(
				cu, WARN_CACHE, end,
				"Caching disabled for: '%s' due to force complain",
				cli_entry_name(path));
		}
		if (!(c->actions & CLI_ACT_PREPROCESS))
			cli_act(r, cu, pol, complain, res);
		if (diag_error_count(cu) && !res->rc)
			res->rc = 1;
	} else if (err < 0 && err != -EINVAL && diag_error_count(cu) == 0) {
		fflush(stdout);
		diag_flush(cu, stderr);
		fprintf(stderr, "Error: Could not read profile %s: %s.\n",
			path ? path : "stdin", strerror(-err));
		res->rc = -err;
		cu_destroy(cu);
		return;
	} else {
		res->rc = 1;
	}
	if (res->rc) {
		free(res->data);
		res->data = NULL;
		res->len = 0;
		res->has_data = false;
	}
	fflush(stdout);
	diag_flush(cu, stderr);
	cu_destroy(cu);
}

static void cli_job_run(void *ctx, size_t i, struct cli_result *res)
{
	struct cli_run *r = ctx;
	const struct cli_item *it = &r->items[i];

	if (it->msg)
		return;
	cli_unit(r, it->arg, it->path, res);
}

/* Kernel writes (or, under -Q, only the -v lines) of one unit. */
static int cli_load_result(struct cli_run *r, struct cli_result *res)
{
	const struct cli *c = r->c;
	struct arena *a = arena_create();
	int rc;

	if (res->remove) {
		const char **fq = NULL, **names = NULL;
		struct cli_remove rm = {0};
		size_t n = 0;

		for (size_t off = 0; off < res->len; n++) {
			size_t l1 = strlen((char *)res->data + off) + 1;

			off += l1 + strlen((char *)res->data + off + l1) + 1;
		}
		fq = arena_alloc_array(a, n ? n : 1, sizeof(*fq));
		names = arena_alloc_array(a, n ? n : 1, sizeof(*names));
		for (size_t i = 0, off = 0; i < n; i++) {
			fq[i] = (char *)res->data + off;
			off += strlen(fq[i]) + 1;
			names[i] = (char *)res->data + off;
			off += strlen(names[i]) + 1;
		}
		rm.progname = c->progname;
		rm.fqnames = fq;
		rm.names = names;
		rm.n = n;
		rm.verbose = c->verbose;
		rc = cli_remove_names(&r->kernel, a, &rm, stdout, stderr);
	} else {
		struct cli_load l = {0};

		l.progname = c->progname;
		l.data = res->data;
		l.len = res->len;
		l.replace = (c->actions & CLI_ACT_REPLACE) != 0;
		l.verbose = c->verbose;
		l.label = res->cached ? res->label : NULL;
		rc = cli_load_unit(&r->kernel, a, &l, stdout, stderr);
	}
	arena_destroy(a);
	return rc;
}

static bool cli_job_emit(void *ctx, size_t i, struct cli_result *res)
{
	struct cli_run *r = ctx;
	const struct cli *c = r->c;
	const struct cli_item *it = &r->items[i];
	int rc = res->rc;

	if (it->msg) {
		fputs(it->msg, stderr);
		rc = it->rc;
	} else if (!rc && res->has_data) {
		if (c->actions & CLI_ACT_STDOUT) {
			if (fwrite(res->data, 1, res->len, stdout) !=
				    res->len ||
			    fflush(stdout) != 0) {
				fprintf(stderr,
					"%s: Unable to write to stdout\n",
					c->progname);
				rc = 1;
			}
		} else if (c->actions & CLI_ACT_OFILE) {
			cli_obuf_add(r, res->data, res->len);
		} else if (r->loading) {
			rc = cli_load_result(r, res);
			if (rc && res->cached && r->cache && !c->binary &&
			    !c->skip_bad_cache_rebuild) {
				/* the kernel refused a cached blob: rebuild */
				struct cli_result again = {0};

				r->rebuild = true;
				cli_unit(r, it->arg, it->path, &again);
				r->rebuild = false;
				rc = again.rc;
				if (!rc && again.has_data)
					rc = cli_load_result(r, &again);
				cli_result_free(&again);
			}
			if (rc)
				rc = cli_exit_errno(rc);
		}
	}
	fflush(stdout);
	if (rc) {
		cli_fail(r, rc);
		return c->abort_on_error;
	}
	return false;
}

static void cli_add_item(struct cli_run *r, const char *arg, const char *path,
			 const char *msg, int rc)
{
	struct cli_item *it;

	if (r->nitems == r->capitems) {
		r->capitems = r->capitems ? 2 * r->capitems : 16;
		r->items = xrealloc(r->items, r->capitems * sizeof(*r->items));
	}
	it = &r->items[r->nitems++];
	it->arg = arg;
	it->path = path;
	it->msg = msg;
	it->rc = rc;
}

/* A directory operand: every entry in alphasort order (cli.md 4.2). */
static void cli_dir(struct cli_run *r, const char *dir)
{
	struct arena *a = r->c->arena;
	struct dirent **ents = NULL;
	int n, bad = 0;
	const char *err;

	err = arena_sprintf(
		a, "There was an error while loading profiles from %s\n", dir);
	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0) {
		cli_add_item(r, dir, NULL, err, errno ? errno : 1);
		return;
	}
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		struct stat st;
		const char *path;

		switch (cli_classify_entry(name)) {
		case CLI_ENTRY_SKIP:
			continue;
		case CLI_ENTRY_IGNORE:
			cli_add_item(r, dir, NULL,
				     arena_sprintf(a, "Ignoring: '%s'\n", name),
				     0);
			continue;
		case CLI_ENTRY_USE:
			break;
		}
		path = arena_sprintf(a, "%s/%s", dir, name);
		if (stat(path, &st) < 0) {
			bad = errno ? errno : 1;
			if (r->c->abort_on_error)
				break;
		} else if (!S_ISDIR(st.st_mode)) {
			cli_add_item(r, dir, path, NULL, 0);
		}
	}
	for (int i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	if (bad)
		cli_add_item(r, dir, NULL, err, bad);
}

static void cli_operand(struct cli_run *r, const char *arg)
{
	struct arena *a = r->c->arena;
	struct stat st;

	if (stat(arg, &st) < 0) {
		int e = errno;

		if (e == ENOENT)
			cli_add_item(r, arg, NULL,
				     arena_sprintf(
					     a,
					     "File %s not found, skipping...\n",
					     arg),
				     e);
		else
			cli_add_item(
				r, arg, NULL,
				arena_sprintf(
					a,
					"Error: Could not read profile %s: %s.\n",
					arg, strerror(e)),
				e);
		return;
	}
	if (S_ISDIR(st.st_mode))
		cli_dir(r, arg);
	else
		cli_add_item(r, arg, arg, NULL, 0);
}

static void cli_version(void)
{
	printf("AppArmor parser version 3.0.8\n"
	       "aacc version %s (an AppArmor policy compiler written in C, not AppArmor's own parser)\n"
	       "Copyright 2026 the aacc authors\n",
	       AACC_VERSION);
}

/* Our model of features libapparmor read, through its flattened text. */
static const struct features *cli_features_from_aa(struct cli *c,
						   aa_features *kf)
{
	struct features *f = NULL;
	const char *err = NULL;
	char *text = NULL;
	size_t len = 0;
	int fd = memfd_create("aacc-features", MFD_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (aa_features_write_to_fd(kf, fd) < 0 || lseek(fd, 0, SEEK_SET) < 0 ||
	    cli_read_fd(fd, &text, &len) < 0 ||
	    feat_parse(c->arena, text, len, &f, &err) < 0)
		f = NULL;
	free(text);
	close(fd);
	return f;
}

/* Kernel features (cli.md 5): -M, --kernel-features or -m if given,
 * else the running kernel's through libapparmor. NULL when unknown.
 */
static struct aa_features *cli_kernel_features(struct cli *c)
{
	aa_features *kf = NULL;

	if (c->kernel_features_str) {
		if (aa_features_new_from_string(
			    &kf, c->kernel_features_str,
			    strlen(c->kernel_features_str)) < 0)
			return NULL;
		return kf;
	}
	if (c->kernel_features_path) {
		if (cache_features_load(c->kernel_features_path, &kf) < 0)
			return NULL;
		return kf;
	}
	if (cache_features_load(NULL, &kf) < 0)
		return NULL;
	if (!c->kernel_features)
		c->kernel_features = cli_features_from_aa(c, kf);
	return kf;
}

static void cli_cache_cfg(const struct cli *c, struct cache_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->progname = c->progname;
	cfg->locs = c->cache_locs;
	cfg->nlocs = c->ncache_locs;
	cfg->off = c->skip_cache || c->binary || c->complain || c->ns ||
		   cli_check_only(c) || (c->actions & CLI_ACT_REMOVE);
	cfg->write = c->write_cache;
	cfg->skip_read = c->skip_read_cache || c->dump ||
			 (c->actions & (CLI_ACT_STDOUT | CLI_ACT_OFILE));
	cfg->show = c->show_cache;
	cfg->skip_bad_cache = c->skip_bad_cache;
}

static void cli_features_missing(const struct cli *c)
{
	(void)c;
	fprintf(stderr,
		"Cache read/write disabled: interface file missing. (Kernel needs AppArmor 2.4 compatibility patch.)\n");
}

/* The run's kernel features, cache and kernel interface; a positive exit
 * status, or -1 when the run is complete (--purge-cache,
 * --print-cache-dir), or 0 to go on.
 */
static int cli_open_run(struct cli_run *r)
{
	struct cli *c = r->c;
	bool want_cache, told = false;
	struct cu_opts wopts;
	struct cu *wcu;
	int rc;

	if (c->create_cache_dir) {
		struct src_loc nowhere = {UINT32_MAX, 0, 0};

		cli_cu_opts(c, &wopts);
		wcu = cu_create(&wopts, NULL);
		diag_warn(
			wcu, WARN_DEPRECATED, nowhere,
			"The --create-cache-dir option is deprecated. Please use --write-cache.");
		rc = diag_error_count(wcu) ? 1 : 0;
		diag_flush(wcu, stderr);
		cu_destroy(wcu);
		if (rc)
			return rc;
	}
	cli_cache_cfg(c, &r->cache_cfg);
	if (c->purge_cache)
		return cache_purge(&r->cache_cfg) < 0 ? 1 : -1;
	r->loading = cli_is_load_action(c) && !cli_check_only(c);
	want_cache =
		!r->cache_cfg.off && (!r->cache_cfg.skip_read ||
				      r->cache_cfg.write || r->cache_cfg.show);
	/* libapparmor's copy of the features is for the cache and the
	 * kernel interface; with -M or -m and neither, compiling uses the
	 * copy parsed at option time, so skip reading the file again.
	 */
	if (c->print_cache_dir || want_cache ||
	    (r->loading && !c->skip_kernel_load) ||
	    (!cli_check_only(c) && !c->kernel_features_path &&
	     !c->kernel_features_str))
		r->kf = cli_kernel_features(c);
	if (!r->kf && (c->print_cache_dir || want_cache ||
		       (r->loading && !c->skip_kernel_load))) {
		cli_features_missing(c);
		told = true;
	}
	if (c->print_cache_dir) {
		if (!r->kf)
			return 1;
		return cache_print_dir(&r->cache_cfg, r->kf, stdout) < 0 ? 1
									 : -1;
	}
	if (r->loading && !c->skip_kernel_load) {
		if (cli_kernel_open(&r->kernel, r->kf, c->subdomainfs) < 0) {
			fprintf(stderr,
				"Warning: unable to find a suitable fs in /proc/mounts, is it mounted?\n"
				"Use --subdomainfs to override.\n");
			return 1;
		}
	}
	if (!want_cache || !r->kf) {
		(void)told;
		return 0;
	}
	cli_cu_opts(c, &wopts);
	wcu = cu_create(&wopts, NULL);
	rc = cache_open(&r->cache, &r->cache_cfg, r->kf, wcu);
	diag_flush(wcu, stderr);
	cu_destroy(wcu);
	if (rc < 0) {
		r->cache = NULL;
		return 1;
	}
	if (!cache_active(r->cache) && !c->show_cache) {
		cache_close(r->cache);
		r->cache = NULL;
	}
	return 0;
}

/* -o: whether a file can be made beside FILE (3.0.8 opens FILE while
 * parsing options; we only create it at the end, atomically).
 */
static bool cli_ofile_dir_ok(const char *file)
{
	const char *slash = strrchr(file, '/');
	char *dir;
	bool ok;

	if (!slash)
		return access(".", W_OK) == 0;
	dir = strndup(file, slash == file ? 1 : (size_t)(slash - file));
	ok = dir && access(dir, W_OK) == 0;
	free(dir);
	return ok;
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
	if ((c->actions & CLI_ACT_OFILE) && !cli_ofile_dir_ok(c->ofile)) {
		fprintf(stderr, "%s: Could not open file %s\n", c->progname,
			c->ofile);
		return 1;
	}
	/* -N and -R print no warnings (cli.md 3.7) */
	if (c->actions & (CLI_ACT_NAMES | CLI_ACT_REMOVE))
		c->diag.quiet = true;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct cli_job_ops ops = {cli_job_run, cli_job_emit};
	struct cli c;
	struct cli_run r = {0};
	int first = argc, rc;

	/* Page faults, not instructions, are most of a compile's cost on
	 * small machines. Keep big buffers (the DFA builder's, grown by
	 * doubling) on the heap and never trim it, so freed memory is
	 * reused instead of mapped and faulted in again (the 143 Debian
	 * profiles: 8% fewer page faults).
	 */
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	cli_init(&c, argv[0], arena_create());
	r.c = &c;
	rc = cli_setup(&c, argc, argv, &first);
	if (!rc)
		rc = cli_open_run(&r);
	if (rc) {
		cli_kernel_close(&r.kernel);
		if (r.kf)
			aa_features_unref(r.kf);
		arena_destroy(c.arena);
		return rc < 0 ? 0 : rc;
	}
	cli_cu_opts(&c, &r.opts);
	if (first >= argc)
		cli_add_item(&r, NULL, NULL, NULL, 0);
	for (int i = first; i < argc; i++)
		cli_operand(&r, argv[i]);
	cli_jobs_run(r.nitems, cli_jobs_count(&c, r.nitems), c.debug_jobs, &ops,
		     &r);
	cli_write_ofile(&r);
	fflush(stdout);
	free(r.obuf);
	free(r.items);
	cache_close(r.cache);
	cli_kernel_close(&r.kernel);
	if (r.kf)
		aa_features_unref(r.kf);
	arena_destroy(c.arena);
	return r.rc;
}
