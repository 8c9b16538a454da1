/* Reading compiled policy: the binary blob the kernel loads (policy-blob.md)
 * parsed into an arena structure, validated as Linux 6.1's unpack_profile
 * and verify_dfa do, DFA stepping exactly as the kernel steps, offline
 * permission queries per mediation class, and a semantic diff of two blobs.
 * Nothing here prints; the aa-policy tool does.
 */
#ifndef INCLUDE_POLICY_H
#define INCLUDE_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;

#define POLICY_XTABLE_MAX 12 /* xtable entries 6.1 accepts */
#define POLICY_RLIMITS 16    /* rlimit slots 6.1 accepts */
#define POLICY_OOB 256	     /* symbol for the out-of-band transition */

/* Policydb class bytes of policy-blob.md 7.2.1 used by queries. */
enum policy_class {
	POLICY_CLASS_FILE = 2,
	POLICY_CLASS_MOUNT = 7,
	POLICY_CLASS_PTRACE = 9,
	POLICY_CLASS_SIGNAL = 10,
	POLICY_CLASS_NET = 14,
	POLICY_CLASS_LABEL = 16,
	POLICY_CLASS_DBUS = 32,
};

/* Kernel-internal permission bits (AA_MAY_* of 6.1, policy-blob.md 7.2.3). */
enum policy_perm {
	POLICY_MAY_EXEC = 0x1,
	POLICY_MAY_WRITE = 0x2,
	POLICY_MAY_READ = 0x4,
	POLICY_MAY_APPEND = 0x8,
	POLICY_MAY_CREATE = 0x10,
	POLICY_MAY_DELETE = 0x20,
	POLICY_MAY_OPEN = 0x40,
	POLICY_MAY_RENAME = 0x80,
	POLICY_MAY_SETATTR = 0x100,
	POLICY_MAY_GETATTR = 0x200,
	POLICY_MAY_SETCRED = 0x400,
	POLICY_MAY_GETCRED = 0x800,
	POLICY_MAY_CHMOD = 0x1000,
	POLICY_MAY_CHOWN = 0x2000,
	POLICY_MAY_CHGRP = 0x4000,
	POLICY_MAY_LOCK = 0x8000,
	POLICY_EXEC_MMAP = 0x10000,
	POLICY_MAY_LINK = 0x40000,
	POLICY_LINK_SUBSET = 0x80000,
	POLICY_MAY_ACCEPT = 0x100000,
	POLICY_MAY_BIND = 0x200000,
	POLICY_MAY_LISTEN = 0x400000,
	POLICY_MAY_SETOPT = 0x1000000,
	POLICY_MAY_GETOPT = 0x2000000,
	POLICY_MAY_ONEXEC = 0x40000000,
	POLICY_MAY_CHANGE_PROFILE = 0x80000000,
};

/* Where a malformed input stopped being readable. */
struct policy_error {
	size_t offset; /* byte offset in the input */
	char msg[320]; /* what was expected and what was found */
};

/* One automaton (an "aadfa" blob), its tables decoded to host order. */
struct policy_dfa {
	size_t offset;	   /* input offset of the DFA proper (after padding) */
	size_t size;	   /* bytes of the DFA proper */
	uint32_t pad;	   /* leading pad bytes in the blob */
	uint32_t hsize;	   /* th_hsize */
	uint16_t hflags;   /* th_flags: 1 diff encode, 2 out-of-band */
	uint32_t nstates;  /* entries of BASE */
	uint32_t ntrans;   /* entries of NEXT and CHECK */
	bool has_ec;	   /* an EC table was present */
	uint8_t ec[256];   /* byte -> class; identity without EC */
	uint32_t *accept;  /* arena, nstates entries */
	uint32_t *accept2; /* arena, nstates entries */
	uint32_t *base;	   /* arena, nstates entries */
	uint16_t *def;	   /* arena, nstates entries */
	uint16_t *next;	   /* arena, ntrans entries */
	uint16_t *check;   /* arena, ntrans entries */
};

/* An rlimits struct (policy-blob.md 5.6). */
struct policy_rlimits {
	bool present;			/* the struct was written */
	uint32_t mask;			/* bit i: limit i set */
	uint32_t count;			/* array entries written */
	uint64_t limit[POLICY_RLIMITS]; /* hard limits, 0 if not written */
};

