/* DFA construction for the engine: explores derivatives of the tagged
 * rule patterns state by state, folds each distinct set of matching rule
 * ids through the caller's callback, minimizes on the folded values and
 * numbers states canonically. Phase: automata; rule ids are opaque.
 */
#include "dfa.h"
#include "dfa_int.h"
#include "arena.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Note [derivative-states]
 * A state is a sorted list of (rule id, term) pairs: the union of a
 * rule's residual patterns is kept flattened into its non-union kids, so
 * a state holding thousands of literal residuals is stepped in one pass
 * over its pairs (each pair sends its derivative to the classes in its
 * first set) instead of once per class. Byte classes are the coarsest
 * partition refining every class atom of the context, so one
 * representative byte stands for a class. Rules sharing an id merge into
 * one residual per state, so the constructed automaton is the product of
 * the per-id automata, not of the per-rule ones; folding then minimizing
 * collapses the rest (Note [valmari-minimization]).
 */

struct dfa_builder {
	struct dfa_ctx *c; /* borrowed context */
	struct dfa_buf rules; /* uint32 pairs: id, pattern */
	char err[128]; /* last error message */
};

struct trip {
	uint32_t id; /* rule id */
	uint32_t t; /* derivative */
	uint32_t run; /* when the derivative is the residual itself: how
		       * many residuals its id has in the state; else 0 */
};

/*
 * Note [derivative-states]: the classes a state cannot tell apart. One
 * pass over its residuals refines a partition of the classes: a
 * residual moves every class it steps on into the group named by (old
 * group, label of its derivative), once per distinct signature (Note
 * [class-signatures]). Classes left in group 0 step on nothing. Each
 * final group builds its target key once, from its smallest class.
 */
struct cgroups {
	uint32_t grp[257]; /* group per class, 0: no residual steps on it */
	uint32_t ngrp; /* groups named so far */
	uint32_t stamp; /* generation of the table below */
	uint32_t tstamp[512]; /* entry in use when equal to stamp */
	uint32_t tkey[512][2]; /* old group, label */
	uint32_t tval[512]; /* new group */
};

/* Per term of the context: its derivative row and signature, 0 until made. */
struct tinfo {
	uint32_t row; /* offset + 1 into dvec */
	uint32_t sig; /* signature id + 1 */
	uint32_t rest; /* what a non-empty row entry stands for, or empty:
			* the entry itself (Note [class-signatures]) */
};

/* Labels of one row's derivatives by first occurrence (sig_intern). */
struct labels {
	uint32_t stamp; /* generation of the table below */
	uint32_t tstamp[512]; /* entry in use when equal to stamp */
	uint32_t tkey[512]; /* derivative */
	uint32_t tval[512]; /* its label, 1 for the first */
};

/* Where a state's encoded key is: bytes [off, off + len) of a chunk. */
struct kref {
	uint32_t chunk; /* index into kchunk */
	uint32_t off; /* first byte */
	uint32_t len; /* bytes */
};

/*
 * Encoded keys are appended to chunks of this size (a bigger key gets a
 * chunk of its own), so keeping a key never moves the others: one
 * growing array copied every key again on each realloc and faulted in
 * both copies.
 */
#define DFA_KEY_CHUNK ((size_t)1 << 20)

struct bstate {
	struct dfa_ctx *c; /* borrowed context */
	struct dfa_builder *b; /* borrowed builder */
	dfa_fold_fn fold; /* caller's fold */
	void *fold_ctx; /* its context */
	uint32_t max_states; /* cap */
	size_t max_bytes; /* cap */
	uint32_t ncls; /* classes of the construction alphabet */
	uint32_t nk; /* row width: ncls, plus one for out-of-band */
	uint8_t cls_of[256]; /* byte -> class */
	uint8_t rep[256]; /* class -> smallest byte */
	struct dfa_buf kchunk; /* struct dfa_buf: chunks of encoded keys */
	struct dfa_buf kref; /* struct kref: where each state's key is */
	const uint8_t *ekey; /* st->key encoded (key_encode), at the end of
			      * the last chunk until state_new keeps it */
	size_t elen; /* its length */
	struct dfa_buf dkey; /* uint32: the expanded state's key, decoded */
	struct dfa_htab stab; /* states by key */
	struct dfa_buf shash; /* uint32: hash of each state's key */
	struct dfa_buf sval; /* uint32: value index per state */
	struct dfa_buf toff; /* uint32: transitions of s start at toff[s] */
	struct dfa_buf tcls; /* uint8 */
	struct dfa_buf tdst; /* uint32 */
	struct dfa_buf soob; /* uint32: out-of-band target per state */
	struct dfa_buf trip; /* struct trip, one state's derivatives */
	struct dfa_buf key; /* uint32: a candidate state key */
	struct dfa_buf ids; /* uint32: scratch id set */
	struct dfa_buf aids; /* uint32: id sets, flattened */
	struct dfa_buf aoff; /* uint32: set a owns aids[aoff[a], aoff[a+1]) */
	struct dfa_buf aval; /* uint32: value index per id set */
	struct dfa_htab atab; /* id sets */
	struct dfa_buf vals; /* struct dfa_accept per value index */
	struct dfa_htab vtab; /* values */
	struct dfa_buf tinfo; /* struct tinfo per term */
	struct dfa_buf dvec; /* uint32: derivatives by class, nk per term */
	struct dfa_buf sigl; /* uint32: per signature, count then k<<16|label */
	struct dfa_buf sigoff; /* uint32: where each signature starts in sigl */
	struct dfa_buf sigstamp; /* uint32 per signature: last state using it */
	struct dfa_buf prow; /* uint32 pairs: dvec offset, rest per residual */
	struct dfa_buf prun; /* uint32: residuals of the id of each residual */
	struct dfa_buf rsig; /* uint32: row signatures seen by final_classes */
	struct dfa_htab rtab; /* rsig entries */
	struct dfa_buf gone; /* uint32 pairs per class group: the refine()
			      * step that named its label-1 group, that group;
			      * after refining, the step, its target state */
	struct dfa_buf nmw; /* uint32: Note [union-memo] entries: count in,
			     * count out, derivatives, normalized terms */
	struct dfa_htab ntab; /* nmw entries by derivative list */
	struct dfa_htab sigtab; /* signatures */
	uint32_t xstamp; /* generation of sigstamp: one per expanded state */
	struct labels lab; /* scratch of sig_intern */
	struct dfa_buf setcls; /* uint32 per set id: offset+1 into clist */
	struct dfa_buf clist; /* uint32: count then classes, per set */
	uint32_t nstates; /* states so far */
	struct cgroups cg; /* one state's class groups */
};

#define U32(buf) ((uint32_t *)(buf).p)

/*
 * Residual unions with more kids than this are flattened in state keys.
 * Flattening every union was fastest on 1k mixed globs (each kid's
 * derivative row is shared by every state holding it; whole unions
 * rarely recur), so a union is kept whole only when it is a single kid.
 */
#define DFA_FLAT_UNION 1

/*
 * Hash of a word string: two 64-bit lanes of two words each, so long
 * state keys hash at about a cycle per word.
 */
