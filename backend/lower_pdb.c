/* Lowering of the policydb rule kinds and profile fields (policy-blob.md
 * 5.5, 5.6, 7.2): capability words, rlimits, network_v8 (family, type,
 * per-access bits; fine-grained inet addresses and ports with
 * network_v8/af_inet) with 3.0.8's widening of unix rules, signal, ptrace
 * under the label class, and the class markers. Produces entries and
 * words; the fold lives in perms.c.
 */
#include "be_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cu.h"
#include "diag.h"
#include "feat.h"
#include "ir.h"
#include "lower.h"

/* Capability names in the kernel's numbering (capability.h). */
static const char *const be_cap_names[] = {
	"chown",	  "dac_override",  "dac_read_search", "fowner",
	"fsetid",	  "kill",	   "setgid",	      "setuid",
	"setpcap",	  "linux_immutable", "net_bind_service",
	"net_broadcast",  "net_admin",	   "net_raw",	      "ipc_lock",
	"ipc_owner",	  "sys_module",	   "sys_rawio",	      "sys_chroot",
	"sys_ptrace",	  "sys_pacct",	   "sys_admin",	      "sys_boot",
	"sys_nice",	  "sys_resource",  "sys_time",	      "sys_tty_config",
	"mknod",	  "lease",	   "audit_write",     "audit_control",
	"setfcap",	  "mac_override",  "mac_admin",	      "syslog",
	"wake_alarm",	  "block_suspend", "audit_read",      "perfmon",
	"bpf",		  "checkpoint_restore",
};

#define BE_CAP_SYS_ADMIN 21

static int be_cap_number(const char *name)
{
	for (size_t i = 0; i < sizeof(be_cap_names) / sizeof(*be_cap_names);
	     i++)
		if (!strcmp(be_cap_names[i], name))
			return (int)i;
	return -1;
}

/* Note [caps-words]: policy-blob.md 5.5. allow = allowed & ~denied, audit
 * = audited & allow, quiet = plain-denied (deny without audit); `capability,`
 * alone sets all 64 bits (observed). Capabilities the kernel does not
 * know among bpf, perfmon and checkpoint_restore are back-mapped to
 * sys_admin (language.md 3.4).
 */
void be_lower_cap_rule(struct be_lower *l, const struct ir_rule *r)
{
	const struct ir_capability_rule *c = &r->u.cap;
	uint64_t set = 0;
	bool deny = r->q.mode == IR_MODE_DENY;

	if (r->q.mode == IR_MODE_PROMPT)
		return;
	if (!c->names.n)
		set = ~0ULL;
	for (size_t i = 0; i < c->names.n; i++) {
		int n = be_cap_number(c->names.v[i]);

		if (n < 0) {
			diag_error(l->cu, r->loc, "Invalid capability %s.",
				   c->names.v[i]);
			l->rc = -EINVAL;
			return;
		}
		if (n >= 38 && !(l->abi->caps_known & (1ULL << n)))
			n = BE_CAP_SYS_ADMIN;
		set |= 1ULL << n;
	}
	if (deny) {
		l->caps_deny |= set;
		if (!r->q.audit)
			l->caps_quiet |= set;
	} else {
		l->caps_allow |= set;
		if (r->q.audit)
			l->caps_audit |= set;
	}
}

void be_lower_rlimit_rule(struct be_lower *l, const struct ir_rule *r)
{
	const struct ir_rlimit_rule *rl = &r->u.rlimit;

	if (rl->resource_id < 0 || rl->resource_id >= 16) {
		diag_error(l->cu, r->loc, "INVALID RLIMIT '%s'", rl->resource);
		l->rc = -EINVAL;
		return;
	}
	l->has_rlimits = true;
	l->rlimit_mask |= 1u << rl->resource_id;
	l->rlimits[rl->resource_id] = rl->limit;
}

static void be_pdb_perm(struct be_perm *p, const struct ir_rule *r,
			uint32_t perms)
{
	memset(p, 0, sizeof(*p));
	p->perms = perms;
	p->deny = r->q.mode == IR_MODE_DENY;
	p->quiet = p->deny && !r->q.audit;
	p->audit = !p->deny && r->q.audit ? perms : 0;
	p->priority = r->q.has_priority ? r->q.priority : 0;
	p->rule = r;
}

static void be_pdb_entry(struct be_lower *l, const struct ir_rule *r,
			 dfa_pat_t pat, uint32_t perms)
{
	struct be_perm p;

	be_pdb_perm(&p, r, perms);
	be_add_entry(l, BE_AUT_PDB, pat, be_add_perm(l, &p));
}

static dfa_pat_t be_dbus_field(struct be_lower *l, const struct ir_cond *c,
			       const char *name);

/* --- network ------------------------------------------------------------ */

/* Network access words to accept1 bits (policy-blob.md 7.2.3, 7.2.6). */
#define BE_NET_SEND 0x2u
#define BE_NET_RECEIVE 0x4u
#define BE_NET_CREATE 0x10u
#define BE_NET_SHUTDOWN 0x20u
#define BE_NET_CONNECT 0x40u
#define BE_NET_SETATTR 0x4000u
#define BE_NET_GETATTR 0x8000u
#define BE_NET_ACCEPT 0x10000u
#define BE_NET_BIND 0x20000u
#define BE_NET_LISTEN 0x40000u
#define BE_NET_SETOPT 0x80000u
#define BE_NET_GETOPT 0x100000u
#define BE_NET_ALL 0x001fc076u

