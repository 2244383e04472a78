/*
 * Bug catalog: out-of-bounds accesses to global variables, each access
 * size (1, 2, 4, 8, 16 and N bytes) read and written just past the end
 * of a global, the byte before a global, and past the end of a const
 * initialised global (.rodata), a static initialised one (.data) and a
 * 1 MiB one.
 *
 * Left of a global: a global has no redzone of its own below it; the
 * byte before it is the right redzone of whichever instrumented global
 * the compiler placed below it (gcc 12 lays globals out in reverse
 * order of definition; clang 14 orders them its own way, and the first
 * global of .bss has only uninstrumented .data below it).  So the case
 * picks at run time one of three globals that has another of them
 * directly below it, reads the byte before it, and prints the
 * neighbour as VAR ("SKIP" if no such pair exists: then it is not run).
 */
#include "catalog.h"

/* Not static: keeps the compilers from merging or dropping them. */
char global_before[10];
char global_arr[10];
char global_after[10];

/* 32 bytes, 32-aligned: the 1/2/4/8/16-byte cases touch bytes [32, 32+size). */
uint64_t global_words[4] __attribute__((aligned(32)));

struct s24 { uint64_t a, b, c; };	/* 24 bytes: an N-sized access */
struct s3 { char c[3]; };		/* 3 bytes: an N-sized access */
const char global_const[13] = "hello, world";
static char global_static[7] = { 1, 2, 3, 4, 5, 6, 7 };
char global_big[1 << 20];

struct s24 global_s24_sink;
struct s3 global_s3_sink;

noinline void global_oob_right_read(void)
{
	volatile char *p = hide(global_arr);

	expect_addr(&p[10]);
	(void)p[hide(10)];
}

noinline void global_oob_right_write(void)
{
	volatile char *p = hide(global_arr);

	expect_addr(&p[12]);
	p[hide(12)] = 1;
}

/* The far end of the redzone: gcc and clang both give a 10-byte global
 * a redzone up to offset 32 at least. */
noinline void global_oob_right_far(void)
{
	volatile char *p = hide(global_arr);

	expect_addr(&p[31]);
	(void)p[hide(31)];
}

noinline void global_oob_left(void)
{
	static const struct { char *addr; const char *name; } g[] = {
		{ global_before, "global_before" },
		{ global_arr, "global_arr" },
		{ global_after, "global_after" },
	};

	/* A target with one of the others directly below it (its redzone
	 * reaching the target: no more than 64 bytes apart). */
	for (int t = 0; t < 3; t++) {
		for (int b = 0; b < 3; b++) {
			uintptr_t ta = (uintptr_t)g[t].addr, ba = (uintptr_t)g[b].addr;

			if (ba < ta && ta - ba <= 64) {
				volatile char *p = hide(g[t].addr);

				expect_var(g[b].name);
				expect_addr(&p[-1]);
				(void)p[hide(-1)];
				return;
			}
		}
	}
	printf("SKIP no instrumented global directly below another\n");
}

noinline void global_const_oob(void)
{
	const volatile char *p = hide(global_const);

	expect_addr(&p[13]);
	(void)p[hide(13)];
}

noinline void global_static_oob(void)
{
	volatile char *p = hide(global_static);

	expect_addr(&p[7]);
	p[hide(7)] = 0;
}

/* gcc gives every global a redzone of 32 to 63 bytes; clang scales it
 * with the size (256 KiB here): stay within gcc's. */
noinline void global_big_oob(void)
{
	volatile char *p = hide(global_big);

	expect_addr(&p[sizeof(global_big) + 16]);
	(void)p[hide(sizeof(global_big) + 16)];
}

#define SIZE_CASES(bits, type)							\
	noinline void global_read##bits(void)				\
	{									\
		char *base = hide((char *)global_words);			\
		volatile type *p = (volatile type *)(base + 32);		\
		expect_addr(p);							\
		(void)*p;							\
	}									\
	noinline void global_write##bits(void)				\
	{									\
		char *base = hide((char *)global_words);			\
		volatile type *p = (volatile type *)(base + 32);		\
		expect_addr(p);							\
		*p = 0;								\
	}

SIZE_CASES(8, uint8_t)
SIZE_CASES(16, uint16_t)
SIZE_CASES(32, uint32_t)
SIZE_CASES(64, uint64_t)
SIZE_CASES(128, unsigned __int128)

/* N-sized: a 24-byte struct copied by assignment from bytes [16, 40). */
noinline void global_read_s24(void)
{
	struct s24 *p = hide((struct s24 *)((char *)global_words + 16));

	expect_addr(p);
	global_s24_sink = *p;
}

noinline void global_write_s24(void)
{
	struct s24 *p = hide((struct s24 *)((char *)global_words + 16));

	expect_addr(p);
	*p = global_s24_sink;
}

/* N-sized: a 3-byte struct copied from bytes [32, 35), wholly in the redzone. */
noinline void global_read_s3(void)
{
	struct s3 *p = hide((struct s3 *)((char *)global_words + 32));

	expect_addr(p);
	global_s3_sink = *p;
}

/* N-sized through __builtin_memcpy with a constant size (the compilers
 * expand it inline; the access is checked as one range). */
noinline void global_builtin_memcpy24(void)
{
	char *src = hide((char *)global_words + 16);

	expect_addr(src);
	__builtin_memcpy(&global_s24_sink, src, 24);
}

static const struct catalog_case cases[] = {
	CASE(global_oob_right_read), CASE(global_oob_right_write), CASE(global_oob_right_far),
	CASE(global_oob_left), CASE(global_const_oob), CASE(global_static_oob), CASE(global_big_oob),
	CASE(global_read8), CASE(global_write8), CASE(global_read16), CASE(global_write16),
	CASE(global_read32), CASE(global_write32), CASE(global_read64), CASE(global_write64),
	CASE(global_read128), CASE(global_write128),
	CASE(global_read_s24), CASE(global_write_s24), CASE(global_read_s3),
	CASE(global_builtin_memcpy24),
};

int main(int argc, char **argv)
{
	return RUN_CASES(cases);
}
