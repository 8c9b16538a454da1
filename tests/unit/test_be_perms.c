/* Unit tests for the permission algebra (backend/perms.c): folding the
 * payloads of the rules that match one string into accept1/accept2, with
 * the values 3.0.8 writes (policy-blob.md 7.1.4-7.1.5, 11.4) and the
 * priority levels of language.md 6.3.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "be_int.h"

#define BOTH(x) BE_F_BOTH(x)
#define RW (BE_F_READ | BE_F_WRITE | BE_F_APPEND)
#define IX (BE_F_EXEC | BE_F_MMAP | BE_F_INHERIT)
#define PX (BE_F_EXEC | BE_F_UNSAFE | (BE_XIDX_NAME << BE_F_INDEX_SHIFT))

static struct be_perm allow(uint32_t perms)
{
	struct be_perm p = { 0 };

	p.perms = perms;
	p.file = true;
	return p;
}

static struct be_perm deny(uint32_t perms, bool audit)
{
	struct be_perm p = allow(perms);

	p.deny = true;
	p.quiet = !audit;
	return p;
}

static void fold(const struct be_perm *v, size_t n, uint32_t *a1,
		 uint32_t *a2, uint32_t cf[2])
{
	uint32_t ids[16];

	for (size_t i = 0; i < n; i++)
		ids[i] = (uint32_t)i;
	be_fold_perms(v, ids, n, a1, a2, cf);
}

static void test_deny_wins_and_is_quiet(void **state)
{
	struct be_perm v[2] = { allow(BOTH(RW)),
				deny(BOTH(BE_F_WRITE | BE_F_APPEND), false) };
	uint32_t a1, a2, cf[2];

	(void)state;
	fold(v, 2, &a1, &a2, cf);
	assert_int_equal(a1, 0x00010004);
	assert_int_equal(a2, 0x01400500);
	assert_int_equal(cf[0], UINT32_MAX);
}

static void test_audit_deny_is_not_quiet(void **state)
{
	struct be_perm v[1] = { deny(BOTH(BE_F_WRITE), true) };
	uint32_t a1, a2;

	(void)state;
	fold(v, 1, &a1, &a2, NULL);
	assert_int_equal(a1, 0);
	assert_int_equal(a2, 0);
}

static void test_audit_allow_kept_under_deny(void **state)
{
	struct be_perm v[2] = { allow(BOTH(BE_F_READ)),
				deny(BOTH(BE_F_READ), false) };
	uint32_t a1, a2;

	(void)state;
	v[0].audit = v[0].perms;
	fold(v, 2, &a1, &a2, NULL);
	assert_int_equal(a1, 0);
	assert_int_equal(a2, 0x00810204);
}

static void test_owner_half_only(void **state)
{
	struct be_perm v[1] = { allow(RW) };
	uint32_t a1, a2;

	(void)state;
	fold(v, 1, &a1, &a2, NULL);
	assert_int_equal(a1, 0x0000000e);
	assert_int_equal(a2, 0);
}

static void test_exact_exec_type_overrides_glob(void **state)
{
	struct be_perm v[2] = { allow(BOTH(BE_F_READ | IX)),
				allow(BOTH(PX)) };
	uint32_t a1, a2, cf[2];

	(void)state;
	v[1].exact = true;
	fold(v, 2, &a1, &a2, cf);
	assert_int_equal(a1, 0x02514945);
	assert_int_equal(cf[1], UINT32_MAX);
}

static void test_glob_exec_conflict_reported(void **state)
{
	struct be_perm v[2] = { allow(BOTH(IX)), allow(BOTH(PX)) };
	uint32_t a1, a2, cf[2];

	(void)state;
	fold(v, 2, &a1, &a2, cf);
	assert_int_equal(cf[0], 0);
	assert_int_equal(cf[1], 1);
}

static void test_same_exec_type_merges(void **state)
{
	struct be_perm v[2] = { allow(BOTH(IX)),
				allow(BOTH(IX | BE_F_READ)) };
	uint32_t a1, a2, cf[2];

	(void)state;
	fold(v, 2, &a1, &a2, cf);
	assert_int_equal(cf[1], UINT32_MAX);
	assert_int_equal(a1, 0x00914245);
}

static void test_deny_x_clears_exec_type_keeps_mmap(void **state)
{
	struct be_perm v[2] = { allow(BOTH(BE_F_READ | IX)),
				deny(BOTH(BE_F_EXEC), false) };
	uint32_t a1, a2;

	(void)state;
	fold(v, 2, &a1, &a2, NULL);
	assert_int_equal(a1, 0x00110044);
	assert_int_equal(a2, 0x00200080);
}

static void test_deny_x_removes_implied_mmap(void **state)
{
	struct be_perm v[2] = { allow(BOTH(BE_F_READ | IX)),
				deny(BOTH(BE_F_EXEC), true) };
	uint32_t a1, a2;

	(void)state;
	v[0].xm = BOTH(BE_F_MMAP);
	fold(v, 2, &a1, &a2, NULL);
	assert_int_equal(a1, BOTH(BE_F_READ));
	assert_int_equal(a2, 0);
}

static void test_higher_priority_exec_drops_implied_mmap(void **state)
{
	struct be_perm v[2] = { allow(BOTH(PX)), allow(BOTH(IX)) };
	uint32_t a1, a2;

	(void)state;
	v[0].priority = 1;
	v[1].xm = BOTH(BE_F_MMAP);
	v[1].exact = true;
	fold(v, 2, &a1, &a2, NULL);
	assert_int_equal(a1, BOTH(PX));
}

static void test_markers_below_every_level(void **state)
{
	struct be_perm v[2] = { allow(0x4), allow(0x4) };
	uint32_t a1, a2;

	(void)state;
	v[0].file = v[1].file = false;
	v[0].priority = INT_MIN;
	v[1].priority = -1;
	v[1].audit = 0x4;
	fold(v, 2, &a1, &a2, NULL);
	assert_int_equal(a1, 0x4);
	assert_int_equal(a2, 0x4);
}

static void test_higher_priority_allow_beats_deny(void **state)
{
	struct be_perm v[2] = { allow(BOTH(BE_F_WRITE | BE_F_APPEND)),
				deny(BOTH(BE_F_WRITE | BE_F_APPEND), false) };
	uint32_t a1, a2;

	(void)state;
	v[0].priority = 1;
	fold(v, 2, &a1, &a2, NULL);
	assert_int_equal(a1, BOTH(BE_F_WRITE | BE_F_APPEND));
	assert_int_equal(a2, 0);
}

static void test_lower_priority_fills_undecided_bits(void **state)
{
	struct be_perm v[2] = { deny(BOTH(BE_F_WRITE), false),
				allow(BOTH(BE_F_READ | BE_F_WRITE)) };
	uint32_t a1, a2;

	(void)state;
	v[0].priority = 5;
	v[1].priority = -3;
	fold(v, 2, &a1, &a2, NULL);
	assert_int_equal(a1, BOTH(BE_F_READ));
	assert_int_equal(a2, BOTH(BE_F_WRITE) << 7);
}

static void test_policydb_network_deny_quiet(void **state)
{
	struct be_perm v[1] = { deny(0x001fc076, false) };
	uint32_t a1, a2;

	(void)state;
	v[0].file = false;
	fold(v, 1, &a1, &a2, NULL);
	assert_int_equal(a1, 0);
	assert_int_equal(a2, 0x0fe03b00);
}

static void test_noquiet_bits_denied_silently_not(void **state)
{
	struct be_perm v[2] = { allow(BOTH(BE_F_LINK) | BE_F_LOCK),
				deny(BOTH(BE_F_LINK) | BE_F_LOCK, false) };
	uint32_t a1, a2;

	(void)state;
	v[1].noquiet = BE_F_LOCK;
	fold(v, 2, &a1, &a2, NULL);
	assert_int_equal(a1, 0);
	assert_int_equal(a2, BOTH(BE_F_LINK) << 7);
}

/* A deterministic xorshift generator for the cross-check below. */
static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* A random payload over the bits the fold treats specially. */
static struct be_perm random_perm(uint32_t *seed)
{
	static const uint32_t xt[] = {
		0,
		BE_F_MMAP | BE_F_INHERIT,
		BE_F_UNSAFE | (BE_XIDX_NAME << BE_F_INDEX_SHIFT),
		BE_F_UNSAFE | (BE_XIDX_CHILD << BE_F_INDEX_SHIFT),
		BE_F_INHERIT | (5u << BE_F_INDEX_SHIFT),
	};
	struct be_perm p = { 0 };
	uint32_t r = rnd(seed);

