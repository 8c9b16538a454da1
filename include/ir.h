/* The intermediate representation: what the front end hands to the
 * backend. A policy holds profiles, a profile holds its rules, children
 * and hats; every node keeps its source location. All nodes live in the
 * compilation unit's arena and are linked lists (append with a tail
 * pointer), so nothing is freed piecemeal.
 *
 * Strings are stored as written (variables unexpanded) by the parser; the
 * semantic pass (fe_check_policy) expands them in place and fills the
 * "resolved" fields (marked so below) that the backend reads.
 */
#ifndef INCLUDE_IR_H
#define INCLUDE_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "diag.h"

struct arena;

/* A list of strings (values of a condition, words of an access list). */
struct ir_strlist {
	const char **v; /* arena array */
	size_t n;
};

/* A path expression (language.md 7.1): the strings matched by glob and
 * by none of the subtrahends. nsub == 0 for a plain glob.
 */
struct ir_pathexpr {
	const char *glob; /* minuend */
	const char **sub; /* subtrahends, arena array (the scanner reads
			     'A - B - C' as one word) */
	size_t nsub;
	struct src_loc loc;
};

/* Qualifier mode (language.md 3.1). */
enum ir_mode {
	IR_MODE_ALLOW = 0, /* default */
	IR_MODE_DENY,
	IR_MODE_PROMPT,
};

enum ir_owner {
	IR_OWNER_ANY = 0, /* both halves */
	IR_OWNER_OWNER,	  /* owner (or user) */
	IR_OWNER_OTHER,
};

struct ir_quals {
	bool audit;
	bool explicit_allow; /* 'allow' written */
	enum ir_mode mode;
	enum ir_owner owner;
	bool has_priority;
	int priority; /* -1000..1000 when has_priority; also on capability
			 rules, where upstream (4.1+) accepts it and the
			 caps sets ignore it (deny still wins) */
};

/* The operator of a condition. */
enum ir_cond_op {
	IR_COND_EQ = 0, /* name=value or name=(v1 v2) */
	IR_COND_IN,	/* name in (v1 v2) */
	IR_COND_ASSIGN, /* name:=value (label:=) */
	IR_COND_OTHER,	/* any other operator text, kept for the error */
};

/* A condition NAME OP VALUES of a mount, dbus, unix, network, signal,
 * mqueue, io_uring rule, or a rule conditional fs=/label= (7.2).
 */
struct ir_cond {
	const char *name; /* interned: "fstype", "peer", "label", ... */
	enum ir_cond_op op;
	struct ir_strlist values;
	bool paren; /* values were written in ( ) */
	struct src_loc loc;
	struct ir_cond *next;
};

/* File permission letters, language.md 3.2.2 (resolved from the word). */
enum ir_file_perm {
	IR_PERM_READ = 1u << 0,
	IR_PERM_WRITE = 1u << 1,
	IR_PERM_APPEND = 1u << 2,
	IR_PERM_LINK = 1u << 3,
	IR_PERM_LOCK = 1u << 4,
	IR_PERM_MMAP = 1u << 5,
	IR_PERM_EXEC = 1u << 6, /* any x, with or without a mode */
};

/* Exec modes, language.md 3.2.3. */
enum ir_xmode {
	IR_X_NONE = 0, /* no exec permission */
	IR_X_PLAIN,    /* bare x (deny rules) */
	IR_X_IX,
	IR_X_PX,
	IR_X_CX,
	IR_X_UX,
	IR_X_PIX,
	IR_X_CIX,
	IR_X_PUX,
	IR_X_CUX,
};

/* safe/unsafe keyword before a file or change_profile rule. */
enum ir_exec_mod {
	IR_EXECMOD_NONE = 0,
	IR_EXECMOD_SAFE,
	IR_EXECMOD_UNSAFE,
};

struct ir_file_rule {
	struct ir_pathexpr path;
	const char *perms_text; /* the permission word as written */
	uint32_t perms;		/* resolved: enum ir_file_perm bits */
	enum ir_xmode xmode;	/* resolved */
	bool xsafe;		/* resolved: uppercase P/C/U (secure exec) */
	enum ir_exec_mod exec_mod;
	const char *target; /* text after ->, or NULL: the link target
			       when the permissions have l and no x,
			       else the exec transition target */
	struct src_loc target_loc;
	bool leading;	   /* permissions written before the path */
	bool subset;	   /* 'subset' (leading form) */
	bool bare;	   /* 'file,' alone: path /{**,}, perms_text NULL */
	bool file_keyword; /* written with 'file' */
};