/* A secmark rule (never written by 3.0.8). */
struct policy_secmark {
	uint8_t audit;
	uint8_t deny;
	const char *label; /* arena */
};

/* A data key/value pair. */
struct policy_data {
	const char *key;      /* arena */
	const uint8_t *value; /* borrowed from the input buffer */
	size_t len;
};

/* One profile unit, as 6.1's unpack_profile reads it. */
struct policy_profile {
	size_t offset;	      /* input offset of the unit's header */
	size_t struct_offset; /* input offset of the "profile" struct */
	size_t end;	      /* input offset just past the unit */
	uint32_t version;     /* version word in force for this unit */
	const char *name;     /* arena: name as written */
	const char *ns;	    /* arena: namespace, NULL for the root namespace */
	const char *hname;  /* arena: hierarchical name a//b without ns */
	const char *fqname; /* arena: ":ns:hname" or hname */
	/* the unit named like hname without its last "//" part, or NULL */
	const struct policy_profile *parent;
	const char *rename;	   /* arena or NULL */
	const char *attach;	   /* arena or NULL */
	const char *disconnected;  /* arena or NULL */
	struct policy_dfa *xmatch; /* arena or NULL */
	uint32_t xmatch_len;	   /* priority floor, with xmatch only */
	uint32_t flags;		   /* bit 0 hat, 1-2 debug */
	uint32_t mode;	     /* 0 enforce, 1 complain, 2 kill, 3 unconfined */
	uint32_t audit;	     /* non-zero: audit everything */
	bool has_path_flags; /* path_flags was written */
	uint32_t path_flags; /* effective value (0x20000 if absent) */
	uint64_t caps_allow; /* low words | caps64 << 32 */
	uint64_t caps_audit;
	uint64_t caps_quiet;
	uint64_t caps_kill; /* read and ignored by 6.1 */
	bool has_caps64;
	bool has_capsx;
	uint64_t capsx;
	const char **xattrs; /* arena array of arena strings */
	uint32_t nxattrs;
	struct policy_rlimits rlimits;
	uint16_t (*net_af)[3]; /* net_allowed_af: allow, audit, quiet masks
				* of socket types per family (arena) */
	uint32_t nnet_af;
	bool has_net_af; /* net_allowed_af was written (6.1 rejects it) */
	struct policy_secmark *secmark; /* arena */
	uint32_t nsecmark;
	struct policy_dfa *policydb; /* arena or NULL */
	uint32_t policydb_start;     /* start (default 1) */
	bool has_policydb_start;
	struct policy_dfa *file; /* file automaton the kernel uses, or NULL */
	uint32_t file_start;	 /* its start state */
	bool file_in_policydb;	 /* file rules come from policydb class 2 */
	bool has_dfa_start;	 /* dfa_start was written */
	const char **xtable;	 /* arena; inner NUL of ":ns\0n" shown as ':' */
	uint32_t nxtable;
	struct policy_data *data; /* arena */
	uint32_t ndata;
};

/* Every unit of one input, in input order. */
struct policy_set {
	struct policy_profile *profiles; /* arena */
	size_t n;
	const char
		*header_ns; /* first header namespace of the write, or NULL */
	size_t size;	    /* input bytes */
};

/**
 * policy_read - parse and validate a blob of one or more units
 * @a: borrowed arena; everything returned lives in it
 * @buf: borrowed input; data values point into it, so it must outlive @out
 * @len: input bytes
 * @out: set to the arena policy set on success
 * @err: filled with the offset and reason on failure (borrowed)
 *
 * Checks everything 6.1's unpacker, verify_dfa and verify_dfa_xindex
 * check, and additionally rejects what would make the kernel read out of
 * bounds or loop (documented in aa-policy(1)).
 *
 * Return: 0, or -EINVAL for malformed input.
 */
int policy_read(struct arena *a, const void *buf, size_t len,
		struct policy_set **out, struct policy_error *err);

/**
 * policy_read_file - read a whole file (or "-" for stdin) and parse it
 * @a: borrowed arena; holds the file contents as well
 * @path: borrowed file name
 * @out: set to the arena policy set on success
 * @err: filled on failure; offset 0 and the system error for I/O errors
 *
 * Return: 0, -EINVAL for malformed input, or -errno for I/O errors.
 */
int policy_read_file(struct arena *a, const char *path, struct policy_set **out,
		     struct policy_error *err);

