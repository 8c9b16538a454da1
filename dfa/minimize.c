/* DFA minimization for the engine, on a partial DFA (transitions to the
 * dead state omitted) with the initial partition given by folded accept
 * values: block splitting by hashed signatures, checked exactly, with
 * Valmari's partition refinement as fallback; acyclic automata (literal
 * tries) take a linear bottom-up pass. Also drops the states that cannot
 * reach an accepting state. Phase: automata; knows nothing of patterns
 * or rule ids.
 */
#include "dfa_int.h"
#include "arena.h"

#include <stdlib.h>
#include <string.h>

/*
 * Note [valmari-minimization]
 * A. Valmari, "Fast brief practical DFA minimization", Information
 * Processing Letters 112 (2012). Two refinable partitions: blocks of
 * states and "cords" of transitions (same label, heads in the same
 * block). Processing a cord splits blocks by "has a transition in this
 * cord"; processing a new block splits cords by "head in this block".
 * Every block but block 0 is processed once, so the initial partition may
 * have any number of blocks (here: one per folded accept value). Runs in
 * O(m log n) for m stored transitions, so a partial DFA with few
 * transitions per state (literal tries) stays cheap.
 */

struct vpart {
	uint32_t z; /* number of sets */
	uint32_t *E; /* elements, grouped by set */
	uint32_t *L; /* position of each element in E */
	uint32_t *S; /* set of each element */
	uint32_t *F; /* first position of each set */
	uint32_t *P; /* past-the-end position of each set */
};

struct vstate {
	struct vpart B; /* blocks of states */
	struct vpart C; /* cords of transitions */
	uint32_t *M; /* marked count per set */
	uint32_t *W; /* touched sets */
	uint32_t w; /* entries in W */
	uint32_t *T, *Lb, *H; /* tail, label, head per transition */
	uint32_t *A; /* transitions adjacent to a state */
	uint32_t *adjF; /* nn + 1 offsets into A */
	uint32_t nn, mm, rr; /* states, transitions, reached */
};

static void vpart_init(struct vpart *p, uint32_t n)
{
	size_t sz = (size_t)(n ? n : 1) * sizeof(uint32_t);

	p->z = n > 0;
	p->E = xmalloc(sz);
	p->L = xmalloc(sz);
	p->S = xmalloc(sz);
	p->F = xmalloc(sz);
	p->P = xmalloc(sz);
	for (uint32_t i = 0; i < n; i++) {
		p->E[i] = p->L[i] = i;
		p->S[i] = 0;
	}
	if (n) {
		p->F[0] = 0;
		p->P[0] = n;
	}
}

static void vpart_free(struct vpart *p)
{
	free(p->E);
	free(p->L);
	free(p->S);
	free(p->F);
	free(p->P);
}

static void vmark(struct vstate *v, struct vpart *p, uint32_t e)
{
	uint32_t s = p->S[e], i = p->L[e], j = p->F[s] + v->M[s];

	p->E[i] = p->E[j];
	p->L[p->E[i]] = i;
	p->E[j] = e;
	p->L[e] = j;
	if (!v->M[s]++)
		v->W[v->w++] = s;
}

static void vsplit(struct vstate *v, struct vpart *p)
{
	while (v->w) {
		uint32_t s = v->W[--v->w], j = p->F[s] + v->M[s], z = p->z;

		if (j == p->P[s]) {
			v->M[s] = 0;
			continue;
		}
		if (v->M[s] <= p->P[s] - j) {
			p->F[z] = p->F[s];
			p->P[z] = p->F[s] = j;
		} else {
			p->P[z] = p->P[s];
			p->F[z] = p->P[s] = j;
		}
		for (uint32_t i = p->F[z]; i < p->P[z]; i++)
			p->S[p->E[i]] = z;
		v->M[s] = v->M[z] = 0;
		p->z++;
	}
}

static void make_adjacent(struct vstate *v, const uint32_t *K)
{
	for (uint32_t q = 0; q <= v->nn; q++)
		v->adjF[q] = 0;
	for (uint32_t t = 0; t < v->mm; t++)
		v->adjF[K[t]]++;
	for (uint32_t q = 0; q < v->nn; q++)
		v->adjF[q + 1] += v->adjF[q];
	for (uint32_t t = v->mm; t--;)
		v->A[--v->adjF[K[t]]] = t;
}

static void reach(struct vstate *v, uint32_t q)
{
	struct vpart *B = &v->B;
	uint32_t i = B->L[q];

	if (i >= v->rr) {
		B->E[i] = B->E[v->rr];
		B->L[B->E[i]] = i;
		B->E[v->rr] = q;
		B->L[q] = v->rr++;
	}
}

