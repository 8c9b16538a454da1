/* Semantic checks of the non-file rule kinds: capability, network (with
 * the netlink extension), unix, dbus, signal, ptrace, mqueue, io_uring,
 * mount family, pivot_root and rlimit (language.md 3.4-3.16, 7.3), with
 * upstream's verdicts and the feature gating of 6.9.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "check_int.h"
#include "cu.h"
#include "feat.h"

/* Capability numbers the features know beyond the built-in table. */
static int cap_from_features(const struct features *f, const char *name)
{
	const char *v = feat_value(f, "caps/mask");
	size_t wl = strlen(name);
	int n = 0;

	if (!v)
		return -1;
	while (*v) {
		size_t l;

		while (*v && isspace((unsigned char)*v))
			v++;
		if (!*v)
			break;
		l = strcspn(v, " \t\n");
		if (l == wl && !memcmp(v, name, l))
			return n;
		n++;
		v += l;
	}
	return -1;
}

void chk_rule_capability(struct chk *c, struct ir_rule *r)
{
	struct ir_capability_rule *cap = &r->u.cap;

	if (!cap->names.n) {
		cap->caps[0] = ~0ull;
		cap->caps[1] = 0;
		return;
	}
	for (size_t i = 0; i < cap->names.n; i++) {
		const char *n = cap->names.v[i];
		int k = fe_cap_lookup(n);

		if (k < 0)
			k = cap_from_features(c->kf, n);
		if (k < 0)
			k = cap_from_features(c->pf, n);
		if (k < 0 || k > 127) {
			chk_error(c, r->loc, "Invalid capability %s.", n);
			return;
		}
		cap->caps[k / 64] |= 1ull << (k % 64);
	}
}

/* Network access words and their bits (backend maps them to AA_NET_*). */
enum {
	NET_SEND = 1u << 0,
	NET_RECEIVE = 1u << 1,
	NET_CREATE = 1u << 2,
	NET_BIND = 1u << 3,
	NET_LISTEN = 1u << 4,
	NET_ACCEPT = 1u << 5,
	NET_CONNECT = 1u << 6,
	NET_SHUTDOWN = 1u << 7,
	NET_GETATTR = 1u << 8,
	NET_SETATTR = 1u << 9,
	NET_GETOPT = 1u << 10,
	NET_SETOPT = 1u << 11,
	NET_ALL = (1u << 12) - 1,
	NET_LOCAL = NET_CREATE | NET_BIND | NET_LISTEN | NET_SHUTDOWN |
		    NET_GETATTR | NET_SETATTR | NET_GETOPT | NET_SETOPT,
};

static uint32_t net_access_bit(const char *w)
{
	static const struct {
		const char *w;
		uint32_t bit;
	} t[] = {
		{"send", NET_SEND},
		{"write", NET_SEND},
		{"w", NET_SEND},
		{"receive", NET_RECEIVE},
		{"read", NET_RECEIVE},
		{"r", NET_RECEIVE},
		{"rw", NET_SEND | NET_RECEIVE},
		{"create", NET_CREATE},
		{"bind", NET_BIND},
		{"listen", NET_LISTEN},
		{"accept", NET_ACCEPT},
		{"connect", NET_CONNECT},
		{"shutdown", NET_SHUTDOWN},
		{"getattr", NET_GETATTR},
		{"setattr", NET_SETATTR},
		{"getopt", NET_GETOPT},
		{"setopt", NET_SETOPT},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++)
		if (!strcmp(t[i].w, w))
			return t[i].bit;
	return 0;
}

static int net_access(struct chk *c, struct ir_rule *r,
		      const struct ir_strlist *l, const char *kind,
		      uint32_t *mask)
{
	*mask = l->n ? 0 : NET_ALL;
	for (size_t i = 0; i < l->n; i++) {
		uint32_t b = net_access_bit(l->v[i]);

		if (!b) {
			chk_error(c, r->loc, "%s rule: invalid access '%s'",
				  kind, l->v[i]);
			return -EINVAL;
		}
		*mask |= b;
	}
	return 0;
}

static bool valid_ip1(const char *s, int *fam)
{
	unsigned char buf[16];

	if (inet_pton(AF_INET, s, buf) == 1) {
		*fam = 4;
		return true;
	}
	if (inet_pton(AF_INET6, s, buf) == 1) {
		*fam = 6;
		return true;
	}
	return false;
}

/* ip=: an address, "none", ADDR/PREFIX, or an ascending range ADDR-ADDR
 * of one family.
 */
static bool valid_ip(const char *s)
{
	unsigned char lo[16], hi[16];
	char buf[128];
	char *slash, *dash, *end;
	int fam, fam2;
	long n;

	if (!strcmp(s, "none"))
		return true;
	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	dash = strchr(buf, '-');
	if (dash) {
		*dash = '\0';
		if (!valid_ip1(buf, &fam) || !valid_ip1(dash + 1, &fam2) ||
		    fam != fam2)
			return false;
		inet_pton(fam == 4 ? AF_INET : AF_INET6, buf, lo);
		inet_pton(fam == 4 ? AF_INET : AF_INET6, dash + 1, hi);
		return memcmp(lo, hi, fam == 4 ? 4 : 16) <= 0;
	}
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (!valid_ip1(buf, &fam))
		return false;
	if (!slash)
		return true;
	if (!isdigit((unsigned char)slash[1]))
		return false;
	n = strtol(slash + 1, &end, 10);
	return !*end && n >= 0 && n <= (fam == 4 ? 32 : 128);
}

