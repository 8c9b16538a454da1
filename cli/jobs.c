/* The job runner of -j (cli.md 3.5): a pool of forked worker processes,
 * each compiling one unit after another with its stdout and stderr
 * captured, and the main process taking the results strictly in input
 * order, so output, kernel writes and exit status are those of a one-job
 * run. Workers live for the whole run so their heap stays warm. Knows
 * nothing of what a unit does.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"

/* Header of one result as a worker sends it, followed by the captured
 * stdout, stderr, the label and the data.
 */
struct cli_wire {
	uint64_t unit;
	int32_t rc;
	uint8_t cached, remove, has_data, has_label;
	uint64_t out_len, err_len, label_len, len;
};

/* A finished unit waiting for its turn. */
struct cli_done {
	bool ready;
	char *out, *err; /* captured streams, malloc'd */
	size_t out_len, err_len;
	struct cli_result res;
};

/* One worker process. */
struct cli_worker {
	pid_t pid;   /* 0 when gone */
	int cmd;     /* write unit numbers here */
	int res;     /* read results here */
	size_t unit; /* unit being compiled */
	bool busy;
};

void cli_result_free(struct cli_result *r)
{
	free(r->label);
	free(r->data);
	memset(r, 0, sizeof(*r));
}

long cli_jobs_count(const struct cli *c, size_t nunits)
{
	long cpus, jobs, cap;

	if (c->jobs == 0)
		return 0;
	/* every setting allows one worker: skip the sysfs read of the cpus */
	if (nunits <= 1)
		return (long)nunits;
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (cpus < 1)
		cpus = 1;
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

static bool cli_read_all(int fd, void *p, size_t n)
{
	char *s = p;

	while (n) {
		ssize_t r = read(fd, s, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		s += r;
		n -= (size_t)r;
	}
	return true;
}

/* The bytes written to a capture file since it was emptied. */
static char *cli_slurp(int fd, size_t *len)
{
	off_t end = lseek(fd, 0, SEEK_END);
	char *buf;

	*len = 0;
	if (end <= 0)
		return NULL;
	buf = xmalloc((size_t)end);
	if (pread(fd, buf, (size_t)end, 0) != end) {
		free(buf);
		return NULL;
	}
	*len = (size_t)end;
	return buf;
}

static void cli_empty(int fd)
{
	if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		_exit(3);
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

/* A worker: compile each unit number read from @cmd, send its result
 * with the captured output to @res; exit when @cmd closes.
 */
static void cli_worker_main(int cmd, int res, const struct cli_job_ops *ops,
			    void *ctx)
{
	int out = cli_memfd("aacc-out");
	int err = cli_memfd("aacc-err");
	uint64_t unit;

	if (out < 0 || err < 0 || dup2(out, STDOUT_FILENO) < 0 ||
	    dup2(err, STDERR_FILENO) < 0)
		_exit(3);
	while (cli_read_all(cmd, &unit, sizeof(unit))) {
		struct cli_result r = {0};
		struct cli_wire w = {0};
		char *o, *e;
		bool ok;

		cli_empty(STDOUT_FILENO);
		cli_empty(STDERR_FILENO);
		ops->run(ctx, (size_t)unit, &r);
		fflush(stdout);
		fflush(stderr);
		o = cli_slurp(STDOUT_FILENO, &w.out_len);
		e = cli_slurp(STDERR_FILENO, &w.err_len);
		w.unit = unit;
		w.rc = r.rc;
		w.cached = r.cached;
		w.remove = r.remove;
		w.has_data = r.has_data;
		w.has_label = r.label != NULL;
		w.label_len = r.label ? strlen(r.label) : 0;
		w.len = r.len;
		ok = cli_write_all(res, &w, sizeof(w)) &&
		     cli_write_all(res, o, w.out_len) &&
		     cli_write_all(res, e, w.err_len) &&
		     cli_write_all(res, r.label, w.label_len) &&
		     cli_write_all(res, r.data, w.len);
		free(o);
		free(e);
		cli_result_free(&r);
		if (!ok)
			_exit(3);
	}
	_exit(0);
}

static bool cli_worker_start(struct cli_worker *ws, long k,
			     const struct cli_job_ops *ops, void *ctx)
{
	struct cli_worker *w = &ws[k];
	int cmd[2], res[2];

	if (pipe2(cmd, O_CLOEXEC) < 0)
		return false;
	if (pipe2(res, O_CLOEXEC) < 0) {
		close(cmd[0]);
		close(cmd[1]);
		return false;
	}
	fflush(stdout);
	fflush(stderr);
	w->pid = fork();
	if (w->pid < 0) {
		w->pid = 0;
		close(cmd[0]);
		close(cmd[1]);
		close(res[0]);
		close(res[1]);
		return false;
	}
	if (w->pid == 0) {
		/* the other workers' pipes must not stay open here, or they
		 * would never see the end of their command pipe
		 */
		for (long i = 0; i < k; i++) {
			if (ws[i].pid) {
				close(ws[i].cmd);
				close(ws[i].res);
			}
		}
		close(cmd[1]);
		close(res[0]);
		cli_worker_main(cmd[0], res[1], ops, ctx);
	}
	close(cmd[0]);
	close(res[1]);
	w->cmd = cmd[1];
	w->res = res[0];
	w->busy = false;
	return true;
}

static void cli_worker_stop(struct cli_worker *w, bool kill_it)
{
	if (!w->pid)
		return;
	close(w->cmd);
	close(w->res);
	if (kill_it)
		kill(w->pid, SIGKILL);
	while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
		;
	w->pid = 0;
}

/* Reads one result from a worker into @done; false when the worker died
 * (its unit then fails, and the worker is stopped).
 */
static bool cli_worker_receive(struct cli_worker *w, struct cli_done *done,
			       size_t n)
{
	struct cli_wire h;
	struct cli_done *d;

	if (!cli_read_all(w->res, &h, sizeof(h)) || h.unit != w->unit ||
	    h.unit >= n)
		return false;
	d = &done[h.unit];
	d->out_len = h.out_len;
	d->err_len = h.err_len;
	d->out = h.out_len ? xmalloc(h.out_len) : NULL;
	d->err = h.err_len ? xmalloc(h.err_len) : NULL;
	d->res.rc = h.rc;
	d->res.cached = h.cached;
	d->res.remove = h.remove;
	d->res.has_data = h.has_data;
	if (h.has_label) {
		d->res.label = xmalloc(h.label_len + 1);
		d->res.label[h.label_len] = '\0';
	}
	if (h.len) {
		d->res.data = xmalloc(h.len);
		d->res.len = h.len;
	}
	if (!cli_read_all(w->res, d->out, h.out_len) ||
	    !cli_read_all(w->res, d->err, h.err_len) ||
	    !cli_read_all(w->res, d->res.label, h.label_len) ||
	    !cli_read_all(w->res, d->res.data, h.len))
		return false;
	d->ready = true;
	w->busy = false;
	return true;
}

/* The worker died while compiling its unit: the unit fails. */
static void cli_worker_lost(struct cli_worker *w, struct cli_done *done)
{
	struct cli_done *d = &done[w->unit];
	char msg[128];
	int len;

	free(d->out);
	free(d->err);
	cli_result_free(&d->res);
	memset(d, 0, sizeof(*d));
	len = snprintf(msg, sizeof(msg),
		       "Error: the worker compiling input %zu died\n",
		       w->unit + 1);
	d->err = xmalloc((size_t)len);
	memcpy(d->err, msg, (size_t)len);
	d->err_len = (size_t)len;
	d->res.rc = 1;
	d->ready = true;
	w->busy = false;
	cli_worker_stop(w, true);
}

static void cli_run_serial(size_t n, const struct cli_job_ops *ops, void *ctx)
{
	for (size_t i = 0; i < n; i++) {
		struct cli_result res = {0};
		bool stop;

		ops->run(ctx, i, &res);
		fflush(stdout);
		stop = ops->emit(ctx, i, &res);
		cli_result_free(&res);
		if (stop)
			break;
	}
}

/* Hands out units to idle workers; false when no worker is left. */
static bool cli_dispatch(struct cli_worker *ws, long nw, size_t *next, size_t n,
			 bool trace)
{
	bool alive = false;

	for (long k = 0; k < nw; k++) {
		uint64_t unit = *next;

		if (!ws[k].pid)
			continue;
		alive = true;
		if (ws[k].busy || *next >= n)
			continue;
		if (!cli_write_all(ws[k].cmd, &unit, sizeof(unit))) {
			cli_worker_stop(&ws[k], true);
			continue;
		}
		ws[k].unit = (size_t)unit;
		ws[k].busy = true;
		if (trace)
			fprintf(stderr, "JOBS: input %zu to worker %ld\n",
				*next + 1, (long)ws[k].pid);
		(*next)++;
	}
	return alive;
}

/* Waits for results and reads every one that is ready. */
static void cli_collect(struct cli_worker *ws, long nw, struct cli_done *done,
			size_t n, bool trace)
{
	struct pollfd *pf = xcalloc((size_t)nw, sizeof(*pf));
	long *map = xcalloc((size_t)nw, sizeof(*map));
	nfds_t np = 0;

	for (long k = 0; k < nw; k++) {
		if (!ws[k].pid || !ws[k].busy)
			continue;
		pf[np].fd = ws[k].res;
		pf[np].events = POLLIN;
		pf[np].revents = 0;
		map[np++] = k;
	}
	while (np && poll(pf, np, -1) < 0) {
		if (errno != EINTR) {
			np = 0;
			break;
		}
	}
	for (nfds_t i = 0; i < np; i++) {
		struct cli_worker *w = &ws[map[i]];

		if (!pf[i].revents)
			continue;
		if (!cli_worker_receive(w, done, n))
			cli_worker_lost(w, done);
		else if (trace)
			fprintf(stderr, "JOBS: input %zu done by worker %ld\n",
				w->unit + 1, (long)w->pid);
	}
	free(pf);
	free(map);
}

void cli_jobs_run(size_t n, long jobs, bool trace,
		  const struct cli_job_ops *ops, void *ctx)
{
	struct cli_worker *ws;
	struct cli_done *done;
	size_t next = 0, emit = 0;
	long nw = 0;
	bool stop = false;

	if (jobs <= 1 || n <= 1) {
		cli_run_serial(n, ops, ctx);
		return;
	}
	ws = xcalloc((size_t)jobs, sizeof(*ws));
	done = xcalloc(n, sizeof(*done));
	while (nw < jobs && cli_worker_start(ws, nw, ops, ctx))
		nw++;
	while (emit < n && !stop) {
		struct cli_done *d = &done[emit];

		if (!d->ready) {
			if (cli_dispatch(ws, nw, &next, n, trace)) {
				cli_collect(ws, nw, done, n, trace);
				continue;
			}
			/* no worker left: run it here */
			ops->run(ctx, emit, &d->res);
			fflush(stdout);
			d->ready = true;
		}
		if (d->out_len)
			fwrite(d->out, 1, d->out_len, stdout);
		fflush(stdout);
		if (d->err_len)
			fwrite(d->err, 1, d->err_len, stderr);
		fflush(stderr);
		stop = ops->emit(ctx, emit, &d->res);
		free(d->out);
		free(d->err);
		cli_result_free(&d->res);
		emit++;
		cli_dispatch(ws, nw, &next, n, trace);
	}
	/* After --abort-on-error the results of units still running are
	 * dropped, but their workers finish them rather than being killed
	 * in the middle of a cache write (which would leave its temporary
	 * file behind).
	 */
	for (long k = 0; k < nw; k++)
		cli_worker_stop(&ws[k], false);
	for (size_t i = emit; i < n; i++) {
		free(done[i].out);
		free(done[i].err);
		cli_result_free(&done[i].res);
	}
	free(done);
	free(ws);
}
