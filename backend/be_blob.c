/* Policy blob writer: the unit header, the profile struct in the order the
 * 6.1 unpacker reads it, and DFAs in the kernel's big-endian table format
 * with the padding rule of policy-blob.md 6.1. Knows the format, not the
 * rules that produced the tables.
 */
#include "be_blob.h"

#include <string.h>

#include "dfa.h"

/* Note [dfa-padding]: the kernel skips (blob length mod 8) leading bytes
 * of an aadfa blob, so a DFA whose size is a multiple of 8 may carry 0-7
 * pad bytes in front; apparmor_parser picks them so that the DFA starts on
 * an 8-byte boundary counted from its unit's start, and so do we, which
 * keeps our bytes comparable with its output.
 */

#define BE_DFA_HSIZE 24
#define BE_TH_MAGIC 0x1B5E783DU
#define BE_TH_FLAG_OOB 0x2

enum be_table_id {
	BE_TD_ACCEPT = 1,
	BE_TD_BASE = 2,
	BE_TD_CHECK = 3,
	BE_TD_DEFAULT = 4,
	BE_TD_EC = 5,
	BE_TD_ACCEPT2 = 7,
	BE_TD_NEXT = 8,
};

uint32_t be_version_word(unsigned abi, bool force_complain)
{
	uint32_t v = abi & 0x3ff;

	if (abi > 5)
		v |= (2u << 12) | (2u << 20);
	if (force_complain)
		v |= 1u << 11;
	return v;
}

static size_t be_table_size(size_t n, size_t width)
{
	size_t sz = 12 + n * width;

	return (sz + 7) & ~(size_t)7;
}

size_t be_dfa_size(const struct be_dfa *d)
{
	size_t sz = BE_DFA_HSIZE;

	sz += 2 * be_table_size(d->nstates, 4); /* ACCEPT, ACCEPT2 */
	if (d->ec)
		sz += be_table_size(256, 1);
	sz += be_table_size(d->nstates, 4); /* BASE */
	sz += be_table_size(d->nstates, 2); /* DEFAULT */
	sz += 2 * be_table_size(d->nnext, 2); /* NEXT, CHECK */
	return sz;
}

