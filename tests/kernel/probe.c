/* Kernel-test probe: runs inside the VM under the profile being tested,
 * checks that /proc/self/attr/current names the expected label, performs
 * exactly one operation named on its command line and prints one line:
 * ALLOW, DENY <errno>, ERROR <what> <errno> or WRONGLABEL <got>.
 * Built static (gcc -static); knows nothing of the compiler under test.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/auxv.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <linux/netlink.h>

#define PROBE_TOKEN "1234abcd"

struct probe_op {
	const char *name;		   /* first word after the label */
	int nargs;			   /* arguments it needs at least */
	int (*run)(char **argv, int argc); /* 0 or -errno of the step tested */
};

static void probe_out(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* One line on stdout, written with one write() so that lines of processes
 * sharing the pipe never interleave. */
static void probe_out(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(1, buf, n) < 0)
		_exit(5);
}

static const char *probe_errname(int e)
{
	const char *s = strerrorname_np(e);

	return s ? s : "E?";
}

/* Ends the probe with the verdict for the step that was tested. */
static int probe_verdict(int err)
{
	if (err == 0) {
		probe_out("ALLOW");
		return 0;
	}
	if (err == EACCES || err == EPERM) {
		probe_out("DENY %s", probe_errname(err));
		return 1;
	}
	probe_out("ERROR op %s", probe_errname(err));
	return 2;
}

/* A failed preparation step: never a verdict on the policy. */
static int probe_fail(const char *what, int err)
{
	probe_out("ERROR %s %s", what, probe_errname(err));
	exit(2);
}

/* Removes every " (mode)" group, so "a//&b (enforce)" reads "a//&b". */
static void probe_strip_modes(char *s)
{
	char *r = s, *w = s;

	while (*r) {
		if (r[0] == ' ' && r[1] == '(') {
			char *e = strchr(r, ')');

			if (e) {
				r = e + 1;
				continue;
			}
		}
		if (*r == '\n')
			break;
		*w++ = *r++;
	}
	*w = '\0';
}