static const struct {
	const char *w;
	uint32_t bits;
} be_net_access[] = {
	{ "send", BE_NET_SEND },
	{ "write", BE_NET_SEND },
	{ "w", BE_NET_SEND },
	{ "receive", BE_NET_RECEIVE },
	{ "read", BE_NET_RECEIVE },
	{ "r", BE_NET_RECEIVE },
	{ "rw", BE_NET_SEND | BE_NET_RECEIVE },
	{ "create", BE_NET_CREATE },
	{ "shutdown", BE_NET_SHUTDOWN },
	{ "connect", BE_NET_CONNECT },
	{ "setattr", BE_NET_SETATTR },
	{ "getattr", BE_NET_GETATTR },
	{ "accept", BE_NET_ACCEPT },
	{ "bind", BE_NET_BIND },
	{ "listen", BE_NET_LISTEN },
	{ "setopt", BE_NET_SETOPT },
	{ "getopt", BE_NET_GETOPT },
};

static uint32_t be_net_bits(const struct ir_strlist *acc)
{
	uint32_t m = 0;

	if (!acc->n)
		return BE_NET_ALL;
	for (size_t i = 0; i < acc->n; i++)
		for (size_t k = 0;
		     k < sizeof(be_net_access) / sizeof(*be_net_access); k++)
			if (!strcmp(be_net_access[k].w, acc->v[i]))
				m |= be_net_access[k].bits;
	return m;
}

/* Families 3.0.8 names (AF_DECnet, 12, is not among them). */
#define BE_AF_MAX 46
#define BE_AF_UNIX 1
#define BE_AF_INET 2
#define BE_AF_INET6 10

static uint32_t be_af_max(const struct be_lower *l)
{
	(void)l;
	return BE_AF_MAX;
}

static void be_types_default(struct dfa_byteset *t)
{
	dfa_byteset_add_range(t, 1, 5);
	dfa_byteset_add(t, 10);
}

/* \x0e \0 [families] \0 [types] (policy-blob.md 7.2.6). */
static dfa_pat_t be_net_pat(struct be_lower *l, const struct dfa_byteset *f,
			    const struct dfa_byteset *t)
{
	dfa_pat_t p = be_pat_cat3(l, dfa_pat_class(l->dc, f),
				  dfa_pat_byte(l->dc, 0),
				  dfa_pat_class(l->dc, t));

	return dfa_pat_cat(l->dc, dfa_pat_bytes(l->dc, "\x0e\0", 2), p);
}

/* Note [net-masks]: policy-blob.md 5.11: without network_v8 the
 * per-family socket-type masks allow/audit/quiet (net_allowed_af); the
 * access list cannot be expressed, so every rule counts whole.
 */
static void be_net_masks(struct be_lower *l, const struct ir_rule *r,
			 const struct dfa_byteset *f,
			 const struct dfa_byteset *t)
{
	uint16_t types = 0;
	bool deny = r->q.mode == IR_MODE_DENY;

	for (unsigned k = 0; k < 16; k++)
		if (dfa_byteset_has(t, (uint8_t)k))
			types |= (uint16_t)(1u << k);
	l->has_net_masks = true;
	for (unsigned a = 0; a < 64; a++) {
		if (!dfa_byteset_has(f, (uint8_t)a))
			continue;
		if (deny) {
			l->net_deny[a] |= types;
			if (!r->q.audit)
				l->net_quiet[a] |= types;
		} else {
			l->net_allow[a] |= types;
			if (r->q.audit)
				l->net_audit[a] |= types;
		}
	}
}

/* Note [inet-fine]: with network_v8/af_inet (upstream 4.x, Ubuntu
 * kernels) an inet or inet6 (family, type) is not granted at its 5-byte
 * prefix P = \x0e FAMILY TYPE: P carries only create plus the
 * continue-matching bit (0x10000000, AA_CONT_MATCH in accept1 layout),
 * and the socket operations are matched further on
 *   Q = P PROTO (two bytes: any; for `icmp` IPPROTO_ICMP, 1, where
 *       upstream writes 2, its mask 1 << IPPROTO_ICMP, which no socket
 *       has)
 *   local:  Q LPORT LADDR \0                     all the rule's permissions
 *           ... \0 \x02 ..                        listen (backlog)
 *           ... \0 \x04 .. ..                     setopt/getopt (level, name)
 *   peer:   Q RPORT RADDR \0                     continue-matching
 *           ... \0 LABEL \0                       continue-matching
 *           ... \0 LABEL \0 \x01 LPORT LADDR \0   all the rule's permissions
 * A port is a kind byte (\x02 peer; local \x01 when the rule grants bind
 * and the port is below 1024, else \x00) and the port big-endian; no
 * port= is any three bytes, port 0 any two after the kind byte. An
 * address is \x00 (none), \x01 and 4 bytes, \x02 and 16 bytes, or any
 * of the three. LABEL is [^\0]* (peer labels are not matched yet). A
 * port range, an address range or prefix becomes a union of byte-range
 * paths; the minimal automaton of a range equals that of the union of
 * its single values.
 */
#define BE_NET_CONT 0x10000000u
#define BE_NET_PEER                                                    \
	(BE_NET_SEND | BE_NET_RECEIVE | BE_NET_CONNECT | BE_NET_ACCEPT)
#define BE_NET_OPTS (BE_NET_SETOPT | BE_NET_GETOPT)

