/*
 * The guest C library (src/riscv/libc), run by tests/riscv/run.sh: the
 * allocator's size arithmetic (no request may wrap into a tiny block),
 * the aligned allocators and their redzones, and the headers programs
 * written for a hosted libc include (<alloca.h>, <malloc.h>,
 * <inttypes.h>, <sys/types.h>, <strings.h>).  argv[1] names the case;
 * "PASS <case>" when its own checks hold, "AFTER <case>" after a bad
 * access it survived.
 */
#include <alloca.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <malloc.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <unistd.h>
#include <vmkasan.h>

#define noinline __attribute__((noinline))

static void *volatile sink;
static noinline void *hide(void *p) { sink = p; return sink; }
static noinline size_t hide_n(size_t n) { sink = (void *)n; return (size_t)sink; }

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { printf("FAIL %s:%d: ", __func__, __LINE__); \
	printf(__VA_ARGS__); printf("\n"); failures++; } } while (0)

/* NULL with errno ENOMEM, nothing else. */
#define EXPECT_ENOMEM(call, what, k) do { void *r_; errno = 0; r_ = (call); \
	CHECK(!r_ && errno == ENOMEM, "%s, k=%zu: %p, errno %d", what, (size_t)(k), r_, errno); \
	if (r_) free(r_); } while (0)

/* Sizes that wrap when the allocator adds its header or multiplies, and
 * sizes no 4 GiB vmalloc space holds: NULL and ENOMEM, never a block.
 * What was there before a failed realloc stays. */
static noinline void malloc_overflow(void)
{
	char *p = malloc(100);
	void *q = &q;

	memset(p, 7, 100);
	for (size_t k = 0; k <= 4200; k += k < 64 ? 1 : 97) {
		size_t n = hide_n(SIZE_MAX - k);

		EXPECT_ENOMEM(malloc(n), "malloc(SIZE_MAX - k)", k);
		EXPECT_ENOMEM(realloc(p, n), "realloc(p, SIZE_MAX - k)", k);
		EXPECT_ENOMEM(calloc(1, n), "calloc(1, SIZE_MAX - k)", k);
		EXPECT_ENOMEM(calloc(n, 1), "calloc(SIZE_MAX - k, 1)", k);
		EXPECT_ENOMEM(reallocarray(p, 1, n), "reallocarray(p, 1, SIZE_MAX - k)", k);
		EXPECT_ENOMEM(aligned_alloc(64, n), "aligned_alloc(64, SIZE_MAX - k)", k);
		EXPECT_ENOMEM(aligned_alloc(8192, n), "aligned_alloc(8192, SIZE_MAX - k)", k);
		EXPECT_ENOMEM(memalign(4096, n), "memalign(4096, SIZE_MAX - k)", k);
		EXPECT_ENOMEM(valloc(n), "valloc(SIZE_MAX - k)", k);
		errno = 0;
		CHECK(posix_memalign(&q, 32, n) == ENOMEM && q == &q && errno == 0,
		      "posix_memalign(32, SIZE_MAX - %zu): *out %p errno %d", k, q, errno);
	}
	/* products that wrap: (2^32 + 1) * (2^32 - 1) = 2^64 - 1, and a
	 * product that wraps to 0 */
	EXPECT_ENOMEM(calloc(hide_n(0x100000001UL), 0xffffffffUL), "calloc((2^32+1) * (2^32-1))", 0);
	EXPECT_ENOMEM(calloc(hide_n(1UL << 32), 1UL << 32), "calloc(2^32 * 2^32)", 0);
	EXPECT_ENOMEM(reallocarray(p, hide_n(1UL << 33), 1UL << 31), "reallocarray(2^33 * 2^31)", 0);
	/* no wrap, but more than the vmalloc space */
	EXPECT_ENOMEM(malloc(hide_n(SIZE_MAX / 2)), "malloc(SIZE_MAX / 2)", 0);
	EXPECT_ENOMEM(malloc(hide_n(1UL << 39)), "malloc(2^39)", 0);
	EXPECT_ENOMEM(malloc(hide_n(8UL << 30)), "malloc(8 GiB)", 0);
	for (int i = 0; i < 100; i++)
		CHECK(p[i] == 7, "a failed realloc changed byte %d of the block", i);
	/* bad alignments */
	errno = 0;
	CHECK(!aligned_alloc(hide_n(24), 48) && errno == EINVAL, "aligned_alloc(24): errno %d", errno);
	CHECK(posix_memalign(&q, 4, 16) == EINVAL, "posix_memalign(4) is not EINVAL");
	CHECK(posix_memalign(&q, 0, 16) == EINVAL, "posix_memalign(0) is not EINVAL");
	free(p);
	if (!failures && !vmkasan_report_count())
		printf("PASS malloc_overflow\n");
}

