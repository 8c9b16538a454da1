/* Writer for the kernel's element stream (policy-blob.md 3): names, typed
 * integers, strings, blobs, structs and arrays, little endian, no padding.
 * Knows the encoding, not what the elements mean.
 */
#include "be_stream.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"

void be_stream_init(struct be_stream *s, struct arena *a)
{
	memset(s, 0, sizeof(*s));
	s->arena = a;
	s->slot = arena_own(a, NULL, free);
}

static void be_reserve(struct be_stream *s, size_t n)
{
	size_t cap = s->cap ? s->cap : 4096;

	if (s->len + n <= s->cap)
		return;
	while (cap < s->len + n)
		cap *= 2;
	s->buf = xrealloc(s->buf, cap);
	s->cap = cap;
	arena_own_update(s->arena, s->slot, s->buf);
}

void be_put_raw(struct be_stream *s, const void *p, size_t n)
{
	be_reserve(s, n);
	memcpy(s->buf + s->len, p, n);
	s->len += n;
}

static void be_put_le(struct be_stream *s, uint64_t v, unsigned bytes)
{
	uint8_t b[8];

	for (unsigned i = 0; i < bytes; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	be_put_raw(s, b, bytes);
}

static void be_put_code(struct be_stream *s, enum be_code c)
{
	uint8_t b = (uint8_t)c;

	be_put_raw(s, &b, 1);
}

void be_put_name(struct be_stream *s, const char *name)
{
	size_t n;

	if (!name)
		return;
	n = strlen(name) + 1;
	be_put_code(s, BE_NAME);
	be_put_le(s, n, 2);
	be_put_raw(s, name, n);
}

void be_put_u8(struct be_stream *s, const char *name, uint8_t v)
{
	be_put_name(s, name);
	be_put_code(s, BE_U8);
	be_put_le(s, v, 1);
}

void be_put_u16(struct be_stream *s, const char *name, uint16_t v)
{
	be_put_name(s, name);
	be_put_code(s, BE_U16);
	be_put_le(s, v, 2);
}

void be_put_u32(struct be_stream *s, const char *name, uint32_t v)
{
	be_put_name(s, name);
	be_put_code(s, BE_U32);
	be_put_le(s, v, 4);
}

void be_put_u64(struct be_stream *s, const char *name, uint64_t v)
{
	be_put_name(s, name);
	be_put_code(s, BE_U64);
	be_put_le(s, v, 8);
}

void be_put_string(struct be_stream *s, const char *name, const char *str,
		   size_t n)
{
	uint8_t nul = 0;

	be_put_name(s, name);
	be_put_code(s, BE_STRING);
	be_put_le(s, n + 1, 2);
	be_put_raw(s, str, n);
	be_put_raw(s, &nul, 1);
}

void be_put_blob_header(struct be_stream *s, const char *name, uint32_t n)
{
	be_put_name(s, name);
	be_put_code(s, BE_BLOB);
	be_put_le(s, n, 4);
}

void be_put_struct(struct be_stream *s, const char *name)
{
	be_put_name(s, name);
	be_put_code(s, BE_STRUCT);
}

void be_put_structend(struct be_stream *s)
{
	be_put_code(s, BE_STRUCTEND);
}

void be_put_array(struct be_stream *s, const char *name, uint16_t count)
{
	be_put_name(s, name);
	be_put_code(s, BE_ARRAY);
	be_put_le(s, count, 2);
}

void be_put_arrayend(struct be_stream *s)
{
	be_put_code(s, BE_ARRAYEND);
}
