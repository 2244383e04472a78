// SPDX-License-Identifier: MIT
/*
 * measure: run a command, then print its wall time, CPU time (user +
 * system, all threads) and peak resident set size on one line to the
 * file named by the first argument:
 *
 *   measure OUTFILE command [args...]
 *   -> "seconds=1.234567 maxrss_kib=12345 status=0 cpu_seconds=1.200000"
 *
 * Peak RSS is the child's ru_maxrss from wait4 (KiB on Linux: the high
 * water mark of the whole process, all threads).  The command's stdout
 * and stderr are left alone.  CPU time is what a program costs whatever
 * else runs on the machine: on a shared machine its wall time also holds
 * the time it waited for a CPU.  Used by bench/run-bench.sh and
 * bench/run-malloc-bench.sh, so that they need no /usr/bin/time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	int status;
	pid_t pid;
	FILE *f;

	if (argc < 3) {
		fprintf(stderr, "usage: measure OUTFILE command [args...]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("measure: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror("measure: exec");
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("measure: wait4");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	f = fopen(argv[1], "w");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	fprintf(f, "seconds=%.6f maxrss_kib=%ld status=%d cpu_seconds=%.6f\n",
		(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		ru.ru_maxrss,
		WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
		(double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
			(double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
	return fclose(f) ? 2 : 0;
}
