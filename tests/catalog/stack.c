/*
 * Bug catalog: the stack.  Out of bounds right and left of a local
 * array, each access size (1, 2, 4, 8, 16 and N bytes) just past a local,
 * an access in a callee to its caller's array, use after scope (small
 * objects, whose shadow the compilers write inline, and a large one,
 * which gcc poisons through __asan_poison_stack_memory), dynamic
 * allocas and VLAs out of bounds on either side, a 64 KiB frame (clang
 * writes its shadow through __asan_set_shadow_*), the 1 KiB left
 * redzone of an over-aligned local (clang: __asan_set_shadow_f1), and a
 * bad access on a thread's stack (the task is the thread: the case
 * prints "TID <tid>").
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/syscall.h>

#include "catalog.h"

struct s24 { uint64_t a, b, c; };
struct s24 stack_s24_sink;

noinline void stack_oob_right_read(void)
{
	char buf[10];
	volatile char *p = hide(buf);

	expect_obj(p);
	expect_addr(&p[10]);
	(void)p[hide(10)];
}

noinline void stack_oob_right_write(void)
{
	char buf[10];
	volatile char *p = hide(buf);

	expect_obj(p);
	expect_addr(&p[13]);
	p[hide(13)] = 0;
}

noinline void stack_oob_left_read(void)
{
	char buf[10];
	volatile char *p = hide(buf);

	expect_obj(p);
	expect_addr(&p[-1]);
	(void)p[hide(-1)];
}

noinline void stack_oob_left_write(void)
{
	char buf[10];
	volatile char *p = hide(buf);

	expect_obj(p);
	expect_addr(&p[-3]);
	p[hide(-3)] = 0;
}

/* Two objects: the middle redzone between them. */
noinline void stack_oob_between(void)
{
	char first[12], second[20];
	volatile char *p = hide(first), *q = hide(second);

	q[0] = 0;
	expect_obj(p);
	expect_addr(&p[12]);
	(void)p[hide(12)];
}

/* The caller owns the array; the callee does the bad read. */
noinline char stack_callee_read(volatile char *p, long i)
{
	return p[i];
}

noinline void stack_oob_in_callee(void)
{
	char caller_buf[24];

	expect_obj(caller_buf);
	expect_addr(&caller_buf[24]);
	stack_callee_read(hide(caller_buf), 24);
}

#define SIZE_CASES(bits, type)							\
	noinline void stack_read##bits(void)					\
	{									\
		uint64_t words[4] __attribute__((aligned(32)));			\
		volatile type *p = (volatile type *)(hide((char *)words) + 32);	\
		expect_obj(words);						\
		expect_addr(p);							\
		(void)*p;							\
	}									\
	noinline void stack_write##bits(void)					\
	{									\
		uint64_t words[4] __attribute__((aligned(32)));			\
		volatile type *p = (volatile type *)(hide((char *)words) + 32);	\
		expect_obj(words);						\
		expect_addr(p);							\
		*p = 0;								\
	}

SIZE_CASES(8, uint8_t)
SIZE_CASES(16, uint16_t)
SIZE_CASES(32, uint32_t)
SIZE_CASES(64, uint64_t)
SIZE_CASES(128, unsigned __int128)

/* N-sized: a 24-byte struct copied by assignment from bytes [16, 40) of a 32-byte local. */
noinline void stack_read_s24(void)
{
	uint64_t words[4];
	struct s24 *p = hide((struct s24 *)((char *)words + 16));

	expect_obj(words);
	expect_addr(p);
	stack_s24_sink = *p;
}

noinline void stack_write_s24(void)
{
	uint64_t words[4];
	struct s24 *p = hide((struct s24 *)((char *)words + 16));

	expect_obj(words);
	expect_addr(p);
	*p = stack_s24_sink;
}

noinline void use_after_scope_read(void)
{
	volatile char *p;

	{
		char scoped[16];

		p = hide(scoped);
		p[0] = 1;
	}
	expect_obj(p);
	expect_addr(&p[4]);
	(void)p[hide(4)];
}

noinline void use_after_scope_write(void)
{
	volatile char *p;

	{
		char scoped[16];

		p = hide(scoped);
		p[0] = 1;
	}
	expect_obj(p);
	expect_addr(&p[15]);
	p[hide(15)] = 2;
}