static int probe_read_label(char *buf, size_t len)
{
	int fd = open("/proc/self/attr/current", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	probe_strip_modes(buf);
	return 0;
}

/* Verifies the label; prints WRONGLABEL and exits when it differs. */
static void probe_expect_label(const char *want)
{
	char got[4096];
	int rc = probe_read_label(got, sizeof(got));

	if (rc)
		probe_fail("label-read", -rc);
	if (strcmp(got, want) != 0) {
		probe_out("WRONGLABEL want=%s got=%s", want, got);
		exit(3);
	}
}

/* Writes one command to an attr file, preferring attr/apparmor/. */
static int probe_attr_write(const char *file, const char *cmd)
{
	char path[64];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/attr/apparmor/%s", file);
	fd = open(path, O_WRONLY);
	if (fd < 0 && errno == ENOENT) {
		snprintf(path, sizeof(path), "/proc/self/attr/%s", file);
		fd = open(path, O_WRONLY);
	}
	if (fd < 0)
		return -errno;
	n = write(fd, cmd, strlen(cmd));
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	return 0;
}

static int probe_dispatch(char **argv, int argc);

/* After a label change: check the new label, run the nested op (or
 * none), print its verdict and end the probe. */
static _Noreturn void probe_continue(const char *label, char **argv, int argc)
{
	probe_expect_label(label);
	if (argc == 0)
		exit(probe_verdict(0));
	exit(probe_dispatch(argv, argc));
}

static int op_none(char **argv, int argc)
{
	(void)argv;
	(void)argc;
	return 0;
}

static int op_read(char **argv, int argc)
{
	char c;
	int fd = open(argv[0], O_RDONLY);

	(void)argc;
	if (fd < 0)
		return -errno;
	if (read(fd, &c, 1) < 0)
		return -errno;
	close(fd);
	return 0;
}

/* Opens for writing and writes one byte; a refusal of the write()
 * after an allowed open is printed apart, as "DENY <errno> at write". */
static int probe_open_write(const char *path, int flags)
{
	int fd = open(path, O_WRONLY | flags, 0644);

	if (fd < 0)
		return -errno;
	if (write(fd, "x", 1) < 0) {
		if (errno == EACCES || errno == EPERM) {
			probe_out("DENY %s at write", probe_errname(errno));
			exit(1);
		}
		return -errno;
	}
	close(fd);
	return 0;
}

static int op_write(char **argv, int argc)
{
	(void)argc;
	return probe_open_write(argv[0], 0);
}

static int op_append(char **argv, int argc)
{
	(void)argc;
	return probe_open_write(argv[0], O_APPEND);
}

/* open-append PATH: only the open (O_WRONLY|O_APPEND), no write() */
static int op_open_append(char **argv, int argc)
{
	int fd = open(argv[0], O_WRONLY | O_APPEND);

	(void)argc;
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int op_create(char **argv, int argc)
{
	(void)argc;
	return probe_open_write(argv[0], O_CREAT | O_EXCL);
}

static int op_unlink(char **argv, int argc)
{
	(void)argc;
	return unlink(argv[0]) ? -errno : 0;
}

static int op_mkdir(char **argv, int argc)
{
	(void)argc;
	return mkdir(argv[0], 0755) ? -errno : 0;
}

static int op_rmdir(char **argv, int argc)
{
	(void)argc;
	return rmdir(argv[0]) ? -errno : 0;
}

static int op_rename(char **argv, int argc)
{
	(void)argc;
	return rename(argv[0], argv[1]) ? -errno : 0;
}

static int op_link(char **argv, int argc)
{
	(void)argc;
	return link(argv[0], argv[1]) ? -errno : 0;
}

static int op_symlink(char **argv, int argc)
{
	(void)argc;
	return symlink(argv[0], argv[1]) ? -errno : 0;
}

static int op_chmod(char **argv, int argc)
{
	(void)argc;
	return chmod(argv[0], strtoul(argv[1], NULL, 8)) ? -errno : 0;
}

static int op_lock(char **argv, int argc)
{
	int fd = open(argv[0], O_RDONLY);

	(void)argc;
	if (fd < 0)
		probe_fail("open", errno);
	if (flock(fd, LOCK_SH))
		return -errno;
	close(fd);
	return 0;
}

static int op_mmap_exec(char **argv, int argc)
{
	int fd = open(argv[0], O_RDONLY);
	void *p;

	(void)argc;
	if (fd < 0)
		probe_fail("open", errno);
	p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	munmap(p, 4096);
	close(fd);
	return 0;
}

/* exec PATH LABEL [OP ARGS...]: the exec'd probe reports the verdict. */
static int op_exec(char **argv, int argc)
{
	char *nargv[argc + 2];
	int i;

	nargv[0] = argv[0];
	for (i = 1; i < argc; i++)
		nargv[i] = argv[i];
	nargv[argc] = NULL;
	execv(argv[0], nargv);
	return -errno;
}

static int probe_cap_socket_bind(void)
{
	struct sockaddr_in sa;
	int s = socket(AF_INET, SOCK_STREAM, 0);

	if (s < 0)
		probe_fail("socket", errno);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(80);
	sa.sin_addr.s_addr = htonl(INADDR_ANY);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)))
		return -errno;
	close(s);
	return 0;
}

static int probe_cap_mlock(void)
{
	struct rlimit rl = {0, 0};
	void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (page == MAP_FAILED)
		probe_fail("mmap", errno);
	if (setrlimit(RLIMIT_MEMLOCK, &rl))
		probe_fail("setrlimit", errno);
	if (mlock(page, 4096))
		return -errno;
	munlock(page, 4096);
	return 0;
}

/* Lowering a hard limit needs nothing; raising it again needs
 * CAP_SYS_RESOURCE. */
