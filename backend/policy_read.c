/* Reader for compiled policy blobs (policy-blob.md 3-6): the element
 * stream, the 6.1 profile field order, the aadfa container with the
 * kernel's table and state verification, and DFA stepping as match.c does.
 * Backend phase, read side; it knows the kernel format, not the language.
 */
#include "policy.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

/* Element type codes (policy-blob.md 3). */
enum {
	EL_U8 = 0,
	EL_U16 = 1,
	EL_U32 = 2,
	EL_U64 = 3,
	EL_NAME = 4,
	EL_STRING = 5,
	EL_BLOB = 6,
	EL_STRUCT = 7,
	EL_STRUCTEND = 8,
	EL_LIST = 9,
	EL_LISTEND = 10,
	EL_ARRAY = 11,
	EL_ARRAYEND = 12,
	EL_OFFSET = 13,
};

#define DFA_MAGIC 0x1B5E783Du
#define BASE_DIFF_ENCODE 0x80000000u
#define BASE_OOB 0x20000000u
#define BASE_INVALID 0x5f000000u /* bits 24-28 and 30 */
#define BASE_INDEX(b) ((b)&0x00ffffffu)

/* The reading position and error state of one input. */
struct rd {
	struct arena *a;
	const uint8_t *buf; /* borrowed input */
	size_t len;
	size_t pos;		  /* next byte to read */
	struct policy_error *err; /* borrowed */
	bool failed;		  /* err holds the first error */
	const char *why; /* detail of the last element that was present but
			  * unreadable, or NULL */
	size_t why_off;
	char whybuf[160];
};

static const char *const el_names[] = {
	"U8",	  "U16",       "U32",  "U64",	  "NAME",  "STRING",   "BLOB",
	"STRUCT", "STRUCTEND", "LIST", "LISTEND", "ARRAY", "ARRAYEND", "OFFSET",
};

