/* Kernel feature sets: parses the flattened "name {value}" text that
 * apparmor exports (and -M files hold), or flattens a features directory
 * tree the way libapparmor does, into a tree queried by slash paths.
 * Shared by parser/, backend/ and cli/ through include/feat.h.
 */
#include "feat.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"

struct feat_parser {
	struct arena *a;
	const char *s; /* text */
	size_t len, pos;
	const char *err;
};

static bool feat_isblank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

static void skip_blanks(struct feat_parser *p)
{
	while (p->pos < p->len && feat_isblank(p->s[p->pos]))
		p->pos++;
}

/* Reads a name: a run of characters other than blanks and braces. */
static const char *read_name(struct feat_parser *p)
{
	size_t b = p->pos;

	while (p->pos < p->len && !feat_isblank(p->s[p->pos]) &&
	       p->s[p->pos] != '{' && p->s[p->pos] != '}')
		p->pos++;
	if (p->pos == b)
		return NULL;
	return arena_strndup(p->a, p->s + b, p->pos - b);
}

/* Whether the body starting at pos is a list of entries ("x {"). */
static bool body_is_dir(const struct feat_parser *p)
{
	size_t i = p->pos;

	while (i < p->len && feat_isblank(p->s[i]))
		i++;
	if (i >= p->len || p->s[i] == '{' || p->s[i] == '}')
		return false;
	while (i < p->len && !feat_isblank(p->s[i]) && p->s[i] != '{' &&
	       p->s[i] != '}')
		i++;
	while (i < p->len && feat_isblank(p->s[i]))
		i++;
	return i < p->len && p->s[i] == '{';
}

static int parse_entries(struct feat_parser *p, struct feat_node *parent,
			 bool top, int depth);

static int parse_entry(struct feat_parser *p, struct feat_node *n, int depth)
{
	size_t b, e;

	n->name = read_name(p);
	if (!n->name) {
		p->err = "expected a feature name";
		return -EINVAL;
	}
	skip_blanks(p);
	if (p->pos >= p->len || p->s[p->pos] != '{') {
		p->err =
			arena_sprintf(p->a, "expected '{' after '%s'", n->name);
		return -EINVAL;
	}
	p->pos++;
	if (body_is_dir(p))
		return parse_entries(p, n, false, depth + 1);
	b = p->pos;
	while (p->pos < p->len && p->s[p->pos] != '}' && p->s[p->pos] != '{')
		p->pos++;
	if (p->pos >= p->len || p->s[p->pos] != '}') {
		p->err = arena_sprintf(p->a, "unterminated value of '%s'",
				       n->name);
		return -EINVAL;
	}
	e = p->pos++;
	while (b < e && feat_isblank(p->s[b]))
		b++;
	while (e > b && feat_isblank(p->s[e - 1]))
		e--;
	n->value = arena_strndup(p->a, p->s + b, e - b);
	return 0;
}

static int parse_entries(struct feat_parser *p, struct feat_node *parent,
			 bool top, int depth)
{
	struct feat_node **tail = &parent->child;

	if (depth > 64) {
		p->err = "features nested too deeply";
		return -EINVAL;
	}
	for (;;) {
		struct feat_node *n;

		skip_blanks(p);
		if (p->pos >= p->len) {
			if (top)
				return 0;
			p->err = "missing '}' at end of features";
			return -EINVAL;
		}
		if (p->s[p->pos] == '}') {
			if (top) {
				p->err = "unbalanced '}' in features";
				return -EINVAL;
			}
			p->pos++;
			return 0;
		}
		n = arena_alloc(p->a, sizeof(*n));
		if (parse_entry(p, n, depth))
			return -EINVAL;
		*tail = n;
		tail = &n->next;
	}
}

int feat_parse(struct arena *a, const char *text, size_t len,
	       struct features **out, const char **err)
{
	struct feat_parser p = {a, text, len, 0, NULL};
	struct features *f = arena_alloc(a, sizeof(*f));