struct ir_link_rule {
	struct ir_pathexpr name;   /* new name */
	struct ir_pathexpr target; /* existing file */
	bool subset;
};

struct ir_capability_rule {
	struct ir_strlist names; /* empty: every capability */
	uint64_t caps[2];	 /* resolved: bit n = capability n */
};

/* network, unix, dbus, signal, ptrace, userns, mqueue, io_uring: an
 * access list, conditions, a peer group, and kind-specific words.
 */
struct ir_net_rule {
	struct ir_strlist access; /* leading or trailing access list */
	bool trailing_access;	  /* written after domain/type ([EXT] 7.3) */
	const char *domain;	  /* family word or NULL; a single word that
				     fe_net_family_lookup() does not know is
				     stored in type instead */
	const char *type; /* type or protocol word (tcp, udp, icmp) or NULL */
	struct ir_strlist nl_protocols; /* netlink protocols ([EXT] 7.3) */
	struct ir_cond *conds;		/* local conditions (ip, port, ...) */
	struct ir_cond *peer;		/* peer=( ... ) conditions; label:= is
					   name "label", op IR_COND_ASSIGN */
	/* resolved */
	uint32_t access_mask;	/* front end's own access bits (check_rules.c);
				   the backend recomputes kernel bits
				   from the words */
	int family;		/* AF_* or -1 for any */
	int sock_type;		/* SOCK_* or -1 for any */
	int protocol;		/* -1 for any */
	uint32_t nl_proto_mask; /* bit n = NETLINK protocol n */
};

struct ir_ipc_rule {
	struct ir_strlist access; /* access words as written */
	struct ir_cond *conds;	  /* set=, type=, addr=, bus=, path=, ... */
	struct ir_cond *peer;	  /* peer=( ... ) group (unix, dbus, io_uring);
				     signal/ptrace peer=LABEL is in conds */
	const char *name;	  /* mqueue queue name, or NULL */
	uint32_t access_mask;	  /* front end's own bits, as above */
};

enum ir_mount_kind {
	IR_MOUNT_MOUNT = 0,
	IR_MOUNT_REMOUNT,
	IR_MOUNT_UMOUNT,
};

struct ir_mount_rule {
	enum ir_mount_kind kind;
	struct ir_cond *conds; /* fstype= / options= / options in */
	bool has_source;
	struct ir_pathexpr source;
	bool has_mountpoint;
	struct ir_pathexpr mountpoint; /* remount/umount: their operand */
	bool arrow;		       /* '->' written */
};

struct ir_pivot_rule {
	bool has_oldroot;
	struct ir_pathexpr oldroot; /* from oldroot=VALUE */
	bool has_newroot;
	struct ir_pathexpr newroot;
	const char *target; /* -> LABEL, or NULL */
};

struct ir_change_profile_rule {
	enum ir_exec_mod exec_mod;
	bool has_exec;
	struct ir_pathexpr exec; /* exec condition */
	bool has_target;
	struct ir_pathexpr target; /* label glob, may subtract */
};

struct ir_rlimit_rule {
	const char *resource; /* as written */
	const char *value;    /* "AMOUNT", "AMOUNT UNIT" (one blank, also
				 when written glued: 1G is "1 G") or
				 "infinity" */
	/* resolved */
	int resource_id; /* RLIMIT_* */
	uint64_t limit;	 /* value in the kernel's unit; UINT64_MAX infinity;
			    nice N is stored as 20 + N, as 3.0.8 does */
};

enum ir_rule_kind {
	IR_RULE_FILE = 0,
	IR_RULE_LINK,
	IR_RULE_CAPABILITY,
	IR_RULE_NETWORK,
	IR_RULE_UNIX,
	IR_RULE_DBUS,
	IR_RULE_SIGNAL,
	IR_RULE_PTRACE,
	IR_RULE_MOUNT, /* mount, remount, umount: see ir_mount_rule.kind */
	IR_RULE_PIVOT_ROOT,
	IR_RULE_CHANGE_PROFILE,
	IR_RULE_RLIMIT,
	IR_RULE_USERNS,
	IR_RULE_MQUEUE,
	IR_RULE_IO_URING,
	IR_RULE_ALL,
	IR_RULE_ABI, /* abi rule inside a profile body */
	IR_RULE__COUNT,
};

