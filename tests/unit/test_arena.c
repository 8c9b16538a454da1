/* Unit tests for the arena: allocation, interning, marks, ownership and
 * fault injection.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arena.h"

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

static void test_alloc_is_zeroed_and_aligned(void **state)
{
	struct arena *a = *state;

	for (int i = 1; i < 5000; i += 37) {
		unsigned char *p = arena_alloc(a, (size_t)i);

		assert_int_equal((uintptr_t)p % 16, 0);
		for (int j = 0; j < i; j++)
			assert_int_equal(p[j], 0);
		memset(p, 0xff, (size_t)i);
	}
}

static void test_large_alloc_gets_own_chunk(void **state)
{
	struct arena *a = *state;
	char *big = arena_alloc(a, 1 << 20);

	big[(1 << 20) - 1] = 1;
	assert_true(arena_bytes(a) >= (1 << 20));
}

static void test_intern_returns_same_pointer(void **state)
{
	struct arena *a = *state;
	char buf[32];
	const char *first[300];

	for (int i = 0; i < 300; i++) {
		snprintf(buf, sizeof(buf), "name%d", i);
		first[i] = arena_intern(a, buf);
	}
	for (int i = 0; i < 300; i++) {
		snprintf(buf, sizeof(buf), "name%d", i);
		assert_ptr_equal(arena_intern(a, buf), first[i]);
		assert_string_equal(first[i], buf);
	}
}

static void test_release_frees_since_mark_and_keeps_older_interns(void **state)
{
	struct arena *a = *state;
	const char *keep = arena_intern(a, "keep");
	struct arena_mark m = arena_mark(a);
	size_t before = arena_bytes(a);

	for (int i = 0; i < 100; i++)
		arena_alloc(a, 10000);
	arena_intern(a, "scratch");
	arena_release(a, m);
	assert_int_equal(arena_bytes(a), before);
	assert_ptr_equal(arena_intern(a, "keep"), keep);
	assert_string_equal(arena_intern(a, "scratch"), "scratch");
}

static int freed_count;

static void count_free(void *p)
{
	freed_count++;
	free(p);
}

static void test_owned_pointers_freed_on_release(void **state)
{
	struct arena *a = *state;
	struct arena_mark m;
	size_t slot;
	void *p;

	freed_count = 0;
	arena_own(a, xmalloc(8), count_free);
	m = arena_mark(a);
	p = xmalloc(8);
	slot = arena_own(a, p, count_free);
	p = xrealloc(p, 64);
	arena_own_update(a, slot, p);
	arena_release(a, m);
	assert_int_equal(freed_count, 1);
}

static jmp_buf oom_jump;

static void oom_handler(void *ctx)
{
	(void)ctx;
	longjmp(oom_jump, 1);
}

static void test_fail_after_triggers_oom_handler(void **state)
{
	struct arena *a = *state;
	volatile int reached = 0;

	arena_set_oom_handler(a, oom_handler, NULL);
	arena_fail_after(a, 3);
	if (setjmp(oom_jump) == 0) {
		arena_alloc(a, 1);
		arena_alloc(a, 1);
		reached = 1;
		arena_alloc(a, 1);
		fail_msg("third allocation should have failed");
	}
	assert_int_equal(reached, 1);
}

static void test_sprintf_formats(void **state)
{
	assert_string_equal(arena_sprintf(*state, "%s-%d", "x", 42), "x-42");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_alloc_is_zeroed_and_aligned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_large_alloc_gets_own_chunk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_intern_returns_same_pointer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release_frees_since_mark_and_keeps_older_interns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_owned_pointers_freed_on_release, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fail_after_triggers_oom_handler, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sprintf_formats, setup, teardown),
	};

	return cmocka_run_group_tests_name("arena", tests, NULL, NULL);
}