static bool parse_port(const char *s, const char **end, long *v)
{
	char *e;

	if (!isdigit((unsigned char)*s))
		return false;
	*v = strtol(s, &e, 10);
	*end = e;
	return *v >= 0 && *v <= 65535;
}

static bool valid_port(const char *s)
{
	const char *e;
	long a, b;

	if (!parse_port(s, &e, &a))
		return false;
	if (!*e)
		return true;
	if (*e != '-' || !parse_port(e + 1, &e, &b) || *e)
		return false;
	return a <= b;
}

/* Note [label-normalise]: language.md 7.4.2, DIV 13: a peer label glob
 * written :NS://name can never match what the kernel presents; rewrite it
 * as :NS:name.
 */
static void normalise_labels(struct chk *c, struct ir_cond *cl)
{
	for (; cl; cl = cl->next) {
		if (strcmp(cl->name, "peer") && strcmp(cl->name, "label") &&
		    strcmp(cl->name, "label:"))
			continue;
		for (size_t i = 0; i < cl->values.n; i++) {
			const char *v = cl->values.v[i];
			const char *q = v[0] == ':' ? strchr(v + 1, ':') : NULL;

			if (q && q[1] == '/' && q[2] == '/')
				cl->values.v[i] = arena_sprintf(
					c->a, "%.*s%s", (int)(q - v + 1), v,
					q + 3);
		}
	}
}

/* Checks ip/port/interface/label conditions of one side. */
static int net_conds(struct chk *c, struct ir_cond *cl, bool peer,
		     bool *has_addr, bool *has_other)
{
	unsigned seen = 0;

	for (; cl; cl = cl->next) {
		const char *n = cl->name;
		const char *v = cl->values.n ? cl->values.v[0] : "";
		unsigned bit;

		if (!strcmp(n, "ip"))
			bit = 1;
		else if (!strcmp(n, "port"))
			bit = 2;
		else if (!strcmp(n, "interface"))
			bit = 4;
		else if (!strcmp(n, "label") || !strcmp(n, "label:"))
			bit = 8;
		else {
			chk_error(c, cl->loc,
				  "invalid network rule conditional \"%s\"", n);
			return -EINVAL;
		}
		if ((cl->op == IR_COND_ASSIGN || !strcmp(n, "label:")) &&
		    bit == 8 && peer)
			;
		else if (cl->op != IR_COND_EQ) {
			chk_error(
				c, cl->loc,
				"unsupported operator used in conditions of network rules");
			return -EINVAL;
		}
		if (seen & bit) {
			chk_error(c, cl->loc, "%s can only be specified once",
				  n);
			return -EINVAL;
		}
		seen |= bit;
		if (cl->values.n != 1) {
			chk_error(c, cl->loc,
				  "network rule: %s takes exactly one value",
				  n);
			return -EINVAL;
		}
		if (bit == 1 && !valid_ip(v)) {
			chk_error(c, cl->loc, "network invalid ip='%s'", v);
			return -EINVAL;
		}
		if (bit == 2 && !valid_port(v)) {
			chk_error(c, cl->loc, "network invalid port='%s'", v);
			return -EINVAL;
		}
		if (bit == 4 && peer) {
			chk_error(
				c, cl->loc,
				"interface cannot be set for peer in network rules");
			return -EINVAL;
		}
		if (bit & 3)
			*has_addr = true;
		else
			*has_other = true;
	}
	return 0;
}

/* Resolves domain/type words; a lone word may be a type or protocol. */
static int net_domain_type(struct chk *c, struct ir_rule *r)
{
	struct ir_net_rule *n = &r->u.net;
	const char *d = n->domain, *t = n->type;

	n->family = -1;
	n->sock_type = -1;
	n->protocol = -1;
	if (d && fe_net_family_lookup(d) < 0 && !t) {
		t = d;
		d = NULL;
		n->domain = NULL;
		n->type = t;
	}
	if (d) {
		n->family = fe_net_family_lookup(d);
		if (n->family < 0) {
			chk_error(c, r->loc, "Invalid network entry.");
			return -EINVAL;
		}
	}
	if (!t)
		return 0;
	n->sock_type = fe_net_type_lookup(t);
	if (n->sock_type >= 0) {
		if (n->family == 16 && n->sock_type != 2 && n->sock_type != 3)
			diag_warn(
				c->cu, WARN_FORMAT, r->loc,
				"netlink sockets support only raw and dgram types");
		return 0;
	}
	if ((!strcmp(t, "tcp") || !strcmp(t, "udp")) &&
	    (n->family < 0 || n->family == 2 || n->family == 10)) {
		n->sock_type = t[0] == 't' ? 1 : 2;
		n->protocol = t[0] == 't' ? 6 : 17;
		return 0;
	}
	if (!strcmp(t, "icmp") && (n->family < 0 || n->family == 2)) {
		n->sock_type = 3;
		n->protocol = 1;
		return 0;
	}
	chk_error(c, r->loc, "Invalid network entry.");
	return -EINVAL;
}