static void rem_unreachable(struct vstate *v, uint32_t *K1, uint32_t *K2)
{
	uint32_t j = 0;

	make_adjacent(v, K1);
	for (uint32_t i = 0; i < v->rr; i++) {
		uint32_t q = v->B.E[i];

		for (uint32_t k = v->adjF[q]; k < v->adjF[q + 1]; k++)
			reach(v, K2[v->A[k]]);
	}
	for (uint32_t t = 0; t < v->mm; t++) {
		if (v->B.L[K1[t]] < v->rr) {
			v->H[j] = v->H[t];
			v->Lb[j] = v->Lb[t];
			v->T[j] = v->T[t];
			j++;
		}
	}
	v->mm = j;
	v->B.P[0] = v->rr;
	v->rr = 0;
}

/*
 * Note [acyclic-minimization]
 * When the reachable part of the automaton has no cycle (literal rules
 * only), two useful states are equivalent exactly when they have the same
 * accept value and, class by class, transitions to the same block of
 * useful states. Visiting states in reverse topological order, every
 * target's block is known when its source is visited, so one hash-consing
 * pass over these signatures yields the same partition as Valmari's
 * refinement in O(n + m) (Revuz 1992), without the refinement's random
 * accesses. A state with no useful transition and no value is useless.
 */

struct asig {
	uint32_t *w; /* signature words of every block */
	size_t n, cap; /* used, allocated */
	uint32_t *off; /* block b owns w[off[b], off[b + 1]) */
	uint64_t *tab; /* hash << 32 | block + 1, open addressing */
	size_t tcap; /* power of two */
};

static uint32_t asig_hash(const uint32_t *w, size_t n)
{
	uint32_t h = 0x811c9dc5u ^ (uint32_t)n;

	for (size_t i = 0; i < n; i++) {
		h ^= w[i];
		h *= 0x01000193u;
		h ^= h >> 15;
	}
	return h;
}

/* Block of the signature at sg->w[at, sg->n), interned; drops it if old. */
static uint32_t asig_intern(struct asig *sg, size_t at, uint32_t *nblocks)
{
	size_t n = sg->n - at, j;
	uint32_t h = asig_hash(sg->w + at, n);

	j = h & (sg->tcap - 1);
	while (sg->tab[j]) {
		uint32_t b = (uint32_t)sg->tab[j] - 1;
		uint32_t lo = sg->off[b], hi = sg->off[b + 1];

		if ((uint32_t)(sg->tab[j] >> 32) == h && hi - lo == n &&
		    !memcmp(sg->w + lo, sg->w + at, n * sizeof(uint32_t))) {
			sg->n = at;
			return b;
		}
		j = (j + 1) & (sg->tcap - 1);
	}
	sg->tab[j] = (uint64_t)h << 32 | ((uint64_t)*nblocks + 1);
	sg->off[*nblocks + 1] = (uint32_t)sg->n;
	return (*nblocks)++;
}

/*
 * Target of transition @t of state @s: toff[s] <= t < toff[s + 1] are the
 * class transitions, t == toff[s + 1] the out-of-band one (0 if none).
 */
static uint32_t raw_target(const struct dfa_raw *r, uint32_t s, uint32_t t)
{
	if (t < r->toff[s + 1])
		return r->tdst[t];
	return r->oob ? r->oob[s] : 0;
}

/*
 * Note [acyclic-minimization]: fill @blockof and return true with the
 * block count in @nblocks, or return false when a cycle is reachable.
 */
static bool minimize_acyclic(const struct dfa_raw *r, uint32_t *blockof,
			     uint32_t *nblocks)
{
	uint32_t nn = r->nstates, mm = r->toff[nn], nq = 0, head = 0;
	uint32_t *indeg, *order;
	struct asig sg = { 0 };
	bool ok = false;

	if (nn <= DFA_START)
		return false;
	/* every constructed state is reachable: a self-loop is a cycle */
	for (uint32_t s = 0; s < nn; s++)
		for (uint32_t t = r->toff[s]; t < r->toff[s + 1]; t++)
			if (r->tdst[t] == s)
				return false;
	indeg = xcalloc(nn, sizeof(uint32_t));
	order = xmalloc((size_t)nn * sizeof(uint32_t));
	for (uint32_t s = 0; s < nn; s++)
		blockof[s] = UINT32_MAX;
	/* reachable states, breadth-first (blockof = 0 marks them) */
	order[nq++] = DFA_START;
	blockof[DFA_START] = 0;
	while (head < nq) {
		uint32_t s = order[head++];

		for (uint32_t t = r->toff[s]; t <= r->toff[s + 1]; t++) {
			uint32_t d = raw_target(r, s, t);

			if (!d)
				continue;
			indeg[d]++;
			if (blockof[d]) {
				blockof[d] = 0;
				order[nq++] = d;
			}
		}
	}
	/* Kahn's topological order of the reachable states */
	if (indeg[DFA_START])
		goto out;
	order[0] = DFA_START;
	head = 1;
	for (uint32_t i = 0; i < head; i++) {
		uint32_t s = order[i];

		for (uint32_t t = r->toff[s]; t <= r->toff[s + 1]; t++) {
			uint32_t d = raw_target(r, s, t);

			if (d && !--indeg[d])
				order[head++] = d;
		}
	}
	if (head != nq)
		goto out;
	sg.cap = (size_t)nq + 2 * ((size_t)mm + (r->oob ? nn : 0)) + 1;
	sg.w = xmalloc(sg.cap * sizeof(uint32_t));
	sg.off = xmalloc(((size_t)nq + 1) * sizeof(uint32_t));
	sg.off[0] = 0;
	sg.tcap = 2;
	while (sg.tcap < 2 * (size_t)nq)
		sg.tcap *= 2;
	sg.tab = xcalloc(sg.tcap, sizeof(uint64_t));
	*nblocks = 0;
	for (uint32_t i = nq; i--;) {
		uint32_t s = order[i];
		size_t at = sg.n;

		sg.w[sg.n++] = r->val[s];
		for (uint32_t t = r->toff[s]; t <= r->toff[s + 1]; t++) {
			uint32_t d = raw_target(r, s, t), b;

			if (!d || (b = blockof[d]) == UINT32_MAX)
				continue;
			sg.w[sg.n++] = t < r->toff[s + 1] ? r->tcls[t] :
							    DFA_SYM_OOB;
			sg.w[sg.n++] = b;
		}
		if (sg.n - at == 1 && !r->val[s]) {
			sg.n = at;
			blockof[s] = UINT32_MAX;
			continue;
		}
		blockof[s] = asig_intern(&sg, at, nblocks);
	}
	ok = true;
out:
	free(indeg);
	free(order);
	free(sg.w);
	free(sg.off);
	free(sg.tab);
	return ok;
}

