/* Unit tests for the policy blob writer: the worked example of
 * policy-blob.md 11.1 (one profile, one rule, 4-state DFA), the version
 * word, DFA padding and the xtable namespace encoding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arena.h"
#include "be_blob.h"

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

/* The DFA of policy-blob.md 11.1: accepts "/x" with r in both halves. */
static uint32_t ex_accept[4] = { 0, 0, 0, 0x00010004 };
static uint32_t ex_accept2[4];
static uint32_t ex_base[4];
static uint16_t ex_def[4];
static uint16_t ex_next[256];
static uint16_t ex_check[256];

static struct be_dfa example_dfa(void)
{
	struct be_dfa d = {
		.nstates = 4,
		.accept = ex_accept,
		.accept2 = ex_accept2,
		.base = ex_base,
		.def = ex_def,
		.nnext = 256,
		.next = ex_next,
		.check = ex_check,
	};

	ex_next['/'] = 2;
	ex_check['/'] = 1;
	ex_next['x'] = 3;
	ex_check['x'] = 2;
	return d;
}

static uint32_t rd_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static const uint8_t *find(const struct be_stream *s, const char *needle,
			   size_t n)
{
	for (size_t i = 0; i + n <= s->len; i++)
		if (memcmp(s->buf + i, needle, n) == 0)
			return s->buf + i;
	return NULL;
}

static void test_version_word_for_abi7_and_abi5(void **state)
{
	(void)state;
	assert_int_equal(be_version_word(7, false), 0x00202007);
	assert_int_equal(be_version_word(5, false), 5);
	assert_int_equal(be_version_word(7, true), 0x00202807);
}

static void test_dfa_size_matches_worked_example(void **state)
{
	struct be_dfa d = example_dfa();

	(void)state;
	assert_int_equal(be_dfa_size(&d), 1200);
}

static void test_unit_layout_matches_worked_example(void **state)
{
	struct be_stream s;
	struct be_dfa d = example_dfa();
	struct be_profile_out p = { .name = "demo", .file = &d };
	const uint8_t *dfa;

	be_stream_init(&s, *state);
	be_put_unit(&s, be_version_word(7, false), &p);
	/* 11.1 is 1297 bytes without caps64; we always write caps64 (32) */
	assert_int_equal(s.len, 1297 + 32);
	dfa = find(&s, "\x1b\x5e\x78\x3d", 4);
	assert_non_null(dfa);
	assert_int_equal((dfa - s.buf) % 8, 0);
	assert_int_equal(rd_be32(dfa + 4), 24);
	assert_int_equal(rd_be32(dfa + 8), 1200);
	assert_memory_equal(dfa + 14, "notflex", 8);
	/* ACCEPT table first, state 3 accepts r/r */
	assert_int_equal(rd_be32(dfa + 24), 0x00010004);
	assert_int_equal(rd_be32(dfa + 24 + 8), 4);
	assert_int_equal(rd_be32(dfa + 24 + 12 + 12), 0x00010004);
	assert_int_equal(s.buf[s.len - 1], 0x08);
}

static void test_dfa_padded_to_unit_alignment(void **state)
{
	struct be_stream s;
	struct be_dfa d = example_dfa();
	struct be_profile_out p = { .name = "abcdefg", .file = &d };
	const uint8_t *dfa;
	size_t unit_start;

	be_stream_init(&s, *state);
	be_put_raw(&s, "xyz", 3); /* an earlier unit's tail */
	unit_start = s.len;
	be_put_unit(&s, be_version_word(7, false), &p);
	dfa = find(&s, "\x1b\x5e\x78\x3d", 4);
	assert_non_null(dfa);
	assert_int_equal((size_t)(dfa - s.buf - unit_start) % 8, 0);
}

static void test_xtable_namespace_entry_has_inner_nul(void **state)
{
	struct be_stream s;
	static const char *const xt[] = { "bar", ":ns:name" };
	struct be_profile_out p = { .name = "x", .xtable = xt, .nxtable = 2 };

	be_stream_init(&s, *state);
	be_put_unit(&s, 7, &p);
	assert_non_null(find(&s, "\x05\x04\x00" "bar\0", 7));
	assert_non_null(find(&s, "\x05\x09\x00:ns\0name\0", 12));
}

static void test_rlimits_write_all_sixteen_values(void **state)
{
	struct be_stream s;
	struct be_profile_out p = { .name = "r", .has_rlimits = true,
				    .rlimit_mask = 0x80 };

	p.rlimits[7] = 1024;
	be_stream_init(&s, *state);
	be_put_unit(&s, 7, &p);
	assert_non_null(find(&s, "rlimits\0\x07\x02\x80\0\0\0\x0b\x10\0", 16));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_version_word_for_abi7_and_abi5, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dfa_size_matches_worked_example, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unit_layout_matches_worked_example, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dfa_padded_to_unit_alignment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xtable_namespace_entry_has_inner_nul, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rlimits_write_all_sixteen_values, setup, teardown),
	};

	return cmocka_run_group_tests_name("be_blob", tests, NULL, NULL);
}
