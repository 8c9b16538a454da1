/* The policy cache of apparmor_parser (spec/cli.md 6 and 7.6): one
 * directory per kernel feature set, laid out by libapparmor's
 * aa_policy_cache_* so names match upstream 3.0.8; entries checked for
 * header, version word, structure and input mtimes before use; written
 * atomically. Only cli/ uses it.
 */
#ifndef INCLUDE_CACHE_H
#define INCLUDE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct aa_features; /* libapparmor's aa_features */
struct cu;
struct cache;

/* The default cache location (-L not given). */
#define CACHE_DEFAULT_LOC "/var/cache/apparmor"

/* Largest cache entry read back, in bytes; a bigger file is rejected. */
#define CACHE_MAX_ENTRY (512u << 20)

/* Cache options of one run, filled by cli/ from its options. */
struct cache_cfg {
	const char *progname; /* argv[0]; prefixes the --debug-cache texts */
	const char *const
		*locs; /* -L locations, first read-write; 0: default */
	size_t nlocs;
	bool off;   /* no caching this run (-K, -B, -N, -p, -C, -n, -R, ...) */
	bool write; /* -W */
	bool skip_read;	     /* -T, or -S, -o, -d, -D */
	bool show;	     /* -k: report decisions on stderr */
	bool skip_bad_cache; /* --skip-bad-cache */
};

/**
 * cache_features_load - read kernel features the way libapparmor hashes
 * them for the cache directory name
 * @path: borrowed features file or directory tree (-M, --kernel-features),
 *        or NULL for the running kernel's features
 * @out: OUT: owned features, released with cache_features_free()
 *
 * The directory name is a hash of libapparmor's own flattened string, so
 * the caller passes the same path it gave -M rather than text it parsed.
 *
 * Return: 0, or -errno (no message printed).
 */
int cache_features_load(const char *path, struct aa_features **out);

/**
 * cache_features_free - release features from cache_features_load()
 * @kf: owned features, may be NULL
 */
void cache_features_free(struct aa_features *kf);

/**
 * cache_open - open the cache for one run (spec/cli.md 6.2)
 * @out: OUT: owned handle, released with cache_close(); NULL only when
 *       the return is an error
 * @cfg: borrowed options; must outlive the handle
 * @kf: borrowed kernel features (cache_features_load())
 * @cu: borrowed unit receiving the warnings of this step (normally one
 *      made with no operand, so they read "Warning from stdin (line 1)"),
 *      or NULL to drop them
 *
 * Opens the first location with aa_policy_cache_new(), allowed to create
 * it and its feature directory only with -W and no --skip-bad-cache, and
 * adds the others as read-only layers. Nothing is opened when @cfg->off,
 * or when neither reading nor writing is asked for; ENOENT, EEXIST and
 * EROFS only turn the cache off (a note under -k). The handle exists even
 * then, so cache_read() can still report misses under -k: 3.0.8 prints
 * "Cache miss: NAME" for every compiled file under -k, also with -T, -K,
 * -S or no usable location, so open a handle for every compiling run
 * when -k is given. Plain -k lines go to stderr after @cu's pending
 * diagnostics are flushed there, so the two keep upstream's order.
 *
 * Return: 0, or -errno after printing
 * "Failed setting up policy cache (LOC): <strerror>" (the run exits 1).
 */
int cache_open(struct cache **out, const struct cache_cfg *cfg,
	       struct aa_features *kf, struct cu *cu);

/**
 * cache_active - whether a cache directory is in use
 * @c: borrowed handle, may be NULL
 *
 * Return: true when entries can be read or written.
 */
bool cache_active(const struct cache *c);

/**
 * cache_dir - the read-write feature directory of this run
 * @c: borrowed handle, may be NULL
 *
 * Return: borrowed path such as "/var/cache/apparmor/6b0d76a2.0", or NULL
 * when no directory is in use.
 */
const char *cache_dir(const struct cache *c);

