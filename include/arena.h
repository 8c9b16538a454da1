/* Arena allocation: one arena per compilation unit, bump allocation in
 * 64 KiB chunks, freed all at once. Allocation never returns NULL; on
 * out-of-memory the arena's fatal handler runs (default: message, exit 1).
 */
#ifndef INCLUDE_ARENA_H
#define INCLUDE_ARENA_H

#include <stddef.h>
#include <stdint.h>

struct arena;

/* A position in an arena, for releasing scratch allocations. */
struct arena_mark {
	void *chunk; /* chunk current at the mark */
	size_t used; /* bytes used in that chunk */
	size_t owned; /* number of owned pointers at the mark */
	size_t interned; /* number of interned strings at the mark */
};

/**
 * arena_create - make an empty arena
 *
 * Return: owned arena, freed with arena_destroy().
 */
struct arena *arena_create(void);

/**
 * arena_destroy - free the arena, every allocation in it and every
 * pointer registered with arena_own()
 * @a: owned arena, may be NULL
 */
void arena_destroy(struct arena *a);

/**
 * arena_alloc - allocate zeroed memory aligned for any type
 * @a: borrowed arena
 * @size: bytes
 *
 * Return: arena memory, never NULL.
 */
void *arena_alloc(struct arena *a, size_t size);

/**
 * arena_alloc_array - allocate @n zeroed elements of @size bytes, checking
 * the multiplication for overflow
 * @a: borrowed arena
 * @n: element count
 * @size: element size
 *
 * Return: arena memory, never NULL.
 */
void *arena_alloc_array(struct arena *a, size_t n, size_t size);

/**
 * arena_strdup - copy a NUL-terminated string into the arena
 * @a: borrowed arena
 * @s: borrowed string
 *
 * Return: arena string.
 */
char *arena_strdup(struct arena *a, const char *s);

/**
 * arena_strndup - copy @n bytes and a terminating NUL into the arena
 * @a: borrowed arena
 * @s: borrowed bytes
 * @n: byte count
 *
 * Return: arena string.
 */
char *arena_strndup(struct arena *a, const char *s, size_t n);

/**
 * arena_sprintf - format into a new arena string
 * @a: borrowed arena
 * @fmt: printf format
 *
 * Return: arena string.
 */
char *arena_sprintf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * arena_intern - return the unique arena copy of @s, so that interned
 * strings compare equal with ==
 * @a: borrowed arena
 * @s: borrowed string
 *
 * Return: arena string shared by every caller interning the same bytes.
 */
const char *arena_intern(struct arena *a, const char *s);

/**
 * arena_own - make the arena free @ptr with @free_fn when destroyed or
 * when released past the point of registration
 * @a: borrowed arena
 * @ptr: owned pointer (may be NULL, then nothing is recorded)
 * @free_fn: destructor
 *
 * Return: a slot index for arena_own_update(), for tables that realloc.
 */
size_t arena_own(struct arena *a, void *ptr, void (*free_fn)(void *));

/**
 * arena_own_update - replace the pointer in slot @slot after a realloc
 * @a: borrowed arena
 * @slot: index returned by arena_own()
 * @ptr: the new pointer
 */
void arena_own_update(struct arena *a, size_t slot, void *ptr);

/**
 * arena_mark - remember the current allocation point
 * @a: borrowed arena
 *
 * Return: a mark for arena_release().
 */
struct arena_mark arena_mark(struct arena *a);

/**
 * arena_release - free everything allocated (and owned) since @m
 * @a: borrowed arena
 * @m: a mark taken on @a, not yet released past
 */
void arena_release(struct arena *a, struct arena_mark m);

/**
 * arena_bytes - total bytes the arena holds in chunks
 * @a: borrowed arena
 *
 * Return: bytes.
 */
size_t arena_bytes(const struct arena *a);

/**
 * arena_fail_after - make the @n-th allocation from now fail as if out of
 * memory (fault injection for tests); 0 disables
 * @a: borrowed arena
 * @n: allocation count
 */
void arena_fail_after(struct arena *a, unsigned long n);

/**
 * arena_set_oom_handler - replace the out-of-memory handler; the handler
 * must not return (it may longjmp)
 * @a: borrowed arena
 * @fn: handler, called with @ctx
 * @ctx: borrowed context
 */
void arena_set_oom_handler(struct arena *a, void (*fn)(void *ctx), void *ctx);

/**
 * xmalloc - malloc that never returns NULL (exits with a message)
 * @size: bytes
 *
 * Return: owned memory.
 */
void *xmalloc(size_t size);

/**
 * xrealloc - realloc that never returns NULL (exits with a message)
 * @p: owned pointer or NULL
 * @size: bytes
 *
 * Return: owned memory.
 */
void *xrealloc(void *p, size_t size);

/**
 * xcalloc - zeroed array allocation that never returns NULL
 * @n: element count
 * @size: element size
 *
 * Return: owned memory.
 */
void *xcalloc(size_t n, size_t size);

#endif