static uint32_t hash_words(const uint32_t *w, size_t n)
{
	uint64_t a = 0x9e3779b97f4a7c15ull ^ n, b = 0xc2b2ae3d27d4eb4full;
	size_t i = 0;

	for (; i + 4 <= n; i += 4) {
		a = (a ^ (w[i] | (uint64_t)w[i + 1] << 32)) *
		    0xff51afd7ed558ccdull;
		b = (b ^ (w[i + 2] | (uint64_t)w[i + 3] << 32)) *
		    0xc4ceb9fe1a85ec53ull;
		a ^= a >> 31;
		b ^= b >> 29;
	}
	for (; i < n; i++) {
		a = (a ^ w[i]) * 0xff51afd7ed558ccdull;
		a ^= a >> 31;
	}
	a = (a ^ (b * 0x9e3779b97f4a7c15ull)) * 0xff51afd7ed558ccdull;
	return (uint32_t)(a >> 32) ^ (uint32_t)a;
}

/* hash_words() over a byte string. */
static uint32_t hash_bytes(const uint8_t *p, size_t n)
{
	uint64_t a = 0x9e3779b97f4a7c15ull ^ n, b = 0xc2b2ae3d27d4eb4full;
	size_t i = 0;

	for (; i + 16 <= n; i += 16) {
		uint64_t x, y;

		memcpy(&x, p + i, 8);
		memcpy(&y, p + i + 8, 8);
		a = (a ^ x) * 0xff51afd7ed558ccdull;
		b = (b ^ y) * 0xc4ceb9fe1a85ec53ull;
		a ^= a >> 31;
		b ^= b >> 29;
	}
	for (; i < n; i++) {
		a = (a ^ p[i]) * 0xff51afd7ed558ccdull;
		a ^= a >> 31;
	}
	a = (a ^ (b * 0x9e3779b97f4a7c15ull)) * 0xff51afd7ed558ccdull;
	return (uint32_t)(a >> 32) ^ (uint32_t)a;
}

/*
 * Note [key-encoding]: a state key is a sorted list of (id, term) pairs
 * whose neighbours are close, so it is kept as LEB128 varints of the
 * differences to the previous pair (a few bytes a pair instead of
 * eight). Most pairs share the previous pair's id and have a greater
 * term: one varint, the term difference shifted left. Any other pair is
 * the zigzagged term difference shifted left with bit 0 set, then the
 * zigzagged id difference. Equal keys encode alike, so lookups hash and
 * compare bytes.
 */
