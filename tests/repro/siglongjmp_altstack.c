/*
 * Reproducer (runtime bug): siglongjmp out of a handler running on an
 * alternate signal stack leaves the abandoned frames of the thread's own
 * stack poisoned: a false positive follows.
 *
 *   build/bin/vmkasan-cc -g -O1 tests/repro/siglongjmp_altstack.c -o /tmp/sa && /tmp/sa
 *
 * Expected: no report, "done".  Got: BUG: KASAN: stack-out-of-bounds in
 * touch (stale F1/F2/F3 shadow of deep()'s frames).  __asan_handle_no_return
 * clears only [sp, top of the mapping holding sp), i.e. the altstack.
 * compiler-rt (PlatformUnpoisonStacks) clears the whole alternate stack
 * and, when running on it, the whole default thread stack.
 * Clean program: tests/clean/clean_jumps.c section siglongjmp_altstack.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sigjmp_buf env;

/* Instrumented writes through a pointer. */
__attribute__((noinline)) static void touch(volatile char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = 0;
}

__attribute__((noinline)) static void deep(int d)
{
	char frame[256];

	touch(frame, sizeof(frame));
	if (d == 0)
		raise(SIGUSR1);
	else
		deep(d - 1);
	touch(frame, 1);
}

static void handler(int sig)
{
	(void)sig;
	siglongjmp(env, 1);
}

/* Uninstrumented: its frame's shadow is whatever was left there. */
__attribute__((noinline, no_sanitize_address)) static void probe(void)
{
	char raw[8192];

	touch(raw, sizeof(raw));
}

int main(void)
{
	stack_t ss = { .ss_sp = malloc(65536), .ss_size = 65536 };
	struct sigaction sa;

	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR1, &sa, NULL);
	if (!sigsetjmp(env, 1))
		deep(8);
	probe();
	printf("done\n");
	return 0;
}