/* One side's ip= and port= (language.md 3.5), as ranges. */
struct be_inet_side {
	bool has_port;
	unsigned plo, phi;
	int addr; /* 0 any, 1 none, 2 the range alo..ahi */
	size_t alen; /* 4 or 16 */
	uint8_t alo[16], ahi[16];
};

static bool be_inet_addr1(const char *s, uint8_t *b, size_t *len)
{
	if (inet_pton(AF_INET, s, b) == 1) {
		*len = 4;
		return true;
	}
	if (inet_pton(AF_INET6, s, b) == 1) {
		*len = 16;
		return true;
	}
	return false;
}

/* ip=ADDR, ip=ADDR-ADDR, ip=ADDR/BITS or none (validated by the front
 * end) into @s; -1 if the text is not an address after all.
 */
static int be_inet_ip(struct be_inet_side *s, const char *v)
{
	char buf[128];
	char *cut;
	size_t len2;

	if (!strcmp(v, "none")) {
		s->addr = 1;
		return 0;
	}
	if (strlen(v) >= sizeof(buf))
		return -1;
	strcpy(buf, v);
	s->addr = 2;
	cut = strchr(buf, '-');
	if (cut) {
		*cut = '\0';
		if (!be_inet_addr1(buf, s->alo, &s->alen) ||
		    !be_inet_addr1(cut + 1, s->ahi, &len2) || len2 != s->alen)
			return -1;
		return 0;
	}
	cut = strchr(buf, '/');
	if (cut)
		*cut = '\0';
	if (!be_inet_addr1(buf, s->alo, &s->alen))
		return -1;
	memcpy(s->ahi, s->alo, s->alen);
	if (cut) {
		long bits = strtol(cut + 1, NULL, 10);

		for (size_t i = 0; i < s->alen; i++) {
			long keep = bits - 8 * (long)i;
			uint8_t m = keep >= 8 ? 0xff :
				    keep <= 0 ? 0 :
						(uint8_t)(0xff << (8 - keep));

			s->alo[i] &= m;
			s->ahi[i] |= (uint8_t)~m;
		}
	}
	return 0;
}

static int be_inet_port(struct be_inet_side *s, const char *v)
{
	char *end;
	unsigned long a = strtoul(v, &end, 10), b = a;

	if (*end == '-')
		b = strtoul(end + 1, &end, 10);
	if (*end || a > b || b > 65535)
		return -1;
	s->has_port = true;
	s->plo = (unsigned)a;
	s->phi = (unsigned)b;
	return 0;
}

/* Fills @s from a condition list; label/interface are handled apart. */
static int be_inet_side(struct be_inet_side *s, const struct ir_cond *c)
{
	memset(s, 0, sizeof(*s));
	for (; c; c = c->next) {
		if (!c->values.n)
			continue;
		if (!strcmp(c->name, "ip") && be_inet_ip(s, c->values.v[0]))
			return -1;
		if (!strcmp(c->name, "port") &&
		    be_inet_port(s, c->values.v[0]))
			return -1;
	}
	return 0;
}

static dfa_pat_t be_any_n(struct be_lower *l, size_t n)
{
	static const struct dfa_byteset all = { { ~0ULL, ~0ULL, ~0ULL,
						  ~0ULL } };
	dfa_pat_t p = dfa_pat_epsilon(l->dc);

	for (size_t i = 0; i < n; i++)
		p = dfa_pat_cat(l->dc, dfa_pat_class(l->dc, &all), p);
	return p;
}

/* Every @n-byte string s with lo <= s <= hi (big-endian order). */
static dfa_pat_t be_byte_range(struct be_lower *l, const uint8_t *lo,
			       const uint8_t *hi, size_t n)
{
	struct dfa_byteset mid = { { 0 } };
	dfa_pat_t p, rest;
	bool lo0 = true, hi1 = true;
	uint8_t zero[16] = { 0 }, ones[16];

	if (!n)
		return dfa_pat_epsilon(l->dc);
	for (size_t i = 1; i < n; i++) {
		lo0 &= lo[i] == 0;
		hi1 &= hi[i] == 0xff;
	}
	memset(ones, 0xff, sizeof(ones));
	rest = be_any_n(l, n - 1);
	if (lo[0] == hi[0])
		return dfa_pat_cat(l->dc, dfa_pat_byte(l->dc, lo[0]),
				   be_byte_range(l, lo + 1, hi + 1, n - 1));
	if (lo0 && hi1) {
		dfa_byteset_add_range(&mid, lo[0], hi[0]);
		return dfa_pat_cat(l->dc, dfa_pat_class(l->dc, &mid), rest);
	}
	p = dfa_pat_cat(l->dc, dfa_pat_byte(l->dc, lo[0]),
			be_byte_range(l, lo + 1, ones, n - 1));
	p = dfa_pat_union(l->dc, p,
			  dfa_pat_cat(l->dc, dfa_pat_byte(l->dc, hi[0]),
				      be_byte_range(l, zero, hi + 1, n - 1)));
	if (hi[0] - lo[0] > 1) {
		dfa_byteset_add_range(&mid, (uint8_t)(lo[0] + 1),
				      (uint8_t)(hi[0] - 1));
		p = dfa_pat_union(l->dc, p,
				  dfa_pat_cat(l->dc,
					      dfa_pat_class(l->dc, &mid), rest));
	}
	return p;
}

