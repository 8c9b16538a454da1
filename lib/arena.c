/* Arena allocator shared by every stage: bump allocation in chunks, owned
 * malloc'd tables freed with the arena, string interning, marks for
 * scratch memory, and fault injection for tests. Knows nothing of what it
 * stores.
 */
#include "arena.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK (64 * 1024)
#define ARENA_ALIGN 16

struct arena_chunk {
	struct arena_chunk *prev; /* older chunk */
	size_t size; /* usable bytes in data[] */
	size_t used; /* bytes handed out */
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct arena_owned {
	void *ptr; /* owned pointer */
	void (*free_fn)(void *); /* its destructor */
};

struct arena {
	struct arena_chunk *cur; /* newest chunk */
	size_t total; /* bytes in all chunks */
	struct arena_owned *owned; /* malloc'd, grown by doubling */
	size_t nowned, capowned;
	const char **ilist; /* interned strings in interning order */
	size_t nintern, capilist;
	uint32_t *itab; /* open addressing: index+1 into ilist, 0 empty */
	size_t capitab;
	unsigned long fail_after; /* fault injection countdown, 0 = off */
	void (*oom)(void *); /* out-of-memory handler */
	void *oom_ctx;
};

static void arena_default_oom(void *ctx)
{
	(void)ctx;
	fputs("apparmor_parser: out of memory\n", stderr);
	exit(1);
}

static void oom_exit(void)
{
	arena_default_oom(NULL);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		oom_exit();
	return p;
}

void *xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);

	if (!q)
		oom_exit();
	return q;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom_exit();
	return p;
}

struct arena *arena_create(void)
{
	struct arena *a = xcalloc(1, sizeof(*a));

	a->oom = arena_default_oom;
	return a;
}

static void arena_free_owned_from(struct arena *a, size_t from)
{
	while (a->nowned > from) {
		struct arena_owned *o = &a->owned[--a->nowned];

		if (o->ptr)
			o->free_fn(o->ptr);
	}
}

void arena_destroy(struct arena *a)
{
	struct arena_chunk *c;

	if (!a)
		return;
	arena_free_owned_from(a, 0);
	free(a->owned);
	free(a->ilist);
	free(a->itab);
	c = a->cur;
	while (c) {
		struct arena_chunk *prev = c->prev;

		free(c);
		c = prev;
	}
	free(a);
}

static bool arena_injected_failure(struct arena *a)
{
	if (!a->fail_after)
		return false;
	if (--a->fail_after)
		return false;
	return true;
}

static void arena_oom(struct arena *a)
{
	a->oom(a->oom_ctx);
	abort(); /* the handler must not return */
}

void *arena_alloc(struct arena *a, size_t size)
{
	struct arena_chunk *c = a->cur;
	size_t need = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);

	if (need < size)
		arena_oom(a);
	if (arena_injected_failure(a))
		arena_oom(a);
	if (!c || c->size - c->used < need) {
		size_t csize = need > ARENA_CHUNK / 4 ? need : ARENA_CHUNK;

		c = malloc(sizeof(*c) + csize);
		if (!c)
			arena_oom(a);
		c->size = csize;
		c->used = 0;
		c->prev = a->cur;
		a->cur = c;
		a->total += csize;
	}
	void *p = c->data + c->used;

	c->used += need;
	memset(p, 0, size);
	return p;
}

void *arena_alloc_array(struct arena *a, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		arena_oom(a);
	return arena_alloc(a, n * size);
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *d = arena_alloc(a, n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_sprintf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *d;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	d = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(d, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return d;
}

static uint64_t arena_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return h;
}

static void arena_intern_rehash(struct arena *a, size_t cap)
{
	free(a->itab);
	a->itab = xcalloc(cap, sizeof(*a->itab));
	a->capitab = cap;
	for (size_t i = 0; i < a->nintern; i++) {
		size_t j = arena_hash(a->ilist[i]) & (cap - 1);

		while (a->itab[j])
			j = (j + 1) & (cap - 1);
		a->itab[j] = (uint32_t)(i + 1);
	}
}

const char *arena_intern(struct arena *a, const char *s)
{
	size_t j;

	if ((a->nintern + 1) * 2 > a->capitab)
		arena_intern_rehash(a, a->capitab ? a->capitab * 2 : 256);
	j = arena_hash(s) & (a->capitab - 1);
	while (a->itab[j]) {
		const char *t = a->ilist[a->itab[j] - 1];

		if (strcmp(t, s) == 0)
			return t;
		j = (j + 1) & (a->capitab - 1);
	}
	if (a->nintern == a->capilist) {
		a->capilist = a->capilist ? a->capilist * 2 : 256;
		a->ilist = xrealloc(a->ilist, a->capilist * sizeof(*a->ilist));
	}
	a->ilist[a->nintern++] = arena_strdup(a, s);
	a->itab[j] = (uint32_t)a->nintern;
	return a->ilist[a->nintern - 1];
}

size_t arena_own(struct arena *a, void *ptr, void (*free_fn)(void *))
{
	if (a->nowned == a->capowned) {
		a->capowned = a->capowned ? a->capowned * 2 : 16;
		a->owned = xrealloc(a->owned,
				    a->capowned * sizeof(*a->owned));
	}
	a->owned[a->nowned].ptr = ptr;
	a->owned[a->nowned].free_fn = free_fn;
	return a->nowned++;
}

void arena_own_update(struct arena *a, size_t slot, void *ptr)
{
	if (slot < a->nowned)
		a->owned[slot].ptr = ptr;
}

struct arena_mark arena_mark(struct arena *a)
{
	struct arena_mark m;

	m.chunk = a->cur;
	m.used = a->cur ? a->cur->used : 0;
	m.owned = a->nowned;
	m.interned = a->nintern;
	return m;
}

void arena_release(struct arena *a, struct arena_mark m)
{
	arena_free_owned_from(a, m.owned);
	if (a->nintern > m.interned) {
		a->nintern = m.interned;
		arena_intern_rehash(a, a->capitab);
	}
	while (a->cur && a->cur != m.chunk) {
		struct arena_chunk *prev = a->cur->prev;

		a->total -= a->cur->size;
		free(a->cur);
		a->cur = prev;
	}
	if (a->cur)
		a->cur->used = m.used;
}

size_t arena_bytes(const struct arena *a)
{
	return a->total;
}

void arena_fail_after(struct arena *a, unsigned long n)
{
	a->fail_after = n;
}

void arena_set_oom_handler(struct arena *a, void (*fn)(void *ctx), void *ctx)
{
	a->oom = fn ? fn : arena_default_oom;
	a->oom_ctx = ctx;
}
