/* Whether two globs match a common string, with a witness: the exec-mode
 * conflict check between rules of different path text (language.md 6.4)
 * needs it before any automaton exists. Globs become small Thompson NFAs
 * over bytes (4.1-4.3 matching rules) and a product search finds a string
 * both accept.
 */
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "check_int.h"

/* One NFA state: an optional byte-set edge and up to two epsilon edges. */
struct nstate {
	uint8_t set[32]; /* bytes of the edge (empty: no edge) */
	int next;	 /* target of the byte edge, -1 none */
	int eps[2];	 /* epsilon targets, -1 none */
};

struct nfa {
	struct nstate *s;
	int n, cap;
	int start, accept;
	bool overflow;
};

static int ns_new(struct nfa *a)
{
	struct nstate *st;

	if (a->n == a->cap) {
		a->overflow = true;
		return a->n - 1;
	}
	st = &a->s[a->n];
	memset(st, 0, sizeof(*st));
	st->next = -1;
	st->eps[0] = st->eps[1] = -1;
	return a->n++;
}

static void ns_eps(struct nfa *a, int from, int to)
{
	struct nstate *st = &a->s[from];

	if (st->eps[0] < 0)
		st->eps[0] = to;
	else if (st->eps[1] < 0)
		st->eps[1] = to;
	else
		a->overflow = true;
}

static void set_add(uint8_t *set, unsigned c)
{
	set[c >> 3] |= (uint8_t)(1u << (c & 7));
}

static bool set_has(const uint8_t *set, unsigned c)
{
	return set[c >> 3] & (1u << (c & 7));
}

static void set_fill(uint8_t *set, bool slash)
{
	memset(set, 0xff, 32);
	set[0] &= (uint8_t)~1u;
	if (!slash)
		set['/' >> 3] &= (uint8_t) ~(1u << ('/' & 7));
}

/* Appends an edge on @set from @cur; returns the new current state. */
static int edge(struct nfa *a, int cur, const uint8_t *set)
{
	int nx = ns_new(a);

	memcpy(a->s[cur].set, set, 32);
	a->s[cur].next = nx;
	return nx;
}

/* A loop of @set at @cur: cur -eps-> L, L -set-> L, L -eps-> out. */
static int loop(struct nfa *a, int cur, const uint8_t *set)
{
	int l = ns_new(a);
	int out = ns_new(a);

	ns_eps(a, cur, l);
	memcpy(a->s[l].set, set, 32);
	a->s[l].next = l;
	ns_eps(a, l, out);
	return out;
}

static int parse_class(const char *g, size_t *i, uint8_t *set)
{
	bool neg = false;
	bool first = true;
	uint8_t tmp[32] = {0};

	(*i)++;
	if (g[*i] == '^') {
		neg = true;
		(*i)++;
	}
	while (g[*i] && (g[*i] != ']' || first)) {
		unsigned lo = (unsigned char)g[*i], hi;

		first = false;
		if (lo == '\\' && g[*i + 1]) {
			(*i)++;
			lo = (unsigned char)g[*i];
		}
		(*i)++;
		hi = lo;
		if (g[*i] == '-' && g[*i + 1] && g[*i + 1] != ']') {
			(*i)++;
			hi = (unsigned char)g[*i];
			if (hi == '\\' && g[*i + 1]) {
				(*i)++;
				hi = (unsigned char)g[*i];
			}
			(*i)++;
		}
		for (unsigned c = lo; c <= hi && c < 256; c++)
			set_add(tmp, c);
	}
	if (g[*i] != ']')
		return -1;
	(*i)++;
	if (neg)
		for (int k = 0; k < 32; k++)
			tmp[k] = (uint8_t)~tmp[k];
	memcpy(set, tmp, 32);
	return 0;
}

/* Parses a sequence up to ',' '}' or the end; returns its end state. */
static int parse_seq(struct nfa *a, const char *g, size_t *i, int cur,
		     int depth)
{
	uint8_t set[32];

	while (g[*i] && !a->overflow) {
		char ch = g[*i];

		if (depth > 0 && (ch == ',' || ch == '}'))
			return cur;
		if (ch == '{') {
			int join = ns_new(a);

			if (depth > 50)
				return -1;
			(*i)++;
			for (;;) {
				int b = ns_new(a);
				int e;

				ns_eps(a, cur, b);
				cur = b;
				e = parse_seq(a, g, i, b, depth + 1);
				if (e < 0)
					return -1;
				ns_eps(a, e, join);
				if (g[*i] == ',') {
					int fork = ns_new(a);

					ns_eps(a, b, fork);
					(*i)++;
					cur = fork;
					continue;
				}
				if (g[*i] != '}')
					return -1;
				(*i)++;
				break;
			}
			cur = join;
			continue;
		}
		if (ch == '*') {
			size_t b = *i, n;
			bool whole;

			while (g[*i] == '*')
				(*i)++;
			n = *i - b;
			whole = (b == 0 || g[b - 1] == '/') &&
				(g[*i] == '/' || !g[*i]);
			if (whole) {
				set_fill(set, false);
				cur = edge(a, cur, set);
			}
			set_fill(set, n >= 2);
			cur = loop(a, cur, set);
			continue;
		}
		memset(set, 0, sizeof(set));
		if (ch == '?') {
			set_fill(set, false);
			(*i)++;
		} else if (ch == '[') {
			if (parse_class(g, i, set))
				return -1;
		} else {
			if (ch == '\\' && g[*i + 1])
				(*i)++;
			set_add(set, (unsigned char)g[*i]);
			(*i)++;
		}
		cur = edge(a, cur, set);
	}
	return a->overflow ? -1 : cur;
}