	f->root = arena_alloc(a, sizeof(*f->root));
	f->root->name = "";
	if (memchr(text, '\0', len)) {
		*err = "NUL byte in features text";
		return -EINVAL;
	}
	if (parse_entries(&p, f->root, true, 0)) {
		*err = arena_sprintf(a, "%s (offset %zu)", p.err, p.pos);
		return -EINVAL;
	}
	f->text = arena_strndup(a, text, len);
	*out = f;
	return 0;
}

/* A growable heap buffer for flattening a directory tree. */
struct flat {
	char *s;
	size_t n, cap;
};

static void flat_put(struct flat *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		while (b->n + n + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 4096;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static int cmp_names(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static int read_small_file(int dfd, const char *name, struct flat *b)
{
	char buf[4096];
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0)
		return -errno;
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		flat_put(b, buf, (size_t)r);
	close(fd);
	return r < 0 ? -EIO : 0;
}

/* Note [features-flatten]: each directory becomes "name {" children "}\n"
 * and each file "name {" contents "}\n", entries sorted by name, as the
 * features files exported by libapparmor are laid out.
 */
static int flatten_dir(int dfd, struct flat *b, int depth)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	if (depth > 32)
		return -ELOOP;
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -errno;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			names = xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = strdup(de->d_name);
		if (!names[n - 1])
			names[n - 1] = xcalloc(1, 1);
	}
	qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n && !rc; i++) {
		struct stat sb;

		if (fstatat(dirfd(d), names[i], &sb, 0) < 0) {
			rc = -errno;
			break;
		}
		flat_put(b, names[i], strlen(names[i]));
		flat_put(b, " {", 2);
		if (S_ISDIR(sb.st_mode)) {
			int sub = openat(dirfd(d), names[i],
					 O_RDONLY | O_DIRECTORY | O_CLOEXEC);

			rc = sub < 0 ? -errno : flatten_dir(sub, b, depth + 1);
		} else {
			rc = read_small_file(dirfd(d), names[i], b);
		}
		flat_put(b, "}\n", 2);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

int feat_load(struct arena *a, const char *path, struct features **out,
	      const char **err)
{
	struct flat b = {0};
	struct stat sb;
	int rc;

	if (stat(path, &sb) < 0) {
		rc = -errno;
		*err = arena_strdup(a, strerror(-rc));
		return rc;
	}
	if (S_ISDIR(sb.st_mode)) {
		int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		rc = fd < 0 ? -errno : flatten_dir(fd, &b, 0);
	} else {
		rc = read_small_file(AT_FDCWD, path, &b);
	}
	if (rc) {
		free(b.s);
		*err = arena_strdup(a, strerror(-rc));
		return rc;
	}
	rc = feat_parse(a, b.s ? b.s : "", b.n, out, err);
	free(b.s);
	return rc;
}

const struct feat_node *feat_lookup(const struct features *f, const char *path)
{
	const struct feat_node *n;

	if (!f || !f->root)
		return NULL;
	n = f->root;
	while (*path) {
		const char *e = strchr(path, '/');
		size_t len = e ? (size_t)(e - path) : strlen(path);
		const struct feat_node *c;

		for (c = n->child; c; c = c->next)
			if (strlen(c->name) == len &&
			    memcmp(c->name, path, len) == 0)
				break;
		if (!c)
			return NULL;
		n = c;
		path += len;
		if (*path == '/')
			path++;
	}
	return n;
}

bool feat_has(const struct features *f, const char *path)
{
	const struct feat_node *n = feat_lookup(f, path);

	if (!n)
		return false;
	return !n->value || strcmp(n->value, "no") != 0;
}

const char *feat_value(const struct features *f, const char *path)
{
	const struct feat_node *n = feat_lookup(f, path);

	return n ? n->value : NULL;
}

bool feat_has_word(const struct features *f, const char *path, const char *word)
{
	const char *v = feat_value(f, path);
	size_t wl = strlen(word);

	if (!v)
		return false;
	while (*v) {
		size_t l;

		while (*v == ' ' || *v == '\t' || *v == '\n')
			v++;
		l = strcspn(v, " \t\n");
		if (l == wl && memcmp(v, word, l) == 0)
			return true;
		v += l;
	}
	return false;
}
