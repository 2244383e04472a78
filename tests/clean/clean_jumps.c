/*
 * Clean program, part 2: control flow that leaves instrumented frames
 * without returning from them.
 *
 *  longjmp     setjmp/longjmp out of deep frames with big and small stack
 *              arrays, many times (the compilers call __asan_handle_no_return
 *              before longjmp; without it the abandoned frames' redzones
 *              stay poisoned, which probe_stack() detects)
 *  signals     handlers with stack arrays reading their siginfo, raised by
 *              raise() and by an interval timer (SIGALRM) while the
 *              program works on its own stack arrays
 *  siglongjmp  siglongjmp out of deep frames of a signal handler
 *  siglongjmp_altstack
 *              the same with the handler on an alternate signal stack
 *              (SA_ONSTACK): the frames abandoned on the thread's own stack
 *              must be cleared too, as compiler-rt does (PlatformUnpoisonStacks)
 *  contexts    makecontext/swapcontext coroutines running instrumented
 *              frames on malloc'd stacks, with setjmp/longjmp inside them
 *  exit        exit() from a deep frame, with an instrumented atexit handler
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <ucontext.h>

#include "clean.h"

/* ---- setjmp / longjmp ---- */

static jmp_buf jump_env;

static noinline void dive(int depth, long acc)
{
	char big[1024];
	char small[7];
	int ints[13];
	volatile char *b = hide(big), *s = hide(small);

	b[0] = (char)depth;
	b[1023] = (char)acc;
	s[6] = b[0];
	ints[hide(depth % 13)] = depth;
	if (depth < 0)
		return;
	if (depth == 0)
		longjmp(jump_env, (int)(acc & 0x7f) + 1);
	dive(depth - 1, acc + s[6] + ints[depth % 13]);
}

void section_longjmp(void)
{
	for (int rep = 0; rep < 2000; rep++) {
		char here[40];
		volatile char *h = hide(here);

		h[39] = 1;
		if (!setjmp(jump_env))
			dive(10 + rep % 17, rep);
		CHECK(h[39] == 1);
		if (rep % 100 == 0)
			probe_stack();
	}
	probe_stack();
	CHECK(stack_work(50) != 0);
}

/* ---- signal handlers ---- */

static volatile sig_atomic_t usr1_count, alarm_count;

static noinline long handler_work(int signo, const siginfo_t *si)
{
	char buf[64];
	int vals[9];
	volatile char *b = hide(buf);

	for (int i = 0; i < 64; i++)
		b[i] = (char)(signo + i);
	for (int i = 0; i < 9; i++)
		vals[hide(i)] = si->si_signo + i;
	return b[63] + vals[8] + stack_work(3);
}

