/* The DFA engine's public API: byte patterns (AppArmor globs, raw bytes,
 * classes, concatenation, union, intersection, difference, complement,
 * repetition) tagged with opaque rule ids, built into a minimal DFA whose
 * accepting states carry caller-folded values, then compressed into
 * base/next/check/default tables. Knows nothing of profiles or permissions.
 */
#ifndef INCLUDE_DFA_H
#define INCLUDE_DFA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;

/* A pattern: an id of a hash-consed term inside one struct dfa_ctx. Equal
 * ids mean structurally equal (normalized) patterns.
 */
typedef uint32_t dfa_pat_t;

/* A state number in a struct dfa or struct dfa_tables. */
typedef uint32_t dfa_state_t;

/* The pattern universe: terms, byte sets and derivative caches. */
struct dfa_ctx;

/* Collects (pattern, rule id) pairs for one automaton. */
struct dfa_builder;

/* A built, minimized, renumbered automaton (uncompressed). */
struct dfa;

/* A set of bytes, bit b of w[b / 64] set when byte b is in the set. */
struct dfa_byteset {
	uint64_t w[4]; /* 256 bits */
};

#define DFA_ACCEPT_WORDS 4

/* What an accepting state carries; the caller decides the meaning. */
struct dfa_accept {
	uint32_t v[DFA_ACCEPT_WORDS]; /* all zero: not accepting */
};

/* Glob dialects (language.md 4.2 and 4.4). */
enum dfa_glob_mode {
	DFA_GLOB_DEFAULT, /* paths: wildcards never match '/' or NUL (4.2) */
	DFA_GLOB_XATTR, /* "null" mode: wildcards may match NUL (4.4) */
};

/* Dead state and start state of every struct dfa and struct dfa_tables. */
#define DFA_DEAD 0u
#define DFA_START 1u

/* Limits on one build; zero fields take the defaults. */
struct dfa_limits {
	uint32_t max_states; /* cap on states, constructed or final */
	size_t max_bytes; /* cap on working memory of the build */
	bool no_minimize; /* keep the constructed automaton (tests, dumps) */
};

#define DFA_DEFAULT_MAX_STATES 4000000u
#define DFA_DEFAULT_MAX_BYTES ((size_t)2 << 30)

/* Figures about one build, for --stats and dumps. */
struct dfa_stats {
	uint32_t states_before; /* constructed states, dead state included */
	uint32_t states; /* final states, dead state included */
	uint32_t classes; /* byte equivalence classes of the final DFA */
	uint32_t accept_sets; /* distinct rule-id sets passed to fold */
	uint32_t terms; /* hash-consed terms in the context */
	size_t work_bytes; /* peak working memory of the build */
};

/**
 * typedef dfa_fold_fn - fold a set of matching rule ids into accept words
 * @ctx: the caller's context given to dfa_build()
 * @ids: borrowed, sorted, duplicate-free, non-empty id array
 * @n: number of ids
 * @out: zeroed on entry; set the accept words here
 *
 * Called once per distinct id set, in a deterministic order.
 *
 * Return: 0 to continue; any other value aborts dfa_build(), which
 * returns it unchanged.
 */
typedef int (*dfa_fold_fn)(void *ctx, const uint32_t *ids, size_t n,
			   struct dfa_accept *out);

/* Compressed tables (policy-blob.md 6.3-6.7), entries widened to 32 bits:
 * the backend narrows them to the kernel ABI's widths when serializing.
 */
struct dfa_tables {
	uint32_t nstates; /* entries of base, def, accept */
	bool has_oob; /* some base has DFA_BASE_OOB: set th_flags bit 1 */
	uint32_t nnext; /* entries of next and check */
	bool has_ec; /* ec[] is used: windows are indexed by class */
	uint32_t nclasses; /* classes when has_ec, else 256 */
	uint8_t ec[256]; /* byte -> class (identity without EC) */
	uint32_t *base; /* window start per state, | DFA_BASE_OOB (arena) */
	uint32_t *def; /* default target per state (arena) */
	uint32_t *next; /* target per slot (arena) */
	uint32_t *check; /* owner state per slot, 0 when unused (arena) */
	struct dfa_accept *accept; /* per state (arena) */
};

/* BASE flag of a state with an out-of-band transition (policy-blob.md
 * 6.3): its target is at slot (base & DFA_BASE_INDEX) - 1.
 */
#define DFA_BASE_OOB 0x20000000u
#define DFA_BASE_INDEX 0x00ffffffu

