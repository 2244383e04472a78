/*
 * VMAP stacks (item 6 of the test plan), run with vmap_stack=1.
 *
 *   stacks locals        a thread's locals live in the vmalloc space
 *   stacks stack_oob     stack-out-of-bounds on a vmalloc'd stack, with
 *                        the frame description
 *   stacks overflow      deep recursion on a thread: stack-overflow
 *   stacks overflow_run  the same on vmkasan_run_on_vmap_stack(64 KiB)
 *   stacks reap          50 threads made and joined one after another:
 *                        their stacks are freed, live areas stay bounded
 *
 * Same protocol as cases.c (EXPECT lines, then AFTER <case>); the
 * overflow cases end the program, so they print no AFTER.
 */
#include <pthread.h>
#include "vmtest.h"

static void *thread_locals(void *arg)
{
	char local[16];
	int *ok = arg;

	memset(local, 1, sizeof(local));
	*ok = is_vmalloc_addr(local) && is_vmalloc_addr(__builtin_frame_address(0));
	return NULL;
}

static void run_thread(void *(*fn)(void *), void *arg)
{
	pthread_t t;

	if (pthread_create(&t, NULL, fn, arg)) {
		vt_fail("pthread_create failed");
		exit(1);
	}
	pthread_join(t, NULL);
}

static noinline void locals(void)
{
	int ok = 0;
	char here;

	say("EXPECT_REPORTS 0");
	run_thread(thread_locals, &ok);
	CHECK(ok, "a thread's locals are not in the vmalloc space");
	CHECK(!is_vmalloc_addr(&here), "main's locals are in the vmalloc space");
}

static noinline void stack_oob_frame(void)
{
	char buf[8];

	memset(buf, 0, sizeof(buf));
	CHECK(is_vmalloc_addr(buf), "the thread's stack is not vmalloc'd");
	expect_bug("stack-out-of-bounds", "stack_oob_frame");
	expect_access("Read", 1, hide(&buf[0]) + 10);
	/* Linux 6.12's words, then vmalloc_dump_obj's line for the stack. */
	say("EXPECT_TEXT The buggy address belongs to stack of task");
	say("EXPECT_TEXT  and is located at offset 42 in frame:");
	say("EXPECT_TEXT This frame has 1 object:");
	say("EXPECT_TEXT ) 'buf'");	/* gcc's ':line' suffix removed, as Linux does */
	say("EXPECT_TEXT -page vmalloc region starting at 0x");
	((volatile char *)hide(&buf[0]))[10];
}

static void *thread_oob(void *arg)
{
	(void)arg;
	stack_oob_frame();
	return NULL;
}

static noinline void stack_oob(void)
{
	run_thread(thread_oob, NULL);
}

/* Deep recursion with small frames (a frame must not jump the guard). */
static noinline int recurse(int depth)
{
	volatile char pad[40];

	pad[depth % 40] = (char)depth;
	if (depth > (1 << 30))
		return 0;
	return recurse(depth + 1) + pad[(depth + 1) % 40];
}

static void *thread_overflow(void *arg)
{
	(void)arg;
	recurse(0);
	return NULL;
}

static noinline void overflow(void)
{
	expect_bug("stack-overflow", "recurse");
	say("EXPECT_TEXT overflowed its vmalloc'd stack");
	say("EXPECT_DEATH");
	run_thread(thread_overflow, NULL);
	vt_fail("the recursion returned");
}

static void overflow_fn(void *arg)
{
	(void)arg;
	recurse(0);
}

static noinline void overflow_run(void)
{
	expect_bug("stack-overflow", "recurse");
	say("EXPECT_TEXT overflowed its vmalloc'd stack");
	say("EXPECT_DEATH");
	CHECK(vmkasan_run_on_vmap_stack(overflow_fn, NULL, 64 * 1024) == 0, "no vmap stack");
	vt_fail("the recursion returned");
}

static void *thread_nothing(void *arg)
{
	char local[64];

	memset(local, 2, sizeof(local));
	*(int *)arg = is_vmalloc_addr(local);
	return NULL;
}

static noinline void reap(void)
{
	struct vmkasan_stats s0, s;
	unsigned long max_live = 0;	/* live areas seen while making threads */
	int on_vmalloc = 0;

	say("EXPECT_REPORTS 0");
	get_stats(&s0);
	for (int i = 0; i < 50; i++) {
		int v = 0;

		run_thread(thread_nothing, &v);
		on_vmalloc += v;
		get_stats(&s);
		if (s.live_areas > max_live)
			max_live = s.live_areas;
	}
	CHECK(on_vmalloc == 50, "%d of 50 threads ran on a vmalloc'd stack", on_vmalloc);
	/* The stack of the thread just joined and the few whose end the
	 * kernel has not yet made visible (tgkill); never anywhere near 50. */
	CHECK(max_live <= s0.live_areas + 4, "up to %lu live areas while making 50 threads (%lu before)",
	      max_live, s0.live_areas);
	vm_unmap_aliases();
	get_stats(&s);
	CHECK(s.live_areas <= s0.live_areas + 4, "%lu live areas after 50 threads (%lu before)",
	      s.live_areas, s0.live_areas);
	CHECK(s.shadow_pages <= s0.shadow_pages + 4 * ((1UL << 20) / SHADOW_SPAN + 2) + 16,
	      "%lu shadow pages after 50 threads", s.shadow_pages);
	check_shadow_count("after 50 threads");
}

#define CASE(fn) { #fn, fn }
static const struct { const char *name; void (*fn)(void); } cases[] = {
	CASE(locals), CASE(stack_oob), CASE(overflow), CASE(overflow_run), CASE(reap),
};

int main(int argc, char **argv)
{
	for (size_t i = 0; argc == 2 && i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!strcmp(argv[1], cases[i].name)) {
			cases[i].fn();
			printf("AFTER %s\n", cases[i].name);
			return 0;
		}
	}
	fprintf(stderr, "usage: %s <case>\n", argv[0]);
	return 3;
}