static size_t put_var(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

static uint64_t zigzag(uint32_t x, uint32_t prev)
{
	int64_t d = (int64_t)x - (int64_t)prev;

	return d < 0 ? ((uint64_t)(-d) << 1) - 1 : (uint64_t)d << 1;
}

/* Room for @need bytes at the end of the last key chunk. */
static uint8_t *key_room(struct bstate *st, size_t need)
{
	struct dfa_buf *ch = st->kchunk.p, *b;

	if (st->kchunk.n) {
		b = &ch[st->kchunk.n - 1];
		if (b->cap - b->n >= need)
			return (uint8_t *)b->p + b->n;
	}
	ch = dfa_buf_reserve(st->c, &st->kchunk, sizeof(*ch),
			     st->kchunk.n + 1);
	b = &ch[st->kchunk.n++];
	memset(b, 0, sizeof(*b));
	return dfa_buf_reserve(st->c, b, 1,
			       need > DFA_KEY_CHUNK ? need : DFA_KEY_CHUNK);
}

/* Encode st->key at the end of the last key chunk (st->ekey). */
static void key_encode(struct bstate *st)
{
	const uint32_t *k = U32(st->key);
	uint32_t pid = 0, pt = 0;
	uint8_t *p = key_room(st, st->key.n * 5 + 1);
	size_t n = 0;

	for (size_t i = 0; i < st->key.n; i += 2) {
		uint32_t id = k[i], t = k[i + 1];

		if (id == pid && t >= pt) {
			n += put_var(p + n, (uint64_t)(t - pt) << 1);
		} else {
			n += put_var(p + n, zigzag(t, pt) << 1 | 1);
			n += put_var(p + n, zigzag(id, pid));
		}
		pid = id;
		pt = t;
	}
	st->ekey = p;
	st->elen = n;
}

/* Bytes of the encoded key of state @s; its length in @len. */
static const uint8_t *key_at(const struct bstate *st, uint32_t s,
			     size_t *len)
{
	const struct kref *r = &((const struct kref *)st->kref.p)[s];

	*len = r->len;
	return (const uint8_t *)((const struct dfa_buf *)st->kchunk.p)
		       [r->chunk].p + r->off;
}

/* The varint at @p[*i], advancing *i past it. */
static inline uint64_t get_var(const uint8_t *p, size_t *i)
{
	uint64_t v = 0;
	unsigned sh = 0;

	do {
		v |= (uint64_t)(p[*i] & 0x7f) << sh;
		sh += 7;
	} while (p[(*i)++] & 0x80);
	return v;
}

/* @prev plus the zigzagged difference @v. */
static inline uint32_t unzigzag(uint32_t prev, uint64_t v)
{
	return (uint32_t)((int64_t)prev + (v & 1 ? -(int64_t)((v + 1) >> 1) :
						   (int64_t)(v >> 1)));
}

/* Decode the key of state @s into st->dkey; returns its word count. */
static size_t key_decode(struct bstate *st, uint32_t s)
{
	size_t len, i = 0, n = 0;
	const uint8_t *p = key_at(st, s, &len);
	uint32_t *k = dfa_buf_reserve(st->c, &st->dkey, sizeof(uint32_t),
				      2 * len + 1);
	uint32_t id = 0, t = 0;

	while (i < len) {
		uint64_t v = get_var(p, &i);

		if (v & 1) {
			t = unzigzag(t, v >> 1);
			id = unzigzag(id, get_var(p, &i));
		} else {
			t += (uint32_t)(v >> 1);
		}
		k[n++] = id;
		k[n++] = t;
	}
	return n;
}

struct dfa_builder *dfa_builder_create(struct dfa_ctx *c)
{
	struct dfa_builder *b = arena_alloc(c->a, sizeof(*b));

	b->c = c;
	return b;
}

void dfa_add(struct dfa_builder *b, dfa_pat_t p, uint32_t id)
{
	uint32_t *r = dfa_buf_reserve(b->c, &b->rules, sizeof(uint32_t),
				      b->rules.n + 2);

	r[b->rules.n++] = id;
	r[b->rules.n++] = p;
}

const char *dfa_builder_error(const struct dfa_builder *b)
{
	return b->err;
}

static void push_u32(struct dfa_ctx *c, struct dfa_buf *b, uint32_t v)
{
	uint32_t *p = dfa_buf_reserve(c, b, sizeof(uint32_t), b->n + 1);

	p[b->n++] = v;
}

/*
 * Note [reachable-alphabet]
 * Derivatives of the rules' patterns only rebuild their sub-terms: new
 * classes are unions and intersections of theirs, first sets likewise.
 * So the construction classes need only refine the class atoms reachable
 * from the rules, not every class the context made for other automata;
 * fewer classes mean shorter rows, fewer derivatives and transitions.
 * (final_classes merges what the automaton treats alike either way.)
 */
static void reachable_classes(struct bstate *st, struct dfa_buf *out)
{
	struct dfa_ctx *c = st->c;
	const uint32_t *r = U32(st->b->rules);
	uint64_t *seen = xcalloc(c->terms.n / 64 + 1, sizeof(uint64_t));
	size_t base = c->stack.n;

	for (size_t i = 1; i < st->b->rules.n; i += 2)
		dfa_stack_push(c, r[i]);
	while (c->stack.n > base) {
		uint32_t t = *dfa_stack_at(c, --c->stack.n);
		const struct dfa_term *x;

		if (seen[t / 64] >> (t % 64) & 1)
			continue;
		seen[t / 64] |= (uint64_t)1 << (t % 64);
		x = dfa_term_at(c, t);
		switch (x->kind) {
		case DFA_T_CLASS:
			push_u32(c, out, t);
			break;
		case DFA_T_CAT:
			dfa_stack_push(c, x->b);
			dfa_stack_push(c, dfa_term_at(c, t)->a);
			break;
		case DFA_T_OR:
		case DFA_T_AND:
			for (uint32_t k = 0; k < x->b; k++) {
				x = dfa_term_at(c, t);
				dfa_stack_push(c, *dfa_kids_at(c, x->a + k));
			}
			break;
		case DFA_T_NOT:
		case DFA_T_STAR:
			dfa_stack_push(c, x->a);
			break;
		default:
			break;
		}
	}
	free(seen);
}

/*
 * The coarsest byte partition refining every class atom reachable from
 * the rules (Note [reachable-alphabet]).
 */
static void build_alphabet(struct bstate *st)
{
	struct dfa_ctx *c = st->c;
	struct dfa_buf atoms = { 0 };
	uint8_t cls[256] = { 0 };
	uint32_t n = 1;

	reachable_classes(st, &atoms);
	for (size_t i = 0; i < atoms.n; i++) {
		uint32_t t = U32(atoms)[i];
		const struct dfa_byteset *s;
		int16_t map[512];
		uint32_t m = 0;

		s = dfa_set_at(c, dfa_term_at(c, t)->a);
		memset(map, 0xff, sizeof(map));
		for (int b = 0; b < 256; b++) {
			int key = cls[b] * 2 + dfa_byteset_has(s, (uint8_t)b);

			if (map[key] < 0)
				map[key] = (int16_t)m++;
			cls[b] = (uint8_t)map[key];
		}
		n = m;
	}
	dfa_buf_release(c, &atoms);
	st->ncls = n;
	st->nk = n + st->c->has_oob;
	for (int b = 255; b >= 0; b--) {
		st->cls_of[b] = cls[b];
		st->rep[cls[b]] = (uint8_t)b;
	}
}

/* Classes whose representative is in set @set, cached per set. */
static const uint32_t *set_classes(struct bstate *st, uint32_t set)
{
	struct dfa_ctx *c = st->c;
	uint32_t off;

	if (set >= st->setcls.n) {
		size_t n = st->setcls.n;

		dfa_buf_reserve(c, &st->setcls, sizeof(uint32_t), set + 1);
		while (n <= set)
			U32(st->setcls)[n++] = 0;
		st->setcls.n = n;
	}
	off = U32(st->setcls)[set];
	if (!off) {
		const struct dfa_byteset *s = dfa_set_at(c, set);
		size_t at = st->clist.n;

		push_u32(c, &st->clist, 0);
		for (uint32_t k = 0; k < st->ncls; k++) {
			if (dfa_byteset_has(s, st->rep[k])) {
				push_u32(c, &st->clist, k);
				U32(st->clist)[at]++;
			}
		}
		off = (uint32_t)at + 1;
		U32(st->setcls)[set] = off;
	}
	return &U32(st->clist)[off - 1];
}

static uint32_t value_intern(struct bstate *st, const struct dfa_accept *v)
{
	struct dfa_ctx *c = st->c;
	uint32_t h = hash_words(v->v, DFA_ACCEPT_WORDS);
	struct dfa_accept *vals;
	size_t j;

	if (dfa_htab_full(&st->vtab))
		dfa_htab_grow(c, &st->vtab);
	j = h & (st->vtab.cap - 1);
	while (st->vtab.slot[j]) {
		uint32_t id = dfa_htab_id(st->vtab.slot[j]);

		vals = st->vals.p;
		if (dfa_htab_hash(st->vtab.slot[j]) == h &&
		    !memcmp(&vals[id], v, sizeof(*v)))
			return id;
		j = (j + 1) & (st->vtab.cap - 1);
	}
	vals = dfa_buf_reserve(c, &st->vals, sizeof(*v), st->vals.n + 1);
	vals[st->vals.n] = *v;
	dfa_htab_put(&st->vtab, j, (uint32_t)st->vals.n++, h);
	return (uint32_t)(st->vals.n - 1);
}

/* Value index of the id set in st->ids, folding it when new. */
static int accept_intern(struct bstate *st, uint32_t *val)
{
	struct dfa_ctx *c = st->c;
	const uint32_t *ids = U32(st->ids);
	size_t n = st->ids.n, j;
	uint32_t h = hash_words(ids, n), a;
	struct dfa_accept acc;
	int rc;

	if (!n) {
		*val = 0;
		return 0;
	}
	if (dfa_htab_full(&st->atab))
		dfa_htab_grow(c, &st->atab);
	j = h & (st->atab.cap - 1);
	while (st->atab.slot[j]) {
		uint32_t id = dfa_htab_id(st->atab.slot[j]);
		uint32_t lo = U32(st->aoff)[id], hi = U32(st->aoff)[id + 1];

		if (dfa_htab_hash(st->atab.slot[j]) == h && hi - lo == n &&
		    !memcmp(&U32(st->aids)[lo], ids, n * sizeof(*ids))) {
			*val = U32(st->aval)[id];
			return 0;
		}
		j = (j + 1) & (st->atab.cap - 1);
	}
	memset(&acc, 0, sizeof(acc));
	rc = st->fold(st->fold_ctx, ids, n, &acc);
	if (rc)
		return rc;
	a = (uint32_t)st->aval.n;
	dfa_buf_reserve(c, &st->aids, sizeof(uint32_t), st->aids.n + n);
	memcpy(&U32(st->aids)[st->aids.n], U32(st->ids), n * sizeof(uint32_t));
	st->aids.n += n;
	push_u32(c, &st->aoff, (uint32_t)st->aids.n);
	push_u32(c, &st->aval, value_intern(st, &acc));
	dfa_htab_put(&st->atab, j, a, h);
	*val = U32(st->aval)[a];
	return 0;
}

static int limit_error(struct bstate *st, const char *what, size_t n)
{
	snprintf(st->b->err, sizeof(st->b->err), "automaton exceeds %zu %s",
		 n, what);
	return -E2BIG;
}

/*
 * Add the state whose key is in st->key (encoded in st->ekey); its accept
 * set is folded.
 */
static int state_new(struct bstate *st, size_t slot, uint32_t h,
		     uint32_t *out)
{
	struct dfa_ctx *c = st->c;
	const uint32_t *k;
	uint32_t s = st->nstates, val, last = UINT32_MAX;
	size_t n = st->key.n;
	int rc;

	if (s >= st->max_states)
		return limit_error(st, "states", st->max_states);
	if (c->bytes > st->max_bytes)
		return limit_error(st, "bytes of memory", st->max_bytes);
	{
		struct dfa_buf *ch = &((struct dfa_buf *)st->kchunk.p)
					     [st->kchunk.n - 1];
		struct kref *r = dfa_buf_reserve(c, &st->kref, sizeof(*r),
						 st->kref.n + 1);

		r[st->kref.n].chunk = (uint32_t)st->kchunk.n - 1;
		r[st->kref.n].off = (uint32_t)ch->n;
		r[st->kref.n].len = (uint32_t)st->elen;
		st->kref.n++;
		ch->n += st->elen;
	}
	push_u32(c, &st->shash, h);
	st->ids.n = 0;
	k = U32(st->key);
	for (size_t i = 0; i < n; i += 2) {
		if (k[i] != last && dfa_term_at(c, k[i + 1])->nullable) {
			push_u32(c, &st->ids, k[i]);
			last = k[i];
			k = U32(st->key);
		}
	}
	rc = accept_intern(st, &val);
	if (rc)
		return rc;
	push_u32(c, &st->sval, val);
	st->nstates++;
	if (slot != SIZE_MAX)
		dfa_htab_put(&st->stab, slot, s, h);
	*out = s;
	return 0;
}

/* Find or add the state keyed by st->key. */
static int state_lookup(struct bstate *st, uint32_t *out)
{
	struct dfa_ctx *c = st->c;
	uint32_t h;
	size_t j, n;

	if (dfa_htab_full(&st->stab))
		dfa_htab_grow(c, &st->stab);
	key_encode(st);
	n = st->elen;
	h = hash_bytes(st->ekey, n);
	j = h & (st->stab.cap - 1);
	while (st->stab.slot[j]) {
		uint32_t s = dfa_htab_id(st->stab.slot[j]);
		size_t len;
		const uint8_t *kp = key_at(st, s, &len);

		if (dfa_htab_hash(st->stab.slot[j]) == h && len == n &&
		    !memcmp(kp, st->ekey, n)) {
			*out = s;
			return 0;
		}
		j = (j + 1) & (st->stab.cap - 1);
	}
	return state_new(st, j, h, out);
}

/*
 * Append rule @id's residual, the union of the terms on the stack from
 * @base, to st->key and pop them. A union with more than DFA_FLAT_UNION
 * kids is flattened into one pair per kid, so each state is stepped in
 * one pass over its pairs (Note [derivative-states]).
 */
static void key_append_union(struct bstate *st, uint32_t id, size_t base)
{
	struct dfa_ctx *c = st->c;
	size_t n = dfa_or_normalize(c, base);

	if (n <= DFA_FLAT_UNION) {
		uint32_t t = dfa_mk_or_stack(c, base);

		if (t != c->empty) {
			push_u32(c, &st->key, id);
			push_u32(c, &st->key, t);
		}
		return;
	}
	dfa_buf_reserve(c, &st->key, sizeof(uint32_t), st->key.n + 2 * n);
	for (size_t i = 0; i < n; i++) {
		U32(st->key)[st->key.n++] = id;
		U32(st->key)[st->key.n++] = *dfa_stack_at(c, base + i);
	}
	c->stack.n = base;
}

/*
 * Whether the derivatives v[lo, hi) of one id are already its normalized
 * residual: each is the residual it came from, so they are a subset of
 * the id's residuals in the expanded state, a normalized union. The
 * rewrites of dfa_or_normalize() only drop a kid for another one present,
 * so a subset stays normalized, except that unions of more than 64 kids
 * skip or_drop_starred(): a subset of 64 or fewer kids of such a union
 * may still lose some.
 */
static bool run_is_kept(const struct trip *v, size_t lo, size_t hi)
{
	uint32_t n = v[lo].run;

	for (size_t i = lo; i < hi; i++)
		if (!v[i].run)
			return false;
	return hi - lo == n || n <= 64 || hi - lo > 64;
}

/*
 * Note [union-memo]: the derivatives of one id by one class repeat from
 * state to state (the same residuals step alike wherever they are), so
 * their normalized union is remembered by the derivative list: a repeat
 * costs a hash and a compare instead of flattening, sorting and the
 * subsumption scans. Lists longer than DFA_MEMO_RUN are not kept: they
 * repeat too, but storing them costs more memory than they save.
 */
#define DFA_MEMO_RUN 64

/* key_append_union() of the derivatives v[lo, hi), through the memo. */
static void key_append_memo(struct bstate *st, const struct trip *v,
			    size_t lo, size_t hi)
{
	struct dfa_ctx *c = st->c;
	uint32_t n = (uint32_t)(hi - lo), h = n, *w;
	size_t base = c->stack.n, j, at, k0;

	for (size_t i = lo; i < hi; i++)
		h = (h ^ v[i].t) * 0x9e3779b1u + (h >> 15);
	if (dfa_htab_full(&st->ntab))
		dfa_htab_grow(c, &st->ntab);
	j = h & (st->ntab.cap - 1);
	while (st->ntab.slot[j]) {
		uint32_t off = dfa_htab_id(st->ntab.slot[j]);
		size_t i = 0;

		w = &U32(st->nmw)[off];
		if (dfa_htab_hash(st->ntab.slot[j]) == h && w[0] == n) {
			while (i < n && w[2 + i] == v[lo + i].t)
				i++;
		}
		if (i == n && w[0] == n) {
			dfa_buf_reserve(c, &st->key, sizeof(uint32_t),
					st->key.n + 2 * (size_t)w[1]);
			w = &U32(st->nmw)[off + 2 + n];
			for (uint32_t m = 0; m < U32(st->nmw)[off + 1]; m++) {
				U32(st->key)[st->key.n++] = v[lo].id;
				U32(st->key)[st->key.n++] = w[m];
			}
			return;
		}
		j = (j + 1) & (st->ntab.cap - 1);
	}
	k0 = st->key.n;
	for (size_t i = lo; i < hi; i++)
		dfa_stack_push(c, v[i].t);
	key_append_union(st, v[lo].id, base);
	at = st->nmw.n;
	w = dfa_buf_reserve(c, &st->nmw, sizeof(uint32_t),
			    at + 2 + n + (st->key.n - k0) / 2);
	w[at] = n;
	w[at + 1] = (uint32_t)(st->key.n - k0) / 2;
	for (size_t i = lo; i < hi; i++)
		w[at + 2 + (i - lo)] = v[i].t;
	for (size_t i = k0 + 1; i < st->key.n; i += 2)
		w[at + 2 + n + (i - k0) / 2] = U32(st->key)[i];
	st->nmw.n = at + 2 + n + (st->key.n - k0) / 2;
	dfa_htab_put(&st->ntab, j, (uint32_t)at, h);
}

/* Append the residual of the id run trip[lo, hi) to st->key. */
static void key_append_run(struct bstate *st, const struct trip *v,
			   size_t lo, size_t hi)
{
	struct dfa_ctx *c = st->c;
	size_t base = c->stack.n;
	const struct dfa_term *x = dfa_term_at(c, v[lo].t);

	if (hi - lo > 1 && run_is_kept(v, lo, hi)) {
		dfa_buf_reserve(c, &st->key, sizeof(uint32_t),
				st->key.n + 2 * (hi - lo));
		for (size_t i = lo; i < hi; i++) {
			U32(st->key)[st->key.n++] = v[i].id;
			U32(st->key)[st->key.n++] = v[i].t;
		}
		return;
	}
	if (hi - lo == 1 &&
	    (x->kind != DFA_T_OR || x->b <= DFA_FLAT_UNION)) {
		push_u32(c, &st->key, v[lo].id);
		push_u32(c, &st->key, v[lo].t);
		return;
	}
	if (hi - lo > DFA_MEMO_RUN) {
		for (size_t i = lo; i < hi; i++)
			dfa_stack_push(c, v[i].t);
		key_append_union(st, v[lo].id, base);
		return;
	}
	key_append_memo(st, v, lo, hi);
}

/*
 * Note [class-signatures]
 * Refining a state's classes by a residual only splits them by the
 * partition its row induces: classes with equal derivatives go together,
 * classes it does not step on stay where they were. Which derivative a
 * block has does not matter, since every residual names its blocks
 * afresh. So each row is reduced to a signature, its classes labelled by
 * the first occurrence of each distinct derivative (0: not stepped on),
 * interned; a state refines once per distinct signature of its residuals.
 * Residuals of one shape ("[^/]*" then different rests, literals with the
 * same next byte) share a signature, so a state of thousands of residuals
 * refines a few times. A residual that starts with a byte class, C·r,
 * shares the row of C (eps where C steps) and stands for r there, so
 * literal residuals add no rows.
 */

/* Id of the signature of the row at dvec[@off], interned. */
static uint32_t sig_intern(struct bstate *st, size_t off)
{
	struct dfa_ctx *c = st->c;
	struct labels *lb = &st->lab;
	size_t base = st->sigl.n, n, j;
	uint32_t nlab = 0, h, *w, id;

	dfa_buf_reserve(c, &st->sigl, sizeof(uint32_t), base + st->nk + 1);
	w = &U32(st->sigl)[base];
	n = 1;
	lb->stamp++;
	for (uint32_t k = 0; k < st->nk; k++) {
		uint32_t d = U32(st->dvec)[off + k];
		uint32_t i = (d * 0x9e3779b1u) >> 23;

		if (d == c->empty)
			continue;
		while (lb->tstamp[i] == lb->stamp && lb->tkey[i] != d)
			i = (i + 1) & 511;
		if (lb->tstamp[i] != lb->stamp) {
			lb->tstamp[i] = lb->stamp;
			lb->tkey[i] = d;
			lb->tval[i] = ++nlab;
		}
		w[n++] = k << 16 | lb->tval[i];
	}
	w[0] = (uint32_t)n - 1;
	h = hash_words(w, n);
	if (dfa_htab_full(&st->sigtab))
		dfa_htab_grow(c, &st->sigtab);
	j = h & (st->sigtab.cap - 1);
	while (st->sigtab.slot[j]) {
		id = dfa_htab_id(st->sigtab.slot[j]);
		if (dfa_htab_hash(st->sigtab.slot[j]) == h &&
		    !memcmp(&U32(st->sigl)[U32(st->sigoff)[id]], w,
			    n * sizeof(*w)))
			return id;
		j = (j + 1) & (st->sigtab.cap - 1);
	}
	id = (uint32_t)st->sigoff.n;
	push_u32(c, &st->sigoff, (uint32_t)base);
	push_u32(c, &st->sigstamp, 0);
	st->sigl.n = base + n;
	dfa_htab_put(&st->sigtab, j, id, h);
	return id;
}

/*
 * The row of @t (its derivative by every class, empty where it does not
 * step, then by the out-of-band symbol when the context has one) and its
 * signature (Note [class-signatures]), computed on first use: a state
 * steps a residual by every class at once, so one row per term replaces a
 * memo probe per class.
 */
static struct tinfo term_info(struct bstate *st, uint32_t t)
{
	struct dfa_ctx *c = st->c;
	const struct dfa_term *x;
	const uint32_t *cl;
	struct tinfo ti;
	uint32_t first;
	size_t off;

	if (t >= st->tinfo.n) {
		size_t n = st->tinfo.n;
		struct tinfo *v = dfa_buf_reserve(c, &st->tinfo, sizeof(*v),
						  (size_t)t + 1);

		memset(v + n, 0, ((size_t)t + 1 - n) * sizeof(*v));
		st->tinfo.n = (size_t)t + 1;
	}
	ti = ((struct tinfo *)st->tinfo.p)[t];
	if (ti.row)
		return ti;
	x = dfa_term_at(c, t);
	if (x->kind == DFA_T_CAT &&
	    dfa_term_at(c, x->a)->kind == DFA_T_CLASS) {
		uint32_t rest = x->b;

		ti = term_info(st, x->a);
		ti.rest = rest;
		((struct tinfo *)st->tinfo.p)[t] = ti;
		return ti;
	}
	first = x->first;
	off = st->dvec.n;
	dfa_buf_reserve(c, &st->dvec, sizeof(uint32_t), off + st->nk);
	for (uint32_t k = 0; k < st->nk; k++)
		U32(st->dvec)[off + k] = c->empty;
	st->dvec.n = off + st->nk;
	cl = set_classes(st, first);
	for (uint32_t j = 1; j <= cl[0]; j++)
		U32(st->dvec)[off + cl[j]] = dfa_deriv(c, t, st->rep[cl[j]]);
	if (c->has_oob && (dfa_term_at(c, t)->oob & DFA_OOB_FIRST))
		U32(st->dvec)[off + st->ncls] = dfa_deriv(c, t, DFA_SYM_OOB);
	ti.row = (uint32_t)off + 1;
	ti.sig = sig_intern(st, off) + 1;
	ti.rest = c->empty;
	((struct tinfo *)st->tinfo.p)[t] = ti;
	return ti;
}

/* Value of @a, @b in the table generation, or UINT32_MAX; its slot. */
static inline uint32_t cg_find(struct cgroups *g, uint32_t a, uint32_t b,
			       uint32_t *slot)
{
	uint32_t j = ((a * 0x9e3779b1u) ^ (b * 0x85ebca6bu)) >> 23;

	while (g->tstamp[j] == g->stamp &&
	       (g->tkey[j][0] != a || g->tkey[j][1] != b))
		j = (j + 1) & 511;
	*slot = j;
	return g->tstamp[j] == g->stamp ? g->tval[j] : UINT32_MAX;
}

static inline void cg_put(struct cgroups *g, uint32_t slot, uint32_t a,
			  uint32_t b, uint32_t v)
{
	g->tstamp[slot] = g->stamp;
	g->tkey[slot][0] = a;
	g->tkey[slot][1] = b;
	g->tval[slot] = v;
}

/*
 * st->gone with an entry for every group named so far, new ones zero;
 * an entry is current when its step equals st->cg.stamp.
 */
static uint32_t *gone_reserve(struct bstate *st)
{
	struct cgroups *g = &st->cg;

	if (g->ngrp > st->gone.n) {
		dfa_buf_reserve(st->c, &st->gone, 2 * sizeof(uint32_t),
				g->ngrp);
		memset(U32(st->gone) + 2 * st->gone.n, 0,
		       (g->ngrp - st->gone.n) * 2 * sizeof(uint32_t));
		st->gone.n = g->ngrp;
	}
	return U32(st->gone);
}

/*
 * Split the class groups by signature @w (Note [class-signatures]): a
 * class it steps on with label l moves from group g to the group named
 * for (g, l) in this step. Label 1, the only one of most signatures,
 * names its groups through an array indexed by g; others through the
 * hash table.
 */
static void refine(struct bstate *st, const uint32_t *w)
{
	struct cgroups *g = &st->cg;
	uint32_t *one = gone_reserve(st);

	g->stamp++;
	for (uint32_t j = 1; j <= w[0]; j++) {
		uint32_t k = w[j] >> 16, lab = w[j] & 0xffff;
		uint32_t slot, old = g->grp[k], ng;

		if (lab == 1) {
			if (one[2 * old] != g->stamp) {
				one[2 * old] = g->stamp;
				one[2 * old + 1] = g->ngrp++;
			}
			g->grp[k] = one[2 * old + 1];
			continue;
		}
		ng = cg_find(g, old, lab, &slot);
		if (ng == UINT32_MAX) {
			ng = g->ngrp++;
			cg_put(g, slot, old, lab, ng);
		}
		g->grp[k] = ng;
	}
}

/*
 * The target of class @k: its key built from every residual, looked up.
 * Each residual adds at most one trip, so st->trip is reserved once;
 * nothing else writes it while the key is built.
 */
static int class_target(struct bstate *st, size_t nkey, uint32_t k,
			uint32_t *target)
{
	struct dfa_ctx *c = st->c;
	const uint32_t *row = U32(st->prow), *dv = U32(st->dvec);
	const uint32_t *key = U32(st->dkey), *run = U32(st->prun);
	struct trip *v = dfa_buf_reserve(c, &st->trip, sizeof(*v), nkey / 2);
	size_t j = 0, n = 0;

	for (size_t i = 0; i < nkey; i += 2) {
		uint32_t d = dv[row[i] + k];

		if (d == c->empty)
			continue;
		if (row[i + 1] != c->empty)
			d = row[i + 1];
		v[n].id = key[i];
		v[n].t = d;
		v[n].run = d == key[i + 1] ? run[i / 2] : 0;
		n++;
	}
	st->trip.n = n;
	st->key.n = 0;
	while (j < n) {
		uint32_t id = v[j].id;
		size_t r = j + 1;

		while (r < n && v[r].id == id)
			r++;
		key_append_run(st, v, j, r);
		j = r;
	}
	return state_lookup(st, target);
}

/*
 * Compute every transition of state @s (Note [derivative-states]):
 * refine the classes by what each residual does with them, then build
 * one target per group of classes, in class order.
 */
static int state_expand(struct bstate *st, uint32_t s)
{
	struct dfa_ctx *c = st->c;
	size_t nkey = key_decode(st, s);
	uint32_t nk = st->nk;
	struct cgroups *g = &st->cg;
	uint32_t *one;
	int rc;

	dfa_buf_reserve(c, &st->prow, sizeof(uint32_t), nkey);
	memset(g->grp, 0, nk * sizeof(uint32_t));
	g->ngrp = 1;
	st->xstamp++;
	for (size_t i = 0; i < nkey; i += 2) {
		uint32_t t = U32(st->dkey)[i + 1];
		struct tinfo ti;
		const uint32_t *w;

		if (t < st->tinfo.n && ((struct tinfo *)st->tinfo.p)[t].row)
			ti = ((struct tinfo *)st->tinfo.p)[t];
		else
			ti = term_info(st, t);

		U32(st->prow)[i] = ti.row - 1;
		U32(st->prow)[i + 1] = ti.rest;
		if (U32(st->sigstamp)[ti.sig - 1] == st->xstamp)
			continue;
		U32(st->sigstamp)[ti.sig - 1] = st->xstamp;
		w = &U32(st->sigl)[U32(st->sigoff)[ti.sig - 1]];
		refine(st, w);
	}
	dfa_buf_reserve(c, &st->prun, sizeof(uint32_t), nkey / 2);
	for (size_t i = 0, j; i < nkey; i = j) {
		for (j = i; j < nkey && U32(st->dkey)[j] == U32(st->dkey)[i];)
			j += 2;
		for (size_t m = i; m < j; m += 2)
			U32(st->prun)[m / 2] = (uint32_t)(j - i) / 2;
	}
	one = gone_reserve(st);
	g->stamp++;
	for (uint32_t k = 0; k < nk; k++) {
		uint32_t gr = g->grp[k], target;

		if (!gr)
			continue;
		if (one[2 * gr] != g->stamp) {
			rc = class_target(st, nkey, k, &target);
			if (rc)
				return rc;
			one[2 * gr] = g->stamp;
			one[2 * gr + 1] = target;
		}
		target = one[2 * gr + 1];
		if (k == st->ncls) {
			U32(st->soob)[s] = target;
			continue;
		}
		dfa_buf_reserve(c, &st->tcls, 1, st->tcls.n + 1);
		((uint8_t *)st->tcls.p)[st->tcls.n++] = (uint8_t)k;
		push_u32(c, &st->tdst, target);
	}
	return 0;
}

static int cmp_pair(const void *a, const void *b)
{
	const uint32_t *x = a, *y = b;

	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return x[1] < y[1] ? -1 : x[1] > y[1];
}

/* State 0 (dead, empty key) and state 1 (the start). */
static int build_start(struct bstate *st)
{
	struct dfa_ctx *c = st->c;
	struct dfa_builder *b = st->b;
	size_t n = b->rules.n / 2;
	uint32_t *r, s;
	int rc;

	st->key.n = 0;
	key_encode(st);
	rc = state_new(st, SIZE_MAX, 0, &s);
	if (rc)
		return rc;
	r = xmalloc((n ? n : 1) * 2 * sizeof(uint32_t));
	memcpy(r, b->rules.p, n * 2 * sizeof(uint32_t));
	qsort(r, n, 2 * sizeof(uint32_t), cmp_pair);
	st->key.n = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i, base = c->stack.n;

		while (j < n && r[2 * j] == r[2 * i])
			dfa_stack_push(c, r[2 * j++ + 1]);
		key_append_union(st, r[2 * i], base);
		i = j;
	}
	free(r);
	key_encode(st);
	rc = state_new(st, SIZE_MAX, hash_bytes(st->ekey, st->elen), &s);
	if (rc)
		return rc;
	if (st->key.n) {
		size_t j;

		uint32_t h = U32(st->shash)[s];

		j = h & (st->stab.cap - 1);
		while (st->stab.slot[j])
			j = (j + 1) & (st->stab.cap - 1);
		dfa_htab_put(&st->stab, j, s, h);
	}
	return 0;
}