/* Options for dfa_compress(). */
struct dfa_compress_opts {
	bool use_ec; /* may index windows by equivalence class: done when
		      * the tables, EC table included, come out smaller */
	bool ec_always; /* with use_ec: even when they do not */
	bool by_bytes; /* with use_ec: then drop the classes after all when
			* the best layout without them is smaller in
			* dfa_tables_bytes() (the size estimate that picks
			* the layout counts no padding) */
	uint32_t max_states; /* 0: no limit; 65535 for 16-bit tables */
};

/**
 * dfa_byteset_add - add byte @c to @s
 * @s: borrowed set
 * @c: byte
 */
static inline void dfa_byteset_add(struct dfa_byteset *s, uint8_t c)
{
	s->w[c >> 6] |= (uint64_t)1 << (c & 63);
}

/**
 * dfa_byteset_has - test byte @c in @s
 * @s: borrowed set
 * @c: byte
 *
 * Return: true when @c is in @s.
 */
static inline bool dfa_byteset_has(const struct dfa_byteset *s, uint8_t c)
{
	return (s->w[c >> 6] >> (c & 63)) & 1;
}

/**
 * dfa_byteset_add_range - add bytes @lo..@hi (inclusive) to @s
 * @s: borrowed set
 * @lo: first byte
 * @hi: last byte; nothing is added when @hi < @lo
 */
void dfa_byteset_add_range(struct dfa_byteset *s, unsigned lo, unsigned hi);

/* --- pattern context ----------------------------------------------------- */

/**
 * dfa_ctx_create - make a pattern context whose memory lives in @a
 * @a: borrowed arena; the context and its tables die with it (or with
 *     arena_release() past this call)
 *
 * Return: arena-owned context.
 */
struct dfa_ctx *dfa_ctx_create(struct arena *a);

/**
 * dfa_pat_empty - the pattern matching nothing
 * @c: borrowed context
 *
 * Return: pattern id.
 */
dfa_pat_t dfa_pat_empty(struct dfa_ctx *c);

/**
 * dfa_pat_epsilon - the pattern matching only the empty string
 * @c: borrowed context
 *
 * Return: pattern id.
 */
dfa_pat_t dfa_pat_epsilon(struct dfa_ctx *c);

/**
 * dfa_pat_any - the pattern matching every byte string (all 256 bytes,
 * any length, never the out-of-band symbol); dfa_pat_not() is taken
 * relative to it
 * @c: borrowed context
 *
 * Return: pattern id.
 */
dfa_pat_t dfa_pat_any(struct dfa_ctx *c);

/**
 * dfa_pat_oob - the pattern matching the one-symbol string of the
 * out-of-band symbol, a 257th symbol distinct from every byte
 * (policy-blob.md 6.6: the kernel's out-of-band transition, which
 * separates an attachment path from its xattr values, 7.4)
 * @c: borrowed context
 *
 * Combines with cat, union, intersection, difference and star like any
 * pattern. No byte class holds it and dfa_pat_any() never matches it.
 * A built automaton steps it with dfa_step_oob(), compressed tables with
 * dfa_tables_step_oob().
 *
 * Return: pattern id.
 */
dfa_pat_t dfa_pat_oob(struct dfa_ctx *c);

/**
 * dfa_pat_byte - the pattern matching the one-byte string @b
 * @c: borrowed context
 * @b: byte, NUL allowed
 *
 * Return: pattern id.
 */
dfa_pat_t dfa_pat_byte(struct dfa_ctx *c, uint8_t b);

/**
 * dfa_pat_bytes - the pattern matching exactly the byte string @s
 * @c: borrowed context
 * @s: borrowed bytes, NUL allowed
 * @n: length; 0 gives the empty-string pattern
 *
 * Return: pattern id.
 */
dfa_pat_t dfa_pat_bytes(struct dfa_ctx *c, const void *s, size_t n);

/**
 * dfa_pat_class - the pattern matching one byte of @set
 * @c: borrowed context
 * @set: borrowed set; an empty set gives dfa_pat_empty()
 *
 * Return: pattern id.
 */
dfa_pat_t dfa_pat_class(struct dfa_ctx *c, const struct dfa_byteset *set);

/**
 * dfa_pat_cat - concatenation @x then @y
 * @c: borrowed context
 * @x: pattern
 * @y: pattern
 *
 * Return: pattern id.
 */
dfa_pat_t dfa_pat_cat(struct dfa_ctx *c, dfa_pat_t x, dfa_pat_t y);

/**
 * dfa_pat_union - strings of @x or of @y
 * @c: borrowed context
 * @x: pattern
 * @y: pattern
 *
 * Return: pattern id.
 */
dfa_pat_t dfa_pat_union(struct dfa_ctx *c, dfa_pat_t x, dfa_pat_t y);

