/* Kernel-test runner, inside the VM and unconfined: loads policy blobs
 * with one write each, then runs every check of a checks file: rebuilds
 * the area's fixtures, starts peers, starts the probe under the check's
 * profile, compares its verdict with the expectation, prints one line per
 * check and a summary. Knows nothing of the compiler under test.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#define KT_PROBE "/bin/probe"
#define KT_ROOT "/k"
#define KT_MAXFIX 128
#define KT_MAXARG 32
#define KT_MAXPEER 4
#define KT_TIMEOUT_MS 15000

struct kt_area {
	char name[128];	      /* suite file the lines came from */
	char *fix[KT_MAXFIX]; /* fixture lines, in order */
	int nfix;
};

struct kt_counts {
	int passed;
	int failed;
};

/* Loads one blob with a single write() of the whole file: one write is
 * one all-or-nothing load transaction for the kernel. */
static int kt_load(const char *path)
{
	struct stat st;
	char *buf;
	int fd = open(path, O_RDONLY);
	ssize_t n, w;

	if (fd < 0 || fstat(fd, &st))
		return -errno;
	buf = malloc(st.st_size + 1);
	if (!buf)
		return -ENOMEM;
	n = read(fd, buf, st.st_size);
	close(fd);
	if (n < 0 || n != st.st_size) {
		free(buf);
		return n < 0 ? -errno : -EIO;
	}
	fd = open("/sys/kernel/security/apparmor/.replace", O_WRONLY);
	if (fd < 0) {
		free(buf);
		return -errno;
	}
	w = write(fd, buf, n);
	if (w < 0)
		w = -errno;
	close(fd);
	free(buf);
	if (w < 0)
		return w;
	return w == n ? 0 : -EIO;
}

static int kt_rm_one(const char *path, const struct stat *st, int flag,
		     struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* mkdir -p of the directory that holds PATH */
static void kt_mkparent(const char *path)
{
	char buf[512];
	char *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(buf, 0755);
		*p = '/';
	}
}

static int kt_split(char *s, char **v, int max)
{
	int n = 0;
	char *save = NULL;
	char *t;

	for (t = strtok_r(s, " \t\n", &save); t && n < max;
	     t = strtok_r(NULL, " \t\n", &save))
		v[n++] = t;
	return n;
}

/* Replaces a hard link (a BIN fixture shares the probe's inode) by a
 * copy, so that an xattr set on it stays on that one path. */
static int kt_unshare_inode(const char *path)
{
	char buf[4096];
	char tmp[520];
	struct stat st;
	int in, out;
	ssize_t n;

	if (stat(path, &st))
		return -1;
	if (st.st_nlink < 2)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	in = open(path, O_RDONLY);
	out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, st.st_mode & 07777);
	if (in < 0 || out < 0)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			return -1;
	close(in);
	close(out);
	return rename(tmp, path);
}

