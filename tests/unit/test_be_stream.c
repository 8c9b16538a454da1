/* Unit tests for the kernel element-stream writer: byte-exact encodings
 * taken from policy-blob.md 3 and 11.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arena.h"
#include "be_stream.h"

static int setup(void **state)
{
	*state = arena_create();
	return 0;
}

static int teardown(void **state)
{
	arena_destroy(*state);
	return 0;
}

static void assert_bytes(const struct be_stream *s, const uint8_t *want,
			 size_t n)
{
	assert_int_equal(s->len, n);
	assert_memory_equal(s->buf, want, n);
}

static void test_named_u32_version_word(void **state)
{
	struct be_stream s;
	static const uint8_t want[] = { 0x04, 0x08, 0x00, 'v', 'e', 'r', 's',
					'i', 'o', 'n', 0x00, 0x02, 0x07, 0x20,
					0x20, 0x00 };

	be_stream_init(&s, *state);
	be_put_u32(&s, "version", 0x00202007);
	assert_bytes(&s, want, sizeof(want));
}

static void test_unnamed_string_counts_nul(void **state)
{
	struct be_stream s;
	static const uint8_t want[] = { 0x05, 0x04, 0x00, 'm', 'i', 'n', 0 };

	be_stream_init(&s, *state);
	be_put_string(&s, NULL, "min", 3);
	assert_bytes(&s, want, sizeof(want));
}

static void test_string_keeps_inner_nul_for_namespace_entry(void **state)
{
	struct be_stream s;
	static const uint8_t want[] = { 0x05, 0x06, 0x00, ':', 'n', 's',
					0,    'p',  0 };

	be_stream_init(&s, *state);
	be_put_string(&s, NULL, ":ns\0p", 5);
	assert_bytes(&s, want, sizeof(want));
}

static void test_struct_array_and_ends(void **state)
{
	struct be_stream s;
	static const uint8_t want[] = { 0x04, 0x02, 0x00, 'x', 0,    0x07,
					0x0b, 0x02, 0x00, 0x00, 0x05, 0x00,
					0x06, 0x0c, 0x08 };

	be_stream_init(&s, *state);
	be_put_struct(&s, "x");
	be_put_array(&s, NULL, 2);
	be_put_u8(&s, NULL, 5);
	be_put_u8(&s, NULL, 6);
	be_put_arrayend(&s);
	be_put_structend(&s);
	assert_bytes(&s, want, sizeof(want));
}

static void test_u64_little_endian(void **state)
{
	struct be_stream s;
	static const uint8_t want[] = { 0x03, 0x08, 0x07, 0x06, 0x05,
					0x04, 0x03, 0x02, 0x01 };

	be_stream_init(&s, *state);
	be_put_u64(&s, NULL, 0x0102030405060708ULL);
	assert_bytes(&s, want, sizeof(want));
}

static void test_blob_header_then_payload_grows_buffer(void **state)
{
	struct be_stream s;
	static uint8_t payload[10000];

	memset(payload, 0xab, sizeof(payload));
	be_stream_init(&s, *state);
	be_put_blob_header(&s, "aadfa", sizeof(payload));
	be_put_raw(&s, payload, sizeof(payload));
	assert_int_equal(s.len, 1 + 2 + 6 + 1 + 4 + sizeof(payload));
	assert_int_equal(s.buf[9], 0x06);
	assert_int_equal(s.buf[10], 0x10);
	assert_int_equal(s.buf[11], 0x27);
	assert_int_equal(s.buf[s.len - 1], 0xab);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_named_u32_version_word, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unnamed_string_counts_nul, setup, teardown),
		cmocka_unit_test_setup_teardown(test_string_keeps_inner_nul_for_namespace_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_struct_array_and_ends, setup, teardown),
		cmocka_unit_test_setup_teardown(test_u64_little_endian, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blob_header_then_payload_grows_buffer, setup, teardown),
	};

	return cmocka_run_group_tests_name("be_stream", tests, NULL, NULL);
}
