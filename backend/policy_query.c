/* Offline permission queries on a parsed blob, computed as Linux 6.1
 * computes them (policy-blob.md 7): file halves and exec transitions,
 * the generic and mount accept mappings, label matching for signal and
 * ptrace, network family/type, capabilities; plus readable renderings.
 * Backend phase, read side; it never prints.
 */
#include "policy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define ALL_PERMS 0xffffffffu

/* A sparse number -> name table. */
struct name_entry {
	unsigned int n;
	const char *name;
};

static const struct name_entry cap_names[] = {
	{0, "chown"},
	{1, "dac_override"},
	{2, "dac_read_search"},
	{3, "fowner"},
	{4, "fsetid"},
	{5, "kill"},
	{6, "setgid"},
	{7, "setuid"},
	{8, "setpcap"},
	{9, "linux_immutable"},
	{10, "net_bind_service"},
	{11, "net_broadcast"},
	{12, "net_admin"},
	{13, "net_raw"},
	{14, "ipc_lock"},
	{15, "ipc_owner"},
	{16, "sys_module"},
	{17, "sys_rawio"},
	{18, "sys_chroot"},
	{19, "sys_ptrace"},
	{20, "sys_pacct"},
	{21, "sys_admin"},
	{22, "sys_boot"},
	{23, "sys_nice"},
	{24, "sys_resource"},
	{25, "sys_time"},
	{26, "sys_tty_config"},
	{27, "mknod"},
	{28, "lease"},
	{29, "audit_write"},
	{30, "audit_control"},
	{31, "setfcap"},
	{32, "mac_override"},
	{33, "mac_admin"},
	{34, "syslog"},
	{35, "wake_alarm"},
	{36, "block_suspend"},
	{37, "audit_read"},
	{38, "perfmon"},
	{39, "bpf"},
	{40, "checkpoint_restore"},
	{0, NULL},
};

static const struct name_entry signal_names[] = {
	{1, "hup"},   {2, "int"},     {3, "quit"},    {4, "ill"},
	{5, "trap"},  {6, "abrt"},    {7, "bus"},     {8, "fpe"},
	{9, "kill"},  {10, "usr1"},   {11, "segv"},   {12, "usr2"},
	{13, "pipe"}, {14, "alrm"},   {15, "term"},   {16, "stkflt"},
	{17, "chld"}, {18, "cont"},   {19, "stop"},   {20, "stp"},
	{21, "ttin"}, {22, "ttou"},   {23, "urg"},    {24, "xcpu"},
	{25, "xfsz"}, {26, "vtalrm"}, {27, "prof"},   {28, "winch"},
	{29, "io"},   {30, "pwr"},    {31, "sys"},    {32, "emt"},
	{33, "lost"}, {34, "unused"}, {35, "exists"}, {0, NULL},
};

static const struct name_entry af_names[] = {
	{0, "unspec"},	    {1, "unix"},       {2, "inet"},
	{3, "ax25"},	    {4, "ipx"},	       {5, "appletalk"},
	{6, "netrom"},	    {7, "bridge"},     {8, "atmpvc"},
	{9, "x25"},	    {10, "inet6"},     {11, "rose"},
	{12, "decnet"},	    {13, "netbeui"},   {14, "security"},
	{15, "key"},	    {16, "netlink"},   {17, "packet"},
	{18, "ash"},	    {19, "econet"},    {20, "atmsvc"},
	{21, "rds"},	    {22, "sna"},       {23, "irda"},
	{24, "pppox"},	    {25, "wanpipe"},   {26, "llc"},
	{27, "ib"},	    {28, "mpls"},      {29, "can"},
	{30, "tipc"},	    {31, "bluetooth"}, {32, "iucv"},
	{33, "rxrpc"},	    {34, "isdn"},      {35, "phonet"},
	{36, "ieee802154"}, {37, "caif"},      {38, "alg"},
	{39, "nfc"},	    {40, "vsock"},     {41, "kcm"},
	{42, "qipcrtr"},    {43, "smc"},       {44, "xdp"},
	{45, "mctp"},	    {0, NULL},
};

static const struct name_entry type_names[] = {
	{1, "stream"},	  {2, "dgram"}, {3, "raw"},	{4, "rdm"},
	{5, "seqpacket"}, {6, "dccp"},	{10, "packet"}, {0, NULL},
};