/*
 * Note [moore-minimization]
 * Derivative construction yields automata close to minimal, with dense
 * rows (most states step on most classes). Valmari's refinement then
 * keeps about ten words per transition, and its page faults dominated.
 * Moore's refinement needs a few words per state instead: a state's
 * signature is, class by class, the block of its target when that target
 * is useful, and blocks are split by 64-bit hashes of the signatures
 * (Note [moore-weighted-sum]) until every block is uniform (Note
 * [moore-worklist]). A collision can only merge blocks, so the stable
 * partition is coarser than or equal to the exact one; one exact pass
 * then checks it is a congruence (then it is the coarsest, i.e. the
 * exact one); when it is not, Valmari's algorithm refines it (or the
 * accept values, should a collision have merged two of them).
 */
#define MOORE_MAX_VISITS 64

struct moore {
	const struct dfa_raw *r; /* the automaton */
	uint32_t *blk; /* block per state, UINT32_MAX when useless */
	uint32_t *nxt; /* scratch, nstates + 1 entries */
	uint32_t *goff; /* nstates + 1 offsets into gw and gd */
	uint64_t *gw; /* per group: sum of the weights of its classes */
	uint32_t *gd; /* per group: the target */
	size_t gcap; /* groups allocated */
	uint64_t *sig; /* per useful state: hash of its signature */
	uint32_t *poff; /* nstates + 1 offsets into psrc and pw */
	uint32_t *psrc; /* per predecessor group: its useful source */
	uint64_t *pw; /* per predecessor group: its weight */
	uint32_t *E; /* useful states, grouped by block */
	uint32_t *L; /* position of each useful state in E */
	uint32_t *F, *P; /* first and past-the-end position of each block */
	uint32_t *part, *tmp; /* scratch per member of the block split */
	uint32_t *cnt, *nid; /* scratch per part of the block split */
	uint32_t *wl; /* blocks to split */
	uint8_t *dirty; /* per block: in wl */
	uint32_t nwl; /* entries in wl */
	uint32_t nb; /* blocks */
	size_t visits; /* states looked at in splits */
	struct {
		uint64_t h; /* signature hash */
		uint32_t stamp; /* entry in use when equal to stamp */
		uint32_t part; /* its part */
	} *tab;
	uint32_t stamp; /* splits started, from 1 */
	size_t cap; /* power of two, at least twice the states */
};

static uint64_t mix64(uint64_t h, uint64_t x)
{
	h = (h ^ x) * 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 29);
}

/*
 * Note [moore-weighted-sum]
 * Rows are long (a transition per class, ~32 on the Debian profiles) but
 * have few distinct targets (~3), so each state's transitions are
 * grouped once by target, a group weighing the sum of random odd 64-bit
 * weights of its classes. A state's hash is the sum over its groups of
 * weight times the key of the target's block, the key of a useless state
 * being 0. That sum equals the sum over classes of class weight times
 * block key, so two states with equal signatures get equal hashes however
 * their classes are grouped, and a hash costs a few groups instead of a
 * row. Unequal signatures collide only by chance, which moore_check()
 * catches (Note [moore-minimization]). States are only compared with the
 * states of their own block, so the block is no part of the hash.
 */

/* Random odd weight of class @c (DFA_SYM_OOB for the out-of-band one). */
static uint64_t class_weight(uint32_t c)
{
	return mix64(mix64(0x6a09e667f3bcc909ull, c), c) | 1;
}

