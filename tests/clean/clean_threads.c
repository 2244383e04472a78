/*
 * Clean program, part 3: threads and thread-local storage.
 *
 *  tls      __thread arrays (no redzones) read and written at every index
 *  threads  6 threads at once doing instrumented work on their stack
 *           arrays, their own slices of global arrays and their TLS
 *           arrays, setjmp/longjmp on their own stacks, and some leaving
 *           through pthread_exit() from deep frames; a second wave of
 *           threads then reuses the cached stacks and probes them for
 *           poison left behind
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include "clean.h"

#define NTHREADS 6

static __thread char tls_bytes[100];
static __thread long tls_longs[33];
static __thread int tls_counter;

static noinline long tls_work(int seed)
{
	volatile char *b = hide(tls_bytes);
	long sum = 0;

	for (int i = 0; i < 100; i++)
		b[i] = (char)(seed + i);
	for (int i = 0; i < 33; i++)
		tls_longs[hide(i)] = b[i * 3] + i;
	for (int i = 0; i < 33; i++)
		sum += tls_longs[i];
	tls_counter++;
	return sum;
}

void section_tls(void)
{
	long first = tls_work(5);

	for (int i = 0; i < 1000; i++)
		CHECK(tls_work(5) == first);
	CHECK(tls_counter == 1001);
	probe_stack();
}

static int global_slices[NTHREADS][257];
static char global_names[NTHREADS][19];

struct thread_arg {
	int index;
	int exit_early;
	long result;
};

static __thread jmp_buf thread_env;

static noinline void thread_dive(int depth)
{
	char frame[400];
	volatile char *f = hide(frame);

	f[399] = (char)depth;
	if (depth < 0)
		return;
	if (depth == 0)
		longjmp(thread_env, 1);
	thread_dive(depth - 1);
	f[0] = 0;
}

static noinline void exit_from_deep(struct thread_arg *arg, int depth)
{
	char frame[250];
	volatile char *f = hide(frame);

	f[249] = 1;
	if (depth < 0)
		return;
	if (depth == 0) {
		arg->result = 1;
		pthread_exit(NULL);
	}
	exit_from_deep(arg, depth - 1);
	f[0] = 0;
}

static void *thread_main(void *p)
{
	struct thread_arg *arg = p;
	int *slice = global_slices[arg->index];
	char name[19];
	volatile long sum = 0;

	snprintf(name, sizeof(name), "worker-%d", arg->index);
	memcpy(global_names[arg->index], name, sizeof(name));
	for (int rep = 0; rep < 200; rep++) {
		for (int i = 0; i < 257; i++)
			slice[hide(i)] = i + rep;
		sum += slice[256] + tls_work(arg->index) + stack_work(10);
		if (!setjmp(thread_env))
			thread_dive(6 + rep % 5);
	}
	probe_stack();
	if (arg->exit_early)
		exit_from_deep(arg, 15);
	arg->result = sum;
	return NULL;
}

static void run_wave(int exit_early)
{
	pthread_t t[NTHREADS];
	struct thread_arg args[NTHREADS];

	for (int i = 0; i < NTHREADS; i++) {
		args[i].index = i;
		args[i].exit_early = exit_early && (i % 2);
		args[i].result = 0;
		CHECK(!pthread_create(&t[i], NULL, thread_main, &args[i]));
	}
	for (int i = 0; i < NTHREADS; i++) {
		CHECK(!pthread_join(t[i], NULL));
		CHECK(args[i].result != 0);
	}
}

void section_threads(void)
{
	run_wave(1);	/* half of them leave through pthread_exit() */
	run_wave(0);	/* glibc hands the cached stacks to these */
	run_wave(0);
	probe_stack();
}
