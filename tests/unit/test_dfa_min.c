/* Unit tests for dfa_minimize_blocks() on hand-made and seeded random
 * raw automata (dfa/dfa_int.h), each partition checked against a slow
 * reference kept in this file: reverse search for the useful states,
 * then Moore refinement on exact signatures. Covers the trie pass, the
 * hashed worklist, its hand-over to Valmari's algorithm and the reverse
 * search for useful states.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../dfa/dfa_int.h"

#define NSYM (DFA_SYM_OOB + 1) /* classes 0..255, then out-of-band */

/* A raw automaton under construction: a full row of targets per state. */
struct rawb {
	uint32_t n; /* states, dead state 0 included */
	uint32_t (*row)[NSYM]; /* target per symbol, 0 = none */
	uint32_t *val; /* accept value index per state */
	bool oob; /* keep the out-of-band column */
	/* the CSR form handed to the minimizer */
	struct dfa_raw r;
	uint32_t *toff, *tdst, *oobv;
	uint8_t *tcls;
};

static void rawb_init(struct rawb *b, uint32_t n, bool oob)
{
	memset(b, 0, sizeof(*b));
	b->n = n;
	b->oob = oob;
	b->row = calloc(n, sizeof(*b->row));
	b->val = calloc(n, sizeof(uint32_t));
	assert_non_null(b->row);
	assert_non_null(b->val);
}

static void rawb_free(struct rawb *b)
{
	free(b->row);
	free(b->val);
	free(b->toff);
	free(b->tdst);
	free(b->oobv);
	free(b->tcls);
}

/* Builds b->r from the rows; @nvals bounds the values used. */
static const struct dfa_raw *rawb_finish(struct rawb *b, uint32_t nvals)
{
	uint32_t m = 0;

	b->toff = calloc(b->n + 1, sizeof(uint32_t));
	b->tdst = calloc((size_t)b->n * 256 + 1, sizeof(uint32_t));
	b->tcls = calloc((size_t)b->n * 256 + 1, 1);
	b->oobv = b->oob ? calloc(b->n, sizeof(uint32_t)) : NULL;
	for (uint32_t s = 0; s < b->n; s++) {
		b->toff[s] = m;
		for (uint32_t c = 0; c < 256 && s; c++) {
			if (!b->row[s][c])
				continue;
			b->tcls[m] = (uint8_t)c;
			b->tdst[m++] = b->row[s][c];
		}
		if (b->oob && s)
			b->oobv[s] = b->row[s][DFA_SYM_OOB];
	}
	b->toff[b->n] = m;
	b->r.nstates = b->n;
	b->r.toff = b->toff;
	b->r.tcls = b->tcls;
	b->r.tdst = b->tdst;
	b->r.oob = b->oobv;
	b->r.val = b->val;
	b->r.nvals = nvals;
	return &b->r;
}

/* Whether symbols @c and @d step every state alike. */
static bool same_column(const struct rawb *b, uint32_t c, uint32_t d)
{
	for (uint32_t s = 0; s < b->n; s++)
		if (b->row[s][c] != b->row[s][d])
			return false;
	return true;
}

/* Whether @s and @q step alike, block for block, on the symbols @cols. */
static bool same_signature(const struct rawb *b, const uint32_t *ref,
			   const uint32_t *cols, uint32_t ncols, uint32_t s,
			   uint32_t q)
{
	for (uint32_t i = 0; i < ncols; i++)
		if (ref[b->row[s][cols[i]]] != ref[b->row[q][cols[i]]])
			return false;
	return true;
}

/*
 * Reference partition: ref[s] is the block of each useful state, or
 * UINT32_MAX, values being below @nvals; returns the number of blocks.
 * Useful states by fixpoint, then Moore rounds on exact signatures, each
 * state compared with the first state of every new block of its old
 * block.
 */