/* Add @w to the group of target @d of the state whose groups start at @gs. */
static void moore_group_add(struct moore *mo, size_t gs, size_t *ng,
			    uint32_t d, uint64_t w)
{
	size_t lo = *ng - gs > 8 ? *ng - 8 : gs;

	for (size_t k = *ng; k-- > lo;) {
		if (mo->gd[k] == d) {
			mo->gw[k] += w;
			return;
		}
	}
	if (*ng == mo->gcap) {
		mo->gcap *= 2;
		mo->gw = xrealloc(mo->gw, mo->gcap * sizeof(uint64_t));
		mo->gd = xrealloc(mo->gd, mo->gcap * sizeof(uint32_t));
	}
	mo->gw[*ng] = w;
	mo->gd[(*ng)++] = d;
}

/*
 * Groups of every state's transitions (Note [moore-weighted-sum]); a
 * group to a useless state adds nothing to a hash, its key being 0.
 */
static void moore_groups(struct moore *mo)
{
	const struct dfa_raw *r = mo->r;
	uint64_t wt[DFA_SYM_OOB + 1];
	size_t ng = 0;

	for (uint32_t c = 0; c <= DFA_SYM_OOB; c++)
		wt[c] = class_weight(c);
	mo->gcap = 4 * (size_t)r->nstates + 16;
	mo->gw = xmalloc(mo->gcap * sizeof(uint64_t));
	mo->gd = xmalloc(mo->gcap * sizeof(uint32_t));
	mo->goff[0] = 0;
	for (uint32_t s = 0; s < r->nstates; s++) {
		size_t gs = ng;
		uint32_t cd = 0;
		uint64_t cw = 0;

		for (uint32_t t = r->toff[s]; t < r->toff[s + 1]; t++) {
			uint32_t d = r->tdst[t];

			if (d != cd) {
				if (cd)
					moore_group_add(mo, gs, &ng, cd, cw);
				cd = d;
				cw = 0;
			}
			cw += wt[r->tcls[t]];
		}
		if (cd)
			moore_group_add(mo, gs, &ng, cd, cw);
		if (r->oob && r->oob[s])
			moore_group_add(mo, gs, &ng, r->oob[s],
					wt[DFA_SYM_OOB]);
		mo->goff[s + 1] = (uint32_t)ng;
	}
}

/* Hash key of block @b (Note [moore-weighted-sum]). */
static uint64_t block_key(uint32_t b)
{
	return mix64(0x3c6ef372fe94f82bull, b);
}

/* Queue block @b for splitting unless it is queued or has one state. */
static void moore_touch(struct moore *mo, uint32_t b)
{
	if (!mo->dirty[b] && mo->P[b] - mo->F[b] > 1) {
		mo->dirty[b] = 1;
		mo->wl[mo->nwl++] = b;
	}
}

/*
 * Splits block @b by signature hash: the biggest part keeps @b, the
 * others get new blocks, and the predecessors of the states that moved
 * have their hashes updated and their blocks queued.
 */
static void moore_split(struct moore *mo, uint32_t b)
{
	uint32_t f = mo->F[b], k = mo->P[b] - f, np = 0, big = 0, pos;
	size_t mask = 1;

	if (k < 2)
		return;
	mo->visits += k;
	while (mask < 2 * (size_t)k)
		mask *= 2;
	mask--;
	if (++mo->stamp == 0) {
		memset(mo->tab, 0, mo->cap * sizeof(*mo->tab));
		mo->stamp = 1;
	}
	for (uint32_t i = 0; i < k; i++) {
		uint64_t h = mo->sig[mo->E[f + i]];
		size_t j = (size_t)(h ^ (h >> 31)) & mask;

		while (mo->tab[j].stamp == mo->stamp && mo->tab[j].h != h)
			j = (j + 1) & mask;
		if (mo->tab[j].stamp != mo->stamp) {
			mo->tab[j].stamp = mo->stamp;
			mo->tab[j].h = h;
			mo->tab[j].part = np;
			mo->cnt[np++] = 0;
		}
		mo->part[i] = mo->tab[j].part;
		if (++mo->cnt[mo->part[i]] > mo->cnt[big])
			big = mo->part[i];
	}
	if (np == 1)
		return;
	/* biggest part first, in place of @b; cnt becomes each start */
	pos = f + mo->cnt[big];
	mo->P[b] = pos;
	mo->nid[big] = b;
	mo->cnt[big] = f;
	for (uint32_t q = 0; q < np; q++) {
		uint32_t c = mo->cnt[q];

		if (q == big)
			continue;
		mo->nid[q] = mo->nb++;
		mo->F[mo->nid[q]] = pos;
		mo->cnt[q] = pos;
		pos += c;
		mo->P[mo->nid[q]] = pos;
		mo->dirty[mo->nid[q]] = 0;
	}
	memcpy(mo->tmp, mo->E + f, k * sizeof(uint32_t));
	for (uint32_t i = 0; i < k; i++) {
		uint32_t s = mo->tmp[i], at = mo->cnt[mo->part[i]]++;

		mo->E[at] = s;
		mo->L[s] = at;
		mo->blk[s] = mo->nid[mo->part[i]];
	}
	for (uint32_t i = mo->P[b]; i < f + k; i++) {
		uint32_t s = mo->E[i];
		uint64_t delta = block_key(mo->blk[s]) - block_key(b);

		for (uint32_t e = mo->poff[s]; e < mo->poff[s + 1]; e++) {
			uint32_t q = mo->psrc[e];

			mo->sig[q] += mo->pw[e] * delta;
			moore_touch(mo, mo->blk[q]);
		}
	}
}

