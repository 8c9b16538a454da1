/* The kernel's element stream (policy-blob.md 3): a growable byte buffer
 * with one writer per element type. Little endian, no padding. Private to
 * backend/.
 */
#ifndef BACKEND_BE_STREAM_H
#define BACKEND_BE_STREAM_H

#include <stddef.h>
#include <stdint.h>

struct arena;

/* Element type codes (policy-blob.md 3). */
enum be_code {
	BE_U8 = 0x00,
	BE_U16 = 0x01,
	BE_U32 = 0x02,
	BE_U64 = 0x03,
	BE_NAME = 0x04,
	BE_STRING = 0x05,
	BE_BLOB = 0x06,
	BE_STRUCT = 0x07,
	BE_STRUCTEND = 0x08,
	BE_ARRAY = 0x0b,
	BE_ARRAYEND = 0x0c,
};

struct be_stream {
	struct arena *arena; /* owns buf through arena_own */
	uint8_t *buf; /* malloc'd, grown by doubling */
	size_t len; /* bytes written */
	size_t cap; /* bytes allocated */
	size_t slot; /* arena_own slot of buf */
};

/**
 * be_stream_init - make an empty stream whose buffer the arena frees
 * @s: OUT: the stream
 * @a: borrowed arena
 */
void be_stream_init(struct be_stream *s, struct arena *a);

/**
 * be_put_raw - append raw bytes
 * @s: borrowed stream
 * @p: borrowed bytes
 * @n: count
 */
void be_put_raw(struct be_stream *s, const void *p, size_t n);

/**
 * be_put_name - append a NAME prefix for the next element; NULL writes
 * nothing (an unnamed element)
 * @s: borrowed stream
 * @name: borrowed name or NULL
 */
void be_put_name(struct be_stream *s, const char *name);

/**
 * be_put_u8 - append an optionally named U8 element (likewise u16, u32,
 * u64 below)
 * @s: borrowed stream
 * @name: element name or NULL
 * @v: value
 */
void be_put_u8(struct be_stream *s, const char *name, uint8_t v);
void be_put_u16(struct be_stream *s, const char *name, uint16_t v);
void be_put_u32(struct be_stream *s, const char *name, uint32_t v);
void be_put_u64(struct be_stream *s, const char *name, uint64_t v);

/**
 * be_put_string - append a STRING element: @n bytes of @str plus a NUL
 * (the bytes may contain inner NULs, as xtable namespace entries do)
 * @s: borrowed stream
 * @name: element name or NULL
 * @str: borrowed bytes
 * @n: byte count without the terminating NUL; must be below 65535
 */
void be_put_string(struct be_stream *s, const char *name, const char *str,
		   size_t n);

/**
 * be_put_blob_header - append the header of a BLOB of @n bytes; the
 * caller appends the @n bytes next
 * @s: borrowed stream
 * @name: element name or NULL
 * @n: payload size
 */
void be_put_blob_header(struct be_stream *s, const char *name, uint32_t n);

/**
 * be_put_struct - open a (named) STRUCT; close it with be_put_structend
 * @s: borrowed stream
 * @name: element name or NULL
 */
void be_put_struct(struct be_stream *s, const char *name);
void be_put_structend(struct be_stream *s);

/**
 * be_put_array - open an ARRAY of @count elements; close it with
 * be_put_arrayend
 * @s: borrowed stream
 * @name: element name or NULL
 * @count: element count
 */
void be_put_array(struct be_stream *s, const char *name, uint16_t count);
void be_put_arrayend(struct be_stream *s);

#endif
