/* Loading into the kernel (cli.md 10, 7.4, 7.7): splits a unit's bytes
 * into blobs, writes them through libapparmor's kernel interface (one
 * write per namespace when the kernel has policy/set_load, else one per
 * top-level profile), removes profiles by name, and words the success
 * and failure lines as 3.0.8 does. Knows nothing of how blobs are made.
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/apparmor.h>

#include "arena.h"

static const char cli_blob_magic[] = "\x04\x08\x00version";
#define CLI_BLOB_MAGIC_LEN (sizeof(cli_blob_magic) - 1)
/* magic, "\0\x02" (SD_NAME end + SD_U32), then the 32-bit version word */
#define CLI_BLOB_HEADER_LEN (CLI_BLOB_MAGIC_LEN + 2 + 4)

static const uint8_t *cli_find_magic(const uint8_t *p, const uint8_t *end)
{
	while ((size_t)(end - p) >= CLI_BLOB_MAGIC_LEN) {
		const uint8_t *q = memchr(p, 0x04, (size_t)(end - p));

		if (!q || (size_t)(end - q) < CLI_BLOB_MAGIC_LEN)
			return NULL;
		if (memcmp(q, cli_blob_magic, CLI_BLOB_MAGIC_LEN) == 0)
			return q;
		p = q + 1;
	}
	return NULL;
}

/* Reads a named string field "\x04 u16 NAME\0 \x05 u16 VALUE\0" at *p;
 * @field NULL matches an unnamed string "\x05 u16 VALUE\0".
 */
static const char *cli_blob_string(struct arena *a, const uint8_t **p,
				   const uint8_t *end, const char *field)
{
	const uint8_t *q = *p;
	size_t n;

	if (field) {
		size_t fl = strlen(field) + 1;

		if (end - q < 3 || q[0] != 0x04)
			return NULL;
		n = (size_t)q[1] | (size_t)q[2] << 8;
		if (n != fl || (size_t)(end - q - 3) < n ||
		    memcmp(q + 3, field, fl) != 0)
			return NULL;
		q += 3 + n;
	}
	if (end - q < 3 || q[0] != 0x05)
		return NULL;
	n = (size_t)q[1] | (size_t)q[2] << 8;
	if (n == 0 || (size_t)(end - q - 3) < n || q[3 + n - 1] != '\0')
		return NULL;
	*p = q + 3 + n;
	return arena_strndup(a, (const char *)q + 3, n - 1);
}

/* Namespace and name of the blob starting at @b. */
static void cli_blob_names(struct arena *a, const uint8_t *b,
			   const uint8_t *end, struct cli_blob *out)
{
	static const char profile_field[] = "\x04\x08\x00profile\x00\x07";
	const uint8_t *p = b + CLI_BLOB_HEADER_LEN;
	const char *ns;

	out->ns = NULL;
	out->name = "";
	if (end - b < (ptrdiff_t)CLI_BLOB_HEADER_LEN)
		return;
	ns = cli_blob_string(a, &p, end, "namespace");
	if (ns)
		out->ns = ns;
	if ((size_t)(end - p) < sizeof(profile_field) - 1 ||
	    memcmp(p, profile_field, sizeof(profile_field) - 1) != 0)
		return;
	p += sizeof(profile_field) - 1;
	ns = cli_blob_string(a, &p, end, NULL);
	if (ns)
		out->name = ns;
}

int cli_blob_split(struct arena *a, const uint8_t *buf, size_t len,
		   struct cli_blob **out, size_t *n)
{
	const uint8_t *end = buf + len;
	const uint8_t *b = buf;
	struct cli_blob *v;
	size_t cap = 8, k = 0;

	*out = NULL;
	*n = 0;
	if (len < CLI_BLOB_HEADER_LEN ||
	    memcmp(buf, cli_blob_magic, CLI_BLOB_MAGIC_LEN) != 0)
		return -EPROTO;
	v = arena_alloc_array(a, cap, sizeof(*v));
	while (b) {
		const uint8_t *next =
			cli_find_magic(b + CLI_BLOB_MAGIC_LEN, end);
		const char *s;

		if (k == cap) {
			struct cli_blob *w =
				arena_alloc_array(a, cap * 2, sizeof(*w));

			memcpy(w, v, k * sizeof(*v));
			v = w;
			cap *= 2;
		}
		v[k].off = (size_t)(b - buf);
		v[k].len = (size_t)((next ? next : end) - b);
		cli_blob_names(a, b, b + v[k].len, &v[k]);
		v[k].depth = 0;
		for (s = strstr(v[k].name, "//"); s; s = strstr(s + 2, "//"))
			v[k].depth++;
		k++;
		b = next;
	}
	*out = v;
	*n = k;
	return 0;
}

const char *cli_kernel_reason(struct arena *a, int err)
{
	switch (err) {
	case EPERM:
		return "Permission denied";
	case EACCES:
		return "Permission denied; attempted to load a profile while confined?";
	case EEXIST:
		return "Profile already exists";
	case ENOENT:
		return "Profile doesn't exist";
	case EPROTO:
		return "Profile doesn't conform to protocol";
	case EBADMSG:
		return "Profile does not match signature";
	case EPROTONOSUPPORT:
		return "Profile version not supported by Apparmor module";
	case ENOMEM:
		return "Out of memory";
	case EFAULT:
		return "Couldn't copy profile: Bad memory address";
	case ESPIPE:
		return "Bad write position";
	default:
		return arena_sprintf(a, "Unknown error (%d): %s", err,
				     strerror(err));
	}
}