static void net_netlink(struct chk *c, struct ir_rule *r)
{
	struct ir_net_rule *n = &r->u.net;
	bool down = c->cu->opts && c->cu->opts->extension_downgrade;

	if (!n->nl_protocols.n)
		return;
	if (chk_strict(c, r->loc, "netlink protocol"))
		return;
	if (n->family != 16) {
		chk_error(c, r->loc, "protocol= is only supported for netlink");
		return;
	}
	for (size_t i = 0; i < n->nl_protocols.n; i++) {
		int p = fe_netlink_proto_lookup(n->nl_protocols.v[i]);

		if (p < 0) {
			chk_error(c, r->loc, "Invalid netlink protocol '%s'",
				  n->nl_protocols.v[i]);
			return;
		}
		n->nl_proto_mask |= 1u << p;
	}
	if (chk_feat(c, "network_v8/netlink_protocol"))
		return;
	if (!down)
		chk_error(
			c, r->loc,
			"netlink protocol restrictions need kernel support that the target kernel lacks");
	else if (r->q.mode == IR_MODE_DENY)
		diag_warn(
			c->cu, WARN_RULE_NOT_ENFORCED, r->loc,
			"deny network rule with a netlink protocol not enforced");
	else
		diag_warn(
			c->cu, WARN_RULE_DOWNGRADED, r->loc,
			"netlink protocol restriction dropped: rule covers every netlink protocol");
}

void chk_rule_network(struct chk *c, struct ir_rule *r)
{
	struct ir_net_rule *n = &r->u.net;
	bool addr = false, other = false;

	if (n->trailing_access && chk_strict(c, r->loc, "trailing access list"))
		return;
	if (net_access(c, r, &n->access, "network", &n->access_mask))
		return;
	if (net_domain_type(c, r))
		return;
	if (chk_expand_conds(c, r->scope, n->conds, false) ||
	    chk_expand_conds(c, r->scope, n->peer, false))
		return;
	if (net_conds(c, n->conds, false, &addr, &other) ||
	    net_conds(c, n->peer, true, &addr, &other))
		return;
	normalise_labels(c, n->conds);
	normalise_labels(c, n->peer);
	if (n->peer && n->access.n && (n->access_mask & NET_LOCAL)) {
		chk_error(
			c, r->loc,
			"network 'create', 'shutdown', 'setattr', 'getattr', 'bind', 'listen', 'setopt', and/or 'getopt' accesses cannot be used with peer socket conditionals");
		return;
	}
	if ((addr || (n->family == 16 && n->peer)) && n->family >= 0 &&
	    n->family != 2 && n->family != 10) {
		chk_error(
			c, r->loc,
			"network family does not support local or peer conditionals");
		return;
	}
	net_netlink(c, r);
	if (!chk_feat(c, "network") && !chk_feat(c, "network_v8") &&
	    !chk_feat(c, "network_v9")) {
		chk_not_enforced(c, r, "network");
		return;
	}
	if ((addr || other) && !chk_feat(c, "network_v9") &&
	    !chk_feat(c, "network_v8/af_inet")) {
		if (r->q.mode == IR_MODE_DENY)
			diag_warn(
				c->cu, WARN_RULE_NOT_ENFORCED, r->loc,
				"deny network rule with conditionals not enforced");
		else
			diag_warn(
				c->cu, WARN_RULE_DOWNGRADED, r->loc,
				"downgrading network rule conditionals to family/type mediation");
	}
}

static bool in_words(const char *w, const char *const *l)
{
	for (; *l; l++)
		if (!strcmp(*l, w))
			return true;
	return false;
}

/* Checks access words against @ok; bit i of the mask = word i. */
static int ipc_access(struct chk *c, struct ir_rule *r, const char *kind,
		      const char *const *ok, uint32_t *mask)
{
	const struct ir_strlist *l = &r->u.ipc.access;

	*mask = 0;
	for (size_t i = 0; i < l->n; i++) {
		size_t k;

		for (k = 0; ok[k]; k++)
			if (!strcmp(ok[k], l->v[i]))
				break;
		if (!ok[k]) {
			chk_error(c, r->loc, "%s rule: invalid access '%s'",
				  kind, l->v[i]);
			return -EINVAL;
		}
		*mask |= 1u << k;
	}
	return 0;
}

static int only_eq(struct chk *c, struct ir_cond *cl, const char *kind)
{
	if (cl->op == IR_COND_EQ)
		return 0;
	chk_error(c, cl->loc,
		  "unsupported operator used in conditions of %s rules", kind);
	return -EINVAL;
}

