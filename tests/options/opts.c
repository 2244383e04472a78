/*
 * Options test program (tests/options): what VMKASAN_OPTIONS changes.
 *
 *   opts none     no bug: must exit 0 with nothing on stderr
 *   opts two      two bugs (a global out of bounds in first_bug, then a
 *                 stack out of bounds in second_bug), with markers on
 *                 stdout: "BUG1" before the first, "AFTER1" after it,
 *                 "AFTER2" after the second, then "END"
 *   opts thread   one bug in a second thread named "opts-worker", which
 *                 prints "TID <tid>"
 *   opts fork     one bug in a forked child, which prints "CHILD <pid>";
 *                 the parent prints "CHILDSTATUS <exit status>" and exits 0
 *   opts race     8 threads, started together, each making 25 bugs (a
 *                 global out of bounds in race_bug): reports from several
 *                 threads at once
 *
 * Always prints "MAIN <pid>" first, so a test can tell that main ran and
 * which log file (log_path=PATH writes PATH.<pid>) is this process's.
 * stdout is unbuffered: a run that ends inside a report keeps its markers.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define noinline __attribute__((noinline))
#define hide(x) ({ __typeof__((x) + 0) hide_v_ = (x); __asm__("" : "+r"(hide_v_)); hide_v_; })

char opts_global[10];

noinline void first_bug(void)
{
	volatile char *p = hide(opts_global);

	(void)p[hide(10)];
}

noinline void second_bug(void)
{
	char local[8];
	volatile char *p = hide(local);

	p[hide(8)] = 1;
}

noinline int no_bug(void)
{
	char local[8];
	volatile char *p = hide(local);

	for (int i = 0; i < 8; i++)
		p[i] = (char)i;
	return p[7] + opts_global[hide(9)];
}

noinline void thread_bug(void)
{
	volatile char *p = hide(opts_global);

	p[hide(11)] = 0;
}

#define RACE_THREADS 8
#define RACE_BUGS 25

/* Eight distinct globals: each has its own redzone. */
char race_g0[24], race_g1[24], race_g2[24], race_g3[24], race_g4[24], race_g5[24], race_g6[24],
	race_g7[24];
static char *const race_globals[RACE_THREADS] = {
	race_g0, race_g1, race_g2, race_g3, race_g4, race_g5, race_g6, race_g7,
};
static pthread_barrier_t race_barrier;

noinline void race_bug(int t, int i)
{
	volatile char *p = hide(race_globals[t]);

	p[hide(24 + i % 8)] = 1;
}

static void *race_main(void *arg)
{
	int t = (int)(long)arg;

	pthread_barrier_wait(&race_barrier);
	for (int i = 0; i < RACE_BUGS; i++)
		race_bug(t, i);
	return NULL;
}

static void *thread_main(void *arg)
{
	(void)arg;
	prctl(PR_SET_NAME, "opts-worker", 0, 0, 0);
	printf("TID %ld\n", (long)syscall(SYS_gettid));
	thread_bug();
	return NULL;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("MAIN %d\n", (int)getpid());
	if (argc == 2 && !strcmp(argv[1], "none")) {
		printf("RESULT %d\n", no_bug());
	} else if (argc == 2 && !strcmp(argv[1], "two")) {
		printf("BUG1\n");
		first_bug();
		printf("AFTER1\n");
		second_bug();
		printf("AFTER2\n");
	} else if (argc == 2 && !strcmp(argv[1], "thread")) {
		pthread_t t;

		if (pthread_create(&t, NULL, thread_main, NULL) || pthread_join(t, NULL))
			return 3;
	} else if (argc == 2 && !strcmp(argv[1], "fork")) {
		int status = -1;
		pid_t child = fork();

		if (child == 0) {
			printf("CHILD %d\n", (int)getpid());
			first_bug();
			exit(0);
		}
		if (child < 0 || waitpid(child, &status, 0) != child)
			return 3;
		printf("CHILDSTATUS %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	} else if (argc == 2 && !strcmp(argv[1], "race")) {
		pthread_t t[RACE_THREADS];

		pthread_barrier_init(&race_barrier, NULL, RACE_THREADS);
		for (long i = 0; i < RACE_THREADS; i++)
			if (pthread_create(&t[i], NULL, race_main, (void *)i))
				return 3;
		for (int i = 0; i < RACE_THREADS; i++)
			pthread_join(t[i], NULL);
	} else {
		fprintf(stderr, "usage: %s none|two|thread|fork|race\n", argv[0]);
		return 3;
	}
	printf("END\n");
	return 0;
}