static uint32_t ref_minimize(const struct rawb *b, uint32_t nvals,
			     uint32_t *ref)
{
	uint32_t n = b->n, nb = 0, cols[NSYM], ncols = 0, nh = n + nvals;
	uint32_t *nxt = calloc(n, sizeof(uint32_t));
	uint32_t *rep = calloc(n, sizeof(uint32_t));
	uint32_t *head = calloc(nh, sizeof(uint32_t));
	uint32_t *link = calloc(n, sizeof(uint32_t));
	bool *useful = calloc(n, sizeof(bool)), changed = true;

	for (uint32_t c = 0; c < NSYM; c++) {
		bool fresh = true;

		for (uint32_t i = 0; i < ncols && fresh; i++)
			fresh = !same_column(b, c, cols[i]);
		if (fresh)
			cols[ncols++] = c;
	}
	for (uint32_t s = 1; s < n; s++)
		useful[s] = b->val[s] != 0;
	while (changed) {
		changed = false;
		for (uint32_t s = 1; s < n; s++)
			for (uint32_t c = 0; c < NSYM && !useful[s]; c++)
				if (useful[b->row[s][c]])
					useful[s] = changed = true;
	}
	for (uint32_t s = 0; s < n; s++)
		ref[s] = useful[s] ? b->val[s] : UINT32_MAX;
	for (;;) {
		uint32_t nb2 = 0;

		for (uint32_t i = 0; i < nh; i++)
			head[i] = UINT32_MAX;
		for (uint32_t s = 0; s < n; s++) {
			uint32_t k;

			nxt[s] = UINT32_MAX;
			if (ref[s] == UINT32_MAX)
				continue;
			for (k = head[ref[s]]; k != UINT32_MAX; k = link[k])
				if (same_signature(b, ref, cols, ncols, s,
						   rep[k]))
					break;
			if (k == UINT32_MAX) {
				k = nb2++;
				rep[k] = s;
				link[k] = head[ref[s]];
				head[ref[s]] = k;
			}
			nxt[s] = k;
		}
		memcpy(ref, nxt, n * sizeof(uint32_t));
		if (nb2 == nb)
			break;
		nb = nb2;
	}
	free(nxt);
	free(rep);
	free(head);
	free(link);
	free(useful);
	return nb;
}

/* Minimizes @b and checks the partition against the reference. */
static uint32_t check_against_reference(struct rawb *b, uint32_t nvals)
{
	const struct dfa_raw *r = rawb_finish(b, nvals);
	uint32_t *blk = malloc(b->n * sizeof(uint32_t));
	uint32_t *ref = malloc(b->n * sizeof(uint32_t));
	uint32_t *map = malloc((b->n + 1) * sizeof(uint32_t));
	uint32_t nb = dfa_minimize_blocks(r, blk);
	uint32_t nref = ref_minimize(b, nvals, ref);

	assert_int_equal(nb, nref);
	for (uint32_t i = 0; i <= b->n; i++)
		map[i] = UINT32_MAX;
	for (uint32_t s = 0; s < b->n; s++) {
		if (ref[s] == UINT32_MAX) {
			assert_int_equal(blk[s], UINT32_MAX);
			continue;
		}
		assert_true(blk[s] < nb);
		/* one-to-one between our blocks and the reference's */
		if (map[ref[s]] == UINT32_MAX)
			map[ref[s]] = blk[s];
		assert_int_equal(map[ref[s]], blk[s]);
	}
	for (uint32_t i = 0; i < nref; i++)
		for (uint32_t j = 0; j < i; j++)
			assert_int_not_equal(map[i], map[j]);
	free(blk);
	free(ref);
	free(map);
	return nb;
}

static uint32_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return (uint32_t)(*x >> 16);
}

/*
 * A random automaton with many equivalent states: a random quotient of
 * @k states unfolded into 1..3 copies per state, each copy stepping to
 * random copies of its targets; rows have a default target over a
 * random range of classes and a few exceptions. Only the states
 * reachable from the start are kept, numbered breadth first.
 */