static int one_value(struct chk *c, struct ir_cond *cl, const char *kind)
{
	if (only_eq(c, cl, kind))
		return -EINVAL;
	if (cl->values.n == 1)
		return 0;
	chk_error(c, cl->loc, "%s conditional '%s' takes exactly one value",
		  kind, cl->name);
	return -EINVAL;
}

/* peer= may be given once (signal, ptrace). */
static int peer_once(struct chk *c, struct ir_rule *r, const char *kind)
{
	int n = 0;

	for (struct ir_cond *cl = r->u.ipc.conds; cl; cl = cl->next)
		n += !strcmp(cl->name, "peer");
	for (struct ir_cond *cl = r->u.ipc.peer; cl; cl = cl->next)
		n++;
	if (n <= 1)
		return 0;
	chk_error(c, r->loc, "%s rule: peer can only be specified once", kind);
	return -EINVAL;
}

static void check_signal(struct chk *c, struct ir_rule *r)
{
	static const char *const acc[] = {"send", "write", "w",	 "receive",
					  "read", "r",	   "rw", NULL};
	struct ir_ipc_rule *s = &r->u.ipc;

	if (ipc_access(c, r, "signal", acc, &s->access_mask) ||
	    peer_once(c, r, "signal"))
		return;
	for (struct ir_cond *cl = s->conds; cl; cl = cl->next) {
		if (!strcmp(cl->name, "set")) {
			if (cl->op != IR_COND_EQ) {
				chk_error(c, cl->loc,
					  "invalid signal rule conditional");
				return;
			}
			for (size_t i = 0; i < cl->values.n; i++) {
				if (fe_signal_lookup(cl->values.v[i]) < 0) {
					chk_error(c, cl->loc,
						  "unknown signal \"%s\"",
						  cl->values.v[i]);
					return;
				}
			}
		} else if (!strcmp(cl->name, "peer") ||
			   !strcmp(cl->name, "label")) {
			if (one_value(c, cl, "signal"))
				return;
		} else {
			chk_error(c, cl->loc,
				  "invalid signal rule conditional");
			return;
		}
	}
	for (struct ir_cond *cl = s->peer; cl; cl = cl->next)
		if (strcmp(cl->name, "label") && strcmp(cl->name, "peer")) {
			chk_error(c, cl->loc,
				  "invalid signal rule conditional");
			return;
		}
	if (!chk_feat(c, "signal"))
		chk_not_enforced(c, r, "signal");
}

static void check_ptrace(struct chk *c, struct ir_rule *r)
{
	static const char *const acc[] = {"read",     "r",     "readby",
					  "trace",    "write", "w",
					  "tracedby", "rw",    NULL};
	struct ir_ipc_rule *s = &r->u.ipc;

	if (ipc_access(c, r, "ptrace", acc, &s->access_mask) ||
	    peer_once(c, r, "ptrace"))
		return;
	for (struct ir_cond *cl = s->conds; cl; cl = cl->next)
		if (strcmp(cl->name, "peer") && strcmp(cl->name, "label")) {
			chk_error(c, cl->loc,
				  "invalid ptrace rule conditional");
			return;
		}
	for (struct ir_cond *cl = s->peer; cl; cl = cl->next)
		if (strcmp(cl->name, "label") && strcmp(cl->name, "peer")) {
			chk_error(c, cl->loc,
				  "invalid ptrace rule conditional");
			return;
		}
	if (!chk_feat(c, "ptrace"))
		chk_not_enforced(c, r, "ptrace");
}

static bool unix_addr_ok(const char *a)
{
	return a[0] == '@' || !strcmp(a, "none") || !strcmp(a, "auto") ||
	       (a[0] == '@' && a[1] == '{');
}

