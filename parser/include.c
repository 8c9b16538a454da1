/* Include resolution (language.md 1.10, cli.md 3.4 and 4.2): the search
 * path for <name>, the working directory for "name", include-once per
 * scope, 'include if exists', and directory includes with upstream's
 * skip rules, scanned in ascending name order. Preprocessing phase.
 */
#include "fe_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "cu.h"
#include "vars.h"

/* The paths already included in one scope (top level or one profile). */
struct fe_incscope {
	const char **paths; /* interned */
	size_t n, cap;
};

struct fe_incscope *fe_incscope_new(struct fe_parser *p)
{
	return arena_alloc(p->arena, sizeof(struct fe_incscope));
}

static bool fe_inc_seen(const struct fe_incscope *s, const char *path)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->paths[i] == path)
			return true;
	return false;
}

static void fe_inc_add(struct fe_parser *p, struct fe_incscope *s,
		       const char *path)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		const char **v = arena_alloc_array(p->arena, cap, sizeof(*v));

		if (s->n)
			memcpy(v, s->paths, s->n * sizeof(*v));
		s->paths = v;
		s->cap = cap;
	}
	s->paths[s->n++] = path;
}

static const char *const fe_skip_silent[] = {
	".dpkg-new",	".dpkg-old", ".dpkg-dist", ".dpkg-bak",
	".dpkg-remove", ".pacsave",  ".pacnew",
};

static const char *const fe_skip_noisy[] = {
	".rpmnew", ".rpmsave", ".orig", ".rej", "~",
};

static bool fe_has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);

	return n >= k && strcmp(name + n - k, suffix) == 0;
}

bool fe_include_skip_name(const char *name, bool *noisy)
{
	*noisy = false;
	if (name[0] == '.' || strcmp(name, "README") == 0)
		return true;
	for (size_t i = 0; i < sizeof(fe_skip_silent) / sizeof(*fe_skip_silent);
	     i++)
		if (fe_has_suffix(name, fe_skip_silent[i]))
			return true;
	for (size_t i = 0; i < sizeof(fe_skip_noisy) / sizeof(*fe_skip_noisy);
	     i++) {
		if (fe_has_suffix(name, fe_skip_noisy[i])) {
			*noisy = true;
			return true;
		}
	}
	return false;
}

/* Whether @dir is one of the first @n directories of the search path. */
static bool fe_search_repeats(const struct cu_opts *o, size_t n,
			      const char *dir)
{
	for (size_t i = 0; i < n && i < o->ninclude_dirs; i++)
		if (strcmp(o->include_dirs[i], dir) == 0)
			return true;
	return false;
}

/* Find <name> in the search path: -I directories, then the base dir
 * (which the CLI also puts last in the -I list), and stat it into @sb. A
 * directory named twice is looked in once: a second look would find
 * what the first did.
 */
static const char *fe_search(struct fe_parser *p, const char *name,
			     struct stat *sb)
{
	const struct cu_opts *o = p->cu->opts;
	const char *base = o && o->base_dir ? o->base_dir : "/etc/apparmor.d";
	size_t ndirs = o ? o->ninclude_dirs : 0;

	for (size_t i = 0; i <= ndirs; i++) {
		const char *dir = i < ndirs ? o->include_dirs[i] : base;
		const char *path;

		if (i == ndirs && ndirs &&
		    strcmp(o->include_dirs[ndirs - 1], base) == 0)
			break;
		if (i && fe_search_repeats(o, i, dir))
			continue;
		path = arena_sprintf(p->arena, "%s/%s", dir, name);
		if (stat(path, sb) == 0)
			return path;
	}
	return NULL;
}

static void fe_pp_marker(struct fe_parser *p, const char *what,
			 const char *name, bool search)
{
	if (!p->pp_out || !name)
		return;
	if (search)
		fprintf(p->pp_out, "\n\n##%s <%s>\n", what, name);
	else
		fprintf(p->pp_out, "\n\n##%s \"%s\"\n", what, name);
}