/* Undoes the previous check: detaches its mounts, removes /k. */
static void kt_teardown(const struct kt_area *a)
{
	char line[512];
	char *v[8];
	int i, n;

	for (i = a->nfix - 1; i >= 0; i--) {
		snprintf(line, sizeof(line), "%s", a->fix[i]);
		n = kt_split(line, v, 8);
		if (n >= 3 && !strcmp(v[0], "MOUNT"))
			umount2(v[2], MNT_DETACH);
	}
	nftw(KT_ROOT, kt_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Builds the area's fixtures; returns 0 or a message. */
static const char *kt_setup(const struct kt_area *a)
{
	char line[512];
	char *v[8];
	int i, n;

	kt_teardown(a);
	mkdir(KT_ROOT, 0755);
	for (i = 0; i < a->nfix; i++) {
		mode_t mode, dflt;
		uid_t uid;

		snprintf(line, sizeof(line), "%s", a->fix[i]);
		n = kt_split(line, v, 8);
		if (n < 2)
			return "short fixture line";
		kt_mkparent(v[!strcmp(v[0], "MOUNT") && n > 2 ? 2 : 1]);
		dflt = v[0][0] == 'D' ? 0755 : 0644;
		mode = n > 2 ? (mode_t)strtoul(v[2], NULL, 8) : dflt;
		uid = n > 3 ? (uid_t)atoi(v[3]) : 0;
		if (!strcmp(v[0], "DIR")) {
			if (mkdir(v[1], mode) && errno != EEXIST)
				return "mkdir";
		} else if (!strcmp(v[0], "FILE")) {
			int fd = open(v[1], O_WRONLY | O_CREAT | O_TRUNC, 0600);

			if (fd < 0 || write(fd, "data\n", 5) != 5)
				return "create file";
			close(fd);
		} else if (!strcmp(v[0], "BIN")) {
			if (link(KT_PROBE, v[1]))
				return "link probe";
			continue;
		} else if (!strcmp(v[0], "XATTR") && n == 4) {
			if (kt_unshare_inode(v[1]))
				return "copy before setxattr";
			if (lsetxattr(v[1], v[2], v[3], strlen(v[3]), 0))
				return "setxattr";
			continue;
		} else if (!strcmp(v[0], "MOUNT") && n == 3) {
			mkdir(v[2], 0755);
			if (mount(v[1], v[2], v[1], 0, NULL))
				return "mount";
			continue;
		} else {
			return "unknown fixture";
		}
		if (chmod(v[1], mode))
			return "chmod";
		if (uid && chown(v[1], uid, uid))
			return "chown";
	}
	return NULL;
}

/* Reads what a child writes until EOF or timeout; returns bytes read. */
static size_t kt_collect(int fd, char *buf, size_t len, int ms, bool line)
{
	struct timespec t0, t1;
	size_t got = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (got < len - 1) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		long el;
		ssize_t n;

		clock_gettime(CLOCK_MONOTONIC, &t1);
		el = (t1.tv_sec - t0.tv_sec) * 1000 +
		     (t1.tv_nsec - t0.tv_nsec) / 1000000;
		if (el >= ms || poll(&p, 1, ms - el) <= 0)
			break;
		n = read(fd, buf + got, len - 1 - got);
		if (n <= 0)
			break;
		got += n;
		if (line && memchr(buf, '\n', got))
			break;
	}
	buf[got] = '\0';
	return got;
}

/* Splits "SPAWN=LABEL" (or "SPAWN") into the profile written to
 * attr/exec and the label the probe must find. */
static void kt_spawn_label(char *spec, const char **spawn, const char **label)
{
	char *eq = strchr(spec, '=');

	*spawn = spec;
	*label = spec;
	if (eq) {
		*eq = '\0';
		*label = eq + 1;
	}
}

/* A started probe: its pid, the read end of its output, and the write end
 * of its lifeline (its standard input). */
struct kt_proc {
	pid_t pid;
	int out;
	int life;
};

/* Starts /bin/probe under SPAWN with its stdout/stderr on a pipe. */
static int kt_start(const char *spawn, char **pargv, struct kt_proc *pr)
{
	int p[2], l[2];
	pid_t pid;

	if (pipe(p))
		return -1;
	if (pipe(l)) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		char cmd[600];
		int afd;

		setpgid(0, 0);
		dup2(l[0], 0);
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		close(l[0]);
		close(l[1]);
		if (strcmp(spawn, "unconfined")) {
			snprintf(cmd, sizeof(cmd), "exec %s", spawn);
			afd = open("/proc/self/attr/apparmor/exec", O_WRONLY);
			if (afd < 0)
				afd = open("/proc/self/attr/exec", O_WRONLY);
			if (afd < 0 || write(afd, cmd, strlen(cmd)) < 0) {
				dprintf(1, "ERROR spawn-exec-attr %s\n",
					strerrorname_np(errno));
				_exit(2);
			}
			close(afd);
		}
		execv(KT_PROBE, pargv);
		dprintf(1, "ERROR spawn-exec %s\n", strerrorname_np(errno));
		_exit(2);
	}
	close(p[1]);
	close(l[0]);
	pr->pid = pid;
	pr->out = p[0];
	pr->life = l[1];
	return 0;
}

/* Ends a probe: closes its lifeline and output, waits up to 3 s for it
 * (a profile may refuse the runner's signals), then kills it. */
static void kt_stop(struct kt_proc *pr)
{
	int i;

	close(pr->life);
	close(pr->out);
	for (i = 0; i < 600; i++) {
		if (waitpid(pr->pid, NULL, WNOHANG) == pr->pid)
			return;
		if (i == 300) {
			kill(-pr->pid, SIGKILL);
			kill(pr->pid, SIGKILL);
		}
		usleep(i < 100 ? 1000 : 10000);
	}
	printf("KT WARNING process %d does not end\n", (int)pr->pid);
}

/* Starts a peer for "@peer:SPEC"; returns 0, or -1 with a message. */
static int kt_peer(char *spec, struct kt_proc *pr, char *out, size_t outlen)
{
	const char *spawn, *label;
	char *pargv[4];
	char buf[256];

	kt_spawn_label(spec, &spawn, &label);
	pargv[0] = (char *)KT_PROBE;
	pargv[1] = (char *)label;
	pargv[2] = (char *)"wait";
	pargv[3] = NULL;
	if (kt_start(spawn, pargv, pr))
		return -1;
	kt_collect(pr->out, buf, sizeof(buf), KT_TIMEOUT_MS, true);
	if (strncmp(buf, "READY", 5)) {
		buf[strcspn(buf, "\n")] = '\0';
		snprintf(out, outlen, "peer %s: %s", spec, buf);
		kt_stop(pr);
		return -1;
	}
	return 0;
}

