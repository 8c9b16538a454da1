/* AppArmor glob translation (language.md 4.1-4.4, 4.6) and the " - "
 * set-subtraction syntax (7.1), producing DFA engine patterns. Phase:
 * patterns; knows nothing of rules, variables or profiles.
 */
#include "dfa.h"
#include "dfa_int.h"

#include <errno.h>
#include <string.h>

#define GLOB_MAX_NEST 49

static const char ERR_ITEMS[] =
	"Regex grouping error: Invalid number of items between {}";
static const char ERR_UNCLOSED[] =
	"Regex grouping error: Unclosed grouping or character class, expecting close }";
static const char ERR_CLOSE_BRACE[] =
	"Regex grouping error: Invalid close }, no matching open { detected";
static const char ERR_CLOSE_BRACKET[] =
	"Regex grouping error: Invalid close ], no matching open [ detected";
static const char ERR_NEST[] =
	"Regex grouping error: Exceeded maximum nesting of {}";
static const char ERR_TRAILING[] =
	"Regex error: trailing '\\' escape character";
static const char ERR_OPERAND[] =
	"set subtraction: missing operand around ' - '";

struct glob_parser {
	struct dfa_ctx *c; /* borrowed context */
	const char *s; /* glob text */
	size_t len; /* its length */
	size_t i; /* read position */
	enum dfa_glob_mode mode; /* dialect */
	int depth; /* open braces */
	const char *err; /* first error, NULL while none */
};

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * Read the escape at s[i] == '\\' and return its byte: numeric escapes
 * (\NNN octal, \xHH hex, \dNNN decimal; language.md 1.7) give that byte,
 * anything else the character itself.
 */
static int glob_escape(struct glob_parser *p)
{
	const char *s = p->s;
	size_t i = p->i + 1;
	unsigned v = 0;
	int k = 0;

	if (i >= p->len) {
		p->err = ERR_TRAILING;
		return -1;
	}
	if (s[i] >= '0' && s[i] <= '7') {
		while (k < 3 && i < p->len && s[i] >= '0' && s[i] <= '7' &&
		       v * 8 + (unsigned)(s[i] - '0') <= 255) {
			v = v * 8 + (unsigned)(s[i] - '0');
			i++;
			k++;
		}
		p->i = i;
		return (int)v;
	}
	if (s[i] == 'x' && i + 1 < p->len && hexval(s[i + 1]) >= 0) {
		i++;
		while (k < 2 && i < p->len && hexval(s[i]) >= 0) {
			v = v * 16 + (unsigned)hexval(s[i]);
			i++;
			k++;
		}
		p->i = i;
		return (int)v;
	}
	if (s[i] == 'd' && i + 1 < p->len && s[i + 1] >= '0' &&
	    s[i + 1] <= '9') {
		i++;
		while (k < 3 && i < p->len && s[i] >= '0' && s[i] <= '9' &&
		       v * 10 + (unsigned)(s[i] - '0') <= 255) {
			v = v * 10 + (unsigned)(s[i] - '0');
			i++;
			k++;
		}
		p->i = i;
		return (int)v;
	}
	p->i = i + 1;
	return (unsigned char)s[i];
}

/* One class member at p->i: an escape or a plain byte. */
static int glob_class_byte(struct glob_parser *p)
{
	if (p->s[p->i] == '\\')
		return glob_escape(p);
	return (unsigned char)p->s[p->i++];
}

/* "[...]" or "[^...]" at p->i: the first ']' closes the class. */
static uint32_t glob_class(struct glob_parser *p)
{
	struct dfa_byteset set = { { 0 } };
	bool neg = false;

	p->i++;
	if (p->i < p->len && p->s[p->i] == '^') {
		neg = true;
		p->i++;
	}
	for (;;) {
		int lo, hi;

		if (p->i >= p->len) {
			p->err = ERR_UNCLOSED;
			return 0;
		}
		if (p->s[p->i] == ']') {
			p->i++;
			break;
		}
		lo = glob_class_byte(p);
		if (lo < 0)
			return 0;
		hi = lo;
		if (p->i + 1 < p->len && p->s[p->i] == '-' &&
		    p->s[p->i + 1] != ']') {
			p->i++;
			hi = glob_class_byte(p);
			if (hi < 0)
				return 0;
		}
		dfa_byteset_add_range(&set, (unsigned)lo, (unsigned)hi);
	}
	if (neg)
		for (int w = 0; w < 4; w++)
			set.w[w] = ~set.w[w];
	return dfa_pat_class(p->c, &set);
}

/* The class of one byte matched by '?' (and '*' repeated). */
static uint32_t glob_any_but_slash(struct glob_parser *p)
{
	struct dfa_byteset set;

	memset(&set, 0xff, sizeof(set));
	set.w['/' >> 6] &= ~((uint64_t)1 << ('/' & 63));
	if (p->mode == DFA_GLOB_DEFAULT)
		set.w[0] &= ~(uint64_t)1;
	return dfa_pat_class(p->c, &set);
}

static uint32_t glob_any_byte(struct glob_parser *p)
{
	struct dfa_byteset set;

	memset(&set, 0xff, sizeof(set));
	if (p->mode == DFA_GLOB_DEFAULT)
		set.w[0] &= ~(uint64_t)1;
	return dfa_pat_class(p->c, &set);
}

/*
 * A run of stars at p->i, read left to right in pairs ("***" is "**" then
 * "*"); a run that fills a whole path component must match at least one
 * character (language.md 4.3), so it gets a leading [^/\0].
 */