static int probe_cap_resource(void)
{
	struct rlimit rl = {64, 64};

	if (setrlimit(RLIMIT_NOFILE, &rl))
		probe_fail("setrlimit", errno);
	rl.rlim_cur = rl.rlim_max = 128;
	return setrlimit(RLIMIT_NOFILE, &rl) ? -errno : 0;
}

/* cap NAME [PATH]: one system call that needs exactly that capability. */
static int op_cap(char **argv, int argc)
{
	const char *c = argv[0];
	const char *p = argc > 1 ? argv[1] : "/k/cap/file";

	if (!strcmp(c, "chown"))
		return chown(p, 1000, 1000) ? -errno : 0;
	if (!strcmp(c, "fowner"))
		return chmod(p, 0600) ? -errno : 0;
	if (!strcmp(c, "dac_override"))
		return probe_open_write(p, 0);
	if (!strcmp(c, "dac_read_search")) {
		char *a[] = {(char *)p};

		return op_read(a, 1);
	}
	if (!strcmp(c, "mknod"))
		return mknod(p, S_IFCHR | 0600, makedev(1, 3)) ? -errno : 0;
	if (!strcmp(c, "setuid"))
		return setuid(1000) ? -errno : 0;
	if (!strcmp(c, "setgid"))
		return setgid(1000) ? -errno : 0;
	if (!strcmp(c, "sys_chroot"))
		return chroot("/") ? -errno : 0;
	if (!strcmp(c, "sys_admin"))
		return sethostname("kt", 2) ? -errno : 0;
	if (!strcmp(c, "sys_nice"))
		return setpriority(PRIO_PROCESS, 0, -5) ? -errno : 0;
	if (!strcmp(c, "setpcap"))
		return prctl(PR_CAPBSET_DROP, 37, 0, 0, 0) ? -errno : 0;
	if (!strcmp(c, "net_bind_service"))
		return probe_cap_socket_bind();
	if (!strcmp(c, "net_raw")) {
		int s = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);

		if (s < 0)
			return -errno;
		close(s);
		return 0;
	}
	if (!strcmp(c, "ipc_lock"))
		return probe_cap_mlock();
	if (!strcmp(c, "sys_resource"))
		return probe_cap_resource();
	probe_fail("unknown-cap", EINVAL);
	return -EINVAL;
}

static int probe_lookup(const char *s, const char *const *names,
			const int *vals, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(s, names[i]))
			return vals[i];
	if (s[0] >= '0' && s[0] <= '9')
		return atoi(s);
	probe_fail("unknown-name", EINVAL);
	return -1;
}

/* socket FAMILY TYPE [PROTOCOL]: create one socket. */
static int op_socket(char **argv, int argc)
{
	static const char *const fam_n[] = {"unix", "inet", "inet6", "netlink",
					    "packet"};
	static const int fam_v[] = {AF_UNIX, AF_INET, AF_INET6, AF_NETLINK,
				    AF_PACKET};
	static const char *const type_n[] = {"stream", "dgram", "raw",
					     "seqpacket", "rdm"};
	static const int type_v[] = {SOCK_STREAM, SOCK_DGRAM, SOCK_RAW,
				     SOCK_SEQPACKET, SOCK_RDM};
	int fam = probe_lookup(argv[0], fam_n, fam_v, 5);
	int type = probe_lookup(argv[1], type_n, type_v, 5);
	int proto = argc > 2 ? atoi(argv[2]) : 0;
	int s = socket(fam, type, proto);

	if (s < 0)
		return -errno;
	close(s);
	return 0;
}

/* inet-connect PORT: create an inet stream socket and connect it to
 * 127.0.0.1:PORT; a refused connection still passed the policy check. */
static int op_inet_connect(char **argv, int argc)
{
	struct sockaddr_in sa;
	int s = socket(AF_INET, SOCK_STREAM, 0);

	(void)argc;
	if (s < 0)
		return -errno;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(atoi(argv[0]));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) &&
	    errno != ECONNREFUSED)
		return -errno;
	close(s);
	return 0;
}