/* KIND PORT for ports lo..hi (port 0: any two bytes). */
static dfa_pat_t be_port_run(struct be_lower *l, uint8_t kind, unsigned lo,
			     unsigned hi)
{
	uint8_t a[2] = { (uint8_t)(lo >> 8), (uint8_t)lo };
	uint8_t b[2] = { (uint8_t)(hi >> 8), (uint8_t)hi };
	dfa_pat_t p = lo ? be_byte_range(l, a, b, 2) : be_any_n(l, 2);

	return dfa_pat_cat(l->dc, dfa_pat_byte(l->dc, kind), p);
}

static dfa_pat_t be_inet_port_pat(struct be_lower *l,
				  const struct be_inet_side *s, bool peer,
				  bool bind)
{
	dfa_pat_t p;

	if (!s->has_port)
		return be_any_n(l, 3);
	if (peer)
		return be_port_run(l, 2, s->plo, s->phi);
	if (!bind || s->plo >= 1024)
		return be_port_run(l, 0, s->plo, s->phi);
	p = be_port_run(l, 1, s->plo, s->phi < 1024 ? s->phi : 1023);
	if (s->phi >= 1024)
		p = dfa_pat_union(l->dc, p, be_port_run(l, 0, 1024, s->phi));
	return p;
}

static dfa_pat_t be_inet_addr_pat(struct be_lower *l,
				  const struct be_inet_side *s)
{
	dfa_pat_t v4, v6;

	if (s->addr == 1)
		return dfa_pat_byte(l->dc, 0);
	if (s->addr == 2)
		return dfa_pat_cat(l->dc,
				   dfa_pat_byte(l->dc, s->alen == 4 ? 1 : 2),
				   be_byte_range(l, s->alo, s->ahi, s->alen));
	v4 = dfa_pat_cat(l->dc, dfa_pat_byte(l->dc, 1), be_any_n(l, 4));
	v6 = dfa_pat_cat(l->dc, dfa_pat_byte(l->dc, 2), be_any_n(l, 16));
	return dfa_pat_union(l->dc, dfa_pat_byte(l->dc, 0),
			     dfa_pat_union(l->dc, v4, v6));
}

static void be_net_entry(struct be_lower *l, const struct ir_rule *r,
			 dfa_pat_t pat, uint32_t perms, uint32_t audit)
{
	struct be_perm p;

	be_pdb_perm(&p, r, perms);
	p.audit = !p.deny && r->q.audit ? audit : 0;
	be_add_entry(l, BE_AUT_PDB, pat, be_add_perm(l, &p));
}

/* Note [inet-fine] for one family and a set of types. */
static void be_net_inet(struct be_lower *l, const struct ir_rule *r,
			uint8_t fam, const struct dfa_byteset *t,
			const struct be_inet_side *loc,
			const struct be_inet_side *peer, uint32_t perms)
{
	const struct ir_net_rule *n = &r->u.net;
	struct dfa_byteset f = { { 0 } };
	dfa_pat_t z = dfa_pat_byte(l->dc, 0), q, la, s;
	bool bind = perms & BE_NET_BIND;

	dfa_byteset_add(&f, fam);
	q = be_net_pat(l, &f, t);
	if (perms & BE_NET_CREATE)
		be_net_entry(l, r, q, BE_NET_CREATE | BE_NET_CONT,
			     BE_NET_CREATE);
	if (n->type && !strcmp(n->type, "icmp") && n->protocol >= 0)
		q = dfa_pat_cat(l->dc, q,
				dfa_pat_bytes(l->dc,
					      (const uint8_t[]){
						      (uint8_t)(n->protocol >> 8),
						      (uint8_t)n->protocol },
					      2));
	else
		q = dfa_pat_cat(l->dc, q, be_any_n(l, 2));
	la = be_pat_cat3(l, be_inet_port_pat(l, loc, false, bind),
			 be_inet_addr_pat(l, loc), z);
	if (perms & BE_NET_PEER) {
		s = be_pat_cat3(l, q, be_inet_port_pat(l, peer, true, false),
				be_inet_addr_pat(l, peer));
		s = dfa_pat_cat(l->dc, s, z);
		be_net_entry(l, r, s, BE_NET_CONT, perms);
		s = be_pat_cat3(l, s, be_pat_nonnul(l, false), z);
		be_net_entry(l, r, s, BE_NET_CONT, perms);
		s = be_pat_cat3(l, s, dfa_pat_byte(l->dc, 1), la);
		be_net_entry(l, r, s, perms, perms);
	}
	s = dfa_pat_cat(l->dc, q, la);
	be_net_entry(l, r, s, perms, perms);
	if (perms & BE_NET_LISTEN)
		be_net_entry(l, r,
			     be_pat_cat3(l, s, dfa_pat_byte(l->dc, 2),
					 be_any_n(l, 2)),
			     perms, perms);
	if (perms & BE_NET_OPTS)
		be_net_entry(l, r,
			     be_pat_cat3(l, s, dfa_pat_byte(l->dc, 4),
					 be_any_n(l, 4)),
			     perms, perms);
}

/* Whether both feature sets advertise network_v8/af_inet. */
static bool be_net_af_inet(const struct be_lower *l)
{
	const struct features *k = l->o ? l->o->kernel : NULL;
	const struct features *p = l->o && l->o->policy ? l->o->policy : k;

	return l->abi->network_v8 && k && feat_has(k, "network_v8/af_inet") &&
	       feat_has(p, "network_v8/af_inet");
}

static bool be_net_has_addr(const struct ir_cond *c)
{
	for (; c; c = c->next)
		if (!strcmp(c->name, "ip") || !strcmp(c->name, "port"))
			return true;
	return false;
}

