/* aa-dfa: build a DFA from a file of "PERM GLOB" rules with the engine in
 * dfa/ and answer, for each string read on stdin, the OR of the
 * permissions of the rules matching it; or dump statistics and Graphviz.
 * A tool for people, tests and benchmarks; knows no AppArmor rule kinds.
 */
#include "arena.h"
#include "dfa.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct rules_file {
	const char *path; /* as given */
	char *text; /* malloc'd contents */
	size_t len; /* bytes */
};

static int usage(void)
{
	fputs("usage: aa-dfa [--stats] [--dot] RULES\n", stderr);
	return 1;
}

static int read_file(struct rules_file *f)
{
	FILE *fp = fopen(f->path, "rb");
	size_t cap = 4096;

	if (!fp) {
		fprintf(stderr, "aa-dfa: %s: %s\n", f->path, strerror(errno));
		return -1;
	}
	f->text = xmalloc(cap);
	f->len = 0;
	for (;;) {
		size_t n = fread(f->text + f->len, 1, cap - f->len - 1, fp);

		f->len += n;
		if (f->len + 1 < cap)
			break;
		cap *= 2;
		f->text = xrealloc(f->text, cap);
	}
	f->text[f->len] = '\0';
	if (ferror(fp)) {
		fprintf(stderr, "aa-dfa: %s: read error\n", f->path);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/*
 * Parse one rule line; returns 0, or -1 after printing the error. A rule
 * is added once per permission bit, with the bit as its id: the fold is
 * a bitwise OR, so the automaton then tracks one residual per bit rather
 * than one per distinct permission mix, which keeps the constructed
 * automaton close to the minimal one.
 */
static int parse_line(struct dfa_ctx *c, struct dfa_builder *b,
		      const struct rules_file *f, unsigned lineno,
		      const char *s, size_t n)
{
	size_t i = 0, ps, pe;
	char perm[32];
	char *end;
	unsigned long v;
	const char *err;
	dfa_pat_t p;

	while (i < n && is_blank(s[i]))
		i++;
	if (i == n || s[i] == '#')
		return 0;
	ps = i;
	while (i < n && !is_blank(s[i]))
		i++;
	if (i - ps >= sizeof(perm)) {
		fprintf(stderr, "aa-dfa: %s:%u: invalid permission '%.*s'\n",
			f->path, lineno, (int)(i - ps), s + ps);
		return -1;
	}
	memcpy(perm, s + ps, i - ps);
	perm[i - ps] = '\0';
	errno = 0;
	v = strtoul(perm, &end, 16);
	if (*end || errno || v > UINT32_MAX || perm[0] == '-') {
		fprintf(stderr, "aa-dfa: %s:%u: invalid permission '%s'\n",
			f->path, lineno, perm);
		return -1;
	}
	while (i < n && is_blank(s[i]))
		i++;
	pe = n;
	while (pe > i && is_blank(s[pe - 1]))
		pe--;
	if (i == pe) {
		fprintf(stderr, "aa-dfa: %s:%u: missing pattern\n", f->path,
			lineno);
		return -1;
	}
	if (dfa_glob_sub(c, s + i, pe - i, DFA_GLOB_DEFAULT, &p, &err)) {
		fprintf(stderr, "aa-dfa: %s:%u: %s\n", f->path, lineno, err);
		return -1;
	}
	for (int bit = 0; bit < 32; bit++)
		if (v & (1ul << bit))
			dfa_add(b, p, 1u << bit);
	return 0;
}

static int fold_or(void *ctx, const uint32_t *ids, size_t n,
		   struct dfa_accept *out)
{
	(void)ctx;
	for (size_t i = 0; i < n; i++)
		out->v[0] |= ids[i];
	return 0;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Decode \0, \xHH and \\ in place; other bytes are kept. */
static size_t unescape(char *s, size_t n)
{
	size_t i = 0, o = 0;

	while (i < n) {
		if (s[i] == '\\' && i + 1 < n) {
			char e = s[i + 1];

			if (e == '0') {
				s[o++] = '\0';
				i += 2;
				continue;
			}
			if (e == '\\') {
				s[o++] = '\\';
				i += 2;
				continue;
			}
			if (e == 'x' && i + 4 <= n && hexval(s[i + 2]) >= 0 &&
			    hexval(s[i + 3]) >= 0) {
				s[o++] = (char)(hexval(s[i + 2]) * 16 +
						hexval(s[i + 3]));
				i += 4;
				continue;
			}
		}
		s[o++] = s[i++];
	}
	return o;
}

static long elapsed_ms(const struct timespec *a, const struct timespec *b)
{
	return (long)((b->tv_sec - a->tv_sec) * 1000 +
		      (b->tv_nsec - a->tv_nsec) / 1000000);
}

static int match_stdin(const struct dfa_tables *t)
{
	char *line = NULL, *buf = NULL;
	size_t cap = 0, bcap = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, stdin)) >= 0) {
		size_t len = (size_t)n, m;
		dfa_state_t s;

		if (len && line[len - 1] == '\n')
			len--;
		if (bcap < len + 1) {
			bcap = len + 1;
			buf = xrealloc(buf, bcap);
		}
		memcpy(buf, line, len);
		m = unescape(buf, len);
		s = dfa_tables_match(t, DFA_START, buf, m);
		printf("%#x\t%.*s\n", t->accept[s].v[0], (int)len, line);
	}
	free(line);
	free(buf);
	return fflush(stdout) ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct rules_file f = { 0 };
	bool stats = false, dot = false;
	struct arena *a;
	struct dfa_ctx *c;
	struct dfa_builder *b;
	struct dfa *d;
	struct dfa_tables *t;
	struct dfa_stats st;
	struct timespec t0, t1;
	const char *err;
	unsigned lineno = 0;
	int i, rc = 1;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--stats"))
			stats = true;
		else if (!strcmp(argv[i], "--dot"))
			dot = true;
		else if (!strcmp(argv[i], "--"))
			break;
		else
			return usage();
	}
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (i != argc - 1)
		return usage();
	f.path = argv[i];
	if (read_file(&f))
		return 1;
	a = arena_create();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	c = dfa_ctx_create(a);
	b = dfa_builder_create(c);
	for (size_t pos = 0; pos < f.len;) {
		const char *nl = memchr(f.text + pos, '\n', f.len - pos);
		size_t end = nl ? (size_t)(nl - f.text) : f.len;

		lineno++;
		if (parse_line(c, b, &f, lineno, f.text + pos, end - pos))
			goto out;
		pos = end + 1;
	}
	if (dfa_build(b, fold_or, NULL, NULL, &d)) {
		fprintf(stderr, "aa-dfa: %s: %s\n", f.path,
			dfa_builder_error(b));
		goto out;
	}
	if (dfa_compress(d, a, NULL, &t, &err)) {
		fprintf(stderr, "aa-dfa: %s: %s\n", f.path, err);
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (stats) {
		dfa_get_stats(d, &st);
		fprintf(stderr, "states-before %u\n", st.states_before);
		fprintf(stderr, "states %u\n", st.states);
		fprintf(stderr, "classes %u\n", st.classes);
		fprintf(stderr, "table-bytes %zu\n", dfa_tables_bytes(t));
		fprintf(stderr, "build-ms %ld\n", elapsed_ms(&t0, &t1));
	}
	if (dot) {
		fputs(dfa_to_dot(d, a), stdout);
		rc = fflush(stdout) ? 1 : 0;
	} else {
		rc = match_stdin(t);
	}
out:
	arena_destroy(a);
	free(f.text);
	return rc;
}