static const struct name_entry rlimit_names[] = {
	{0, "cpu"},	  {1, "fsize"}, {2, "data"},	{3, "stack"},
	{4, "core"},	  {5, "rss"},	{6, "nproc"},	{7, "nofile"},
	{8, "memlock"},	  {9, "as"},	{10, "locks"},	{11, "sigpending"},
	{12, "msgqueue"}, {13, "nice"}, {14, "rtprio"}, {15, "rttime"},
	{0, NULL},
};

/* Mount flag bit numbers (MS_* = 1 << n). */
static const struct name_entry mountflag_names[] = {
	{0, "ro"},	   {1, "nosuid"},      {2, "nodev"},
	{3, "noexec"},	   {4, "sync"},	       {5, "remount"},
	{6, "mand"},	   {7, "dirsync"},     {8, "nosymfollow"},
	{10, "noatime"},   {11, "nodiratime"}, {12, "bind"},
	{13, "move"},	   {14, "rec"},	       {15, "silent"},
	{16, "acl"},	   {17, "unbindable"}, {18, "private"},
	{19, "slave"},	   {20, "shared"},     {21, "relatime"},
	{22, "kernmount"}, {23, "iversion"},   {24, "strictatime"},
	{25, "lazytime"},  {28, "nosec"},      {29, "born"},
	{30, "active"},	   {31, "nouser"},     {0, NULL},
};

static const struct name_entry class_names[] = {
	{0, "entry"},	     {1, "unknown"},   {2, "file"},
	{3, "cap"},	     {4, "net-unix"},  {5, "rlimits"},
	{6, "domain"},	     {7, "mount"},     {8, "ns_domain"},
	{9, "ptrace"},	     {10, "signal"},   {11, "xmatch"},
	{12, "env"},	     {13, "argv"},     {14, "network"},
	{15, "network-v9"},  {16, "label"},    {17, "posix_mqueue"},
	{18, "sysv_mqueue"}, {19, "module"},   {20, "display_lsm"},
	{21, "ns"},	     {22, "io_uring"}, {32, "dbus"},
	{0, NULL},
};

static const struct name_entry *name_table(const char *table)
{
	if (!strcmp(table, "cap"))
		return cap_names;
	if (!strcmp(table, "signal"))
		return signal_names;
	if (!strcmp(table, "af"))
		return af_names;
	if (!strcmp(table, "type"))
		return type_names;
	if (!strcmp(table, "rlimit"))
		return rlimit_names;
	if (!strcmp(table, "mountflag"))
		return mountflag_names;
	if (!strcmp(table, "class"))
		return class_names;
	return NULL;
}

int policy_name_number(const char *table, const char *name)
{
	const struct name_entry *t = name_table(table);
	char *end;
	long v;

	if (!t || !name || !*name)
		return -1;
	for (; t->name; t++)
		if (!strcmp(t->name, name))
			return (int)t->n;
	if (!strcmp(table, "signal") && !strncmp(name, "rtmin+", 6)) {
		v = strtol(name + 6, &end, 10);
		if (*end || end == name + 6 || v < 0 || v > 32)
			return -1;
		return 128 + (int)v;
	}
	v = strtol(name, &end, 0);
	if (*end || end == name || v < 0 || v > 0xffff)
		return -1;
	return (int)v;
}

const char *policy_number_name(const char *table, unsigned int n)
{
	const struct name_entry *t = name_table(table);

	if (!t)
		return NULL;
	for (; t->name; t++)
		if (t->n == n)
			return t->name;
	return NULL;
}

/* map_old_perms of 6.1 file.c for one 7-bit half. */
static uint32_t map_old_perms(uint32_t old)
{
	uint32_t p = old & 0xf;

	if (old & 0x4)
		p |= POLICY_MAY_GETATTR | POLICY_MAY_OPEN;
	if (old & 0x2)
		p |= POLICY_MAY_SETATTR | POLICY_MAY_CREATE |
		     POLICY_MAY_DELETE | POLICY_MAY_CHMOD | POLICY_MAY_CHOWN |
		     POLICY_MAY_OPEN;
	if (old & 0x10)
		p |= POLICY_MAY_LINK;
	if (old & 0x20)
		p |= POLICY_MAY_LOCK | POLICY_LINK_SUBSET;
	if (old & 0x40)
		p |= POLICY_EXEC_MMAP;
	return p;
}