static const struct ir_cond *be_net_v9_cond(const struct ir_cond *c)
{
	for (; c; c = c->next)
		if (strcmp(c->name, "ip") && strcmp(c->name, "port"))
			return c;
	return NULL;
}

/* Note [net-v9-conds]: label= and interface= need network_v9 (upstream
 * 5.0), which this compiler does not target. With network_v8/af_inet the
 * front end passes them on; they are an error naming the feature, or
 * with --extension-downgrade an allow rule loses them (warning) and a
 * deny rule is dropped (warning), as language.md 3.5 does on 6.1.
 * Returns whether the rule is still to be lowered.
 */
static bool be_net_v9_check(struct be_lower *l, const struct ir_rule *r)
{
	const struct ir_net_rule *n = &r->u.net;
	const struct ir_cond *c = be_net_v9_cond(n->conds);

	if (!c)
		c = be_net_v9_cond(n->peer);
	if (!c)
		return true;
	if (!l->o || !l->o->extension_downgrade) {
		diag_error(
			l->cu, c->loc,
			"network rule conditional '%s' needs kernel feature network_v9, which the target kernel lacks",
			c->name);
		l->rc = -EINVAL;
		return false;
	}
	if (r->q.mode == IR_MODE_DENY) {
		diag_warn(l->cu, WARN_RULE_NOT_ENFORCED, c->loc,
			  "deny network rule with conditional '%s' not enforced (needs network_v9)",
			  c->name);
		return false;
	}
	diag_warn(l->cu, WARN_RULE_DOWNGRADED, c->loc,
		  "network rule conditional '%s' dropped (needs network_v9)",
		  c->name);
	return true;
}

/* Note [network-sets]: observed 3.0.8 output. A family without a type
 * covers types 1-5 and 10; a type or protocol without a family covers
 * every family 3.0.8 names (0-45 without 12), tcp/udp only inet and
 * inet6, icmp only inet; a bare `network,` covers families 0-45 times
 * types 0-15. A rule with ip= or port= covers only inet and inet6
 * (language.md 3.5): with af_inet as Note [inet-fine], else the
 * conditions are dropped from an allow rule and a deny rule is dropped
 * (the front end warns).
 */
void be_lower_net_rule(struct be_lower *l, const struct ir_rule *r)
{
	const struct ir_net_rule *n = &r->u.net;
	struct dfa_byteset f = { { 0 } }, t = { { 0 } };
	struct be_inet_side loc, peer;
	const char *tw = n->type;
	bool deny = r->q.mode == IR_MODE_DENY;
	bool inet = be_net_af_inet(l);
	bool addr = be_net_has_addr(n->conds) || be_net_has_addr(n->peer);
	uint32_t perms = be_net_bits(&n->access);

	if ((!l->abi->network_v8 && !l->abi->net_masks) ||
	    r->q.mode == IR_MODE_PROMPT)
		return;
	if (inet && !be_net_v9_check(l, r))
		return;
	if (deny && (n->nl_protocols.n || (!inet && (n->conds || n->peer))))
		return;
	if (n->family >= 0) {
		dfa_byteset_add(&f, (uint8_t)n->family);
	} else if (tw && (!strcmp(tw, "tcp") || !strcmp(tw, "udp"))) {
		dfa_byteset_add(&f, BE_AF_INET);
		dfa_byteset_add(&f, BE_AF_INET6);
	} else if (tw && !strcmp(tw, "icmp")) {
		dfa_byteset_add(&f, BE_AF_INET);
	} else if (n->sock_type >= 0 || addr) {
		dfa_byteset_add_range(&f, 0, be_af_max(l) - 1);
		f.w[0] &= ~((uint64_t)1 << 12);
	} else {
		dfa_byteset_add_range(&f, 0, be_af_max(l) - 1);
		dfa_byteset_add_range(&t, 0, 15);
	}
	if (addr)
		f.w[0] &= (1ULL << BE_AF_INET) | (1ULL << BE_AF_INET6);
	if (n->sock_type >= 0)
		dfa_byteset_add(&t, (uint8_t)n->sock_type);
	else if (n->family >= 0 || addr)
		be_types_default(&t);
	if (l->abi->net_masks) {
		be_net_masks(l, r, &f, &t);
		return;
	}
	if (inet && (be_inet_side(&loc, n->conds) ||
		     be_inet_side(&peer, n->peer))) {
		diag_error(l->cu, r->loc, "network rule: invalid ip or port");
		l->rc = -EINVAL;
		return;
	}
	for (unsigned fam = 0; inet && fam < 16; fam++) {
		if ((fam != BE_AF_INET && fam != BE_AF_INET6) ||
		    !dfa_byteset_has(&f, (uint8_t)fam))
			continue;
		be_net_inet(l, r, (uint8_t)fam, &t, &loc, &peer, perms);
		f.w[0] &= ~(1ULL << fam);
	}
	if (f.w[0] || f.w[1] || f.w[2] || f.w[3])
		be_pdb_entry(l, r, be_net_pat(l, &f, &t), perms);
}

/* A unix address condition (language.md 3.6): none is \x01, @name is
 * \x00 and the name, auto an abstract name of five hex digits; absent:
 * either form.
 */
