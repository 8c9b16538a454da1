/* Per-rule-kind lowering functions and pattern helpers, shared by
 * lower.c, lower_file.c and lower_pdb.c. Private to backend/.
 */
#ifndef BACKEND_LOWER_H
#define BACKEND_LOWER_H

#include <stdbool.h>

#include "be_int.h"

struct ir_pathexpr;
struct ir_rule;

/**
 * be_pathexpr - pattern of a path expression: its glob minus the union
 * of its subtrahends (language.md 7.1)
 * @l: borrowed state
 * @pe: borrowed expression
 * @out: OUT: pattern
 *
 * Return: 0 or -EINVAL (error recorded).
 */
int be_pathexpr(struct be_lower *l, const struct ir_pathexpr *pe,
		dfa_pat_t *out);

/**
 * be_pat_cstr - pattern of a literal C string
 * @l: borrowed state
 * @s: borrowed string
 *
 * Return: pattern.
 */
dfa_pat_t be_pat_cstr(struct be_lower *l, const char *s);

/**
 * be_pat_nonnul - [^\0]* or, with @plus, [^\0]+
 * @l: borrowed state
 * @plus: at least one byte
 *
 * Return: pattern.
 */
dfa_pat_t be_pat_nonnul(struct be_lower *l, bool plus);

/**
 * be_pat_cat3 - concatenation of three patterns
 * @l: borrowed state
 * @a: first
 * @b: second
 * @c: third
 *
 * Return: pattern.
 */
dfa_pat_t be_pat_cat3(struct be_lower *l, dfa_pat_t a, dfa_pat_t b,
		      dfa_pat_t c);

/**
 * be_lower_file_prepare - assign xtable indexes to named exec targets in
 * 3.0.8's order before any rule is lowered
 * @l: borrowed state
 */
void be_lower_file_prepare(struct be_lower *l);

/* File-DFA rule kinds (lower_file.c); each records errors in @l->rc. */
void be_lower_file_rule(struct be_lower *l, const struct ir_rule *r);
void be_lower_link_rule(struct be_lower *l, const struct ir_rule *r);
void be_lower_cp_rule(struct be_lower *l, const struct ir_rule *r);

/**
 * be_lower_implied - the /proc/.../attr and /sys/module/apparmor rules
 * 3.0.8 adds to hats, profiles with children and profiles with
 * change_profile rules
 * @l: borrowed state
 */
void be_lower_implied(struct be_lower *l);

/* Policydb and profile-field rule kinds (lower_pdb.c). */
void be_lower_cap_rule(struct be_lower *l, const struct ir_rule *r);
void be_lower_rlimit_rule(struct be_lower *l, const struct ir_rule *r);
void be_lower_net_rule(struct be_lower *l, const struct ir_rule *r);
void be_lower_unix_rule(struct be_lower *l, const struct ir_rule *r);
void be_lower_signal_rule(struct be_lower *l, const struct ir_rule *r);
void be_lower_ptrace_rule(struct be_lower *l, const struct ir_rule *r);
void be_lower_mount_rule(struct be_lower *l, const struct ir_rule *r);
void be_lower_dbus_rule(struct be_lower *l, const struct ir_rule *r);
void be_lower_all_rule(struct be_lower *l, const struct ir_rule *r);

/**
 * be_lower_markers - the policydb class markers of policy-blob.md 7.2.2
 * @l: borrowed state
 */
void be_lower_markers(struct be_lower *l);

#endif