struct ir_rule {
	enum ir_rule_kind kind;
	struct src_loc loc; /* first token of the rule, qualifiers included */
	struct ir_quals q;
	struct ir_cond *rule_conds; /* fs= / label= ([EXT] 7.2), or NULL */
	bool in_block;		    /* came from a qualifier block */
	const void *scope;	    /* fe_symtab_env() snapshot at the rule */
	union {
		struct ir_file_rule file;
		struct ir_link_rule link;
		struct ir_capability_rule cap;
		struct ir_net_rule net; /* NETWORK */
		struct ir_ipc_rule ipc; /* UNIX DBUS SIGNAL PTRACE USERNS
					   MQUEUE IO_URING */
		struct ir_mount_rule mount;
		struct ir_pivot_rule pivot;
		struct ir_change_profile_rule cp;
		struct ir_rlimit_rule rlimit;
		const char *abi; /* ABI: name as written */
	} u;
	struct ir_rule *next;
};

/* A profile flag as written: name, or name=value. */
struct ir_flag {
	const char *name;
	const char *value; /* NULL when no '=' */
	struct src_loc loc;
	struct ir_flag *next;
};

enum ir_profile_mode {
	IR_PMODE_ENFORCE = 0,
	IR_PMODE_COMPLAIN,
	IR_PMODE_KILL,
	IR_PMODE_UNCONFINED,
	IR_PMODE_DEFAULT_ALLOW,
	IR_PMODE_PROMPT,
};

/* Resolved profile flags (language.md 2.2.1). */
struct ir_profile_flags {
	enum ir_profile_mode mode;
	bool audit;
	bool mediate_deleted, delegate_deleted;
	bool attach_disconnected, no_attach_disconnected;
	bool chroot_relative, namespace_relative;
	bool chroot_attach, chroot_no_attach;
	bool interruptible;
	const char *disconnected_path; /* attach_disconnected.path */
	const char *disconnected_ipc;  /* attach_disconnected.ipc */
	int kill_signal;	       /* 0: default */
	int error_errno;	       /* 0: default */
};

struct ir_xattr {
	const char *name;
	const char *value; /* glob, or NULL: attribute must exist */
	struct src_loc loc;
	struct ir_xattr *next;
};

struct ir_profile {
	const char *ns;	    /* namespace, or NULL */
	const char *name;   /* as written, without the namespace prefix */
	const char *attach; /* attachment glob, or NULL */
	struct src_loc attach_loc;
	bool is_hat;  /* ^name or hat name */
	bool keyword; /* declared with 'profile' or 'hat' */
	struct ir_xattr *xattrs;
	struct ir_flag *flags;		/* as written */
	struct ir_profile_flags pflags; /* resolved */
	struct ir_strlist identities;	/* + identities=( ... ) [5.0] */
	struct ir_profile *parent;	/* NULL for a top-level profile */
	struct ir_rule *rules, *rules_tail;
	struct ir_profile *children, *children_tail; /* children and hats */
	struct src_loc loc;			     /* the name token */
	struct ir_profile *next;		     /* sibling */
	const void *scope; /* fe_symtab_env() snapshot before the profile's
			      own scope (what its header sees) */
};

struct ir_alias {
	const char *from;
	const char *to;
	struct src_loc loc;
	struct ir_alias *next;
};

struct ir_policy {
	struct ir_profile *profiles, *profiles_tail; /* top level */
	struct ir_alias *aliases;
	const char *abi; /* first abi name, as written, or NULL */
	struct src_loc abi_loc;
	bool abi_quoted;    /* abi "path" rather than <name> */
	const void *symtab; /* the front end's variable table */
};

/**
 * ir_rule_kind_name - the keyword of a rule kind, for messages
 * @kind: the kind
 *
 * Return: static string ("file", "capability", ...).
 */
const char *ir_rule_kind_name(enum ir_rule_kind kind);

/**
 * ir_profile_fqname - the kernel's name of a profile: its parents joined
 * with "//", prefixed ":ns:" when it has a namespace
 * @a: borrowed arena for the result
 * @p: borrowed profile
 *
 * Return: arena string.
 */
const char *ir_profile_fqname(struct arena *a, const struct ir_profile *p);

/**
 * ir_dump - print the IR in a canonical, stable text form (used by -d
 * and by the -p round-trip test: equal dumps mean equal IR)
 * @pol: borrowed policy
 * @out: stream
 */
void ir_dump(const struct ir_policy *pol, FILE *out);

#endif
