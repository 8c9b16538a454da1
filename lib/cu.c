/* Compilation units: arena, diagnostic sink and the table of files read.
 * Shared by every stage; knows nothing of the language.
 */
#include "cu.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"

struct cu *cu_create(const struct cu_opts *opts, const char *arg)
{
	struct arena *a = arena_create();
	struct cu *cu = arena_alloc(a, sizeof(*cu));

	cu->arena = a;
	cu->opts = opts;
	cu->arg = arg ? arena_strdup(a, arg) : NULL;
	cu->diag.cfg = opts ? opts->diag : NULL;
	cu->diag.own_slot = arena_own(a, NULL, free);
	cu->files_slot = arena_own(a, NULL, free);
	return cu;
}

void cu_destroy(struct cu *cu)
{
	if (cu)
		arena_destroy(cu->arena);
}

uint32_t cu_add_file(struct cu *cu, const char *path, const char *text,
		     size_t len, struct src_loc from)
{
	struct cu_file *f;

	if (cu->nfiles == cu->capfiles) {
		cu->capfiles = cu->capfiles ? cu->capfiles * 2 : 8;
		cu->files = xrealloc(cu->files,
				     cu->capfiles * sizeof(*cu->files));
		arena_own_update(cu->arena, cu->files_slot, cu->files);
	}
	f = &cu->files[cu->nfiles];
	f->path = arena_strdup(cu->arena, path);
	f->text = arena_strndup(cu->arena, text, len);
	f->len = len;
	f->from = from;
	return (uint32_t)cu->nfiles++;
}

int cu_read_file(struct cu *cu, const char *path, struct src_loc from,
		 uint32_t *index)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int err = 0;

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t r;

		if (len == cap) {
			cap = cap ? cap * 2 : 8192;
			buf = xrealloc(buf, cap);
		}
		r = read(fd, buf + len, cap - len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (!err)
		*index = cu_add_file(cu, path, buf ? buf : "", len, from);
	free(buf);
	return err;
}

const char *cu_line_text(const struct cu *cu, uint32_t file, uint32_t line,
			 size_t *len)
{
	const char *p, *end, *nl;

	if (file >= cu->nfiles || line == 0)
		return NULL;
	p = cu->files[file].text;
	end = p + cu->files[file].len;
	while (--line) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return NULL;
		p = nl + 1;
	}
	nl = memchr(p, '\n', (size_t)(end - p));
	*len = (size_t)((nl ? nl : end) - p);
	return p;
}