/**
 * policy_find - look up a profile by fully qualified name, or by plain
 * hierarchical name if that is unique
 * @set: borrowed policy set
 * @name: borrowed name (":ns:a//b" or "a//b")
 *
 * Return: borrowed profile, or NULL if not found.
 */
const struct policy_profile *policy_find(const struct policy_set *set,
					 const char *name);

/**
 * policy_dfa_step - one transition on an input byte (EC applied)
 * @d: borrowed DFA, validated by policy_read()
 * @s: state
 * @c: input byte
 *
 * Return: the next state, 0 for the dead state.
 */
uint32_t policy_dfa_step(const struct policy_dfa *d, uint32_t s, uint8_t c);

/**
 * policy_dfa_oob - the out-of-band transition (policy-blob.md 6.6)
 * @d: borrowed DFA
 * @s: state
 *
 * Return: the next state; 0 if @s has no out-of-band transition.
 */
uint32_t policy_dfa_oob(const struct policy_dfa *d, uint32_t s);

/**
 * policy_dfa_match - step over a C string (aa_dfa_match)
 * @d: borrowed DFA, or NULL for the empty automaton
 * @s: start state
 * @str: borrowed NUL-terminated string
 *
 * Return: the state reached, 0 once dead.
 */
uint32_t policy_dfa_match(const struct policy_dfa *d, uint32_t s,
			  const char *str);

/**
 * policy_dfa_match_len - step over exactly @n bytes (aa_dfa_match_len)
 * @d: borrowed DFA, or NULL
 * @s: start state
 * @buf: borrowed bytes
 * @n: byte count
 *
 * Return: the state reached, 0 once dead.
 */
uint32_t policy_dfa_match_len(const struct policy_dfa *d, uint32_t s,
			      const void *buf, size_t n);

/**
 * policy_class_start - the kernel's start[cls] of the policydb
 * @p: borrowed profile
 * @cls: class byte
 *
 * Return: step(policydb start, cls), or 0 if there is no policydb.
 */
uint32_t policy_class_start(const struct policy_profile *p, unsigned int cls);

/* Permissions after the kernel's mapping of accept values. */
struct policy_perms {
	uint32_t allow; /* enum policy_perm bits */
	uint32_t audit;
	uint32_t quiet;
};

/* Exec transition types of a file half (dfa_map_xindex). */
enum policy_xtype {
	POLICY_X_NONE = 0,   /* index 0: inherit or no transition */
	POLICY_X_UNCONFINED, /* index 1 */
	POLICY_X_NAME,	     /* index 2: profile attached to the exec path */
	POLICY_X_CHILD,	     /* index 3: child profile named like the path */
	POLICY_X_TABLE,	     /* index >= 4: xtable entry */
};

/* One owner/other half of a file accept value, decoded. */
struct policy_file_half {
	uint32_t raw;		   /* the 14 accept1 bits */
	struct policy_perms perms; /* map_old_perms of the half */
	enum policy_xtype xtype;
	uint32_t xindex;    /* raw index 0..15 */
	bool unsafe;	    /* 0x100: do not scrub */
	bool inherit;	    /* 0x200: ix, or fall back to inherit */
	bool unconfined;    /* 0x80 or index 1: fall back to unconfined */
	const char *target; /* xtable entry for POLICY_X_TABLE, borrowed */
};

/* A file query answer (policy-blob.md 7.1). */
struct policy_file_perms {
	uint32_t state; /* state reached; 0 = no match */
	uint32_t accept1;
	uint32_t accept2;
	struct policy_file_half owner;
	struct policy_file_half other;
	bool change_profile; /* accept1 bit 31 */
	bool onexec;	     /* accept1 bit 30 */
};

/* A generic query answer for the policydb classes. */
struct policy_answer {
	bool mediated;	/* the profile mediates the class */
	uint32_t state; /* final state (0 = no match) */
	uint32_t accept1;
	uint32_t accept2;
	struct policy_perms perms; /* mapped (and intersected for labels) */
	uint32_t request;	   /* permissions asked for */
	bool allowed; /* request is a subset of perms.allow, or unmediated */
};

/**
 * policy_decode_file - decode file accept values (7.1) of a profile
 * @p: borrowed profile (for the xtable), may be NULL
 * @a1: accept1
 * @a2: accept2
 * @out: filled
 */
