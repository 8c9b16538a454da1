/* The job runner of -j (cli.md 3.5): compiles units in forked workers,
 * each with stdout and stderr captured in memory files, and hands the
 * results to the main process strictly in input order, so output, kernel
 * writes and exit status are those of a one-job run. Knows nothing of
 * what a unit does.
 */
#include "cli.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"

/* Header of a result as a worker writes it. */
struct cli_wire {
	int32_t rc;
	uint8_t cached, remove, has_data, pad;
	uint64_t label_len; /* UINT64_MAX: no label */
	uint64_t len;
};

/* A unit running or finished in a worker. */
struct cli_slot {
	pid_t pid; /* 0 once reaped */
	int out, err, res; /* memory files */
	int status; /* wait status */
	bool started, done;
};

void cli_result_free(struct cli_result *r)
{
	free(r->label);
	free(r->data);
	memset(r, 0, sizeof(*r));
}

long cli_jobs_count(const struct cli *c, size_t nunits)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	long jobs, cap;

	if (cpus < 1)
		cpus = 1;
	if (c->jobs == 0)
		return 0;
	if (c->max_jobs == -2)
		cap = (long)nunits;
	else if (c->max_jobs == -1)
		cap = 8 * cpus;
	else
		cap = c->max_jobs;
	if (c->jobs > 0) {
		jobs = c->jobs;
	} else if (c->jobs == -2) {
		jobs = (long)nunits;
		cap = jobs;
	} else {
		jobs = c->jobs_mul ? c->jobs_mul * cpus : cpus;
	}
	if (cap > 0 && jobs > cap)
		jobs = cap;
	if ((size_t)jobs > nunits)
		jobs = (long)nunits;
	return jobs;
}

static bool cli_write_all(int fd, const void *p, size_t n)
{
	const char *s = p;

	while (n) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		s += w;
		n -= (size_t)w;
	}
	return true;
}

static bool cli_pread_all(int fd, void *p, size_t n, off_t off)
{
	char *s = p;

	while (n) {
		ssize_t r = pread(fd, s, n, off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		s += r;
		n -= (size_t)r;
		off += r;
	}
	return true;
}

/* Copies a memory file to a stream. */
static void cli_copy_out(int fd, FILE *to)
{
	char buf[65536];
	off_t off = 0;
	ssize_t r;

	while ((r = pread(fd, buf, sizeof(buf), off)) > 0) {
		fwrite(buf, 1, (size_t)r, to);
		off += r;
	}
	fflush(to);
}

static void cli_result_send(int fd, const struct cli_result *r)
{
	struct cli_wire w = { 0 };
	bool ok;

	w.rc = r->rc;
	w.cached = r->cached;
	w.remove = r->remove;
	w.has_data = r->has_data;
	w.label_len = r->label ? strlen(r->label) : UINT64_MAX;
	w.len = r->len;
	ok = cli_write_all(fd, &w, sizeof(w));
	if (ok && r->label)
		ok = cli_write_all(fd, r->label, w.label_len);
	if (ok && r->len)
		ok = cli_write_all(fd, r->data, r->len);
	if (!ok)
		_exit(3);
}

static bool cli_result_receive(int fd, struct cli_result *r)
{
	struct cli_wire w;
	off_t off = sizeof(w);

	memset(r, 0, sizeof(*r));
	if (!cli_pread_all(fd, &w, sizeof(w), 0))
		return false;
	r->rc = w.rc;
	r->cached = w.cached;
	r->remove = w.remove;
	r->has_data = w.has_data;
	if (w.label_len != UINT64_MAX) {
		r->label = xmalloc(w.label_len + 1);
		if (!cli_pread_all(fd, r->label, w.label_len, off))
			return false;
		r->label[w.label_len] = '\0';
		off += (off_t)w.label_len;
	}
	if (w.len) {
		r->data = xmalloc(w.len);
		r->len = w.len;
		if (!cli_pread_all(fd, r->data, w.len, off))
			return false;
	}
	return true;
}

static void cli_run_serial(size_t n, const struct cli_job_ops *ops,
			   void *ctx)
{
	for (size_t i = 0; i < n; i++) {
		struct cli_result res = { 0 };
		bool stop;

		ops->run(ctx, i, &res);
		fflush(stdout);
		stop = ops->emit(ctx, i, &res);
		cli_result_free(&res);
		if (stop)
			break;
	}
}

static int cli_memfd(const char *name)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	if (fd < 0) {
		FILE *f = tmpfile();

		if (!f)
			return -1;
		fd = dup(fileno(f));
		fclose(f);
	}
	return fd;
}

