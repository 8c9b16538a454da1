/* The backend's public API: a checked IR to the kernel's binary policy,
 * one write per policy namespace (policy-blob.md 4.3). backend/
 * implements it; cli/ calls it.
 */
#ifndef INCLUDE_BACKEND_H
#define INCLUDE_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cu;
struct features;
struct ir_policy;

/* What the target kernel and policy ABI allow the writer to emit,
 * decided once from the features (policy-blob.md 10.3).
 */
struct be_abi {
	unsigned version; /* kernel ABI in the version word: 5..7 */
	bool policydb; /* write a policydb (ABI > 5) */
	bool mount; /* mount rules and the \x07 marker */
	bool signal;
	bool ptrace;
	bool network_v8; /* network rules in the policydb, class 14 */
	bool net_masks; /* only old "network": net_allowed_af masks (5.11) */
	bool dbus;
	bool unix_fine; /* network/af_unix: fine-grained unix rules */
	bool stack; /* domain/stack */
	bool xattr; /* xattr attachment conditions */
	bool diff_encode;
	uint64_t caps_known; /* capability numbers the kernel knows */
	uint32_t rlimits_known; /* rlimit indexes the kernel knows */
};

/* Options of one compilation. */
struct be_options {
	const struct features *kernel; /* borrowed; NULL: built-in minimal */
	const struct features *policy; /* borrowed; NULL: same as kernel */
	bool force_complain; /* -C */
	bool extension_downgrade; /* language.md 7.0 opt-in */
	uint32_t max_states; /* per automaton; 0: the ABI's limit */
};

/* One write to .replace/.load: every unit of one namespace. */
struct be_write {
	const char *ns; /* namespace, NULL for the root namespace */
	const uint8_t *data; /* arena bytes */
	size_t len;
};

struct be_result {
	struct be_write *writes; /* arena array, in output order */
	size_t nwrites;
	uint32_t states_total; /* DFA states written, for -D stats */
	uint64_t states_built; /* states constructed before minimization */
};

/**
 * be_abi_from_features - decide what to emit for a kernel and a policy ABI
 * @kernel: borrowed kernel features, or NULL for 3.0.8's minimal fallback
 * @policy: borrowed policy features, or NULL (then @kernel alone)
 * @abi: OUT: the decision
 */
void be_abi_from_features(const struct features *kernel,
			  const struct features *policy, struct be_abi *abi);

/**
 * be_header_word - the 32-bit version word be_compile() writes after the
 * blob header for these options (kernel ABI, parser ABI and policy
 * version; cli.md 6.3), so a cache reader can check entries against it
 * @o: borrowed options (kernel and policy features)
 *
 * Return: the word, as written little-endian into every unit.
 */
uint32_t be_header_word(const struct be_options *o);

/**
 * be_compile - lower every profile of @pol, build and minimize its
 * automata and serialize the units
 * @cu: borrowed unit; errors go to its sink, memory to its arena
 * @pol: borrowed checked policy (fe_check_policy succeeded)
 * @o: borrowed options
 * @out: OUT: the writes, in the unit's arena
 *
 * Return: 0, -EINVAL on errors recorded in the sink.
 */
int be_compile(struct cu *cu, const struct ir_policy *pol,
	       const struct be_options *o, struct be_result *out);

#endif