static void decode_half(const struct policy_profile *p, uint32_t raw,
			uint32_t aud, uint32_t quiet,
			struct policy_file_half *h)
{
	memset(h, 0, sizeof(*h));
	h->raw = raw;
	h->perms.allow = map_old_perms(raw & 0x7f);
	h->perms.audit = map_old_perms(aud & 0x7f);
	h->perms.quiet = map_old_perms(quiet & 0x7f);
	h->xindex = (raw >> 10) & 0xf;
	h->unsafe = raw & 0x100;
	h->inherit = raw & 0x200;
	h->unconfined = (raw & 0x80) || h->xindex == 1;
	switch (h->xindex) {
	case 0:
		h->xtype = POLICY_X_NONE;
		break;
	case 1:
		h->xtype = POLICY_X_UNCONFINED;
		break;
	case 2:
		h->xtype = POLICY_X_NAME;
		break;
	case 3:
		h->xtype = POLICY_X_CHILD;
		break;
	default:
		h->xtype = POLICY_X_TABLE;
		if (p && h->xindex - 4 < p->nxtable)
			h->target = p->xtable[h->xindex - 4];
		break;
	}
}

void policy_decode_file(const struct policy_profile *p, uint32_t a1,
			uint32_t a2, struct policy_file_perms *out)
{
	out->accept1 = a1;
	out->accept2 = a2;
	decode_half(p, a1 & 0x3fff, a2 & 0x7f, (a2 >> 7) & 0x7f, &out->owner);
	decode_half(p, (a1 >> 14) & 0x3fff, (a2 >> 14) & 0x7f,
		    (a2 >> 21) & 0x7f, &out->other);
	out->owner.perms.allow |= POLICY_MAY_GETATTR;
	out->other.perms.allow |= POLICY_MAY_GETATTR;
	out->change_profile = a1 & 0x80000000u;
	out->onexec = a1 & 0x40000000u;
	if (out->change_profile) {
		out->owner.perms.allow |= POLICY_MAY_CHANGE_PROFILE;
		out->other.perms.allow |= POLICY_MAY_CHANGE_PROFILE;
	}
	if (out->onexec) {
		out->owner.perms.allow |= POLICY_MAY_ONEXEC;
		out->other.perms.allow |= POLICY_MAY_ONEXEC;
	}
}

static uint32_t map_other(uint32_t x)
{
	return ((x & 0x03) << 8) | ((x & 0x1c) << 18) | ((x & 0x60) << 19);
}

static uint32_t map_xbits(uint32_t x)
{
	return ((x & 0x01) << 7) | ((x & 0x7e) << 9);
}

void policy_compute_perms(uint32_t a1, uint32_t a2, struct policy_perms *out)
{
	out->allow = (a1 & 0x7f) | (a1 & 0x80000000u) |
		     map_xbits((a1 >> 7) & 0x7f) | map_other((a1 >> 14) & 0x7f);
	out->audit = (a2 & 0x7f) | map_other((a2 >> 14) & 0x7f);
	out->quiet = ((a2 >> 7) & 0x7f) | map_xbits((a1 >> 21) & 0x7f) |
		     map_other((a2 >> 21) & 0x7f);
}

void policy_compute_mnt_perms(uint32_t a1, uint32_t a2,
			      struct policy_perms *out)
{
	out->allow = (a1 & 0x7f) | (a1 & 0x80000000u);
	out->audit = a2 & 0x7f;
	out->quiet = (a2 >> 7) & 0x7f;
}

void policy_query_file(const struct policy_profile *p, const char *path,
		       const char *target, struct policy_file_perms *out)
{
	uint32_t s = 0;

	memset(out, 0, sizeof(*out));
	if (p->file) {
		s = policy_dfa_match(p->file, p->file_start, path);
		if (target && s) {
			s = policy_dfa_step(p->file, s, 0);
			s = policy_dfa_match(p->file, s, target);
		}
	}
	if (!p->file) {
		policy_decode_file(p, 0, 0, out);
		return;
	}
	policy_decode_file(p, p->file->accept[s], p->file->accept2[s], out);
	out->state = s;
}