/**
 * cache_read - look up a valid entry for one compilation unit
 * (spec/cli.md 6.3)
 * @c: borrowed handle, may be NULL (then always a miss, silently)
 * @cu: borrowed unit for the --debug-cache warnings, or NULL
 * @entry: cache file name: the basename of the profile file
 * @inputs: paths of every file and include directory read for the unit,
 *          the profile file first (its path is the "Cache miss:" name).
 *          Directories matter: 3.0.8 counts an included directory's
 *          mtime, so a file added to it makes the entry stale
 * @ninputs: number of @inputs
 * @want_word: the 32-bit version word the backend would write now for
 *             this unit (kernel ABI, complain bit, parser ABI, policy
 *             version)
 * @buf: OUT: on a hit, malloc'd entry bytes for the caller to free
 * @len: OUT: on a hit, their length
 *
 * Call once per unit that is not served otherwise; with -T (or reading
 * off) it reads nothing and only reports the miss. An entry is used only
 * if it is non-empty, at most CACHE_MAX_ENTRY bytes, is a sequence of
 * complete units each starting with the 16-byte header carrying
 * @want_word (so truncation, a corrupt header, a complain-mode or other-
 * ABI entry are all rejected), and no input is newer than it (equal
 * mtimes, to the nanosecond, are fresh). The primary directory is searched
 * first, then the read-only ones. Under -k prints "Cache hit: PATH" or
 * "Cache miss: NAME".
 *
 * Return: 1 on a hit, 0 on a miss (stale, corrupt or absent entry).
 */
int cache_read(struct cache *c, struct cu *cu, const char *entry,
	       const char *const *inputs, size_t ninputs, uint32_t want_word,
	       void **buf, size_t *len);

/**
 * cache_hit_path - where the last hit of cache_read() was found
 * @c: borrowed handle, may be NULL
 *
 * The entry may come from a read-only location, so this is the path to
 * name in "Cached load succeeded" and load errors.
 *
 * Return: borrowed path, valid until the next cache_read() or
 * cache_close(); NULL when the last cache_read() was a miss.
 */
const char *cache_hit_path(const struct cache *c);

/**
 * cache_write - store one unit's compiled bytes atomically
 * (spec/cli.md 6.4)
 * @c: borrowed handle, may be NULL (then nothing is written)
 * @cu: borrowed unit for the warnings, or NULL
 * @entry: cache file name: the basename of the profile file
 * @inputs: the same paths as for cache_read()
 * @ninputs: number of @inputs
 * @buf: borrowed bytes, exactly what -S would print for the unit
 * @len: their length
 *
 * Does nothing unless -W and a directory is in use. Writes a mkstemp file
 * "<entry>-XXXXXX" (mode 0600) in the read-write feature directory, sets
 * its mtime to the newest input mtime and renames it over the entry. On
 * any failure the temporary file is removed, the old entry is left as it
 * was and the cache-class warning "Warning failed to write cache: PATH"
 * is recorded. Under -k prints "Wrote cache: PATH".
 *
 * Return: 0 when written or when writing is not asked for, -errno after
 * the warning.
 */
int cache_write(struct cache *c, struct cu *cu, const char *entry,
		const char *const *inputs, size_t ninputs, const void *buf,
		size_t len);

/**
 * cache_close - release the handle and its libapparmor objects
 * @c: owned handle, may be NULL
 */
void cache_close(struct cache *c);

/**
 * cache_purge - --purge-cache: remove every file and directory under the
 * first location, keeping the location itself
 * @cfg: borrowed options (locations)
 *
 * Return: 0, or -errno after printing
 * "Failed to clear cache files (LOC): <strerror>".
 */
int cache_purge(const struct cache_cfg *cfg);

/**
 * cache_print_dir - --print-cache-dir: one line per location with the
 * feature directory it would use, existing or not
 * @cfg: borrowed options (locations)
 * @kf: borrowed kernel features
 * @out: stream (stdout)
 *
 * Return: 0, or -errno after printing
 * "Unable to print the cache directory: <strerror>".
 */
int cache_print_dir(const struct cache_cfg *cfg, struct aa_features *kf,
		    FILE *out);

#endif