/*
 * Note [moore-worklist]
 * Moore's rounds rehash every state of every block that is not a
 * singleton, though most signatures did not change since the last round
 * (22 rounds on average on the Debian profiles, up to 60).
 * The hash being a sum (Note [moore-weighted-sum]), a state's hash is
 * kept up to date instead: when a state moves to a new block, each
 * predecessor's hash changes by the weight of its group to it times the
 * difference of the block keys, and only the blocks of these
 * predecessors need to be split again. Splitting a block by its states'
 * hashes separates only states with different signatures, as a round
 * does, so the partition stays coarser than or equal to the exact one,
 * and when no block is queued every block is uniform: the partition is
 * stable. The biggest part keeps the old block, so a state moves at most
 * log2(n) times and pays for its predecessors each time (Hopcroft's
 * rule). A block is looked at whole, though, so splitting stops after
 * MOORE_MAX_VISITS looks per state and hands the partition reached over
 * to Valmari's algorithm.
 */

/*
 * Predecessor groups of the useful states, block ranges, hashes and the
 * queue of every block (Note [moore-worklist]); mo->blk holds the
 * initial partition with mo->nb blocks.
 */
static void moore_prepare(struct moore *mo)
{
	uint32_t nn = mo->r->nstates, ng = mo->goff[nn];

	mo->poff = xcalloc((size_t)nn + 2, sizeof(uint32_t));
	for (uint32_t s = 0; s < nn; s++) {
		if (mo->blk[s] == UINT32_MAX)
			continue;
		for (uint32_t g = mo->goff[s]; g < mo->goff[s + 1]; g++)
			if (mo->blk[mo->gd[g]] != UINT32_MAX)
				mo->poff[mo->gd[g] + 2]++;
	}
	for (uint32_t s = 0; s < nn; s++)
		mo->poff[s + 2] += mo->poff[s + 1];
	mo->psrc = xmalloc(((size_t)ng + 1) * sizeof(uint32_t));
	mo->pw = xmalloc(((size_t)ng + 1) * sizeof(uint64_t));
	mo->sig = xmalloc(((size_t)nn + 1) * sizeof(uint64_t));
	for (uint32_t s = 0; s < nn; s++) {
		uint64_t h = 0;

		if (mo->blk[s] == UINT32_MAX)
			continue;
		for (uint32_t g = mo->goff[s]; g < mo->goff[s + 1]; g++) {
			uint32_t d = mo->gd[g], e;

			if (mo->blk[d] == UINT32_MAX)
				continue;
			h += mo->gw[g] * block_key(mo->blk[d]);
			e = mo->poff[d + 1]++;
			mo->psrc[e] = s;
			mo->pw[e] = mo->gw[g];
		}
		mo->sig[s] = h;
	}
	/* blocks as ranges of E, by counting sort */
	mo->F = xcalloc((size_t)nn + 1, sizeof(uint32_t));
	mo->P = xmalloc(((size_t)nn + 1) * sizeof(uint32_t));
	mo->E = xmalloc(((size_t)nn + 1) * sizeof(uint32_t));
	mo->L = xmalloc(((size_t)nn + 1) * sizeof(uint32_t));
	for (uint32_t s = 0; s < nn; s++)
		if (mo->blk[s] != UINT32_MAX)
			mo->F[mo->blk[s]]++;
	for (uint32_t b = 0, at = 0; b < mo->nb; b++) {
		uint32_t c = mo->F[b];

		mo->F[b] = mo->P[b] = at;
		at += c;
	}
	for (uint32_t s = 0; s < nn; s++) {
		if (mo->blk[s] == UINT32_MAX)
			continue;
		mo->L[s] = mo->P[mo->blk[s]]++;
		mo->E[mo->L[s]] = s;
	}
	mo->part = xmalloc(((size_t)nn + 1) * sizeof(uint32_t));
	mo->tmp = xmalloc(((size_t)nn + 1) * sizeof(uint32_t));
	mo->cnt = xmalloc(((size_t)nn + 1) * sizeof(uint32_t));
	mo->nid = xmalloc(((size_t)nn + 1) * sizeof(uint32_t));
	mo->wl = xmalloc(((size_t)nn + 1) * sizeof(uint32_t));
	mo->dirty = xcalloc((size_t)nn + 1, 1);
	for (uint32_t b = mo->nb; b-- > 0;)
		moore_touch(mo, b);
}