/**
 * dfa_pat_union_n - union of @n patterns (empty pattern when @n is 0)
 * @c: borrowed context
 * @v: borrowed array of patterns
 * @n: count
 *
 * Return: pattern id.
 */
dfa_pat_t dfa_pat_union_n(struct dfa_ctx *c, const dfa_pat_t *v, size_t n);

/**
 * dfa_pat_inter - strings of both @x and @y
 * @c: borrowed context
 * @x: pattern
 * @y: pattern
 *
 * Return: pattern id.
 */
dfa_pat_t dfa_pat_inter(struct dfa_ctx *c, dfa_pat_t x, dfa_pat_t y);

/**
 * dfa_pat_diff - strings of @x that are not strings of @y
 * @c: borrowed context
 * @x: pattern (minuend)
 * @y: pattern (subtrahend)
 *
 * Usable anywhere a pattern is, e.g. inside a concatenation. Strings of
 * @x holding the out-of-band symbol stay unless @y has them too.
 *
 * Return: pattern id.
 */
dfa_pat_t dfa_pat_diff(struct dfa_ctx *c, dfa_pat_t x, dfa_pat_t y);

/**
 * dfa_pat_not - complement of @x relative to dfa_pat_any() (byte strings
 * only: the result never matches the out-of-band symbol)
 * @c: borrowed context
 * @x: pattern
 *
 * Return: pattern id.
 */
dfa_pat_t dfa_pat_not(struct dfa_ctx *c, dfa_pat_t x);

/**
 * dfa_pat_complement - complement of @x relative to @universe, i.e.
 * dfa_pat_diff(@universe, @x)
 * @c: borrowed context
 * @x: pattern
 * @universe: pattern
 *
 * Return: pattern id.
 */
dfa_pat_t dfa_pat_complement(struct dfa_ctx *c, dfa_pat_t x,
			     dfa_pat_t universe);

/**
 * dfa_pat_star - zero or more repetitions of @x
 * @c: borrowed context
 * @x: pattern
 *
 * Return: pattern id.
 */
dfa_pat_t dfa_pat_star(struct dfa_ctx *c, dfa_pat_t x);

/**
 * dfa_pat_plus - one or more repetitions of @x
 * @c: borrowed context
 * @x: pattern
 *
 * Return: pattern id.
 */
dfa_pat_t dfa_pat_plus(struct dfa_ctx *c, dfa_pat_t x);

/**
 * dfa_pat_opt - @x or the empty string
 * @c: borrowed context
 * @x: pattern
 *
 * Return: pattern id.
 */
dfa_pat_t dfa_pat_opt(struct dfa_ctx *c, dfa_pat_t x);

/**
 * dfa_pat_nullable - whether @x matches the empty string
 * @c: borrowed context
 * @x: pattern
 *
 * Return: true when the empty string matches.
 */
bool dfa_pat_nullable(const struct dfa_ctx *c, dfa_pat_t x);

/**
 * dfa_pat_is_empty - decide whether @x matches no string at all, by
 * exploring its derivatives (used for "rule matches nothing after
 * subtraction")
 * @c: borrowed context
 * @x: pattern
 * @max_states: exploration cap; 0 means DFA_DEFAULT_MAX_STATES
 * @empty: OUT: the answer
 *
 * Return: 0, or -E2BIG when the cap was reached (then *@empty is unset).
 */
int dfa_pat_is_empty(struct dfa_ctx *c, dfa_pat_t x, uint32_t max_states,
		     bool *empty);

/**
 * dfa_pat_match - whether @x matches the whole byte string @s (slow
 * reference walk by derivatives, for tests and tools)
 * @c: borrowed context
 * @x: pattern
 * @s: borrowed bytes
 * @n: length
 *
 * Return: true on a match.
 */
bool dfa_pat_match(struct dfa_ctx *c, dfa_pat_t x, const void *s, size_t n);

/* --- globs --------------------------------------------------------------- */

/**
 * dfa_glob - translate an AppArmor glob (language.md 4.1-4.4) to a pattern
 * @c: borrowed context
 * @glob: borrowed glob text (variables already expanded); NUL bytes inside
 *        the first @len bytes are literal
 * @len: length of @glob
 * @mode: dialect
 * @out: OUT: the pattern on success
 * @err: OUT: on failure, upstream's message (static string), e.g.
 *       "Regex grouping error: Invalid number of items between {}"
 *
 * Return: 0, or -EINVAL with *@err set.
 */
int dfa_glob(struct dfa_ctx *c, const char *glob, size_t len,
	     enum dfa_glob_mode mode, dfa_pat_t *out, const char **err);

