/* Semantic checks of the front end: variable expansion of every string of
 * the IR, alias rules, and upstream's verdicts on each rule kind, profile
 * flags, names, duplicates, exec conflicts and feature gating.
 * Private to parser/; fe.c calls fe_check_policy() after parsing.
 */
#ifndef PARSER_CHECK_H
#define PARSER_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"

struct cu;
struct fe_symtab;
struct ir_policy;
struct ir_profile;
struct ir_rule;

/**
 * fe_check_policy - expand variables and aliases in @pol and run every
 * semantic check, recording errors and warnings in @cu's sink
 * @cu: borrowed unit
 * @st: borrowed symbol table of the parse (rule->scope and
 *      profile->scope hold struct fe_env snapshots from fe_symtab_env(),
 *      or NULL to use the table's final global variables)
 * @pol: borrowed policy, modified in place (strings expanded, resolved
 *       fields filled, alias duplicates appended)
 *
 * Return: 0, or -EINVAL when an error was recorded.
 */
int fe_check_policy(struct cu *cu, struct fe_symtab *st, struct ir_policy *pol);

/**
 * fe_keep_one_error - drop every error recorded from diagnostic @base on
 * except the one at index @keep (warnings stay), so that a unit ends in
 * one error as 3.0.8 does
 * @cu: borrowed unit
 * @base: first diagnostic concerned
 * @keep: index of the error to keep (>= @base)
 */
void fe_keep_one_error(struct cu *cu, size_t base, size_t keep);

/**
 * fe_cap_lookup - number of a capability name (without CAP_)
 * @name: borrowed lowercase name
 *
 * Return: 0..63, or -1 when unknown.
 */
int fe_cap_lookup(const char *name);

/**
 * fe_signal_lookup - number of a signal name of signal rules (hup,
 * rtmin+N, exists, ...)
 * @name: borrowed name
 *
 * Return: the kernel's signal number (exists = 0, rtmin+N = 32+N... as in
 * the signal mediation encoding), or -1 when unknown.
 */
int fe_signal_lookup(const char *name);

/**
 * fe_rlimit_lookup - RLIMIT_* number of a resource name
 * @name: borrowed name
 *
 * Return: number, or -1 when unknown.
 */
int fe_rlimit_lookup(const char *name);

/**
 * fe_net_family_lookup - AF_* number of an address family name
 * @name: borrowed name
 *
 * Return: number, or -1 when unknown.
 */
int fe_net_family_lookup(const char *name);

/**
 * fe_net_type_lookup - SOCK_* number of a socket type name
 * @name: borrowed name
 *
 * Return: number, or -1 when unknown.
 */
int fe_net_type_lookup(const char *name);

/**
 * fe_netlink_proto_lookup - NETLINK_* number of a netlink protocol name
 * or decimal number 0-31
 * @name: borrowed name
 *
 * Return: number, or -1 when unknown.
 */
int fe_netlink_proto_lookup(const char *name);

/**
 * fe_mount_option_lookup - whether a mount option keyword is known
 * @name: borrowed option word
 *
 * Return: true if known.
 */
bool fe_mount_option_known(const char *name);

#endif