/* 1 KiB: above gcc's threshold for writing use-after-scope shadow inline. */
noinline void use_after_scope_large(void)
{
	volatile char *p;

	{
		char scoped_large[1024];

		p = hide(scoped_large);
		p[0] = 1;
	}
	expect_obj(p);
	expect_addr(&p[1000]);
	(void)p[hide(1000)];
}

noinline void alloca_oob_right(void)
{
	volatile char *p = hide((char *)__builtin_alloca(hide(10)));

	p[0] = 0;
	expect_addr(&p[10]);
	(void)p[hide(10)];
}

noinline void alloca_oob_left(void)
{
	volatile char *p = hide((char *)__builtin_alloca(hide(10)));

	p[0] = 0;
	expect_addr(&p[-1]);
	(void)p[hide(-1)];
}

noinline void vla_oob_right(void)
{
	long n = hide(13L);
	char vla[n];
	volatile char *p = hide(vla);

	p[0] = 0;
	expect_addr(&p[n + 2]);
	p[hide(n + 2)] = 1;
}

noinline void vla_oob_left(void)
{
	long n = hide(13L);
	char vla[n];
	volatile char *p = hide(vla);

	p[0] = 0;
	expect_addr(&p[-8]);
	p[hide(-8)] = 1;
}

/* With a fixed frame above the alloca: the description names that frame. */
noinline void alloca_oob_below_frame(void)
{
	char fixed[16];
	volatile char *f = hide(fixed);
	volatile char *p = hide((char *)__builtin_alloca(hide(24)));

	f[0] = 0;
	p[0] = 0;
	expect_addr(&p[24]);
	(void)p[hide(24)];
}

/* A frame of 64 KiB and small arrays: just past the big one... */
noinline void stack_oob_large_frame(void)
{
	char small_a[5], huge[64 * 1024], small_b[11];
	volatile char *a = hide(small_a), *h = hide(huge), *b = hide(small_b);

	a[0] = b[0] = h[0] = 1;
	expect_obj(h);
	expect_addr(&h[sizeof(huge)]);
	(void)h[hide(sizeof(huge))];
}

/* ...and just past a small one in the same frame. */
noinline void stack_oob_large_frame_small(void)
{
	char small_a[5], huge[64 * 1024], small_b[11];
	volatile char *a = hide(small_a), *h = hide(huge), *b = hide(small_b);

	a[0] = b[0] = h[0] = 1;
	expect_obj(b);
	expect_addr(&b[11]);
	b[hide(11)] = 2;
}

/* A local aligned to 1 KiB: its frame starts with a 1 KiB left redzone. */
noinline void stack_oob_left_overaligned(void)
{
	char aligned_small[8] __attribute__((aligned(1024)));
	char other[16];
	volatile char *p = hide(aligned_small), *q = hide(other);

	q[0] = 1;
	expect_obj(p);
	expect_addr(&p[-200]);
	(void)p[hide(-200)];
}

noinline void thread_stack_oob(void)
{
	char thread_buf[20];
	volatile char *p = hide(thread_buf);

	printf("TID %ld\n", (long)syscall(SYS_gettid));
	expect_obj(p);
	expect_addr(&p[20]);
	(void)p[hide(20)];
}

static void *thread_main(void *arg)
{
	(void)arg;
	thread_stack_oob();
	return NULL;
}

noinline void stack_oob_in_thread(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, thread_main, NULL) || pthread_join(t, NULL))
		printf("pthread failed\n");
}

static const struct catalog_case cases[] = {
	CASE(stack_oob_right_read), CASE(stack_oob_right_write),
	CASE(stack_oob_left_read), CASE(stack_oob_left_write),
	CASE(stack_oob_between), CASE(stack_oob_in_callee),
	CASE(stack_read8), CASE(stack_write8), CASE(stack_read16), CASE(stack_write16),
	CASE(stack_read32), CASE(stack_write32), CASE(stack_read64), CASE(stack_write64),
	CASE(stack_read128), CASE(stack_write128),
	CASE(stack_read_s24), CASE(stack_write_s24),
	CASE(use_after_scope_read), CASE(use_after_scope_write), CASE(use_after_scope_large),
	CASE(stack_oob_large_frame), CASE(stack_oob_large_frame_small), CASE(stack_oob_in_thread),
	CASE(stack_oob_left_overaligned),
	CASE(alloca_oob_right), CASE(alloca_oob_left), CASE(alloca_oob_below_frame), CASE(vla_oob_right), CASE(vla_oob_left),
};

int main(int argc, char **argv)
{
	return RUN_CASES(cases);
}
