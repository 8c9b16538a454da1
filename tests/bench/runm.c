/* runm: run one command and report its wall time, CPU time and peak RSS.
 * bench.py runs every measured parser through it: a Python child would
 * carry the interpreter's page tables into the measured process (its
 * ru_maxrss and fork cost), a small C parent does not. bench.sh compiles
 * it into BUILD/bench/; it is not part of the product.
 * Usage: runm RESULT_FILE CPU_SECONDS COMMAND [ARG...]
 * RESULT_FILE gets "WALL_S CPU_S MAXRSS_KB STATUS", STATUS being the exit
 * code, or minus the signal number when the command was killed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

static double elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void run_child(char **argv, long cpu)
{
	struct rlimit rl = {(rlim_t)cpu, (rlim_t)cpu + 5};

	if (cpu > 0 && setrlimit(RLIMIT_CPU, &rl))
		perror("runm: setrlimit");
	execvp(argv[0], argv);
	fprintf(stderr, "runm: %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	int status, code;
	FILE *out;
	pid_t pid;

	if (argc < 4) {
		fputs("usage: runm RESULT_FILE CPU_SECONDS COMMAND [ARG...]\n",
		      stderr);
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("runm: fork");
		return 2;
	}
	if (pid == 0)
		run_child(argv + 3, atol(argv[2]));
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("runm: wait4");
			return 2;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	code = WIFSIGNALED(status) ? -WTERMSIG(status) : WEXITSTATUS(status);
	out = fopen(argv[1], "w");
	if (!out) {
		perror(argv[1]);
		return 2;
	}
	fprintf(out, "%.6f %.6f %ld %d\n", elapsed(&t0, &t1),
		seconds(&ru.ru_utime) + seconds(&ru.ru_stime), ru.ru_maxrss,
		code);
	if (fclose(out)) {
		perror(argv[1]);
		return 2;
	}
	return 0;
}