static void on_signal(int signo, siginfo_t *si, void *uc)
{
	char local[33];
	volatile char *l = hide(local);

	(void)uc;
	l[32] = (char)si->si_code;
	if (handler_work(signo, si) == 0)
		l[0] = 1;
	if (signo == SIGUSR1)
		usr1_count++;
	else
		alarm_count++;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

void section_signals(void)
{
	struct sigaction sa, old_usr1, old_alrm;
	struct itimerval it = { { 0, 500 }, { 0, 500 } }, off = { { 0, 0 }, { 0, 0 } };
	long start;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	CHECK(!sigaction(SIGUSR1, &sa, &old_usr1));
	CHECK(!sigaction(SIGALRM, &sa, &old_alrm));

	for (int i = 0; i < 200; i++) {
		char around[21];
		volatile char *a = hide(around);

		a[20] = 1;
		raise(SIGUSR1);
		CHECK(a[20] == 1);
	}
	CHECK(usr1_count == 200);

	/* Interrupt instrumented work at arbitrary points. */
	CHECK(!setitimer(ITIMER_REAL, &it, NULL));
	start = now_ms();
	while (alarm_count < 200 && now_ms() - start < 10000)
		stack_work(20);
	CHECK(!setitimer(ITIMER_REAL, &off, NULL));
	CHECK(alarm_count >= 200);

	sigaction(SIGUSR1, &old_usr1, NULL);
	sigaction(SIGALRM, &old_alrm, NULL);
	probe_stack();
}

/* ---- sigsetjmp / siglongjmp out of a handler ---- */

static sigjmp_buf sig_env;

static noinline void handler_dive(int depth)
{
	char frame[300];
	volatile char *f = hide(frame);

	f[299] = (char)depth;
	if (depth == 0)
		siglongjmp(sig_env, 1);
	handler_dive(depth - 1);
	f[0] = f[299];
}

/* Raise the signal from deep instrumented frames: the jump abandons them. */
static noinline void raise_deep(int depth)
{
	char frame[120];
	volatile char *f = hide(frame);

	f[119] = (char)depth;
	if (depth < 0)
		return;
	if (depth == 0)
		raise(SIGUSR2);
	raise_deep(depth - 1);
	f[0] = 0;
}

static void on_usr2(int signo, siginfo_t *si, void *uc)
{
	char local[50];
	volatile char *l = hide(local);

	(void)uc;
	l[49] = (char)(signo + si->si_signo);
	handler_dive(8 + l[49] % 3);
}

void section_siglongjmp(void)
{
	struct sigaction sa, old;
	volatile int jumps = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_usr2;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	CHECK(!sigaction(SIGUSR2, &sa, &old));
	for (int rep = 0; rep < 300; rep++) {
		char mine[70];
		volatile char *m = hide(mine);

		m[69] = 3;
		if (!sigsetjmp(sig_env, 1)) {
			raise_deep(5 + rep % 7);
			fail("siglongjmp did not happen");
		}
		jumps++;
		CHECK(m[69] == 3);
		if (rep % 50 == 0)
			probe_stack();
	}
	CHECK(jumps == 300);
	sigaction(SIGUSR2, &old, NULL);
	probe_stack();
}

/* ---- the same, the handler running on an alternate signal stack ---- */

void section_siglongjmp_altstack(void)
{
	struct sigaction sa, old;
	stack_t ss, old_ss;
	volatile int jumps = 0;

	ss.ss_sp = malloc(256 * 1024);
	ss.ss_size = 256 * 1024;
	ss.ss_flags = 0;
	CHECK(ss.ss_sp);
	CHECK(!sigaltstack(&ss, &old_ss));
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_usr2;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	CHECK(!sigaction(SIGUSR2, &sa, &old));
	for (int rep = 0; rep < 300; rep++) {
		char mine[70];
		volatile char *m = hide(mine);

		m[69] = 3;
		if (!sigsetjmp(sig_env, 1)) {
			raise_deep(5 + rep % 7);
			fail("siglongjmp did not happen");
		}
		jumps++;
		CHECK(m[69] == 3);
		if (rep % 50 == 0)
			probe_stack();
	}
	CHECK(jumps == 300);
	sigaction(SIGUSR2, &old, NULL);
	CHECK(!sigaltstack(&old_ss, NULL));
	free(ss.ss_sp);
	probe_stack();
}

/* ---- makecontext / swapcontext coroutines ---- */

#define CO_STACK (256 * 1024)

struct coroutine {
	ucontext_t ctx, caller;
	long value;
	int done;
};

static noinline long co_frames(struct coroutine *co, int depth)
{
	char pad[129];
	long nums[6];
	volatile char *p = hide(pad);

	p[128] = (char)depth;
	for (int i = 0; i < 6; i++)
		nums[hide(i)] = depth * i;
	if (depth > 0)
		return co_frames(co, depth - 1) + nums[5] + p[128];
	/* longjmp on the coroutine's stack. */
	if (!setjmp(jump_env))
		dive(6 + depth % 3, depth);
	probe_stack();
	/* Yield from the deepest frame: the caller runs while these frames live on. */
	co->value = nums[5] + stack_work(2);
	swapcontext(&co->ctx, &co->caller);
	return nums[1];
}

static void co_main(unsigned lo, unsigned hi)
{
	struct coroutine *co = (struct coroutine *)(((uintptr_t)hi << 32) | lo);
	char header[45];
	volatile char *h = hide(header);

	h[44] = 1;
	for (int i = 0; i < 20; i++)
		co_frames(co, 5 + i % 4);
	co->done = h[44];
}

static noinline void co_init(struct coroutine *co, char *stack)
{
	memset(co, 0, sizeof(*co));
	CHECK(!getcontext(&co->ctx));
	co->ctx.uc_stack.ss_sp = stack;
	co->ctx.uc_stack.ss_size = CO_STACK;
	co->ctx.uc_link = &co->caller;
	makecontext(&co->ctx, (void (*)(void))co_main, 2,
		    (unsigned)(uintptr_t)co, (unsigned)((uintptr_t)co >> 32));
}

void section_contexts(void)
{
	for (int rep = 0; rep < 20; rep++) {
		struct coroutine cos[3];
		char *stacks[3];
		int live = 3;

		for (int c = 0; c < 3; c++) {
			stacks[c] = malloc(CO_STACK);
			CHECK(stacks[c]);
			co_init(&cos[c], stacks[c]);
		}
		/* Round robin until every coroutine has finished. */
		while (live) {
			live = 0;
			for (int c = 0; c < 3; c++) {
				char between[17];
				volatile char *b = hide(between);

				if (cos[c].done)
					continue;
				b[16] = 2;
				CHECK(!swapcontext(&cos[c].caller, &cos[c].ctx));
				CHECK(b[16] == 2);
				live += !cos[c].done;
			}
		}
		for (int c = 0; c < 3; c++)
			free(stacks[c]);
	}
	probe_stack();
}

/* ---- exit() from a deep frame ---- */

static void at_exit_work(void)
{
	char buf[77];
	volatile char *b = hide(buf);

	b[76] = 1;
	probe_stack();
	CHECK(stack_work(10) != 0);
	printf("ok exit\n");
}

static noinline void exit_dive(int depth)
{
	char frame[200];
	volatile char *f = hide(frame);

	f[199] = 1;
	if (depth < 0)
		return;
	if (depth == 0)
		exit(0);
	exit_dive(depth - 1);
	f[0] = 0;
}

void section_exit(void)
{
	atexit(at_exit_work);
	exit_dive(12);
}