/*
 * Whether state @s of @d splits the classes in a way no earlier state
 * did: its transitions with the targets labelled by first occurrence
 * (the partition they induce, Note [class-signatures]), interned.
 */
static bool row_sig_new(struct bstate *st, const struct dfa *d, uint32_t s)
{
	struct dfa_ctx *c = st->c;
	struct labels *lb = &st->lab;
	uint32_t lo = d->toff[s], hi = d->toff[s + 1], nlab = 0, h, *w;
	size_t base = st->rsig.n, n = 1, j;

	w = dfa_buf_reserve(c, &st->rsig, sizeof(uint32_t),
			    base + (hi - lo) + 1);
	w += base;
	lb->stamp++;
	for (uint32_t t = lo; t < hi; t++) {
		uint32_t x = d->tdst[t], i = (x * 0x9e3779b1u) >> 23;

		while (lb->tstamp[i] == lb->stamp && lb->tkey[i] != x)
			i = (i + 1) & 511;
		if (lb->tstamp[i] != lb->stamp) {
			lb->tstamp[i] = lb->stamp;
			lb->tkey[i] = x;
			lb->tval[i] = ++nlab;
		}
		w[n++] = (uint32_t)d->tcls[t] << 16 | lb->tval[i];
	}
	w[0] = (uint32_t)n - 1;
	h = hash_words(w, n);
	if (dfa_htab_full(&st->rtab))
		dfa_htab_grow(c, &st->rtab);
	j = h & (st->rtab.cap - 1);
	while (st->rtab.slot[j]) {
		uint32_t at = dfa_htab_id(st->rtab.slot[j]);
		const uint32_t *o = &U32(st->rsig)[at];

		if (dfa_htab_hash(st->rtab.slot[j]) == h && o[0] == w[0] &&
		    !memcmp(o + 1, w + 1, (n - 1) * sizeof(*w)))
			return false;
		j = (j + 1) & (st->rtab.cap - 1);
	}
	st->rsig.n = base + n;
	dfa_htab_put(&st->rtab, j, (uint32_t)base, h);
	return true;
}