void policy_query_capability(const struct policy_profile *p, unsigned int cap,
			     struct policy_answer *out)
{
	uint64_t bit = cap < 64 ? (uint64_t)1 << cap : 0;

	memset(out, 0, sizeof(*out));
	out->mediated = true;
	out->request = 1;
	out->perms.allow = (p->caps_allow & bit) ? 1 : 0;
	out->perms.audit = (p->caps_audit & bit) ? 1 : 0;
	out->perms.quiet = (p->caps_quiet & bit) ? 1 : 0;
	out->allowed = out->perms.allow;
}

static void answer_from_state(const struct policy_dfa *d, uint32_t s,
			      struct policy_answer *out)
{
	out->state = s;
	out->accept1 = d->accept[s];
	out->accept2 = d->accept2[s];
	policy_compute_perms(out->accept1, out->accept2, &out->perms);
}

void policy_query_network(const struct policy_profile *p, unsigned int family,
			  unsigned int type, uint32_t request,
			  struct policy_answer *out)
{
	uint8_t buf[4] = {(uint8_t)(family >> 8), (uint8_t)family,
			  (uint8_t)(type >> 8), (uint8_t)type};
	uint32_t s = policy_class_start(p, POLICY_CLASS_NET);

	memset(out, 0, sizeof(*out));
	out->request = request;
	out->mediated = s != 0;
	if (!s) {
		out->perms.allow = ALL_PERMS;
		out->allowed = true;
		return;
	}
	s = policy_dfa_match_len(p->policydb, s, buf, 4);
	answer_from_state(p->policydb, s, out);
	out->allowed = (out->perms.allow & request) == request;
}

void policy_query_pdb(const struct policy_profile *p, const void *buf, size_t n,
		      struct policy_answer *out)
{
	uint32_t s;

	memset(out, 0, sizeof(*out));
	if (!p->policydb)
		return;
	out->mediated = true;
	s = policy_dfa_match_len(p->policydb, p->policydb_start, buf, n);
	answer_from_state(p->policydb, s, out);
}

/* One component of a label string. */
struct label_comp {
	const char *ns; /* NULL: the profile's own namespace */
	size_t nslen;
	const char *name;
	size_t len;
};

#define LABEL_MAX_COMPS 16

/* Split "a//&:ns:b//c" into components at "//&". */
static size_t label_split(const char *label, struct label_comp *c)
{
	size_t n = 0;
	const char *s = label;

	while (n < LABEL_MAX_COMPS) {
		const char *e = strstr(s, "//&");
		size_t len = e ? (size_t)(e - s) : strlen(s);
		struct label_comp *k = &c[n++];

		memset(k, 0, sizeof(*k));
		if (len && s[0] == ':') {
			const char *colon = memchr(s + 1, ':', len - 1);

			if (colon) {
				k->ns = s + 1;
				k->nslen = (size_t)(colon - s - 1);
				len -= (size_t)(colon + 1 - s);
				s = colon + 1;
				if (len >= 2 && s[0] == '/' && s[1] == '/') {
					s += 2;
					len -= 2;
				}
			}
		}
		k->name = s;
		k->len = len;
		if (e && n == LABEL_MAX_COMPS) {
			k->len = strlen(s);
			break;
		}
		if (!e)
			break;
		s = e + 3;
	}
	return n;
}

/* aa_ns_visible with subns false: only the profile's own namespace. */
static bool comp_visible(const struct policy_profile *p,
			 const struct label_comp *c)
{
	if (!c->ns)
		return true;
	if (!p->ns)
		return c->nslen == 0;
	return strlen(p->ns) == c->nslen && !memcmp(p->ns, c->ns, c->nslen);
}

static uint32_t match_comp(const struct policy_profile *p, uint32_t s,
			   const struct label_comp *c)
{
	return policy_dfa_match_len(p->policydb, s, c->name, c->len);
}

/* aa_perms_accum of two permission sets (intersection of allow). */
static void perms_accum(struct policy_perms *acc, const struct policy_perms *x)
{
	acc->allow &= x->allow;
	acc->audit |= x->audit;
	acc->quiet &= x->quiet;
}

