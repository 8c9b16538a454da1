/* The front end's driver (include/fe.h): reads the top file into the
 * unit, runs the scanner and the grammar over it and everything it
 * includes, then the semantic checks. Knows nothing of automata.
 */
#include "fe.h"

#include <errno.h>
#include <string.h>

#include "arena.h"
#include "check.h"
#include "cu.h"
#include "fe_int.h"
#include "vars.h"

static const struct src_loc fe_top = {UINT32_MAX, 0, 0};

struct fe_parser *fe_parser_new(struct cu *cu, uint32_t file, FILE *pp)
{
	struct fe_parser *p = arena_alloc(cu->arena, sizeof(*p));

	p->cu = cu;
	p->arena = cu->arena;
	p->st = fe_symtab_create(cu);
	p->pol = arena_alloc(cu->arena, sizeof(*p->pol));
	p->pol->symtab = p->st;
	p->strict = cu->opts && cu->opts->strict;
	p->pp_out = pp;
	p->pending_live = -1;
	p->inc = fe_incscope_new(p);
	if (fe_lex_begin(p, file)) {
		fe_lex_end(p);
		return NULL;
	}
	return p;
}

void fe_parser_free(struct fe_parser *p)
{
	if (p)
		fe_lex_end(p);
}

static int fe_run(struct cu *cu, uint32_t file, FILE *pp, bool check,
		  struct ir_policy **out)
{
	unsigned errors = diag_error_count(cu);
	size_t base = cu->diag.n;
	struct fe_parser *p = fe_parser_new(cu, file, pp);
	int r;

	if (!p)
		return -EINVAL;
	if (out)
		*out = p->pol;
	r = fe_yyparse(p);
	if (!r && fe_lex_flush(p))
		r = -EINVAL;
	fe_parser_free(p);
	if (r || diag_error_count(cu) != errors) {
		for (size_t i = base; i < cu->diag.n; i++)
			if (cu->diag.msgs[i].error) {
				fe_keep_one_error(cu, base, i);
				break;
			}
		return -EINVAL;
	}
	if (check && fe_check_policy(cu, p->st, p->pol))
		return -EINVAL;
	return 0;
}

int fe_parse_text(struct cu *cu, const char *name, const char *text, size_t len,
		  bool check, struct ir_policy **out)
{
	uint32_t idx = cu_add_file(cu, name, text, len, fe_top);

	return fe_run(cu, idx, NULL, check, out);
}

int fe_parse_file(struct cu *cu, const char *path, struct ir_policy **out)
{
	uint32_t idx;
	int err = cu_read_file(cu, path, fe_top, &idx);

	if (err)
		return err;
	return fe_run(cu, idx, NULL, true, out);
}

int fe_parse_buffer(struct cu *cu, const char *name, const char *text,
		    size_t len, struct ir_policy **out)
{
	uint32_t idx = cu_add_file(cu, name, text, len, fe_top);

	return fe_run(cu, idx, NULL, true, out);
}

int fe_preprocess(struct cu *cu, const char *path, const char *text, size_t len,
		  FILE *out)
{
	uint32_t idx;

	if (path) {
		int err = cu_read_file(cu, path, fe_top, &idx);

		if (err)
			return err;
	} else {
		idx = cu_add_file(cu, "stdin", text, len, fe_top);
	}
	return fe_run(cu, idx, out, false, NULL);
}
