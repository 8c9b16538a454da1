/* Backend internals shared by lowering (lower*.c), the permission algebra
 * (perms.c) and the driver (be_compile.c): rule payloads, the per-profile
 * lowering state and the accept-value layout of policy-blob.md 7.
 * Private to backend/.
 */
#ifndef BACKEND_BE_INT_H
#define BACKEND_BE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend.h"
#include "dfa.h"
#include "diag.h"

struct arena;
struct cu;
struct ir_profile;
struct ir_rule;

/* File accept1 layout (policy-blob.md 7.1.1): one 14-bit half per owner
 * and other, shifted by BE_HALF_SHIFT * half.
 */
#define BE_HALF_SHIFT 14
#define BE_F_EXEC 0x0001u
#define BE_F_WRITE 0x0002u
#define BE_F_READ 0x0004u
#define BE_F_APPEND 0x0008u
#define BE_F_LINK 0x0010u
#define BE_F_LOCK 0x0020u /* also "subset" in the 2nd part of a link */
#define BE_F_MMAP 0x0040u
#define BE_F_UNCONFINED 0x0080u /* pux/cux fallback */
#define BE_F_UNSAFE 0x0100u
#define BE_F_INHERIT 0x0200u
#define BE_F_INDEX_SHIFT 10 /* exec index, bits 10-13 */
#define BE_F_TYPE 0x3f80u /* exec modifiers and index of one half */
#define BE_F_HALF 0x3fffu
#define BE_F_ONEXEC 0x40000000u
#define BE_F_CHANGE_PROFILE 0x80000000u
#define BE_F_BOTH(x) ((uint32_t)(x) | ((uint32_t)(x) << BE_HALF_SHIFT))
#define BE_AUDIT_MASK 0x001fc07fu /* bits kept in accept2 (7.1.4) */

/* The exec indexes of 7.1.3. */
#define BE_XIDX_UNCONFINED 1u
#define BE_XIDX_NAME 2u
#define BE_XIDX_CHILD 3u
#define BE_XIDX_TABLE 4u
#define BE_XTABLE_MAX 12

/* Policydb class bytes (policy-blob.md 7.2.1). */
enum be_class {
	BE_CLASS_FILE = 2,
	BE_CLASS_MOUNT = 7,
	BE_CLASS_PTRACE = 9,
	BE_CLASS_SIGNAL = 10,
	BE_CLASS_NET = 14,
	BE_CLASS_LABEL = 16,
	BE_CLASS_DBUS = 32,
};

/* The automata of one profile. */
enum be_aut {
	BE_AUT_FILE = 0,
	BE_AUT_PDB,
	BE_AUT_XMATCH,
	BE_AUT__N,
};

/* One rule's contribution to the states its pattern reaches: the payload
 * behind a dfa rule id.
 */
struct be_perm {
	uint32_t perms; /* accept1-layout bits granted or denied */
	uint32_t audit; /* allow: bits to audit; deny: unused */
	bool deny;
	bool quiet; /* deny without audit: silence the denial */
	uint32_t noquiet; /* deny: bits never silenced */
	uint32_t xm; /* m bits implied by ix, pix, cix (part of x) */
	bool file; /* file-DFA semantics (halves, exec types) */
	bool exact; /* glob has no wildcard (language.md 4.6) */
	int priority; /* language.md 6.3 */
	const struct ir_rule *rule; /* for messages, or NULL (implied) */
	const char *text; /* path text as written, for messages */
};

/* One (pattern, payload id) pair of an automaton. */
struct be_entry {
	dfa_pat_t pat;
	uint32_t id;
};

/* Entries of one automaton. */
struct be_entries {
	struct be_entry *v; /* arena, grown by copying */
	size_t n, cap;
};

