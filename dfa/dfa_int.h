/* Private types of the DFA engine: hash-consed regex terms with their
 * smart constructors and derivatives (term.c), growable tables, and the
 * uncompressed automaton shared by build.c, minimize.c and tables.c.
 */
#ifndef DFA_DFA_INT_H
#define DFA_DFA_INT_H

#include "dfa.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum dfa_term_kind {
	DFA_T_EMPTY, /* matches nothing */
	DFA_T_EPS, /* matches "" */
	DFA_T_CLASS, /* one byte of set a */
	DFA_T_CAT, /* a then b; a is never a CAT */
	DFA_T_OR, /* union of kids[a .. a+b), sorted, >= 2, no OR kid */
	DFA_T_AND, /* intersection of kids[a .. a+b), sorted, >= 2 */
	DFA_T_NOT, /* complement of a relative to all strings */
	DFA_T_STAR, /* a repeated */
	DFA_T_OOB, /* the out-of-band symbol (Note [out-of-band]) */
};

/* The out-of-band symbol as a derivative argument: bytes are 0..255. */
#define DFA_SYM_OOB 256u

/* Bits of struct dfa_term.oob. */
#define DFA_OOB_FIRST 1u /* the derivative by DFA_SYM_OOB may be non-empty */
#define DFA_OOB_ALPHA 2u /* a matched string may contain DFA_SYM_OOB */

#define DFA_ALPHA_LAZY UINT32_MAX

struct dfa_term {
	uint8_t kind; /* enum dfa_term_kind */
	uint8_t nullable; /* matches "" */
	uint8_t oob; /* DFA_OOB_* bits */
	uint32_t a; /* see enum dfa_term_kind */
	uint32_t b; /* see enum dfa_term_kind */
	uint32_t first; /* set: bytes whose derivative may be non-empty */
	uint32_t alpha; /* set: bytes any matched string may contain, or
			 * DFA_ALPHA_LAZY until first needed */
	uint32_t hash; /* structural hash */
};

/* A malloc'd array registered with the arena, grown by doubling. */
struct dfa_buf {
	void *p; /* elements */
	size_t n; /* used */
	size_t cap; /* allocated */
	size_t slot; /* arena_own slot, valid when p != NULL */
	size_t bytes; /* bytes allocated */
	bool mapped; /* in a mapping of its own (Note [mapped-buffers]) */
};

/*
 * Open-addressing table of uint32 ids: a slot holds the key's hash in
 * its high half and id + 1 in its low half (0 = empty), so probes compare
 * hashes without touching the keys and growing never rehashes.
 */
struct dfa_htab {
	uint64_t *slot; /* cap entries */
	size_t cap; /* power of two */
	size_t n; /* entries used */
	size_t own; /* arena_own slot */
};

struct dfa_memo_ent {
	uint32_t t; /* term, UINT32_MAX when the entry is empty */
	uint32_t byte; /* byte derived by */
	uint32_t r; /* derivative */
};

struct dfa_ctx {
	struct arena *a; /* owner of everything below */
	struct dfa_buf terms; /* struct dfa_term */
	struct dfa_buf kids; /* uint32_t: OR/AND operands */
	struct dfa_buf sets; /* struct dfa_byteset */
	struct dfa_buf stack; /* uint32_t scratch, used as a stack */
	struct dfa_htab thash; /* terms */
	struct dfa_htab shash; /* sets */
	struct dfa_buf memo; /* struct dfa_memo_ent, open addressing */
	size_t nmemo; /* memo entries used */
	size_t bytes; /* bytes held in growable tables */
	size_t peak; /* maximum of bytes */
	uint32_t ucache[4096][3]; /* set unions: x, y, x|y (x = 0: empty) */
	uint32_t byte_term[256]; /* class term of one byte, 0 until made */
	struct dfa_buf sortbuf; /* uint32_t scratch of the union sort */
	uint32_t empty, eps, full; /* well-known terms; full = bytes* */
	uint32_t oobt, univ; /* <oob>, and (bytes | <oob>)* */
	bool has_oob; /* dfa_pat_oob() was called */
	uint32_t set_none, set_all; /* well-known sets */
};