static void glob_stars(struct glob_parser *p, bool after_slash)
{
	size_t n = 0;

	while (p->i + n < p->len && p->s[p->i + n] == '*')
		n++;
	p->i += n;
	if (after_slash && (p->i == p->len || p->s[p->i] == '/'))
		dfa_stack_push(p->c, glob_any_but_slash(p));
	for (; n >= 2; n -= 2)
		dfa_stack_push(p->c, dfa_pat_star(p->c, glob_any_byte(p)));
	if (n)
		dfa_stack_push(p->c, dfa_pat_star(p->c, glob_any_but_slash(p)));
}

static uint32_t glob_seq(struct glob_parser *p, bool in_brace);

/* "{a,b,...}" at p->i. */
static uint32_t glob_alt(struct glob_parser *p)
{
	struct dfa_ctx *c = p->c;
	size_t base = c->stack.n, nalt = 0;

	if (++p->depth > GLOB_MAX_NEST) {
		p->err = ERR_NEST;
		return 0;
	}
	p->i++;
	for (;;) {
		uint32_t t = glob_seq(p, true);

		if (p->err) {
			c->stack.n = base;
			return 0;
		}
		dfa_stack_push(c, t);
		nalt++;
		if (p->i >= p->len) {
			p->err = ERR_UNCLOSED;
			c->stack.n = base;
			return 0;
		}
		if (p->s[p->i++] == '}')
			break;
	}
	p->depth--;
	if (nalt < 2) {
		p->err = ERR_ITEMS;
		c->stack.n = base;
		return 0;
	}
	return dfa_mk_or_stack(c, base);
}

/*
 * A sequence up to the end, or (inside braces) up to ',' or '}'. Elements
 * are collected on the stack and concatenated from the right, so building
 * is linear in the glob's length.
 */
static uint32_t glob_seq(struct glob_parser *p, bool in_brace)
{
	struct dfa_ctx *c = p->c;
	size_t base = c->stack.n;
	bool after_slash = false;
	uint32_t r;
	int b;

	while (p->i < p->len && !p->err) {
		char ch = p->s[p->i];
		bool slash = false;

		switch (ch) {
		case '{':
			r = glob_alt(p);
			if (!p->err)
				dfa_stack_push(c, r);
			break;
		case '}':
		case ',':
			if (in_brace)
				goto done;
			if (ch == '}') {
				p->err = ERR_CLOSE_BRACE;
				break;
			}
			dfa_stack_push(c, dfa_pat_byte(c, ','));
			p->i++;
			break;
		case '[':
			r = glob_class(p);
			if (!p->err)
				dfa_stack_push(c, r);
			break;
		case ']':
			p->err = ERR_CLOSE_BRACKET;
			break;
		case '*':
			glob_stars(p, after_slash);
			break;
		case '?':
			dfa_stack_push(c, glob_any_but_slash(p));
			p->i++;
			break;
		case '\\':
			b = glob_escape(p);
			if (b >= 0)
				dfa_stack_push(c, dfa_pat_byte(c, (uint8_t)b));
			break;
		default:
			slash = ch == '/';
			dfa_stack_push(c, dfa_pat_byte(c, (uint8_t)ch));
			p->i++;
			break;
		}
		after_slash = slash;
	}
done:
	if (p->err) {
		c->stack.n = base;
		return 0;
	}
	r = dfa_pat_epsilon(c);
	while (c->stack.n > base)
		r = dfa_pat_cat(c, *dfa_stack_at(c, --c->stack.n), r);
	return r;
}

int dfa_glob(struct dfa_ctx *c, const char *glob, size_t len,
	     enum dfa_glob_mode mode, dfa_pat_t *out, const char **err)
{
	struct glob_parser p = { 0 };
	uint32_t r;

	p.c = c;
	p.s = glob;
	p.len = len;
	p.mode = mode;
	r = glob_seq(&p, false);
	if (p.err) {
		*err = p.err;
		return -EINVAL;
	}
	*out = r;
	return 0;
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* Trim blanks from both ends of text[*lo, *hi). */
static void trim(const char *text, size_t *lo, size_t *hi)
{
	while (*lo < *hi && is_blank(text[*lo]))
		(*lo)++;
	while (*hi > *lo && is_blank(text[*hi - 1]))
		(*hi)--;
}

int dfa_glob_sub(struct dfa_ctx *c, const char *text, size_t len,
		 enum dfa_glob_mode mode, dfa_pat_t *out, const char **err)
{
	size_t start = 0, i, nops = 0;
	dfa_pat_t minuend = 0, sub = dfa_pat_empty(c), t;
	int rc;

	for (i = 0; i <= len; i++) {
		size_t lo = start, hi = i;

		if (i < len && !(text[i] == '-' && i > 0 &&
				 is_blank(text[i - 1]) && i + 1 < len &&
				 is_blank(text[i + 1])))
			continue;
		trim(text, &lo, &hi);
		if (lo == hi) {
			*err = ERR_OPERAND;
			return -EINVAL;
		}
		rc = dfa_glob(c, text + lo, hi - lo, mode, &t, err);
		if (rc)
			return rc;
		if (nops++ == 0)
			minuend = t;
		else
			sub = dfa_pat_union(c, sub, t);
		start = i + 1;
	}
	*out = dfa_pat_diff(c, minuend, sub);
	return 0;
}

bool dfa_glob_is_exact(const char *glob, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		switch (glob[i]) {
		case '\\':
			i++;
			break;
		case '*':
		case '?':
		case '[':
			return false;
		default:
			break;
		}
	}
	return true;
}
