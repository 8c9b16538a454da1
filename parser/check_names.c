/* Name tables of the semantic checks: capabilities, signals, rlimits,
 * address families, socket types, netlink protocols and mount options as
 * upstream 6.0 accepts them (language.md 3.4-3.13, 7.3), numbered as the
 * kernel numbers them.
 */
#include "check.h"

#include <stdlib.h>
#include <string.h>

struct name_num {
	const char *name;
	int num;
};

static int lookup(const struct name_num *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return t[i].num;
	return -1;
}

#define LOOKUP(t, name) lookup(t, sizeof(t) / sizeof(*(t)), name)

static const struct name_num caps[] = {
	{"chown", 0},
	{"dac_override", 1},
	{"dac_read_search", 2},
	{"fowner", 3},
	{"fsetid", 4},
	{"kill", 5},
	{"setgid", 6},
	{"setuid", 7},
	{"setpcap", 8},
	{"linux_immutable", 9},
	{"net_bind_service", 10},
	{"net_broadcast", 11},
	{"net_admin", 12},
	{"net_raw", 13},
	{"ipc_lock", 14},
	{"ipc_owner", 15},
	{"sys_module", 16},
	{"sys_rawio", 17},
	{"sys_chroot", 18},
	{"sys_ptrace", 19},
	{"sys_pacct", 20},
	{"sys_admin", 21},
	{"sys_boot", 22},
	{"sys_nice", 23},
	{"sys_resource", 24},
	{"sys_time", 25},
	{"sys_tty_config", 26},
	{"mknod", 27},
	{"lease", 28},
	{"audit_write", 29},
	{"audit_control", 30},
	{"setfcap", 31},
	{"mac_override", 32},
	{"mac_admin", 33},
	{"syslog", 34},
	{"wake_alarm", 35},
	{"block_suspend", 36},
	{"audit_read", 37},
	{"perfmon", 38},
	{"bpf", 39},
	{"checkpoint_restore", 40},
};

int fe_cap_lookup(const char *name)
{
	return LOOKUP(caps, name);
}

static const struct name_num sigs[] = {
	{"hup", 1},    {"int", 2},   {"quit", 3},    {"ill", 4},
	{"trap", 5},   {"abrt", 6},  {"bus", 7},     {"fpe", 8},
	{"kill", 9},   {"usr1", 10}, {"segv", 11},   {"usr2", 12},
	{"pipe", 13},  {"alrm", 14}, {"term", 15},   {"stkflt", 16},
	{"chld", 17},  {"cont", 18}, {"stop", 19},   {"stp", 20},
	{"tstp", 20},  {"ttin", 21}, {"ttou", 22},   {"urg", 23},
	{"xcpu", 24},  {"xfsz", 25}, {"vtalrm", 26}, {"prof", 27},
	{"winch", 28}, {"io", 29},   {"poll", 29},   {"pwr", 30},
	{"sys", 31},   {"emt", 32},  {"lost", 33},   {"exists", 35},
};

int fe_signal_lookup(const char *name)
{
	int n = LOOKUP(sigs, name);
	char *end;
	long rt;

	if (n >= 0 || strncmp(name, "rtmin+", 6) != 0)
		return n;
	if (name[6] < '0' || name[6] > '9')
		return -1;
	rt = strtol(name + 6, &end, 10);
	if (*end || rt < 0 || rt > 32)
		return -1;
	return 128 + (int)rt;
}

static const struct name_num rlimits[] = {
	{"cpu", 0},	    {"fsize", 1},     {"data", 2},  {"stack", 3},
	{"core", 4},	    {"rss", 5},	      {"nproc", 6}, {"nofile", 7},
	{"ofile", 7},	    {"memlock", 8},   {"as", 9},    {"locks", 10},
	{"sigpending", 11}, {"msgqueue", 12}, {"nice", 13}, {"rtprio", 14},
	{"rttime", 15},
};

int fe_rlimit_lookup(const char *name)
{
	return LOOKUP(rlimits, name);
}