static void cli_slot_close(struct cli_slot *s)
{
	if (s->out >= 0)
		close(s->out);
	if (s->err >= 0)
		close(s->err);
	if (s->res >= 0)
		close(s->res);
	s->out = s->err = s->res = -1;
}

/* Starts unit @i in a worker; false when no worker could be made. */
static bool cli_slot_start(struct cli_slot *s, size_t i,
			   const struct cli_job_ops *ops, void *ctx,
			   bool trace)
{
	s->out = cli_memfd("aacc-out");
	s->err = cli_memfd("aacc-err");
	s->res = cli_memfd("aacc-res");
	if (s->out < 0 || s->err < 0 || s->res < 0) {
		cli_slot_close(s);
		return false;
	}
	fflush(stdout);
	fflush(stderr);
	s->pid = fork();
	if (s->pid < 0) {
		s->pid = 0;
		cli_slot_close(s);
		return false;
	}
	if (s->pid == 0) {
		struct cli_result res = { 0 };

		if (dup2(s->out, STDOUT_FILENO) < 0 ||
		    dup2(s->err, STDERR_FILENO) < 0)
			_exit(3);
		ops->run(ctx, i, &res);
		fflush(stdout);
		fflush(stderr);
		cli_result_send(s->res, &res);
		_exit(0);
	}
	s->started = true;
	if (trace)
		fprintf(stderr, "JOBS: unit %zu started in worker %ld\n", i,
			(long)s->pid);
	return true;
}

/* Waits for one worker and marks its slot done; false when there is
 * none to wait for.
 */
static bool cli_reap_one(struct cli_slot *slots, size_t n, bool trace)
{
	int status;
	pid_t pid;

	do
		pid = waitpid(-1, &status, 0);
	while (pid < 0 && errno == EINTR);
	if (pid <= 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (slots[i].pid == pid) {
			slots[i].pid = 0;
			slots[i].status = status;
			slots[i].done = true;
			if (trace)
				fprintf(stderr,
					"JOBS: unit %zu finished in worker %ld\n",
					i, (long)pid);
			return true;
		}
	}
	return true;
}

/* The result of finished unit @i, with its captured output copied. */
static void cli_slot_collect(struct cli_slot *s, size_t i,
			     struct cli_result *res)
{
	cli_copy_out(s->out, stdout);
	cli_copy_out(s->err, stderr);
	if (!WIFEXITED(s->status) || WEXITSTATUS(s->status) != 0 ||
	    !cli_result_receive(s->res, res)) {
		cli_result_free(res);
		if (WIFSIGNALED(s->status))
			fprintf(stderr,
				"Error: the worker compiling unit %zu was killed by signal %d\n",
				i, WTERMSIG(s->status));
		else
			fprintf(stderr,
				"Error: the worker compiling unit %zu failed\n",
				i);
		res->rc = 1;
	}
	cli_slot_close(s);
}

void cli_jobs_run(size_t n, long jobs, bool trace,
		  const struct cli_job_ops *ops, void *ctx)
{
	struct cli_slot *slots;
	size_t next = 0, emit = 0;
	long running = 0;
	bool stop = false;

	if (jobs <= 1 || n <= 1) {
		cli_run_serial(n, ops, ctx);
		return;
	}
	slots = xcalloc(n, sizeof(*slots));
	for (size_t i = 0; i < n; i++)
		slots[i].out = slots[i].err = slots[i].res = -1;
	while (emit < n && !stop) {
		struct cli_result res = { 0 };

		while (running < jobs && next < n) {
			if (!cli_slot_start(&slots[next], next, ops, ctx,
					    trace))
				break;
			next++;
			running++;
		}
		if (!slots[emit].started) {
			/* no worker could be made: run it here */
			ops->run(ctx, emit, &res);
			fflush(stdout);
			next = next > emit + 1 ? next : emit + 1;
		} else {
			while (!slots[emit].done) {
				if (!cli_reap_one(slots, n, trace)) {
					slots[emit].done = true;
					slots[emit].status = 3 << 8;
					break;
				}
				running--;
			}
			cli_slot_collect(&slots[emit], emit, &res);
		}
		stop = ops->emit(ctx, emit, &res);
		cli_result_free(&res);
		emit++;
	}
	/* --abort-on-error: the units after the failure are dropped. */
	for (size_t i = emit; i < n; i++) {
		if (slots[i].pid > 0) {
			kill(slots[i].pid, SIGKILL);
			waitpid(slots[i].pid, NULL, 0);
		}
		cli_slot_close(&slots[i]);
	}
	free(slots);
}