/* Runs one "CHECK ID SPAWN[=LABEL] OP ARGS... => WANT [explicit]" line;
 * writes the probe's verdict line to got. Returns true on a match. */
static bool kt_check(char *line, const char *pass, struct kt_counts *c)
{
	char *v[KT_MAXARG + 8];
	char *pargv[KT_MAXARG + 4];
	char got[512] = "";
	char pidbuf[KT_MAXPEER][16];
	struct kt_proc peers[KT_MAXPEER], pr;
	const char *spawn, *label, *want;
	int n, i, arrow, npeer = 0, np = 0;
	bool ok;

	n = kt_split(line, v, KT_MAXARG + 8);
	for (arrow = 0; arrow < n && strcmp(v[arrow], "=>"); arrow++)
		;
	if (n < 4 || arrow >= n - 1) {
		printf("KT %s FAIL malformed-check\n", pass);
		c->failed++;
		return false;
	}
	want = v[arrow + 1];
	kt_spawn_label(v[2], &spawn, &label);
	pargv[np++] = (char *)KT_PROBE;
	pargv[np++] = (char *)label;
	for (i = 3; i < arrow; i++) {
		if (!strncmp(v[i], "@peer:", 6)) {
			if (npeer == KT_MAXPEER)
				break;
			if (kt_peer(v[i] + 6, &peers[npeer], got, sizeof(got)))
				goto out;
			snprintf(pidbuf[npeer], 16, "%d",
				 (int)peers[npeer].pid);
			pargv[np++] = pidbuf[npeer++];
		} else {
			pargv[np++] = v[i];
		}
	}
	pargv[np] = NULL;
	if (kt_start(spawn, pargv, &pr)) {
		snprintf(got, sizeof(got), "ERROR fork");
		goto out;
	}
	if (!kt_collect(pr.out, got, sizeof(got), KT_TIMEOUT_MS, false))
		snprintf(got, sizeof(got), "ERROR no-output-or-timeout");
	kt_stop(&pr);
	got[strcspn(got, "\n")] = '\0';
out:
	for (i = 0; i < npeer; i++)
		kt_stop(&peers[i]);
	ok = !strncmp(got, want, strlen(want)) &&
	     (got[strlen(want)] == '\0' || got[strlen(want)] == ' ');
	if (ok)
		c->passed++;
	else
		c->failed++;
	printf("KT %s %s %s want=%s got=%s\n", pass, ok ? "PASS" : "FAIL", v[1],
	       want, got);
	fflush(stdout);
	return ok;
}

/* Reads the checks file and runs it; prints the summary line. */
static int kt_run(const char *pass, const char *file)
{
	struct kt_area *a = calloc(1, sizeof(*a));
	struct kt_counts c = {0, 0};
	struct timespec t0, t1;
	char line[1024];
	FILE *f = fopen(file, "r");

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!f || !a) {
		printf("KT %s ERROR cannot read %s\n", pass, file);
		return 2;
	}
	while (fgets(line, sizeof(line), f)) {
		const char *err;

		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "AREA ", 5)) {
			kt_teardown(a);
			while (a->nfix)
				free(a->fix[--a->nfix]);
			snprintf(a->name, sizeof(a->name), "%.120s", line + 5);
		} else if (!strncmp(line, "CHECK ", 6)) {
			err = kt_setup(a);
			if (err) {
				printf("KT %s FAIL %s fixture: %s (%s)\n", pass,
				       line + 6, err, strerrorname_np(errno));
				c.failed++;
				continue;
			}
			kt_check(line, pass, &c);
		} else if (line[0] && a->nfix < KT_MAXFIX) {
			a->fix[a->nfix++] = strdup(line);
		}
	}
	fclose(f);
	kt_teardown(a);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("KT %s SUMMARY passed=%d failed=%d seconds=%ld\n", pass,
	       c.passed, c.failed, (long)(t1.tv_sec - t0.tv_sec));
	fflush(stdout);
	return c.failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	int i, rc = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 3 && !strcmp(argv[1], "load")) {
		for (i = 2; i < argc; i++) {
			int e = kt_load(argv[i]);

			printf("KT LOAD %s %s %s\n", e ? "FAIL" : "OK", argv[i],
			       e ? strerrorname_np(-e) : "");
			rc |= e != 0;
		}
		return rc;
	}
	if (argc == 4 && !strcmp(argv[1], "run"))
		return kt_run(argv[2], argv[3]);
	fprintf(stderr, "usage: ktrun load BLOB... | ktrun run PASS CHECKS\n");
	return 2;
}