/* Everything lowering computes for one profile. */
struct be_lower {
	struct cu *cu; /* borrowed; diagnostics and arena */
	struct arena *a; /* the unit's arena */
	struct dfa_ctx *dc; /* borrowed pattern context */
	const struct be_abi *abi; /* borrowed */
	const struct be_options *o; /* borrowed */
	const struct ir_profile *prof; /* borrowed */
	const char *hname; /* parent//child, no namespace */
	struct be_perm *perms; /* payloads, index = rule id */
	size_t nperms, capperms;
	struct be_entries ent[BE_AUT__N];
	const char *xtable[BE_XTABLE_MAX]; /* named exec targets */
	size_t nxtable;
	bool has_file_rules; /* the file DFA is written */
	bool cp_seen; /* a change_profile rule: implied /proc rules */
	uint64_t caps_allow, caps_deny, caps_audit, caps_quiet;
	uint16_t net_allow[64], net_deny[64], net_audit[64], net_quiet[64];
	bool has_net_masks; /* a network rule under abi->net_masks */
	bool has_rlimits;
	uint32_t rlimit_mask;
	uint64_t rlimits[16];
	const char *attach; /* effective attachment glob, or NULL */
	uint32_t xmatch_len;
	const char **xattrs; /* xattr names in xmatch order (arena) */
	size_t nxattrs;
	int rc; /* first error: -EINVAL */
};

/* Kinds of permission atoms (Note [perm-atoms] in perms.c). */
enum be_atom_kind {
	BE_ATOM_FILE, /* a file payload matches */
	BE_ATOM_DENY, /* v: bits denied */
	BE_ATOM_QUIET, /* v: denied bits silenced */
	BE_ATOM_IMPL, /* v: m bits implied by ix, pix, cix */
	BE_ATOM_EXPL, /* v: m bits given explicitly */
	BE_ATOM_ALLOW, /* v: bits a wildcard rule grants (no exec type) */
	BE_ATOM_AUDIT, /* v: bits a wildcard rule audits */
	BE_ATOM_EALLOW, /* v: bits an exact rule grants (no exec type) */
	BE_ATOM_EAUDIT, /* v: bits an exact rule audits */
	BE_ATOM_XTYPE, /* v: exec type of a wildcard rule in half */
	BE_ATOM_EXTYPE, /* v: exec type of an exact rule in half */
};

/* One permission fact at one priority level. */
struct be_atom {
	int prio; /* language.md 6.3 level */
	uint8_t kind; /* enum be_atom_kind */
	uint8_t half; /* XTYPE, EXTYPE: 0 owner, 1 other */
	uint32_t v; /* bit mask, or exec type bits */
};

/* Upper bound of be_perm_atoms() output. */
#define BE_ATOMS_MAX 128

/* The payload behind one DFA id of an automaton built by atoms. */
struct be_part {
	const struct be_atom *atoms; /* arena */
	size_t n;
};

/* The DFA ids of one automaton: part i is added with pattern pat[i]. */
struct be_parts {
	struct be_part *v; /* arena */
	dfa_pat_t *pat; /* arena */
	size_t n;
};

/* State handed to the fold callback. */
struct be_fold_ctx {
	struct cu *cu; /* borrowed */
	const char *hname; /* profile name for messages */
	const struct be_perm *perms; /* borrowed payload table */
	size_t nperms;
	const struct be_part *parts; /* borrowed; ids are parts when set */
	bool reported; /* a conflict was recorded */
};

/**
 * be_fold - fold a set of matching rule ids into accept1/accept2 (the
 * permission algebra, language.md 6.1-6.4, policy-blob.md 7.1.5); the
 * dfa_fold_fn of every automaton the backend builds
 * @ctx: struct be_fold_ctx
 * @ids: borrowed sorted rule ids
 * @n: count
 * @out: OUT: v[0] accept1, v[1] accept2
 *
 * Return: 0, or -EINVAL after recording a conflicting-exec error.
 */
int be_fold(void *ctx, const uint32_t *ids, size_t n, struct dfa_accept *out);

/**
 * be_fold_perms - the fold on payloads directly (no error reporting), for
 * callers and tests that evaluate one match string
 * @perms: borrowed payload table
 * @ids: borrowed rule ids (any order)
 * @n: count
 * @accept: OUT: accept1
 * @accept2: OUT: accept2
 * @conflict: OUT: when non-NULL, set to the two conflicting ids, or both
 *            UINT32_MAX when the exec transitions agree
 */