/* unix-connect NAME: a unix stream socket bound to the abstract address
 * @NAME and listening, and a second one connecting to it. */
static int op_unix_connect(char **argv, int argc)
{
	struct sockaddr_un sa;
	socklen_t len;
	int s, c;

	(void)argc;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path + 1, sizeof(sa.sun_path) - 1, "%s", argv[0]);
	len = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(argv[0]);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0)
		return -errno;
	if (bind(s, (struct sockaddr *)&sa, len) || listen(s, 1))
		return -errno;
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	if (c < 0)
		return -errno;
	if (connect(c, (struct sockaddr *)&sa, len))
		return -errno;
	close(c);
	close(s);
	return 0;
}

static int probe_signum(const char *s)
{
	static const char *const n[] = {"hup",	"int",	"quit", "kill", "usr1",
					"usr2", "term", "cont", "stop"};
	static const int v[] = {SIGHUP,	 SIGINT,  SIGQUIT, SIGKILL, SIGUSR1,
				SIGUSR2, SIGTERM, SIGCONT, SIGSTOP};

	return probe_lookup(s, n, v, 9);
}

static int op_signal(char **argv, int argc)
{
	(void)argc;
	return kill(atoi(argv[1]), probe_signum(argv[0])) ? -errno : 0;
}

static int op_ptrace_attach(char **argv, int argc)
{
	pid_t pid = atoi(argv[0]);

	(void)argc;
	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL))
		return -errno;
	waitpid(pid, NULL, __WALL);
	ptrace(PTRACE_DETACH, pid, NULL, NULL);
	return 0;
}

/* ptrace-read PID: a PTRACE_MODE_READ access (kcmp of two fds). */
static int op_ptrace_read(char **argv, int argc)
{
	pid_t pid = atoi(argv[0]);
	char c;
	char path[64];
	int fd;

	(void)argc;
	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	if (read(fd, &c, 1) < 0)
		return -errno;
	close(fd);
	return 0;
}

static unsigned long probe_mount_flags(const char *s)
{
	static const char *const n[] = {
		"ro",	 "nosuid",  "nodev",   "noexec",   "bind",
		"rbind", "remount", "private", "rprivate", "move"};
	static const unsigned long v[] = {
		MS_RDONLY,  MS_NOSUID,	MS_NODEV,
		MS_NOEXEC,  MS_BIND,	MS_BIND | MS_REC,
		MS_REMOUNT, MS_PRIVATE, MS_PRIVATE | MS_REC,
		MS_MOVE};
	unsigned long f = 0;
	char buf[256], *tok, *save = NULL;
	int i;

	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < 10; i++)
			if (!strcmp(tok, n[i]))
				break;
		if (i == 10)
			probe_fail("unknown-mount-flag", EINVAL);
		f |= v[i];
	}
	return f;
}

/* Mount operations run in a private copy of the mount namespace. */
static void probe_unshare_mnt(void)
{
	if (unshare(CLONE_NEWNS))
		probe_fail("unshare", errno);
}

/* mount FSTYPE SOURCE TARGET [FLAGS]; "-" for no fstype or source */
static int op_mount(char **argv, int argc)
{
	const char *fs = strcmp(argv[0], "-") ? argv[0] : NULL;
	const char *src = strcmp(argv[1], "-") ? argv[1] : NULL;
	unsigned long f = argc > 3 ? probe_mount_flags(argv[3]) : 0;

	probe_unshare_mnt();
	return mount(src, argv[2], fs, f, NULL) ? -errno : 0;
}

static int op_umount(char **argv, int argc)
{
	(void)argc;
	probe_unshare_mnt();
	return umount2(argv[0], 0) ? -errno : 0;
}