/* What does fit works: alignment, contents across realloc, usable size,
 * and calloc's zeros. */
static noinline void malloc_sane(void)
{
	static const size_t aligns[] = { 16, 32, 64, 256, 4096, 8192, 65536 };
	char *p = malloc(10), *z;
	void *q = NULL;

	for (int i = 0; i < 10; i++)
		p[i] = (char)i;
	p = realloc(p, 100000);
	CHECK(p, "realloc to 100000 failed");
	for (int i = 0; p && i < 10; i++)
		CHECK(p[i] == (char)i, "realloc lost byte %d", i);
	CHECK(malloc_usable_size(p) == 100000, "usable size %zu", malloc_usable_size(p));
	p = realloc(p, 5);
	CHECK(p && p[4] == 4 && malloc_usable_size(p) == 5, "realloc down");
	free(p);
	for (unsigned i = 0; i < sizeof(aligns) / sizeof(aligns[0]); i++) {
		char *a = aligned_alloc(aligns[i], 3000);

		CHECK(a && (uintptr_t)a % aligns[i] == 0, "aligned_alloc(%zu) gave %p", aligns[i], (void *)a);
		if (a)
			memset(a, 1, 3000);
		free(a);
		CHECK(posix_memalign(&q, aligns[i], 100) == 0 && (uintptr_t)q % aligns[i] == 0,
		      "posix_memalign(%zu) gave %p", aligns[i], q);
		free(q);
	}
	z = calloc(1000, 3);
	for (int i = 0; z && i < 3000; i++)
		CHECK(!z[i], "calloc byte %d is %d", i, z[i]);
	free(z);
	CHECK(malloc_usable_size(NULL) == 0, "malloc_usable_size(NULL)");
	if (!failures && !vmkasan_report_count())
		printf("PASS malloc_sane\n");
}

/* An aligned block has redzones like any other: one byte past it. */
static noinline void aligned_oob(void)
{
	char *a = aligned_alloc(256, 100);

	printf("EXPECT %p\n", (void *)(a + 100));
	(void)((volatile char *)hide(a))[100];
	printf("AFTER aligned_oob\n");
	free(a);
}

/* ... and its header below it is a redzone too. */
static noinline void aligned_underflow(void)
{
	char *a = aligned_alloc(512, 100);

	printf("EXPECT %p\n", (void *)(a - 1));
	(void)((volatile char *)hide(a))[-1];
	printf("AFTER aligned_underflow\n");
	free(a);
}

/* free() of a pointer into a block is an invalid free, at that pointer. */
static noinline void free_inside(void)
{
	char *p = malloc(100);

	printf("EXPECT %p\n", (void *)(p + 16));
	free(hide(p + 16));
	printf("AFTER free_inside\n");
	free(p);
}

/* <alloca.h>'s alloca: the compiler's, with redzones. */
static noinline void alloca_oob(void)
{
	size_t n = hide_n(10);
	volatile char *p = hide(alloca(n));

	printf("EXPECT %p\n", (void *)(p + n));
	(void)p[n];
	printf("AFTER alloca_oob\n");
}

/* What the other headers give, used. */
static noinline void headers(void)
{
	char buf[64];
	int64_t big = INT64_MIN;
	ssize_t s = -1;
	off_t o = 4096;
	uintmax_t m = UINTMAX_MAX;

	snprintf(buf, sizeof(buf), "%" PRId64 " %" PRIx32 " %" PRIu64, big, (uint32_t)0xbeef, (uint64_t)m);
	CHECK(!strcmp(buf, "-9223372036854775808 beef 18446744073709551615"), "PRI macros: %s", buf);
	CHECK(s < 0 && o == 4096 && sizeof(pid_t) == 4 && sizeof(size_t) == sizeof(ssize_t), "sys/types");
	CHECK(!strcasecmp("KASAN", "kasan") && strncasecmp("abc", "abd", 3) < 0, "strcasecmp");
	CHECK(INT_MAX == 0x7fffffff && LONG_MAX == INT64_MAX, "limits");
	if (!failures && !vmkasan_report_count())
		printf("PASS headers\n");
}

#define CASE(f) { #f, f }
static const struct { const char *name; void (*fn)(void); } cases[] = {
	CASE(malloc_overflow), CASE(malloc_sane), CASE(aligned_oob), CASE(aligned_underflow),
	CASE(free_inside), CASE(alloca_oob), CASE(headers),
};

int main(int argc, char **argv)
{
	for (unsigned i = 0; argc >= 2 && i < sizeof(cases) / sizeof(cases[0]); i++)
		if (!strcmp(argv[1], cases[i].name)) {
			cases[i].fn();
			return failures ? 3 : 0;
		}
	printf("unknown case\n");
	return 4;
}
