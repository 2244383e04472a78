/*
 * Bugs inside inlined helpers (built at -O2, see run-tests.sh): the call
 * trace must show each inlined function as a frame of its own,
 * " helper (inlined) .../inline.c:LINE", innermost first, then the
 * physical frame with the call site's line; the BUG line names the
 * physical function, as the kernel's does.
 *
 * Besides EXPECT, a case prints "FRAME <function> <line>" for each frame
 * the trace must start with, in the order the code runs: the physical
 * function first, the innermost inlined one last (the trace lists them
 * the other way round).  Each expect_frame() call shares its source line
 * with the access or call it stands for.
 */
#include "catalog.h"

#define always_inline inline __attribute__((always_inline))

static void expect_frame(const char *func, unsigned line)
{
	printf("FRAME %s %u\n", func, line);
	fflush(stdout);
}

char inline_arr[10];
int inline_words[4];

/* ---- one level ---- */

static always_inline char inline_helper_read(const volatile char *p, long i)
{
	expect_frame(__func__, __LINE__); return p[i];
}

noinline void inline_read(void)
{
	volatile char *p = hide(inline_arr);

	expect_addr(&p[10]);
	expect_frame(__func__, __LINE__); (void)inline_helper_read(p, hide(10));
}

/* ---- two levels ---- */

static always_inline void inline_inner_write(volatile int *p, long i, int v)
{
	expect_frame(__func__, __LINE__); p[i] = v;
}

static always_inline void inline_outer_write(volatile int *p, long i)
{
	expect_frame(__func__, __LINE__); inline_inner_write(p, i + 1, 7);
}

noinline void inline_nested_write(void)
{
	volatile int *p = hide(inline_words);

	expect_addr(&p[4]);
	expect_frame(__func__, __LINE__); inline_outer_write(p, hide(3));
}

/* ---- a checked memcpy called from an inlined helper ---- */

static always_inline void inline_copy(char *dst, const char *src, long n)
{
	expect_frame(__func__, __LINE__); memcpy(dst, src, n);
}

noinline void inline_memcpy(void)
{
	char dst[16];
	const char *src = hide(inline_arr);

	expect_addr(src);
	expect_frame(__func__, __LINE__); inline_copy(dst, src, hide(11));
	(void)hide(dst[0]);
}

static const struct catalog_case cases[] = {
	CASE(inline_read),
	CASE(inline_nested_write),
	CASE(inline_memcpy),
};

int main(int argc, char **argv)
{
	return RUN_CASES(cases);
}