void policy_decode_file(const struct policy_profile *p, uint32_t a1,
			uint32_t a2, struct policy_file_perms *out);

/**
 * policy_compute_perms - 6.1's aa_compute_perms mapping (7.2.3)
 * @a1: accept1
 * @a2: accept2
 * @out: filled
 */
void policy_compute_perms(uint32_t a1, uint32_t a2, struct policy_perms *out);

/**
 * policy_compute_mnt_perms - 6.1's compute_mnt_perms (7.2.5)
 * @a1: accept1
 * @a2: accept2
 * @out: filled
 */
void policy_compute_mnt_perms(uint32_t a1, uint32_t a2,
			      struct policy_perms *out);

/**
 * policy_query_file - permissions for a path, from the file automaton
 * @p: borrowed profile
 * @path: borrowed path (directories end in '/')
 * @target: borrowed link target, or NULL; if set, the pair PATH \0 TARGET
 *          is matched as for a link
 * @out: filled
 */
void policy_query_file(const struct policy_profile *p, const char *path,
		       const char *target, struct policy_file_perms *out);

/**
 * policy_query_capability - a capability's allow/audit/quiet bits
 * @p: borrowed profile
 * @cap: capability number
 * @out: filled (perms use bit 0 for the capability)
 */
void policy_query_capability(const struct policy_profile *p, unsigned int cap,
			     struct policy_answer *out);

/**
 * policy_query_network - network_v8 permissions for a family and type
 * @p: borrowed profile
 * @family: AF_* number
 * @type: SOCK_* number
 * @request: permissions asked for (0: just report)
 * @out: filled
 */
void policy_query_network(const struct policy_profile *p, unsigned int family,
			  unsigned int type, uint32_t request,
			  struct policy_answer *out);

/**
 * policy_query_signal - signal permission against a peer label
 * @p: borrowed profile
 * @sig: the kernel's mapped signal number (7.2.7)
 * @request: POLICY_MAY_WRITE (send) or POLICY_MAY_READ (receive)
 * @peer: borrowed label string (components joined by "//&", ":ns:" prefix)
 * @out: filled
 */
void policy_query_signal(const struct policy_profile *p, unsigned int sig,
			 uint32_t request, const char *peer,
			 struct policy_answer *out);

/**
 * policy_query_ptrace - ptrace permission against a peer label
 * @p: borrowed profile
 * @request: 0x4 read, 0x2 trace, 0x10 readby, 0x8 tracedby
 * @peer: borrowed label string
 * @out: filled
 */
void policy_query_ptrace(const struct policy_profile *p, uint32_t request,
			 const char *peer, struct policy_answer *out);

/* A mount(2), umount(2) or pivot_root(2) call to check. */
struct policy_mount_req {
	int op;		      /* 0 mount, 1 umount, 2 pivot_root */
	const char *point;    /* mount point / umount target / new root */
	const char *source;   /* device or source path; NULL if none */
	const char *fstype;   /* NULL if none */
	uint64_t flags;	      /* MS_* bits as passed to mount(2) */
	const char *data;     /* mount data string or NULL */
	bool binary;	      /* the fs has binary mount data */
	const char *old_root; /* pivot_root put_old */
};

/**
 * policy_query_mount - mount class permission as the kernel dispatches it
 * @p: borrowed profile
 * @req: borrowed request
 * @out: filled
 */
void policy_query_mount(const struct policy_profile *p,
			const struct policy_mount_req *req,
			struct policy_answer *out);

/**
 * policy_query_pdb - raw accept values for a policydb string from start
 * @p: borrowed profile
 * @buf: borrowed bytes, class byte first
 * @n: byte count
 * @out: filled with state and generic 7.2.3 permissions
 */
void policy_query_pdb(const struct policy_profile *p, const void *buf, size_t n,
		      struct policy_answer *out);

/**
 * policy_name_number - look up a name in one of the name tables
 * @table: "cap", "signal", "af", "type", "rlimit" or "mountflag"
 * @name: borrowed name (decimal numbers are accepted too)
 *
 * Return: the number, or -1 if unknown.
 */
int policy_name_number(const char *table, const char *name);

/**
 * policy_number_name - the name of a number in one of the name tables
 * @table: as for policy_name_number()
 * @n: number
 *
 * Return: static string, or NULL if the number has no name.
 */
