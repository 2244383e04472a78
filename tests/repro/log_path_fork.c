/*
 * Reproducer (runtime bug): with log_path=PATH a forked child's report
 * goes to PATH.<parent pid>, not PATH.<child pid>.
 *
 *   build/bin/vmkasan-cc -g -O1 tests/repro/log_path_fork.c -o /tmp/lf
 *   rm -f /tmp/lf-log.*; VMKASAN_OPTIONS=log_path=/tmp/lf-log /tmp/lf; ls /tmp/lf-log.*
 *
 * Expected: /tmp/lf-log.<child pid> holding the child's report (what
 * log_path promises, and what ASan does: it reopens the log when the pid
 * changes).  Got: only /tmp/lf-log.<parent pid>, holding it.
 * Options test: tests/options/opts.c fork.
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

char g[8];

int main(void)
{
	pid_t child = fork();

	if (child == 0) {
		volatile char *p = g;
		long i = 8;

		__asm__("" : "+r"(i));
		printf("child %d\n", (int)getpid());
		return p[i];
	}
	printf("parent %d\n", (int)getpid());
	waitpid(child, NULL, 0);
	return 0;
}
