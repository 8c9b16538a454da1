/* libFuzzer target for the blob reader: every input is parsed with
 * policy_read(); inputs that parse are then queried in every class and
 * diffed against themselves, so stepping code sees fuzzed tables too.
 * Built and run by tests/fuzz/run_policy.sh.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_queries(const struct policy_profile *p)
{
	struct policy_file_perms f;
	struct policy_answer r;
	struct policy_mount_req m = {0};
	static const uint8_t pdb[] = {0x0e, 0x00, 0x02, 0x00, 0x01};

	policy_query_file(p, "/etc/passwd", NULL, &f);
	policy_query_file(p, "/a", "/b", &f);
	policy_query_capability(p, 21, &r);
	policy_query_network(p, 2, 1, 0x40, &r);
	policy_query_signal(p, 15, 0x2, "unconfined", &r);
	policy_query_signal(p, 9, 0x4, "a//&:ns:b//&c", &r);
	policy_query_ptrace(p, 0x4, "x", &r);
	policy_query_pdb(p, pdb, sizeof(pdb), &r);
	m.point = "/mnt/";
	m.source = "/dev/sda1";
	m.fstype = "ext4";
	m.flags = 1;
	m.data = "rw";
	policy_query_mount(p, &m, &r);
	m.flags = 1u << 5;
	policy_query_mount(p, &m, &r);
	m.op = 2;
	m.old_root = "/old/";
	policy_query_mount(p, &m, &r);
	if (p->xmatch)
		(void)policy_dfa_oob(p->xmatch, policy_dfa_match(p->xmatch, 1,
								 "/usr/bin/x"));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_create();
	struct policy_set *set;
	struct policy_error err;
	struct policy_diff *d;
	size_t i;

	if (policy_read(a, data, size, &set, &err) == 0) {
		for (i = 0; i < set->n; i++)
			fuzz_queries(&set->profiles[i]);
		if (policy_diff(a, set, set, NULL, &d) != 0)
			__builtin_trap();
	} else if (!err.msg[0] || err.offset > size) {
		__builtin_trap();
	}
	arena_destroy(a);
	return 0;
}