/* Note [alt-fork]: each alternative hangs off its own fork state so that
 * no state needs more than two epsilon edges.
 */
static bool build(struct arena *ar, const char *g, struct nfa *a)
{
	size_t i = 0;
	int end;

	a->cap = (int)(strlen(g) * 4 + 16);
	a->s = arena_alloc_array(ar, (size_t)a->cap, sizeof(*a->s));
	a->n = 0;
	a->overflow = false;
	a->start = ns_new(a);
	end = parse_seq(a, g, &i, a->start, 0);
	if (end < 0 || g[i])
		return false;
	a->accept = end;
	return true;
}

/* Finds a common string; writes it (NUL-free, printable) to @wit. */
static bool product(struct arena *ar, const struct nfa *x, const struct nfa *y,
		    char *wit, size_t witlen)
{
	size_t n = (size_t)x->n * (size_t)y->n;
	int32_t *from;
	uint8_t *via;
	int32_t *queue;
	size_t head = 0, tail = 0;

	if (n > (1u << 20))
		return false;
	from = arena_alloc_array(ar, n, sizeof(*from));
	via = arena_alloc_array(ar, n, 1);
	queue = arena_alloc_array(ar, n, sizeof(*queue));
	for (size_t k = 0; k < n; k++)
		from[k] = -2;
	from[(size_t)x->start * (size_t)y->n + (size_t)y->start] = -1;
	queue[tail++] = x->start * y->n + y->start;
	while (head < tail) {
		int32_t p = queue[head++];
		int i = p / y->n, j = p % y->n;
		const struct nstate *si = &x->s[i], *sj = &y->s[j];
		int32_t nxt[5];
		uint8_t ch[5];
		int m = 0;

		if (i == x->accept && j == y->accept) {
			char rev[4096];
			size_t len = 0;

			while (from[p] >= 0 && len < sizeof(rev)) {
				if (via[p])
					rev[len++] = (char)via[p];
				p = from[p];
			}
			for (size_t k = 0; k < len && k + 1 < witlen; k++)
				wit[k] = rev[len - 1 - k];
			wit[len < witlen ? len : witlen - 1] = '\0';
			return true;
		}
		for (int e = 0; e < 2; e++) {
			if (si->eps[e] >= 0) {
				nxt[m] = si->eps[e] * y->n + j;
				ch[m++] = 0;
			}
			if (sj->eps[e] >= 0) {
				nxt[m] = i * y->n + sj->eps[e];
				ch[m++] = 0;
			}
		}
		if (si->next >= 0 && sj->next >= 0) {
			int pick = -1;

			for (unsigned c = 1; c < 256 && pick < 0; c++)
				if (set_has(si->set, c) && set_has(sj->set, c))
					pick = (int)c;
			for (unsigned c = 'a'; c <= 'z'; c++)
				if (set_has(si->set, c) &&
				    set_has(sj->set, c)) {
					pick = (int)c;
					break;
				}
			if (pick >= 0) {
				nxt[m] = si->next * y->n + sj->next;
				ch[m++] = (uint8_t)pick;
			}
		}
		for (int k = 0; k < m; k++) {
			if (from[nxt[k]] != -2)
				continue;
			from[nxt[k]] = p;
			via[nxt[k]] = ch[k];
			queue[tail++] = nxt[k];
		}
	}
	return false;
}

/**
 * chk_glob_overlap - whether two globs match a common string
 * @c: borrowed check state (its arena holds scratch, released here)
 * @a: first glob (expanded)
 * @b: second glob (expanded)
 * @wit: OUT: a common string, when found
 * @witlen: size of @wit
 *
 * Return: true if some string matches both (false when unsure).
 */
bool chk_glob_overlap(struct chk *c, const char *a, const char *b, char *wit,
		      size_t witlen)
{
	struct arena_mark m = arena_mark(c->a);
	struct nfa x, y;
	bool r = false;

	if (build(c->a, a, &x) && build(c->a, b, &y))
		r = product(c->a, &x, &y, wit, witlen);
	arena_release(c->a, m);
	return r;
}