/*
 * Splits queued blocks until none is queued (returns true) or the visit
 * budget is spent (Note [moore-worklist]).
 */
static bool moore_refine(struct moore *mo)
{
	size_t budget = MOORE_MAX_VISITS * (size_t)mo->r->nstates;

	while (mo->nwl) {
		uint32_t b = mo->wl[--mo->nwl];

		mo->dirty[b] = 0;
		moore_split(mo, b);
		if (mo->visits > budget)
			return false;
	}
	return true;
}

static void moore_free(struct moore *mo)
{
	free(mo->nxt);
	free(mo->tab);
	free(mo->goff);
	free(mo->gw);
	free(mo->gd);
	free(mo->sig);
	free(mo->poff);
	free(mo->psrc);
	free(mo->pw);
	free(mo->E);
	free(mo->L);
	free(mo->F);
	free(mo->P);
	free(mo->part);
	free(mo->tmp);
	free(mo->cnt);
	free(mo->nid);
	free(mo->wl);
	free(mo->dirty);
}

/* Whether @s and @q have equal signatures. */
static bool moore_equal(const struct moore *mo, uint32_t s, uint32_t q)
{
	const struct dfa_raw *r = mo->r;
	uint32_t i = r->toff[s], j = r->toff[q];

	if (mo->blk[s] != mo->blk[q])
		return false;
	/* same classes in the same order: compare target blocks in step */
	if (r->toff[s + 1] - i == r->toff[q + 1] - j &&
	    !memcmp(r->tcls + i, r->tcls + j, r->toff[s + 1] - i)) {
		for (; i < r->toff[s + 1]; i++, j++)
			if (mo->blk[r->tdst[i]] != mo->blk[r->tdst[j]])
				return false;
		/* state 0 is useless, so no out-of-band step counts as one */
		return !r->oob || mo->blk[r->oob[s]] == mo->blk[r->oob[q]];
	}
	for (;;) {
		uint32_t ds = 0, dq = 0, ls = 0, lq = 0;

		for (; i <= r->toff[s + 1]; i++) {
			ds = raw_target(r, s, i);
			if (ds && mo->blk[ds] != UINT32_MAX)
				break;
			ds = 0;
		}
		for (; j <= r->toff[q + 1]; j++) {
			dq = raw_target(r, q, j);
			if (dq && mo->blk[dq] != UINT32_MAX)
				break;
			dq = 0;
		}
		if (!ds || !dq)
			return !ds && !dq;
		ls = i < r->toff[s + 1] ? r->tcls[i] : DFA_SYM_OOB;
		lq = j < r->toff[q + 1] ? r->tcls[j] : DFA_SYM_OOB;
		if (ls != lq || mo->blk[ds] != mo->blk[dq])
			return false;
		i++;
		j++;
	}
}

/*
 * Whether the partition in mo->blk keeps accept values apart and, with
 * @rows, is a congruence: every state steps like the first state of its
 * block, block for block. Splits only separate inequivalent
 * states, even through hash collisions, so such a congruence is the
 * coarsest one (Note [moore-minimization]).
 */
static bool moore_check(struct moore *mo, uint32_t nb, bool rows)
{
	const struct dfa_raw *r = mo->r;
	uint32_t *rep = mo->nxt;

	for (uint32_t b = 0; b < nb; b++)
		rep[b] = UINT32_MAX;
	for (uint32_t s = 0; s < r->nstates; s++) {
		uint32_t b = mo->blk[s];

		if (b == UINT32_MAX)
			continue;
		if (rep[b] == UINT32_MAX)
			rep[b] = s;
		else if (r->val[s] != r->val[rep[b]] ||
			 (rows && !moore_equal(mo, s, rep[b])))
			return false;
	}
	return true;
}

/*
 * Marks in mo->blk with 0 the states that reach an accepting one, the
 * others UINT32_MAX: a breadth-first search from the accepting states
 * over the reversed groups.
 */
static void useful_reverse(struct moore *mo)
{
	const struct dfa_raw *r = mo->r;
	uint32_t nn = r->nstates, *off, *src, *q = mo->nxt, nq = 0;
	uint32_t *blk = mo->blk;

	off = xcalloc((size_t)nn + 2, sizeof(uint32_t));
	for (uint32_t g = 0; g < mo->goff[nn]; g++)
		off[mo->gd[g] + 1]++;
	for (uint32_t s = 0; s < nn; s++)
		off[s + 1] += off[s];
	src = xmalloc(((size_t)off[nn] + 1) * sizeof(uint32_t));
	for (uint32_t s = 0; s < nn; s++)
		for (uint32_t g = mo->goff[s]; g < mo->goff[s + 1]; g++)
			src[off[mo->gd[g]]++] = s;
	for (uint32_t s = nn; s > 0; s--)
		off[s] = off[s - 1];
	off[0] = 0;
	for (uint32_t s = 0; s < nn; s++) {
		blk[s] = UINT32_MAX;
		if (r->val[s]) {
			blk[s] = 0;
			q[nq++] = s;
		}
	}
	for (uint32_t i = 0; i < nq; i++)
		for (uint32_t k = off[q[i]]; k < off[q[i] + 1]; k++)
			if (blk[src[k]] == UINT32_MAX) {
				blk[src[k]] = 0;
				q[nq++] = src[k];
			}
	free(off);
	free(src);
}

