/* The -N/--names listing (cli.md 7.5): fully qualified profile names of
 * one compilation unit, profiles without a namespace first, each sorted
 * by namespace then name, each followed by its children and hats sorted.
 * Reads the IR only.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ir.h"

struct cli_name_ent {
	const char *ns; /* namespace used for sorting and printing, "" none */
	const struct ir_profile *p;
};

static int cli_name_cmp(const void *a, const void *b)
{
	const struct cli_name_ent *x = a, *y = b;
	int r = strcmp(x->ns, y->ns);

	if (r)
		return r;
	return strcmp(x->p->name ? x->p->name : "",
		      y->p->name ? y->p->name : "");
}

static void cli_names_level(struct arena *a, const struct ir_profile *list,
			    const char *prefix, const char *ns_override,
			    bool top, FILE *out)
{
	struct cli_name_ent *v;
	size_t n = 0, i;

	for (const struct ir_profile *p = list; p; p = p->next)
		n++;
	if (!n)
		return;
	v = arena_alloc_array(a, n, sizeof(*v));
	i = 0;
	for (const struct ir_profile *p = list; p; p = p->next, i++) {
		v[i].p = p;
		v[i].ns = "";
		if (top && ns_override)
			v[i].ns = ns_override;
		else if (top && p->ns)
			v[i].ns = p->ns;
	}
	qsort(v, n, sizeof(*v), cli_name_cmp);
	for (i = 0; i < n; i++) {
		const char *name = v[i].p->name ? v[i].p->name : "";
		const char *full;

		if (!top)
			full = arena_sprintf(a, "%s//%s", prefix, name);
		else if (v[i].ns[0])
			full = arena_sprintf(a, ":%s://%s", v[i].ns, name);
		else
			full = name;
		fprintf(out, "%s\n", full);
		cli_names_level(a, v[i].p->children, full, ns_override, false,
				out);
	}
}

void cli_print_names(struct arena *a, const struct ir_policy *pol,
		     const char *ns, FILE *out)
{
	if (pol)
		cli_names_level(a, pol->profiles, "", ns, true, out);
}