static void be_put_be(struct be_stream *s, uint32_t v, unsigned bytes)
{
	uint8_t b[4];

	for (unsigned i = 0; i < bytes; i++)
		b[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
	be_put_raw(s, b, bytes);
}

static void be_put_pad8(struct be_stream *s, size_t written)
{
	static const uint8_t zero[8];

	if (written % 8)
		be_put_raw(s, zero, 8 - written % 8);
}

static void be_put_table_hdr(struct be_stream *s, enum be_table_id id,
			     unsigned width, uint32_t n)
{
	be_put_be(s, id, 2);
	be_put_be(s, width, 2);
	be_put_be(s, 0, 4); /* td_hilen, ignored */
	be_put_be(s, n, 4);
}

static void be_put_table32(struct be_stream *s, enum be_table_id id,
			   const uint32_t *v, uint32_t n)
{
	be_put_table_hdr(s, id, 4, n);
	for (uint32_t i = 0; i < n; i++)
		be_put_be(s, v[i], 4);
	be_put_pad8(s, 12 + (size_t)n * 4);
}

static void be_put_table16(struct be_stream *s, enum be_table_id id,
			   const uint16_t *v, uint32_t n)
{
	be_put_table_hdr(s, id, 2, n);
	for (uint32_t i = 0; i < n; i++)
		be_put_be(s, v[i], 2);
	be_put_pad8(s, 12 + (size_t)n * 2);
}

/* Note [oob-flag]: 6.1 rejects a DFA in which a state's BASE carries the
 * out-of-band flag (bit 29) unless the header has YYTH_FLAG_OOB_TRANS
 * (policy-blob.md 6.6, 7.4); only xattr attachments have such states.
 */
static uint16_t be_th_flags(const struct be_dfa *d)
{
	uint16_t f = d->th_flags;

	for (uint32_t i = 0; i < d->nstates; i++)
		if (d->base[i] & DFA_BASE_OOB)
			return f | BE_TH_FLAG_OOB;
	return f;
}

void be_put_dfa(struct be_stream *s, const struct be_dfa *d,
		size_t unit_start)
{
	static const uint8_t zero[8];
	static const char vers[] = "notflex";
	size_t size = be_dfa_size(d);
	size_t data_at, pad;

	/* the payload starts after NAME(aadfa) + BLOB tag + u32 length */
	data_at = s->len + 1 + 2 + sizeof("aadfa") + 1 + 4;
	pad = (8 - (data_at - unit_start) % 8) % 8;
	be_put_blob_header(s, "aadfa", (uint32_t)(size + pad));
	be_put_raw(s, zero, pad);

	be_put_be(s, BE_TH_MAGIC, 4);
	be_put_be(s, BE_DFA_HSIZE, 4);
	be_put_be(s, (uint32_t)size, 4);
	be_put_be(s, be_th_flags(d), 2);
	be_put_raw(s, vers, sizeof(vers)); /* "notflex\0" */
	be_put_raw(s, zero, BE_DFA_HSIZE - 14 - sizeof(vers));

	be_put_table32(s, BE_TD_ACCEPT, d->accept, d->nstates);
	be_put_table32(s, BE_TD_ACCEPT2, d->accept2, d->nstates);
	if (d->ec) {
		be_put_table_hdr(s, BE_TD_EC, 1, 256);
		be_put_raw(s, d->ec, 256);
		be_put_pad8(s, 12 + 256);
	}
	be_put_table32(s, BE_TD_BASE, d->base, d->nstates);
	be_put_table16(s, BE_TD_DEFAULT, d->def, d->nstates);
	be_put_table16(s, BE_TD_NEXT, d->next, d->nnext);
	be_put_table16(s, BE_TD_CHECK, d->check, d->nnext);
}

static void be_put_cstring(struct be_stream *s, const char *name,
			   const char *str)
{
	be_put_string(s, name, str, strlen(str));
}

/* An xtable entry ":ns:name" is written with the namespace's closing
 * colon as a NUL (policy-blob.md 5.9).
 */
static void be_put_xtable_entry(struct be_stream *s, const char *t)
{
	size_t n = strlen(t);
	char buf[n + 1];
	const char *colon;

	memcpy(buf, t, n + 1);
	if (t[0] == ':' && (colon = strchr(t + 1, ':')))
		buf[colon - t] = '\0';
	be_put_string(s, NULL, buf, n);
}

void be_put_unit(struct be_stream *s, uint32_t version,
		 const struct be_profile_out *p)
{
	size_t unit_start = s->len;

	be_put_u32(s, "version", version);
	if (p->ns)
		be_put_cstring(s, "namespace", p->ns);
	be_put_struct(s, "profile");
	be_put_cstring(s, NULL, p->name);
	if (p->xmatch) {
		be_put_dfa(s, p->xmatch, unit_start);
		be_put_u32(s, NULL, p->xmatch_len);
	}
	if (p->disconnected)
		be_put_cstring(s, "disconnected", p->disconnected);
	be_put_struct(s, "flags");
	be_put_u32(s, NULL, p->hat ? 1 : 0);
	be_put_u32(s, NULL, (uint32_t)p->mode);
	be_put_u32(s, NULL, p->audit ? 1 : 0);
	be_put_structend(s);
	if (p->has_path_flags)
		be_put_u32(s, "path_flags", p->path_flags);
	be_put_u32(s, NULL, (uint32_t)p->caps_allow);
	be_put_u32(s, NULL, (uint32_t)p->caps_audit);
	be_put_u32(s, NULL, (uint32_t)p->caps_quiet);
	be_put_u32(s, NULL, (uint32_t)p->caps_kill);
	be_put_struct(s, "caps64");
	be_put_u32(s, NULL, (uint32_t)(p->caps_allow >> 32));
	be_put_u32(s, NULL, (uint32_t)(p->caps_audit >> 32));
	be_put_u32(s, NULL, (uint32_t)(p->caps_quiet >> 32));
	be_put_u32(s, NULL, (uint32_t)(p->caps_kill >> 32));
	be_put_structend(s);
	if (p->nxattrs) {
		be_put_struct(s, "xattrs");
		be_put_array(s, NULL, (uint16_t)p->nxattrs);
		for (size_t i = 0; i < p->nxattrs; i++)
			be_put_cstring(s, NULL, p->xattrs[i]);
		be_put_arrayend(s);
		be_put_structend(s);
	}
	if (p->has_rlimits) {
		be_put_struct(s, "rlimits");
		be_put_u32(s, NULL, p->rlimit_mask);
		be_put_array(s, NULL, 16);
		for (int i = 0; i < 16; i++)
			be_put_u64(s, NULL, p->rlimits[i]);
		be_put_arrayend(s);
		be_put_structend(s);
	}
	if (p->net_af) {
		be_put_array(s, "net_allowed_af", (uint16_t)p->nnet_af);
		for (size_t i = 0; i < p->nnet_af; i++)
			for (int k = 0; k < 3; k++)
				be_put_u16(s, NULL, p->net_af[i][k]);
		be_put_arrayend(s);
	}
	if (p->policydb) {
		be_put_struct(s, "policydb");
		be_put_dfa(s, p->policydb, unit_start);
		if (p->policydb_start)
			be_put_u32(s, "start", p->policydb_start);
		be_put_structend(s);
	}
	if (p->file) {
		be_put_dfa(s, p->file, unit_start);
		if (p->file_start)
			be_put_u32(s, "dfa_start", p->file_start);
	}
	if (p->nxtable) {
		be_put_struct(s, "xtable");
		be_put_array(s, NULL, (uint16_t)p->nxtable);
		for (size_t i = 0; i < p->nxtable; i++)
			be_put_xtable_entry(s, p->xtable[i]);
		be_put_arrayend(s);
		be_put_structend(s);
	}
	be_put_structend(s);
}
