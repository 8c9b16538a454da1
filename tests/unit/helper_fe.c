/* Test helpers for the front end's core (see helper_fe.h). */
#include "helper_fe.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "../../parser/fe_int.h"

struct fet *fet_new(bool strict)
{
	struct fet *t = calloc(1, sizeof(*t));

	if (!t)
		abort();
	t->dc.warn_enabled = WARN_ALL;
	t->opts.diag = &t->dc;
	t->opts.strict = strict;
	t->opts.include_dirs = t->dirs;
	t->opts.base_dir = "/nonexistent-base";
	t->cu = cu_create(&t->opts, NULL);
	return t;
}

void fet_free(struct fet *t)
{
	if (!t)
		return;
	cu_destroy(t->cu);
	free(t);
}

void fet_add_dir(struct fet *t, const char *dir)
{
	if (t->opts.ninclude_dirs < sizeof(t->dirs) / sizeof(t->dirs[0]))
		t->dirs[t->opts.ninclude_dirs++] = dir;
}

int fet_parse(struct fet *t, const char *text)
{
	return fe_parse_text(t->cu, "stdin", text, strlen(text), false,
			     &t->pol);
}

int fet_check(struct fet *t, const char *text)
{
	return fe_parse_text(t->cu, "stdin", text, strlen(text), true, &t->pol);
}

const char *fet_error(struct fet *t)
{
	for (size_t i = 0; i < t->cu->diag.n; i++)
		if (t->cu->diag.msgs[i].error)
			return t->cu->diag.msgs[i].text;
	return "";
}

struct src_loc fet_error_loc(struct fet *t)
{
	struct src_loc none = {0, 0, 0};

	for (size_t i = 0; i < t->cu->diag.n; i++)
		if (t->cu->diag.msgs[i].error)
			return t->cu->diag.msgs[i].loc;
	return none;
}

bool fet_has_msg(struct fet *t, const char *text)
{
	for (size_t i = 0; i < t->cu->diag.n; i++)
		if (strcmp(t->cu->diag.msgs[i].text, text) == 0)
			return true;
	return false;
}

struct ir_profile *fet_profile(struct fet *t, size_t i)
{
	struct ir_profile *p = t->pol ? t->pol->profiles : NULL;

	while (p && i--)
		p = p->next;
	return p;
}

struct ir_rule *fet_rule(struct ir_profile *p, size_t i)
{
	struct ir_rule *r = p ? p->rules : NULL;

	while (r && i--)
		r = r->next;
	return r;
}

size_t fet_nrules(const struct ir_profile *p)
{
	size_t n = 0;

	for (const struct ir_rule *r = p ? p->rules : NULL; r; r = r->next)
		n++;
	return n;
}