static void random_automaton(struct rawb *b, uint64_t *x, uint32_t k,
			     bool oob, bool acyclic)
{
	uint32_t (*qrow)[NSYM] = calloc(k + 1, sizeof(*qrow));
	uint32_t *qval = calloc(k + 1, sizeof(uint32_t));
	uint32_t *first = calloc(k + 2, sizeof(uint32_t));
	uint32_t n = 1, *num, *order, head = 0, nq = 0;
	struct rawb full;

	for (uint32_t q = 1; q <= k; q++) {
		uint32_t lo = rnd(x) % 256, hi = lo + rnd(x) % (256 - lo);
		uint32_t def = acyclic ? 0 : 1 + rnd(x) % k;

		if (acyclic && q < k)
			def = q + 1 + rnd(x) % (k - q);
		qval[q] = rnd(x) % 4 == 0 ? 1 + rnd(x) % 3 : 0;
		for (uint32_t c = lo; c <= hi; c++)
			qrow[q][c] = def;
		for (uint32_t e = rnd(x) % 4; e > 0; e--) {
			uint32_t c = rnd(x) % 256;

			qrow[q][c] = acyclic ? (q < k ? q + 1 : 0) :
					       rnd(x) % (k + 1);
		}
		if (oob && rnd(x) % 3 == 0)
			qrow[q][DFA_SYM_OOB] = acyclic ? (q < k ? k : 0) :
							 1 + rnd(x) % k;
	}
	/* copies of quotient state q are first[q] .. first[q + 1] - 1 */
	for (uint32_t q = 1; q <= k; q++) {
		first[q] = n;
		n += q == 1 ? 1 : 1 + rnd(x) % 3;
	}
	first[k + 1] = n;
	rawb_init(&full, n, oob);
	for (uint32_t q = 1; q <= k; q++)
		for (uint32_t s = first[q]; s < first[q + 1]; s++) {
			full.val[s] = qval[q];
			for (uint32_t c = 0; c < NSYM; c++) {
				uint32_t t = qrow[q][c];

				if (t)
					full.row[s][c] =
						first[t] +
						rnd(x) % (first[t + 1] -
							  first[t]);
			}
		}
	/* keep the reachable states, breadth first from the start */
	num = calloc(n, sizeof(uint32_t));
	order = calloc(n, sizeof(uint32_t));
	order[nq++] = 1;
	num[1] = 1;
	while (head < nq) {
		uint32_t s = order[head++];

		for (uint32_t c = 0; c < NSYM; c++) {
			uint32_t t = full.row[s][c];

			if (t && !num[t]) {
				num[t] = nq + 1;
				order[nq++] = t;
			}
		}
	}
	rawb_init(b, nq + 1, oob);
	for (uint32_t i = 0; i < nq; i++) {
		uint32_t s = order[i];

		b->val[i + 1] = full.val[s];
		for (uint32_t c = 0; c < NSYM; c++)
			b->row[i + 1][c] = num[full.row[s][c]];
	}
	rawb_free(&full);
	free(num);
	free(order);
	free(qrow);
	free(qval);
	free(first);
}

static void test_min_random_automata_match_reference(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;

	(void)state;
	for (int i = 0; i < 300; i++) {
		struct rawb b;

		random_automaton(&b, &x, 2 + rnd(&x) % 40, i % 3 == 0, false);
		check_against_reference(&b, 4);
		rawb_free(&b);
	}
}

static void test_min_random_tries_match_reference(void **state)
{
	uint64_t x = 0x2545f4914f6cdd1dull;

	(void)state;
	for (int i = 0; i < 200; i++) {
		struct rawb b;

		random_automaton(&b, &x, 2 + rnd(&x) % 40, i % 3 == 0, true);
		check_against_reference(&b, 4);
		rawb_free(&b);
	}
}

/*
 * Steps that all go to lower states, the accepting one lowest: the
 * passes in decreasing order mark one state each, so the reverse search
 * takes over; a useless loop and a useless sink hang off the start.
 */
static void test_min_backward_chain_finds_useful_states(void **state)
{
	const uint32_t len = 300;
	struct rawb b;

	(void)state;
	rawb_init(&b, len + 4, false);
	b.val[2] = 1;
	b.row[1]['x'] = len + 1;
	for (uint32_t s = 3; s <= len + 1; s++) {
		b.row[s]['a'] = s - 1;
		b.row[s]['b'] = s;
	}
	b.row[1]['y'] = len + 2;
	b.row[len + 2]['a'] = len + 3;
	b.row[len + 3]['a'] = len + 2;
	b.row[len + 3]['c'] = len + 3;
	assert_int_equal(check_against_reference(&b, 2), len + 1);
	rawb_free(&b);
}

/*
 * Two copies of a cyclic chain whose states differ only in their
 * distance to the end: the splits need about the chain's length passes
 * over its block, past the visit budget, and Valmari's algorithm
 * finishes from the partition reached.
 */