	p.file = (r & 7) != 0;
	p.deny = (r >> 3 & 3) == 0;
	p.exact = r >> 5 & 1;
	p.priority = (r >> 6 & 3) == 0 ? (int)(r >> 8 & 1) : 0;
	p.perms = rnd(seed) & BOTH(BE_F_READ | BE_F_WRITE | BE_F_MMAP |
				   BE_F_LINK | BE_F_LOCK);
	for (int h = 0; h < 2; h++)
		if (rnd(seed) & 1)
			p.perms |= (BE_F_EXEC | xt[rnd(seed) % 5])
				   << (h * BE_HALF_SHIFT);
	if (p.deny) {
		p.quiet = rnd(seed) & 1;
		p.noquiet = rnd(seed) & 1 ? BE_F_LOCK : 0;
	} else {
		p.audit = rnd(seed) & 1 ? p.perms : 0;
		if (p.perms & BE_F_INHERIT && rnd(seed) & 1)
			p.xm = BE_F_MMAP;
	}
	return p;
}

/* Note [perm-atoms]: folding the atoms of a set of payloads gives what
 * folding the payloads gives, conflicts included.
 */
static void test_atoms_fold_like_payloads(void **state)
{
	struct be_perm v[6];
	struct be_atom at[6][BE_ATOMS_MAX];
	struct be_part parts[6];
	uint32_t ids[6] = { 0, 1, 2, 3, 4, 5 };
	uint32_t seed = 2463534242u;
	unsigned conflicts = 0;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		size_t n = 1 + rnd(&seed) % 6;
		uint32_t a1, a2, b1, b2, cf[2];
		int rc;

		for (size_t i = 0; i < n; i++) {
			v[i] = random_perm(&seed);
			parts[i].atoms = at[i];
			parts[i].n = be_perm_atoms(&v[i], at[i]);
			assert_true(parts[i].n <= BE_ATOMS_MAX);
		}
		be_fold_perms(v, ids, n, &a1, &a2, cf);
		rc = be_fold_parts(parts, ids, n, &b1, &b2);
		assert_int_equal(rc != 0, cf[1] != UINT32_MAX);
		if (rc) {
			conflicts++;
			continue;
		}
		assert_int_equal(a1, b1);
		assert_int_equal(a2, b2);
	}
	assert_true(conflicts > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deny_wins_and_is_quiet),
		cmocka_unit_test(test_audit_deny_is_not_quiet),
		cmocka_unit_test(test_audit_allow_kept_under_deny),
		cmocka_unit_test(test_owner_half_only),
		cmocka_unit_test(test_exact_exec_type_overrides_glob),
		cmocka_unit_test(test_glob_exec_conflict_reported),
		cmocka_unit_test(test_same_exec_type_merges),
		cmocka_unit_test(test_deny_x_clears_exec_type_keeps_mmap),
		cmocka_unit_test(test_deny_x_removes_implied_mmap),
		cmocka_unit_test(test_higher_priority_exec_drops_implied_mmap),
		cmocka_unit_test(test_markers_below_every_level),
		cmocka_unit_test(test_higher_priority_allow_beats_deny),
		cmocka_unit_test(test_lower_priority_fills_undecided_bits),
		cmocka_unit_test(test_policydb_network_deny_quiet),
		cmocka_unit_test(test_noquiet_bits_denied_silently_not),
		cmocka_unit_test(test_atoms_fold_like_payloads),
	};

	return cmocka_run_group_tests_name("be_perms", tests, NULL, NULL);
}