static dfa_pat_t be_unix_addr(struct be_lower *l, const struct ir_cond *c)
{
	dfa_pat_t abs = dfa_pat_cat(l->dc, dfa_pat_byte(l->dc, 0),
				    be_pat_nonnul(l, false));

	for (; c; c = c->next) {
		const char *v;
		dfa_pat_t p;

		if (strcmp(c->name, "addr") || !c->values.n)
			continue;
		v = c->values.v[0];
		if (!strcmp(v, "none"))
			return dfa_pat_byte(l->dc, 1);
		if (!strcmp(v, "auto"))
			v = "@[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]";
		if (v[0] != '@' || be_glob(l, v + 1, c->loc, &p))
			return dfa_pat_empty(l->dc);
		return dfa_pat_cat(l->dc, dfa_pat_byte(l->dc, 0), p);
	}
	return dfa_pat_union(l->dc, dfa_pat_byte(l->dc, 1), abs);
}

/* Note [unix-fine]: policy-blob.md 7.2.10, for kernels with
 * network/af_unix (none released upstream): CLASS \0\1 TYPE PROTO, then
 * for local operations ADDR \0 LABEL \0, listen and socket options an
 * extra \x02 / \x04 and two bytes, peer operations \x01 PEER_ADDR \0
 * PEER_LABEL. The class is 14 with network_v8, else 4.
 */
static void be_lower_unix_fine(struct be_lower *l, const struct ir_rule *r)
{
	static const struct {
		const char *w;
		uint8_t t;
	} types[] = { { "stream", 1 }, { "dgram", 2 },	 { "raw", 3 },
		      { "rdm", 4 },    { "seqpacket", 5 }, { "packet", 10 } };
	const struct ir_cond *c = r->u.ipc.conds, *pc = r->u.ipc.peer;
	uint32_t acc = be_net_bits(&r->u.ipc.access);
	uint32_t local = acc & (BE_NET_BIND | BE_NET_ACCEPT | BE_NET_GETATTR |
				BE_NET_SETATTR | BE_NET_SHUTDOWN);
	uint32_t peer = acc & (BE_NET_SEND | BE_NET_RECEIVE | BE_NET_CONNECT |
			       BE_NET_ACCEPT);
	uint32_t opt = acc & (BE_NET_SETOPT | BE_NET_GETOPT);
	dfa_pat_t z = dfa_pat_byte(l->dc, 0), any = dfa_pat_class(l->dc,
		&(struct dfa_byteset){ { ~0ULL, ~0ULL, ~0ULL, ~0ULL } });
	dfa_pat_t type = dfa_pat_cat(l->dc, any, any), pre, la, p;
	uint8_t cls = l->abi->network_v8 ? BE_CLASS_NET : 4;

	if (r->q.mode == IR_MODE_PROMPT)
		return;
	for (; c; c = c->next) {
		if (strcmp(c->name, "type") || !c->values.n)
			continue;
		for (size_t k = 0; k < sizeof(types) / sizeof(*types); k++)
			if (!strcmp(types[k].w, c->values.v[0]))
				type = dfa_pat_bytes(l->dc,
						     (const uint8_t[]){
							     0, types[k].t },
						     2);
	}
	c = r->u.ipc.conds;
	pre = be_pat_cat3(l, dfa_pat_byte(l->dc, cls),
			  dfa_pat_bytes(l->dc, "\0\1", 2), type);
	pre = be_pat_cat3(l, pre, any, any);
	if (acc & BE_NET_CREATE)
		be_pdb_entry(l, r, pre, BE_NET_CREATE);
	la = be_pat_cat3(l, pre, be_unix_addr(l, c), z);
	la = be_pat_cat3(l, la, be_pat_nonnul(l, false), z);
	if (local)
		be_pdb_entry(l, r, la, local);
	if (acc & BE_NET_LISTEN)
		be_pdb_entry(l, r,
			     be_pat_cat3(l, la, dfa_pat_byte(l->dc, 2),
					 dfa_pat_cat(l->dc, any, any)),
			     BE_NET_LISTEN);
	if (opt)
		be_pdb_entry(l, r,
			     be_pat_cat3(l, la, dfa_pat_byte(l->dc, 4),
					 dfa_pat_cat(l->dc, any, any)),
			     opt);
	if (peer) {
		p = be_pat_cat3(l, la, dfa_pat_byte(l->dc, 1),
				be_unix_addr(l, pc));
		p = be_pat_cat3(l, p, z, be_dbus_field(l, pc, "label"));
		be_pdb_entry(l, r, p, peer);
	}
}

/* Note [unix-widening]: without fine-grained unix mediation 3.0.8 turns
 * an allow unix rule into `network unix [type]` with every network
 * permission (types 0-15 when none is given, unlike `network unix`) and
 * drops deny unix rules (policy-blob.md 7.2.6, observed).
 */
void be_lower_unix_rule(struct be_lower *l, const struct ir_rule *r)
{
	static const struct {
		const char *w;
		uint8_t t;
	} types[] = { { "stream", 1 }, { "dgram", 2 },	 { "raw", 3 },
		      { "rdm", 4 },    { "seqpacket", 5 }, { "packet", 10 } };
	struct dfa_byteset f = { { 0 } }, t = { { 0 } };

	if (l->abi->unix_fine) {
		be_lower_unix_fine(l, r);
		return;
	}
	if ((!l->abi->network_v8 && !l->abi->net_masks) ||
	    r->q.mode != IR_MODE_ALLOW)
		return;
	dfa_byteset_add(&f, BE_AF_UNIX);
	for (const struct ir_cond *c = r->u.ipc.conds; c; c = c->next) {
		if (strcmp(c->name, "type") || !c->values.n)
			continue;
		for (size_t k = 0; k < sizeof(types) / sizeof(*types); k++)
			if (!strcmp(types[k].w, c->values.v[0]))
				dfa_byteset_add(&t, types[k].t);
	}
	if (!t.w[0])
		dfa_byteset_add_range(&t, 0, 15);
	if (l->abi->net_masks)
		be_net_masks(l, r, &f, &t);
	else
		be_pdb_entry(l, r, be_net_pat(l, &f, &t), BE_NET_ALL);
}