/* Whether @s steps to a state marked useful in mo->blk. */
static bool steps_to_useful(const struct moore *mo, uint32_t s)
{
	for (uint32_t g = mo->goff[s]; g < mo->goff[s + 1]; g++)
		if (mo->blk[mo->gd[g]] != UINT32_MAX)
			return true;
	return false;
}

/*
 * The same marks as useful_reverse() when passes over the states left
 * unmarked, in decreasing order, reach the fixpoint cheaply (a state is
 * useful when it accepts or steps to a useful state other than 0):
 * construction numbers states breadth first, so most steps go to higher
 * states and the first pass marks nearly all of them. Returns false when
 * it gave up.
 */
static bool useful_passes(struct moore *mo)
{
	const struct dfa_raw *r = mo->r;
	uint32_t nn = r->nstates, nl = 0, *blk = mo->blk, *left = mo->nxt;
	size_t work = 0, budget = 2 * (size_t)mo->goff[nn] + nn;
	bool changed = true;

	for (uint32_t s = 0; s < nn; s++)
		blk[s] = r->val[s] ? 0 : UINT32_MAX;
	for (uint32_t s = nn; s-- > 0;) {
		if (blk[s] != UINT32_MAX)
			continue;
		if (steps_to_useful(mo, s))
			blk[s] = 0;
		else
			left[nl++] = s;
	}
	while (changed && work <= budget) {
		uint32_t k = 0;

		changed = false;
		for (uint32_t i = 0; i < nl; i++) {
			uint32_t s = left[i];

			work += mo->goff[s + 1] - mo->goff[s] + 1;
			if (steps_to_useful(mo, s)) {
				blk[s] = 0;
				changed = true;
			} else {
				left[k++] = s;
			}
		}
		nl = k;
	}
	return !changed;
}

/*
 * Useful states (reachable from the start, which every constructed state
 * is, and reaching an accepting one) get block 1 + value in mo->blk, the
 * others UINT32_MAX; returns the number of distinct blocks.
 */
static uint32_t moore_useful(struct moore *mo)
{
	const struct dfa_raw *r = mo->r;
	uint32_t *seen, nb = 0, *blk = mo->blk;

	if (!useful_passes(mo))
		useful_reverse(mo);
	seen = xcalloc((size_t)r->nvals + 1, sizeof(uint32_t));
	for (uint32_t s = 0; s < r->nstates; s++) {
		if (blk[s] == UINT32_MAX)
			continue;
		if (!seen[r->val[s]])
			seen[r->val[s]] = ++nb;
		blk[s] = seen[r->val[s]] - 1;
	}
	free(seen);
	return nb;
}

static uint32_t minimize_valmari(const struct dfa_raw *r, uint32_t *blockof);

uint32_t dfa_minimize_blocks(const struct dfa_raw *r, uint32_t *blockof)
{
	struct moore mo = { 0 };
	uint32_t nb;
	bool exact, sound;

	if (minimize_acyclic(r, blockof, &nb))
		return nb;
	mo.r = r;
	mo.blk = blockof;
	mo.nxt = xmalloc(((size_t)r->nstates + 1) * sizeof(uint32_t));
	mo.cap = 64;
	while (mo.cap < 2 * (size_t)r->nstates)
		mo.cap *= 2;
	mo.tab = xcalloc(mo.cap, sizeof(*mo.tab));
	mo.goff = xmalloc(((size_t)r->nstates + 1) * sizeof(uint32_t));
	moore_groups(&mo);
	mo.nb = moore_useful(&mo);
	moore_prepare(&mo);
	exact = moore_refine(&mo);
	nb = mo.nb;
	exact = exact && moore_check(&mo, nb, true);
	/* Valmari from the blocks when they keep values apart */
	sound = exact || moore_check(&mo, nb, false);
	moore_free(&mo);
	if (!sound)
		return minimize_valmari(r, blockof);
	if (!exact) {
		struct dfa_raw r2 = *r;
		uint32_t *val = xmalloc(((size_t)r->nstates + 1) *
					sizeof(uint32_t));

		/* blocks as values: 0 must stay "no value" for Valmari */
		for (uint32_t s = 0; s < r->nstates; s++)
			val[s] = blockof[s] == UINT32_MAX ? 0 : blockof[s] + 1;
		r2.val = val;
		r2.nvals = nb + 1;
		nb = minimize_valmari(&r2, blockof);
		free(val);
	}
	return nb;
}