/*
 * aa_label_match of 6.1 label.c: the compound label first. If its walk
 * dies the 6.1 code returns success with no permissions (the component
 * fallback is not tried, so the access is denied); if it ends in a state
 * lacking the request, each visible component is matched separately and
 * the permissions are intersected. Components in other namespaces are not
 * visible (subns is false); with none visible everything is allowed.
 */
static void label_match(const struct policy_profile *p, uint32_t start,
			const char *peer, uint32_t request,
			struct policy_answer *out)
{
	struct label_comp c[LABEL_MAX_COMPS];
	size_t n = label_split(peer, c), i;
	uint32_t s = start;
	bool any = false;
	struct policy_perms acc = {ALL_PERMS, 0, ALL_PERMS};

	for (i = 0; i < n; i++) {
		if (!comp_visible(p, &c[i]))
			continue;
		if (any)
			s = policy_dfa_match(p->policydb, s, "//&");
		s = match_comp(p, s, &c[i]);
		any = true;
		if (!s)
			break;
	}
	if (!any) {
		out->perms.allow = ALL_PERMS;
		out->allowed = true;
		return;
	}
	answer_from_state(p->policydb, s, out);
	if (!s)
		return;
	if ((out->perms.allow & request) == request) {
		out->allowed = true;
		return;
	}
	for (i = 0; i < n; i++) {
		struct policy_perms t;
		uint32_t cs;

		if (!comp_visible(p, &c[i]))
			continue;
		cs = match_comp(p, start, &c[i]);
		if (!cs)
			return;
		policy_compute_perms(p->policydb->accept[cs],
				     p->policydb->accept2[cs], &t);
		perms_accum(&acc, &t);
	}
	if ((acc.allow & request) == request) {
		out->perms = acc;
		out->allowed = true;
	}
}

void policy_query_signal(const struct policy_profile *p, unsigned int sig,
			 uint32_t request, const char *peer,
			 struct policy_answer *out)
{
	uint32_t s = policy_class_start(p, POLICY_CLASS_SIGNAL);

	memset(out, 0, sizeof(*out));
	out->request = request;
	out->mediated = s != 0;
	if (!s || p->mode == 3) {
		out->perms.allow = ALL_PERMS;
		out->allowed = true;
		return;
	}
	s = policy_dfa_step(p->policydb, s, (uint8_t)sig);
	label_match(p, s, peer, request, out);
}

void policy_query_ptrace(const struct policy_profile *p, uint32_t request,
			 const char *peer, struct policy_answer *out)
{
	uint32_t s;

	memset(out, 0, sizeof(*out));
	out->request = request;
	out->mediated = policy_class_start(p, POLICY_CLASS_PTRACE) != 0;
	if (!out->mediated || p->mode == 3) {
		out->perms.allow = ALL_PERMS;
		out->allowed = true;
		return;
	}
	s = policy_class_start(p, POLICY_CLASS_LABEL);
	s = policy_dfa_step(p->policydb, s, POLICY_CLASS_PTRACE);
	label_match(p, s, peer, request, out);
}

/* do_match_mnt of 6.1 mount.c. */
static void match_mnt(const struct policy_profile *p, uint32_t s,
		      const char *point, const char *dev, const char *type,
		      uint64_t flags, const char *data, bool binary,
		      struct policy_answer *out)
{
	const struct policy_dfa *d = p->policydb;
	unsigned int i;

	s = policy_dfa_match(d, s, point);
	s = policy_dfa_step(d, s, 0);
	if (s && dev)
		s = policy_dfa_match(d, s, dev);
	s = policy_dfa_step(d, s, 0);
	if (s && type)
		s = policy_dfa_match(d, s, type);
	s = policy_dfa_step(d, s, 0);
	for (i = 0; s && i < 32; i++)
		if (flags & ((uint64_t)1 << i))
			s = policy_dfa_step(d, s, (uint8_t)(i + 1));
	out->state = s;
	out->accept1 = d->accept[s];
	out->accept2 = d->accept2[s];
	policy_compute_mnt_perms(out->accept1, out->accept2, &out->perms);
	if (!s || (out->perms.allow & 0x2))
		return;
	if (data && !binary && (out->perms.allow & 0x40)) {
		s = policy_dfa_step(d, s, 0);
		s = policy_dfa_match(d, s, data);
		out->state = s;
		out->accept1 = d->accept[s];
		out->accept2 = d->accept2[s];
		policy_compute_mnt_perms(out->accept1, out->accept2,
					 &out->perms);
	}
}