static int op_pivot_root(char **argv, int argc)
{
	(void)argc;
	probe_unshare_mnt();
	return syscall(SYS_pivot_root, argv[0], argv[1]) ? -errno : 0;
}

static int probe_resource(const char *s)
{
	static const char *const n[] = {
		"nofile", "stack", "core",    "nproc",	  "cpu",  "fsize",
		"data",	  "as",	   "memlock", "msgqueue", "nice", "rtprio"};
	static const int v[] = {RLIMIT_NOFILE,	 RLIMIT_STACK, RLIMIT_CORE,
				RLIMIT_NPROC,	 RLIMIT_CPU,   RLIMIT_FSIZE,
				RLIMIT_DATA,	 RLIMIT_AS,    RLIMIT_MEMLOCK,
				RLIMIT_MSGQUEUE, RLIMIT_NICE,  RLIMIT_RTPRIO};

	return probe_lookup(s, n, v, 12);
}

/* getrlimit RES N: the hard limit the profile set must be exactly N. */
static int op_getrlimit(char **argv, int argc)
{
	struct rlimit rl;
	unsigned long long want = strtoull(argv[1], NULL, 0);

	(void)argc;
	if (getrlimit(probe_resource(argv[0]), &rl))
		probe_fail("getrlimit", errno);
	if ((unsigned long long)rl.rlim_max != want) {
		probe_out("ERROR hard-limit %llu",
			  (unsigned long long)rl.rlim_max);
		exit(2);
	}
	return 0;
}

/* setrlimit RES N: set soft and hard limit to N. */
static int op_setrlimit(char **argv, int argc)
{
	struct rlimit rl;

	(void)argc;
	rl.rlim_cur = strtoull(argv[1], NULL, 0);
	rl.rlim_max = rl.rlim_cur;
	return setrlimit(probe_resource(argv[0]), &rl) ? -errno : 0;
}

/* hat HAT NEWLABEL [OP...]: change_hat with a token, then go on. The
 * kernel refuses a hat the profile does not have with ENOENT: that is a
 * refusal of this operation, printed as DENY ENOENT. */
static int op_hat(char **argv, int argc)
{
	char cmd[300];
	int rc;

	snprintf(cmd, sizeof(cmd), "changehat %s^%s", PROBE_TOKEN, argv[0]);
	rc = probe_attr_write("current", cmd);
	if (rc == -ENOENT) {
		probe_out("DENY ENOENT");
		exit(1);
	}
	if (rc)
		return rc;
	probe_continue(argv[1], argv + 2, argc - 2);
}

/* hat-return HAT PARENTLABEL: into the hat and back out with the token. */
static int op_hat_return(char **argv, int argc)
{
	char cmd[300];
	int rc;

	(void)argc;
	snprintf(cmd, sizeof(cmd), "changehat %s^%s", PROBE_TOKEN, argv[0]);
	rc = probe_attr_write("current", cmd);
	if (rc)
		probe_fail("enter-hat", -rc);
	snprintf(cmd, sizeof(cmd), "changehat %s^", PROBE_TOKEN);
	rc = probe_attr_write("current", cmd);
	if (rc)
		return rc;
	probe_expect_label(argv[1]);
	return 0;
}

/* change-profile / stack TARGET NEWLABEL [OP...]: immediate change. */
static int probe_change_now(const char *verb, char **argv, int argc)
{
	char cmd[600];
	int rc;

	snprintf(cmd, sizeof(cmd), "%s %s", verb, argv[0]);
	rc = probe_attr_write("current", cmd);
	if (rc)
		return rc;
	probe_continue(argv[1], argv + 2, argc - 2);
}

static int op_change_profile(char **argv, int argc)
{
	return probe_change_now("changeprofile", argv, argc);
}

static int op_stack(char **argv, int argc)
{
	return probe_change_now("stack", argv, argc);
}