static int rd_fail(struct rd *r, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int rd_fail(struct rd *r, size_t off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (r->failed)
		return -EINVAL;
	r->failed = true;
	r->err->offset = off;
	n = snprintf(r->err->msg, sizeof(r->err->msg),
		     "offset %zu (0x%zx): ", off, off);
	if (n < 0 || (size_t)n >= sizeof(r->err->msg))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(r->err->msg + n, sizeof(r->err->msg) - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static void rd_why(struct rd *r, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void rd_why(struct rd *r, size_t off, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->whybuf, sizeof(r->whybuf), fmt, ap);
	va_end(ap);
	r->why = r->whybuf;
	r->why_off = off;
}

static bool rd_in(const struct rd *r, size_t n)
{
	return n <= r->len - r->pos;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

/* A readable description of the element at @pos, for error messages. */
static const char *rd_describe(struct rd *r, size_t pos)
{
	const uint8_t *p = r->buf + pos;
	size_t left = r->len - pos;

	if (pos >= r->len)
		return "end of input";
	if (p[0] == EL_NAME && left >= 3) {
		size_t n = le16(p + 1);
		char name[40];
		size_t i, k = 0;
		const char *code = "nothing";

		if (n > left - 3)
			return arena_sprintf(r->a,
					     "NAME of length %zu running past "
					     "the end of input",
					     n);
		for (i = 0; i < n && k + 5 < sizeof(name); i++) {
			uint8_t c = p[3 + i];

			if (c == 0 && i == n - 1)
				break;
			if (isprint(c)) {
				name[k++] = (char)c;
			} else {
				snprintf(name + k, 5, "\\x%02x", c);
				k += 4;
			}
		}
		name[k] = '\0';
		if (n + 3 < left)
			code = p[3 + n] < 14
				       ? el_names[p[3 + n]]
				       : arena_sprintf(r->a, "byte 0x%02x",
						       p[3 + n]);
		return arena_sprintf(r->a, "NAME \"%s\" followed by %s", name,
				     code);
	}
	if (p[0] < 14)
		return arena_sprintf(r->a, "%s element", el_names[p[0]]);
	return arena_sprintf(r->a, "byte 0x%02x (not an element type)", p[0]);
}

/*
 * aa_unpack_nameX: an optional NAME (which must equal @name if @name is
 * set, and is skipped otherwise), then the type code @code. On a mismatch
 * the position is left unchanged.
 */
static bool rd_nameX(struct rd *r, uint8_t code, const char *name)
{
	size_t pos = r->pos;

	if (rd_in(r, 1) && r->buf[r->pos] == EL_NAME) {
		size_t n;
		const uint8_t *tag;

		r->pos++;
		if (!rd_in(r, 2))
			goto fail;
		n = le16(r->buf + r->pos);
		r->pos += 2;
		if (!rd_in(r, n))
			goto fail;
		tag = r->buf + r->pos;
		r->pos += n;
		if (name && (!n || tag[n - 1] != '\0' ||
			     strcmp(name, (const char *)tag)))
			goto fail;
	} else if (name) {
		goto fail;
	}
	if (rd_in(r, 1) && r->buf[r->pos] == code) {
		r->pos++;
		return true;
	}
fail:
	r->pos = pos;
	return false;
}

static bool rd_u8(struct rd *r, uint8_t *v, const char *name)
{
	size_t pos = r->pos;

	if (!rd_nameX(r, EL_U8, name))
		return false;
	if (!rd_in(r, 1)) {
		rd_why(r, pos, "U8 value runs past the end of input");
		r->pos = pos;
		return false;
	}
	*v = r->buf[r->pos++];
	return true;
}

static bool rd_u16(struct rd *r, uint16_t *v, const char *name)
{
	size_t pos = r->pos;

	if (!rd_nameX(r, EL_U16, name))
		return false;
	if (!rd_in(r, 2)) {
		rd_why(r, pos, "U16 value runs past the end of input");
		r->pos = pos;
		return false;
	}
	*v = le16(r->buf + r->pos);
	r->pos += 2;
	return true;
}

static bool rd_u32(struct rd *r, uint32_t *v, const char *name)
{
	size_t pos = r->pos;

	if (!rd_nameX(r, EL_U32, name))
		return false;
	if (!rd_in(r, 4)) {
		rd_why(r, pos, "U32 value runs past the end of input");
		r->pos = pos;
		return false;
	}
	*v = le32(r->buf + r->pos);
	r->pos += 4;
	return true;
}

static bool rd_u64(struct rd *r, uint64_t *v, const char *name)
{
	size_t pos = r->pos;

	if (!rd_nameX(r, EL_U64, name))
		return false;
	if (!rd_in(r, 8)) {
		rd_why(r, pos, "U64 value runs past the end of input");
		r->pos = pos;
		return false;
	}
	*v = (uint64_t)le32(r->buf + r->pos) |
	     ((uint64_t)le32(r->buf + r->pos + 4) << 32);
	r->pos += 8;
	return true;
}

/* aa_unpack_str: returns the size including the NUL, 0 if absent/bad. */
static size_t rd_str(struct rd *r, const char **s, const char *name)
{
	size_t pos = r->pos;
	size_t n;

	if (!rd_nameX(r, EL_STRING, name))
		return 0;
	if (!rd_in(r, 2)) {
		rd_why(r, pos, "STRING length runs past the end of input");
		goto fail;
	}
	n = le16(r->buf + r->pos);
	r->pos += 2;
	if (!rd_in(r, n)) {
		rd_why(r, pos,
		       "STRING of length %zu runs past the end of input", n);
		goto fail;
	}
	if (n == 0) {
		rd_why(r, pos, "STRING of length 0");
		goto fail;
	}
	if (r->buf[r->pos + n - 1] != '\0') {
		rd_why(r, pos, "STRING is not NUL-terminated");
		goto fail;
	}
	*s = (const char *)r->buf + r->pos;
	r->pos += n;
	return n;
fail:
	r->pos = pos;
	return 0;
}

/* aa_unpack_blob: returns true if present (a zero-length blob included). */
static bool rd_blob(struct rd *r, const uint8_t **p, size_t *n,
		    const char *name)
{
	size_t pos = r->pos;
	size_t sz;

	if (!rd_nameX(r, EL_BLOB, name))
		return false;
	if (!rd_in(r, 4)) {
		rd_why(r, pos, "BLOB length runs past the end of input");
		goto fail;
	}
	sz = le32(r->buf + r->pos);
	r->pos += 4;
	if (!rd_in(r, sz)) {
		rd_why(r, pos, "BLOB of %zu bytes runs past the end of input",
		       sz);
		goto fail;
	}
	*p = r->buf + r->pos;
	*n = sz;
	r->pos += sz;
	return true;
fail:
	r->pos = pos;
	return false;
}

/* unpack_array: element count, or -1 if no ARRAY is here. */
static long rd_array(struct rd *r, const char *name)
{
	size_t pos = r->pos;

	if (!rd_nameX(r, EL_ARRAY, name))
		return -1;
	if (!rd_in(r, 2)) {
		rd_why(r, pos, "ARRAY count runs past the end of input");
		r->pos = pos;
		return -1;
	}
	r->pos += 2;
	return le16(r->buf + r->pos - 2);
}

/* A required element is missing: say what was expected and what is here. */
static int rd_expected(struct rd *r, const char *what, const char *ctx)
{
	if (r->why && r->why_off == r->pos)
		return rd_fail(r, r->pos, "%s: expected %s: %s", ctx, what,
			       r->why);
	return rd_fail(r, r->pos, "%s: expected %s, found %s", ctx, what,
		       rd_describe(r, r->pos));
}

static const char *const table_names[] = {
	"?",  "ACCEPT", "BASE",	   "CHECK", "DEFAULT",
	"EC", "META",	"ACCEPT2", "NEXT",
};

/* Table id -> the only width 6.1 accepts for it (0: not accepted). */
static unsigned int table_width(unsigned int id)
{
	switch (id) {
	case 1:
	case 2:
	case 7:
		return 4;
	case 3:
	case 4:
	case 8:
		return 2;
	case 5:
		return 1;
	default:
		return 0;
	}
}

/* Decode the table at @p (validated) into host order. */
static void *dfa_decode(struct arena *a, const uint8_t *p, uint32_t n,
			unsigned int width)
{
	uint32_t i;

	if (width == 4) {
		uint32_t *t = arena_alloc_array(a, n, sizeof(*t));

		for (i = 0; i < n; i++)
			t[i] = be32(p + 4 * (size_t)i);
		return t;
	}
	if (width == 2) {
		uint16_t *t = arena_alloc_array(a, n, sizeof(*t));

		for (i = 0; i < n; i++)
			t[i] = be16(p + 2 * (size_t)i);
		return t;
	}
	return NULL;
}

/* Every diff-encoded DEFAULT chain must end (checked with colours). */
static int dfa_check_chains(struct rd *r, const struct policy_dfa *d,
			    const char *what)
{
	uint8_t *colour = arena_alloc(r->a, d->nstates);
	uint32_t i;

	for (i = 0; i < d->nstates; i++) {
		uint32_t j = i;

		while (colour[j] == 0 && (d->base[j] & BASE_DIFF_ENCODE)) {
			colour[j] = 1;
			j = d->def[j];
		}
		if (colour[j] == 1 && (d->base[j] & BASE_DIFF_ENCODE))
			return rd_fail(r, d->offset,
				       "%s: diff-encoded DEFAULT chain from "
				       "state %u loops at state %u",
				       what, i, j);
		for (j = i; colour[j] == 1; j = d->def[j])
			colour[j] = 2;
	}
	return 0;
}

/*
 * aa_dfa_unpack + verify_table_headers + verify_dfa for the DFA proper
 * at input offset @off, @size bytes.
 */
static int dfa_unpack(struct rd *r, size_t off, size_t size, const char *what,
		      struct policy_dfa **out)
{
	const uint8_t *p = r->buf + off;
	const uint8_t *tab[9] = {NULL};
	uint32_t len[9] = {0};
	size_t tab_off[9] = {0};
	struct policy_dfa *d;
	size_t pos;
	uint32_t i, hsize;

	if (size < 16)
		return rd_fail(r, off,
			       "%s: DFA of %zu bytes is shorter than the "
			       "16-byte table set header",
			       what, size);
	if (be32(p) != DFA_MAGIC)
		return rd_fail(r, off,
			       "%s: expected DFA magic 0x1b5e783d, found "
			       "0x%08x",
			       what, be32(p));
	hsize = be32(p + 4);
	if (hsize > size)
		return rd_fail(r, off + 4,
			       "%s: DFA header size %u exceeds the DFA size "
			       "%zu",
			       what, hsize, size);
	d = arena_alloc(r->a, sizeof(*d));
	d->offset = off;
	d->size = size;
	d->hsize = hsize;
	d->hflags = be16(p + 12);
	if (d->hflags & ~3u)
		return rd_fail(r, off + 12,
			       "%s: DFA header flags 0x%x (only 0x1 diff "
			       "encode and 0x2 out-of-band are valid)",
			       what, d->hflags);
	for (pos = hsize; pos < size;) {
		size_t tsize, left = size - pos;
		unsigned int id, w, width;
		uint32_t n;

		if (left < 12)
			return rd_fail(r, off + pos,
				       "%s: %zu bytes left, too few for a "
				       "12-byte table header",
				       what, left);
		id = be16(p + pos);
		w = be16(p + pos + 2);
		n = be32(p + pos + 8);
		if (id < 1 || id > 8)
			return rd_fail(r, off + pos,
				       "%s: unknown table id %u (expected 1-8)",
				       what, id);
		if (w != 1 && w != 2 && w != 4)
			return rd_fail(r, off + pos + 2,
				       "%s: table %s has width %u (expected "
				       "1, 2 or 4)",
				       what, table_names[id], w);
		if (n == 0)
			return rd_fail(r, off + pos + 8,
				       "%s: table %s has no entries", what,
				       table_names[id]);
		tsize = (12 + (size_t)n * w + 7) & ~(size_t)7;
		if (tsize > left)
			return rd_fail(r, off + pos,
				       "%s: table %s of %u entries (%zu bytes "
				       "padded) runs past the DFA end (%zu "
				       "bytes left)",
				       what, table_names[id], n, tsize, left);
		width = table_width(id);
		if (!width)
			return rd_fail(r, off + pos,
				       "%s: table id %u (%s) is not accepted "
				       "by 6.1",
				       what, id, table_names[id]);
		if (w != width)
			return rd_fail(r, off + pos + 2,
				       "%s: table %s must have width %u, has "
				       "%u",
				       what, table_names[id], width, w);
		if (tab[id])
			return rd_fail(r, off + pos, "%s: duplicate table %s",
				       what, table_names[id]);
		tab[id] = p + pos + 12;
		len[id] = n;
		tab_off[id] = off + pos;
		pos += tsize;
	}
	for (i = 1; i <= 8; i++) {
		if (i == 5 || i == 6 || tab[i])
			continue;
		return rd_fail(r, off,
			       "%s: required table %s (id %u) is missing", what,
			       table_names[i], i);
	}
	d->nstates = len[2];
	d->ntrans = len[8];
	if (len[1] != d->nstates || len[7] != d->nstates ||
	    len[4] != d->nstates)
		return rd_fail(r, off,
			       "%s: ACCEPT (%u), ACCEPT2 (%u) and DEFAULT "
			       "(%u) must have as many entries as BASE (%u)",
			       what, len[1], len[7], len[4], d->nstates);
	if (len[3] != d->ntrans)
		return rd_fail(r, tab_off[3],
			       "%s: CHECK has %u entries, NEXT %u", what,
			       len[3], d->ntrans);
	if (tab[5] && len[5] != 256)
		return rd_fail(r, tab_off[5],
			       "%s: EC table has %u entries (expected 256)",
			       what, len[5]);
	d->accept = dfa_decode(r->a, tab[1], len[1], 4);
	d->base = dfa_decode(r->a, tab[2], len[2], 4);
	d->check = dfa_decode(r->a, tab[3], len[3], 2);
	d->def = dfa_decode(r->a, tab[4], len[4], 2);
	d->accept2 = dfa_decode(r->a, tab[7], len[7], 4);
	d->next = dfa_decode(r->a, tab[8], len[8], 2);
	d->has_ec = tab[5] != NULL;
	for (i = 0; i < 256; i++)
		d->ec[i] = d->has_ec ? tab[5][i] : (uint8_t)i;
	for (i = 0; i < d->nstates; i++) {
		uint32_t b = d->base[i];
		size_t at = tab_off[2] + 12 + 4 * (size_t)i;

		if (d->def[i] >= d->nstates)
			return rd_fail(r, tab_off[4] + 12 + 2 * (size_t)i,
				       "%s: DEFAULT[%u] = %u is not a state "
				       "(%u states)",
				       what, i, d->def[i], d->nstates);
		if (b & BASE_INVALID)
			return rd_fail(r, at,
				       "%s: BASE[%u] = 0x%08x has invalid flag "
				       "bits",
				       what, i, b);
		if ((b & BASE_DIFF_ENCODE) && !(d->hflags & 1))
			return rd_fail(r, at,
				       "%s: BASE[%u] is diff-encoded but the "
				       "header lacks flag 0x1",
				       what, i);
		if ((b & BASE_OOB) && BASE_INDEX(b) < 1)
			return rd_fail(r, at,
				       "%s: BASE[%u] has an out-of-band "
				       "transition with base index 0",
				       what, i);
		if ((b & BASE_OOB) && !(d->hflags & 2))
			return rd_fail(r, at,
				       "%s: BASE[%u] has an out-of-band "
				       "transition but the header lacks flag "
				       "0x2",
				       what, i);
		if ((uint64_t)BASE_INDEX(b) + 255 >= d->ntrans)
			return rd_fail(r, at,
				       "%s: BASE[%u] index %u + 255 is not "
				       "below the NEXT/CHECK size %u",
				       what, i, BASE_INDEX(b), d->ntrans);
	}
	for (i = 0; i < d->ntrans; i++) {
		if (d->next[i] >= d->nstates)
			return rd_fail(r, tab_off[8] + 12 + 2 * (size_t)i,
				       "%s: NEXT[%u] = %u is not a state (%u "
				       "states)",
				       what, i, d->next[i], d->nstates);
		if (d->check[i] >= d->nstates)
			return rd_fail(r, tab_off[3] + 12 + 2 * (size_t)i,
				       "%s: CHECK[%u] = %u is not a state (%u "
				       "states)",
				       what, i, d->check[i], d->nstates);
	}
	if (dfa_check_chains(r, d, what))
		return -EINVAL;
	*out = d;
	return 0;
}

/* unpack_dfa: an optional "aadfa" blob; its pad is blob length mod 8. */
static int rd_dfa(struct rd *r, const char *what, struct policy_dfa **out)
{
	const uint8_t *p;
	size_t n, start = r->pos;
	uint32_t pad;
	int rc;

	*out = NULL;
	r->why = NULL;
	if (!rd_blob(r, &p, &n, "aadfa")) {
		if (r->why && r->why_off == start)
			return rd_fail(r, start, "%s: %s", what, r->why);
		return 0;
	}
	if (n == 0)
		return 0;
	pad = (uint32_t)(n % 8);
	rc = dfa_unpack(r, (size_t)(p - r->buf) + pad, n - pad, what, out);
	if (!rc)
		(*out)->pad = pad;
	return rc;
}

uint32_t policy_dfa_oob(const struct policy_dfa *d, uint32_t s)
{
	uint32_t guard = 0;

	if (!d || s >= d->nstates || !(d->base[s] & BASE_OOB))
		return 0;
	for (;;) {
		uint32_t b = d->base[s];
		int64_t pos = (int64_t)BASE_INDEX(b) - 1;

		if (pos >= 0 && d->check[pos] == s)
			return d->next[pos];
		s = d->def[s];
		if (!(b & BASE_DIFF_ENCODE) || ++guard > d->nstates)
			return s;
	}
}

/* step_class of policy-blob.md 6.6; chains were verified to end. */
static uint32_t dfa_step_class(const struct policy_dfa *d, uint32_t s,
			       uint32_t c)
{
	for (;;) {
		uint32_t b = d->base[s];
		uint32_t pos = BASE_INDEX(b) + c;

		if (d->check[pos] == s)
			return d->next[pos];
		s = d->def[s];
		if (!(b & BASE_DIFF_ENCODE))
			return s;
	}
}

uint32_t policy_dfa_step(const struct policy_dfa *d, uint32_t s, uint8_t c)
{
	if (!d || s >= d->nstates)
		return 0;
	return dfa_step_class(d, s, d->ec[c]);
}

uint32_t policy_dfa_match(const struct policy_dfa *d, uint32_t s,
			  const char *str)
{
	if (!d || s >= d->nstates)
		return 0;
	for (; s && *str; str++)
		s = dfa_step_class(d, s, d->ec[(uint8_t)*str]);
	return s;
}

uint32_t policy_dfa_match_len(const struct policy_dfa *d, uint32_t s,
			      const void *buf, size_t n)
{
	const uint8_t *p = buf;
	size_t i;

	if (!d || s >= d->nstates)
		return 0;
	for (i = 0; s && i < n; i++)
		s = dfa_step_class(d, s, d->ec[p[i]]);
	return s;
}

uint32_t policy_class_start(const struct policy_profile *p, unsigned int cls)
{
	if (!p->policydb || cls > 255)
		return 0;
	return policy_dfa_step(p->policydb, p->policydb_start, (uint8_t)cls);
}

/* Split a ":ns:name" profile name as aa_splitn_fqname does. */
static int split_name(struct rd *r, struct policy_profile *p, size_t off)
{
	const char *n = p->name;

	if (n[0] == ':') {
		const char *colon = strchr(n + 1, ':');
		const char *ns = n + 1;
		const char *rest;

		if (!colon)
			return rd_fail(r, off,
				       "profile name \"%s\": namespace prefix "
				       "without closing ':'",
				       n);
		while (ns < colon && isspace((unsigned char)*ns))
			ns++;
		p->ns = arena_strndup(r->a, ns, (size_t)(colon - ns));
		rest = colon + 1;
		if (rest[0] == '/' && rest[1] == '/')
			rest += 2;
		while (isspace((unsigned char)*rest))
			rest++;
		if (!*rest)
			return rd_fail(r, off,
				       "profile name \"%s\": empty profile "
				       "name after the namespace",
				       n);
		p->hname = arena_strdup(r->a, rest);
	} else {
		p->hname = p->name;
	}
	return 0;
}

static int rd_flags(struct rd *r, struct policy_profile *p, const char *ctx)
{
	if (!rd_nameX(r, EL_STRUCT, "flags"))
		return rd_expected(r, "the \"flags\" STRUCT", ctx);
	if (!rd_u32(r, &p->flags, NULL))
		return rd_expected(r, "U32 flags word", ctx);
	if (!rd_u32(r, &p->mode, NULL))
		return rd_expected(r, "U32 mode word", ctx);
	if (p->mode > 3)
		return rd_fail(r, r->pos - 4,
			       "%s: mode %u is invalid (0 enforce, 1 complain, "
			       "2 kill, 3 unconfined)",
			       ctx, p->mode);
	if (!rd_u32(r, &p->audit, NULL))
		return rd_expected(r, "U32 audit word", ctx);
	if (!rd_nameX(r, EL_STRUCTEND, NULL))
		return rd_expected(r, "STRUCTEND of \"flags\"", ctx);
	return 0;
}

static int rd_caps(struct rd *r, struct policy_profile *p, const char *ctx)
{
	uint32_t w[4], i;

	for (i = 0; i < 4; i++)
		if (!rd_u32(r, &w[i], NULL))
			return rd_expected(r,
					   "U32 capability word (allow, audit, "
					   "quiet, kill)",
					   ctx);
	p->caps_allow = w[0];
	p->caps_audit = w[1];
	p->caps_quiet = w[2];
	p->caps_kill = w[3];
	if (rd_nameX(r, EL_STRUCT, "caps64")) {
		for (i = 0; i < 4; i++)
			if (!rd_u32(r, &w[i], NULL))
				return rd_expected(r, "U32 in \"caps64\"", ctx);
		if (!rd_nameX(r, EL_STRUCTEND, NULL))
			return rd_expected(r, "STRUCTEND of \"caps64\"", ctx);
		p->has_caps64 = true;
		p->caps_allow |= (uint64_t)w[0] << 32;
		p->caps_audit |= (uint64_t)w[1] << 32;
		p->caps_quiet |= (uint64_t)w[2] << 32;
		p->caps_kill |= (uint64_t)w[3] << 32;
	}
	if (rd_nameX(r, EL_STRUCT, "capsx")) {
		for (i = 0; i < 2; i++)
			if (!rd_u32(r, &w[i], NULL))
				return rd_expected(r, "U32 in \"capsx\"", ctx);
		if (!rd_nameX(r, EL_STRUCTEND, NULL))
			return rd_expected(r, "STRUCTEND of \"capsx\"", ctx);
		p->has_capsx = true;
		p->capsx = w[0] | ((uint64_t)w[1] << 32);
	}
	return 0;
}

/* A STRUCT { ARRAY { STRING... } } as xattrs and xtable use it. */
static int rd_string_array(struct rd *r, const char *sname, uint32_t max,
			   const char ***out, uint32_t *nout, const char *ctx)
{
	long n;
	uint32_t i;
	const char **v;

	n = rd_array(r, NULL);
	if (n < 0)
		n = 0;
	if ((uint32_t)n > max)
		return rd_fail(r, r->pos - 2,
			       "%s: \"%s\" has %ld entries, at most %u are "
			       "accepted",
			       ctx, sname, n, max);
	v = arena_alloc_array(r->a, (size_t)n + 1, sizeof(*v));
	for (i = 0; i < (uint32_t)n; i++) {
		const char *s;
		size_t sz;

		r->why = NULL;
		sz = rd_str(r, &s, NULL);
		if (!sz)
			return rd_expected(r, "STRING array entry", ctx);
		v[i] = arena_strndup(r->a, s, sz - 1);
		if (!strcmp(sname, "xtable")) {
			char *e = (char *)v[i];
			size_t j, nul = 0;

			if (isspace((unsigned char)e[0]))
				return rd_fail(
					r, (size_t)(s - (const char *)r->buf),
					"%s: xtable entry %u starts "
					"with white space",
					ctx, i);
			for (j = 0; j + 1 < sz; j++) {
				if (!e[j]) {
					e[j] = ':';
					nul++;
				}
			}
			if ((e[0] == ':' && nul > 1) || (e[0] != ':' && nul))
				return rd_fail(
					r, (size_t)(s - (const char *)r->buf),
					"%s: xtable entry %u has %zu "
					"inner NUL bytes (only one, in "
					"a \":ns\\0name\" entry, is "
					"allowed)",
					ctx, i, nul);
		}
	}
	if (!rd_nameX(r, EL_ARRAYEND, NULL))
		return rd_expected(r, "ARRAYEND", ctx);
	if (!rd_nameX(r, EL_STRUCTEND, NULL))
		return rd_expected(r, "STRUCTEND", ctx);
	*out = v;
	*nout = (uint32_t)n;
	return 0;
}

static int rd_rlimits(struct rd *r, struct policy_profile *p, const char *ctx)
{
	long n, i;

	if (!rd_nameX(r, EL_STRUCT, "rlimits"))
		return 0;
	p->rlimits.present = true;
	if (!rd_u32(r, &p->rlimits.mask, NULL))
		return rd_expected(r, "U32 rlimit mask", ctx);
	n = rd_array(r, NULL);
	if (n < 0)
		n = 0;
	if (n > POLICY_RLIMITS)
		return rd_fail(r, r->pos - 2,
			       "%s: %ld rlimits, at most %d are accepted", ctx,
			       n, POLICY_RLIMITS);
	p->rlimits.count = (uint32_t)n;
	for (i = 0; i < n; i++)
		if (!rd_u64(r, &p->rlimits.limit[i], NULL))
			return rd_expected(r, "U64 rlimit value", ctx);
	if (!rd_nameX(r, EL_ARRAYEND, NULL))
		return rd_expected(r, "ARRAYEND of \"rlimits\"", ctx);
	if (!rd_nameX(r, EL_STRUCTEND, NULL))
		return rd_expected(r, "STRUCTEND of \"rlimits\"", ctx);
	return 0;
}

static int rd_secmark(struct rd *r, struct policy_profile *p, const char *ctx)
{
	long n, i;

	if (!rd_nameX(r, EL_STRUCT, "secmark"))
		return 0;
	n = rd_array(r, NULL);
	if (n < 0)
		n = 0;
	p->secmark =
		arena_alloc_array(r->a, (size_t)n + 1, sizeof(*p->secmark));
	p->nsecmark = (uint32_t)n;
	for (i = 0; i < n; i++) {
		struct policy_secmark *m = &p->secmark[i];
		const char *s;
		size_t sz;

		if (!rd_u8(r, &m->audit, NULL) || !rd_u8(r, &m->deny, NULL))
			return rd_expected(r, "U8 secmark audit/deny", ctx);
		r->why = NULL;
		sz = rd_str(r, &s, NULL);
		if (!sz)
			return rd_expected(r, "STRING secmark label", ctx);
		m->label = arena_strndup(r->a, s, sz - 1);
	}
	if (!rd_nameX(r, EL_ARRAYEND, NULL))
		return rd_expected(r, "ARRAYEND of \"secmark\"", ctx);
	if (!rd_nameX(r, EL_STRUCTEND, NULL))
		return rd_expected(r, "STRUCTEND of \"secmark\"", ctx);
	return 0;
}

/* net_allowed_af (policy-blob.md 5.11): 3.0.8 writes it for kernels
 * with "network" but no "network_v8"; 6.1 rejects it, Ubuntu's kernels
 * read it. Read so that such blobs can be dumped and compared.
 */
static int rd_net_af(struct rd *r, struct policy_profile *p, const char *ctx)
{
	long n = rd_array(r, "net_allowed_af");

	if (n < 0)
		return 0;
	p->net_af = arena_alloc_array(r->a, (size_t)n + 1, sizeof(*p->net_af));
	p->nnet_af = (uint32_t)n;
	p->has_net_af = true;
	for (long i = 0; i < n; i++)
		for (int k = 0; k < 3; k++)
			if (!rd_u16(r, &p->net_af[i][k], NULL))
				return rd_expected(r, "U16 net_allowed_af mask",
						   ctx);
	if (!rd_nameX(r, EL_ARRAYEND, NULL))
		return rd_expected(r, "ARRAYEND of \"net_allowed_af\"", ctx);
	return 0;
}

static int rd_policydb(struct rd *r, struct policy_profile *p, const char *ctx)
{
	size_t at;
	char *what;

	if (!rd_nameX(r, EL_STRUCT, "policydb"))
		return 0;
	at = r->pos;
	what = arena_sprintf(r->a, "%s: policydb", ctx);
	if (rd_dfa(r, what, &p->policydb))
		return -EINVAL;
	if (!p->policydb)
		return rd_fail(r, at,
			       "%s: the \"policydb\" STRUCT needs an \"aadfa\" "
			       "BLOB, found %s",
			       ctx, rd_describe(r, at));
	p->policydb_start = 1;
	at = r->pos;
	if (rd_u32(r, &p->policydb_start, "start"))
		p->has_policydb_start = true;
	if (p->policydb_start >= p->policydb->nstates)
		return rd_fail(r, at,
			       "%s: invalid policydb start state %u (%u "
			       "states)",
			       ctx, p->policydb_start, p->policydb->nstates);
	if (!rd_nameX(r, EL_STRUCTEND, NULL))
		return rd_expected(r, "STRUCTEND of \"policydb\"", ctx);
	return 0;
}

static int rd_filedfa(struct rd *r, struct policy_profile *p, const char *ctx)
{
	size_t at;
	char *what = arena_sprintf(r->a, "%s: file DFA", ctx);

	if (rd_dfa(r, what, &p->file))
		return -EINVAL;
	if (p->file) {
		p->file_start = 1;
		at = r->pos;
		if (rd_u32(r, &p->file_start, "dfa_start"))
			p->has_dfa_start = true;
		if (p->file_start >= p->file->nstates)
			return rd_fail(r, at,
				       "%s: invalid dfa start state %u (%u "
				       "states)",
				       ctx, p->file_start, p->file->nstates);
		return 0;
	}
	if (p->policydb) {
		uint32_t s = policy_class_start(p, POLICY_CLASS_FILE);

		if (s) {
			p->file = p->policydb;
			p->file_start = s;
			p->file_in_policydb = true;
		}
	}
	return 0;
}

static int rd_data(struct rd *r, struct policy_profile *p, const char *ctx)
{
	size_t cap = 0;

	if (!rd_nameX(r, EL_STRUCT, "data"))
		return 0;
	for (;;) {
		const char *key;
		const uint8_t *v = NULL;
		size_t sz, vn = 0, at = r->pos;
		uint32_t i;

		sz = rd_str(r, &key, NULL);
		if (!sz)
			break;
		if (!rd_blob(r, &v, &vn, NULL)) {
			v = NULL;
			vn = 0;
		}
		for (i = 0; i < p->ndata; i++)
			if (!strcmp(p->data[i].key, key))
				return rd_fail(r, at,
					       "%s: duplicate data key \"%s\"",
					       ctx, key);
		if (p->ndata == cap) {
			struct policy_data *nd;

			cap = cap ? 2 * cap : 8;
			nd = arena_alloc_array(r->a, cap, sizeof(*nd));
			if (p->ndata)
				memcpy(nd, p->data, p->ndata * sizeof(*nd));
			p->data = nd;
		}
		p->data[p->ndata].key = arena_strndup(r->a, key, sz - 1);
		p->data[p->ndata].value = v;
		p->data[p->ndata].len = vn;
		p->ndata++;
	}
	if (!rd_nameX(r, EL_STRUCTEND, NULL))
		return rd_expected(r, "STRUCTEND of \"data\"", ctx);
	return 0;
}

/* verify_dfa_xindex over the file automaton the kernel uses. */
static int verify_xindex(struct rd *r, const struct policy_profile *p,
			 const char *ctx)
{
	const struct policy_dfa *d = p->file;
	uint32_t i;

	if (!d)
		return 0;
	for (i = 0; i < d->nstates; i++) {
		uint32_t half[2] = {d->accept[i] & 0x3fff,
				    (d->accept[i] >> 14) & 0x3fff};
		int h;

		for (h = 0; h < 2; h++) {
			uint32_t idx = (half[h] >> 10) & 0xf;

			if (idx >= 4 && idx - 4 >= p->nxtable)
				return rd_fail(r, d->offset,
					       "%s: invalid named transition: "
					       "state %u %s exec index %u "
					       "needs xtable entry %u, the "
					       "xtable has %u",
					       ctx, i, h ? "other" : "owner",
					       idx, idx - 4, p->nxtable);
		}
	}
	return 0;
}

/* unpack_profile of 6.1, field by field (policy-blob.md 5.1). */
static int rd_profile(struct rd *r, struct policy_profile *p)
{
	const char *s, *ctx;
	size_t sz, at;

	p->struct_offset = r->pos;
	r->why = NULL;
	if (!rd_nameX(r, EL_STRUCT, "profile"))
		return rd_expected(r, "the \"profile\" STRUCT", "unit");
	at = r->pos;
	r->why = NULL;
	sz = rd_str(r, &s, NULL);
	if (!sz)
		return rd_expected(r, "the profile name STRING", "profile");
	if (sz == 1)
		return rd_fail(r, at, "profile: empty profile name");
	p->name = arena_strndup(r->a, s, sz - 1);
	if (split_name(r, p, at))
		return -EINVAL;
	ctx = arena_sprintf(r->a, "profile \"%s\"", p->name);
	if (rd_str(r, &s, "rename"))
		p->rename = s;
	if (rd_str(r, &s, "attach"))
		p->attach = s;
	if (rd_dfa(r, arena_sprintf(r->a, "%s: xmatch DFA", ctx), &p->xmatch))
		return -EINVAL;
	if (p->xmatch) {
		r->why = NULL;
		if (!rd_u32(r, &p->xmatch_len, NULL))
			return rd_expected(r,
					   "the U32 xmatch length after the "
					   "xmatch DFA",
					   ctx);
		if (p->xmatch->nstates < 2)
			return rd_fail(r, p->xmatch->offset,
				       "%s: xmatch DFA has %u state(s); its "
				       "start state 1 does not exist",
				       ctx, p->xmatch->nstates);
	}
	if (rd_str(r, &s, "disconnected"))
		p->disconnected = s;
	r->why = NULL;
	if (rd_flags(r, p, ctx))
		return -EINVAL;
	p->path_flags = 0x20000;
	if (rd_u32(r, &p->path_flags, "path_flags"))
		p->has_path_flags = true;
	r->why = NULL;
	if (rd_caps(r, p, ctx))
		return -EINVAL;
	r->why = NULL;
	if (rd_nameX(r, EL_STRUCT, "xattrs") &&
	    rd_string_array(r, "xattrs", 0xffff, &p->xattrs, &p->nxattrs, ctx))
		return -EINVAL;
	if (rd_rlimits(r, p, ctx) || rd_secmark(r, p, ctx) ||
	    rd_net_af(r, p, ctx) || rd_policydb(r, p, ctx) ||
	    rd_filedfa(r, p, ctx))
		return -EINVAL;
	r->why = NULL;
	if (rd_nameX(r, EL_STRUCT, "xtable") &&
	    rd_string_array(r, "xtable", POLICY_XTABLE_MAX, &p->xtable,
			    &p->nxtable, ctx))
		return -EINVAL;
	if (rd_data(r, p, ctx))
		return -EINVAL;
	r->why = NULL;
	if (!rd_nameX(r, EL_STRUCTEND, NULL))
		return rd_expected(r, "STRUCTEND (end of profile)", ctx);
	return verify_xindex(r, p, ctx);
}

static bool same_ns(const struct policy_profile *p,
		    const struct policy_profile *q)
{
	if (!p->ns || !q->ns)
		return !p->ns && !q->ns;
	return !strcmp(p->ns, q->ns);
}

/* The unit whose hname is @p's without its last "//" component. */
static const struct policy_profile *find_parent(const struct policy_set *set,
						const struct policy_profile *p)
{
	const char *cut = NULL, *s;
	size_t i, n;

	for (s = strstr(p->hname, "//"); s; s = strstr(s + 2, "//"))
		cut = s;
	if (!cut)
		return NULL;
	n = (size_t)(cut - p->hname);
	for (i = 0; i < set->n; i++) {
		const struct policy_profile *q = &set->profiles[i];

		if (q != p && same_ns(p, q) && strlen(q->hname) == n &&
		    !strncmp(q->hname, p->hname, n))
			return q;
	}
	return NULL;
}

/* Fill ns and fqname once the whole write is known (policy-blob.md 4.3). */
static void finish_names(struct arena *a, struct policy_set *set)
{
	size_t i;

	for (i = 0; i < set->n; i++) {
		struct policy_profile *p = &set->profiles[i];

		if (!p->ns && set->header_ns)
			p->ns = set->header_ns;
		if (p->ns)
			p->fqname = arena_sprintf(a, ":%s:%s", p->ns, p->hname);
		else
			p->fqname = p->hname;
	}
	for (i = 0; i < set->n; i++)
		set->profiles[i].parent = find_parent(set, &set->profiles[i]);
}

int policy_read(struct arena *a, const void *buf, size_t len,
		struct policy_set **out, struct policy_error *err)
{
	struct rd r = {.a = a, .buf = buf, .len = len, .err = err};
	struct policy_set *set = arena_alloc(a, sizeof(*set));
	size_t cap = 0;
	uint32_t version = 0;

	err->offset = 0;
	err->msg[0] = '\0';
	set->size = len;
	if (!len) {
		rd_fail(&r, 0, "empty input: expected the \"version\" U32");
		return -EINVAL;
	}
	while (r.pos < r.len) {
		struct policy_profile *p;
		size_t start = r.pos;
		const char *ns;
		uint32_t v;

		r.why = NULL;
		if (rd_u32(&r, &v, "version")) {
			uint32_t abi = v & 0x3ff;

			if (abi < 5 || abi > 8)
				return rd_fail(&r, start,
					       "unsupported interface version "
					       "0x%08x: kernel ABI %u (6.1 "
					       "accepts 5-8)",
					       v, abi);
			version = v;
		} else if (start == 0) {
			return rd_expected(&r, "the \"version\" U32", "header");
		}
		if (rd_str(&r, &ns, "namespace")) {
			if (!*ns)
				return rd_fail(&r, r.pos - 1,
					       "header: empty namespace name");
			if (!set->header_ns)
				set->header_ns = arena_strdup(a, ns);
		} else if (r.why && r.why_off == r.pos) {
			return rd_fail(&r, r.pos, "header: %s", r.why);
		}
		if (set->n == cap) {
			struct policy_profile *np;

			cap = cap ? 2 * cap : 8;
			np = arena_alloc_array(a, cap, sizeof(*np));
			if (set->n)
				memcpy(np, set->profiles, set->n * sizeof(*np));
			set->profiles = np;
		}
		p = &set->profiles[set->n];
		memset(p, 0, sizeof(*p));
		p->offset = start;
		p->version = version;
		if (rd_profile(&r, p))
			return -EINVAL;
		p->end = r.pos;
		set->n++;
	}
	finish_names(a, set);
	*out = set;
	return 0;
}

static void free_buf(void *p)
{
	free(p);
}

int policy_read_file(struct arena *a, const char *path, struct policy_set **out,
		     struct policy_error *err)
{
	FILE *f;
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0;
	bool is_stdin = !strcmp(path, "-");
	int e;

	f = is_stdin ? stdin : fopen(path, "rb");
	if (!f) {
		e = errno;
		err->offset = 0;
		snprintf(err->msg, sizeof(err->msg), "%s: %s", path,
			 strerror(e));
		return -e;
	}
	for (;;) {
		size_t got;

		if (n == cap) {
			cap = cap ? 2 * cap : 65536;
			buf = xrealloc(buf, cap);
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	e = ferror(f) ? EIO : 0;
	if (!is_stdin)
		fclose(f);
	arena_own(a, buf, free_buf);
	if (e) {
		err->offset = n;
		snprintf(err->msg, sizeof(err->msg), "%s: read error", path);
		return -e;
	}
	return policy_read(a, buf, n, out, err);
}

const struct policy_profile *policy_find(const struct policy_set *set,
					 const char *name)
{
	const struct policy_profile *hit = NULL;
	size_t i, hits = 0;

	for (i = 0; i < set->n; i++)
		if (!strcmp(set->profiles[i].fqname, name))
			return &set->profiles[i];
	for (i = 0; i < set->n; i++) {
		if (!strcmp(set->profiles[i].hname, name) ||
		    !strcmp(set->profiles[i].name, name)) {
			hit = &set->profiles[i];
			hits++;
		}
	}
	return hits == 1 ? hit : NULL;
}