#define MS_REMOUNT (1u << 5)
#define MS_BIND (1u << 12)
#define MS_MOVE (1u << 13)
#define MS_REC (1u << 14)
#define MS_SILENT (1u << 15)
#define MS_PROPAGATION ((1u << 17) | (1u << 18) | (1u << 19) | (1u << 20))
#define MS_IGNORE ((1u << 22) | (1u << 28) | (1u << 29) | (1u << 30))
#define MS_MGC_VAL 0xC0ED0000u
#define MS_MGC_MSK 0xffff0000u

void policy_query_mount(const struct policy_profile *p,
			const struct policy_mount_req *req,
			struct policy_answer *out)
{
	uint32_t s = policy_class_start(p, POLICY_CLASS_MOUNT);
	uint64_t fl = req->flags & 0xffffffffu;

	memset(out, 0, sizeof(*out));
	out->mediated = s != 0;
	out->request = req->op == 0 ? 0x2 : req->op == 1 ? 0x4 : 0x1;
	if (!s || p->mode == 3) {
		out->perms.allow = ALL_PERMS;
		out->allowed = true;
		return;
	}
	if (req->op == 1) {
		s = policy_dfa_match(p->policydb, s, req->point);
		answer_from_state(p->policydb, s, out);
		policy_compute_mnt_perms(out->accept1, out->accept2,
					 &out->perms);
	} else if (req->op == 2) {
		s = policy_dfa_match(p->policydb, s, req->point);
		s = policy_dfa_step(p->policydb, s, 0);
		s = policy_dfa_match(p->policydb, s,
				     req->old_root ? req->old_root : "");
		answer_from_state(p->policydb, s, out);
		policy_compute_mnt_perms(out->accept1, out->accept2,
					 &out->perms);
	} else {
		if ((fl & MS_MGC_MSK) == MS_MGC_VAL)
			fl &= ~(uint64_t)MS_MGC_MSK;
		fl &= ~(uint64_t)MS_IGNORE;
		if (fl & MS_REMOUNT)
			match_mnt(p, s, req->point, NULL, NULL, fl, req->data,
				  req->binary, out);
		else if (fl & MS_BIND)
			match_mnt(p, s, req->point, req->source, NULL,
				  fl & (MS_REC | MS_BIND), NULL, false, out);
		else if (fl & MS_PROPAGATION)
			match_mnt(p, s, req->point, NULL, NULL,
				  fl & (MS_REC | MS_SILENT | MS_PROPAGATION),
				  NULL, false, out);
		else if (fl & MS_MOVE)
			match_mnt(p, s, req->point, req->source, NULL, MS_MOVE,
				  NULL, false, out);
		else
			match_mnt(p, s, req->point, req->source, req->fstype,
				  fl, req->data, req->binary, out);
	}
	out->allowed =
		out->state && (out->perms.allow & out->request) == out->request;
}