const char *policy_number_name(const char *table, unsigned int n);

/**
 * policy_perms_str - permission bits as a readable word list
 * @a: borrowed arena
 * @cls: class byte the bits belong to (2 file, 7 mount, 9 ptrace,
 *       10 signal, 14 network, else generic names)
 * @perms: enum policy_perm bits (for mount the raw 7-bit values)
 *
 * Return: arena string, "-" for none.
 */
const char *policy_perms_str(struct arena *a, unsigned int cls, uint32_t perms);

/**
 * policy_file_half_str - a file half as rule-style modes, e.g. "rw",
 * "r px -> bar", "mr ix"
 * @a: borrowed arena
 * @h: borrowed half
 *
 * Return: arena string, "-" for no permission.
 */
const char *policy_file_half_str(struct arena *a,
				 const struct policy_file_half *h);

/**
 * policy_byte_order - all 256 byte values, most readable first (lower
 * case letters, digits, '/', upper case, punctuation, then the rest), so
 * that witness strings pick readable representatives
 * @order: filled with a permutation of 0..255
 */
void policy_byte_order(uint8_t order[256]);

/**
 * policy_escape - a byte string made readable: printable ASCII as is,
 * "\\" doubled, NUL as "\\0", other bytes "\\xHH", POLICY_OOB as "<oob>"
 * @a: borrowed arena
 * @syms: borrowed symbols (bytes 0..255 or POLICY_OOB)
 * @n: symbol count
 *
 * Return: arena string.
 */
const char *policy_escape(struct arena *a, const uint16_t *syms, size_t n);

/**
 * policy_describe_pdb - a policydb string made readable: class byte
 * decoded, then class-specific fields (signal names, family/type, NUL
 * separated fields) where recognised
 * @a: borrowed arena
 * @syms: borrowed symbols, class byte first
 * @n: symbol count
 *
 * Return: arena string.
 */
const char *policy_describe_pdb(struct arena *a, const uint16_t *syms,
				size_t n);

/* What kind of difference an item reports. */
enum policy_diff_kind {
	POLICY_DIFF_ONLY_A,   /* profile only in the first set */
	POLICY_DIFF_ONLY_B,   /* profile only in the second set */
	POLICY_DIFF_FIELD,    /* a profile field (caps, flags, rlimits ...) */
	POLICY_DIFF_FILE,     /* a string with different file permissions */
	POLICY_DIFF_POLICYDB, /* ... different policydb permissions */
	POLICY_DIFF_XMATCH,   /* ... different attachment acceptance */
};

/* One difference between two policy sets. */
struct policy_diff_item {
	enum policy_diff_kind kind;
	const char *profile;  /* arena: fully qualified name */
	const char *what;     /* arena: field name, or automaton name */
	const uint16_t *syms; /* arena: the input string, for automata */
	size_t nsyms;
	const char *a; /* arena: readable value in the first set */
	const char *b; /* arena: readable value in the second set */
};

/* Limits and switches of a diff. */
struct policy_diff_opts {
	unsigned int max_strings; /* per automaton and profile; 0 = 10 */
};

/* The result of a diff. */
struct policy_diff {
	struct policy_diff_item *items; /* arena */
	size_t n;
	size_t profiles; /* profiles compared (union of names) */
	size_t profiles_differing;
	size_t pairs_walked; /* product states visited, all automata */
	size_t suppressed;   /* differing strings not listed (over max) */
};

/**
 * policy_diff - compare two policy sets semantically, profile by profile
 * @a: borrowed arena for the result
 * @x: borrowed first set
 * @y: borrowed second set
 * @opts: borrowed options, or NULL for defaults
 * @out: set to the arena result
 *
 * Profiles are matched by fully qualified name. File, policydb and xmatch
 * automata are walked together (a product over the joint byte partition
 * of both EC tables, plus the out-of-band symbol for xmatch); a pair of
 * states whose accept values mean different things (exec targets compared
 * by xtable string, not index) yields its shortest input string. Caps,
 * flags, mode, path_flags, rlimits, net_allowed_af, xattrs and xmatch_len
 * are compared as the kernel uses them.
 *
 * Return: 0 if equal, 1 if different.
 */
int policy_diff(struct arena *a, const struct policy_set *x,
		const struct policy_set *y, const struct policy_diff_opts *opts,
		struct policy_diff **out);

#endif