/*
 * Merge construction classes that every state treats alike, then number
 * the final classes by their smallest byte and rewrite transitions. A
 * state refines the classes only by the partition its row induces, so
 * states repeating an earlier one's partition are skipped.
 */
static void final_classes(struct bstate *st, struct dfa *d)
{
	uint32_t n0 = st->ncls, nparts = 1, *dense, w = 0;
	uint8_t part[256] = { 0 };
	uint32_t hkey[1024], hval[1024], hstamp[1024] = { 0 }, stamp = 0;
	uint8_t hid[1024];

	dense = xcalloc(n0, sizeof(uint32_t));
	dfa_htab_init(st->c, &st->rtab, 64);
	st->rsig.n = 0;
	for (uint32_t s = 1; s < d->nstates && nparts < n0; s++) {
		uint32_t m = 0;
		uint8_t np[256];

		if (d->toff[s] == d->toff[s + 1] || !row_sig_new(st, d, s))
			continue;
		memset(dense, 0, n0 * sizeof(uint32_t));
		for (uint32_t t = d->toff[s]; t < d->toff[s + 1]; t++)
			dense[d->tcls[t]] = d->tdst[t];
		stamp++;
		for (uint32_t k = 0; k < n0; k++) {
			uint32_t j = (part[k] * 0x9e3779b1u ^ dense[k] *
				      0x85ebca6bu) >> 22;

			while (hstamp[j] == stamp &&
			       (hkey[j] != part[k] || hval[j] != dense[k]))
				j = (j + 1) & 1023;
			if (hstamp[j] != stamp) {
				hstamp[j] = stamp;
				hkey[j] = part[k];
				hval[j] = dense[k];
				hid[j] = (uint8_t)m++;
			}
			np[k] = hid[j];
		}
		memcpy(part, np, n0);
		nparts = m;
	}
	d->nclasses = nparts;
	for (int b = 0; b < 256; b++)
		d->ec[b] = part[st->cls_of[b]];
	for (uint32_t s = 0; s < d->nstates; s++) {
		uint32_t lo = d->toff[s], hi = d->toff[s + 1];
		uint32_t to[256];
		uint8_t seen[256];

		memset(seen, 0, nparts);
		for (uint32_t t = lo; t < hi; t++) {
			uint8_t k = part[d->tcls[t]];

			seen[k] = 1;
			to[k] = d->tdst[t];
		}
		/* in place: w <= lo, and the state's transitions are read */
		d->toff[s] = w;
		for (uint32_t k = 0; k < nparts && hi > lo; k++) {
			if (!seen[k])
				continue;
			d->tcls[w] = (uint8_t)k;
			d->tdst[w] = to[k];
			w++;
		}
	}
	d->toff[d->nstates] = w;
	free(dense);
	dfa_buf_release(st->c, &st->rsig);
	dfa_htab_release(st->c, &st->rtab);
}