/* onexec / stack-onexec TARGET PATH NEWLABEL [OP...] */
static int probe_change_exec(const char *verb, char **argv, int argc)
{
	char cmd[600];
	int rc;

	snprintf(cmd, sizeof(cmd), "%s %s", verb, argv[0]);
	rc = probe_attr_write("exec", cmd);
	if (rc)
		return rc;
	return op_exec(argv + 1, argc - 1);
}

static int op_onexec(char **argv, int argc)
{
	return probe_change_exec("exec", argv, argc);
}

static int op_stack_onexec(char **argv, int argc)
{
	return probe_change_exec("stack", argv, argc);
}

/* wait: a peer for signal and ptrace checks; says READY and lives until
 * its standard input (the runner's lifeline pipe) is closed, because a
 * signal from the unconfined runner may be refused by its profile. */
static int op_wait(char **argv, int argc)
{
	char c;

	(void)argv;
	(void)argc;
	probe_out("READY");
	while (read(0, &c, 1) > 0 || errno == EINTR)
		;
	exit(0);
}

/* at-secure 0|1: the exec was (not) a secure one (environment scrubbed,
 * AT_SECURE set), as the exec transition's unsafe bit says. */
static int op_at_secure(char **argv, int argc)
{
	unsigned long want = strtoul(argv[0], NULL, 10);
	unsigned long got = getauxval(AT_SECURE);

	(void)argc;
	if (got != want) {
		probe_out("ERROR at-secure %lu", got);
		exit(2);
	}
	return 0;
}

static const struct probe_op probe_ops[] = {
	{"none", 0, op_none},
	{"read", 1, op_read},
	{"write", 1, op_write},
	{"append", 1, op_append},
	{"open-append", 1, op_open_append},
	{"create", 1, op_create},
	{"unlink", 1, op_unlink},
	{"mkdir", 1, op_mkdir},
	{"rmdir", 1, op_rmdir},
	{"rename", 2, op_rename},
	{"link", 2, op_link},
	{"symlink", 2, op_symlink},
	{"chmod", 2, op_chmod},
	{"lock", 1, op_lock},
	{"mmap-exec", 1, op_mmap_exec},
	{"exec", 2, op_exec},
	{"cap", 1, op_cap},
	{"socket", 2, op_socket},
	{"inet-connect", 1, op_inet_connect},
	{"unix-connect", 1, op_unix_connect},
	{"signal", 2, op_signal},
	{"ptrace-attach", 1, op_ptrace_attach},
	{"ptrace-read", 1, op_ptrace_read},
	{"mount", 3, op_mount},
	{"umount", 1, op_umount},
	{"pivot-root", 2, op_pivot_root},
	{"getrlimit", 2, op_getrlimit},
	{"setrlimit", 2, op_setrlimit},
	{"hat", 2, op_hat},
	{"hat-return", 2, op_hat_return},
	{"change-profile", 2, op_change_profile},
	{"stack", 2, op_stack},
	{"onexec", 3, op_onexec},
	{"stack-onexec", 3, op_stack_onexec},
	{"wait", 0, op_wait},
	{"at-secure", 1, op_at_secure},
};

/* Runs argv[0] as an operation with argv[1..] as its arguments. */
static int probe_dispatch(char **argv, int argc)
{
	size_t i;

	for (i = 0; i < sizeof(probe_ops) / sizeof(probe_ops[0]); i++) {
		if (strcmp(argv[0], probe_ops[i].name))
			continue;
		if (argc - 1 < probe_ops[i].nargs)
			probe_fail("missing-arguments", EINVAL);
		return probe_verdict(-probe_ops[i].run(argv + 1, argc - 1));
	}
	probe_fail("unknown-op", EINVAL);
	return 2;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s LABEL [OP ARGS...]\n", argv[0]);
		return 2;
	}
	probe_expect_label(argv[1]);
	if (argc == 2)
		return probe_verdict(0);
	return probe_dispatch(argv + 2, argc - 2);
}