static void check_unix(struct chk *c, struct ir_rule *r)
{
	static const char *const acc[] = {
		"send",	  "write",   "w",	 "receive", "read",
		"r",	  "rw",	     "create",	 "bind",    "listen",
		"accept", "connect", "shutdown", "getattr", "setattr",
		"getopt", "setopt",  NULL,
	};
	static const char *const local[] = {"create",	"bind",	   "listen",
					    "shutdown", "getattr", "setattr",
					    "getopt",	"setopt",  NULL};
	struct ir_ipc_rule *u = &r->u.ipc;

	if (ipc_access(c, r, "unix", acc, &u->access_mask))
		return;
	for (struct ir_cond *cl = u->conds; cl; cl = cl->next) {
		if (!strcmp(cl->name, "label")) {
			chk_error(
				c, cl->loc,
				"'label' conditional is only valid in the peer expression");
			return;
		}
		if (strcmp(cl->name, "type") && strcmp(cl->name, "addr")) {
			chk_error(c, cl->loc,
				  "invalid unix socket rule conditional \"%s\"",
				  cl->name);
			return;
		}
		if (one_value(c, cl, "unix"))
			return;
		if (!strcmp(cl->name, "type") &&
		    fe_net_type_lookup(cl->values.v[0]) < 0) {
			chk_error(c, cl->loc,
				  "unix rule: invalid value for type='%s'",
				  cl->values.v[0]);
			return;
		}
		if (!strcmp(cl->name, "addr") &&
		    !unix_addr_ok(cl->values.v[0])) {
			chk_error(c, cl->loc,
				  "unix rule: invalid value for addr='%s'",
				  cl->values.v[0]);
			return;
		}
	}
	for (struct ir_cond *cl = u->peer; cl; cl = cl->next) {
		if (strcmp(cl->name, "addr") && strcmp(cl->name, "label")) {
			chk_error(c, cl->loc,
				  "invalid unix socket peer conditional \"%s\"",
				  cl->name);
			return;
		}
		if (one_value(c, cl, "unix"))
			return;
		if (!strcmp(cl->name, "addr") &&
		    !unix_addr_ok(cl->values.v[0])) {
			chk_error(c, cl->loc,
				  "unix rule: invalid value for addr='%s'",
				  cl->values.v[0]);
			return;
		}
	}
	if (u->peer) {
		for (size_t i = 0; i < u->access.n; i++) {
			if (in_words(u->access.v[i], local)) {
				chk_error(
					c, r->loc,
					"unix socket 'create', 'shutdown', 'setattr', 'getattr', 'bind', 'listen', 'setopt', and/or 'getopt' accesses cannot be used with peer socket conditionals");
				return;
			}
		}
	}
	if (chk_feat(c, "network/af_unix") ||
	    chk_feat(c, "network_v8/af_unix") || (!c->kf && !c->pf))
		return;
	if (r->q.mode == IR_MODE_DENY)
		diag_warn(
			c->cu, WARN_RULE_NOT_ENFORCED, r->loc,
			"deny unix socket rule not enforced, can't be downgraded to generic network rule");
	else
		diag_warn(
			c->cu, WARN_RULE_DOWNGRADED, r->loc,
			"downgrading extended network unix socket rule to generic network rule");
}

static void check_dbus(struct chk *c, struct ir_rule *r)
{
	static const char *const acc[] = {"send", "write", "w",	   "receive",
					  "read", "r",	   "bind", "eavesdrop",
					  "rw",	  NULL};
	struct ir_ipc_rule *d = &r->u.ipc;
	bool msg = false, svc = false, other = false;
	unsigned seen = 0;

	if (ipc_access(c, r, "dbus", acc, &d->access_mask))
		return;
	for (struct ir_cond *cl = d->conds; cl; cl = cl->next) {
		static const char *const names[] = {
			"bus", "path", "interface", "member", "name", NULL};
		size_t k;

		for (k = 0; names[k]; k++)
			if (!strcmp(names[k], cl->name))
				break;
		if (!names[k]) {
			chk_error(c, cl->loc, "Invalid dbus conditional \"%s\"",
				  cl->name);
			return;
		}
		if (seen & (1u << k)) {
			chk_error(
				c, cl->loc,
				"dbus conditional \"%s\" can only be specified once",
				cl->name);
			return;
		}
		seen |= 1u << k;
		if (one_value(c, cl, "dbus"))
			return;
		if (k == 4)
			svc = true;
		else if (k >= 1)
			msg = true;
		else
			other = true;
	}
	for (struct ir_cond *cl = d->peer; cl; cl = cl->next) {
		if (strcmp(cl->name, "name") && strcmp(cl->name, "label")) {
			chk_error(c, cl->loc,
				  "Invalid dbus peer conditional \"%s\"",
				  cl->name);
			return;
		}
		if (one_value(c, cl, "dbus"))
			return;
		msg = true;
	}
	(void)other;
	if (msg && svc) {
		chk_error(
			c, r->loc,
			"dbus rule contains message conditionals and service conditionals");
		return;
	}
	for (size_t i = 0; i < d->access.n; i++) {
		const char *a = d->access.v[i];

		if (msg && !strcmp(a, "bind")) {
			chk_error(
				c, r->loc,
				"Invalid access 'bind' with message conditionals");
			return;
		}
		if (svc && strcmp(a, "bind")) {
			chk_error(
				c, r->loc,
				"Invalid access '%s' with service conditionals",
				a);
			return;
		}
		if (!strcmp(a, "eavesdrop") && (msg || svc)) {
			chk_error(
				c, r->loc,
				"Invalid access 'eavesdrop' with conditionals other than bus");
			return;
		}
	}
	if (!chk_feat(c, "dbus"))
		chk_not_enforced(c, r, "dbus");
}

static bool mq_name_posix(const char *n)
{
	return n[0] == '/';
}

static bool mq_name_sysv(const char *n)
{
	if (!*n)
		return false;
	for (; *n; n++)
		if (!isdigit((unsigned char)*n))
			return false;
	return true;
}

/* mqueue accesses: the words of @acc or a string of r/w letters. */
static int mq_access(struct chk *c, struct ir_rule *r, const char *const *acc,
		     uint32_t *mask)
{
	const struct ir_strlist *l = &r->u.ipc.access;

	*mask = 0;
	for (size_t i = 0; i < l->n; i++) {
		const char *w = l->v[i];
		size_t k;

		if (*w && strspn(w, "rw") == strlen(w)) {
			if (strchr(w, 'r'))
				*mask |= 1u << 0;
			if (strchr(w, 'w'))
				*mask |= 1u << 2;
			continue;
		}
		for (k = 0; acc[k]; k++)
			if (!strcmp(acc[k], w))
				break;
		if (!acc[k]) {
			chk_error(c, r->loc, "mqueue rule: invalid access '%s'",
				  w);
			return -EINVAL;
		}
		*mask |= 1u << k;
	}
	return 0;
}