static void test_min_deep_chain_hands_over_to_valmari(void **state)
{
	const uint32_t len = 200;
	struct rawb b;

	(void)state;
	rawb_init(&b, 2 * len + 2, true);
	b.row[1]['a'] = 2;
	b.row[1]['b'] = 2 + len;
	for (uint32_t i = 0; i < len; i++) {
		uint32_t s = 2 + i, t = 2 + len + i;

		b.row[s]['a'] = i + 1 < len ? s + 1 : 1;
		b.row[t]['a'] = i + 1 < len ? t + 1 : 1;
		b.row[s]['z'] = s;
		b.row[t]['z'] = t;
		b.row[s][DFA_SYM_OOB] = i + 1 < len ? 2 + len + i + 1 : 2;
		b.row[t][DFA_SYM_OOB] = i + 1 < len ? 2 + i + 1 : 2;
	}
	b.val[1 + len] = 1;
	b.val[1 + 2 * len] = 1;
	assert_int_equal(check_against_reference(&b, 2), len + 1);
	rawb_free(&b);
}

/*
 * States that step to equivalent targets in different runs of classes
 * merge; once the targets differ they do not.
 */
static void test_min_merges_states_whatever_their_runs(void **state)
{
	struct rawb b;

	(void)state;
	for (int differ = 0; differ < 2; differ++) {
		rawb_init(&b, 7, false);
		b.row[1]['a'] = 2;
		b.row[1]['b'] = 3;
		for (uint32_t c = 'a'; c <= 'z'; c++) {
			b.row[2][c] = c % 2 ? 4 : 5;
			b.row[3][c] = 4;
		}
		b.row[4]['/'] = 6;
		b.row[5]['/'] = 6;
		if (differ)
			b.row[5]['.'] = 6;
		b.row[6]['/'] = 6;
		b.val[6] = 1;
		assert_int_equal(check_against_reference(&b, 2),
				 differ ? 6 : 4);
		rawb_free(&b);
	}
}

/*
 * A step to a useless state counts as no step: states that differ only
 * by such steps merge, in cyclic automata (worklist and exact check) as
 * in tries.
 */
static void test_min_ignores_steps_to_useless_states(void **state)
{
	struct rawb b;

	(void)state;
	for (int cyclic = 0; cyclic < 2; cyclic++) {
		rawb_init(&b, 7, cyclic);
		b.row[1]['a'] = 2;
		b.row[1]['b'] = 3;
		b.row[2]['a'] = 4;
		b.row[2]['u'] = 5;
		b.row[3]['a'] = 4;
		b.row[3]['v'] = 6;
		b.row[5]['x'] = 6;
		b.val[4] = 1;
		if (cyclic) {
			b.row[4]['a'] = 4;
			b.row[5]['y'] = 5;
			b.row[6][DFA_SYM_OOB] = 5;
			b.row[3][DFA_SYM_OOB] = 6;
		}
		assert_int_equal(check_against_reference(&b, 2), 3);
		rawb_free(&b);
	}
}

/*
 * Rows with many distinct targets: more groups than the first guess
 * of four per state.
 */
static void test_min_wide_rows_match_reference(void **state)
{
	const uint32_t n = 61;
	struct rawb b;

	(void)state;
	rawb_init(&b, n, false);
	for (uint32_t s = 1; s < n; s++) {
		for (uint32_t c = 0; c < 60; c++)
			b.row[s][c] = 1 + (s * 7 + c * 13) % 30 +
				      (s >= 31 ? 30 : 0);
		b.val[s] = s % 3 == 0;
	}
	check_against_reference(&b, 2);
	rawb_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_min_random_automata_match_reference),
		cmocka_unit_test(test_min_random_tries_match_reference),
		cmocka_unit_test(test_min_backward_chain_finds_useful_states),
		cmocka_unit_test(test_min_deep_chain_hands_over_to_valmari),
		cmocka_unit_test(test_min_merges_states_whatever_their_runs),
		cmocka_unit_test(test_min_ignores_steps_to_useless_states),
		cmocka_unit_test(test_min_wide_rows_match_reference),
	};

	return cmocka_run_group_tests_name("dfa_min", tests, NULL, NULL);
}