int cli_exit_errno(int err)
{
	return err > 0 && err < 124 ? err : 1;
}

int cli_kernel_open(struct cli_kernel *k, struct aa_features *kf,
		    const char *apparmorfs)
{
	aa_features *fallback = NULL;
	int rc;

	k->ki = NULL;
	k->set_load = false;
	if (!kf) {
		/* 3.0.8's fallback when the kernel features are unknown: no
		 * set_load, so blobs go one at a time.
		 */
		static const char minimal[] = "policy {\n}\n";

		if (aa_features_new_from_string(&fallback, minimal,
						sizeof(minimal) - 1) < 0)
			return -errno;
		kf = fallback;
	}
	k->set_load = aa_features_supports(kf, "policy/set_load");
	rc = aa_kernel_interface_new(&k->ki, kf, apparmorfs);
	if (rc < 0)
		rc = -errno;
	if (fallback)
		aa_features_unref(fallback);
	if (rc < 0) {
		k->ki = NULL;
		return rc;
	}
	return 0;
}

void cli_kernel_close(struct cli_kernel *k)
{
	if (k->ki)
		aa_kernel_interface_unref(k->ki);
	k->ki = NULL;
}

static int cli_kernel_write(const struct cli_kernel *k, bool replace,
			    const uint8_t *p, size_t len)
{
	int rc;

	if (!k->ki)
		return 0;
	if (replace)
		rc = aa_kernel_interface_replace_policy(k->ki, (const char *)p,
							len);
	else
		rc = aa_kernel_interface_load_policy(k->ki, (const char *)p,
						     len);
	return rc < 0 ? (errno ? errno : EPROTO) : 0;
}

static const char *cli_last_component(const char *name)
{
	const char *s = name, *t;

	while ((t = strstr(s, "//")))
		s = t + 2;
	return s;
}

/* The success lines of blobs [i, j): each top-level profile after its
 * children and hats, children in the order written (3.0.8's order).
 */
static void cli_success_lines(const struct cli_blob *v, size_t i, size_t j,
			      const char *verb, FILE *out)
{
	size_t stack[64];
	size_t top = 0;

	for (size_t x = i; x <= j; x++) {
		while (top &&
		       (x == j || v[x].depth <= v[stack[top - 1]].depth)) {
			top--;
			fprintf(out, "%s succeeded for \"%s\".\n", verb,
				cli_last_component(v[stack[top]].name));
		}
		if (x == j)
			break;
		if (top == sizeof(stack) / sizeof(*stack)) {
			fprintf(out, "%s succeeded for \"%s\".\n", verb,
				cli_last_component(v[x].name));
			continue;
		}
		stack[top++] = x;
	}
}

static bool cli_same_ns(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

int cli_load_unit(const struct cli_kernel *k, struct arena *a,
		  const struct cli_load *l, FILE *out, FILE *err)
{
	struct cli_blob *v;
	size_t n, i = 0;
	int rc;

	if (l->len == 0)
		return 0;
	rc = cli_blob_split(a, l->data, l->len, &v, &n);
	if (rc < 0) {
		if (l->label)
			fprintf(err, "Error: Could not %s profile %s: %s\n",
				l->replace ? "replace" : "load", l->label,
				strerror(-rc));
		else
			fprintf(err, "%s: Unable to %s \"%s\".  %s\n",
				l->progname, l->replace ? "replace" : "add", "",
				cli_kernel_reason(a, -rc));
		return -rc;
	}
	while (i < n) {
		size_t j = i + 1;

		/* One write: a namespace's run of blobs with set_load, else
		 * one top-level profile with its children.
		 */
		while (j < n && (k->set_load ? cli_same_ns(v[j].ns, v[i].ns)
					     : v[j].depth > 0))
			j++;
		rc = cli_kernel_write(k, l->replace, l->data + v[i].off,
				      v[j - 1].off + v[j - 1].len - v[i].off);
		if (rc) {
			if (l->label) {
				fprintf(err,
					"Error: Could not %s profile %s: %s\n",
					l->replace ? "replace" : "load",
					l->label, strerror(rc));
				return rc;
			}
			for (size_t x = i; x < j; x++)
				if (v[x].depth == 0)
					fprintf(err,
						"%s: Unable to %s \"%s\".  %s\n",
						l->progname,
						l->replace ? "replace" : "add",
						v[x].name,
						cli_kernel_reason(a, rc));
			return rc;
		}
		if (l->verbose && !l->label)
			cli_success_lines(
				v, i, j,
				l->replace ? "Replacement" : "Addition", out);
		i = j;
	}
	if (l->verbose && l->label)
		fprintf(out, "Cached %s succeeded for \"%s\".\n",
			l->replace ? "reload" : "load", l->label);
	return 0;
}

int cli_remove_names(const struct cli_kernel *k, struct arena *a,
		     const struct cli_remove *r, FILE *out, FILE *err)
{
	for (size_t i = 0; i < r->n; i++) {
		int rc = 0;

		if (k->ki &&
		    aa_kernel_interface_remove_policy(k->ki, r->fqnames[i]) < 0)
			rc = errno ? errno : EPROTO;
		if (rc) {
			fprintf(err, "%s: Unable to remove \"%s\".  %s\n",
				r->progname, r->names[i],
				cli_kernel_reason(a, rc));
			return rc;
		}
		if (r->verbose)
			fprintf(out, "Removal succeeded for \"%s\".\n",
				r->names[i]);
	}
	return 0;
}
