/* The kernel feature model: a features file (flattened "name {sub {val}}"
 * text as in /sys/kernel/security/apparmor/features exports, or a
 * features directory tree) read into a tree that stages query by path,
 * e.g. "network_v8/af_mask" or "domain/change_profile".
 */
#ifndef INCLUDE_FEAT_H
#define INCLUDE_FEAT_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

/* One node of the features tree. */
struct feat_node {
	const char *name; /* arena string */
	const char *value; /* leaf text with surrounding blanks trimmed, or NULL */
	struct feat_node *child; /* first child */
	struct feat_node *next; /* next sibling */
};

struct features {
	struct feat_node *root; /* unnamed root */
	const char *text; /* canonical flattened text (for the cache key) */
};

/**
 * feat_parse - parse flattened features text
 * @a: borrowed arena for the result
 * @text: borrowed bytes
 * @len: byte count
 * @out: OUT: arena features
 * @err: OUT: on failure, an arena string saying what is wrong
 *
 * Return: 0, or -EINVAL on malformed text.
 */
int feat_parse(struct arena *a, const char *text, size_t len,
	       struct features **out, const char **err);

/**
 * feat_load - read features from a flattened file or a features directory
 * tree (as under /sys/kernel/security/apparmor/features)
 * @a: borrowed arena for the result
 * @path: borrowed path
 * @out: OUT: arena features
 * @err: OUT: on failure, an arena string (strerror text or parse error)
 *
 * Return: 0, or -errno / -EINVAL.
 */
int feat_load(struct arena *a, const char *path, struct features **out,
	      const char **err);

/**
 * feat_lookup - find the node at a slash-separated path
 * @f: borrowed features, may be NULL
 * @path: e.g. "network_v8/af_mask"
 *
 * Return: borrowed node, or NULL when absent.
 */
const struct feat_node *feat_lookup(const struct features *f,
				    const char *path);

/**
 * feat_has - whether the path exists (a directory or a leaf whose value is
 * not "no")
 * @f: borrowed features, may be NULL (then false)
 * @path: slash-separated path
 *
 * Return: true if present.
 */
bool feat_has(const struct features *f, const char *path);

/**
 * feat_value - the leaf text at a path
 * @f: borrowed features, may be NULL
 * @path: slash-separated path
 *
 * Return: borrowed string, or NULL.
 */
const char *feat_value(const struct features *f, const char *path);

/**
 * feat_has_word - whether the leaf at @path holds @word among its
 * blank-separated words (e.g. "caps/mask" holds "bpf")
 * @f: borrowed features, may be NULL
 * @path: slash-separated path
 * @word: word to find
 *
 * Return: true if found.
 */
bool feat_has_word(const struct features *f, const char *path,
		   const char *word);

#endif
