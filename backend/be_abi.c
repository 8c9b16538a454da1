/* Decides what the writer may emit for a target kernel and a policy ABI
 * (policy-blob.md 10.3): a feature counts when both feature sets have it.
 * Knows feature names, not rules.
 */
#include "backend.h"

#include <string.h>

#include "be_blob.h"
#include "feat.h"

static bool be_both_have(const struct features *k, const struct features *p,
			 const char *path)
{
	return feat_has(k, path) && feat_has(p, path);
}

/* Capability numbers in the order of features/caps/mask (the kernel's
 * numbering).
 */
static uint64_t be_caps_from_mask(const struct features *f)
{
	const char *v = feat_value(f, "caps/mask");
	uint64_t m = 0;
	unsigned n = 0;

	if (!v)
		return (1ULL << 37) - 1; /* audit_read (37) and below: 3.0.8 */
	while (*v) {
		size_t len;

		v += strspn(v, " \t\n");
		len = strcspn(v, " \t\n");
		if (!len)
			break;
		if (n < 64)
			m |= 1ULL << n;
		n++;
		v += len;
	}
	return m;
}

static uint32_t be_rlimits_from_mask(const struct features *f)
{
	static const char *const names[16] = {
		"cpu",	 "fsize", "data",	"stack",    "core",	"rss",
		"nproc", "nofile", "memlock", "as",	    "locks", "sigpending",
		"msgqueue", "nice", "rtprio", "rttime",
	};
	uint32_t m = 0;

	if (!feat_value(f, "rlimit/mask"))
		return 0xffff;
	for (unsigned i = 0; i < 16; i++)
		if (feat_has_word(f, "rlimit/mask", names[i]))
			m |= 1u << i;
	return m;
}

void be_abi_from_features(const struct features *kernel,
			  const struct features *policy, struct be_abi *abi)
{
	const struct features *k = kernel;
	const struct features *p = policy ? policy : kernel;

	memset(abi, 0, sizeof(*abi));
	if (!k) {
		/* 3.0.8's fallback without features: ABI 5, file DFA only */
		abi->version = 5;
		abi->caps_known = (1ULL << 37) - 1;
		abi->rlimits_known = 0xffff;
		return;
	}
	if (be_both_have(k, p, "policy/versions/v7"))
		abi->version = 7;
	else if (be_both_have(k, p, "policy/versions/v6"))
		abi->version = 6;
	else
		abi->version = 5;
	abi->policydb = abi->version > 5;
	abi->mount = be_both_have(k, p, "mount");
	abi->signal = be_both_have(k, p, "signal");
	abi->ptrace = be_both_have(k, p, "ptrace");
	abi->network_v8 = be_both_have(k, p, "network_v8");
	abi->dbus = be_both_have(k, p, "dbus");
	abi->net_masks = !abi->network_v8 && be_both_have(k, p, "network");
	abi->unix_fine = be_both_have(k, p, "network/af_unix");
	abi->stack = be_both_have(k, p, "domain/stack");
	abi->xattr = be_both_have(k, p, "domain/attach_conditions/xattr") &&
		     be_both_have(k, p, "policy/outofband");
	abi->diff_encode = be_both_have(k, p, "policy/diff_encode");
	abi->caps_known = be_caps_from_mask(k) & be_caps_from_mask(p);
	abi->rlimits_known = be_rlimits_from_mask(k) & be_rlimits_from_mask(p);
}

uint32_t be_header_word(const struct be_options *o)
{
	struct be_abi abi;

	be_abi_from_features(o->kernel, o->policy, &abi);
	return be_version_word(abi.version, false);
}