static void check_mqueue(struct chk *c, struct ir_rule *r)
{
	static const char *const acc[] = {
		"r",	"read",	  "w",	     "write",	"rw", "create",
		"open", "delete", "getattr", "setattr", NULL};
	struct ir_ipc_rule *m = &r->u.ipc;
	const char *type = NULL;

	if (mq_access(c, r, acc, &m->access_mask))
		return;
	for (struct ir_cond *cl = m->conds; cl; cl = cl->next) {
		if (strcmp(cl->name, "type") && strcmp(cl->name, "label")) {
			chk_error(c, cl->loc,
				  "invalid mqueue rule conditional \"%s\"",
				  cl->name);
			return;
		}
		if (one_value(c, cl, "mqueue"))
			return;
		if (!strcmp(cl->name, "type")) {
			type = cl->values.v[0];
			if (strcmp(type, "posix") && strcmp(type, "sysv")) {
				chk_error(
					c, cl->loc,
					"mqueue type='%s' is not posix or sysv",
					type);
				return;
			}
		}
	}
	if (m->name) {
		if (chk_expand(c, r->scope, &m->name, r->loc, false))
			return;
		if (type && !strcmp(type, "sysv") && !mq_name_sysv(m->name)) {
			chk_error(c, r->loc,
				  "mqueue type=sysv invalid name '%s'",
				  m->name);
			return;
		}
		if (type && !strcmp(type, "posix") && !mq_name_posix(m->name)) {
			chk_error(c, r->loc,
				  "mqueue type=posix invalid name '%s'",
				  m->name);
			return;
		}
		if (!mq_name_posix(m->name) && !mq_name_sysv(m->name)) {
			chk_error(
				c, r->loc,
				"message queue names must begin with a / or be a positive integer");
			return;
		}
		if (!type)
			type = mq_name_posix(m->name) ? "posix" : "sysv";
	}
	if ((!type || !strcmp(type, "posix")) &&
	    !chk_feat(c, "ipc/posix_mqueue"))
		chk_not_enforced(c, r, "mqueue");
	else if (type && !strcmp(type, "sysv") &&
		 !chk_feat(c, "ipc/sysv_mqueue"))
		chk_not_enforced(c, r, "mqueue");
}

static void check_io_uring(struct chk *c, struct ir_rule *r)
{
	static const char *const acc[] = {"sqpoll", "override_creds", NULL};
	struct ir_ipc_rule *u = &r->u.ipc;

	if (ipc_access(c, r, "io_uring", acc, &u->access_mask))
		return;
	for (struct ir_cond *cl = u->conds; cl; cl = cl->next) {
		if (strcmp(cl->name, "label")) {
			chk_error(c, cl->loc,
				  "invalid io_uring rule conditional \"%s\"",
				  cl->name);
			return;
		}
		if (one_value(c, cl, "io_uring"))
			return;
	}
	if (!chk_feat(c, "io_uring"))
		chk_not_enforced(c, r, "io_uring");
}

void chk_rule_ipc(struct chk *c, struct ir_rule *r)
{
	struct ir_ipc_rule *s = &r->u.ipc;
	bool collapse = r->kind == IR_RULE_DBUS || r->kind == IR_RULE_UNIX;

	if (chk_expand_conds(c, r->scope, s->conds, collapse) ||
	    chk_expand_conds(c, r->scope, s->peer, collapse) ||
	    !chk_conds_ok(c, s->conds) || !chk_conds_ok(c, s->peer))
		return;
	normalise_labels(c, s->conds);
	normalise_labels(c, s->peer);
	switch (r->kind) {
	case IR_RULE_SIGNAL:
		check_signal(c, r);
		break;
	case IR_RULE_PTRACE:
		check_ptrace(c, r);
		break;
	case IR_RULE_UNIX:
		check_unix(c, r);
		break;
	case IR_RULE_DBUS:
		check_dbus(c, r);
		break;
	case IR_RULE_MQUEUE:
		check_mqueue(c, r);
		break;
	case IR_RULE_IO_URING:
		check_io_uring(c, r);
		break;
	default:
		break;
	}
}