static int fe_name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Include every regular file of directory @dir (skip rules, sorted). */
static int fe_include_dir(struct fe_parser *p, const char *dir,
			  const char *name, struct src_loc loc)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	const char **names = NULL;
	uint32_t *files;
	size_t n = 0, cap = 0, nf = 0;

	if (!d) {
		diag_fatal(p->cu, loc,
			   "Could not process include directory '%s' in '%s'",
			   dir, name);
		return -EINVAL;
	}
	/* The directory itself is an input: a file added to it or removed
	 * from it changes its mtime, which must invalidate a cache entry
	 * (cli.md 6.3). It holds no text. */
	cu_add_file(p->cu, dir, "", 0, loc);
	while ((de = readdir(d))) {
		bool noisy;

		if (fe_include_skip_name(de->d_name, &noisy)) {
			if (noisy)
				diag_warn(p->cu, WARN_UNEXPECTED, loc,
					  "Ignoring: '%s/%s'", dir, de->d_name);
			continue;
		}
		if (n == cap) {
			const char **v;

			cap = cap ? cap * 2 : 16;
			v = arena_alloc_array(p->arena, cap, sizeof(*v));
			if (n)
				memcpy(v, names, n * sizeof(*v));
			names = v;
		}
		names[n++] = arena_strdup(p->arena, de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), fe_name_cmp);
	files = arena_alloc_array(p->arena, n ? n : 1, sizeof(*files));
	for (size_t i = 0; i < n; i++) {
		const char *path =
			arena_intern(p->arena, arena_sprintf(p->arena, "%s/%s",
							     dir, names[i]));
		struct stat sb;

		if (stat(path, &sb) || !S_ISREG(sb.st_mode) ||
		    fe_inc_seen(p->inc, path))
			continue;
		if (cu_read_file(p->cu, path, loc, &files[nf])) {
			diag_fatal(p->cu, loc, "Could not open '%s' in '%s'",
				   path, name);
			return -EINVAL;
		}
		if (fe_lex_check_nul(p, files[nf]))
			return -EINVAL;
		fe_inc_add(p, p->inc, path);
		nf++;
	}
	fe_symtab_dir_begin(p->st);
	if (!nf)
		return fe_include_dir_done(p);
	for (size_t i = nf; i-- > 0;)
		if (fe_lex_push_file(p, files[i], i == nf - 1))
			return -EINVAL;
	return 0;
}

int fe_include(struct fe_parser *p, const char *name, bool search,
	       bool if_exists, struct src_loc loc)
{
	const char *full = name;
	struct stat sb;
	uint32_t idx;

	if (search)
		full = fe_search(p, name, &sb);
	if (!full) {
		fe_pp_marker(p, "included", name, search);
		if (if_exists)
			return 0;
		diag_fatal(p->cu, loc, "Could not open '%s'", name);
		return -EINVAL;
	}
	full = arena_intern(p->arena, full);
	if (fe_inc_seen(p->inc, full)) {
		fe_pp_marker(p, "skipped duplicate include", name, search);
		return 0;
	}
	if (!search && stat(full, &sb)) {
		if (if_exists)
			return 0;
		diag_fatal(p->cu, loc, "Could not open '%s'", name);
		return -EINVAL;
	}
	fe_pp_marker(p, "included", name, search);
	if (S_ISDIR(sb.st_mode)) {
		fe_inc_add(p, p->inc, full);
		return fe_include_dir(p, full, name, loc);
	}
	if (cu_read_file(p->cu, full, loc, &idx)) {
		if (if_exists) {
			diag_warn(p->cu, WARN_UNEXPECTED, loc,
				  "Could not open '%s'", full);
			return 0;
		}
		diag_fatal(p->cu, loc, "Could not open '%s'", name);
		return -EINVAL;
	}
	fe_inc_add(p, p->inc, full);
	return fe_lex_push_file(p, idx, false);
}

int fe_include_dir_done(struct fe_parser *p)
{
	return fe_symtab_dir_end(p->st);
}