/* Number blocks breadth-first from the start and emit the automaton. */
static struct dfa *finalize(struct bstate *st, const uint32_t *blockof,
			    uint32_t nblocks)
{
	struct dfa_ctx *c = st->c;
	uint32_t n = st->nstates, nnew = 2, m = 0;
	uint32_t *rep, *num, *ord;
	const uint32_t *toff = U32(st->toff), *tdst = U32(st->tdst);
	const uint8_t *tcls = st->tcls.p;
	const uint32_t *oob = c->has_oob ? U32(st->soob) : NULL;
	struct dfa *d = arena_alloc(c->a, sizeof(*d));

	rep = xmalloc(((size_t)nblocks + 1) * sizeof(uint32_t));
	num = xmalloc(((size_t)nblocks + 1) * sizeof(uint32_t));
	ord = xmalloc(((size_t)nblocks + 2) * sizeof(uint32_t));
	for (uint32_t b = 0; b < nblocks; b++)
		rep[b] = num[b] = UINT32_MAX;
	for (uint32_t s = 0; s < n; s++)
		if (blockof[s] != UINT32_MAX && rep[blockof[s]] == UINT32_MAX)
			rep[blockof[s]] = s;
	ord[0] = ord[1] = UINT32_MAX;
	if (blockof[DFA_START] != UINT32_MAX) {
		ord[1] = blockof[DFA_START];
		num[ord[1]] = 1;
	}
	for (uint32_t i = 1; i < nnew; i++) {
		uint32_t s;

		if (ord[i] == UINT32_MAX)
			continue;
		s = rep[ord[i]];
		for (uint32_t t = toff[s]; t <= toff[s + 1]; t++) {
			uint32_t tb, to = t < toff[s + 1] ? tdst[t] :
				      oob ? oob[s] : 0;

			if (!to || (tb = blockof[to]) == UINT32_MAX)
				continue;
			m += t < toff[s + 1];
			if (num[tb] == UINT32_MAX) {
				num[tb] = nnew;
				ord[nnew++] = tb;
			}
		}
	}
	d->nstates = nnew;
	d->toff = arena_alloc_array(c->a, (size_t)nnew + 1, sizeof(uint32_t));
	d->tcls = arena_alloc_array(c->a, (size_t)m + 1, 1);
	d->tdst = arena_alloc_array(c->a, (size_t)m + 1, sizeof(uint32_t));
	d->accept = arena_alloc_array(c->a, nnew, sizeof(struct dfa_accept));
	d->oob = NULL;
	m = 0;
	for (uint32_t i = 0; i < nnew; i++) {
		uint32_t s;

		d->toff[i] = m;
		if (ord[i] == UINT32_MAX)
			continue;
		s = rep[ord[i]];
		d->accept[i] =
			((struct dfa_accept *)st->vals.p)[U32(st->sval)[s]];
		if (oob && oob[s] && blockof[oob[s]] != UINT32_MAX) {
			if (!d->oob)
				d->oob = arena_alloc_array(c->a, nnew,
							   sizeof(uint32_t));
			d->oob[i] = num[blockof[oob[s]]];
		}
		for (uint32_t t = toff[s]; t < toff[s + 1]; t++) {
			uint32_t tb = blockof[tdst[t]];

			if (tb == UINT32_MAX)
				continue;
			d->tcls[m] = tcls[t];
			d->tdst[m] = num[tb];
			m++;
		}
	}
	d->toff[nnew] = m;
	free(rep);
	free(num);
	free(ord);
	final_classes(st, d);
	return d;
}