static uint32_t minimize_valmari(const struct dfa_raw *r, uint32_t *blockof)
{
	struct vstate v = { 0 };
	uint32_t nn = r->nstates, mm = r->toff[nn], nkeep, nblocks, nt = 0;
	uint32_t *cnt, *order;
	size_t big;

	for (uint32_t s = 0; s < nn && r->oob; s++)
		mm += r->oob[s] != 0;
	big = (size_t)(nn > mm ? nn : mm) + 1;
	v.nn = nn;
	v.mm = mm;
	v.T = xmalloc((mm + 1) * sizeof(uint32_t));
	v.Lb = xmalloc((mm + 1) * sizeof(uint32_t));
	v.H = xmalloc((mm + 1) * sizeof(uint32_t));
	v.A = xmalloc((mm + 1) * sizeof(uint32_t));
	v.adjF = xmalloc(((size_t)nn + 1) * sizeof(uint32_t));
	v.M = xcalloc(big, sizeof(uint32_t));
	v.W = xmalloc(big * sizeof(uint32_t));
	for (uint32_t s = 0; s < nn; s++) {
		for (uint32_t t = r->toff[s]; t <= r->toff[s + 1]; t++) {
			uint32_t d = raw_target(r, s, t);

			if (!d)
				continue;
			v.T[nt] = s;
			v.Lb[nt] = t < r->toff[s + 1] ? r->tcls[t] :
							DFA_SYM_OOB;
			v.H[nt++] = d;
		}
	}
	vpart_init(&v.B, nn);
	reach(&v, DFA_START);
	rem_unreachable(&v, v.T, v.H);
	nkeep = v.B.P[0];
	for (uint32_t s = 0; s < nn; s++)
		if (r->val[s] && v.B.L[s] < nkeep)
			reach(&v, s);
	rem_unreachable(&v, v.H, v.T);
	nkeep = v.B.P[0];

	/* initial partition: one block per accept value (counting sort) */
	cnt = xcalloc((size_t)r->nvals + 1, sizeof(uint32_t));
	order = xmalloc(((size_t)nn + 1) * sizeof(uint32_t));
	for (uint32_t s = 0; s < nn; s++)
		if (v.B.L[s] < nkeep)
			cnt[r->val[s] + 1]++;
	for (uint32_t k = 0; k < r->nvals; k++)
		cnt[k + 1] += cnt[k];
	for (uint32_t s = 0; s < nn; s++)
		if (v.B.L[s] < nkeep)
			order[cnt[r->val[s]]++] = s;
	{
		uint32_t i = 0;

		while (i < nkeep) {
			uint32_t val = r->val[order[i]];

			while (i < nkeep && r->val[order[i]] == val)
				vmark(&v, &v.B, order[i++]);
			vsplit(&v, &v.B);
		}
	}
	free(cnt);
	free(order);

	/* transitions partitioned by label */
	vpart_init(&v.C, v.mm);
	if (v.mm) {
		uint32_t lc[258] = { 0 }, a;

		for (uint32_t t = 0; t < v.mm; t++)
			lc[v.Lb[t] + 1]++;
		for (int k = 0; k < 257; k++)
			lc[k + 1] += lc[k];
		for (uint32_t t = 0; t < v.mm; t++)
			v.C.E[lc[v.Lb[t]]++] = t;
		v.C.z = 0;
		v.M[0] = 0;
		a = v.Lb[v.C.E[0]];
		for (uint32_t i = 0; i < v.mm; i++) {
			uint32_t t = v.C.E[i];

			if (v.Lb[t] != a) {
				a = v.Lb[t];
				v.C.P[v.C.z++] = i;
				v.C.F[v.C.z] = i;
				v.M[v.C.z] = 0;
			}
			v.C.S[t] = v.C.z;
			v.C.L[t] = i;
		}
		v.C.P[v.C.z++] = v.mm;
	}

	make_adjacent(&v, v.H);
	{
		uint32_t b = 1, c = 0;

		while (c < v.C.z) {
			for (uint32_t i = v.C.F[c]; i < v.C.P[c]; i++)
				vmark(&v, &v.B, v.T[v.C.E[i]]);
			vsplit(&v, &v.B);
			c++;
			while (b < v.B.z) {
				for (uint32_t i = v.B.F[b]; i < v.B.P[b]; i++) {
					uint32_t q = v.B.E[i];

					for (uint32_t j = v.adjF[q];
					     j < v.adjF[q + 1]; j++)
						vmark(&v, &v.C, v.A[j]);
				}
				vsplit(&v, &v.C);
				b++;
			}
		}
	}

	nblocks = nkeep ? v.B.z : 0;
	for (uint32_t s = 0; s < nn; s++)
		blockof[s] = v.B.L[s] < nkeep ? v.B.S[s] : UINT32_MAX;
	vpart_free(&v.B);
	vpart_free(&v.C);
	free(v.T);
	free(v.Lb);
	free(v.H);
	free(v.A);
	free(v.adjF);
	free(v.M);
	free(v.W);
	return nblocks;
}