/* --- signal and ptrace ---------------------------------------------------- */

static const char *const be_sig_names[] = {
	NULL,	  "hup",    "int",    "quit",	"ill",	  "trap",   "abrt",
	"bus",	  "fpe",    "kill",   "usr1",	"segv",	  "usr2",   "pipe",
	"alrm",	  "term",   "stkflt", "chld",	"cont",	  "stop",   "stp",
	"ttin",	  "ttou",   "urg",    "xcpu",	"xfsz",	  "vtalrm", "prof",
	"winch",  "io",	    "pwr",    "sys",	"emt",	  "lost",   "unused",
	"exists",
};

/* The byte of a signal name (policy-blob.md 7.2.7), or -1. */
static int be_signal_byte(const char *s)
{
	if (!strncmp(s, "rtmin+", 6)) {
		char *end;
		long v = strtol(s + 6, &end, 10);

		return *end || v < 0 || v > 32 ? -1 : 128 + (int)v;
	}
	if (!strcmp(s, "tstp"))
		s = "stp";
	else if (!strcmp(s, "poll"))
		s = "io";
	for (size_t i = 1; i < sizeof(be_sig_names) / sizeof(*be_sig_names);
	     i++)
		if (!strcmp(be_sig_names[i], s))
			return (int)i;
	return -1;
}

static dfa_pat_t be_peer_union(struct be_lower *l, const struct ir_cond *c,
			       dfa_pat_t acc, bool *any)
{
	for (; c; c = c->next) {
		if (strcmp(c->name, "peer") && strcmp(c->name, "label"))
			continue;
		for (size_t i = 0; i < c->values.n; i++) {
			dfa_pat_t p;

			if (be_glob(l, c->values.v[i], c->loc, &p))
				continue;
			acc = *any ? dfa_pat_union(l->dc, acc, p) : p;
			*any = true;
		}
	}
	return acc;
}

/* The peer label pattern: the union of peer= / label= values of a rule
 * (conditions, peer group, rule conditional), or [^\0]+ when none.
 */
static dfa_pat_t be_peer_pat(struct be_lower *l, const struct ir_rule *r)
{
	bool any = false;
	dfa_pat_t p = dfa_pat_empty(l->dc);

	p = be_peer_union(l, r->u.ipc.conds, p, &any);
	p = be_peer_union(l, r->u.ipc.peer, p, &any);
	p = be_peer_union(l, r->rule_conds, p, &any);
	return any ? p : be_pat_nonnul(l, true);
}

static uint32_t be_words(const struct ir_strlist *acc,
			 const char *const *w, const uint32_t *bits,
			 uint32_t all)
{
	uint32_t m = 0;

	if (!acc->n)
		return all;
	for (size_t i = 0; i < acc->n; i++)
		for (size_t k = 0; w[k]; k++)
			if (!strcmp(w[k], acc->v[i]))
				m |= bits[k];
	return m;
}

void be_lower_signal_rule(struct be_lower *l, const struct ir_rule *r)
{
	static const char *const w[] = { "send", "write", "w",	"receive",
					 "read", "r",	  "rw", NULL };
	static const uint32_t bits[] = { 2, 2, 2, 4, 4, 4, 6 };
	struct dfa_byteset sigs = { { 0 } };
	bool have_set = false;
	dfa_pat_t head, pat;

	if (!l->abi->signal || r->q.mode == IR_MODE_PROMPT)
		return;
	for (const struct ir_cond *c = r->u.ipc.conds; c; c = c->next) {
		if (strcmp(c->name, "set"))
			continue;
		have_set = true;
		for (size_t i = 0; i < c->values.n; i++) {
			int b = be_signal_byte(c->values.v[i]);

			if (b < 0) {
				diag_error(l->cu, c->loc,
					   "unknown signal \"%s\"",
					   c->values.v[i]);
				l->rc = -EINVAL;
				return;
			}
			dfa_byteset_add(&sigs, (uint8_t)b);
		}
	}
	if (have_set) {
		head = dfa_pat_cat(l->dc, dfa_pat_byte(l->dc, BE_CLASS_SIGNAL),
				   dfa_pat_class(l->dc, &sigs));
	} else {
		dfa_byteset_add_range(&sigs, 0, 255);
		head = dfa_pat_union(
			l->dc, dfa_pat_bytes(l->dc, "\x10\x0a", 2),
			dfa_pat_cat(l->dc,
				    dfa_pat_byte(l->dc, BE_CLASS_SIGNAL),
				    dfa_pat_class(l->dc, &sigs)));
	}
	pat = dfa_pat_cat(l->dc, head, be_peer_pat(l, r));
	be_pdb_entry(l, r, pat, be_words(&r->u.ipc.access, w, bits, 6));
}