/* Growable text for the renderers, in the arena. */
struct sbuf {
	struct arena *a;
	char *s;
	size_t n, cap;
};

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *ns;

		while (cap < b->n + n + 1)
			cap *= 2;
		ns = arena_alloc(b->a, cap);
		if (b->n)
			memcpy(ns, b->s, b->n);
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void sb_str(struct sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

static void sb_word(struct sbuf *b, const char *s)
{
	if (b->n)
		sb_put(b, ",", 1);
	sb_str(b, s);
}

static const char *sb_done(struct sbuf *b, const char *empty)
{
	return b->n ? b->s : empty;
}

static const char *const file_perm_names[32] = {
	"exec",	     "write",	"read",	   "append",
	"create",    "delete",	"open",	   "rename",
	"setattr",   "getattr", "setcred", "getcred",
	"chmod",     "chown",	"chgrp",   "lock",
	"mmap_exec", NULL,	"link",	   "link_subset",
	"accept",    "bind",	"listen",  NULL,
	"setopt",    "getopt",	NULL,	   NULL,
	NULL,	     NULL,	"onexec",  "change_profile",
};

const char *policy_perms_str(struct arena *a, unsigned int cls, uint32_t perms)
{
	struct sbuf b = {.a = a};
	unsigned int i;

	if (perms == ALL_PERMS)
		return "all";
	if (cls == POLICY_CLASS_MOUNT) {
		static const char *const mnt[7] = {
			"pivot_root", "mount", "umount", NULL,
			NULL,	      NULL,    "data",
		};
		for (i = 0; i < 7; i++)
			if ((perms & (1u << i)) && mnt[i])
				sb_word(&b, mnt[i]);
		for (i = 0; i < 32; i++)
			if ((perms & (1u << i)) && (i >= 7 || !mnt[i]))
				sb_word(&b, arena_sprintf(a, "0x%x", 1u << i));
		return sb_done(&b, "-");
	}
	for (i = 0; i < 32; i++) {
		const char *n;

		if (!(perms & (1u << i)))
			continue;
		n = file_perm_names[i];
		if (cls == POLICY_CLASS_SIGNAL || cls == POLICY_CLASS_NET) {
			if (i == 1)
				n = cls == POLICY_CLASS_SIGNAL ? "send"
							       : "send";
			else if (i == 2)
				n = "receive";
			else if (i == 5 && cls == POLICY_CLASS_NET)
				n = "shutdown";
			else if (i == 6 && cls == POLICY_CLASS_NET)
				n = "connect";
		} else if (cls == POLICY_CLASS_PTRACE) {
			static const char *const pt[5] = {
				NULL, "trace", "read", "tracedby", "readby",
			};
			if (i < 5 && pt[i])
				n = pt[i];
		}
		sb_word(&b, n ? n : arena_sprintf(a, "0x%x", 1u << i));
	}
	return sb_done(&b, "-");
}

const char *policy_file_half_str(struct arena *a,
				 const struct policy_file_half *h)
{
	struct sbuf b = {.a = a};
	static const char letters[] = "xwralkm";
	unsigned int i;

	for (i = 1; i < 7; i++)
		if (h->raw & (1u << i))
			sb_put(&b, &letters[i], 1);
	if (h->raw & 1) {
		char mode[8];
		size_t k = 0;
		bool scrub = !h->unsafe;

		if (b.n)
			sb_put(&b, " ", 1);
		switch (h->xtype) {
		case POLICY_X_NONE:
			if (h->inherit)
				mode[k++] = 'i';
			break;
		case POLICY_X_UNCONFINED:
			mode[k++] = scrub ? 'U' : 'u';
			break;
		case POLICY_X_NAME:
		case POLICY_X_TABLE:
			mode[k++] = scrub ? 'P' : 'p';
			break;
		case POLICY_X_CHILD:
			mode[k++] = scrub ? 'C' : 'c';
			break;
		}
		if (h->xtype != POLICY_X_NONE &&
		    h->xtype != POLICY_X_UNCONFINED) {
			if (h->inherit)
				mode[k++] = 'i';
			else if (h->unconfined)
				mode[k++] = 'u';
		}
		mode[k++] = 'x';
		mode[k] = '\0';
		if (h->xtype == POLICY_X_NONE && !h->inherit)
			sb_str(&b, "x(no transition)");
		else
			sb_str(&b, mode);
		if (h->xtype == POLICY_X_TABLE)
			sb_str(&b, arena_sprintf(a, " -> %s",
						 h->target ? h->target
							   : "<missing>"));
	}
	if (h->raw & 0x3f80 && !(h->raw & 1))
		sb_str(&b, arena_sprintf(a, " (exec bits 0x%x without x)",
					 h->raw & 0x3f80));
	return sb_done(&b, "-");
}

void policy_byte_order(uint8_t order[256])
{
	static const char pref[] =
		"abcdefghijklmnopqrstuvwxyz0123456789/ABCDEFGHIJKLMNOPQRSTUV"
		"WXYZ._-+:@,=~";
	bool used[256] = {false};
	unsigned int i, k = 0;

	for (i = 0; pref[i]; i++) {
		order[k++] = (uint8_t)pref[i];
		used[(uint8_t)pref[i]] = true;
	}
	for (i = 0; i < 256; i++)
		if (!used[i])
			order[k++] = (uint8_t)i;
}

const char *policy_escape(struct arena *a, const uint16_t *syms, size_t n)
{
	struct sbuf b = {.a = a};
	size_t i;

	sb_put(&b, "", 0);
	for (i = 0; i < n; i++) {
		unsigned int c = syms[i];
		char tmp[8];

		if (c == POLICY_OOB)
			sb_str(&b, "<oob>");
		else if (c == 0)
			sb_str(&b, "\\0");
		else if (c == '\\')
			sb_str(&b, "\\\\");
		else if (c >= 0x20 && c < 0x7f) {
			tmp[0] = (char)c;
			sb_put(&b, tmp, 1);
		} else {
			snprintf(tmp, sizeof(tmp), "\\x%02x", c);
			sb_str(&b, tmp);
		}
	}
	return b.s;
}

static unsigned int be16_syms(const uint16_t *s)
{
	return ((unsigned int)(s[0] & 0xff) << 8) | (s[1] & 0xff);
}

const char *policy_describe_pdb(struct arena *a, const uint16_t *syms, size_t n)
{
	const char *cname, *rest;
	unsigned int cls;

	if (!n)
		return "(policydb start)";
	cls = syms[0];
	cname = policy_number_name("class", cls);
	if (!cname)
		cname = arena_sprintf(a, "#%u", cls);
	if (n == 1)
		return arena_sprintf(a, "class %s", cname);
	rest = policy_escape(a, syms + 1, n - 1);
	if (cls == POLICY_CLASS_SIGNAL && n >= 2) {
		const char *sn = policy_number_name("signal", syms[1]);

		if (syms[1] >= 128 && syms[1] < 256)
			sn = arena_sprintf(a, "rtmin+%u", syms[1] - 128u);
		return arena_sprintf(a, "signal %s peer=\"%s\"",
				     sn ? sn : arena_sprintf(a, "#%u", syms[1]),
				     policy_escape(a, syms + 2, n - 2));
	}
	if (cls == POLICY_CLASS_NET && n >= 5) {
		unsigned int f = be16_syms(syms + 1), t = be16_syms(syms + 3);
		const char *fn = policy_number_name("af", f);
		const char *tn = policy_number_name("type", t);

		return arena_sprintf(
			a, "network %s(%u) %s(%u)%s%s", fn ? fn : "?", f,
			tn ? tn : "?", t, n > 5 ? " + " : "",
			n > 5 ? policy_escape(a, syms + 5, n - 5) : "");
	}
	if (cls == POLICY_CLASS_LABEL && n >= 2) {
		const char *sub = policy_number_name("class", syms[1]);

		return arena_sprintf(a, "label %s peer=\"%s\"", sub ? sub : "?",
				     policy_escape(a, syms + 2, n - 2));
	}
	if (cls == POLICY_CLASS_PTRACE)
		return arena_sprintf(a, "ptrace peer=\"%s\"", rest);
	if (cls == POLICY_CLASS_MOUNT) {
		struct sbuf b = {.a = a};
		size_t i, field = 0, from = 1;
		static const char *const fields[] = {
			"point", "dev", "fstype", "flags", "data",
		};

		sb_str(&b, "mount");
		for (i = 1; i <= n; i++) {
			if (i < n && syms[i] != 0)
				continue;
			if (field < 5 && field == 3) {
				size_t j;

				sb_str(&b, " flags=");
				for (j = from; j < i; j++) {
					const char *fn = NULL;

					if (syms[j] >= 1 && syms[j] <= 32)
						fn = policy_number_name(
							"mountflag",
							syms[j] - 1u);
					sb_str(&b, j > from ? "," : "");
					sb_str(&b,
					       fn ? fn
						  : arena_sprintf(a, "\\x%02x",
								  syms[j]));
				}
			} else {
				sb_str(&b, arena_sprintf(
						   a, " %s=\"%s\"",
						   field < 5 ? fields[field]
							     : "more",
						   policy_escape(a, syms + from,
								 i - from)));
			}
			field++;
			from = i + 1;
		}
		return b.s;
	}
	return arena_sprintf(a, "%s \"%s\"", cname, rest);
}
