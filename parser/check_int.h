/* Private interface between the files of the semantic pass (check*.c). */
#ifndef PARSER_CHECK_INT_H
#define PARSER_CHECK_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check.h"
#include "ir.h"

struct arena;
struct features;
struct fe_env;

/* Where 3.0.8 would have found an error (Note [first-error]). */
struct chk_key {
	uint32_t phase; /* 0 while parsing, 1 after */
	uint32_t prof;	/* rank of the profile in 3.0.8's processing order */
	uint32_t stage; /* 0 file-rule variables, 1 other variables, 2 later */
	int64_t idx;	/* order within the stage */
};

/* State of one fe_check_policy() run. */
struct chk {
	struct cu *cu;
	struct fe_symtab *st;
	struct ir_policy *pol;
	struct arena *a;
	const struct fe_env *genv; /* global variables at the end of parsing */
	const struct features *kf; /* kernel features, NULL: unknown */
	const struct features *pf; /* policy ABI features, NULL: unknown */
	struct ir_profile *prof;   /* profile being checked */
	const char *hname;	   /* its hierarchical name */
	const char *attach;	   /* its expanded attachment, or NULL */
	const struct fe_env *benv_base; /* cache of chk_env() */
	const struct fe_env *benv;
	uint32_t warned; /* rule kinds already reported not enforced */
	int rc;		 /* -EINVAL once an error was recorded */
	/* Note [first-error] */
	struct chk_key *keys; /* one per diagnostic from @base on */
	size_t base;	      /* diagnostics recorded before the pass */
	size_t tagged;	      /* diagnostics given a key so far */
	size_t capkeys;
	struct ir_profile **order; /* profiles in 3.0.8's processing order */
	size_t norder;
	uint32_t prank;		    /* rank of @prof in @order */
	const struct ir_rule *rule; /* rule being checked, or NULL */
	int64_t rule_ord;	    /* its position in the profile */
};

void chk_error(struct chk *c, struct src_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const struct fe_env *chk_env(struct chk *c, const void *scope);
int chk_expand(struct chk *c, const void *scope, const char **s,
	       struct src_loc loc, bool collapse);
int chk_expand_pathexpr(struct chk *c, const void *scope,
			struct ir_pathexpr *pe, bool collapse);
int chk_expand_conds(struct chk *c, const void *scope, struct ir_cond *cl,
		     bool collapse);
bool chk_feat(const struct chk *c, const char *path);
void chk_not_enforced(struct chk *c, struct ir_rule *r, const char *what);
bool chk_strict(struct chk *c, struct src_loc loc, const char *ext);
bool chk_glob_ok(struct chk *c, const char *g, struct src_loc loc);
bool chk_pathexpr_ok(struct chk *c, const struct ir_pathexpr *pe);
bool chk_conds_ok(struct chk *c, const struct ir_cond *cl);
bool chk_label_ok(struct chk *c, const char *label, struct src_loc loc,
		  bool target);

bool chk_glob_overlap(struct chk *c, const char *a, const char *b, char *wit,
		      size_t witlen);
void chk_rule_file(struct chk *c, struct ir_rule *r);
void chk_rule_link(struct chk *c, struct ir_rule *r);
void chk_exec_conflicts(struct chk *c, struct ir_profile *p);
void chk_rule_capability(struct chk *c, struct ir_rule *r);
void chk_rule_network(struct chk *c, struct ir_rule *r);
void chk_rule_ipc(struct chk *c, struct ir_rule *r);
void chk_rule_mount(struct chk *c, struct ir_rule *r);
void chk_rule_pivot(struct chk *c, struct ir_rule *r);
void chk_rule_change_profile(struct chk *c, struct ir_rule *r);
void chk_cp_conflicts(struct chk *c, struct ir_profile *p);
void chk_rule_rlimit(struct chk *c, struct ir_rule *r);

#endif