/* The inverse of a mount flag, or NULL. */
static const char *mount_inverse(const char *f)
{
	static const char *const pairs[][2] = {
		{"ro", "rw"},
		{"r", "rw"},
		{"read-only", "rw"},
		{"w", "ro"},
		{"suid", "nosuid"},
		{"dev", "nodev"},
		{"exec", "noexec"},
		{"sync", "async"},
		{"mand", "nomand"},
		{"atime", "noatime"},
		{"diratime", "nodiratime"},
		{"acl", "noacl"},
		{"relatime", "norelatime"},
		{"iversion", "noiversion"},
		{"strictatime", "nostrictatime"},
		{"lazytime", "nolazytime"},
		{"user", "nouser"},
		{"symfollow", "nosymfollow"},
		{"verbose", "silent"},
		{"loud", "silent"},
	};

	for (size_t i = 0; i < sizeof(pairs) / sizeof(*pairs); i++) {
		if (!strcmp(pairs[i][0], f))
			return pairs[i][1];
		if (!strcmp(pairs[i][1], f))
			return pairs[i][0];
	}
	return NULL;
}

static bool is_propagation(const char *f)
{
	static const char *const p[] = {
		"unbindable",  "make-unbindable",
		"runbindable", "make-runbindable",
		"private",     "make-private",
		"rprivate",    "make-rprivate",
		"slave",       "make-slave",
		"rslave",      "make-rslave",
		"shared",      "make-shared",
		"rshared",     "make-rshared",
		NULL,
	};

	return in_words(f, p);
}

void chk_rule_mount(struct chk *c, struct ir_rule *r)
{
	struct ir_mount_rule *m = &r->u.mount;
	bool prop = false, remount = false;

	if (m->has_source && chk_expand_pathexpr(c, r->scope, &m->source, true))
		return;
	if (m->has_mountpoint &&
	    chk_expand_pathexpr(c, r->scope, &m->mountpoint, true))
		return;
	if (chk_expand_conds(c, r->scope, m->conds, false))
		return;
	if ((m->has_source && !chk_pathexpr_ok(c, &m->source)) ||
	    (m->has_mountpoint && !chk_pathexpr_ok(c, &m->mountpoint)))
		return;
	if (m->has_source && m->source.nsub &&
	    chk_strict(c, r->loc, "set subtraction"))
		return;
	if (m->has_mountpoint && m->mountpoint.nsub &&
	    chk_strict(c, r->loc, "set subtraction"))
		return;
	for (struct ir_cond *cl = m->conds; cl; cl = cl->next) {
		bool opts = !strcmp(cl->name, "options") ||
			    !strcmp(cl->name, "option");

		if (!opts && strcmp(cl->name, "fstype") &&
		    strcmp(cl->name, "vfstype")) {
			chk_error(c, cl->loc, "invalid mount conditional %s",
				  cl->name);
			return;
		}
		if (cl->op != IR_COND_EQ && cl->op != IR_COND_IN) {
			chk_error(
				c, cl->loc,
				"only \"=\" and 'in' allowed in conditions of mount rules");
			return;
		}
		if (!opts)
			continue;
		for (size_t i = 0; i < cl->values.n; i++) {
			const char *f = cl->values.v[i];
			const char *inv;

			if (!fe_mount_option_known(f)) {
				chk_error(c, cl->loc,
					  "unsupported mount option value '%s'",
					  f);
				return;
			}
			if (is_propagation(f))
				prop = true;
			if (!strcmp(f, "remount"))
				remount = true;
			inv = mount_inverse(f);
			if (cl->op != IR_COND_EQ || !inv)
				continue;
			for (size_t j = 0; j < cl->values.n; j++) {
				if (!strcmp(cl->values.v[j], inv)) {
					chk_error(
						c, cl->loc,
						"conflicting flags in the rule");
					return;
				}
			}
		}
	}
	if (prop && m->kind == IR_MOUNT_MOUNT && m->has_source &&
	    m->has_mountpoint) {
		chk_error(
			c, r->loc,
			"source and mount point cannot be used at the same time for propagation type flags");
		return;
	}
	if (remount && m->kind == IR_MOUNT_MOUNT && m->has_source &&
	    m->has_mountpoint) {
		chk_error(
			c, r->loc,
			"source and mount point cannot be used at the same time for remount");
		return;
	}
	if (prop && m->kind == IR_MOUNT_MOUNT && m->has_source &&
	    !m->has_mountpoint)
		diag_warn(
			c->cu, WARN_DEPRECATED, r->loc,
			"propagation rule with a source only: using it as the mount point");
	if (!chk_feat(c, "mount"))
		chk_not_enforced(c, r, "mount");
}

void chk_rule_pivot(struct chk *c, struct ir_rule *r)
{
	struct ir_pivot_rule *p = &r->u.pivot;

	if (p->has_oldroot &&
	    chk_expand_pathexpr(c, r->scope, &p->oldroot, true))
		return;
	if (p->has_newroot &&
	    chk_expand_pathexpr(c, r->scope, &p->newroot, true))
		return;
	if ((p->has_oldroot && !chk_pathexpr_ok(c, &p->oldroot)) ||
	    (p->has_newroot && !chk_pathexpr_ok(c, &p->newroot)))
		return;
	if (p->target) {
		if (chk_expand(c, r->scope, &p->target, r->loc, false))
			return;
		if (!chk_label_ok(c, p->target, r->loc, true))
			return;
		diag_warn(c->cu, WARN_RULE_NOT_ENFORCED, r->loc,
			  "pivot_root profile transition not enforced");
	}
	if (!chk_feat(c, "mount"))
		chk_not_enforced(c, r, "pivot_root");
}