/* Free the key chunks and their array. */
static void keys_release(struct bstate *st)
{
	struct dfa_buf *ch = st->kchunk.p;

	for (size_t i = 0; i < st->kchunk.n; i++)
		dfa_buf_release(st->c, &ch[i]);
	st->kchunk.n = 0;
	dfa_buf_release(st->c, &st->kchunk);
}

/*
 * Free what only construction needs (state keys and their table,
 * derivative rows, id sets), so minimization and numbering do not add
 * to its peak.
 */
static void construction_release(struct bstate *st)
{
	struct dfa_ctx *c = st->c;
	struct dfa_buf *bufs[] = { &st->kref, &st->trip, &st->dkey,
				   &st->key, &st->ids,
				   &st->aids, &st->aoff, &st->aval,
				   &st->setcls, &st->clist, &st->tinfo,
				   &st->dvec, &st->shash, &st->sigl,
				   &st->sigoff, &st->sigstamp, &st->prow,
				   &st->prun, &st->nmw, &st->gone,
				   &st->rsig };

	keys_release(st);
	for (size_t i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++)
		dfa_buf_release(c, bufs[i]);
	dfa_htab_release(c, &st->stab);
	dfa_htab_release(c, &st->atab);
	dfa_htab_release(c, &st->vtab);
	dfa_htab_release(c, &st->sigtab);
	dfa_htab_release(c, &st->ntab);
	dfa_htab_release(c, &st->rtab);
}