/**
 * dfa_glob_sub - translate "A - B - C" (language.md 7.1: a hyphen with
 * blanks on both sides separates operands) to A minus (B union C); a text
 * without the operator is one glob
 * @c: borrowed context
 * @text: borrowed text
 * @len: length of @text
 * @mode: dialect for every operand
 * @out: OUT: the pattern on success
 * @err: OUT: on failure, the message (static string)
 *
 * Return: 0, or -EINVAL with *@err set.
 */
int dfa_glob_sub(struct dfa_ctx *c, const char *text, size_t len,
		 enum dfa_glob_mode mode, dfa_pat_t *out, const char **err);

/**
 * dfa_glob_is_exact - whether a glob is exact (language.md 4.6): it has no
 * unescaped '*', '?' or '[' (alternations keep it exact)
 * @glob: borrowed glob text
 * @len: its length
 *
 * Return: true when exact.
 */
bool dfa_glob_is_exact(const char *glob, size_t len);

/* --- building ------------------------------------------------------------ */

/**
 * dfa_builder_create - make an empty builder over context @c
 * @c: borrowed context; must outlive the builder
 *
 * Return: arena-owned builder (in @c's arena).
 */
struct dfa_builder *dfa_builder_create(struct dfa_ctx *c);

/**
 * dfa_add - add pattern @p tagged with rule id @id; patterns with the same
 * id are unioned
 * @b: borrowed builder
 * @p: pattern of @b's context
 * @id: opaque rule id
 *
 * The constructed automaton is the product of one automaton per distinct
 * id, so ids decide construction cost: give rules with equal payloads the
 * same id, and when the fold is a join of independent parts (permission
 * bits, deny bits, audit bits, one exec target each) use one id per part.
 * Per-rule ids on dozens of overlapping '**' rules build hundreds of
 * thousands of states where per-part ids build about the minimal number.
 */
void dfa_add(struct dfa_builder *b, dfa_pat_t p, uint32_t id);

/**
 * dfa_build - construct, fold, prune, minimize and number the automaton
 * @b: borrowed builder
 * @fold: called once per distinct set of matching ids
 * @fold_ctx: passed to @fold
 * @lim: borrowed limits, or NULL for the defaults
 * @out: OUT: arena-owned automaton on success
 *
 * State 0 is dead, state 1 the start; the others are numbered in
 * breadth-first order over classes in byte order, so equal inputs give
 * equal numbering. Two states merge only when all accept words are equal.
 *
 * Return: 0; a non-zero value returned by @fold; -E2BIG when a limit was
 * exceeded (message in dfa_builder_error()).
 */
int dfa_build(struct dfa_builder *b, dfa_fold_fn fold, void *fold_ctx,
	      const struct dfa_limits *lim, struct dfa **out);

/**
 * dfa_builder_error - message of the last failing dfa_build(), e.g.
 * "automaton exceeds 65535 states"
 * @b: borrowed builder
 *
 * Return: builder-owned string, "" when there was no error.
 */
const char *dfa_builder_error(const struct dfa_builder *b);

/**
 * dfa_get_stats - figures about the build that produced @d
 * @d: borrowed automaton
 * @st: OUT: the figures
 */
void dfa_get_stats(const struct dfa *d, struct dfa_stats *st);

/* --- the uncompressed automaton ------------------------------------------ */

/**
 * dfa_nstates - number of states, dead state included
 * @d: borrowed automaton
 *
 * Return: count.
 */
uint32_t dfa_nstates(const struct dfa *d);

/**
 * dfa_nclasses - number of byte equivalence classes
 * @d: borrowed automaton
 *
 * Return: count (1..256).
 */
uint32_t dfa_nclasses(const struct dfa *d);

/**
 * dfa_byte_class - equivalence class of byte @byte; classes are numbered
 * in order of their smallest byte
 * @d: borrowed automaton
 * @byte: byte
 *
 * Return: class.
 */
uint32_t dfa_byte_class(const struct dfa *d, uint8_t byte);

/**
 * dfa_step - the transition of state @s on byte @byte
 * @d: borrowed automaton
 * @s: state
 * @byte: byte
 *
 * Return: target state (0 when dead).
 */
dfa_state_t dfa_step(const struct dfa *d, dfa_state_t s, uint8_t byte);

/**
 * dfa_step_oob - the out-of-band transition of state @s (see
 * dfa_pat_oob())
 * @d: borrowed automaton
 * @s: state
 *
 * Return: target state (0 when @s has no out-of-band transition).
 */
dfa_state_t dfa_step_oob(const struct dfa *d, dfa_state_t s);