/* The automaton: sparse transitions on equivalence classes, CSR layout. */
struct dfa {
	uint32_t nstates; /* dead state included */
	uint32_t nclasses; /* 1..256 */
	uint8_t ec[256]; /* byte -> class */
	uint32_t *toff; /* nstates + 1 offsets into tcls/tdst */
	uint8_t *tcls; /* class of each transition, ascending per state */
	uint32_t *tdst; /* target of each transition, never 0 */
	struct dfa_accept *accept; /* per state */
	uint32_t *oob; /* out-of-band target per state, NULL when none */
	struct dfa_stats stats; /* figures of the build */
};

void *dfa_buf_grow(struct dfa_ctx *c, struct dfa_buf *b, size_t esz,
		   size_t need);

/* Room for @need elements of @esz bytes in @b (at least one); its array. */
static inline void *dfa_buf_reserve(struct dfa_ctx *c, struct dfa_buf *b,
				    size_t esz, size_t need)
{
	if (need && need <= b->cap)
		return b->p;
	return dfa_buf_grow(c, b, esz, need);
}
void dfa_buf_release(struct dfa_ctx *c, struct dfa_buf *b);
void dfa_htab_release(struct dfa_ctx *c, struct dfa_htab *h);
void dfa_htab_init(struct dfa_ctx *c, struct dfa_htab *h, size_t cap);
void dfa_htab_grow(struct dfa_ctx *c, struct dfa_htab *h);

/*
 * Whether one more entry would load @h past 3/4 (stored hashes keep long
 * probe runs cheap, and a sparser table costs page faults).
 */
static inline bool dfa_htab_full(const struct dfa_htab *h)
{
	return (h->n + 1) * 4 > h->cap * 3;
}

/* Id stored in a non-empty slot value @v. */
static inline uint32_t dfa_htab_id(uint64_t v)
{
	return (uint32_t)v - 1;
}

/* Hash stored in a non-empty slot value @v. */
static inline uint32_t dfa_htab_hash(uint64_t v)
{
	return (uint32_t)(v >> 32);
}

/* Store @id with hash @hash in empty slot @j of @h. */
static inline void dfa_htab_put(struct dfa_htab *h, size_t j, uint32_t id,
				uint32_t hash)
{
	h->slot[j] = (uint64_t)hash << 32 | ((uint64_t)id + 1);
	h->n++;
}

static inline struct dfa_term *dfa_term_at(const struct dfa_ctx *c,
					   uint32_t t)
{
	return &((struct dfa_term *)c->terms.p)[t];
}

static inline const struct dfa_byteset *dfa_set_at(const struct dfa_ctx *c,
						   uint32_t s)
{
	return &((const struct dfa_byteset *)c->sets.p)[s];
}

static inline uint32_t *dfa_kids_at(const struct dfa_ctx *c, uint32_t off)
{
	return &((uint32_t *)c->kids.p)[off];
}

uint32_t dfa_set_intern(struct dfa_ctx *c, const struct dfa_byteset *s);
uint32_t dfa_deriv(struct dfa_ctx *c, uint32_t t, uint32_t sym);
size_t dfa_or_normalize(struct dfa_ctx *c, size_t base);
uint32_t dfa_mk_or_stack(struct dfa_ctx *c, size_t base);

static inline uint32_t *dfa_stack_at(const struct dfa_ctx *c, size_t i)
{
	return &((uint32_t *)c->stack.p)[i];
}

static inline void dfa_stack_push(struct dfa_ctx *c, uint32_t v)
{
	uint32_t *s = dfa_buf_reserve(c, &c->stack, sizeof(uint32_t),
				      c->stack.n + 1);

	s[c->stack.n++] = v;
}

/* A constructed automaton before minimization (CSR, dead state 0). */
struct dfa_raw {
	uint32_t nstates; /* dead state 0 and start state 1 included */
	const uint32_t *toff; /* nstates + 1 offsets */
	const uint8_t *tcls; /* class per transition */
	const uint32_t *tdst; /* target per transition, never 0 */
	const uint32_t *oob; /* out-of-band target per state, or NULL */
	const uint32_t *val; /* accept value index per state, 0 = none */
	uint32_t nvals; /* distinct value indexes */
};

/* Note [valmari-minimization]: block per state, UINT32_MAX when removed;
 * returns the number of blocks.
 */
uint32_t dfa_minimize_blocks(const struct dfa_raw *r, uint32_t *blockof);

#endif
