/*
 * Shared helpers of the vmalloc tests (the .c files of tests/vmalloc).
 *
 * Protocol with run.sh: a program states on stdout (flushed before the
 * bad access) what the report on stderr must contain:
 *   EXPECT_BUG <type> <func>   "BUG: KASAN: <type> in <func>+0x"
 *   EXPECT_TEXT <text>         a line of the report contains <text>
 *   EXPECT_NOTEXT <text>       no line of stderr contains <text>
 *   EXPECT_REPORTS <n>         number of "BUG: KASAN:" lines (default 1)
 * and "AFTER <case>" once it has checked that it survived; a "FAIL ..."
 * line is an assertion of the program itself that did not hold.
 *
 * The shadow helpers read the process's truth: mincore() says which
 * shadow pages of the vmalloc space are really present, and present
 * pages are read directly.  They are not instrumented (a load from the
 * shadow would be checked against the shadow of the shadow).
 */
#ifndef VMTEST_H
#define VMTEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <vmkasan.h>

#define noinline	__attribute__((noinline))
#define nosan		__attribute__((no_sanitize_address)) __attribute__((__noinline__))
#define PGSZ		4096UL
#define SHADOW_SPAN	(PGSZ * 8)	/* vmalloc bytes described by one shadow page */
#define SH_INVALID	0xF9
#define SH_FREED	0xF7

static int vt_failures;

static inline void vt_fail(const char *fmt, ...)
{
	va_list ap;

	printf("FAIL ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	vt_failures++;
}

#define CHECK(cond, ...) do { if (!(cond)) vt_fail(__VA_ARGS__); } while (0)

static inline void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* The report prints addresses as 16 hex digits without 0x. */
static inline void expect_bug(const char *type, const char *func)
{
	say("EXPECT_BUG %s %s", type, func);
}

static inline void expect_access(const char *rw, unsigned long size, const volatile void *addr)
{
	say("EXPECT_TEXT %s of size %lu at addr %016lx by task", rw, size, (unsigned long)addr);
}

static inline void expect_free_of(const void *addr)
{
	say("EXPECT_TEXT Free of addr %016lx by task", (unsigned long)addr);
}

/* Hide a value from the optimiser. */
static inline uintptr_t hide_val(uintptr_t v)
{
	__asm__ volatile("" : "+r"(v));
	return v;
}
#define hide(x) ((__typeof__(x))hide_val((uintptr_t)(x)))

static inline uintptr_t shadow_addr(uintptr_t a)
{
	return (a >> 3) + VMKASAN_SHADOW_OFFSET;
}

/* Shadow page index (from the start of the vmalloc shadow) of address a. */
static inline unsigned long shadow_page_idx(uintptr_t a)
{
	return (shadow_addr(a) - shadow_addr(VMALLOC_START)) / PGSZ;
}

/*
 * Residency of the shadow pages of [VMALLOC_START, VMALLOC_START + span):
 * vec[i] = 1 if shadow page i is present.  Returns the number present.
 */
static nosan unsigned long shadow_resident(unsigned long span, unsigned char *vec)
{
	uintptr_t s = shadow_addr(VMALLOC_START);
	unsigned long n = span / SHADOW_SPAN, count = 0;

	if (mincore((void *)s, n * PGSZ, vec)) {
		perror("mincore");
		exit(99);
	}
	for (unsigned long i = 0; i < n; i++) {
		vec[i] &= 1;
		count += vec[i];
	}
	return count;
}

/*
 * Scratch memory of the checkers (mincore vectors, the model's expected
 * shadow): from mmap, not malloc.  malloc is the runtime's, so its
 * blocks take RAM, slab pages and, when big, vmalloc areas: a checker
 * that took them would change what it measures.
 */
static inline void *scratch_alloc(size_t size)
{
	void *p = mmap(NULL, size ? size : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(98);
	}
	return p;
}

static inline void scratch_free(void *p, size_t size)
{
	if (p)
		munmap(p, size ? size : 1);
}

/* Number of present shadow pages in the first span bytes of vmalloc space. */
static inline unsigned long count_resident(unsigned long span)
{
	unsigned long n = span / SHADOW_SPAN, c;
	unsigned char *vec = scratch_alloc(n);

	c = shadow_resident(span, vec);
	scratch_free(vec, n);
	return c;
}

/* Shadow byte of a, or -1 if its shadow page is absent (mincore). */
static nosan __attribute__((unused)) int shadow_byte(uintptr_t a)
{
	uintptr_t s = shadow_addr(a);
	unsigned char v;

	if (mincore((void *)(s & ~(PGSZ - 1)), PGSZ, &v))
		return -2;
	if (!(v & 1))
		return -1;
	return *(volatile unsigned char *)s;
}

/* Does VMKASAN_OPTIONS contain this key=value? */
static inline int getenv_has(const char *kv)
{
	const char *o = getenv("VMKASAN_OPTIONS");

	return o && strstr(o, kv) != NULL;
}

static inline void get_stats(struct vmkasan_stats *s)
{
	vmkasan_get_stats(s);
}

/* The whole vmalloc space this test uses lies in the first GiB. */
#define USED_SPAN	(1UL << 30)

/*
 * The runtime's count of populated vmalloc shadow pages must be what
 * the process has (outside a report, when no temporary poison page of
 * the fault handler is mapped).
 */
static inline void check_shadow_count(const char *when)
{
	struct vmkasan_stats s;
	unsigned long r = count_resident(USED_SPAN);

	get_stats(&s);
	CHECK(s.shadow_pages == r, "%s: stats.shadow_pages %lu but %lu shadow pages present",
	      when, s.shadow_pages, r);
}

#endif