void be_lower_ptrace_rule(struct be_lower *l, const struct ir_rule *r)
{
	static const char *const w[] = { "read",  "r",	      "readby",
					 "trace", "write",    "w",
					 "tracedby", "rw",    NULL };
	static const uint32_t bits[] = { 4, 4, 0x10, 2, 2, 2, 8, 6 };
	dfa_pat_t head;

	if (!l->abi->ptrace || r->q.mode == IR_MODE_PROMPT)
		return;
	head = dfa_pat_union(l->dc, dfa_pat_bytes(l->dc, "\x10\x09", 2),
			     dfa_pat_byte(l->dc, BE_CLASS_PTRACE));
	be_pdb_entry(l, r, dfa_pat_cat(l->dc, head, be_peer_pat(l, r)),
		     be_words(&r->u.ipc.access, w, bits, 0x1e));
}

/* The union of a dbus condition's values, or [^\0]* when absent. */
static dfa_pat_t be_dbus_field(struct be_lower *l, const struct ir_cond *c,
			       const char *name)
{
	bool any = false;
	dfa_pat_t p = dfa_pat_empty(l->dc);

	for (; c; c = c->next) {
		if (strcmp(c->name, name))
			continue;
		for (size_t i = 0; i < c->values.n; i++) {
			dfa_pat_t v;

			if (be_glob(l, c->values.v[i], c->loc, &v))
				continue;
			p = any ? dfa_pat_union(l->dc, p, v) : v;
			any = true;
		}
	}
	return any ? p : be_pat_nonnul(l, false);
}

static bool be_has_cond(const struct ir_cond *c, const char *name)
{
	for (; c; c = c->next)
		if (!strcmp(c->name, name))
			return true;
	return false;
}

/* Note [dbus]: policy-blob.md 7.2.9, class 32, queried by dbus-daemon:
 * bind on BUS \0 NAME (0x40), send/receive on BUS \0 PEER_NAME \0
 * PEER_LABEL \0 PATH \0 INTERFACE \0 MEMBER (0x2/0x4), eavesdrop on BUS
 * (0x20); a missing condition matches any field. Default accesses (no
 * list): send and receive for message rules, bind for service rules, all
 * four otherwise (language.md 3.9).
 */
void be_lower_dbus_rule(struct be_lower *l, const struct ir_rule *r)
{
	static const char *const w[] = { "send", "write",   "w",
					 "receive", "read", "r",
					 "bind", "eavesdrop", "rw", NULL };
	static const uint32_t bits[] = { 2, 2, 2, 4, 4, 4, 0x40, 0x20, 6 };
	const struct ir_cond *c = r->u.ipc.conds, *pc = r->u.ipc.peer;
	bool msg = be_has_cond(c, "path") || be_has_cond(c, "interface") ||
		   be_has_cond(c, "member") || pc;
	bool svc = be_has_cond(c, "name");
	uint32_t all = msg ? 6 : svc ? 0x40 : 0x66;
	uint32_t acc = be_words(&r->u.ipc.access, w, bits, all);
	dfa_pat_t z = dfa_pat_byte(l->dc, 0), head, p;

	if (!l->abi->dbus || r->q.mode == IR_MODE_PROMPT)
		return;
	head = dfa_pat_cat(l->dc, dfa_pat_byte(l->dc, BE_CLASS_DBUS),
			   be_dbus_field(l, c, "bus"));
	if (acc & 0x40) {
		p = be_pat_cat3(l, head, z, be_dbus_field(l, c, "name"));
		be_pdb_entry(l, r, p, 0x40);
	}
	if (acc & 6) {
		/* Fields in message order (their diagnostics too), joined
		 * from the right so no chain is re-walked (Note [dbus]). */
		dfa_pat_t f[5];

		f[0] = be_dbus_field(l, pc, "name");
		f[1] = be_dbus_field(l, pc, "label");
		f[2] = be_dbus_field(l, c, "path");
		f[3] = be_dbus_field(l, c, "interface");
		f[4] = be_dbus_field(l, c, "member");
		p = f[4];
		for (size_t i = 4; i-- > 0;)
			p = be_pat_cat3(l, f[i], z, p);
		be_pdb_entry(l, r, dfa_pat_cat(l->dc, head,
					       dfa_pat_cat(l->dc, z, p)),
			     acc & 6);
	}
	if (acc & 0x20)
		be_pdb_entry(l, r, head, 0x20);
}

/* --- markers -------------------------------------------------------------- */

void be_lower_markers(struct be_lower *l)
{
	struct be_perm p = { 0 };
	uint32_t id;

	if (!l->abi->policydb)
		return;
	p.perms = 0x4;
	p.priority = INT_MIN;
	id = be_add_perm(l, &p);
	be_add_entry(l, BE_AUT_PDB, dfa_pat_byte(l->dc, BE_CLASS_FILE), id);
	if (l->abi->mount)
		be_add_entry(l, BE_AUT_PDB,
			     dfa_pat_byte(l->dc, BE_CLASS_MOUNT), id);
	if (l->abi->dbus)
		be_add_entry(l, BE_AUT_PDB,
			     dfa_pat_byte(l->dc, BE_CLASS_DBUS), id);
	if (l->abi->signal)
		be_add_entry(l, BE_AUT_PDB,
			     dfa_pat_byte(l->dc, BE_CLASS_SIGNAL), id);
	if (l->abi->ptrace)
		be_add_entry(l, BE_AUT_PDB,
			     dfa_pat_byte(l->dc, BE_CLASS_PTRACE), id);
	if (l->abi->network_v8)
		be_add_entry(l, BE_AUT_PDB,
			     dfa_pat_byte(l->dc, BE_CLASS_NET), id);
	if (l->abi->unix_fine && !l->abi->network_v8)
		be_add_entry(l, BE_AUT_PDB, dfa_pat_byte(l->dc, 4), id);
}
