/* Diagnostics: records errors and warnings per compilation unit and
 * formats them, by default in apparmor_parser's exact wording
 * (spec/cli.md 7), or gcc-style with the source line and a caret.
 */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cu.h"

static const char *const diag_warn_names[] = {
	"rule-not-enforced", "rule-downgraded", "abi", "deprecated",
	"config", "cache", "debug-cache", "jobs", "dangerous",
	"unexpected", "format", "missing", "override", "dev",
	"pound-include",
};

static const char *diag_warn_name(uint32_t cls)
{
	for (size_t i = 0; i < sizeof(diag_warn_names) / sizeof(*diag_warn_names);
	     i++)
		if (cls == (1u << i))
			return diag_warn_names[i];
	return "unknown";
}

static struct diag_msg *diag_push(struct cu *cu)
{
	struct diag_sink *s = &cu->diag;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 8;
		s->msgs = xrealloc(s->msgs, s->cap * sizeof(*s->msgs));
		arena_own_update(cu->arena, s->own_slot, s->msgs);
	}
	memset(&s->msgs[s->n], 0, sizeof(s->msgs[0]));
	return &s->msgs[s->n++];
}

static const char *diag_vfmt(struct cu *cu, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static const char *diag_vfmt(struct cu *cu, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *d;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	d = arena_alloc(cu->arena, (size_t)n + 1);
	vsnprintf(d, (size_t)n + 1, fmt, ap);
	return d;
}

static void diag_verror(struct cu *cu, struct src_loc loc, const char *fmt,
			va_list ap) __attribute__((format(printf, 3, 0)));

static void diag_verror(struct cu *cu, struct src_loc loc, const char *fmt,
			va_list ap)
{
	struct diag_msg *m;

	if (cu->diag.stop)
		return;
	m = diag_push(cu);
	m->error = true;
	m->loc = loc;
	m->text = diag_vfmt(cu, fmt, ap);
	cu->diag.errors++;
}

void diag_error(struct cu *cu, struct src_loc loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_verror(cu, loc, fmt, ap);
	va_end(ap);
}

void diag_fatal(struct cu *cu, struct src_loc loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_verror(cu, loc, fmt, ap);
	va_end(ap);
	cu->diag.stop = true;
}

bool diag_enabled(const struct cu *cu, uint32_t cls)
{
	const struct diag_config *c = cu->diag.cfg;

	if (!c)
		return (WARN_DEFAULT & cls) != 0;
	if (c->quiet)
		return false;
	return (c->warn_enabled & cls) != 0;
}

static void diag_vwarn(struct cu *cu, uint32_t cls, struct src_loc loc,
		       const char *profile, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));

static void diag_vwarn(struct cu *cu, uint32_t cls, struct src_loc loc,
		       const char *profile, const char *fmt, va_list ap)
{
	struct diag_msg *m;

	if (cu->diag.stop || !diag_enabled(cu, cls))
		return;
	m = diag_push(cu);
	m->warn = cls;
	m->loc = loc;
	m->profile = profile ? arena_strdup(cu->arena, profile) : NULL;
	m->text = diag_vfmt(cu, fmt, ap);
	if (cu->diag.cfg && (cu->diag.cfg->werror & cls)) {
		m->error = true;
		m->promoted = true;
		cu->diag.errors++;
	}
}

void diag_warn(struct cu *cu, uint32_t cls, struct src_loc loc,
	       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vwarn(cu, cls, loc, NULL, fmt, ap);
	va_end(ap);
}

void diag_warn_profile(struct cu *cu, uint32_t cls, struct src_loc loc,
		       const char *profile, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vwarn(cu, cls, loc, profile, fmt, ap);
	va_end(ap);
}

unsigned diag_error_count(const struct cu *cu)
{
	return cu->diag.errors;
}

static const char *diag_file_path(const struct cu *cu, struct src_loc loc)
{
	if (loc.file < cu->nfiles)
		return cu->files[loc.file].path;
	return cu->arg ? cu->arg : "stdin";
}

static const char *diag_format_upstream(struct cu *cu,
					const struct diag_msg *m)
{
	const char *file = diag_file_path(cu, m->loc);
	const char *arg = cu->arg;
	struct arena *a = cu->arena;

	if (m->error && !m->promoted) {
		if (!arg && m->loc.line)
			return arena_sprintf(a,
				"AppArmor parser error at line %u: %s\n",
				m->loc.line, m->text);
		if (!arg)
			return arena_sprintf(a, "AppArmor parser error: %s\n",
					     m->text);
		if (m->loc.line)
			return arena_sprintf(a,
				"AppArmor parser error for %s in profile %s at line %u: %s\n",
				arg, file, m->loc.line, m->text);
		return arena_sprintf(a,
			"AppArmor parser error for %s in profile %s: %s\n",
			arg, file, m->text);
	}
	if (m->profile)
		return arena_sprintf(a, "Warning from profile %s (%s): %s\n",
				     m->profile, file, m->text);
	if (!arg && m->loc.file >= cu->nfiles)
		return arena_sprintf(a, "%s from stdin (line %u): %s\n",
				     m->promoted ? "Warning converted to Error"
						 : "Warning",
				     m->loc.line ? m->loc.line : 1, m->text);
	return arena_sprintf(a, "%s from %s (%s line %u): %s\n",
			     m->promoted ? "Warning converted to Error"
					 : "Warning",
			     arg ? arg : "stdin", file,
			     m->loc.line ? m->loc.line : 1, m->text);
}

static const char *diag_format_gcc(struct cu *cu, const struct diag_msg *m)
{
	const char *file = diag_file_path(cu, m->loc);
	const char *kind = m->error ? "error" : "warning";
	const char *out;
	const char *line;
	size_t len = 0;

	if (m->warn)
		out = arena_sprintf(cu->arena, "%s:%u:%u: %s: %s [-W%s%s]\n",
				    file, m->loc.line, m->loc.col, kind,
				    m->text, m->promoted ? "error=" : "",
				    diag_warn_name(m->warn));
	else
		out = arena_sprintf(cu->arena, "%s:%u:%u: %s: %s\n", file,
				    m->loc.line, m->loc.col, kind, m->text);
	line = cu_line_text(cu, m->loc.file, m->loc.line, &len);
	if (line) {
		/* col 0 still gets a caret, and the string its NUL */
		char *caret = arena_alloc(cu->arena, (size_t)m->loc.col + 2);
		uint32_t i;

		for (i = 0; m->loc.col && i + 1 < m->loc.col; i++)
			caret[i] = (i < len && line[i] == '\t') ? '\t' : ' ';
		caret[i] = '^';
		out = arena_sprintf(cu->arena, "%s%.*s\n%s\n", out, (int)len,
				    line, caret);
	}
	for (uint32_t f = m->loc.file; f < cu->nfiles;) {
		struct src_loc from = cu->files[f].from;

		if (from.file >= cu->nfiles)
			break;
		out = arena_sprintf(cu->arena, "%s%s:%u:%u: note: included from here\n",
				    out, cu->files[from.file].path, from.line,
				    from.col);
		f = from.file;
	}
	return out;
}

const char *diag_format_msg(struct cu *cu, const struct diag_msg *m)
{
	if (cu->diag.cfg && cu->diag.cfg->format == DIAG_FORMAT_GCC)
		return diag_format_gcc(cu, m);
	return diag_format_upstream(cu, m);
}

void diag_flush(struct cu *cu, FILE *out)
{
	for (size_t i = 0; i < cu->diag.n; i++)
		fputs(diag_format_msg(cu, &cu->diag.msgs[i]), out);
	cu->diag.n = 0;
}