/* Parses an integer amount the way strtoll(…, 0) does; rest in *end. */
static bool rl_amount(const char *s, long long *v, const char **end)
{
	char *e;

	if (!isdigit((unsigned char)*s) &&
	    !(*s == '-' && isdigit((unsigned char)s[1])))
		return false;
	errno = 0;
	*v = strtoll(s, &e, 0);
	if (errno)
		return false;
	while (*e == ' ' || *e == '\t')
		e++;
	*end = e;
	return true;
}

static bool rl_size_unit(const char *u, unsigned long long *mul)
{
	static const struct {
		const char *u;
		unsigned long long m;
	} t[] = {{"", 1},	    {"K", 1ull << 10},	{"KB", 1ull << 10},
		 {"M", 1ull << 20}, {"MB", 1ull << 20}, {"G", 1ull << 30},
		 {"GB", 1ull << 30}};

	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++)
		if (!strcmp(t[i].u, u)) {
			*mul = t[i].m;
			return true;
		}
	return false;
}

static bool rl_time_unit(const char *u, unsigned long long *us)
{
	static const struct {
		const char *u;
		unsigned long long m;
	} t[] = {
		{"us", 1},
		{"microsecond", 1},
		{"microseconds", 1},
		{"ms", 1000},
		{"millisecond", 1000},
		{"milliseconds", 1000},
		{"s", 1000000},
		{"sec", 1000000},
		{"second", 1000000},
		{"seconds", 1000000},
		{"min", 60000000ull},
		{"minute", 60000000ull},
		{"minutes", 60000000ull},
		{"h", 3600000000ull},
		{"hour", 3600000000ull},
		{"hours", 3600000000ull},
		{"d", 86400000000ull},
		{"day", 86400000000ull},
		{"days", 86400000000ull},
		{"week", 604800000000ull},
		{"weeks", 604800000000ull},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++)
		if (!strcmp(t[i].u, u)) {
			*us = t[i].m;
			return true;
		}
	return false;
}

void chk_rule_rlimit(struct chk *c, struct ir_rule *r)
{
	struct ir_rlimit_rule *rl = &r->u.rlimit;
	const char *v = rl->value, *unit;
	unsigned long long mul;
	long long amt;
	int id;

	if (chk_expand(c, r->scope, &rl->value, r->loc, false))
		return;
	v = rl->value;
	id = fe_rlimit_lookup(rl->resource);
	if (id < 0) {
		chk_error(c, r->loc, "INVALID RLIMIT '%s'", rl->resource);
		return;
	}
	rl->resource_id = id;
	if (!strcmp(v, "infinity")) {
		rl->limit = UINT64_MAX;
		goto gate;
	}
	if (!rl_amount(v, &amt, &unit)) {
		chk_error(c, r->loc, "RLIMIT '%s' invalid value %s",
			  rl->resource, v);
		return;
	}
	switch (id) {
	case 13: /* nice */
		if (*unit || amt < -20 || amt > 19) {
			chk_error(c, r->loc,
				  "RLIMIT '%s' out of range (-20 .. 19) %s",
				  rl->resource, v);
			return;
		}
		rl->limit = (uint64_t)(amt + 20);
		goto gate;
	case 0:	 /* cpu */
	case 15: /* rttime */
		if (amt < 0) {
			chk_error(c, r->loc, "RLIMIT '%s' invalid value %s",
				  rl->resource, v);
			return;
		}
		if (!*unit) {
			diag_warn(c->cu, WARN_MISSING, r->loc,
				  "RLIMIT '%s' value has no unit, assuming %s",
				  rl->resource,
				  id ? "microseconds" : "seconds");
			mul = id ? 1 : 1000000;
		} else if (!rl_time_unit(unit, &mul)) {
			chk_error(c, r->loc, "RLIMIT '%s' invalid value %s",
				  rl->resource, v);
			return;
		}
		rl->limit = (uint64_t)amt * mul;
		if (id == 0) {
			rl->limit /= 1000000;
			if (rl->limit < 1) {
				chk_error(
					c, r->loc,
					"RLIMIT '%s %s' < minimum value of 1s",
					rl->resource, v);
				return;
			}
		}
		goto gate;
	case 6:	 /* nproc */
	case 7:	 /* nofile */
	case 10: /* locks */
	case 11: /* sigpending */
	case 14: /* rtprio */
		if (*unit || amt < 0) {
			chk_error(c, r->loc, "RLIMIT '%s' invalid value %s",
				  rl->resource, v);
			return;
		}
		rl->limit = (uint64_t)amt;
		goto gate;
	default:
		if (amt < 0 || !rl_size_unit(unit, &mul)) {
			chk_error(c, r->loc, "RLIMIT '%s' invalid value %s",
				  rl->resource, v);
			return;
		}
		rl->limit = (uint64_t)amt * mul;
		goto gate;
	}
gate:
	if (!chk_feat(c, "rlimit"))
		chk_not_enforced(c, r, "rlimit");
}
