/* The backend driver: orders profiles as 3.0.8 does, lowers each one,
 * builds and compresses its automata through dfa/, narrows the tables to
 * the 6.1 widths and serializes one unit per profile, one write per
 * policy namespace (policy-blob.md 4). Knows no rule semantics itself.
 */
#include "backend.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "be_blob.h"
#include "be_int.h"
#include "cu.h"
#include "ir.h"
#include "lower.h"

#define BE_MAX_STATES_16 65535u
#define BE_NET_AF_MAX 46 /* families 3.0.8 knows */

/* A profile in output order. */
struct be_item {
	const struct ir_profile *p;
	const char *ns; /* namespace of its top-level profile, or NULL */
	const char *hname; /* parent//child */
};

struct be_items {
	struct be_item *v;
	size_t n, cap;
};

static void be_items_push(struct arena *a, struct be_items *it,
			  const struct be_item *x)
{
	if (it->n == it->cap) {
		size_t cap = it->cap ? 2 * it->cap : 32;
		struct be_item *v = arena_alloc_array(a, cap, sizeof(*v));

		if (it->n)
			memcpy(v, it->v, it->n * sizeof(*v));
		it->v = v;
		it->cap = cap;
	}
	it->v[it->n++] = *x;
}

static int be_cmp_str(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int be_cmp_profile(const void *x, const void *y)
{
	const struct ir_profile *a = *(const struct ir_profile *const *)x;
	const struct ir_profile *b = *(const struct ir_profile *const *)y;
	int c = be_cmp_str(a->ns, b->ns);

	return c ? c : strcmp(a->name, b->name);
}

/* Note [unit-order]: 3.0.8 writes profiles sorted by name (strcmp), each
 * followed depth-first by its children and hats sorted by name; profiles
 * of a namespace after the root namespace's (observed). We keep that
 * order inside each write.
 */
static void be_order(struct arena *a, const struct ir_profile *list,
		     const char *ns, const char *parent, struct be_items *it)
{
	size_t n = 0, i = 0;
	const struct ir_profile **v;

	for (const struct ir_profile *p = list; p; p = p->next)
		n++;
	if (!n)
		return;
	v = arena_alloc_array(a, n, sizeof(*v));
	for (const struct ir_profile *p = list; p; p = p->next)
		v[i++] = p;
	qsort(v, n, sizeof(*v), be_cmp_profile);
	for (i = 0; i < n; i++) {
		struct be_item x;

		x.p = v[i];
		x.ns = parent ? ns : v[i]->ns;
		x.hname = parent ? arena_sprintf(a, "%s//%s", parent,
						 v[i]->name) :
				   v[i]->name;
		be_items_push(a, it, &x);
		be_order(a, v[i]->children, x.ns, x.hname, it);
	}
}

/* Narrows 32-bit tables to the 6.1 widths (policy-blob.md 6.3). */
static struct be_dfa *be_narrow(struct arena *a, const struct dfa_tables *t)
{
	struct be_dfa *d = arena_alloc(a, sizeof(*d));
	uint32_t *acc = arena_alloc_array(a, t->nstates, sizeof(*acc));
	uint32_t *acc2 = arena_alloc_array(a, t->nstates, sizeof(*acc2));
	uint16_t *def = arena_alloc_array(a, t->nstates, sizeof(*def));
	uint16_t *next = arena_alloc_array(a, t->nnext, sizeof(*next));
	uint16_t *check = arena_alloc_array(a, t->nnext, sizeof(*check));

	for (uint32_t i = 0; i < t->nstates; i++) {
		acc[i] = t->accept[i].v[0];
		acc2[i] = t->accept[i].v[1];
		def[i] = (uint16_t)t->def[i];
	}
	for (uint32_t i = 0; i < t->nnext; i++) {
		next[i] = (uint16_t)t->next[i];
		check[i] = (uint16_t)t->check[i];
	}
	d->nstates = t->nstates;
	d->accept = acc;
	d->accept2 = acc2;
	d->base = t->base;
	d->def = def;
	d->nnext = t->nnext;
	d->next = next;
	d->check = check;
	d->ec = t->has_ec ? t->ec : NULL;
	return d;
}

static const char *const be_aut_name[BE_AUT__N] = { "file", "policydb",
						    "attachment" };

/* Per-build figures summed over a compilation. */
struct be_counts {
	uint32_t states; /* states written */
	uint64_t built; /* states constructed before minimization */
};

/* Builds @aut with one DFA id per rule payload: only to name the rules of
 * an exec conflict the build by atoms found (Note [perm-atoms]).
 */
static int be_build_per_rule(struct be_lower *l, enum be_aut aut,
			     struct be_fold_ctx *fc, struct dfa **d)
{
	struct dfa_builder *b = dfa_builder_create(l->dc);
	int rc;

	for (size_t i = 0; i < l->ent[aut].n; i++)
		dfa_add(b, l->ent[aut].v[i].pat, l->ent[aut].v[i].id);
	fc->parts = NULL;
	rc = dfa_build(b, be_fold, fc, NULL, d);
	if (rc && !fc->reported) {
		diag_error(l->cu, l->prof->loc,
			   "profile has merged rule with conflicting x modifiers");
		diag_error(l->cu, l->prof->loc,
			   "ERROR processing regexs for profile %s, failed to load",
			   l->hname);
	}
	return rc ? -EINVAL : 0;
}

/* Builds automaton @aut of a lowered profile from its permission atoms
 * (Note [perm-atoms]) and packs it with or without equivalence classes,
 * whichever serializes smaller (a function of the minimal automaton, so
 * equal policies still give equal bytes); *@out NULL when it has no
 * entries.
 */
static int be_build(struct be_lower *l, enum be_aut aut,
		    const struct be_options *o, struct be_dfa **out,
		    struct be_counts *cnt)
{
	struct dfa_builder *b = dfa_builder_create(l->dc);
	struct be_fold_ctx fc = { 0 };
	struct dfa_compress_opts co = { 0 };
	struct be_parts parts;
	struct dfa_stats st;
	struct dfa_tables *t;
	struct dfa *d;
	const char *err = NULL;
	uint32_t max = o->max_states ? o->max_states : BE_MAX_STATES_16;
	int rc;

	*out = NULL;
	be_parts_group(l->a, l->dc, l->ent[aut].v, l->ent[aut].n, l->perms,
		       &parts);
	for (size_t i = 0; i < parts.n; i++)
		dfa_add(b, parts.pat[i], (uint32_t)i);
	fc.cu = l->cu;
	fc.hname = l->hname;
	fc.perms = l->perms;
	fc.nperms = l->nperms;
	fc.parts = parts.v;
	rc = dfa_build(b, be_fold, &fc, NULL, &d);
	if (rc == -E2BIG) {
		diag_error(l->cu, l->prof->loc, "profile %s: %s automaton: %s",
			   l->hname, be_aut_name[aut], dfa_builder_error(b));
		return -EINVAL;
	}
	if (rc && be_build_per_rule(l, aut, &fc, &d))
		return -EINVAL;
	dfa_get_stats(d, &st);
	cnt->built += st.states_before;
	co.use_ec = true;
	co.by_bytes = true;
	co.max_states = max > BE_MAX_STATES_16 ? BE_MAX_STATES_16 : max;
	if (dfa_compress(d, l->a, &co, &t, &err)) {
		diag_error(l->cu, l->prof->loc,
			   "profile %s: %s automaton exceeds %u states",
			   l->hname, be_aut_name[aut], co.max_states);
		return -EINVAL;
	}
	cnt->states += t->nstates;
	*out = be_narrow(l->a, t);
	return 0;
}

/* Note [modes]: 6.1 knows enforce, complain, kill and unconfined
 * (policy-blob.md 5.4). default_allow (allow what no rule mentions,
 * explicit denials stay) is closest to complain; prompt without a prompt
 * agent denies, i.e. enforce. Both are downgraded with a warning.
 */
static int be_mode(struct be_lower *l, enum be_mode *mode)
{
	switch (l->prof->pflags.mode) {
	case IR_PMODE_ENFORCE:
		*mode = BE_MODE_ENFORCE;
		break;
	case IR_PMODE_COMPLAIN:
		*mode = BE_MODE_COMPLAIN;
		break;
	case IR_PMODE_KILL:
		*mode = BE_MODE_KILL;
		break;
	case IR_PMODE_UNCONFINED:
		*mode = BE_MODE_UNCONFINED;
		break;
	case IR_PMODE_DEFAULT_ALLOW:
		diag_warn_profile(l->cu, WARN_RULE_DOWNGRADED, l->prof->loc,
				  l->hname,
				  "default_allow mode not supported by the kernel, downgraded to complain");
		*mode = BE_MODE_COMPLAIN;
		break;
	case IR_PMODE_PROMPT:
		diag_warn_profile(l->cu, WARN_RULE_DOWNGRADED, l->prof->loc,
				  l->hname,
				  "prompt mode not supported by the kernel, downgraded to enforce");
		*mode = BE_MODE_ENFORCE;
		break;
	}
	if (l->o->force_complain)
		*mode = BE_MODE_COMPLAIN;
	return 0;
}

/* path_flags as 3.0.8 writes them (policy-blob.md 5.4): present when
 * any path flag was given, with the kernel's bit values.
 */
static void be_path_flags(const struct ir_profile_flags *f,
			  struct be_profile_out *po)
{
	po->has_path_flags = f->mediate_deleted || f->delegate_deleted ||
			     f->attach_disconnected ||
			     f->no_attach_disconnected || f->chroot_relative ||
			     f->namespace_relative || f->chroot_attach ||
			     f->chroot_no_attach;
	po->path_flags = (f->attach_disconnected ? 0x4u : 0) |
			 (f->chroot_relative ? 0x8u : 0) |
			 (f->chroot_attach ? 0x10u : 0) |
			 (f->mediate_deleted ? 0x10000u : 0);
}

static int be_compile_profile(struct cu *cu, const struct be_abi *abi,
			      const struct be_options *o,
			      const struct be_item *it, struct be_stream *s,
			      struct be_counts *cnt)
{
	struct be_lower l;
	struct be_profile_out po;
	struct dfa_ctx *dc = dfa_ctx_create(cu->arena);
	int rc;

	be_lower_init(&l, cu, dc, abi, o, it->p, it->hname);
	if (be_lower_profile(&l))
		return -EINVAL;
	memset(&po, 0, sizeof(po));
	po.ns = it->ns;
	po.name = it->hname;
	po.hat = it->p->is_hat;
	po.audit = it->p->pflags.audit;
	if (be_mode(&l, &po.mode))
		return -EINVAL;
	be_path_flags(&it->p->pflags, &po);
	po.caps_allow = l.caps_allow & ~l.caps_deny;
	po.caps_audit = l.caps_audit & po.caps_allow;
	po.caps_quiet = l.caps_quiet & l.caps_deny;
	po.has_rlimits = l.has_rlimits;
	po.rlimit_mask = l.rlimit_mask;
	memcpy(po.rlimits, l.rlimits, sizeof(po.rlimits));
	if (l.has_net_masks) {
		uint16_t(*af)[3] = arena_alloc_array(cu->arena, BE_NET_AF_MAX,
						     sizeof(*af));

		for (size_t i = 0; i < BE_NET_AF_MAX; i++) {
			af[i][0] = l.net_allow[i] & ~l.net_deny[i];
			af[i][1] = l.net_audit[i] & af[i][0];
			af[i][2] = l.net_quiet[i] & l.net_deny[i];
		}
		po.net_af = (const uint16_t(*)[3])af;
		po.nnet_af = BE_NET_AF_MAX;
	}
	rc = 0;
	if (l.ent[BE_AUT_XMATCH].n) {
		struct be_dfa *x;

		rc |= be_build(&l, BE_AUT_XMATCH, o, &x, cnt);
		po.xmatch = x;
		po.xmatch_len = l.xmatch_len;
		po.xattrs = l.xattrs;
		po.nxattrs = l.nxattrs;
	}
	if (abi->policydb) {
		struct be_dfa *p;

		rc |= be_build(&l, BE_AUT_PDB, o, &p, cnt);
		po.policydb = p;
	}
	if (l.has_file_rules) {
		struct be_dfa *f;

		rc |= be_build(&l, BE_AUT_FILE, o, &f, cnt);
		po.file = f;
	}
	if (rc)
		return -EINVAL;
	po.xtable = l.xtable;
	po.nxtable = l.nxtable;
	be_put_unit(s, be_version_word(abi->version, false), &po);
	return 0;
}

int be_compile(struct cu *cu, const struct ir_policy *pol,
	       const struct be_options *o, struct be_result *out)
{
	struct be_abi abi;
	struct be_items it = { 0 };
	struct be_stream *cur = NULL;
	const char *cur_ns = NULL;
	struct be_counts cnt = { 0, 0 };
	size_t nw = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	be_abi_from_features(o->kernel, o->policy, &abi);
	be_order(cu->arena, pol->profiles, NULL, NULL, &it);
	out->writes = arena_alloc_array(cu->arena, it.n ? it.n : 1,
					sizeof(*out->writes));
	for (size_t i = 0; i < it.n; i++) {
		size_t nd = cu->diag.n;
		struct arena_mark m;

		if (!cur || be_cmp_str(cur_ns, it.v[i].ns)) {
			if (cur) {
				out->writes[nw - 1].data = cur->buf;
				out->writes[nw - 1].len = cur->len;
			}
			cur = arena_alloc(cu->arena, sizeof(*cur));
			be_stream_init(cur, cu->arena);
			cur_ns = it.v[i].ns;
			out->writes[nw++].ns = cur_ns;
		}
		m = arena_mark(cu->arena);
		if (be_compile_profile(cu, &abi, o, &it.v[i], cur, &cnt))
			rc = -EINVAL;
		if (cu->diag.n == nd)
			arena_release(cu->arena, m);
	}
	if (cur) {
		out->writes[nw - 1].data = cur->buf;
		out->writes[nw - 1].len = cur->len;
	}
	out->nwrites = nw;
	out->states_total = cnt.states;
	out->states_built = cnt.built;
	return rc;
}
