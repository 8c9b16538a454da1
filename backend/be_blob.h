/* The policy blob writer (policy-blob.md 4-6): one unit (header and
 * profile struct) per profile, DFAs in the kernel's table format. It
 * serializes what lowering computed; it decides nothing about rules.
 * Private to backend/.
 */
#ifndef BACKEND_BE_BLOB_H
#define BACKEND_BE_BLOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "be_stream.h"

/* Compressed DFA tables as the kernel reads them (policy-blob.md 6.3).
 * State 0 is dead, state 1 the default start.
 */
struct be_dfa {
	uint32_t nstates; /* entries in accept, accept2, base, def */
	const uint32_t *accept; /* ACCEPT */
	const uint32_t *accept2; /* ACCEPT2 */
	const uint32_t *base; /* BASE, index in bits 0-23 (+ flag bits) */
	const uint16_t *def; /* DEFAULT */
	uint32_t nnext; /* entries in next and check */
	const uint16_t *next; /* NEXT */
	const uint16_t *check; /* CHECK */
	const uint8_t *ec; /* 256 equivalence classes, or NULL */
	uint16_t th_flags; /* 1 diff-encode, 2 out-of-band */
};

/* Profile mode word (policy-blob.md 5.4). */
enum be_mode {
	BE_MODE_ENFORCE = 0,
	BE_MODE_COMPLAIN = 1,
	BE_MODE_KILL = 2,
	BE_MODE_UNCONFINED = 3,
};

/* Everything one profile unit holds; optional parts are NULL / 0. */
struct be_profile_out {
	const char *ns; /* header namespace, or NULL */
	const char *name; /* full name: parent//child */
	const struct be_dfa *xmatch; /* attachment DFA, or NULL */
	uint32_t xmatch_len; /* required with xmatch */
	const char *disconnected; /* attach_disconnected.path, or NULL */
	bool hat; /* flags word bit 0 */
	enum be_mode mode;
	bool audit; /* audit every allowed access */
	bool has_path_flags;
	uint32_t path_flags;
	uint64_t caps_allow, caps_audit, caps_quiet, caps_kill;
	const char *const *xattrs; /* attribute names, sorted */
	size_t nxattrs;
	bool has_rlimits;
	uint32_t rlimit_mask; /* bit i: limit i set */
	uint64_t rlimits[16]; /* hard limits, generic Linux order */
	const uint16_t (*net_af)[3]; /* allow, audit, quiet type masks per
					family (net_allowed_af), or NULL */
	size_t nnet_af;
	const struct be_dfa *policydb; /* or NULL */
	uint32_t policydb_start; /* 0: kernel default (1) */
	const struct be_dfa *file; /* or NULL */
	uint32_t file_start; /* 0: kernel default (1) */
	const char *const *xtable; /* exec targets, at most 12 */
	size_t nxtable;
};

/**
 * be_version_word - the header's version word for a kernel ABI
 * (policy-blob.md 4.2): ABI 5 alone, else ABI | 2 << 12 | 2 << 20
 * @abi: kernel ABI, 5..8
 * @force_complain: set bit 11
 *
 * Return: the word.
 */
uint32_t be_version_word(unsigned abi, bool force_complain);

/**
 * be_dfa_size - bytes of a DFA as written, header and padded tables
 * @d: borrowed tables
 *
 * Return: byte count, a multiple of 8.
 */
size_t be_dfa_size(const struct be_dfa *d);

/**
 * be_put_dfa - append an "aadfa" BLOB holding @d, with the leading pad
 * bytes that put the DFA proper on an 8-byte boundary from @unit_start
 * (policy-blob.md 6.1)
 * @s: borrowed stream
 * @d: borrowed tables
 * @unit_start: stream offset of the unit's version element
 */
void be_put_dfa(struct be_stream *s, const struct be_dfa *d,
		size_t unit_start);

/**
 * be_put_unit - append one unit: version (and namespace) header and the
 * profile struct in the field order of policy-blob.md 5.1
 * @s: borrowed stream
 * @version: version word
 * @p: borrowed profile
 */
void be_put_unit(struct be_stream *s, uint32_t version,
		 const struct be_profile_out *p);

#endif