static const struct name_num families[] = {
	{"unspec", 0},	   {"unix", 1},	     {"inet", 2},
	{"ax25", 3},	   {"ipx", 4},	     {"appletalk", 5},
	{"netrom", 6},	   {"bridge", 7},    {"atmpvc", 8},
	{"x25", 9},	   {"inet6", 10},    {"rose", 11},
	{"netbeui", 13},   {"security", 14}, {"key", 15},
	{"netlink", 16},   {"packet", 17},   {"ash", 18},
	{"econet", 19},	   {"atmsvc", 20},   {"rds", 21},
	{"sna", 22},	   {"irda", 23},     {"pppox", 24},
	{"wanpipe", 25},   {"llc", 26},	     {"ib", 27},
	{"mpls", 28},	   {"can", 29},	     {"tipc", 30},
	{"bluetooth", 31}, {"iucv", 32},     {"rxrpc", 33},
	{"isdn", 34},	   {"phonet", 35},   {"ieee802154", 36},
	{"caif", 37},	   {"alg", 38},	     {"nfc", 39},
	{"vsock", 40},	   {"kcm", 41},	     {"qipcrtr", 42},
	{"smc", 43},	   {"xdp", 44},	     {"mctp", 45},
};

int fe_net_family_lookup(const char *name)
{
	return LOOKUP(families, name);
}

static const struct name_num types[] = {
	{"stream", 1}, {"dgram", 2},	 {"raw", 3},
	{"rdm", 4},    {"seqpacket", 5}, {"packet", 10},
};

int fe_net_type_lookup(const char *name)
{
	return LOOKUP(types, name);
}

static const struct name_num nlprotos[] = {
	{"route", 0},	    {"usersock", 2},
	{"firewall", 3},    {"sock_diag", 4},
	{"inet_diag", 4},   {"nflog", 5},
	{"xfrm", 6},	    {"selinux", 7},
	{"iscsi", 8},	    {"audit", 9},
	{"fib_lookup", 10}, {"connector", 11},
	{"netfilter", 12},  {"ip6_fw", 13},
	{"dnrtmsg", 14},    {"kobject_uevent", 15},
	{"generic", 16},    {"scsitransport", 18},
	{"ecryptfs", 19},   {"rdma", 20},
	{"crypto", 21},	    {"smc", 22},
};

int fe_netlink_proto_lookup(const char *name)
{
	int n = LOOKUP(nlprotos, name);
	char *end;
	long v;

	if (n >= 0)
		return n;
	if (name[0] < '0' || name[0] > '9')
		return -1;
	v = strtol(name, &end, 10);
	if (*end || v < 0 || v > 31)
		return -1;
	return (int)v;
}

static const char *const mount_opts[] = {
	"ro",	       "r",
	"read-only",   "rw",
	"w",	       "suid",
	"nosuid",      "dev",
	"nodev",       "exec",
	"noexec",      "sync",
	"async",       "remount",
	"mand",	       "nomand",
	"dirsync",     "symfollow",
	"nosymfollow", "atime",
	"noatime",     "diratime",
	"nodiratime",  "bind",
	"B",	       "move",
	"M",	       "rbind",
	"R",	       "verbose",
	"silent",      "loud",
	"acl",	       "noacl",
	"unbindable",  "make-unbindable",
	"runbindable", "make-runbindable",
	"private",     "make-private",
	"rprivate",    "make-rprivate",
	"slave",       "make-slave",
	"rslave",      "make-rslave",
	"shared",      "make-shared",
	"rshared",     "make-rshared",
	"relatime",    "norelatime",
	"iversion",    "noiversion",
	"strictatime", "nostrictatime",
	"lazytime",    "nolazytime",
	"user",	       "nouser",
};

bool fe_mount_option_known(const char *name)
{
	for (size_t i = 0; i < sizeof(mount_opts) / sizeof(*mount_opts); i++)
		if (strcmp(mount_opts[i], name) == 0)
			return true;
	return false;
}