void be_fold_perms(const struct be_perm *perms, const uint32_t *ids,
		   size_t n, uint32_t *accept, uint32_t *accept2,
		   uint32_t conflict[2]);

/**
 * be_perm_atoms - split a payload into one-bit atoms (Note [perm-atoms])
 * @p: borrowed payload
 * @out: OUT: at most BE_ATOMS_MAX atoms
 *
 * Return: how many were written.
 */
size_t be_perm_atoms(const struct be_perm *p, struct be_atom *out);

/**
 * be_parts_group - regroup the entries of one automaton into one DFA id
 * per group of atoms asserted by equal patterns (Note [perm-atoms])
 * @a: borrowed arena for the result
 * @dc: borrowed pattern context of the entries
 * @ent: borrowed entries
 * @nent: count
 * @perms: borrowed payload table the entries' ids index
 * @out: OUT: the parts, deterministic order
 */
void be_parts_group(struct arena *a, struct dfa_ctx *dc,
		    const struct be_entry *ent, size_t nent,
		    const struct be_perm *perms, struct be_parts *out);

/**
 * be_fold_parts - the fold of be_fold_perms() on atoms
 * @parts: borrowed part table
 * @ids: borrowed part ids
 * @n: count
 * @accept: OUT: accept1
 * @accept2: OUT: accept2
 *
 * Return: 0, or -EINVAL when two exec types conflict (nothing recorded:
 * the caller rebuilds per rule to name the rules).
 */
int be_fold_parts(const struct be_part *parts, const uint32_t *ids, size_t n,
		  uint32_t *accept, uint32_t *accept2);

/**
 * be_lower_init - prepare lowering of one profile
 * @l: OUT: state
 * @cu: borrowed unit
 * @dc: borrowed pattern context
 * @abi: borrowed ABI decision
 * @o: borrowed options
 * @prof: borrowed profile
 * @hname: arena hierarchical name
 */
void be_lower_init(struct be_lower *l, struct cu *cu, struct dfa_ctx *dc,
		   const struct be_abi *abi, const struct be_options *o,
		   const struct ir_profile *prof, const char *hname);

/**
 * be_lower_profile - lower every rule of the profile in @l into entries,
 * payloads, capability words, rlimits, xtable and attachment
 * @l: borrowed state from be_lower_init()
 *
 * Return: 0, or -EINVAL with errors recorded.
 */
int be_lower_profile(struct be_lower *l);

/**
 * be_add_perm - append a payload
 * @l: borrowed state
 * @p: borrowed payload (copied)
 *
 * Return: its rule id.
 */
uint32_t be_add_perm(struct be_lower *l, const struct be_perm *p);

/**
 * be_add_entry - add a (pattern, payload) pair to automaton @aut
 * @l: borrowed state
 * @aut: which automaton
 * @pat: pattern of @l->dc
 * @id: payload id from be_add_perm()
 */
void be_add_entry(struct be_lower *l, enum be_aut aut, dfa_pat_t pat,
		  uint32_t id);

/**
 * be_glob - translate a glob to a pattern, recording an error naming the
 * profile when it is malformed
 * @l: borrowed state
 * @glob: borrowed glob (expanded)
 * @loc: where, for the message
 * @out: OUT: the pattern
 *
 * Return: 0 or -EINVAL.
 */
int be_glob(struct be_lower *l, const char *glob, struct src_loc loc,
	    dfa_pat_t *out);

/**
 * be_collapse_slashes - the repeated-slash filter of language.md 4.7
 * @a: borrowed arena
 * @s: borrowed path
 *
 * Return: arena string.
 */
const char *be_collapse_slashes(struct arena *a, const char *s);

/**
 * be_literal_prefix_len - characters before the first glob character of
 * an attachment (the xmatch_len of policy-blob.md 5.3)
 * @glob: borrowed glob
 *
 * Return: count.
 */
uint32_t be_literal_prefix_len(const char *glob);

#endif