static void bstate_release(struct bstate *st)
{
	struct dfa_ctx *c = st->c;
	struct dfa_buf *bufs[] = { &st->kref, &st->sval, &st->dkey,
				   &st->toff, &st->tcls, &st->tdst,
				   &st->soob,
				   &st->trip, &st->key,
				   &st->ids, &st->aids, &st->aoff,
				   &st->aval, &st->vals, &st->setcls,
				   &st->clist, &st->tinfo, &st->dvec,
				   &st->shash, &st->sigl, &st->sigoff,
				   &st->sigstamp, &st->prow, &st->prun,
				   &st->nmw, &st->gone, &st->rsig };

	keys_release(st);
	for (size_t i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++)
		dfa_buf_release(c, bufs[i]);
	dfa_htab_release(c, &st->stab);
	dfa_htab_release(c, &st->atab);
	dfa_htab_release(c, &st->vtab);
	dfa_htab_release(c, &st->sigtab);
	dfa_htab_release(c, &st->ntab);
	dfa_htab_release(c, &st->rtab);
}

int dfa_build(struct dfa_builder *b, dfa_fold_fn fold, void *fold_ctx,
	      const struct dfa_limits *lim, struct dfa **out)
{
	struct dfa_ctx *c = b->c;
	struct bstate st = { 0 };
	struct dfa_accept zero = { { 0 } };
	struct dfa_raw raw;
	uint32_t *blockof, nblocks, naccept;
	int rc;

	b->err[0] = '\0';
	st.c = c;
	st.b = b;
	st.fold = fold;
	st.fold_ctx = fold_ctx;
	st.max_states = lim && lim->max_states ? lim->max_states :
						 DFA_DEFAULT_MAX_STATES;
	st.max_bytes = lim && lim->max_bytes ? lim->max_bytes :
					       DFA_DEFAULT_MAX_BYTES;
	c->peak = c->bytes;
	dfa_buf_reserve(c, &b->rules, sizeof(uint32_t), 1);
	dfa_buf_reserve(c, &st.key, sizeof(uint32_t), 1);
	dfa_buf_reserve(c, &st.tcls, 1, 1);
	dfa_buf_reserve(c, &st.tdst, sizeof(uint32_t), 1);
	dfa_htab_init(c, &st.stab, 1024);
	dfa_htab_init(c, &st.atab, 64);
	dfa_htab_init(c, &st.vtab, 64);
	dfa_htab_init(c, &st.sigtab, 64);
	dfa_htab_init(c, &st.ntab, 64);
	push_u32(c, &st.aoff, 0);
	value_intern(&st, &zero);
	build_alphabet(&st);
	rc = build_start(&st);
	if (rc)
		goto out;
	push_u32(c, &st.toff, 0);
	if (c->has_oob)
		push_u32(c, &st.soob, 0);
	for (uint32_t s = 1; s < st.nstates; s++) {
		push_u32(c, &st.toff, (uint32_t)st.tdst.n);
		if (c->has_oob)
			push_u32(c, &st.soob, 0);
		rc = state_expand(&st, s);
		if (rc)
			goto out;
	}
	push_u32(c, &st.toff, (uint32_t)st.tdst.n);
	naccept = (uint32_t)st.aval.n;
	construction_release(&st);
	raw.nstates = st.nstates;
	raw.toff = U32(st.toff);
	raw.tcls = st.tcls.p;
	raw.tdst = U32(st.tdst);
	raw.oob = c->has_oob ? U32(st.soob) : NULL;
	raw.val = U32(st.sval);
	raw.nvals = (uint32_t)st.vals.n;
	if (c->bytes + (size_t)st.nstates * 48 + st.tdst.n * 40 >
	    st.max_bytes) {
		rc = limit_error(&st, "bytes of memory", st.max_bytes);
		goto out;
	}
	blockof = xmalloc((size_t)st.nstates * sizeof(uint32_t));
	if (lim && lim->no_minimize) {
		blockof[0] = UINT32_MAX;
		for (uint32_t s = 1; s < st.nstates; s++)
			blockof[s] = s;
		nblocks = st.nstates;
	} else {
		nblocks = dfa_minimize_blocks(&raw, blockof);
	}
	*out = finalize(&st, blockof, nblocks);
	free(blockof);
	(*out)->stats.states_before = st.nstates;
	(*out)->stats.states = (*out)->nstates;
	(*out)->stats.classes = (*out)->nclasses;
	(*out)->stats.accept_sets = naccept;
	(*out)->stats.terms = (uint32_t)c->terms.n;
	(*out)->stats.work_bytes = c->peak;
	if ((*out)->nstates > st.max_states)
		rc = limit_error(&st, "states", st.max_states);
out:
	bstate_release(&st);
	return rc;
}

void dfa_get_stats(const struct dfa *d, struct dfa_stats *st)
{
	*st = d->stats;
}