/**
 * dfa_has_oob - whether any state of @d has an out-of-band transition
 * @d: borrowed automaton
 *
 * Return: true when some dfa_step_oob() is non-zero.
 */
bool dfa_has_oob(const struct dfa *d);

/**
 * dfa_match - run @d from state @s over @n bytes
 * @d: borrowed automaton
 * @s: start state (DFA_START for a whole match)
 * @buf: borrowed bytes, NUL allowed
 * @n: length
 *
 * Return: the state reached.
 */
dfa_state_t dfa_match(const struct dfa *d, dfa_state_t s, const void *buf,
		      size_t n);

/**
 * dfa_state_accept - accept words of state @s
 * @d: borrowed automaton
 * @s: state
 *
 * Return: borrowed accept words (all zero when not accepting).
 */
const struct dfa_accept *dfa_state_accept(const struct dfa *d, dfa_state_t s);

/**
 * dfa_state_ntrans - number of non-dead transitions of state @s, each on
 * one equivalence class
 * @d: borrowed automaton
 * @s: state
 *
 * Return: count.
 */
uint32_t dfa_state_ntrans(const struct dfa *d, dfa_state_t s);

/**
 * dfa_state_trans - the @i-th non-dead transition of @s, in class order
 * @d: borrowed automaton
 * @s: state
 * @i: index below dfa_state_ntrans()
 * @cls: OUT: the class
 *
 * Return: the target state.
 */
dfa_state_t dfa_state_trans(const struct dfa *d, dfa_state_t s, uint32_t i,
			    uint32_t *cls);

/**
 * dfa_to_dot - render @d as a Graphviz digraph
 * @d: borrowed automaton
 * @a: borrowed arena for the text
 *
 * Return: arena string.
 */
char *dfa_to_dot(const struct dfa *d, struct arena *a);

/* --- compressed tables --------------------------------------------------- */

/**
 * dfa_compress - pack @d into base/next/check/default tables (comb
 * compression, the most frequent target of each state as its default)
 * @d: borrowed automaton
 * @a: borrowed arena for the tables
 * @opts: borrowed options, or NULL (EC allowed, no state limit)
 * @out: OUT: arena-owned tables
 * @err: OUT: on failure, the message (arena string)
 *
 * The tables satisfy the kernel verifier (policy-blob.md 6.4): state 0 is
 * dead with DEFAULT[0] = 0, every base + 255 < nnext, unused slots 0/0.
 * A state with an out-of-band transition gets DFA_BASE_OOB in its base,
 * a base index of at least 1, and its target in slot base index - 1 (or
 * as its DEFAULT when equal); @out->has_oob then tells the blob writer to
 * set th_flags bit 1 (policy-blob.md 6.2). States without one never have
 * DFA_BASE_OOB.
 *
 * Return: 0, or -E2BIG when @d has more than @opts->max_states states.
 */
int dfa_compress(const struct dfa *d, struct arena *a,
		 const struct dfa_compress_opts *opts, struct dfa_tables **out,
		 const char **err);

/**
 * dfa_tables_step - one kernel-style step (policy-blob.md 6.6, no diff
 * encoding)
 * @t: borrowed tables
 * @s: state
 * @byte: byte (mapped through ec[] when @t->has_ec)
 *
 * Return: target state.
 */
dfa_state_t dfa_tables_step(const struct dfa_tables *t, dfa_state_t s,
			    uint8_t byte);

/**
 * dfa_tables_step_oob - the kernel's out-of-band step (policy-blob.md
 * 6.6): 0 unless BASE[@s] has DFA_BASE_OOB, else the class -1 step
 * @t: borrowed tables
 * @s: state
 *
 * Return: target state.
 */
dfa_state_t dfa_tables_step_oob(const struct dfa_tables *t, dfa_state_t s);

/**
 * dfa_tables_match - run the tables from @s over @n bytes
 * @t: borrowed tables
 * @s: start state
 * @buf: borrowed bytes
 * @n: length
 *
 * Return: the state reached.
 */
dfa_state_t dfa_tables_match(const struct dfa_tables *t, dfa_state_t s,
			     const void *buf, size_t n);

/**
 * dfa_tables_bytes - size of the tables as the 6.1 ABI serializes them
 * (12-byte headers, 8-byte padding; ACCEPT, ACCEPT2 and BASE 32-bit,
 * DEFAULT, NEXT and CHECK 16-bit, EC 8-bit when present)
 * @t: borrowed tables
 *
 * Return: bytes.
 */
size_t dfa_tables_bytes(const struct dfa_tables *t);

#endif
